"""Annual assessment (目标责任评价考核): declarative scoring schemes, scores, grades and ranks.

A scheme (``data/assessment-2007.yaml`` is the default: 国发〔2007〕36号, china-methods.md
§3.1) has a quantitative part scored from completion ratios by a table, with a bonus for
over-completion and a veto, a measures part of items and sub-items with fixed points, and
grades by total score. Rows the reference could not verify are kept with ``verified: false``
and every score made from them says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from itertools import pairwise
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from plantrack.core.energy import completion_ratio
from plantrack.core.generic import Number, to_decimal
from plantrack.core.nodata import NO_DATA, NoData, is_no_data
from plantrack.core.warning import parse_yaml_model

from .messages import Message, gettext_noop

__all__ = [
    "DEFAULT_SCHEME_FILE",
    "AssessmentResult",
    "ItemScore",
    "QuantitativeResult",
    "Ranked",
    "Scheme",
    "load_scheme",
    "parse_scheme",
    "rank",
    "score",
    "table_points",
]

DEFAULT_SCHEME_FILE = Path(__file__).parent / "data" / "assessment-2007.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Row(_Strict):
    """A completion ratio (fraction) and the points it earns."""

    at_least: Decimal = Field(ge=0)
    points: Decimal = Field(ge=0)


class Bonus(_Strict):
    """``points`` per ``step`` of completion above 100%, at most ``max``."""

    step: Decimal = Field(gt=0)
    points: Decimal = Field(ge=0)
    max: Decimal = Field(ge=0)


class QuantitativeItem(_Strict):
    """An indicator scored from its completion ratio by a table (e.g. 40 points)."""

    code: str
    name: str
    points: Decimal = Field(gt=0)
    verified: bool
    source: str = Field(min_length=2)
    table: list[Row] = Field(min_length=1)
    zero_below: Decimal = Field(ge=0)
    interpolation: Literal["floor", "linear"] = "floor"
    bonus: Bonus | None = None
    veto: bool = False

    @model_validator(mode="after")
    def _table(self) -> QuantitativeItem:
        ratios = [row.at_least for row in self.table]
        if any(a <= b for a, b in pairwise(ratios)):
            raise ValueError("table rows must go from the highest completion down")
        if any(a.points < b.points for a, b in pairwise(self.table)):
            raise ValueError("points must not rise as completion falls")
        if self.table[0].points != self.points or self.table[-1].at_least < self.zero_below:
            raise ValueError("the first row earns full points; no row lies below zero_below")
        return self


class SubItem(_Strict):
    """A sub-item of a measure (评分标准), with its points."""

    code: str
    name: str
    points: Decimal = Field(gt=0)
    verified: bool = True


class MeasureItem(_Strict):
    """A measures item (考核内容); without sub-items it is scored as a whole."""

    code: str
    name: str
    points: Decimal = Field(gt=0)
    verified: bool
    source: str = Field(min_length=2)
    items: list[SubItem] = []

    @model_validator(mode="after")
    def _adds_up(self) -> MeasureItem:
        if self.items and sum(i.points for i in self.items) != self.points:
            raise ValueError(f"sub-items of {self.code} do not add up to {self.points}")
        return self


class Grade(_Strict):
    """A grade, given from ``at_least`` points up to the next grade."""

    name: str
    at_least: Decimal


class Scheme(_Strict):
    """An assessment scheme, as declared in its YAML file."""

    code: str
    name: str
    source: str = Field(min_length=2)
    quantitative: list[QuantitativeItem] = Field(min_length=1)
    measure_points: Decimal
    measures: list[MeasureItem] = []
    grades: list[Grade] = Field(min_length=1)
    veto_grade: str

    @model_validator(mode="after")
    def _consistent(self) -> Scheme:
        if sum((m.points for m in self.measures), Decimal(0)) != self.measure_points:
            raise ValueError(f"measures do not add up to measure_points {self.measure_points}")
        if any(a.at_least <= b.at_least for a, b in pairwise(self.grades)):
            raise ValueError("grades must go from the highest down")
        if self.veto_grade not in {g.name for g in self.grades}:
            raise ValueError(f"veto_grade {self.veto_grade} is not a grade")
        codes = [q.code for q in self.quantitative] + list(_measure_codes(self))
        if len(codes) != len(set(codes)):
            raise ValueError("item codes must be unique")
        return self


def _measure_codes(scheme: Scheme) -> Iterable[str]:
    for item in scheme.measures:
        yield from ([s.code for s in item.items] or [item.code])


def parse_scheme(text: str, filename: str = "<assessment scheme>") -> Scheme:
    """Validate an assessment-scheme document; errors carry file, line and field."""
    return parse_yaml_model(text, filename, Scheme)


def load_scheme(path: str | Path | None = None) -> Scheme:
    """Load the default scheme (国发〔2007〕36号) or the file at ``path``."""
    path = Path(path) if path is not None else DEFAULT_SCHEME_FILE
    return parse_scheme(path.read_text(encoding="utf-8"), str(path))


# --- scoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuantitativeResult:
    """A quantitative item's actual and target reductions (magnitudes, same unit)."""

    actual: Number | NoData
    target: Number


@dataclass(frozen=True)
class ItemScore:
    """Points awarded for one item (``awarded`` is ``NO_DATA`` when nothing was scored)."""

    code: str
    name: str
    points: Decimal
    awarded: Decimal | NoData
    verified: bool
    completion: Decimal | NoData | None = None
    bonus: Decimal | NoData | None = None
    sub_items: tuple[ItemScore, ...] = ()


@dataclass(frozen=True)
class AssessmentResult:
    """The assessment of one subject (a city): breakdown, bonus, total, veto and grade.

    ``grade`` is ``None`` when scores are missing and no veto applies; ``missing`` lists what
    was not scored; ``unverified`` lists the items scored from unverified rows.
    """

    subject: str
    scheme: str
    quantitative: tuple[ItemScore, ...]
    measures: tuple[ItemScore, ...]
    bonus: Decimal | NoData
    total: Decimal | NoData
    veto: tuple[str, ...]
    grade: str | None
    missing: tuple[str, ...]
    unverified: tuple[str, ...]


def _floor(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_FLOOR)


def table_points(item: QuantitativeItem, completion: Decimal) -> tuple[Decimal, Decimal]:
    """Return (table points, bonus points) for a completion ratio (fraction)."""
    top = item.table[0]
    bonus = Decimal(0)
    if completion > top.at_least and item.bonus is not None:
        steps = (completion - top.at_least) / item.bonus.step
        if item.interpolation == "floor":
            steps = _floor(steps)
        bonus = min(steps * item.bonus.points, item.bonus.max)
    if completion >= top.at_least:
        return top.points, bonus
    if completion < item.zero_below:
        return Decimal(0), bonus
    for upper, lower in pairwise(item.table):
        if completion >= lower.at_least:
            if item.interpolation == "floor":
                return lower.points, bonus
            fraction = (completion - lower.at_least) / (upper.at_least - lower.at_least)
            return lower.points + fraction * (upper.points - lower.points), bonus
    return item.table[-1].points, bonus  # between zero_below and the last row


def _quantitative(
    item: QuantitativeItem, result: QuantitativeResult | None
) -> tuple[ItemScore, str | None]:
    """Score one quantitative item; return it with its veto reason, if any."""
    ratio = NO_DATA if result is None else completion_ratio(result.actual, result.target)
    if is_no_data(ratio):
        return ItemScore(
            item.code, item.name, item.points, NO_DATA, item.verified, NO_DATA, NO_DATA
        ), None
    points, bonus = table_points(item, ratio)
    veto = None
    if item.veto and ratio < 1:
        veto = Message(
            gettext_noop("%(item)s：未达到目标值（完成%(percent)s%%），即为未完成等级"),
            item=item.name,
            percent=f"{ratio * 100:.2f}",
        )
    return ItemScore(item.code, item.name, item.points, points, item.verified, ratio, bonus), veto


def _awarded(code: str, points: Decimal, scores: Mapping[str, Number | NoData]) -> Decimal | NoData:
    value = scores.get(code, NO_DATA)
    if is_no_data(value):
        return NO_DATA
    awarded = to_decimal(value)
    if not 0 <= awarded <= points:
        raise ValueError(f"{code}: {awarded} is outside 0..{points}")
    return awarded


def _measure(item: MeasureItem, scores: Mapping[str, Number | NoData]) -> ItemScore:
    if not item.items:
        awarded = _awarded(item.code, item.points, scores)
        return ItemScore(item.code, item.name, item.points, awarded, item.verified)
    subs = tuple(
        ItemScore(
            s.code,
            s.name,
            s.points,
            _awarded(s.code, s.points, scores),
            item.verified and s.verified,
        )
        for s in item.items
    )
    total = _sum(s.awarded for s in subs)
    return ItemScore(item.code, item.name, item.points, total, item.verified, sub_items=subs)


def _sum(values: Iterable[Decimal | NoData]) -> Decimal | NoData:
    total = Decimal(0)
    for value in values:
        if is_no_data(value):
            return NO_DATA
        total += value
    return total


def score(
    scheme: Scheme,
    quantitative_results: Mapping[str, QuantitativeResult],
    measure_scores: Mapping[str, Number | NoData],
    *,
    subject: str = "",
    vetoes: Sequence[str] = (),
) -> AssessmentResult:
    """Score one subject.

    ``quantitative_results`` is keyed by quantitative item code; ``measure_scores`` by
    sub-item code (or item code for an item without sub-items), each within 0..its points.
    ``vetoes`` adds veto reasons decided elsewhere (e.g. another binding target missed). A
    veto gives ``scheme.veto_grade`` whatever the points ("未完成节能目标的，均为未完成等级",
    §3.1 [R] S51); otherwise the grade is the first whose ``at_least`` the total reaches.
    """
    known = set(_measure_codes(scheme))
    unknown = sorted(set(measure_scores) - known) + sorted(
        set(quantitative_results) - {q.code for q in scheme.quantitative}
    )
    if unknown:
        raise ValueError(f"not in scheme {scheme.code}: {', '.join(unknown)}")
    quantitative, veto = [], list(vetoes)
    for item in scheme.quantitative:
        scored, reason = _quantitative(item, quantitative_results.get(item.code))
        quantitative.append(scored)
        veto += [reason] if reason else []
    measures = [_measure(item, measure_scores) for item in scheme.measures]
    bonus = _sum(q.bonus for q in quantitative if q.bonus is not None)
    total = _sum([*(q.awarded for q in quantitative), bonus, *(m.awarded for m in measures)])
    grade = scheme.veto_grade if veto else None
    if grade is None and not is_no_data(total):
        grade = next((g.name for g in scheme.grades if total >= g.at_least), scheme.grades[-1].name)
    everything = [*quantitative, *measures, *(s for m in measures for s in m.sub_items)]
    missing = [s.code for s in everything if is_no_data(s.awarded) and not s.sub_items]
    unverified = [s.code for s in [*quantitative, *measures] if not s.verified]
    return AssessmentResult(
        subject,
        scheme.code,
        tuple(quantitative),
        tuple(measures),
        bonus,
        total,
        tuple(veto),
        grade,
        tuple(missing),
        tuple(unverified),
    )


@dataclass(frozen=True)
class Ranked:
    """A result with its place; ``rank`` is ``None`` when the total could not be computed."""

    rank: int | None
    result: AssessmentResult


def rank(results: Iterable[AssessmentResult]) -> list[Ranked]:
    """Rank subjects: un-vetoed before vetoed, then by total, highest first.

    A vetoed subject is 未完成 whatever its points, so it ranks below every subject that met
    its target. Ties (same veto state and total) share a rank and the next rank is skipped
    (1, 2, 2, 4); within a tie the order is by subject. Unscored subjects come last, unranked.
    """
    scored = [r for r in results if not is_no_data(r.total)]
    unscored = [r for r in results if is_no_data(r.total)]

    def key(r: AssessmentResult) -> tuple[bool, Decimal]:
        assert not is_no_data(r.total)
        return (bool(r.veto), -r.total)

    ordered = sorted(scored, key=lambda r: (*key(r), r.subject))
    ranked: list[Ranked] = []
    for position, result in enumerate(ordered, start=1):
        tied = ranked and key(ranked[-1].result) == key(result)
        ranked.append(Ranked(ranked[-1].rank if tied else position, result))
    return ranked + [Ranked(None, r) for r in sorted(unscored, key=lambda r: r.subject)]
