"""Supervisory monitoring results: Excel import (all or nothing, errors by row and column),
audit of changes, and the compliance rate by occasion."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from plantrack.quality.importer import COLUMNS
from plantrack.quality.models import SampleChange, SupervisorySample

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

HEADERS = [h for h, _, _ in COLUMNS]
HZ = "91330106TEST00001A"
NB = "91330203TEST00002B"


def sheet(*rows: list[object]) -> io.BytesIO:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "监督性监测.xlsx"
    return out


def row(code: str, day: str, item: str, value: str, limit: str | None = "100") -> list[object]:
    return [
        code,
        "DA001",
        day,
        item,
        value,
        limit,
        None,
        "mg/m³",
        "GB 13223-2011",
        "市监测站",
        "R1",
    ]


def post(client, data: io.BytesIO):  # type: ignore[no-untyped-def]
    return client.post("/quality/zhejiang-2011/supervisory/?month=2011-09", {"file": data})


def test_import_counts_occasions_and_compliance(client, hangzhou_outlet) -> None:
    assert client.login(username="hangzhou", password=PASSWORD)
    response = post(client, sheet(
        row(HZ, "2011-09-05", "二氧化硫", "80"),
        row(HZ, "2011-09-05", "氮氧化物", "120"),  # over: the occasion fails
        row(HZ, "2011-09-20", "二氧化硫", "100"),  # equal to the limit complies
        row(HZ, "2011-09-20", "烟气流量", "12", None),  # no limit: not assessed
    ))  # fmt: skip
    assert response.status_code == 302
    assert SupervisorySample.objects.count() == 4
    api = client.get("/api/quality/zhejiang-2011/cities?month=2011-09").json()[0]
    assert (api["supervisory_occasions"], api["supervisory_compliant"]) == (2, 1)
    assert api["supervisory_rate"] == 0.5
    page = client.get("/quality/zhejiang-2011/supervisory/?month=2011-09").content.decode()
    assert "超标" in page and "未评价" in page


def test_a_bad_row_stops_the_whole_file_and_says_where(client, hangzhou_outlet, ningbo_outlet
                                                        ) -> None:  # fmt: skip
    assert client.login(username="hangzhou", password=PASSWORD)
    response = post(client, sheet(
        row(HZ, "2011-09-05", "二氧化硫", "80"),
        row(HZ, "2011-09-31", "二氧化硫", "80"),
        row(HZ, "2011-09-06", "二氧化硫", "八十"),
        row(NB, "2011-09-06", "二氧化硫", "80"),  # another city's enterprise
        row(HZ, "2011-09-05", "二氧化硫", "81"),  # same key as row 2
    ))  # fmt: skip
    assert response.status_code == 200
    text = response.content.decode()
    assert "第 3 行“监测日期”" in text
    assert "第 4 行“监测值”：应为数字，收到“八十”" in text
    assert "第 5 行“企业统一社会信用代码”" in text and "不在您的管辖范围内" in text
    assert "第 6 行“监测项目”：与第 2 行重复" in text
    assert not SupervisorySample.objects.exists()


def test_reimport_replaces_with_an_audit_trail(client, hangzhou_outlet) -> None:
    assert client.login(username="hbt", password=PASSWORD)
    post(client, sheet(row(HZ, "2011-09-05", "二氧化硫", "80")))
    post(client, sheet(row(HZ, "2011-09-05", "二氧化硫", "130")))
    sample = SupervisorySample.objects.get()
    assert sample.value == Decimal(130) and sample.compliant is False
    changes = list(SampleChange.objects.filter(sample=sample).order_by("pk"))
    assert [c.old for c in changes][0] is None
    assert changes[1].old["value"] == "80" and changes[1].new["value"] == "130"
    assert changes[1].changed_by.username == "hbt" and "监督性监测.xlsx" in changes[1].reason


def test_export_reimports_and_leader_cannot_import(client, hangzhou_outlet) -> None:
    assert client.login(username="admin", password=PASSWORD)
    post(client, sheet(row(HZ, "2011-09-05", "二氧化硫", "80")))
    exported = client.get("/quality/zhejiang-2011/supervisory/?month=2011-09&format=xlsx")
    ws = load_workbook(io.BytesIO(exported.content)).active
    assert [c for c in next(ws.iter_rows(min_row=3, max_row=3, values_only=True))][:4] == [
        "监测日期", "企业", "排放口编号", "监测项目"]  # fmt: skip
    template = client.get("/quality/zhejiang-2011/supervisory/template.xlsx")
    assert next(load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True)) == tuple(HEADERS)  # fmt: skip
    client.logout()
    assert client.login(username="leader", password=PASSWORD)
    assert post(client, sheet(row(HZ, "2011-09-06", "二氧化硫", "80"))).status_code == 403
