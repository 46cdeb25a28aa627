import pytest

from plantrack.core.seedtext import UnknownClause, clause_text, normalize_address, split_clauses

DOC = """前言。
　　一、总体目标
　　（一）综合。下降3.5%。
　　（二）结构。提高1个百分点。
　　二、任务
　　（一）工程。完成60个。
　　附件：1．甲方案
　　附件1
甲方案
　　一、目标
　　（一）综合目标。年节能650万吨标准煤以上。
"""


def test_clauses_are_addressed_by_part_section_and_subsection():
    clauses = split_clauses(DOC)
    assert "下降3.5%" in clauses["正文 一（一）"].text
    assert "1个百分点" not in clauses["正文 一（一）"].text
    assert "完成60个" in clauses["正文 二"].text
    assert "650" in clauses["附件1 一（一）"].text
    assert "650" not in clauses["正文"].text and "650" in clauses["附件1"].text
    assert clauses["附件1 一（一）"].first_line == 11


def test_addresses_are_normalized():
    assert normalize_address("附件1二(一)") == "附件1 二（一）"
    assert normalize_address("一（二）") == "正文 一（二）"
    assert clause_text(DOC, "一(二)").strip().startswith("（二）结构")


def test_unknown_clause_is_named():
    with pytest.raises(UnknownClause, match="附件2"):
        clause_text(DOC, "附件2 一")
    with pytest.raises(UnknownClause):
        normalize_address("第三条")


def test_the_seed_has_three_annexes_with_their_programs(seed_text):
    clauses = split_clauses(seed_text)
    assert (
        "附件1 二（十）" in clauses and "附件2 二（六）" in clauses and "附件3 二（九）" in clauses
    )
    assert "附件1 二（十一）" not in clauses
    assert "00566" in clauses["附件1 二（十）"].text
