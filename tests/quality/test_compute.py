"""Computing a month from stored readings: rates, exceedances, air days, water sections."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from plantrack.monitoring.models import MonitoredSource
from plantrack.quality.models import (
    CityAirDay,
    ExceedanceRecord,
    MonthlyRate,
    SectionMonth,
    StationDay,
    SupervisorySample,
)
from plantrack.quality.queries import city_figures
from plantrack.regions.models import Region

from .conftest import SEPTEMBER, store

pytestmark = pytest.mark.django_db

HOURS = SEPTEMBER.hours


def fill_outlet(source: MonitoredSource) -> None:
    # SO2: 700 of 720 hours arrive, 10 in maintenance; 3 normal hours and 1 maintenance hour
    # above the limit of 100 (converted values, ZsAvg).
    store(source, "a21026", HOURS[:680], "45", kinds=("Avg", "ZsAvg"))
    store(source, "a21026", HOURS[680:690], "45", flag="M", kinds=("Avg", "ZsAvg"))
    store(source, "a21026", HOURS[690:693], "130", kinds=("Avg", "ZsAvg"))
    store(source, "a21026", HOURS[693:694], "180", flag="M", kinds=("Avg", "ZsAvg"))
    store(source, "a21026", HOURS[694:700], "45", kinds=("Avg", "ZsAvg"))
    # NOx complete and clean.
    store(source, "a21002", HOURS, "60", kinds=("Avg", "ZsAvg"))


def test_outlet_month_rates_and_exceedances(hangzhou_outlet) -> None:
    fill_outlet(hangzhou_outlet)
    call_command("quality", "compute", "--month", "2011-09", verbosity=0)
    so2 = MonthlyRate.objects.get(source=hangzhou_outlet, pollutant="a21026", month="2011-09")
    assert (so2.owed, so2.received, so2.valid, so2.exceedances) == (720, 700, 689, 3)
    nox = MonthlyRate.objects.get(source=hangzhou_outlet, pollutant="a21002")
    assert (nox.owed, nox.received, nox.valid) == (720, 720, 720)
    # O2 is neither assessed nor limited: no rate.
    assert not MonthlyRate.objects.filter(pollutant="a19001").exists()
    found = ExceedanceRecord.objects.filter(source=hangzhou_outlet).order_by("hour")
    assert [(e.hour, e.value, e.multiple) for e in found] == [
        (h, Decimal(130), Decimal("0.3000")) for h in HOURS[690:693]
    ]
    # Recomputing gives the same rows, not duplicates.
    call_command("quality", "compute", "--month", "2011-09", verbosity=0)
    assert ExceedanceRecord.objects.filter(source=hangzhou_outlet).count() == 3
    figures = city_figures(
        Region.objects.filter(code="330100"),
        MonitoredSource.objects.all(),
        SupervisorySample.objects.all(),
        SEPTEMBER,
    )[0]
    assert (figures.online.owed, figures.online.valid) == (1440, 1409)
    assert figures.online_rates.transmission_validity == pytest.approx(1409 / 1440)


def test_station_days_and_city_good_day_share(hangzhou_station) -> None:
    good = {"a34004": "40", "a34002": "60", "a21026": "20", "a21004": "30", "a21005": "0.8",
            "a05024": "90"}  # fmt: skip
    for code, value in good.items():
        store(hangzhou_station, code, HOURS[: 20 * 24], value)
    # Days 21–25: PM2.5 at 80 (the HJ 633 worked example's level, IAQI 107).
    for code, value in {**good, "a34004": "80"}.items():
        store(hangzhou_station, code, HOURS[20 * 24 : 25 * 24], value)
    # Day 26: only 19 hours — not a valid day. Days 27–30: nothing.
    for code, value in good.items():
        store(hangzhou_station, code, HOURS[25 * 24 : 25 * 24 + 19], value)
    call_command("quality", "compute", "--month", "2011-09", verbosity=0)
    days = StationDay.objects.filter(source=hangzhou_station).order_by("day")
    assert len(days) == 30
    assert [d.aqi for d in days[:1]] == [57]
    assert days[20].aqi == 107 and days[20].primary == "PM2.5"
    assert not days[25].valid
    city = CityAirDay.objects.filter(region__code="330100", valid=True)
    assert city.count() == 25
    figures = city_figures(
        Region.objects.filter(code="330100"),
        MonitoredSource.objects.all(),
        SupervisorySample.objects.all(),
        SEPTEMBER,
    )[0]
    assert (figures.air_days, figures.good_days) == (25, 20)


def test_section_class_from_monthly_means(hangzhou_section) -> None:
    store(hangzhou_section, "w01019", HOURS, "5.0")  # CODMn III
    store(hangzhou_section, "w21003", HOURS[:355], "0.4")
    store(hangzhou_section, "w21003", HOURS[355:360], "9", flag="D")  # fault: not counted
    store(hangzhou_section, "w21003", HOURS[360:], "1.4")  # mean 646/715 = 0.9035: III
    call_command("quality", "compute", "--month", "2011-09", verbosity=0)
    month = SectionMonth.objects.get(source=hangzhou_section, month="2011-09")
    assert month.water_class == "III"
    assert month.means["NH3_N"] == "0.903"  # 0.9597 had the fault hours counted
    assert month.compliant is True
    hangzhou_section.water_class = 2
    hangzhou_section.save()
    call_command("quality", "compute", "--month", "2011-09", verbosity=0)
    month.refresh_from_db()
    assert month.compliant is False
    assert "氨氮" in month.exceeding
