"""Year-end forecasts of amount, count and change targets, with the odds of meeting each level.

The method is :func:`plantrack.core.forecast.forecast_year_end` (last year's seasonal profile);
this module only gathers its inputs from the approved values already loaded for progress:

- an **amount** or **count** indicator that adds up: its monthly values, evaluated with the
  plan's own expression for each month of this year so far and the twelve of last year;
- an **intensity change** (``100 * change(#{a}[ytd] / #{b}[ytd], #{a}[ytd,-1y] / #{b}[ytd,-1y])``):
  the numerator's monthly values, with the year-to-date growth of the denominator (GDP) as the
  growth assumed for the rest of the year (:class:`~plantrack.core.forecast.IntensityGoal`);
- a **growth** (``100 * change(#{a}[ytd], #{a}[ytd,-1y])``): the element's monthly values
  against last year's total raised or lowered by the target.

Only monthly data can be projected month by month; other targets get no forecast.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from plantrack.core import expressions
from plantrack.core.expressions import Arith, Call, Num, Ref
from plantrack.core.forecast import AmountGoal, Forecast, IntensityGoal, forecast_year_end
from plantrack.core.generic import Comparator
from plantrack.core.nodata import NO_DATA, NoData
from plantrack.core.periods import Period
from plantrack.plans.models import Plan, Target, TargetShare

from .labels import localized
from .services import Loaded, TargetProgress, _elements, _revision, compiled_indicators

FORECAST_KINDS = {"amount", "count", "change"}
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Shape:
    """How a forecast reads an indicator: the series projected and, for a ratio, its divisor."""

    kind: str  # "amount", "intensity" or "growth"
    series: str  # an indicator code (amount) or an element code (intensity, growth)
    divisor: str | None = None


@dataclass
class LevelOutlook:
    """The odds of meeting one level (确保 or 力争) of the target at the region."""

    target: str
    level: str
    value: Decimal
    probability: Decimal | NoData
    remaining: Decimal | NoData | None


@dataclass
class TargetForecast:
    """A row's year-end projection in the target's own terms (a total, or a signed % change)."""

    kind: str
    months: int
    projection: Decimal | NoData
    low: Decimal | NoData
    high: Decimal | NoData
    coverage: Decimal
    levels: list[LevelOutlook] = field(default_factory=list)
    note: str = ""


def shape_of(compiled: expressions.CompiledSet, code: str, kind: str) -> Shape | None:
    """Recognise what can be forecast in an indicator; ``None`` when nothing can."""
    item = compiled.indicators[code]
    if kind in ("amount", "count"):
        return Shape("amount", code)
    tree = item.tree
    if isinstance(tree, Arith) and tree.first == Num(HUNDRED) and len(tree.rest) == 1:
        op, tree = tree.rest[0]  # 100 * change(...): a change in %
        if op != "*":
            return None
    else:
        return None  # a change not in % is not what the targets' values are in
    if not (isinstance(tree, Call) and tree.name == "change"):
        return None
    now, before = tree.args
    ratio_now, ratio_before = _ratio(now), _ratio(before)
    if ratio_now and ratio_before:
        (a, b), (a1, b1) = ratio_now, ratio_before
        if _ytd(a, 0) and _ytd(b, 0) and _ytd(a1, -1) and _ytd(b1, -1) and a.name == a1.name:
            return Shape("intensity", a.name, b.name)
    if isinstance(now, Ref) and isinstance(before, Ref) and now.name == before.name:
        if now.kind == "element" and _ytd(now, 0) and _ytd(before, -1):
            return Shape("growth", now.name)
    return None


def _ratio(node: expressions.Node) -> tuple[Ref, Ref] | None:
    if isinstance(node, Arith) and isinstance(node.first, Ref) and len(node.rest) == 1:
        op, divisor = node.rest[0]
        if op == "/" and isinstance(divisor, Ref):
            return node.first, divisor
    return None


def _ytd(ref: Ref, years: int) -> bool:
    m = ref.modifier
    return ref.kind == "element" and m.ytd and m.years == years and not m.periods and not m.base


def forecast_rows(
    plan: Plan, as_of: Period, rows: list[TargetProgress], loaded: Loaded
) -> dict[tuple[int, str], TargetForecast]:
    """Forecasts of the rows that can have one, by (target id, region code)."""
    compiled = compiled_indicators(plan.pk, _revision(plan))
    levels = _levels(plan)
    shares = {
        (s.target_id, s.region_id): s.value
        for s in TargetShare.objects.filter(target__plan=plan, region__isnull=False)
    }
    found = {}
    for row in rows:
        target = row.target
        indicator = target.indicator
        if (
            target.kind != Target.Kind.QUANTITATIVE
            or indicator is None
            or indicator.kind not in FORECAST_KINDS
            or target.direction not in ("increase", "decrease")
        ):
            continue
        shape = shape_of(compiled, indicator.code, indicator.kind)
        if shape is None or not _monthly(compiled, indicator.code, loaded):
            continue
        siblings = _one_per_level(
            target, levels.get((indicator.pk, target.region_id, target.scope), [])
        )
        goals = [(t, shares.get((t.pk, row.region.pk), t.value)) for t in siblings]
        found[(target.pk, row.region.code)] = _forecast(
            shape, row.region.code, as_of, compiled, loaded, goals
        )
    return found


def _levels(plan: Plan) -> dict[tuple[int, int, str], list[Target]]:
    """The plan's quantitative targets grouped by indicator, region and scope: the levels."""
    groups: dict[tuple[int, int, str], list[Target]] = {}
    targets = plan.targets.filter(kind=Target.Kind.QUANTITATIVE, indicator__isnull=False)
    for target in targets.order_by("order"):
        assert target.indicator_id is not None
        groups.setdefault((target.indicator_id, target.region_id, target.scope), []).append(target)
    return groups


def _one_per_level(target: Target, siblings: list[Target]) -> list[Target]:
    """The row's own target, and the first target of each other level (确保, 力争).

    A plan may state the same target twice (in the overall goals and again in a program).
    """
    chosen = {target.level: target}
    for sibling in siblings:
        chosen.setdefault(sibling.level, sibling)
    order = [Target.Level.BINDING, Target.Level.STRETCH]
    return [chosen[level] for level in order if level in chosen]


def _monthly(compiled: expressions.CompiledSet, code: str, loaded: Loaded) -> bool:
    elements = _elements(compiled, code)
    return bool(elements) and all(loaded.frequency.get(e) == "month" for e in elements)


def _series(
    shape: Shape,
    region: str,
    year: int,
    months: int,
    compiled: expressions.CompiledSet,
    loaded: Loaded,
    element: str | None = None,
) -> list[Decimal | NoData]:
    values: list[Decimal | NoData] = []
    for month in range(1, months + 1):
        period = Period(year, month=month)
        if element is None and shape.kind == "amount":
            value = compiled.evaluate(region, period, loaded.source, [shape.series])[shape.series]
        else:
            value = loaded.source.value(element or shape.series, region, period)
        values.append(value if isinstance(value, Decimal) else NO_DATA)
    return values


def _forecast(
    shape: Shape,
    region: str,
    as_of: Period,
    compiled: expressions.CompiledSet,
    loaded: Loaded,
    goals: list[tuple[Target, Decimal | None]],
) -> TargetForecast:
    assert as_of.month is not None
    now = _series(shape, region, as_of.year, as_of.month, compiled, loaded)
    last = _series(shape, region, as_of.year - 1, 12, compiled, loaded)
    usable = [(t, v) for t, v in goals if v is not None and t.comparator in _COMPARATORS]
    last_total = _total(last)
    growth = _divisor_growth(shape, region, as_of, compiled, loaded)
    if shape.kind == "intensity" and growth is NO_DATA:
        return _unforecast(as_of, usable, _("缺少分母（地区生产总值）的年初至今数据"))
    if shape.kind == "growth" and not isinstance(last_total, Decimal):
        return _unforecast(as_of, usable, _("缺少上年全年数据"))
    core_goals = [_core_goal(shape, t, v, last_total, growth) for t, v in usable]
    result = forecast_year_end(now, last, core_goals)
    return _in_target_terms(shape, result, usable, last_total, growth)


_COMPARATORS = {">=": Comparator.GE, ">": Comparator.GT, "<=": Comparator.LE, "<": Comparator.LT}


def _total(values: list[Decimal | NoData]) -> Decimal | NoData:
    numbers = [v for v in values if isinstance(v, Decimal)]
    return sum(numbers, Decimal(0)) if len(numbers) == len(values) else NO_DATA


def _divisor_growth(
    shape: Shape,
    region: str,
    as_of: Period,
    compiled: expressions.CompiledSet,
    loaded: Loaded,
) -> Decimal | NoData:
    """Year-to-date growth of the divisor (GDP): the growth assumed for the whole year."""
    if shape.divisor is None:
        return NO_DATA
    assert as_of.month is not None
    args = (shape, region)
    now = _total(_series(*args, as_of.year, as_of.month, compiled, loaded, shape.divisor))
    before = _total(_series(*args, as_of.year - 1, as_of.month, compiled, loaded, shape.divisor))
    if not isinstance(now, Decimal) or not isinstance(before, Decimal) or before == 0:
        return NO_DATA
    return now / before - 1


def _core_goal(
    shape: Shape,
    target: Target,
    value: Decimal,
    last_total: Decimal | NoData,
    growth: Decimal | NoData,
) -> AmountGoal | IntensityGoal:
    if shape.kind == "intensity":
        assert isinstance(growth, Decimal)
        # The target's value is the reduction's magnitude in % (3.5 = down 3.5%).
        sign = 1 if target.direction == "decrease" else -1
        return IntensityGoal(target.code, sign * value / HUNDRED, growth)
    if shape.kind == "growth":
        assert isinstance(last_total, Decimal)
        sign = 1 if target.direction == "increase" else -1
        threshold = last_total * (1 + sign * value / HUNDRED)
        comparator = Comparator.GE if target.direction == "increase" else Comparator.LE
        return AmountGoal(target.code, threshold, comparator)
    return AmountGoal(target.code, value, _COMPARATORS[target.comparator])


def _in_target_terms(
    shape: Shape,
    result: Forecast,
    goals: list[tuple[Target, Decimal]],
    last_total: Decimal | NoData,
    growth: Decimal | NoData,
) -> TargetForecast:
    """Express the projection as the target does: a total, or a signed change in %."""

    def change(total: Decimal | NoData) -> Decimal | NoData:
        if not isinstance(total, Decimal) or not isinstance(last_total, Decimal) or not last_total:
            return NO_DATA
        ratio = total / last_total
        if shape.kind == "intensity":
            assert isinstance(growth, Decimal)
            ratio = ratio / (1 + growth)
        return (ratio - 1) * HUNDRED

    convert = change if shape.kind in ("intensity", "growth") else (lambda v: v)
    low, high = convert(result.low), convert(result.high)
    if isinstance(low, Decimal) and isinstance(high, Decimal) and low > high:
        low, high = high, low
    return TargetForecast(
        kind=shape.kind,
        months=result.months,
        projection=convert(result.projection),
        low=low,
        high=high,
        coverage=result.coverage,
        levels=[
            LevelOutlook(t.code, t.level, v, o.probability, o.remaining)
            for (t, v), o in zip(goals, result.outlooks, strict=True)
        ],
        note=""
        if isinstance(result.projection, Decimal)
        else _("数据不全（缺少某月数据），无法预测"),
    )


def _unforecast(as_of: Period, goals: list[tuple[Target, Decimal]], note: str) -> TargetForecast:
    assert as_of.month is not None
    return TargetForecast(
        kind="",
        months=as_of.month,
        projection=NO_DATA,
        low=NO_DATA,
        high=NO_DATA,
        coverage=Decimal("0.9"),
        levels=[LevelOutlook(t.code, t.level, v, NO_DATA, NO_DATA) for t, v in goals],
        note=note,
    )


def _number(value: Decimal | NoData | None) -> float | None:
    return float(value) if isinstance(value, Decimal) else None


def forecast_as_dict(forecast: TargetForecast | None) -> dict[str, Any] | None:
    """The ``forecast`` key of a progress row in the JSON of the command and the API."""
    if forecast is None:
        return None
    return {
        "kind": forecast.kind,
        "months": forecast.months,
        "projection": _number(forecast.projection),
        "low": _number(forecast.low),
        "high": _number(forecast.high),
        "coverage": float(forecast.coverage),
        "levels": [
            {
                "target": level.target,
                "level": level.level,
                "value": float(level.value),
                "probability": _number(level.probability),
                "remaining": _number(level.remaining),
            }
            for level in forecast.levels
        ],
        "note": localized(forecast.note),
    }
