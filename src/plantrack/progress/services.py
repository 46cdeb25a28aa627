"""Where every target stands: values from approved reports, progress, and warnings.

A view or command asks :func:`compute` for a plan and a month; it reads the approved values
once, evaluates each target's indicator with the plan's own expressions, and hands the numbers
to ``plantrack.core.progress`` and ``plantrack.core.warning``.
"""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from plantrack.annualplans import milestones
from plantrack.core import expressions
from plantrack.core.nodata import NO_DATA, NoData
from plantrack.core.periods import Period, end_date, latest_closed
from plantrack.core.progress import Observation, Progress, TargetSpec, assess_progress
from plantrack.core.warning import (
    EarlyWarning,
    RuleSet,
    Scheme,
    WarningInput,
    evaluate_warnings,
    load_warning_rules,
)
from plantrack.plans.models import Indicator, Plan, PlanRevision, Target, TargetShare
from plantrack.regions.models import Region
from plantrack.reporting.models import Status, Submission

from .sources import Loaded, load_values

# Kinds whose target applies unchanged to each city when the plan sets it for the province: a
# rate or a level can be read for any region; an amount must be decomposed explicitly.
INHERITED_KINDS = {"change", "pp_change", "rate", "ratio", "level", "index"}
COARSENESS = {"month": 0, "quarter": 1, "half": 2, "year": 3}


@dataclass
class TargetProgress:
    target: Target
    region: Region
    inherited: bool
    progress: Progress
    warnings: list[EarlyWarning] = field(default_factory=list)
    # The value of the region's own share (目标分解) when the target was decomposed to it.
    share: Decimal | None = None

    @property
    def worst(self) -> EarlyWarning | None:
        rated = [w for w in self.warnings if w.severity is not None]
        return max(rated, key=lambda w: w.severity.rank if w.severity else -1, default=None)


def compute(
    plan: Plan,
    as_of: Period,
    *,
    targets: list[Target] | None = None,
    regions: list[str] | None = None,
    loaded: Loaded | None = None,
) -> list[TargetProgress]:
    """Progress and warnings of the plan's targets (or ``targets``) at month ``as_of``.

    ``loaded`` (from :func:`load`) saves reading the values again when the caller has them.
    """
    loaded = loaded or load(plan, as_of)
    compiled = compiled_indicators(plan.pk, _revision(plan))
    schemes = _schemes()
    cities = list(Region.objects.valid_on(end_date(as_of)).filter(level="city"))
    if targets is None:
        targets = list(
            plan.targets.select_related("indicator", "region", "domain", "program").order_by(
                "order"
            )
        )
    shares = _shares(plan, targets)
    # Submission milestones are completed in annualplans; read once, not per target.
    done = milestones.completions(plan) if any(t.indicator_id is None for t in targets) else {}
    results = []
    for target in targets:
        for region, inherited, share in _regions(target, cities, shares.get(target.pk, {})):
            if regions is not None and region.code not in regions:
                continue
            spec = _spec(target, share)
            observation, period = _observe(target, region, as_of, loaded, compiled)
            if target.indicator_id is None and (target.code, region.code) in done:
                observation = Observation(completed_on=done[(target.code, region.code)])
            progress = assess_progress(spec, observation, period)
            row = TargetProgress(target, region, inherited, progress, share=share)
            row.warnings = _warnings(plan, target, spec, region, progress, schemes)
            results.append(row)
    return results


def load(plan: Plan, as_of: Period, elements: Collection[str] | None = None) -> Loaded:
    """The approved values :func:`compute` reads for month ``as_of`` (this year and last),
    of every data element or only of ``elements``."""
    years = range(min(plan.base_year, as_of.year - 1), as_of.year + 1)
    return load_values(plan, years, as_of, elements)


@lru_cache(maxsize=1)
def _schemes() -> dict[str, Scheme]:
    # The shipped rules file is read once per process: parsing it took a tenth of a compute.
    return {s.code: s for s in load_warning_rules().schemes}


def _shares(plan: Plan, targets: list[Target]) -> dict[int, dict[Region, Decimal]]:
    """Region shares of the targets (目标分解), by target id then region."""
    found: dict[int, dict[Region, Decimal]] = {}
    rows = TargetShare.objects.filter(
        target__plan=plan, target__in=targets, region__isnull=False
    ).select_related("region__parent")
    for share in rows:
        assert share.region is not None
        found.setdefault(share.target_id, {})[share.region] = share.value
    return found


def _revision(plan: Plan) -> str:
    return PlanRevision.objects.filter(plan=plan).values_list("sha256", flat=True).first() or ""


@lru_cache(maxsize=8)
def compiled_indicators(plan_pk: int, revision: str) -> expressions.CompiledSet:
    """The plan's indicators compiled once per loaded revision of the plan file."""
    plan = Plan.objects.get(pk=plan_pk)
    return expressions.compile_indicators(
        {i.code: i.expression or None for i in plan.indicators.all()},
        plan.data_elements.values_list("code", flat=True),
        base_year=plan.base_year,
    )


def _regions(
    target: Target, cities: list[Region], shares: dict[Region, Decimal]
) -> list[tuple[Region, bool, Decimal | None]]:
    """The regions a target is tracked at: its own, each city it is inherited by or shared to.

    A city with a share (目标分解) is tracked against its share, not the province's value.
    """
    rows: list[tuple[Region, bool, Decimal | None]] = [(target.region, False, None)]
    indicator = target.indicator
    inherited = (
        target.kind == Target.Kind.QUANTITATIVE
        and indicator is not None
        and target.region.level == "province"
        and indicator.kind in INHERITED_KINDS
        and not target.scope
    )
    if inherited:
        rows += [(city, city not in shares, shares.get(city)) for city in cities]
    return rows + [
        (region, False, value)
        for region, value in shares.items()
        if not (inherited and region in cities)
    ]


def _spec(target: Target, share: Decimal | None = None) -> TargetSpec:
    indicator: Indicator | None = target.indicator
    return TargetSpec(
        code=target.code,
        kind=target.kind,  # type: ignore[arg-type]
        due=target.due or target.plan.period_end,
        indicator_kind=indicator.kind if indicator else None,  # type: ignore[arg-type]
        direction=(target.direction or None),  # type: ignore[arg-type]
        comparator=target.comparator or None,  # type: ignore[arg-type]
        value=target.value if share is None else share,
        unit=target.unit,
        level=target.level,  # type: ignore[arg-type]
        base_year=target.baseline_year,
    )


def _observe(
    target: Target,
    region: Region,
    as_of: Period,
    loaded: Loaded,
    compiled: expressions.CompiledSet,
) -> tuple[Observation, Period]:
    indicator = target.indicator
    if indicator is None:
        return Observation(), as_of
    elements = _elements(compiled, indicator.code)
    frequency = max(
        (loaded.frequency.get(e, "year") for e in elements),
        key=COARSENESS.__getitem__,
        default="year",
    )
    period = latest_closed(frequency, end_date(as_of) + dt.timedelta(days=1))
    if period.year < as_of.year:
        # Early in the year nothing of this frequency has closed yet: the year's first period
        # (still open, so no data) is the one to report on, not last year's.
        period = Period.parse(
            str(as_of.year) + {"month": "-01", "quarter": "Q1", "half": "H1"}.get(frequency, "")
        )
    if indicator.kind in ("amount", "count") and indicator.aggregation == "sum":
        parts = [
            compiled.evaluate(region.code, p, loaded.source, [indicator.code])[indicator.code]
            for p in period.year_to_date()
        ]
        numbers = [part for part in parts if isinstance(part, Decimal)]
        # A year-to-date total missing a month is not the total: no data, never a smaller sum.
        value: Decimal | NoData = (
            sum(numbers, Decimal(0)) if len(numbers) == len(parts) else NO_DATA
        )
    else:
        result = compiled.evaluate(region.code, period, loaded.source, [indicator.code])[
            indicator.code
        ]
        value = result if isinstance(result, Decimal) else NO_DATA
    vintage = ""
    if elements:
        vintage = loaded.vintage(elements[0], region.code, period) or str(_("汇总"))
    return Observation(value=value, vintage=vintage), period


def _elements(compiled: expressions.CompiledSet, code: str) -> list[str]:
    """Every data element an indicator reads, through the indicators it uses."""
    seen, order, stack = set(), [], [code]
    while stack:
        current = stack.pop()
        item = compiled.indicators[current]
        for element in item.elements:
            if element not in seen:
                seen.add(element)
                order.append(element)
        stack.extend(item.indicators)
    return order


def _warnings(
    plan: Plan,
    target: Target,
    spec: TargetSpec,
    region: Region,
    progress: Progress,
    schemes: dict[str, Scheme],
) -> list[EarlyWarning]:
    if (
        target.kind != Target.Kind.QUANTITATIVE
        or target.indicator is None
        or spec.direction not in ("increase", "decrease")
        or progress.required is None
    ):
        return []
    found = []
    for binding in plan.warning_bindings:
        applies = "*" in binding["indicators"] or target.indicator.code in binding["indicators"]
        if not applies or (binding["regions"] and region.code not in binding["regions"]):
            continue
        scheme = schemes[binding["scheme"]]
        name = target.indicator.code if "*" in scheme.indicators else scheme.indicators[0]
        item = WarningInput.from_progress(progress, spec, subject=region.code, indicator=name)
        found += evaluate_warnings(RuleSet(schemes=[scheme]), [item])
    return found


def default_month(plan: Plan, today: dt.date) -> Period:
    """The month to show: the latest closed month within the plan's period for which every
    unit of the plan's monthly data sets has an approved report (so totals are complete), or
    the latest closed month when none is complete yet.
    """
    month = latest_closed("month", min(today, plan.period_end + dt.timedelta(days=1)))
    month = max(month, Period(plan.period_start.year, month=1), key=lambda p: p.key)
    complete = _latest_complete_month(plan, month)
    return complete or month


def _latest_complete_month(plan: Plan, last: Period) -> Period | None:
    monthly = plan.data_sets.filter(frequency="month")
    counts = (
        Submission.objects.filter(data_set__in=monthly, period__startswith=str(last.year))
        .values("period")
        .annotate(total=Count("pk"), approved=Count("pk", filter=Q(status=Status.APPROVED)))
    )
    complete = sorted(
        row["period"] for row in counts if row["total"] and row["total"] == row["approved"]
    )
    complete = [p for p in complete if p <= str(last)]
    return Period.parse(complete[-1]) if complete else None
