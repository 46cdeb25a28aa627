"""The Word reports and the bulletin, generated from the demo scenario and read back with
python-docx and pypdf: GB/T 9704-2012 layout, the figures of progress.services.compute, and
暂无数据 where nothing was reported."""

import io
import re
from decimal import Decimal

import pypdf
import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

from plantrack.assessment.services import round_for
from plantrack.core.generic import round_half_up
from plantrack.plans.models import Plan
from plantrack.progress.services import compute
from plantrack.regions.models import Region
from plantrack.reports import documents
from plantrack.reports.gbt9704 import BODY_FONT, TITLE_FONT

from .conftest import HANGZHOU, MONTH, word

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def city_report_file(scenario, django_db_blocker) -> bytes:
    """Hangzhou's report, generated once for the tests that read it."""
    with django_db_blocker.unblock():
        plan = Plan.objects.get(code="zhejiang-2011")
        hangzhou = User.objects.get(username="hangzhou")
        region = Region.objects.get(code=HANGZHOU)
        return documents.city_responsibility_report(plan, region, 2011, hangzhou, MONTH)


@pytest.fixture
def city_report(city_report_file):
    return word(city_report_file)


def captioned_tables(document) -> dict[str, Table]:
    """Each table under the caption paragraph just before it."""
    found, caption = {}, ""
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            caption = "".join(t.text or "" for t in element.iter(qn("w:t")))
        elif element.tag == qn("w:tbl"):
            found[caption] = Table(element, document)
    return found


def expected_figure(row) -> str:
    """The figure as a report must print it, from the computed value."""
    value = row.progress.value
    if not isinstance(value, Decimal):
        return "暂无数据"
    shown = f"{round_half_up(abs(value), 2).normalize():f}{row.target.unit}"
    if row.target.indicator.kind in ("change", "pp_change"):
        return ("下降" if value < 0 else "上升") + shown
    return f"{round_half_up(value, 2).normalize():f}{row.target.unit}"


def mm(emu: int) -> float:
    """A length Word stores in twips, in millimetres: the EMU → twip rounding leaves ±0.02 mm."""
    return round(emu / 36000, 1)


def test_page_is_a4_with_the_margins_of_clause_5_2_1(city_report):
    section = city_report.sections[0]
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert abs(section.top_margin - Mm(37)) < 635 and mm(section.top_margin) == 37  # one twip
    assert mm(section.left_margin) == 28 and mm(section.right_margin) == 26
    assert mm(section.bottom_margin) == 35
    # The text area (版心) is 156 mm × 225 mm.
    assert mm(section.page_width - section.left_margin - section.right_margin) == 156
    assert mm(section.page_height - section.top_margin - section.bottom_margin) == 225
    assert city_report.settings.element.find(qn("w:mirrorMargins")) is not None


def test_title_addressee_and_body_use_the_faces_and_sizes_of_the_standard(city_report):
    paragraphs = [p for p in city_report.paragraphs if p.text]
    assert paragraphs[0].text.startswith("演示数据")
    title, addressee = paragraphs[1], paragraphs[2]
    assert title.text == "杭州市人民政府关于2011年度资源节约与环境保护目标责任完成情况的报告"
    assert title.style.name == "公文标题" and title.style.font.size == Pt(22)  # 2号
    fonts = title.style.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == TITLE_FONT == "方正小标宋简体"
    assert addressee.text == "浙江省人民政府：" and addressee.style.name == "主送机关"
    normal = city_report.styles["Normal"]
    assert normal.font.size == Pt(16)  # 3号
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == BODY_FONT


def test_missing_faces_fall_back_through_the_font_table(city_report):
    part = next(
        r.target_part for r in city_report.part.rels.values() if r.reltype.endswith("/fontTable")
    )
    xml = part.blob.decode()
    assert re.search(r'w:name="方正小标宋简体">\s*<w:altName w:val="宋体"', xml)
    assert re.search(r'w:name="仿宋_GB2312">\s*<w:altName w:val="仿宋"', xml)


def test_sections_are_numbered_one_paren_one_arabic(city_report):
    headings = [
        (p.style.name, p.text) for p in city_report.paragraphs if p.style.name.startswith("Heading")
    ]
    level_one = [t for s, t in headings if s == "Heading 1"]
    assert [t[:2] for t in level_one] == ["一、", "二、", "三、", "四、", "五、"]
    assert level_one[1] == "二、各领域目标完成情况"
    start = headings.index(("Heading 1", level_one[1]))
    assert [t for s, t in headings[start + 1 : start + 4]] == [
        "（一）节能降耗",
        "（二）节约集约用地",
        "（三）环境保护",
    ]
    third = [t for s, t in headings if s == "Heading 3"]
    assert third and third[0].startswith("1.") and third[1].startswith("2.")


def test_domain_table_prints_the_figures_progress_computes(plan, city_report):
    rows = [
        r for r in compute(plan, MONTH, regions=[HANGZHOU])
        if r.target.kind == "quantitative" and r.target.domain and r.target.domain.name == "节能降耗"
    ]  # fmt: skip
    table = captioned_tables(city_report)["节能降耗主要目标完成情况"]
    assert [c.text for c in table.rows[0].cells] == [
        "序号", "目标", "层级", "目标值", "完成值", "应完成", "状态", "预警",
    ]  # fmt: skip
    body = table.rows[1:]
    assert len(body) == len(rows) > 5
    for cells, row in zip(body, rows, strict=True):
        texts = [c.text for c in cells.cells]
        assert texts[1] == row.target.statement
        assert texts[4] == expected_figure(row)
    printed = {c.cells[4].text for c in body}
    assert "暂无数据" in printed and "0" not in printed  # nothing reported is never a zero
    assert any(t.startswith("下降") for t in printed)


def test_attachments_are_listed_after_the_body_and_start_new_pages(city_report):
    texts = [p.text for p in city_report.paragraphs]
    listed = texts.index("附件：1.杭州市2011年度资源节约与环境保护目标完成情况表")
    assert texts[listed + 1] == "2.杭州市主要指标月度走势图"
    labels = [p for p in city_report.paragraphs if p.style.name == "附件标识"]
    assert [p.text for p in labels] == ["附件1", "附件2"]
    assert labels[0].style.paragraph_format.page_break_before
    assert len(city_report.inline_shapes) >= 2  # the charts are pictures, not text boxes


def test_signature_and_date_close_the_body(city_report):
    texts = [p.text for p in city_report.paragraphs]
    sender = texts.index("杭州市人民政府")
    date = texts[sender + 1]
    today = timezone.localdate()
    assert date == f"{today.year}年{today.month}月{today.day}日"
    assert re.fullmatch(r"\d{4}年[1-9]\d?月[1-9]\d?日", date)
    assert city_report.paragraphs[sender].style.name == "发文机关署名"


def test_footer_numbers_pages_with_dashes_on_odd_and_even_sides(city_report):
    section = city_report.sections[0]
    assert city_report.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        paragraph = footer.paragraphs[0]
        xml = paragraph._p.xml
        assert "PAGE" in "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert paragraph.style.font.size == Pt(14) and "宋体" in xml + paragraph.style.element.xml
    assert "演示数据" in section.header.paragraphs[0].text


def test_unpublished_assessment_is_not_shown_to_the_city(city_report):
    texts = [p.text for p in city_report.paragraphs]
    assert "2011年度考核结果尚未公布。" in texts


def test_province_report_goes_to_the_standing_committee_with_every_city(plan):
    admin = User.objects.get(username="admin")
    report = word(documents.province_report(plan, 2011, admin, MONTH))
    texts = [p.text for p in report.paragraphs if p.text]
    assert texts[1] == "浙江省人民政府关于2011年度资源节约与环境保护目标完成情况的报告"
    assert texts[2] == "浙江省人民代表大会常务委员会："
    tables = captioned_tables(report)
    cities = tables["各设区市目标进展情况"]
    assert len(cities.rows) == 1 + 11
    assert cities.rows[1].cells[0].text == "杭州市"
    assessment = tables["各设区市年度考核结果"]  # province roles see it before publication
    assert len(assessment.rows) == 12
    assert "附件：1.2011年度省级目标完成情况表" in texts


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_bulletin_pdf_has_extractable_chinese_title_and_figures(plan):
    region = Region.objects.get(code=HANGZHOU)
    content = documents.bulletin(plan, region, MONTH, "pdf")
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    assert "关于2011年1—9月资源节约与环境保护目标进展情况的通报" in text
    assert "杭州市人民政府办公室" in text and "演示数据" in text
    energy = next(
        r for r in compute(plan, MONTH, regions=[HANGZHOU])
        if r.target.code == "M-E-01" and r.region.code == HANGZHOU
    )  # fmt: skip
    assert isinstance(energy.progress.value, Decimal)
    assert expected_figure(energy) in text


def test_bulletin_docx_says_the_same_as_the_pdf(plan):
    province = Region.objects.get(code="330000")
    report = word(documents.bulletin(plan, province, MONTH, "docx"))
    texts = [p.text for p in report.paragraphs if p.text]
    assert texts[1] == "关于2011年1—9月资源节约与环境保护目标进展情况的通报"
    assert texts[2] == "各市人民政府，省级有关部门："
    assert "浙江省人民政府办公厅" in texts
    assert [t for t in texts if t.startswith(("一、", "二、", "三、", "四、"))] == [
        "一、总体进展", "二、各地进展", "三、预警情况", "四、有关要求",
    ]  # fmt: skip
    warnings = captioned_tables(report)["红色、橙色预警"]
    levels = [row.cells[2].text for row in warnings.rows[1:]]
    assert levels and set(levels) <= {"红色预警", "橙色预警"}
    assert levels == sorted(levels, key=["红色预警", "橙色预警"].index)  # most severe first


def test_published_assessment_is_in_the_city_report(plan):
    round_ = round_for(plan, 2011)
    round_.published_at = timezone.now()
    round_.save(update_fields=["published_at"])
    hangzhou = User.objects.get(username="hangzhou")
    content = documents.city_responsibility_report(
        plan, Region.objects.get(code=HANGZHOU), 2011, hangzhou, MONTH
    )
    report = word(content)
    scores = captioned_tables(report)["年度考核得分"]
    assert [c.text for c in scores.rows[0].cells] == ["考核项", "分值", "得分"]
    assert scores.rows[1].cells[0].text == "万元GDP能耗降低率（节能目标）"
    # December's figures are not in yet: the score says so rather than printing 0.
    assert scores.rows[1].cells[2].text == "暂无数据"
    assert any("总分和等级待评定" in p.text for p in report.paragraphs)
