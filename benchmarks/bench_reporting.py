"""Form save latency: median and p95 of saving a submission through the web form (autosave).

Runs against a throwaway SQLite database (or PLANTRACK_DATABASE_URL if set) with the shipped
regions and plan. Goal (issue 4): a form save under 100 ms at the median.
"""

import statistics
import sys
import time

from _django import ENERGY_FIELDS as FIELDS  # first: sets Django up
from _django import energy_data_set, foundation
from django.conf import settings
from django.test import Client

from plantrack.accounts.demo import DEMO_PASSWORD
from plantrack.core.periods import Period
from plantrack.reporting.actions import open_period


def setup() -> int:
    data_set = energy_data_set(foundation(), "bench_energy", "基准测试能源月报", "region", "county")
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
