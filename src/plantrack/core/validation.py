"""Validation of one submission's values, the same for web forms, Excel uploads and the API.

Each problem names the field and says in plain Chinese what is wrong; callers add where the
value came from (sheet, row, column). Nothing here saves anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from plantrack.core.generic import relative_change
from plantrack.core.nodata import NoData, is_no_data


@dataclass(frozen=True)
class FieldSpec:
    """A field of a data set's form: its element, type, bounds and whether it is required."""

    code: str
    name: str
    unit: str = ""
    value_type: str = "number"  # number | integer | percent
    required: bool = True
    min_value: Decimal | None = None
    max_value: Decimal | None = None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a submission; ``field`` is empty for a rule across fields."""

    field: str
    message: str
    kind: str = "error"  # error | explain (needs an explanation before submission)


@dataclass(frozen=True)
class Rule:
    """A cross-field rule declared in the plan: a condition that must hold, and its message."""

    check: Callable[[Mapping[str, Decimal | None]], bool | NoData]
    message: str


def parse_number(raw: object, spec: FieldSpec) -> tuple[Decimal | None, Problem | None]:
    """Read a cell or form input: blank is None; text must be a number of the field's type."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, bool):
        return None, Problem(spec.code, f"“{spec.name}”应为数值，不能是真假值")
    text = str(raw).strip().replace(",", "").replace("，", "")
    if spec.value_type == "percent" and text.endswith("%"):
        text = text[:-1]
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, Problem(spec.code, f"“{spec.name}”应为数值，收到“{raw}”")
    if not value.is_finite():
        return None, Problem(spec.code, f"“{spec.name}”应为有限数值，收到“{raw}”")
    if spec.value_type == "integer" and value != value.to_integral_value():
        return None, Problem(spec.code, f"“{spec.name}”应为整数，收到“{raw}”")
    return value, None


def check_values(
    specs: Sequence[FieldSpec],
    values: Mapping[str, Decimal | None],
    *,
    rules: Sequence[Rule] = (),
    previous: Mapping[str, Decimal | None] | None = None,
    change_threshold: Decimal | None = None,
    explanations: Mapping[str, str] | None = None,
    for_submission: bool = True,
) -> list[Problem]:
    """All problems of a set of parsed values.

    Drafts (``for_submission=False``) may leave required fields blank and skip the change
    explanations; bounds and rules still apply to what has been entered.
    """
    problems: list[Problem] = []
    for spec in specs:
        value = values.get(spec.code)
        if value is None:
            if spec.required and for_submission:
                problems.append(Problem(spec.code, f"“{spec.name}”为必填项"))
            continue
        problems.extend(_bounds(spec, value))
    for rule in rules:
        if rule.check(values) is False:
            problems.append(Problem("", rule.message))
    if for_submission and previous and change_threshold is not None:
        problems.extend(
            _unexplained_changes(specs, values, previous, change_threshold, explanations or {})
        )
    return problems


def _bounds(spec: FieldSpec, value: Decimal) -> list[Problem]:
    low = spec.min_value
    high = spec.max_value
    if spec.value_type == "percent":
        low = Decimal(0) if low is None else low
        high = Decimal(100) if high is None else high
    unit = spec.unit
    if low is not None and value < low:
        return [Problem(spec.code, f"“{spec.name}”不能小于 {low.normalize()}{unit}，收到 {value}")]
    if high is not None and value > high:
        return [Problem(spec.code, f"“{spec.name}”不能大于 {high.normalize()}{unit}，收到 {value}")]
    return []


def _unexplained_changes(
    specs: Sequence[FieldSpec],
    values: Mapping[str, Decimal | None],
    previous: Mapping[str, Decimal | None],
    threshold: Decimal,
    explanations: Mapping[str, str],
) -> list[Problem]:
    problems = []
    for spec in specs:
        now, before = values.get(spec.code), previous.get(spec.code)
        if now is None or before is None or explanations.get(spec.code, "").strip():
            continue
        if before == 0:
            continue  # no relative change from zero; the bounds still apply
        change = relative_change(now, before)
        if is_no_data(change) or abs(change * 100) <= threshold:
            continue
        problems.append(
            Problem(
                spec.code,
                f"“{spec.name}”比上期变动 {change * 100:+.1f}%，超过 {threshold.normalize()}%，请填写变动说明",
                kind="explain",
            )
        )
    return problems
