"""Coverage of the pollution load (V00-27): from 环境统计 emissions and what outlets actually
transmitted, to the page, the plan's quarterly data set and progress; emissions imported from
Excel (audited, all or nothing)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from openpyxl import Workbook

from plantrack.enterprises.models import EmissionChange, EmissionFigure
from plantrack.monitoring import coverage
from plantrack.monitoring.coverage_views import quarter_to_date
from plantrack.plans.models import Plan
from plantrack.quality.publish import publish
from plantrack.quality.services import Month
from plantrack.reporting import actions
from plantrack.reporting.models import Submission, ValueChange

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db

START, END = quarter_to_date(2011, 9)  # 2011-07-01 .. 2011-10-01


def test_only_enterprises_that_transmitted_in_the_window_count_as_monitored(city_loads) -> None:
    result = coverage.report(START, END)
    assert result.base_year == 2010
    cod = result.cell("330100", "cod")
    assert (cod.total, cod.monitored, cod.enterprises, cod.monitored_enterprises) == (
        Decimal(1050), Decimal(900), 3, 1,
    )  # fmt: skip
    assert result.cell("330100", "nh3n").monitored == 0  # declared, never transmitted
    assert result.cell("330200", "so2").share == 1 and result.cell("330200", "nox").share == 0
    province = result.cell("330000", "cod")
    assert province.total == Decimal(1050) and province.monitored == Decimal(900)


def test_a_declared_minimum_transmission_rate_raises_the_bar(city_loads, settings) -> None:
    settings.PLANTRACK_NETWORKED_MIN_RATE = "0.5"  # one or two hours of a quarter are far less
    result = coverage.report(START, END)
    assert result.cell("330100", "cod").monitored == 0
    assert result.cell("330200", "so2").monitored == 0


def test_publishing_writes_the_equivalent_loads_into_the_quarterly_data_set(city_loads) -> None:
    plan = Plan.objects.get(code="zhejiang-2011")
    admin = User.objects.get(username="admin")
    publication = publish(plan, Month(2011, 9), admin)
    hangzhou = Submission.objects.get(data_set__code="pollution_source_quarter", period="2011Q3",
                                      unit_key="region:330100")  # fmt: skip
    values = actions.values_of(hangzhou)
    # 等标污染负荷: COD / 20 mg/L, NH3-N / 1.0 mg/L (10⁶ m³/a).
    assert Decimal(str(values["pollution_load"])) == Decimal(1050) / 20 + Decimal(35)
    assert Decimal(str(values["monitored_pollution_load"])) == Decimal(900) / 20
    change = ValueChange.objects.get(value__submission=hangzhou,
                                     value__element__code="pollution_load")  # fmt: skip
    assert change.channel == "monitoring" and change.changed_by == admin
    # A city without emission figures keeps its own report: nothing written.
    wenzhou = next(o for o in publication.outcome
                   if o["data_set"] == "pollution_source_quarter" and o["city"] == "温州市")  # fmt: skip
    assert wenzhou["elements"] == {}


def test_progress_of_v00_27_reads_the_computed_loads_over_the_hand_report(city_loads) -> None:
    from plantrack.core.periods import Period
    from plantrack.progress.services import load

    plan = Plan.objects.get(code="zhejiang-2011")
    admin = User.objects.get(username="admin")
    quarter = Period.parse("2011Q3")
    data_set = plan.data_sets.get(code="pollution_source_quarter")
    [submission] = [s for s in actions.open_period(data_set, quarter)
                    if s.unit_key == "region:330100"]  # fmt: skip
    hand = {"key_source_tests_compliant": "9", "key_source_tests": "10",
            "online_data_conforming": "90", "online_data_uploaded": "100",
            "monitored_pollution_load": "80", "pollution_load": "100"}  # fmt: skip
    hangzhou = User.objects.get(username="hangzhou")
    actions.save_values(submission, hangzhou, hand, version=submission.version, submit=True)
    submission.refresh_from_db()
    actions.approve(submission, admin)
    publish(plan, Month(2011, 9), admin)
    loaded = load(plan, quarter)
    assert loaded.source.value("monitored_pollution_load", "330100", quarter) == pytest.approx(45)
    assert loaded.source.value("pollution_load", "330100", quarter) == pytest.approx(87.5)
    assert loaded.vintage("pollution_load", "330100", quarter) == "核定数"


def test_city_user_sees_its_city_and_the_province_sees_all(client, city_loads) -> None:
    url = reverse("monitoring-coverage", args=["zhejiang-2011"]) + "?month=2011-09"
    assert client.login(username="hangzhou", password=PASSWORD)
    page = client.get(url).content.decode()
    assert 'data-region="330100"' in page and 'data-region="330200"' not in page
    assert 'data-region="330000"' not in page
    assert 'data-pollutant="cod" data-share="85.7"' in page  # 900 / 1050
    assert "91330106TEST0001AA" in page and "91330203TEST0004AA" not in page
    client.logout()
    assert client.login(username="admin", password=PASSWORD)
    page = client.get(url).content.decode()
    assert 'data-region="330000"' in page and 'data-region="330200"' in page
    assert 'data-base-year="2010"' in page


def sheet(*rows: list[object]) -> io.BytesIO:
    book = Workbook()
    book.active.append(["统一社会信用代码", "企业名称", "年份", "化学需氧量（吨）", "氨氮（吨）",
                        "二氧化硫（吨）", "氮氧化物（吨）"])  # fmt: skip
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "emissions.xlsx"
    return out


def test_import_reports_every_bad_cell_and_writes_nothing(client, city_loads) -> None:
    assert client.login(username="admin", password=PASSWORD)
    url = reverse("monitoring-loads-import", args=["zhejiang-2011"])
    upload = sheet(
        ["91330106TEST0001AA", "", 2011, "950", "", "", ""],
        ["91330199NOSUCH001X", "", 2011, "10", "", "", ""],
        ["91330203TEST0004AA", "", "二〇一一", "", "", "-5", "abc"],
    )
    response = client.post(url, {"file": upload, "reason": "2011 年环境统计"})
    text = response.content.decode()
    assert response.status_code == 422 and 'data-errors="4"' in text
    for where in ("第 3 行“统一社会信用代码”", "第 4 行“年份”", "第 4 行“二氧化硫（吨）”",
                  "第 4 行“氮氧化物（吨）”"):  # fmt: skip
        assert where in text
    assert not EmissionFigure.objects.filter(year=2011).exists()


def test_import_refuses_an_amount_the_column_cannot_hold(client, city_loads) -> None:
    assert client.login(username="admin", password=PASSWORD)
    url = reverse("monitoring-loads-import", args=["zhejiang-2011"])
    upload = sheet(["91330106TEST0001AA", "", 2010, "1234567890123", "1.23456", "", ""])
    response = client.post(url, {"file": upload, "reason": "更正"})
    text = response.content.decode()
    assert response.status_code == 422 and 'data-errors="2"' in text
    assert "第 2 行“化学需氧量（吨）”：确认小数点前不超过 12 位" in text
    assert "第 2 行“氨氮（吨）”：确认小数不超过 4 位" in text
    assert not EmissionChange.objects.exists()


def test_import_writes_figures_with_their_audit(client, city_loads) -> None:
    assert client.login(username="admin", password=PASSWORD)
    url = reverse("monitoring-loads-import", args=["zhejiang-2011"])
    upload = sheet(["91330106TEST0001AA", "", 2010, "950", "30", "", ""])
    response = client.post(url, {"file": upload, "reason": "环境统计更正"})
    assert response.status_code == 200 and 'data-imported="1"' in response.content.decode()
    figure = EmissionFigure.objects.get(enterprise=city_loads["dye"], year=2010, pollutant="cod")
    assert figure.amount == Decimal(950)
    change = EmissionChange.objects.get()
    assert (change.old, change.new, change.reason, change.channel, change.changed_by.username) == (
        Decimal(900), Decimal(950), "环境统计更正", "import", "admin",
    )  # fmt: skip


def test_a_city_cannot_change_another_citys_emissions_and_a_county_cannot_import(
    client, city_loads
) -> None:
    url = reverse("monitoring-loads-import", args=["zhejiang-2011"])
    assert client.login(username="hangzhou", password=PASSWORD)
    upload = sheet(["91330203TEST0004AA", "", 2010, "", "", "1", ""])
    response = client.post(url, {"file": upload, "reason": "x"})
    assert response.status_code == 422 and "无权" in response.content.decode()
    client.logout()
    assert client.login(username="xihu", password=PASSWORD)
    upload = sheet(["91330106TEST0001AA", "", 2010, "1", "", "", ""])
    assert client.post(url, {"file": upload, "reason": "x"}).status_code == 403
    assert not EmissionChange.objects.exists()


def test_a_city_imports_its_own_enterprises_and_only_them(client, city_loads) -> None:
    url = reverse("monitoring-loads-import", args=["zhejiang-2011"])
    assert client.login(username="hangzhou", password=PASSWORD)
    own = ["91330106TEST0001AA", "", 2010, "910", "", "", ""]
    ningbo = ["91330203TEST0004AA", "", 2010, "", "", "1", ""]
    response = client.post(url, {"file": sheet(own, ningbo), "reason": "更正"})
    assert response.status_code == 422 and "第 3 行" in response.content.decode()
    assert not EmissionChange.objects.exists()  # all rows or none
    response = client.post(url, {"file": sheet(own), "reason": "更正"})
    assert response.status_code == 200 and 'data-imported="1"' in response.content.decode()
    assert EmissionChange.objects.get().new == Decimal(910)


def test_demo_gives_loads_and_a_coverage_below_full() -> None:
    from plantrack.monitoring.demo import generate_demo

    result = generate_demo(days=2)
    assert result.loads_created == 11 * 10
    assert all(f.is_demo and "演示数据" in f.source for f in EmissionFigure.objects.all())
    start, end = quarter_to_date(2011, 6)
    report = coverage.report(start, end)
    share = report.cell("330000", "equivalent").share
    assert 0.5 < share < 1
    assert generate_demo(days=0).loads_created == 0


def test_cli_shows_the_coverage_and_imports_emissions(city_loads, tmp_path) -> None:
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("coverage", "show", "--month", "2011-09", "--format", "json", stdout=out)
    rows = {(r["region"], r["pollutant"]): r for r in json.loads(out.getvalue())["rows"]}
    assert rows[("330100", "cod")]["share"] == pytest.approx(900 / 1050)
    assert rows[("330200", "nox")]["monitored_enterprises"] == 0
    path = tmp_path / "emissions.xlsx"
    path.write_bytes(sheet(["91330203TEST0004AA", "", 2010, "", "", "1600", ""]).getvalue())
    out = io.StringIO()
    call_command("coverage", "import", str(path), "--user", "admin", "--reason", "更正",
                 stdout=out)  # fmt: skip
    assert "修改 1 项" in out.getvalue()
    assert EmissionChange.objects.get().channel == "import"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="不是有效的 Excel"):
        call_command("coverage", "import", str(path), "--user", "admin", "--reason", "x")


def test_a_county_sees_its_citys_shares_but_only_its_own_enterprises(client, city_loads) -> None:
    from openpyxl import load_workbook

    assert client.login(username="xihu", password=PASSWORD)
    url = reverse("monitoring-coverage", args=["zhejiang-2011"]) + "?month=2011-09"
    page = client.get(url).content.decode()
    assert 'data-region="330100"' in page and "91330106TEST0001AA" in page
    assert "91330100TEST0003AA" not in page  # Hangzhou's, not Xihu's
    assert 'name="file"' not in page  # a county does not import emissions
    sheet_bytes = client.get(reverse("monitoring-loads-template", args=["zhejiang-2011"])).content
    codes = [row[0] for row in load_workbook(io.BytesIO(sheet_bytes)).active.iter_rows(
        min_row=2, values_only=True)]  # fmt: skip
    assert codes == ["91330106TEST0001AA", "91330106TEST0002AA"]
