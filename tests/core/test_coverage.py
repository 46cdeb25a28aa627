"""Coverage of a seed document by a plan file, on small made-up documents."""

from __future__ import annotations

from decimal import Decimal

from plantrack.core.coverage import misplaced, quantified_statements, uncovered
from plantrack.core.planfile import Plan

DOCUMENT = "\n".join(
    [
        "为做好2011年工作，制定本方案。",
        "　　一、总体目标",
        "　　（一）节能。确保单位GDP能耗下降3.5%以上，年节能650万吨标准煤（详见附件1）。",
        "　　（二）范围。6000千瓦及以上火电厂标煤耗下降2克，燃煤锅炉淘汰2台。",
        "",
        "　　附件：1．节能方案",
        "　　　　　2．用地方案",
        "",
        "　　附件1",
        "　　一、主要任务",
        "　　（一）建设。新建1-2个湿地公园，建立浙南、浙北两个监测中心，下降1\ue0105%。",
    ]
)


def make_plan(targets: list[dict] = (), non_targets: list[dict] = ()) -> Plan:  # type: ignore[assignment]
    base = {
        "domain": "energy",
        "kind": "quantitative",
        "indicator": "x",
        "direction": "decrease",
        "comparator": ">=",
        "region": "330000",
        "departments": ["d"],
    }
    return Plan.model_validate(
        {
            "code": "t",
            "name": "测试",
            "short_name": "测试",
            "issuer": "省政府",
            "region": "330000",
            "year": 2011,
            "period_start": "2011-01-01",
            "period_end": "2011-12-31",
            "base_year": 2010,
            "departments": [{"code": "d", "name": "部门", "short_name": "部门"}],
            "domains": [{"code": "energy", "name": "节能", "clause": "附件1", "programs": []}],
            "indicators": [
                {
                    "code": "x",
                    "name": "指标",
                    "unit": "%",
                    "kind": "change",
                    "direction": "decrease",
                    "aggregation": "none",
                }
            ],
            "targets": [{**base, "name": "目标", "statement": "目标", **t} for t in targets],
            "non_targets": list(non_targets),
        }
    )


def target(code: str, clause: str, quote: str, value_text: str) -> dict:
    return {"code": code, "clause": clause, "quote": quote, "value_text": value_text, "value": 1}


def texts(statements) -> list[tuple[str, str]]:
    return [(s.clause, s.text) for s in statements]


def test_statements_carry_their_most_specific_clause_in_document_order() -> None:
    assert texts(quantified_statements(DOCUMENT)) == [
        ("正文", "2011"),
        ("正文 一（一）", "3.5"),
        ("正文 一（一）", "650"),
        ("正文 一（二）", "6000"),
        ("正文 一（二）", "2"),
        ("正文 一（二）", "2"),
        ("附件1 一（一）", "1-2"),
        ("附件1 一（一）", "两"),
        ("附件1 一（一）", "1\ue0105"),
    ]


def test_headings_annex_names_and_the_annex_list_are_not_statements() -> None:
    found = quantified_statements(DOCUMENT)
    lines = {s.line for s in found}
    assert not lines & {2, 6, 7, 9, 10}
    assert "附件1" not in [DOCUMENT[s.start - 2 : s.end] for s in found]


def test_statement_values_read_ranges_chinese_numerals_scales_and_stray_characters() -> None:
    by_text = {s.text: s for s in quantified_statements(DOCUMENT)}
    assert by_text["650"].scale == 10**4 and by_text["650"].value == Decimal(6_500_000)
    assert by_text["1-2"].number == Decimal(1)
    assert by_text["两"].number == Decimal(2)
    assert by_text["1\ue0105"].number == Decimal(15)
    assert by_text["3.5"].number == Decimal("3.5") and by_text["3.5"].scale == 1


def test_spans_point_at_the_number_in_the_document() -> None:
    for statement in quantified_statements(DOCUMENT):
        assert DOCUMENT[statement.start : statement.end] == statement.text


def test_a_quoted_number_is_covered_and_an_unquoted_one_is_not() -> None:
    plan = make_plan([target("A-01", "正文 一（一）", "确保单位GDP能耗下降3.5%以上", "3.5")])
    left = texts(uncovered(plan, DOCUMENT))
    assert ("正文 一（一）", "3.5") not in left
    assert ("正文 一（一）", "650") in left
    assert len(left) == 8


def test_a_non_target_quote_covers_its_number() -> None:
    plan = make_plan(
        non_targets=[{"clause": "正文 一（二）", "quote": "6000千瓦及以上", "why": "门槛"}]
    )
    assert ("正文 一（二）", "6000") not in texts(uncovered(plan, DOCUMENT))


def test_coverage_tells_equal_numbers_apart_by_position() -> None:
    plan = make_plan([target("A-01", "正文 一（二）", "标煤耗下降2克", "2")])
    left = [s for s in uncovered(plan, DOCUMENT) if s.text == "2"]
    assert len(left) == 1
    assert DOCUMENT[left[0].start - 4 : left[0].end] == "锅炉淘汰2"


def test_a_quote_cited_from_the_wrong_clause_covers_nothing_and_is_reported() -> None:
    plan = make_plan([target("A-01", "附件1 一（一）", "年节能650万吨标准煤", "650")])
    assert ("正文 一（一）", "650") in texts(uncovered(plan, DOCUMENT))
    (problem,) = misplaced(plan, DOCUMENT)
    assert problem.item == "目标 A-01" and "不在" in problem.problem


def test_misplaced_reports_a_value_missing_from_its_quote_and_an_unknown_clause() -> None:
    plan = make_plan(
        [
            target("A-01", "正文 一（一）", "年节能650万吨标准煤", "65.0"),
            target("A-02", "附件9 一（一）", "年节能650万吨标准煤", "650"),
        ],
        [{"clause": "正文 一（二）", "quote": "7000千瓦", "why": "门槛"}],
    )
    problems = {(p.item, p.problem) for p in misplaced(plan, DOCUMENT)}
    assert problems == {
        ("目标 A-01", "引文不含数值“65.0”"),
        ("目标 A-02", "条款不存在"),
        ("非目标 #1", "引文不在所引条款中"),
    }


def test_a_correct_plan_has_nothing_misplaced() -> None:
    plan = make_plan([target("A-01", "附件1", "两个监测中心", "两")])
    assert misplaced(plan, DOCUMENT) == []
