"""Early warning (预警): declarative rating schemes and their evaluation.

The schemes live in ``data/warning-rules.yaml`` (NDRC barometer, Hangzhou's percentage-point
scheme, the generic completion-ratio scheme), each citing its source. A scheme turns what a
region reported for an indicator, and what was due by then, into a severity on one scale
(green < yellow < orange < red): the schemes number their levels in opposite orders (NDRC 一级
is red, Hangzhou Ⅲ级 is red), so each rating also keeps the scheme's own ``label``.

A rating that cannot be made (nothing reported, a measure the scheme needs is undefined) is an
:class:`EarlyWarning` with ``severity=None`` and a ``reason``: missing data never rates green.

This module also holds :func:`parse_yaml_model`, the YAML loader shared with
:mod:`plantrack.core.assessment`; it reports errors with file, line and field through the
helpers of :mod:`plantrack.core.planfile`.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, model_validator

from plantrack.core.expressions import Period
from plantrack.core.nodata import NO_DATA, NoData, is_no_data
from plantrack.core.periods import end_date
from plantrack.core.planfile import PlanFileError, _field_path, _nearest_line, _node_lines
from plantrack.core.progress import Progress, TargetSpec

from .messages import Message, gettext_noop

__all__ = [
    "RULES_FILE",
    "EarlyWarning",
    "FollowUp",
    "FollowUpRule",
    "RuleSet",
    "Scheme",
    "SchemeFileError",
    "Severity",
    "WarningInput",
    "by_severity",
    "evaluate_warnings",
    "follow_ups",
    "load_warning_rules",
    "measures",
    "parse_warning_rules",
    "parse_yaml_model",
]

RULES_FILE = Path(__file__).parent / "data" / "warning-rules.yaml"

Measure = Literal["on_schedule", "wrong_way", "gap", "gap_share", "completion"]
InputKind = Literal["change", "amount", "level"]
_BOOLEAN_MEASURES = frozenset({"on_schedule", "wrong_way"})
_OPS: Mapping[str, Callable[[Decimal, Decimal], bool]] = {
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class Severity(StrEnum):
    """How serious a warning is, on one scale shared by every scheme."""

    GREEN = "green"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"

    @property
    def rank(self) -> int:
        """0 for green up to 3 for red; higher is more severe."""
        return list(Severity).index(self)


# --- the shared YAML loader ------------------------------------------------------------------


class SchemeFileError(PlanFileError):
    """A scheme file (warning rules, assessment scheme) with located problems."""


_M = TypeVar("_M", bound=BaseModel)


def parse_yaml_model(text: str, filename: str, model: type[_M]) -> _M:
    """Parse YAML ``text`` and validate it as ``model``; errors carry file, line and field."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise SchemeFileError(filename, [(line, "", f"YAML 语法错误：{error}")]) from None
    if root is None:
        raise SchemeFileError(filename, [(1, "", "文件为空")])
    lines = dict(_node_lines(root, ()))
    try:
        return model.model_validate(yaml.safe_load(text))
    except ValidationError as error:
        problems = [
            (_nearest_line(lines, tuple(item["loc"])), _field_path(tuple(item["loc"])), item["msg"])
            for item in error.errors()
        ]
        raise SchemeFileError(filename, problems) from None


# --- the schema of warning-rules.yaml --------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """``measure op value``; the boolean measures take ``=`` with true or false."""

    measure: Measure
    op: Literal["=", "<", "<=", ">", ">="]
    value: StrictBool | Decimal

    @model_validator(mode="after")
    def _typed(self) -> Condition:
        boolean = self.measure in _BOOLEAN_MEASURES
        if boolean != isinstance(self.value, bool):
            raise ValueError(f"{self.measure} takes {'true/false' if boolean else 'a number'}")
        if boolean and self.op != "=":
            raise ValueError(f"{self.measure} is true/false: use op '='")
        return self


class Outcome(_Strict):
    """A rating: a severity and the scheme's own name for it."""

    severity: Severity
    label: str


class Band(Outcome):
    """A level of a scheme, rated when all its conditions hold."""

    when: list[Condition] = Field(min_length=1)


class Scheme(_Strict):
    """One warning scheme: the indicators it rates, its levels (most severe first), its source."""

    code: str
    name: str
    source: str = Field(min_length=2)
    verified: bool
    indicators: list[str] = Field(min_length=1)
    kinds: list[InputKind] = []
    unit: str | None = None
    months: list[int] = []
    note: str = ""
    levels: list[Band] = Field(min_length=1)
    otherwise: Outcome | None

    @model_validator(mode="after")
    def _most_severe_first(self) -> Scheme:
        ranks = [band.severity.rank for band in self.levels]
        if ranks != sorted(ranks, reverse=True):
            raise ValueError("levels must be listed from the most severe down")
        if any(not 1 <= month <= 12 for month in self.months):
            raise ValueError("months are 1 to 12")
        return self

    def applies_to(self, indicator: str) -> bool:
        return "*" in self.indicators or indicator in self.indicators


class FollowUpRule(_Strict):
    """An action due after ``consecutive`` ratings at ``severity`` or worse in a row (约谈)."""

    code: str
    name: str
    severity: Severity
    consecutive: int = Field(ge=1)
    source: str = Field(min_length=2)
    verified: bool


class RuleSet(_Strict):
    """The contents of a warning-rules file."""

    schemes: list[Scheme] = Field(min_length=1)
    follow_ups: list[FollowUpRule] = []

    @model_validator(mode="after")
    def _unique(self) -> RuleSet:
        codes = [s.code for s in self.schemes] + [f.code for f in self.follow_ups]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise ValueError(f"codes repeated: {', '.join(repeated)}")
        return self


def parse_warning_rules(text: str, filename: str = "<warning rules>") -> RuleSet:
    """Validate a warning-rules document; :class:`SchemeFileError` locates each problem."""
    return parse_yaml_model(text, filename, RuleSet)


def load_warning_rules(path: str | Path | None = None) -> RuleSet:
    """Load the shipped rules (``data/warning-rules.yaml``) or the file at ``path``."""
    path = Path(path) if path is not None else RULES_FILE
    return parse_warning_rules(path.read_text(encoding="utf-8"), str(path))


# --- evaluation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WarningInput:
    """What a scheme rates: one indicator of one subject (a region) at one period.

    ``actual`` and ``required`` are in the indicator's own terms and unit: for a change, the
    signed year-to-date change and the signed change due (e.g. -3.0 against -3.5, in %); for
    an amount, the total so far and the total due by now (a cap for ``direction="decrease"``).
    """

    subject: str
    indicator: str
    period: Period
    actual: Decimal | NoData
    required: Decimal | NoData
    direction: Literal["increase", "decrease"]
    kind: InputKind = "change"
    unit: str = "%"

    @classmethod
    def from_progress(
        cls, progress: Progress, target: TargetSpec, *, subject: str, indicator: str
    ) -> WarningInput:
        """Rate a target's :class:`~plantrack.core.progress.Progress` (not for milestones)."""
        direction: Literal["increase", "decrease"]
        if target.direction == "increase" or target.direction == "decrease":
            direction = target.direction
        else:
            raise ValueError(f"target {target.code} has no direction to be rated against")
        if progress.required is None:
            raise ValueError(f"target {target.code} cannot be rated by a warning scheme")
        kinds: dict[str | None, InputKind] = {
            "change": "change",
            "pp_change": "change",
            "amount": "amount",
            "count": "amount",
        }
        return cls(
            subject=subject,
            indicator=indicator,
            period=progress.period,
            actual=progress.value,
            required=progress.required,
            direction=direction,
            kind=kinds.get(target.indicator_kind, "level"),
            unit=target.unit,
        )


@dataclass(frozen=True)
class EarlyWarning:
    """A scheme's rating of one input. ``severity`` None: no warning, and ``reason`` says why."""

    scheme: str
    subject: str
    indicator: str
    period: Period
    severity: Severity | None
    label: str
    reason: str
    verified: bool
    measures: Mapping[str, Decimal | bool | NoData] = field(default_factory=dict)


def measures(item: WarningInput) -> dict[str, Decimal | bool | NoData]:
    """The measures schemes test, for one input with data (see warning-rules.yaml)."""
    actual, required = item.actual, item.required
    assert not is_no_data(actual) and not is_no_data(required)
    short = required - actual if item.direction == "increase" else actual - required
    wrong_way: bool | NoData = NO_DATA
    if item.kind == "change":
        wrong_way = actual < 0 if item.direction == "increase" else actual > 0
    completion: Decimal | NoData = NO_DATA
    if required != 0 and (item.kind == "change" or item.direction == "increase"):
        completion = actual / required
    return {
        "on_schedule": short <= 0,
        "wrong_way": wrong_way,
        "gap": short,
        "gap_share": NO_DATA if required == 0 else short / abs(required),
        "completion": completion,
    }


def _holds(condition: Condition, values: Mapping[str, Decimal | bool | NoData]) -> bool:
    value = values[condition.measure]
    assert not is_no_data(value)
    if isinstance(condition.value, bool):
        return value is condition.value
    assert isinstance(value, Decimal)
    return _OPS[condition.op](value, condition.value)


def _rate(scheme: Scheme, item: WarningInput) -> EarlyWarning:
    def result(
        outcome: Outcome | None,
        reason: str,
        values: Mapping[str, Decimal | bool | NoData] | None = None,
    ) -> EarlyWarning:
        return EarlyWarning(
            scheme=scheme.code,
            subject=item.subject,
            indicator=item.indicator,
            period=item.period,
            severity=outcome.severity if outcome else None,
            label=outcome.label if outcome else "",
            reason=reason,
            verified=scheme.verified,
            measures=dict(values or {}),
        )

    if scheme.kinds and item.kind not in scheme.kinds:
        return result(
            None,
            Message(
                gettext_noop("本方案评价%(kinds)s类指标，不评价%(kind)s类"),
                kinds="、".join(scheme.kinds),
                kind=item.kind,
            ),
        )
    if scheme.unit is not None and item.unit != scheme.unit:
        return result(
            None,
            Message(
                gettext_noop("本方案要求单位为“%(need)s”，实际为“%(got)s”"),
                need=scheme.unit,
                got=item.unit,
            ),
        )
    if is_no_data(item.actual) or is_no_data(item.required):
        return result(None, Message(gettext_noop("无数据：本期未报送或未到期")))
    values = measures(item)
    for band in scheme.levels:
        undefined = [c.measure for c in band.when if is_no_data(values[c.measure])]
        if undefined:
            return result(
                None,
                Message(gettext_noop("无法计算：%(measures)s"), measures="、".join(undefined)),
                values,
            )
        if all(_holds(c, values) for c in band.when):
            return result(band, "", values)
    return result(
        scheme.otherwise,
        "" if scheme.otherwise else Message(gettext_noop("未达到任何预警等级，不发预警")),
        values,
    )


def evaluate_warnings(rules: RuleSet, inputs: Iterable[WarningInput]) -> list[EarlyWarning]:
    """Rate every input by every scheme that covers its indicator and period.

    A scheme limited to some months (Hangzhou: June and September year to date) skips inputs
    of other periods silently. The result is in input order, then scheme order; sort it with
    :func:`by_severity` for a listing.
    """
    found: list[EarlyWarning] = []
    for item in inputs:
        month = end_date(item.period).month
        for scheme in rules.schemes:
            if scheme.applies_to(item.indicator) and (not scheme.months or month in scheme.months):
                found.append(_rate(scheme, item))
    return found


def by_severity(warnings: Iterable[EarlyWarning]) -> list[EarlyWarning]:
    """Most severe first (red, orange, yellow, green, then unrated), then subject and period."""

    def key(w: EarlyWarning) -> tuple[int, str, str, int, str]:
        rank = w.severity.rank if w.severity is not None else -1
        return (-rank, w.subject, w.indicator, -w.period.key, w.scheme)

    return sorted(warnings, key=key)


# --- follow-ups ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """An action due for a subject (e.g. 约谈) after a run of severe ratings."""

    action: str
    name: str
    subject: str
    indicator: str
    scheme: str
    periods: tuple[Period, ...]
    verified: bool


def follow_ups(history: Iterable[EarlyWarning], rules: RuleSet | None = None) -> list[FollowUp]:
    """Follow-ups due from a history of ratings (default rules: the shipped file).

    The history is grouped by scheme, subject and indicator and ordered by period; a run is a
    sequence of consecutive ratings in that history (so the caller decides which periods are
    rated) at the rule's severity or worse. An unrated period (``severity`` None, e.g. no
    data) breaks a run. Each run yields one follow-up, at the period that completes it.
    """
    rule_set = rules if rules is not None else load_warning_rules()
    groups: dict[tuple[str, str, str], dict[int, EarlyWarning]] = defaultdict(dict)
    for w in history:
        groups[(w.scheme, w.subject, w.indicator)][w.period.key] = w
    due: list[FollowUp] = []
    for rule in rule_set.follow_ups:
        for (scheme, subject, indicator), by_period in groups.items():
            run: list[Period] = []
            for key in sorted(by_period):
                w = by_period[key]
                if w.severity is not None and w.severity.rank >= rule.severity.rank:
                    run.append(w.period)
                else:
                    run = []
                if len(run) == rule.consecutive:
                    due.append(
                        FollowUp(
                            rule.code,
                            rule.name,
                            subject,
                            indicator,
                            scheme,
                            tuple(run),
                            rule.verified,
                        )
                    )
    return sorted(due, key=lambda f: (f.subject, f.indicator, f.scheme, f.periods[-1].key))
