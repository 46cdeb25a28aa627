"""Progress as the dashboard reads it: computed once per plan state and month, then reused.

A whole-plan compute takes about half a second on the demo data; pages that many officials
open at once must not repeat it. Results are kept in this process, keyed by the month and by
a fingerprint of everything they are computed from (the loaded plan revision, the last change
to reported values or to a submission, the last target adjustment), so a new approval, vintage
or decomposition is seen on the next request without any invalidation call.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import connection
from django.db.models.signals import post_delete, post_save

from plantrack.annualplans.models import Event as ObligationEvent
from plantrack.core.periods import Period
from plantrack.core.progress import assess_progress
from plantrack.plans.models import Plan, PlanRevision, Target, TargetAdjustment, TargetShare
from plantrack.progress.models import FollowUp
from plantrack.progress.services import (
    INHERITED_KINDS,
    Loaded,
    TargetProgress,
    _observe,
    _revision,
    _schemes,
    _spec,
    _warnings,
    compiled_indicators,
    compute,
    load,
)
from plantrack.projects.models import ProjectChange
from plantrack.regions.models import Region
from plantrack.reporting.models import DataSet, Submission, ValueChange
from plantrack.supervision.models import Item

T = TypeVar("T")
_LOCK = threading.Lock()
# Small results (rendered page bodies, a region's rows, trends) are many and cheap to hold.
_CACHE: OrderedDict[tuple, object] = OrderedDict()
_CACHE_SIZE = 256
# The values loaded for a month and the whole plan's rows run to tens of megabytes each; only
# the current plan state matters once the data changes, so a few of them are enough.
_BIG: OrderedDict[tuple, object] = OrderedDict()
_BIG_SIZE = 4


# The models whose rows the fingerprint reads; saving or deleting one clears this process's
# copy of the plan state at once (other processes see the change when theirs expires).
WATCHED = (
    PlanRevision, ValueChange, Submission, TargetAdjustment, TargetShare, FollowUp, Item,
    ObligationEvent, ProjectChange,
)  # fmt: skip
_STATE: dict[str, tuple[float, Plan, tuple]] = {}


def plan_state(code: str) -> tuple[Plan | None, tuple]:
    """The plan of ``code`` (None if there is none) and its :func:`fingerprint`, reused for
    ``PLANTRACK_STATE_SECONDS``.

    Every page view needs both, and on PostgreSQL the two queries cost as much as serving the
    cached page itself; under load the same few officials' pages are asked for many times a
    second. A change made in this process is seen on its next request (see :data:`WATCHED`);
    one made in another server process is seen within the interval.
    """
    now = time.monotonic()
    kept = _STATE.get(code)
    if kept is not None and now - kept[0] < settings.PLANTRACK_STATE_SECONDS:
        return kept[1], kept[2]
    plan = Plan.objects.select_related("region").filter(code=code).first()
    if plan is None:
        return None, ()
    state = fingerprint(plan)
    _STATE[code] = (now, plan, state)
    return plan, state


def forget_state(**_kwargs: object) -> None:
    _STATE.clear()


def _watch() -> None:
    for model in WATCHED:
        post_save.connect(forget_state, sender=model, dispatch_uid=f"state-{model.__name__}")
        post_delete.connect(forget_state, sender=model, dispatch_uid=f"state-del-{model.__name__}")


_watch()


def fingerprint(plan: Plan) -> tuple:
    """What a cached result depends on; any change to it makes the cache miss.

    Counts and times as well as ids, since ids can be reused after a rolled-back transaction.
    One statement of scalar subqueries: it runs on every page view, and six ORM aggregates
    cost more than the cached page they guard.
    """
    tables = {
        "revision": PlanRevision._meta.db_table,
        "change": ValueChange._meta.db_table,
        "submission": Submission._meta.db_table,
        "data_set": DataSet._meta.db_table,
        "adjustment": TargetAdjustment._meta.db_table,
        "share": TargetShare._meta.db_table,
        "target": Target._meta.db_table,
        "follow_up": FollowUp._meta.db_table,
        "item": Item._meta.db_table,
        "obligation_event": ObligationEvent._meta.db_table,
        "project_change": ProjectChange._meta.db_table,
    }
    sql = """
        SELECT
          (SELECT MAX(id) FROM {revision} WHERE plan_id = %(plan)s),
          (SELECT MAX(id) FROM {change}),
          (SELECT MAX(s.updated_at) FROM {submission} s JOIN {data_set} d ON d.id = s.data_set_id
            WHERE d.plan_id = %(plan)s),
          (SELECT COUNT(*) FROM {submission} s JOIN {data_set} d ON d.id = s.data_set_id
            WHERE d.plan_id = %(plan)s),
          (SELECT MAX(a.id) FROM {adjustment} a JOIN {target} t ON t.id = a.target_id
            WHERE t.plan_id = %(plan)s),
          (SELECT MAX(h.id) FROM {share} h JOIN {target} t ON t.id = h.target_id
            WHERE t.plan_id = %(plan)s),
          (SELECT COUNT(*) FROM {follow_up} WHERE plan_id = %(plan)s),
          (SELECT MAX(id) FROM {follow_up} WHERE plan_id = %(plan)s),
          (SELECT MAX(closed_at) FROM {follow_up} WHERE plan_id = %(plan)s),
          (SELECT COUNT(*) FROM {item} WHERE plan_id = %(plan)s),
          (SELECT MAX(updated) FROM {item} WHERE plan_id = %(plan)s),
          (SELECT MAX(id) FROM {obligation_event}),
          (SELECT MAX(id) FROM {project_change})
    """.format(**tables)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"plan": plan.pk})
        row = cursor.fetchone()
    return (plan.pk, *row)


def cached(key: tuple, make: Callable[[], T], big: bool = False) -> T:
    """``make()`` once per key in this process (least recently used keys are dropped).

    ``big`` results go to the small separate store, so that they do not stay alive in
    numbers behind hundreds of small ones.
    """
    store, size = (_BIG, _BIG_SIZE) if big else (_CACHE, _CACHE_SIZE)
    with _LOCK:
        if key in store:
            store.move_to_end(key)
            return store[key]  # type: ignore[return-value]
    value = make()
    with _LOCK:
        store[key] = value
        while len(store) > size:
            store.popitem(last=False)
    return value


def clear() -> None:
    with _LOCK:
        _CACHE.clear()
        _BIG.clear()
    forget_state()


def loaded(plan: Plan, month: Period, state: tuple) -> Loaded:
    return cached(("loaded", state, month.key), lambda: load(plan, month), big=True)


def plan_rows(plan: Plan, month: Period, state: tuple) -> list[TargetProgress]:
    """Every target at every region it is tracked at, as of ``month``."""
    return cached(
        ("rows", state, month.key),
        lambda: compute(plan, month, loaded=loaded(plan, month, state)),
        big=True,
    )


def inherited_by_counties(target: Target) -> bool:
    """Whether a county can be read against the target as a city is (a provincial rate or
    level, not decomposed by scope): the same rule as a city inheriting it."""
    indicator = target.indicator
    return (
        target.kind == Target.Kind.QUANTITATIVE
        and indicator is not None
        and target.region.level == "province"
        and indicator.kind in INHERITED_KINDS
        and not target.scope
    )


def county_rows(
    plan: Plan, month: Period, state: tuple, counties: list[Region], targets: list[Target]
) -> list[TargetProgress]:
    """Progress of counties against the provincial targets they inherit, for drill-down.

    ``progress.services.compute`` tracks targets at the regions the plan assigns them (the
    province, its cities, shares); a county is read here with the same expressions, rules
    and warning schemes, for reference only (the plan sets no county targets).
    """

    def make() -> list[TargetProgress]:
        return _county_rows(plan, month, loaded(plan, month, state), counties, targets)

    key = ("counties", state, month.key, tuple(c.code for c in counties))
    return cached(key + (tuple(t.pk for t in targets),), make)


def _county_rows(
    plan: Plan, month: Period, source: Loaded, counties: list[Region], targets: list[Target]
) -> list[TargetProgress]:
    compiled = compiled_indicators(plan.pk, _revision(plan))
    schemes = _schemes()
    rows = []
    for target in targets:
        if not inherited_by_counties(target):
            continue
        spec = _spec(target)
        for county in counties:
            observation, period = _observe(target, county, month, source, compiled)
            progress = assess_progress(spec, observation, period)
            row = TargetProgress(target, county, True, progress)
            row.warnings = _warnings(plan, target, spec, county, progress, schemes)
            rows.append(row)
    return rows


def region_rows(
    plan: Plan, month: Period, state: tuple, region: Region, targets: list[Target]
) -> list[TargetProgress]:
    """The targets' rows at one region (a county's read by :func:`county_rows`)."""
    if region.level == "county":
        return county_rows(plan, month, state, [region], targets)
    wanted = {t.pk for t in targets}
    return [
        r
        for r in plan_rows(plan, month, state)
        if r.region.code == region.code and r.target.pk in wanted
    ]


def trend(
    plan: Plan, month: Period, state: tuple, region: Region, targets: list[Target]
) -> list[tuple[Period, list[TargetProgress]]]:
    """The targets at ``region`` month by month, January to ``month``.

    Every month is computed from the values loaded for ``month`` (they hold the whole year
    and the year before), so a trend costs one read of the values.
    """

    def make() -> list[tuple[Period, list[TargetProgress]]]:
        source = loaded(plan, month, state)
        points = []
        for number in range(1, month.month + 1):  # type: ignore[operator]
            current = Period(month.year, month=number)
            if region.level == "county":
                rows = _county_rows(plan, current, source, [region], targets)
            else:
                rows = compute(plan, current, targets=targets, regions=[region.code], loaded=source)
            points.append((current, rows))
        return points

    return cached(("trend", state, month.key, region.code, tuple(t.pk for t in targets)), make)
