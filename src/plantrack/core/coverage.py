"""Coverage of a seed document by its plan file: is every number in the text accounted for?

A plan file encodes a document completely when every number that occurs in it is either part of
a target's quote or of a non-target's quote (a threshold, a date, a history reference). The
check works on character spans, so two equal numbers in one clause are told apart: quoting one
``85%`` does not cover the other.

Offsets refer to the document with its line breaks normalized to ``\\n`` (the text
:func:`plantrack.core.seedtext.split_clauses` cuts into clauses).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from plantrack.core.planfile import Plan
from plantrack.core.seedtext import Clause, UnknownClause, normalize_address, split_clauses

__all__ = ["Misplaced", "Statement", "misplaced", "quantified_statements", "uncovered"]

# A private-use character sits inside at least one figure of the seed ("1\ue0105%", a typesetting
# leftover); letting one such character join two digit runs keeps the figure one statement.
_STRAY = "\ue000-\uf8ff"
_DIGITS = rf"\d+(?:[{_STRAY}]\d+)*(?:\.\d+)?"
# "1-2个": a range is one statement, not two.
_ARABIC = re.compile(rf"(?<![\d.{_STRAY}]){_DIGITS}(?:[-－~～]{_DIGITS})?")
# Chinese numerals only where they count something ("两个中心"); "第一个" is an ordinal.
_CHINESE = re.compile(r"(?<![第一二两三四五六七八九十])[一二两三四五六七八九十]+(?=个)")
_CHINESE_VALUES = dict(zip("一二两三四五六七八九", (1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_SCALES = {"万": 10**4, "亿": 10**8}

# Digits that number the document rather than state anything: annex headings and references
# ("附件1", "详见附件2") and the items of the annex list ("附件：1．…", "2．…").
_ANNEX_NAME = re.compile(r"附件\d+")
_LIST_ITEM = re.compile(r"^\s*(?:附件：)?\s*(\d+)．")


@dataclass(frozen=True)
class Statement:
    """One occurrence of a number in the document.

    ``text`` is the number as written ("3.5", "1-2", "两"); ``number`` its value (the lower
    bound of a range); ``scale`` is 10⁴ or 10⁸ when 万 or 亿 follows the number.
    """

    clause: str
    start: int
    end: int
    line: int
    text: str
    number: Decimal
    scale: int = 1
    context: str = ""

    @property
    def value(self) -> Decimal:
        return self.number * self.scale

    def __str__(self) -> str:
        return f"{self.clause} 第{self.line}行 “{self.text}”：…{self.context}…"


@dataclass(frozen=True)
class Misplaced:
    """A target or non-target whose quote cannot be found where it says it is."""

    item: str
    clause: str
    quote: str
    problem: str

    def __str__(self) -> str:
        return f"{self.item}（{self.clause}）：{self.problem}：“{self.quote}”"


def normalized(document: str) -> str:
    """The document with ``\\n`` line breaks, as offsets in this module count it."""
    return "\n".join(document.splitlines())


def quantified_statements(document: str) -> list[Statement]:
    """Every number in the document with its most specific clause, in document order."""
    text = normalized(document)
    finder = _ClauseFinder(text)
    found: list[Statement] = []
    offset = 0
    for index, line in enumerate(text.split("\n")):
        structural = _structural_spans(line)
        for start, end, number in sorted(_numbers(line)):
            if not any(s <= start and end <= e for s, e in structural):
                found.append(_statement(text, finder, index + 1, offset, start, end, number))
        offset += len(line) + 1
    return found


def uncovered(plan: Plan, document: str) -> list[Statement]:
    """The statements that no target's and no non-target's quote contains."""
    text = normalized(document)
    clauses = split_clauses(text)
    spans = [span for _, _, span in _quote_spans(plan, text, clauses)]
    return [
        statement
        for statement in quantified_statements(text)
        if not any(start <= statement.start and statement.end <= end for start, end in spans)
    ]


def misplaced(plan: Plan, document: str) -> list[Misplaced]:
    """Targets and non-targets whose clause is unknown, whose quote is not in the clause's text,
    or whose ``value_text`` is not in the quote."""
    clauses = split_clauses(normalized(document))
    problems: list[Misplaced] = []
    for item, clause, quote, value_text in _quoted_items(plan):
        found = _clause(clauses, clause)
        if found is None:
            problems.append(Misplaced(item, clause, quote, "条款不存在"))
        elif quote not in found.text:
            problems.append(Misplaced(item, clause, quote, "引文不在所引条款中"))
        if value_text is not None and value_text not in quote:
            problems.append(Misplaced(item, clause, quote, f"引文不含数值“{value_text}”"))
    return problems


def _numbers(line: str) -> Iterator[tuple[int, int, Decimal]]:
    for match in _ARABIC.finditer(line):
        first = re.split(r"[-－~～]", match.group())[0]
        yield match.start(), match.end(), Decimal(re.sub(f"[{_STRAY}]", "", first))
    for match in _CHINESE.finditer(line):
        yield match.start(), match.end(), Decimal(_chinese_value(match.group()))


def _chinese_value(numeral: str) -> int:
    """Values up to 99 ("十二", "二十", "三十五") are all a count with 个 needs."""
    if "十" not in numeral:
        return _CHINESE_VALUES[numeral[-1]]
    tens, _, units = numeral.partition("十")
    return _CHINESE_VALUES.get(tens, 1) * 10 + _CHINESE_VALUES.get(units, 0)


def _structural_spans(line: str) -> list[tuple[int, int]]:
    spans = [match.span() for match in _ANNEX_NAME.finditer(line)]
    if match := _LIST_ITEM.match(line):
        spans.append(match.span(1))
    return spans


def _statement(
    text: str, finder: _ClauseFinder, line: int, offset: int, start: int, end: int, number: Decimal
) -> Statement:
    start, end = offset + start, offset + end
    return Statement(
        clause=finder.address(line),
        start=start,
        end=end,
        line=line,
        text=text[start:end],
        number=number,
        scale=_SCALES.get(text[end : end + 1], 1),
        context=text[max(start - 12, 0) : end + 12].replace("\n", " "),
    )


class _ClauseFinder:
    """Finds the most specific clause (the one spanning the fewest lines) holding a line."""

    def __init__(self, text: str):
        self._clauses = sorted(
            split_clauses(text).values(), key=lambda c: c.last_line - c.first_line
        )

    def address(self, line: int) -> str:
        for clause in self._clauses:
            if clause.first_line <= line <= clause.last_line:
                return clause.address
        return ""


def _clause(clauses: dict[str, Clause], address: str) -> Clause | None:
    try:
        return clauses.get(normalize_address(address))
    except UnknownClause:
        return None


def _quoted_items(plan: Plan) -> Iterator[tuple[str, str, str, str | None]]:
    for target in plan.targets:
        yield f"目标 {target.code}", target.clause, target.quote, target.value_text
    for index, non_target in enumerate(plan.non_targets):
        yield f"非目标 #{index + 1}", non_target.clause, non_target.quote, None


def _quote_spans(
    plan: Plan, text: str, clauses: dict[str, Clause]
) -> Iterator[tuple[str, str, tuple[int, int]]]:
    """Every place in the document where an item's quote occurs inside its clause."""
    line_starts = [0]
    for line in text.split("\n"):
        line_starts.append(line_starts[-1] + len(line) + 1)
    for item, address, quote, _ in _quoted_items(plan):
        clause = _clause(clauses, address)
        if clause is None:
            continue
        base = line_starts[clause.first_line - 1]
        for match in re.finditer(re.escape(quote), clause.text):
            yield item, address, (base + match.start(), base + match.end())
