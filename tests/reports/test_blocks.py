"""The GB/T 9704-2012 rules that are plain functions: numbering, dates, signature spacing."""

import datetime as dt

import pytest

from plantrack.reports.blocks import (
    Grid,
    Heading,
    Para,
    attachment_line,
    chinese_number,
    numbering,
    signature_spaces,
    width,
    written_date,
)


@pytest.mark.parametrize(
    ("n", "text"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五")]
)
def test_section_numbers_are_chinese_numerals(n, text):
    assert chinese_number(n) == text


def test_section_numbers_stop_at_ninety_nine():
    with pytest.raises(ValueError):
        chinese_number(100)


def test_levels_are_numbered_in_the_order_of_clause_7_3_3_and_restart_under_their_parent():
    blocks = [
        Heading(1, "a"), Heading(2, "b"), Heading(3, "c"), Heading(4, "d"), Heading(4, "e"),
        Para("x"), Heading(3, "f"), Heading(2, "g"), Heading(3, "h"), Heading(1, "i"),
        Grid(["h"], []), Heading(2, "j"),
    ]  # fmt: skip
    assert numbering(blocks) == [
        "一、", "（一）", "1.", "（1）", "（2）", "", "2.", "（二）", "1.", "二、", "", "（一）",
    ]  # fmt: skip


def test_written_date_has_no_leading_zeros_as_in_7_3_5_4():
    assert written_date(dt.date(2012, 1, 15)) == "2012年1月15日"
    assert written_date(dt.date(2011, 12, 5)) == "2011年12月5日"


def test_attachment_numbers_only_when_there_are_several():
    assert attachment_line(1, 1, "目标完成情况表") == "目标完成情况表"
    assert attachment_line(2, 3, "走势图") == "2.走势图"


def test_width_counts_half_width_digits_as_half_a_character():
    assert width("2012年1月15日") == 3 + 3.5


def test_signature_keeps_two_characters_and_moves_the_date_two_right():
    # 7.3.5.2: a long authority (10 characters) ends 2 characters from the right; the date's
    # first character is 2 right of the authority's first.
    sender, date = "浙江省资源节约工作办公室", "2011年12月31日"
    sender_right, date_right = signature_spaces(sender, date)
    assert sender_right == 2
    assert date_right + width(date) == sender_right + width(sender) - 2


def test_a_date_longer_than_the_authority_keeps_two_characters_and_pushes_it_left():
    sender, date = "杭州市人民政府", "2011年12月31日"  # 7 characters against 7
    sender_right, date_right = signature_spaces(sender, date)
    assert date_right == 2
    assert sender_right + width(sender) - 2 == date_right + width(date)
