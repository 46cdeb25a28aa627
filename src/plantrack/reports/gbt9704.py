"""A :class:`~.blocks.Document` as a Word file laid out to GB/T 9704-2012《党政机关公文格式》.

Everything is a real Word style (公文标题, 主送机关, the restyled Heading 1–4 for the four
levels, 附件说明, 发文机关署名, 成文日期, 表格文字 ...), never a text box or direct spacing, so
the office that receives the draft edits it as any other document. Clause numbers of the
standard are cited where a measure comes from it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from docx import Document as new_document
from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from .blocks import (
    Attachment,
    Block,
    Document,
    Figure,
    Grid,
    Heading,
    Para,
    attachment_line,
    numbering,
    signature_spaces,
    written_date,
)

# Sizes of the Chinese type scale (字号) in points: 2号 22, 3号 16, 4号 14, 小四 12.
SIZE_2, SIZE_3, SIZE_4, SIZE_SMALL_4 = Pt(22), Pt(16), Pt(14), Pt(12)
CHAR = 16  # one character (字, 3.1) of 3号 text, in points: the unit of "空二字"

# Font names as Chinese government offices have them, each with the font Word falls back to
# when it is missing (w:altName in the font table): the FounderType and *_GB2312 faces are
# not installed everywhere, their Windows counterparts are.
TITLE_FONT, BODY_FONT, HEI_FONT, KAI_FONT, SONG_FONT = (
    "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体",
)  # fmt: skip
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", KAI_FONT: "楷体", HEI_FONT: "SimHei"}
LATIN_FONT = "Times New Roman"

# 5.2.1: top margin (天头) 37 mm, inside margin (订口) 28 mm, text area (版心) 156 mm × 225 mm
# on A4 (5.1); the bottom and outer margins follow: 297 − 37 − 225 = 35, 210 − 28 − 156 = 26.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, INSIDE, OUTSIDE, BOTTOM = Mm(37), Mm(28), Mm(26), Mm(35)
# 5.2.3: 22 lines to a page of 225 mm: a line pitch of 225 mm / 22 = 28.95 pt.
LINE = Pt(28.95)
# 7.5: the dashes of the page number sit 7 mm below the text area, so the top of the 4号
# footer line is 35 − 7 = 28 mm above the paper's edge; Word measures to its bottom: 28 − 4.9.
FOOTER_DISTANCE = Mm(23)
HEADER_DISTANCE = Mm(15)
RED = RGBColor(0xD9, 0x2D, 0x20)


def render(document: Document) -> bytes:
    word = new_document()
    _page(word)
    _styles(word)
    _fallback_fonts(word)
    _properties(word, document)
    _page_numbers(word)
    if document.demo_label:
        _demo_header(word, document.demo_label)
        word.add_paragraph(document.demo_label, style="演示数据标注")
    word.add_paragraph(document.title, style="公文标题")
    # 7.3.2: the main addressee one line below the title, flush left, ending with a full-width
    # colon; the title style's space after is that line.
    word.add_paragraph(document.addressee + "：", style="主送机关")
    _blocks(word, document.blocks)
    _attachment_list(word, document.attachments)
    _signature(word, document)
    for index, attachment in enumerate(document.attachments, start=1):
        _attachment(word, attachment, index, len(document.attachments))
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _page(word: WordDocument) -> None:
    section = word.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = INSIDE, OUTSIDE
    section.header_distance, section.footer_distance = HEADER_DISTANCE, FOOTER_DISTANCE
    # 6.3: printed on both sides and bound on the left: the inside margin alternates sides.
    settings = word.settings.element
    if settings.find(qn("w:mirrorMargins")) is None:
        settings.append(OxmlElement("w:mirrorMargins"))


def _fonts(element: object, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set the run fonts of a style or run: east-asian face and the face of Latin text."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for key in list(fonts.attrib):
        del fonts.attrib[key]  # theme fonts would take precedence over the named ones
    for attribute, name in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asia),
                            ("cs", latin)):  # fmt: skip
        fonts.set(qn(f"w:{attribute}"), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _style(
    word: WordDocument,
    name: str,
    font: str,
    size: Pt,
    *,
    base: str = "Normal",
    align: int | None = None,
    indent: float = 0,
    bold: bool = False,
    color: RGBColor | None = None,
) -> ParagraphStyle:
    styles = word.styles
    style = styles[name] if name in styles else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(style, ParagraphStyle)
    if name != "Normal":
        style.base_style = styles[base]
        style.quick_style = True
    _fonts(style.element, font, SONG_FONT if font == SONG_FONT else LATIN_FONT)
    style.font.size, style.font.bold, style.font.italic = size, bold, False
    style.font.color.rgb = color or RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.first_line_indent = Pt(CHAR * indent)
    fmt.left_indent = fmt.right_indent = Pt(0)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = LINE
    if align is not None:
        fmt.alignment = align  # type: ignore[assignment]
    return style


def _styles(word: WordDocument) -> None:
    _defaults(word)
    # 5.2.2 and 7.3.3: the body in 3号 仿宋, each paragraph indented two characters.
    _style(word, "Normal", BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=2)
    # 7.3.1: the title in 2号 小标宋, centred; 7.3.2: the addressee one line below it.
    title = _style(word, "公文标题", TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.space_after = LINE
    _style(word, "主送机关", BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.LEFT)
    # 7.3.3: level one in 黑体, level two in 楷体, levels three and four in 仿宋.
    for level, font in ((1, HEI_FONT), (2, KAI_FONT), (3, BODY_FONT), (4, BODY_FONT)):
        heading = _style(word, f"Heading {level}", font, SIZE_3, indent=2)
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    # 7.3.4: "附件" two characters in from the left, one line below the body.
    _style(word, "附件说明", BODY_FONT, SIZE_3, indent=2, align=WD_ALIGN_PARAGRAPH.LEFT)
    for name in ("发文机关署名", "成文日期"):
        _style(word, name, BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT)
    # 7.3.7: "附件" and its number in 3号 黑体 at the top left; the attachment's title centred
    # on the third line, in the title's face.
    label = _style(word, "附件标识", HEI_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.LEFT)
    label.paragraph_format.page_break_before = True
    heading = _style(word, "附件标题", TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER)
    heading.paragraph_format.space_before = LINE
    heading.paragraph_format.space_after = LINE
    heading.paragraph_format.line_spacing = Pt(36)
    # Chapter 8 leaves the type of tables open; 小四 fits the columns of a target table.
    table = _style(word, "表格文字", BODY_FONT, SIZE_SMALL_4, align=WD_ALIGN_PARAGRAPH.CENTER)
    table.paragraph_format.line_spacing = Pt(18)
    _style(word, "表格标题", HEI_FONT, SIZE_4, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(word, "图表注释", BODY_FONT, SIZE_SMALL_4, align=WD_ALIGN_PARAGRAPH.LEFT)
    _style(word, "图片", BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.line_spacing = None  # fmt: skip
    _style(word, "演示数据标注", HEI_FONT, SIZE_4, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    # 7.5: page numbers in 4号 半角 宋体 Arabic numerals.
    number = _style(word, "页码", SONG_FONT, SIZE_4, base="Footer")
    number.paragraph_format.line_spacing = SIZE_4


def _defaults(word: WordDocument) -> None:
    """Drop the template's theme fonts from the document defaults: a theme font there would
    win over the faces the styles name."""
    defaults = word.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    for fonts in defaults.iter(qn("w:rFonts")):
        for key in list(fonts.attrib):
            del fonts.attrib[key]
        fonts.set(qn("w:ascii"), LATIN_FONT)
        fonts.set(qn("w:hAnsi"), LATIN_FONT)
        fonts.set(qn("w:eastAsia"), BODY_FONT)


def _fallback_fonts(word: WordDocument) -> None:
    """Name, in the font table, the face Word uses where a named face is not installed."""
    part = next(r.target_part for r in word.part.rels.values() if r.reltype.endswith("/fontTable"))
    root = etree.fromstring(part.blob)
    known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, fallback in FALLBACKS.items():
        if name in known:
            continue
        font = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
        etree.SubElement(font, qn("w:altName"), {qn("w:val"): fallback})
        etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})  # GB2312
        etree.SubElement(font, qn("w:family"), {qn("w:val"): "modern"})
        etree.SubElement(font, qn("w:pitch"), {qn("w:val"): "fixed"})
    # python-docx keeps parts it does not model as bytes; replacing them is how they change.
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _properties(word: WordDocument, document: Document) -> None:
    props = word.core_properties
    props.title = document.title
    props.subject = document.subject or document.title
    props.author = document.sender
    props.keywords = document.demo_label
    props.language = "zh-CN"


def _page_numbers(word: WordDocument) -> None:
    """7.5: "— 1 —" below the text area; odd pages right with one character to spare, even
    pages left with one character to spare, as a book printed on both sides has them."""
    word.settings.odd_and_even_pages_header_footer = True
    section = word.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):  # fmt: skip
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = word.styles["页码"]
        paragraph.alignment = align
        side = "right_indent" if align == WD_ALIGN_PARAGRAPH.RIGHT else "left_indent"
        setattr(paragraph.paragraph_format, side, SIZE_4)  # 一字 of 4号 type
        paragraph.add_run("— ")
        _page_field(paragraph)
        paragraph.add_run(" —")


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field, so Word numbers the pages as they fall after editing."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"),
                       ("end", None)):  # fmt: skip
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def _demo_header(word: WordDocument, label: str) -> None:
    section = word.sections[0]
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.style = word.styles["演示数据标注"]
        paragraph.text = label


def _blocks(word: WordDocument, blocks: Iterable[Block]) -> None:
    blocks = list(blocks)
    for block, number in zip(blocks, numbering(blocks), strict=True):
        if isinstance(block, Heading):
            word.add_paragraph(number + block.text, style=f"Heading {block.level}")
        elif isinstance(block, Para):
            word.add_paragraph(block.text)
        elif isinstance(block, Grid):
            _grid(word, block)
        elif isinstance(block, Figure):
            _figure(word, block)


def _grid(word: WordDocument, grid: Grid) -> Table:
    if grid.caption:
        word.add_paragraph(grid.caption, style="表格标题")
    table = word.add_table(rows=1, cols=len(grid.headers))
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = grid.widths or [1.0] * len(grid.headers)
    total = sum(widths)
    columns: list[Length] = [Mm(156 * w / total) for w in widths]
    style = word.styles["表格文字"]
    _row(table.rows[0].cells, grid.headers, columns, style, bold=True)
    # Chapter 8: a table running over pages repeats its header row on each.
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))
    for values in grid.rows:
        _row(table.add_row().cells, values, columns, style)
    if grid.note:
        word.add_paragraph(grid.note, style="图表注释")
    return table


def _row(
    cells: Iterable[_Cell], values: list[str], widths: list[Length], style: ParagraphStyle,
    bold: bool = False,
) -> None:  # fmt: skip
    for cell, value, width in zip(cells, values, widths, strict=True):
        cell.width = width
        paragraph = cell.paragraphs[0]
        # The style id directly: assigning the style object makes python-docx scan every
        # style for the default one, once per cell (seconds for a long table).
        paragraph._p.style = style.style_id
        run = paragraph.add_run(value)
        if bold:
            _fonts(run._r, HEI_FONT)


def _figure(word: WordDocument, figure: Figure) -> None:
    paragraph = word.add_paragraph(style="图片")
    paragraph.add_run().add_picture(io.BytesIO(figure.png), width=Mm(150))
    word.add_paragraph(figure.caption, style="表格标题")


def _attachment_list(word: WordDocument, attachments: list[Attachment]) -> None:
    """7.3.4: one line below the body, "附件：" two characters in, the names numbered when
    there are several; a name on a later line lines up with the first name."""
    if not attachments:
        return
    word.add_paragraph()
    for index, attachment in enumerate(attachments, start=1):
        line = attachment_line(index, len(attachments), attachment.title)
        paragraph = word.add_paragraph(style="附件说明")
        if index == 1:
            paragraph.text = _("附件：") + line
        else:
            paragraph.text = line
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.left_indent = Pt(CHAR * 5)  # 2 + "附件："


def _signature(word: WordDocument, document: Document) -> None:
    """7.3.5.2 (a document without seal): the issuing authority one line below the body, two
    characters from the right; the date below it, its first character two to the right of
    the authority's first; a longer date keeps two characters and pushes the authority left."""
    date = written_date(document.date)
    sender_right, date_right = signature_spaces(document.sender, date)
    word.add_paragraph()
    sender = word.add_paragraph(document.sender, style="发文机关署名")
    sender.paragraph_format.right_indent = Pt(CHAR * sender_right)
    dated = word.add_paragraph(date, style="成文日期")
    dated.paragraph_format.right_indent = Pt(CHAR * date_right)


def _attachment(word: WordDocument, attachment: Attachment, index: int, count: int) -> None:
    """7.3.7: each attachment on a new page after the signature, "附件" and its number at the
    top left in 黑体, its title centred on the third line."""
    word.add_paragraph(_("附件") + (str(index) if count > 1 else ""), style="附件标识")
    word.add_paragraph(attachment.title, style="附件标题")
    _blocks(word, attachment.blocks)
