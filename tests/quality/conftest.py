"""Sources in Hangzhou and Ningbo with hourly readings stored as the receiver stores them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import pytest

from plantrack.accounts.demo import DEMO_PASSWORD
from plantrack.core.hj212 import BEIJING
from plantrack.enterprises.models import Enterprise
from plantrack.monitoring.models import MonitoredSource, SourcePollutant
from plantrack.monitoring.store import store_values
from plantrack.quality.services import Month
from plantrack.regions.models import Region

SEPTEMBER = Month(2011, 9)
PASSWORD = DEMO_PASSWORD


def store(
    source: MonitoredSource,
    pollutant: str,
    hours: Iterable[dt.datetime],
    value: Decimal | str,
    *,
    flag: str = "N",
    kinds: tuple[str, ...] = ("Avg",),
) -> None:
    # A pollutant stored later joins the hour's record, as with the receiver.
    store_values(
        source.pk,
        "2061",
        [(h, pollutant, kind, Decimal(value), flag) for h in hours for kind in kinds],
    )


def outlet(mn: str, county: str, enterprise_code: str, name: str) -> MonitoredSource:
    region = Region.objects.get(code=county)
    enterprise = Enterprise.objects.create(code=enterprise_code, name=name, region=region)
    source = MonitoredSource.objects.create(
        mn=mn, password="123456", name=f"{name} 1号锅炉排放口", enterprise=enterprise,
        outlet_code="DA001", region=region, system="31",
    )  # fmt: skip
    for code in ("a21026", "a21002"):
        SourcePollutant.objects.create(source=source, code=code, limit=Decimal(100),
                                       limit_unit="mg/m³", limit_kind="ZsAvg")  # fmt: skip
    SourcePollutant.objects.create(source=source, code="a19001")  # O2: not assessed, no limit
    return source


@pytest.fixture
def hangzhou_outlet(db) -> MonitoredSource:
    return outlet("330106Q00000000000000001", "330106", "91330106TEST00001A", "西湖测试热电")


@pytest.fixture
def ningbo_outlet(db) -> MonitoredSource:
    return outlet("330203Q00000000000000002", "330203", "91330203TEST00002B", "海曙测试热电")


@pytest.fixture
def hangzhou_station(db) -> MonitoredSource:
    return MonitoredSource.objects.create(
        mn="330100Q00000000000000003", password="123456", name="杭州测试空气站",
        region=Region.objects.get(code="330100"), system="22",
    )  # fmt: skip


@pytest.fixture
def hangzhou_section(db) -> MonitoredSource:
    return MonitoredSource.objects.create(
        mn="330100Q00000000000000004", password="123456", name="杭州测试断面",
        region=Region.objects.get(code="330100"), system="21", water_class=3,
    )  # fmt: skip


def beijing(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)  # type: ignore[misc]
