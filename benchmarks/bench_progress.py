"""Progress, warnings and forecasts for the whole plan, and the recompute after one approval.

Builds a throwaway database (``plantrack demo``, then the generated demo reports of
``plantrack.reporting.demo.generate_demo`` up to 20 September 2011, so July's monthly and the
second quarter's reports are in and approved), then times:

1. ``progress.services.compute`` (progress and warnings) for every target x region of the plan
   in July 2011, ``progress.forecasts.forecast_rows`` for the same rows, and
   ``progress.records.refresh`` (compute and store the month's warnings). Goal: < 2 s.
2. The recompute after one approval: a county's July energy report reopened, submitted and
   approved at both levels; the final approval's on-commit handler
   (``records.refresh_for_submission``) timed on its own and with the approval. Goal: < 200 ms.

Run: ``.venv/bin/python benchmarks/bench_progress.py``.
"""

import datetime as dt
import os
import platform
import statistics
import subprocess
import time

os.environ.setdefault("PLANTRACK_DEMO", "1")

from _django import settings  # noqa: I001  (sets Django up first)
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from plantrack.accounts.demo import ensure_demo_accounts
from plantrack.core.periods import Period, periods
from plantrack.plans.actions import load_plan_file
from plantrack.plans.models import Plan
from plantrack.progress import records
from plantrack.progress.forecasts import forecast_rows
from plantrack.progress.models import WarningRecord
from plantrack.progress.services import compute, load
from plantrack.reporting import actions
from plantrack.reporting.demo import generate_demo
from plantrack.regions.loader import load_regions
from plantrack.reporting.models import Status, Submission

MONTH = Period.parse("2011-07")
AS_OF = dt.date(2011, 9, 20)
RUNS = 5


def machine() -> str:
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next(
        (line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line),
        platform.processor(),
    )
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else ''}"
        f", {timezone.localdate()}"
    )


def best(label: str, work, runs: int = RUNS) -> float:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    print(f"  {label}: best {min(timings):.3f} s, median {statistics.median(timings):.3f} s")
    return min(timings)


def build() -> Plan:
    """The foundation and the demo reports as they stand on AS_OF (`plantrack demo` would
    generate the whole year, with reports that do not exist yet on 20 September)."""
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    load_regions()
    load_plan_file(settings.PLANTRACK_DEFAULT_PLAN)
    ensure_demo_accounts()
    summary = generate_demo(AS_OF)
    print("\n".join(summary.lines()))
    print(f"database built in {time.perf_counter() - started:.1f} s ({settings.DATA_DIR})")
    return Plan.objects.select_related("region").get(code="zhejiang-2011")


def whole_plan(plan: Plan) -> None:
    print(f"\n1. Every target x region, {MONTH}")
    rows = compute(plan, MONTH)
    rated = sum(1 for r in rows for w in r.warnings if w.severity is not None)
    no_data = sum(1 for r in rows if r.progress.status.value == "no_data")
    forecasts = forecast_rows(plan, MONTH, rows, load(plan, MONTH))
    projected = sum(1 for f in forecasts.values() if f.note == "")
    print(
        f"  {len(rows)} rows ({no_data} without data), {sum(len(r.warnings) for r in rows)} "
        f"ratings ({rated} rated), {len(forecasts)} forecasts ({projected} projected)"
    )
    best("load values", lambda: load(plan, MONTH))

    def everything() -> None:
        loaded = load(plan, MONTH)
        forecast_rows(plan, MONTH, compute(plan, MONTH, loaded=loaded), loaded)

    best("progress + warnings (compute)", lambda: compute(plan, MONTH))
    best("progress + warnings + forecast", everything)
    best("compute and store the month's warnings (refresh)", lambda: records.refresh(plan, MONTH))


def approval(plan: Plan) -> None:
    print("\n2. Recompute after one approval (a county's July energy report)")
    for month in periods(Period.parse("2011-01"), MONTH):
        records.refresh(plan, month)
    print(f"  {WarningRecord.objects.count()} warning records stored for 2011-01..{MONTH}")
    admin = User.objects.get(username="admin")
    submission = Submission.objects.get(
        data_set__code="energy_month", period=str(MONTH), unit_key="region:330106"
    )
    assert submission.status == Status.APPROVED, submission.status
    handler, whole = [], []
    original = records.refresh_for_submission

    def timed(sub: Submission) -> list:  # type: ignore[type-arg]
        start = time.perf_counter()
        result = original(sub)
        handler.append(time.perf_counter() - start)
        return result

    records.refresh_for_submission = timed  # type: ignore[assignment]
    for _ in range(RUNS):
        actions.reopen(submission, admin, "基准测试：重新打开")
        submission.refresh_from_db()
        actions.submit(submission, admin, version=submission.version)
        actions.approve(submission, admin)  # the city's approval
        start = time.perf_counter()
        actions.approve(submission, admin)  # the province's: final, sends the signal
        whole.append(time.perf_counter() - start)
        submission.refresh_from_db()
    records.refresh_for_submission = original  # type: ignore[assignment]
    assert len(handler) == RUNS, "the signal handler did not run"
    print(
        f"  handler (refresh_for_submission): best {min(handler) * 1000:.0f} ms, "
        f"median {statistics.median(handler) * 1000:.0f} ms"
    )
    print(
        f"  final approval including the handler: best {min(whole) * 1000:.0f} ms, "
        f"median {statistics.median(whole) * 1000:.0f} ms"
    )
    march = Submission.objects.get(
        data_set__code="energy_month", period="2011-03", unit_key="region:330106"
    )
    months = records.affected_months(plan, Period.parse(march.period))
    best(
        f"a late March report ({len(months)} months to recompute)",
        lambda: records.refresh_for_submission(march),
        runs=3,
    )


def main() -> None:
    print(f"Machine: {machine()}")
    plan = build()
    whole_plan(plan)
    approval(plan)


if __name__ == "__main__":
    main()
