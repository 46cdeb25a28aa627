"""Form save latency: median and p95 of saving a submission through the web form (autosave).

Runs against a throwaway SQLite database (or PLANTRACK_DATABASE_URL if set) with the shipped
regions and plan. Goal (issue 4): a form save under 100 ms at the median.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plantrack.settings")
os.environ.setdefault("PLANTRACK_DATA_DIR", tempfile.mkdtemp(prefix="plantrack-bench-"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from plantrack.accounts.demo import DEMO_PASSWORD, ensure_demo_accounts  # noqa: E402
from plantrack.core.periods import Period  # noqa: E402
from plantrack.departments.models import Department  # noqa: E402
from plantrack.plans.actions import load_plan_file  # noqa: E402
from plantrack.plans.models import DataElement, Plan  # noqa: E402
from plantrack.regions.loader import load_regions  # noqa: E402
from plantrack.reporting.actions import open_period  # noqa: E402
from plantrack.reporting.models import DataSet, DataSetElement  # noqa: E402

FIELDS = [
    "energy_consumption", "industrial_energy_consumption", "gdp_constant", "gdp_current",
    "tertiary_value_added", "industrial_value_added_constant",
]  # fmt: skip


def setup() -> int:
    call_command("migrate", verbosity=0)
    load_regions()
    load_plan_file(settings.PLANTRACK_DEFAULT_PLAN)
    ensure_demo_accounts()
    plan = Plan.objects.get(code="zhejiang-2011")
    data_set, _ = DataSet.objects.get_or_create(
        plan=plan, code="bench_energy",
        defaults={
            "name": "基准测试能源月报", "frequency": "month", "reporter_kind": "region",
            "reporter_level": "county", "owner": Department.objects.get(code="tjj"),
            "deadline_day": 15, "approval_levels": ["city", "province"], "change_threshold": 30,
            "rules": [{"expression": "#{industrial_energy_consumption} <= #{energy_consumption}",
                       "message": "规模以上工业能耗不能大于综合能源消费量"}],
            "first_period": "2011-01", "last_period": "2011-12",
        },
    )  # fmt: skip
    for order, code in enumerate(FIELDS):
        DataSetElement.objects.get_or_create(
            data_set=data_set, element=DataElement.objects.get(plan=plan, code=code),
            defaults={"order": order},
        )  # fmt: skip
    open_period(data_set, Period.parse("2011-06"))
    submission = open_period(data_set, Period.parse("2011-07")).get(unit_key="region:330106")
    return submission.pk


def main() -> None:
    pk = setup()
    client = Client()
    assert client.login(username="xihu", password=DEMO_PASSWORD)
    url = f"/reporting/submissions/{pk}/save/"
    timings = []
    for version in range(300):
        data = {code: str(100 + version % 7 + i) for i, code in enumerate(FIELDS)}
        data["industrial_energy_consumption"] = str(50 + version % 5)
        data["version"] = str(version)
        start = time.perf_counter()
        response = client.post(url, data, HTTP_HX_REQUEST="true")
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200 and b'data-saved="1"' in response.content, (
            response.content
        )
    timings = timings[20:]  # warm-up
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[18]
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"form save ({engine}, {len(FIELDS)} fields, {len(timings)} saves): median {median:.1f} ms, p95 {p95:.1f} ms (goal: median < 100 ms)"
    )
    if median >= 100:
        sys.exit(1)


if __name__ == "__main__":
    main()
