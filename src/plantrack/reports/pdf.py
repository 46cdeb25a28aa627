"""A :class:`~.blocks.Document` as PDF, for the bulletin that is read on screen and forwarded.

Why reportlab with its built-in CID font STSong-Light: it is pure Python from PyPI and works
offline, and STSong-Light is one of the Adobe-GB1 fonts every PDF reader must be able to show
(it is referenced, not embedded, so the file stays small and needs no font file on the
server). The text is written with the UniGB-UCS2-H encoding, so it can be searched, copied
and extracted. The alternatives were weaker here: Debian's Noto CJK fonts are OpenType/CFF
collections, which reportlab cannot embed; converting the .docx with LibreOffice would add a
large system dependency and a subprocess to every request.

The layout follows the Word version (GB/T 9704-2012 margins 5.2.1, numbering 7.3.3, date
7.3.5.4, page number 7.5) as far as a PDF without the official faces can.
"""

from __future__ import annotations

import io
from functools import lru_cache
from html import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    Flowable,
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .blocks import (
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

FONT = "STSong-Light"
TOP, INSIDE, OUTSIDE, BOTTOM = 37 * mm, 28 * mm, 26 * mm, 35 * mm  # GB/T 9704-2012 5.2.1
CHAR = 16  # one 3号 character in points


@lru_cache(maxsize=1)
def _font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=16, leading=28.95, firstLineIndent=32,
                          alignment=TA_JUSTIFY, wordWrap="CJK")  # fmt: skip
    return {
        "body": body,
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontSize=22,
            leading=36,
            firstLineIndent=0,
            alignment=TA_CENTER,
            spaceAfter=28.95,
        ),  # fmt: skip
        "addressee": ParagraphStyle("addressee", parent=body, firstLineIndent=0),
        "heading": ParagraphStyle("heading", parent=body, alignment=TA_LEFT),
        "right": ParagraphStyle("right", parent=body, firstLineIndent=0, alignment=TA_RIGHT),
        "cell": ParagraphStyle(
            "cell", fontName=font, fontSize=10.5, leading=14, alignment=TA_CENTER, wordWrap="CJK"
        ),  # fmt: skip
        "caption": ParagraphStyle(
            "caption", parent=body, fontSize=14, leading=22, firstLineIndent=0, alignment=TA_CENTER
        ),  # fmt: skip
        "note": ParagraphStyle("note", parent=body, fontSize=12, leading=18, firstLineIndent=0),
        "label": ParagraphStyle("label", parent=body, firstLineIndent=0, alignment=TA_LEFT),
        "demo": ParagraphStyle(
            "demo",
            parent=body,
            fontSize=14,
            leading=20,
            firstLineIndent=0,
            alignment=TA_CENTER,
            textColor=colors.HexColor("#d92d20"),
        ),  # fmt: skip
    }


def render(document: Document) -> bytes:
    styles = _styles()
    out = io.BytesIO()
    template = SimpleDocTemplate(
        out, pagesize=A4, topMargin=TOP, bottomMargin=BOTTOM, leftMargin=INSIDE,
        rightMargin=OUTSIDE, title=document.title, author=document.sender,
        subject=document.subject or document.title, keywords=document.demo_label,
    )  # fmt: skip
    story: list[Flowable] = []
    if document.demo_label:
        story.append(Paragraph(escape(document.demo_label), styles["demo"]))
    story += [
        Paragraph(escape(document.title), styles["title"]),
        Paragraph(escape(document.addressee) + "：", styles["addressee"]),
        *_blocks(document.blocks, styles),
    ]
    story += _attachment_list(document, styles)
    story += _signature(document, styles)
    for index, attachment in enumerate(document.attachments, start=1):
        count = len(document.attachments)
        story += [
            PageBreak(),
            Paragraph(_("附件") + (str(index) if count > 1 else ""), styles["label"]),
            Paragraph(escape(attachment.title), styles["title"]),
            *_blocks(attachment.blocks, styles),
        ]

    def decorate(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        _page_furniture(canvas, doc, document.demo_label)

    template.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()


def _page_furniture(canvas, doc, demo_label: str) -> None:  # type: ignore[no-untyped-def]
    """7.5: "— n —" 7 mm below the text area, odd pages right and even pages left, one
    character in; the demo label at the top of every page."""
    canvas.saveState()
    canvas.setFont(_font(), 14)
    page = canvas.getPageNumber()
    text = f"— {page} —"
    y = BOTTOM - 7 * mm - 14
    if page % 2:
        canvas.drawRightString(A4[0] - OUTSIDE - 14, y, text)
    else:
        canvas.drawString(INSIDE + 14, y, text)
    if demo_label:
        canvas.setFillColor(colors.HexColor("#d92d20"))
        canvas.setFont(_font(), 10)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 15 * mm, demo_label)
    canvas.restoreState()


def _blocks(blocks: list[Block], styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    found: list[Flowable] = []
    for block, number in zip(blocks, numbering(blocks), strict=True):
        if isinstance(block, Heading):
            found.append(Paragraph(escape(number + block.text), styles["heading"]))
        elif isinstance(block, Para):
            found.append(Paragraph(escape(block.text), styles["body"]))
        elif isinstance(block, Grid):
            found += _grid(block, styles)
        elif isinstance(block, Figure):
            image = Image(io.BytesIO(block.png))
            scale = 150 * mm / image.drawWidth
            image.drawWidth, image.drawHeight = 150 * mm, image.drawHeight * scale
            found += [image, Paragraph(escape(block.caption), styles["caption"])]
    return found


def _grid(grid: Grid, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    cell = styles["cell"]
    rows = [[Paragraph(escape(v).replace("\n", "<br/>"), cell) for v in row]
            for row in [grid.headers, *grid.rows]]  # fmt: skip
    widths = grid.widths or [1.0] * len(grid.headers)
    table = Table(rows, colWidths=[156 * mm * w / sum(widths) for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))  # fmt: skip
    found: list[Flowable] = []
    if grid.caption:
        found.append(Paragraph(escape(grid.caption), styles["caption"]))
    found += [table, Spacer(1, 6)]
    if grid.note:
        found.append(Paragraph(escape(grid.note), styles["note"]))
    return found


def _attachment_list(document: Document, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    count = len(document.attachments)
    if not count:
        return []
    found: list[Flowable] = [Spacer(1, 28.95)]
    for index, attachment in enumerate(document.attachments, start=1):
        line = escape(attachment_line(index, count, attachment.title))
        style = styles["body"] if index == 1 else ParagraphStyle(
            "more", parent=styles["body"], firstLineIndent=0, leftIndent=CHAR * 5)  # fmt: skip
        found.append(Paragraph((_("附件：") if index == 1 else "") + line, style))
    return found


def _signature(document: Document, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    date = written_date(document.date)
    sender_right, date_right = signature_spaces(document.sender, date)
    right = styles["right"]
    return [
        Spacer(1, 28.95),
        Paragraph(escape(document.sender), ParagraphStyle("s", parent=right, rightIndent=CHAR * sender_right)),
        Paragraph(date, ParagraphStyle("d", parent=right, rightIndent=CHAR * date_right)),
    ]  # fmt: skip
