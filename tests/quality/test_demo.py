"""The quality demo: labelled, deterministic, idempotent, plausible against the plan's 75 %."""

from __future__ import annotations

import datetime as dt

import pytest

from plantrack.monitoring.demo import generate_demo as monitoring_demo
from plantrack.quality.demo import generate_demo
from plantrack.quality.models import MonthlyRate, StationDay, SupervisorySample

pytestmark = pytest.mark.django_db


def test_demo_is_labelled_idempotent_and_plausible() -> None:
    monitoring_demo(start=dt.date(2011, 9, 1), days=2)
    first = generate_demo()
    assert first.samples > 1000 and first.months == 1
    samples = SupervisorySample.objects.all()
    assert all(s.is_demo and "演示数据" in s.monitored_by for s in samples)
    occasions = {(s.enterprise_id, s.sampled_on) for s in samples}
    failed = {(s.enterprise_id, s.sampled_on) for s in samples if s.compliant is False}
    assert 0.7 <= 1 - len(failed) / len(occasions) <= 0.9
    assert MonthlyRate.objects.filter(month="2011-09").count() == 55
    # About 3 % of hours never arrive in the demo: most stations still have a valid day.
    assert 9 <= StationDay.objects.filter(day=dt.date(2011, 9, 1), valid=True).count() <= 11
    values = sorted(samples.values_list("report_no", "pollutant", "value"))
    again = generate_demo()
    assert again.samples == 0
    assert (
        sorted(SupervisorySample.objects.values_list("report_no", "pollutant", "value")) == values
    )
