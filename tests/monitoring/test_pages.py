"""Monitoring pages and API: what each user sees, readings by time range, counters, the log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from plantrack.core.hj212 import BEIJING
from plantrack.monitoring.models import (
    MonitoredSource,
    ReceiverCounter,
    ReceiverEvent,
    Record,
    SourcePollutant,
)
from plantrack.monitoring.store import store_values

from .conftest import HZ_MN, NB_MN, value_count

pytestmark = pytest.mark.django_db

HOUR = dt.datetime(2011, 6, 1, 8, tzinfo=BEIJING)


@pytest.fixture
def two_cities(outlets) -> tuple[MonitoredSource, MonitoredSource]:
    hz, nb = outlets
    SourcePollutant.objects.create(source=hz, code="w01018", limit=Decimal("100"),
                                   limit_unit="mg/L", limit_standard="GB 8978-1996 表4 一级")  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    for source in (hz, nb):
        store_values(source.pk, "2061", [
            (HOUR + dt.timedelta(hours=h), "w01018", "Avg", Decimal("25.5") + h, "N")
            for h in range(3)
        ])  # fmt: skip
        ReceiverCounter.objects.create(
            mn=source.mn, day=dt.date(2011, 6, 1), source=source, frames_ok=3, readings=3,
            bad_crc=1,
        )  # fmt: skip
        ReceiverEvent.objects.create(
            time=now, peer="127.0.0.1:5000", mn=source.mn, source=source, kind="crc",
            reason="crc: bad CRC", excerpt="##0101QN=",
        )  # fmt: skip
    ReceiverEvent.objects.create(
        time=now, peer="10.0.0.9:4000", mn="FFFF00000000000000000001", kind="unknown_mn",
        reason="MN not registered",
    )  # fmt: skip
    return hz, nb


def test_city_user_sees_only_its_own_sources(city_client, two_cities) -> None:
    page = city_client.get(reverse("monitoring", args=["zhejiang-2011"])).content.decode()
    assert HZ_MN in page and NB_MN not in page
    assert 'data-frames="3"' in page


def test_city_user_cannot_open_another_citys_source(city_client, two_cities) -> None:
    url = reverse("monitoring-source", args=["zhejiang-2011", NB_MN])
    assert city_client.get(url).status_code == 404
    own = city_client.get(reverse("monitoring-source", args=["zhejiang-2011", HZ_MN]))
    text = own.content.decode()
    assert own.status_code == 200
    assert 'data-latest="w01018"' in text and "27.5" in text  # the newest hour
    assert "GB 8978-1996" in text and 'data-day="2011-06-01"' in text
    assert 'data-event="crc"' in text


def test_refusal_log_of_unknown_mns_is_for_the_province_only(
    admin_client, two_cities, django_user_model
) -> None:
    url = reverse("monitoring-events", args=["zhejiang-2011"])
    assert "FFFF00000000000000000001" in admin_client.get(url).content.decode()
    admin_client.logout()
    assert admin_client.login(username="hangzhou", password="demo2011")
    text = admin_client.get(url).content.decode()
    assert "FFFF00000000000000000001" not in text and NB_MN not in text and HZ_MN in text


def test_pages_need_a_login(client, two_cities) -> None:
    response = client.get(reverse("monitoring", args=["zhejiang-2011"]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_api_lists_sources_within_the_users_regions(city_client, two_cities) -> None:
    mine = city_client.get("/api/monitoring/sources").json()
    assert [s["mn"] for s in mine] == [HZ_MN]
    assert mine[0]["pollutants"][0] == {
        "code": "w01018", "limit": "100", "limit_unit": "mg/L",
        "limit_standard": "GB 8978-1996 表4 一级", "limit_kind": "Avg", "rtd_interval": None,
        "minute_interval": None, "reports_hourly": True, "reports_daily": True,
    }  # fmt: skip
    assert city_client.get(f"/api/monitoring/sources/{NB_MN}").status_code == 404
    assert city_client.get(f"/api/monitoring/sources/{NB_MN}/readings").status_code == 404


def test_api_readings_by_pollutant_and_time_range(admin_client, two_cities) -> None:
    url = f"/api/monitoring/sources/{HZ_MN}/readings"
    start = (HOUR + dt.timedelta(hours=1)).isoformat()
    rows = admin_client.get(url, {"pollutant": "w01018", "start": start}).json()
    assert [(r["value"], r["kind"], r["cn"]) for r in rows] == [
        ("26.5", "Avg", "2061"),
        ("27.5", "Avg", "2061"),
    ]
    assert dt.datetime.fromisoformat(rows[0]["time"]) == HOUR + dt.timedelta(hours=1)
    assert admin_client.get(url, {"limit": 0}).status_code == 422


def test_api_counters_by_day(admin_client, two_cities) -> None:
    rows = admin_client.get(f"/api/monitoring/sources/{HZ_MN}/counters").json()
    assert rows[0]["day"] == "2011-06-01"
    assert (rows[0]["frames_ok"], rows[0]["bad_crc"], rows[0]["readings"]) == (3, 1, 3)


def test_demo_registers_labelled_sources_and_stores_readings_through_the_parser() -> None:
    from plantrack.monitoring.demo import generate_demo

    first = generate_demo(days=1)
    assert first.sources_created == 44
    assert MonitoredSource.objects.filter(is_demo=True).count() == 44
    assert all("演示数据" in s.note for s in MonitoredSource.objects.filter(is_demo=True))
    assert first.packets > 44 * 20 and first.readings == value_count()
    hourly = Record.objects.filter(cn="2061", data__has_key="a21026")
    converted = [r for r in hourly if "ZsAvg" in r.values("a21026")]  # outlets, not stations
    assert converted and {r.flag("a21026") for r in converted} <= {"N", "M"}
    again = generate_demo(days=1)
    assert (again.sources_created, again.readings) == (0, 0)
    source = MonitoredSource.objects.get(mn__startswith="330100", system="31")
    assert source.targets.filter(indicator__code="online_data_conformity_rate").exists()


def test_county_user_sees_its_county_and_an_enterprise_user_its_enterprise(
    client, two_cities, django_user_model
) -> None:
    from plantrack.accounts.models import Profile, Role
    from plantrack.enterprises.models import Enterprise

    hz, nb = two_cities
    assert client.login(username="xihu", password="demo2011")
    assert [s["mn"] for s in client.get("/api/monitoring/sources").json()] == [HZ_MN]
    enterprise = Enterprise.objects.create(
        code="913302000000000001", name="宁波某热电厂", region=nb.region
    )
    nb.enterprise = enterprise
    nb.save(update_fields=["enterprise"])
    user = django_user_model.objects.create_user("nbplant", password="pw-nbplant-1")
    Profile.objects.create(user=user, role=Role.ENTERPRISE, enterprise=enterprise)
    client.logout()
    assert client.login(username="nbplant", password="pw-nbplant-1")
    assert [s["mn"] for s in client.get("/api/monitoring/sources").json()] == [NB_MN]
    assert client.get(f"/api/monitoring/sources/{HZ_MN}/counters").status_code == 404
    page = client.get(reverse("monitoring", args=["zhejiang-2011"])).content.decode()
    assert NB_MN in page and HZ_MN not in page
