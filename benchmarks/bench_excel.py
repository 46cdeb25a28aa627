"""Excel upload of 5,000 rows: read the workbook, check access, versions and every value, save.

Runs against a throwaway SQLite database (or PLANTRACK_DATABASE_URL if set) with the shipped
regions and plan, and an enterprise data set of 6 fields (a cross-field rule and a 30% change
threshold) reported by 5,000 generated enterprises. June is saved first so every July row is
checked against its previous period. Each run downloads the template as the province
administrator, fills it with openpyxl (not timed) and uploads it through the Django test client
(timed: the whole request). Goal: under 3 s per upload. ``--quick`` uses 500 rows.
"""

import io
import sys
import time

import openpyxl
from _django import ENERGY_FIELDS as FIELDS  # first: sets Django up
from _django import energy_data_set, foundation
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from plantrack.accounts.demo import DEMO_PASSWORD
from plantrack.core.periods import Period
from plantrack.enterprises.models import Enterprise
from plantrack.regions.models import Region
from plantrack.reporting import bulk
from plantrack.reporting.actions import open_period

GOAL_SECONDS = 3.0


def setup(rows: int) -> None:
    plan = foundation()
    counties = list(Region.objects.filter(level="county"))
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                code=f"9133{n:014d}", name=f"基准测试企业{n}", region=counties[n % len(counties)]
            )
            for n in range(rows)
        ],
        ignore_conflicts=True,
    )
    data_set = energy_data_set(plan, "bench_enterprise", "基准测试企业能源月报", "enterprise")
    june = open_period(data_set, Period.parse("2011-06"))
    admin = get_user_model().objects.get(username="admin")
    raw = {code: str(100 + i) for i, code in enumerate(FIELDS)} | {
        "industrial_energy_consumption": "50"
    }
    entries = [bulk.Entry(s, s.version, raw) for s in june]
    result = bulk.save_many(entries, admin, channel="excel", reason="基准准备", submit=True)
    assert not result.problems, result.problems[:3]
    open_period(data_set, Period.parse("2011-07"))


def filled_template(client: Client, run: int) -> tuple[bytes, int]:
    response = client.get(
        "/reporting/excel/template/", {"data_set": "bench_enterprise", "period": "2011-07"}
    )
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = workbook["基准测试企业能源月报"]
    columns = {ws.cell(2, c).value: c for c in range(1, ws.max_column + 1)}
    for r in range(3, ws.max_row + 1):
        for i, code in enumerate(FIELDS):
            # Within 30% of June (100 + i), and different on every run so every value changes.
            ws.cell(r, columns[code], 100 + i + (r + run) % 20)
        ws.cell(r, columns["industrial_energy_consumption"], 50 + (r + run) % 7)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), ws.max_row - 2


def main() -> None:
    quick = "--quick" in sys.argv
    rows = 500 if quick else 5_000
    setup(rows)
    client = Client()
    assert client.login(username="admin", password=DEMO_PASSWORD)
    timings = []
    for run in range(3):
        started = time.perf_counter()
        data, count = filled_template(client, run)
        template_seconds = time.perf_counter() - started
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post(
            "/reporting/excel/upload/",
            {"file": SimpleUploadedFile("bench.xlsx", data), "submit": "1" if run == 2 else ""},
            HTTP_ACCEPT="application/json",
        )
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        body = response.json()
        assert response.status_code == 200 and body["saved"] == count, body["errors"][:3]
        timings.append(seconds)
        print(
            f"run {run + 1}: {count} rows x {len(FIELDS)} fields, {body['changed']} values "
            f"changed{' and submitted' if run == 2 else ''}: upload {seconds:.2f} s (CPU {cpu:.2f} s) "
            f"(template download and fill, untimed: {template_seconds:.2f} s, "
            f"{len(data) / 1024:.0f} KB)"
        )
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    best = min(timings)
    print(f"excel upload ({engine}, {rows} rows): best {best:.2f} s (goal < {GOAL_SECONDS:.0f} s)")
    if not quick and best >= GOAL_SECONDS:
        sys.exit(1)


if __name__ == "__main__":
    main()
