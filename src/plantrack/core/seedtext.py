"""Clause addressing in the text of a plan document.

A clause is written the way officials cite one: ``正文 一（二）`` for the main text, ``附件1 二（一）``
for an annex, or just ``附件3 一`` for a whole section. :func:`split_clauses` cuts a document
into addressed clauses so that a plan file's ``clause`` and ``quote`` can be checked against the
seed it encodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAIN = "正文"
CHINESE_NUMERALS = "一二三四五六七八九十"

# An annex starts at a line holding only "附件N"; the list of annexes in the main text
# ("附件：1．…") does not match because it carries more than the bare heading.
_ANNEX = re.compile(r"^\s*附件(\d+)\s*$")
_SECTION = re.compile(rf"^\s*([{CHINESE_NUMERALS}]+)、")
_SUBSECTION = re.compile(rf"^\s*（([{CHINESE_NUMERALS}]+)）")


@dataclass(frozen=True)
class Clause:
    """A numbered part of the document with the lines it covers (1-based, inclusive)."""

    address: str
    text: str
    first_line: int
    last_line: int


class UnknownClause(KeyError):
    """The address names no clause of the document."""


def split_clauses(document: str) -> dict[str, Clause]:
    """Return every addressable clause: parts, sections (``一``) and subsections (``一（二）``).

    A section's text includes its subsections; a part's text includes everything in it.
    """
    lines = document.splitlines()
    part, section, subsection = MAIN, "", ""
    starts: dict[str, int] = {MAIN: 0}
    ends: dict[str, int] = {}

    def close(address: str, index: int) -> None:
        if address in starts and address not in ends:
            ends[address] = index

    for index, line in enumerate(lines):
        if match := _ANNEX.match(line):
            for address in {_join(part, section, subsection), _join(part, section), part}:
                close(address, index)
            part, section, subsection = f"附件{match.group(1)}", "", ""
            starts[part] = index
        elif match := _SECTION.match(line):
            if section:
                close(_join(part, section, subsection), index)
                close(_join(part, section), index)
            section, subsection = match.group(1), ""
            starts.setdefault(_join(part, section), index)
        elif section and (match := _SUBSECTION.match(line)):
            if subsection:
                close(_join(part, section, subsection), index)
            subsection = match.group(1)
            starts.setdefault(_join(part, section, subsection), index)
    for address in starts:
        ends.setdefault(address, len(lines))
    return {
        address: Clause(address, "\n".join(lines[start : ends[address]]), start + 1, ends[address])
        for address, start in starts.items()
    }


def clause_text(document: str, address: str) -> str:
    """The text of one clause; raises :class:`UnknownClause` naming the address."""
    clauses = split_clauses(document)
    try:
        return clauses[normalize_address(address)].text
    except KeyError:
        raise UnknownClause(f"条款“{address}”在文件中不存在") from None


def normalize_address(address: str) -> str:
    """Accept ``附件1 二（一）``, ``附件1二(一)`` and a bare ``一（二）`` (main text) alike."""
    address = address.replace("(", "（").replace(")", "）").replace(" ", "").replace("\u3000", "")
    match = re.fullmatch(
        rf"(正文|附件\d+)?([{CHINESE_NUMERALS}]+)?(（[{CHINESE_NUMERALS}]+）)?", address
    )
    if not match or not any(match.groups()):
        raise UnknownClause(f"无法识别的条款编号“{address}”")
    part, section, subsection = match.groups()
    subsection = subsection[1:-1] if subsection else ""
    return _join(part or MAIN, section or "", subsection)


def _join(part: str, section: str = "", subsection: str = "") -> str:
    if not section:
        return part
    return f"{part} {section}" + (f"（{subsection}）" if subsection else "")
