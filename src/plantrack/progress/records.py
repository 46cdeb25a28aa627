"""Warning ratings kept by month, refreshed when a report is approved, and the follow-ups
(约谈) raised from them.

:func:`refresh` recomputes and stores the ratings of one month; :func:`refresh_for_submission`
(connected to ``reporting.signals.submission_approved``) recomputes only what one approved
submission can change. After each refresh the red history of the targets it touched is read
back and :func:`plantrack.core.warning.follow_ups` decides which follow-ups are due.
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from plantrack.accounts.access import Scope
from plantrack.core.periods import Period, end_date, periods
from plantrack.core.warning import (
    EarlyWarning,
    RuleSet,
    Severity,
    follow_ups,
    load_warning_rules,
)
from plantrack.plans.models import Plan, Target
from plantrack.regions.models import Region
from plantrack.reporting.models import Submission
from plantrack.supervision.sources import ensure_follow_up_items

from .models import FollowUp, WarningRecord
from .services import (
    Loaded,
    TargetProgress,
    _elements,
    _revision,
    compiled_indicators,
    compute,
    load,
)

logger = logging.getLogger(__name__)

# Days a province has to hold the interview once it is due. The plan documents set none; a
# month is PlanTrack's working assumption, shown on the follow-up list as the deadline.
FOLLOW_UP_DAYS = 30


@dataclass
class Refreshed:
    """What one refresh stored: ratings written and follow-ups opened."""

    month: Period
    rows: int
    records: int
    opened: list[FollowUp]


def refresh(
    plan: Plan,
    month: Period,
    regions: list[str] | None = None,
    targets: list[Target] | None = None,
    *,
    loaded: Loaded | None = None,
    now: dt.datetime | None = None,
) -> Refreshed:
    """Recompute and store the month's ratings (of ``targets`` at ``regions``, default all).

    The stored ratings of what was recomputed are replaced as a whole, so a scheme that no
    longer rates a row leaves no stale record behind. ``now`` dates the records and any
    follow-up they open (the demo replays its year).
    """
    rows = compute(plan, month, targets=targets, regions=regions, loaded=loaded)
    now = now or timezone.now()
    records = [
        WarningRecord(
            plan=plan, target=row.target, region=row.region, period=str(month),
            measured=str(w.period), scheme=w.scheme,
            severity=w.severity.value if w.severity else "", label=w.label,
            reason=w.reason, computed_at=now,
        )
        for row in rows
        for w in row.warnings
    ]  # fmt: skip
    with transaction.atomic():
        stale = WarningRecord.objects.filter(plan=plan, period=str(month))
        if targets is not None:
            stale = stale.filter(target__in=targets)
        if regions is not None:
            stale = stale.filter(region__code__in=regions)
        stale.delete()
        WarningRecord.objects.bulk_create(records, batch_size=500)
        opened = open_follow_ups(plan, _red(rows), now)
    return Refreshed(month, len(rows), len(records), opened)


def _red(rows: Iterable[TargetProgress]) -> set[tuple[int, int]]:
    """(target id, region id) of binding targets rated red: only they can complete a run."""
    return {
        (row.target.pk, row.region.pk)
        for row in rows
        if row.target.level == Target.Level.BINDING
        and any(w.severity is Severity.RED for w in row.warnings)
    }


# --- follow-ups ------------------------------------------------------------------------------


def open_follow_ups(
    plan: Plan, pairs: set[tuple[int, int]], now: dt.datetime | None = None
) -> list[FollowUp]:
    """Open the follow-ups due from the stored history of these (target, region) pairs.

    Only binding (确保) targets raise follow-ups: a stretch (力争) target missed is no reason to
    summon a city. A follow-up already opened for the same run is not opened twice.
    """
    if not pairs:
        return []
    now = now or timezone.now()
    history = WarningRecord.objects.filter(
        plan=plan,
        target_id__in={t for t, _ in pairs},
        region_id__in={r for _, r in pairs},
    ).values_list("target_id", "region_id", "scheme", "period", "measured", "severity", "label")
    due = follow_ups(_history(row for row in history if (row[0], row[1]) in pairs), _rules())
    opened = [
        FollowUp(
            plan=plan, target_id=int(f.indicator), region_id=int(f.subject), rule=f.action,
            name=f.name, scheme=f.scheme, opened_for=str(f.periods[-1]),
            periods="、".join(str(p) for p in f.periods), opened_at=now,
            due=timezone.localdate(now) + dt.timedelta(days=FOLLOW_UP_DAYS),
        )
        for f in due
    ]  # fmt: skip
    if not opened:
        return []
    # Several schemes may rate the same run red: one follow-up per run, the first scheme's.
    created = FollowUp.objects.bulk_create(opened, ignore_conflicts=True)
    # Every follow-up is tracked in the supervision ledger (its item is how it gets closed).
    ensure_follow_up_items(plan)
    return created


@lru_cache(maxsize=1)
def _rules() -> RuleSet:
    return load_warning_rules()


def _history(
    rows: Iterable[tuple[int, int, str, str, str, str, str]],
) -> list[EarlyWarning]:
    """Stored ratings as the core's history: one rating per measured period, gaps unrated.

    A quarterly value is rated in each month it is read; the latest month's rating stands for
    the quarter. A period with no stored rating between two rated ones breaks a run, as the
    core's rule wants for an unrated period.
    """
    groups: dict[tuple[int, int, str], dict[int, tuple[str, Period, str, str]]] = defaultdict(dict)
    for target, region, scheme, month, measured, severity, label in rows:
        period = Period.parse(measured)
        current = groups[(target, region, scheme)].get(period.key)
        if current is None or current[0] < month:
            groups[(target, region, scheme)][period.key] = (month, period, severity, label)
    history = []
    for (target, region, scheme), by_period in groups.items():
        rated = [by_period[key][1] for key in sorted(by_period)]
        if len({p.frequency for p in rated}) == 1:
            rated = list(periods(rated[0], rated[-1]))
        for period in rated:
            _, _, severity, label = by_period.get(period.key, ("", period, "", ""))
            history.append(
                EarlyWarning(
                    scheme=scheme, subject=str(region), indicator=str(target), period=period,
                    severity=Severity(severity) if severity else None, label=label,
                    reason="", verified=True,
                )
            )  # fmt: skip
    return history


def access_follow_up(scope: Scope, plan: Plan, pk: int) -> FollowUp:
    """The follow-up ``pk`` of the plan, if the scope may see its region; else 404."""
    found = (
        FollowUp.objects.visible_to(scope)
        .filter(plan=plan, pk=pk)
        .select_related("target", "region", "closed_by")
        .first()
    )
    if found is None:
        raise Http404("约谈事项不存在或无权查看")
    return found


# --- what an approval can change --------------------------------------------------------------


def affected_months(plan: Plan, period: Period) -> list[Period]:
    """The months of the plan whose ratings read ``period``'s values.

    A period is first read in its last month; a year-to-date figure keeps reading it in the
    later months of the year, and a base-year value is read a year later as "last year". So:
    that first month (moved into the plan's years), plus every later month already stored.
    """
    first = Period(period.year, month=end_date(period).month)
    start, end = plan.period_start, plan.period_end
    while end_date(first) < start:
        first = first.shift_years(1)
    if end_date(first) > end:
        return []
    stored = (
        WarningRecord.objects.filter(plan=plan)
        .values_list("period", flat=True)
        .distinct()
        .order_by("period")
    )
    months = {first.key: first}
    for text in stored:
        month = Period.parse(text)
        if month.key > first.key and end_date(month) <= end:
            months[month.key] = month
    return [months[key] for key in sorted(months)]


def _chain(region: Region | None) -> list[str]:
    """A region's code and its ancestors' (county, city, province)."""
    codes = []
    while region is not None:
        codes.append(region.code)
        region = region.parent
    return codes


def _regions_of(submission: Submission, plan: Plan) -> list[str]:
    if submission.region_id is not None:
        region = submission.region
    elif submission.enterprise_id is not None:
        region = submission.enterprise.region  # type: ignore[union-attr]
    else:
        region = plan.region  # a department reports for the plan's own region
    return _chain(Region.objects.select_related("parent__parent").get(pk=region.pk))  # type: ignore[union-attr]


def _targets_reading(plan: Plan, elements: set[str]) -> list[Target]:
    compiled = compiled_indicators(plan.pk, _revision(plan))
    reading = {
        code for code in compiled.indicators if elements.intersection(_elements(compiled, code))
    }
    return list(
        plan.targets.filter(indicator__code__in=reading)
        .select_related("indicator", "region", "domain", "program")
        .order_by("order")
    )


def refresh_for_submission(submission: Submission) -> list[Refreshed]:
    """Recompute what an approved submission can change: its months, its region and the
    regions above it, the targets whose indicators read its data set's elements."""
    data_set = submission.data_set
    plan = Plan.objects.select_related("region").get(pk=data_set.plan_id)
    elements = set(data_set.fields.values_list("element__code", flat=True))
    targets = _targets_reading(plan, elements)
    months = affected_months(plan, Period.parse(submission.period))
    if not targets or not months:
        return []
    regions = _regions_of(submission, plan)
    compiled = compiled_indicators(plan.pk, _revision(plan))
    read = {e for t in targets if t.indicator for e in _elements(compiled, t.indicator.code)}
    # The values read for one month of a year are those of every month of it (this year and
    # last): read them once per year, and only the elements the recomputed targets read.
    by_year: dict[int, Loaded] = {}
    refreshed = []
    for month in months:
        if month.year not in by_year:
            last = [m for m in months if m.year == month.year][-1]  # months are in order
            by_year[month.year] = load(plan, last, read)
        refreshed.append(refresh(plan, month, regions, targets, loaded=by_year[month.year]))
    return refreshed


def on_submission_approved(sender: object, submission: Submission, **kwargs: object) -> None:
    """Keep the stored warnings current after an approval.

    The approval is already committed when this runs; a failure here must not turn it into an
    error page, so it is logged, and ``plantrack progress --save`` rebuilds the month.
    """
    try:
        refresh_for_submission(submission)
    except Exception:
        logger.exception("预警重算失败：填报 %s", submission.pk)


def latest_month(plan: Plan) -> Period | None:
    """The latest month with stored ratings."""
    text = WarningRecord.objects.filter(plan=plan).aggregate(m=Max("period"))["m"]
    return Period.parse(text) if text else None
