"""plantrack report: the reports written to files for batch use."""

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from .conftest import HANGZHOU, word

pytestmark = pytest.mark.django_db


def test_city_report_to_a_file(plan, tmp_path):
    output = tmp_path / "hangzhou.docx"
    call_command("report", "city", "--plan", "zhejiang-2011", "--year", "2011",
                 "--region", HANGZHOU, "--month", "2011-09", "--output", str(output))  # fmt: skip
    document = word(output.read_bytes())
    assert document.paragraphs[1].text.startswith("杭州市人民政府关于2011年度")


def test_bulletin_pdf_and_workbook_to_files(plan, tmp_path):
    pdf, xlsx = tmp_path / "bulletin.pdf", tmp_path / "book.xlsx"
    call_command("report", "bulletin", "--year", "2011", "--region", HANGZHOU,
                 "--month", "2011-09", "--format", "pdf", "--output", str(pdf))  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF")
    call_command("report", "workbook", "--year", "2011", "--region", HANGZHOU,
                 "--month", "2011-09", "--output", str(xlsx))  # fmt: skip
    assert "填报数值" in load_workbook(xlsx).sheetnames


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["city", "--year", "2011"], "--region"),
        (["city", "--region", "330106"], "不是设区市"),
        (["bulletin", "--month", "2011-13"], "--month"),
        (["bulletin", "--year", "2011", "--month", "2012-01"], "2011 年的月份"),
        (["province", "--plan", "nope"], "--plan"),
    ],
)
def test_bad_arguments_say_which_and_why(plan, tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", *arguments, "--output", str(tmp_path / "x"))
