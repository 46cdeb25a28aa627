"""An official document (公文) as plain data, rendered to Word by :mod:`.gbt9704` and to PDF
by :mod:`.pdf`, so the .docx and the .pdf of one report say the same thing.

The elements and their order are those of GB/T 9704-2012 clause 7.3 (主体): title (7.3.1),
main addressee (7.3.2), body (7.3.3), attachment list (7.3.4), issuing authority and date
(7.3.5), then the attachments themselves on pages of their own (7.3.7).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

CHINESE_DIGITS = "〇一二三四五六七八九"


@dataclass
class Heading:
    """A section heading; ``level`` 1 to 4 takes the numbering of GB/T 9704-2012 7.3.3."""

    level: int
    text: str


@dataclass
class Para:
    text: str


@dataclass
class Grid:
    """A table: header row, body rows of text (already formatted), an optional caption."""

    headers: list[str]
    rows: list[list[str]]
    caption: str = ""
    note: str = ""
    # Relative column widths; equal when empty.
    widths: list[float] = field(default_factory=list)


@dataclass
class Figure:
    png: bytes
    caption: str


Block = Heading | Para | Grid | Figure


@dataclass
class Attachment:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    """One document: everything a renderer needs, already in the words it prints."""

    title: str
    addressee: str
    sender: str
    date: dt.date
    blocks: list[Block] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    # Printed in the page header and above the title when the figures are generated (演示数据).
    demo_label: str = ""
    # The document's subject line in the file's properties.
    subject: str = ""


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九: the numerals of 一、 and （一）."""
    if not 0 < n < 100:
        raise ValueError(f"section numbers run from 1 to 99, not {n}")
    tens, ones = divmod(n, 10)
    text = ("" if tens <= 1 else CHINESE_DIGITS[tens]) + ("十" if tens else "")
    return text + (CHINESE_DIGITS[ones] if ones else "")


def numbering(blocks: list[Block]) -> list[str]:
    """The number of each block, "" for blocks that are not headings.

    GB/T 9704-2012 7.3.3: the levels are numbered "一、", "（一）", "1.", "（1）" in turn; a
    number restarts under each heading of the level above.
    """
    counters = [0, 0, 0, 0]
    found = []
    for block in blocks:
        if not isinstance(block, Heading):
            found.append("")
            continue
        level = block.level
        counters[level - 1] += 1
        counters[level:] = [0] * (4 - level)
        n = counters[level - 1]
        shown = chinese_number(n) if level <= 2 else str(n)
        found.append((f"{shown}、", f"（{shown}）", f"{shown}.", f"（{shown}）")[level - 1])
    return found


def written_date(day: dt.date) -> str:
    """成文日期 as GB/T 9704-2012 7.3.5.4 writes it: Arabic numerals, the year in full, no
    leading zero for month or day (2012年1月15日, not 2012年01月15日)."""
    return f"{day.year}年{day.month}月{day.day}日"


def attachment_line(index: int, count: int, title: str) -> str:
    """One entry of the attachment list (附件说明, GB/T 9704-2012 7.3.4): numbered with Arabic
    numerals only when there are several, and no punctuation after the name."""
    return f"{index}.{title}" if count > 1 else title


def width(text: str) -> float:
    """Width of ``text`` in characters (字): a half-width letter or digit is half of one."""
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in text)


def signature_spaces(sender: str, date: str) -> tuple[float, float]:
    """Characters left blank on the right of the issuing authority and of the date.

    GB/T 9704-2012 7.3.5.2: the authority two characters from the right, the date's first
    character two characters right of the authority's first; when that would bring the date
    closer than two characters to the edge, the date keeps two and the authority moves left.
    """
    sender_right = 2.0
    date_right = sender_right + width(sender) - width(date) - 2
    if date_right < 2:
        date_right = 2.0
        sender_right = date_right + width(date) + 2 - width(sender)
    return sender_right, date_right
