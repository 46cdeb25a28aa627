"""One emission figure entered or corrected on the enterprise page and through the API: the
figures and history shown, the write audited once (the import's writer), bad input refused with
the field named, and access: a city its own enterprises, a viewer without the right to enter
sees no form and is refused."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse
from django.utils import translation

from plantrack.enterprises.models import EmissionChange, EmissionChannel, EmissionFigure
from plantrack.monitoring import loads

from ..conftest import PASSWORD, load_foundation
from .conftest import enterprise

pytestmark = pytest.mark.django_db

DYE = "91330106TEST0001AA"  # Hangzhou (西湖区): 2010 COD 900 t, NH3-N 30 t
PLANT = "91330203TEST0004AA"  # Ningbo
NEW = "91330106TEST0008AA"  # Hangzhou, registered with no figure


def login(client, username: str):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client


def page_url(code: str = DYE) -> str:
    return reverse("monitoring-enterprise-emissions", args=["zhejiang-2011", code])


def api_url(code: str = DYE) -> str:
    return f"/api/monitoring/enterprises/{code}/emissions"


def post(client, code: str = DYE, **fields: str):
    data = {"year": "2010", "pollutant": "cod", "amount": "950", "reason": "环境统计更正"}
    return client.post(page_url(code), data | fields, HTTP_HX_REQUEST="true")


def put(client, code: str = DYE, **fields: object):
    body = {"year": 2010, "pollutant": "cod", "amount": "950", "reason": "环境统计更正"}
    return client.put(api_url(code), body | fields, content_type="application/json")


def cod_2010() -> Decimal:
    return EmissionFigure.objects.get(enterprise__code=DYE, year=2010, pollutant="cod").amount


def test_page_shows_the_figures_their_history_and_the_form(client, city_loads) -> None:
    admin = User.objects.get(username="admin")
    row = loads.FigureRow(DYE, 2010, "nh3n", Decimal("32.5"))
    loads.save_figures(admin, [row], "2010 年环境统计", EmissionChannel.IMPORT)
    EmissionFigure.objects.filter(pollutant="cod").update(is_demo=True)
    page = login(client, "hangzhou").get(page_url()).content.decode()
    assert "<h1>企业1AA</h1>" in page and "杭州市 西湖区" in page
    assert 'data-pollutant="cod" data-amount="900"' in page
    assert 'data-pollutant="nh3n" data-amount="32.5"' in page
    assert page.count('<span class="badge">演示数据</span>') == 1  # the COD figure only
    history = page.split('data-table="emission-changes"')[1]
    assert 'data-channel="import"' in history and "Excel 导入" in history
    assert "30 → 32.5" in history and "2010 年环境统计" in history and "admin" in history
    assert 'name="amount"' in page and 'name="reason"' in page


def test_a_post_changes_a_figure_and_audits_it_once(client, city_loads) -> None:
    response = post(login(client, "hangzhou"))
    text = response.content.decode()
    assert response.status_code == 200 and "<html" not in text and 'data-saved="1"' in text
    assert 'data-pollutant="cod" data-amount="950"' in text
    assert 'data-channel="form"' in text and "页面填写" in text and "900 → 950" in text
    assert cod_2010() == Decimal(950)
    change = EmissionChange.objects.get()
    assert (change.old, change.new, change.reason, change.channel, change.changed_by.username) == (
        Decimal(900), Decimal(950), "环境统计更正", "form", "hangzhou",
    )  # fmt: skip


def test_a_corrected_demo_figure_is_no_longer_labelled_demo(client, city_loads) -> None:
    EmissionFigure.objects.filter(enterprise__code=DYE, pollutant="cod").update(
        is_demo=True, source="环境统计（演示数据）"
    )
    text = post(login(client, "hangzhou")).content.decode()
    figure = EmissionFigure.objects.get(enterprise__code=DYE, year=2010, pollutant="cod")
    assert (figure.is_demo, figure.source) == (False, "环境统计")
    assert "演示数据" not in text


def test_a_post_creates_a_figure_of_a_new_year(client, city_loads) -> None:
    post(login(client, "hangzhou"), year="2011", pollutant="so2", amount="12.25")
    figure = EmissionFigure.objects.get(enterprise__code=DYE, year=2011)
    assert (figure.pollutant, figure.amount, figure.is_demo) == ("so2", Decimal("12.25"), False)
    change = EmissionChange.objects.get()
    assert (change.old, change.new) == (None, Decimal("12.25"))


def test_an_unchanged_value_is_saved_without_an_audit_row(client, city_loads) -> None:
    response = post(login(client, "hangzhou"), amount="900.000")
    text = response.content.decode()
    assert response.status_code == 200 and 'data-saved="0"' in text and "未修改" in text
    assert not EmissionChange.objects.exists()
    assert put(client, amount="900").json()["changed"] is False
    assert not EmissionChange.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "-1"),
        ("amount", "abc"),
        ("amount", "1234567890123"),  # 13 digits before the point; the column holds 12
        ("amount", "1.23456"),  # 5 decimal places; the column holds 4
        ("reason", "  "),
        ("year", "1999"),
        ("year", "二〇一〇"),
        ("pollutant", "pm25"),
    ],
)
def test_bad_input_is_refused_with_its_field_named_and_nothing_saved(
    client, city_loads, field: str, value: str
) -> None:
    response = post(login(client, "hangzhou"), **{field: value})
    assert response.status_code == 422
    assert f'<span class="error" data-error="{field}">' in response.content.decode()
    assert cod_2010() == Decimal(900) and not EmissionChange.objects.exists()


def test_without_htmx_the_page_answers_with_the_whole_page(client, city_loads) -> None:
    login(client, "hangzhou")
    data = {"year": "2010", "pollutant": "cod", "amount": "-1", "reason": "x"}
    refused = client.post(page_url(), data)
    assert refused.status_code == 422 and "<html" in refused.content.decode()
    saved = client.post(page_url(), data | {"amount": "1"})
    assert saved.status_code == 200 and 'data-saved="1"' in saved.content.decode()


def test_a_city_cannot_read_or_change_another_citys_enterprise(client, city_loads) -> None:
    login(client, "hangzhou")
    assert client.get(page_url(PLANT)).status_code == 404
    assert post(client, PLANT, pollutant="so2").status_code == 404
    assert client.get(page_url("91330199NOSUCH001X")).status_code == 404
    assert client.get(api_url(PLANT)).status_code == 404
    assert put(client, PLANT, pollutant="so2").status_code == 404
    assert not EmissionChange.objects.exists()


@pytest.mark.parametrize("viewer", ["xihu", "leader"])
def test_a_viewer_sees_the_page_without_the_form_and_may_not_post(
    client, city_loads, viewer: str
) -> None:
    login(client, viewer)
    page = client.get(page_url()).content.decode()
    assert 'data-pollutant="cod" data-amount="900"' in page and 'name="amount"' not in page
    assert post(client).status_code == 403
    assert client.get(api_url()).json()["can_enter"] is False
    assert put(client).status_code == 403
    assert cod_2010() == Decimal(900) and not EmissionChange.objects.exists()


def test_the_api_reads_the_figures_and_their_history(client, city_loads) -> None:
    post(login(client, "hangzhou"))
    body = client.get(api_url()).json()
    assert (body["enterprise"], body["region"], body["can_enter"]) == (DYE, "330106", True)
    figures = {(f["year"], f["pollutant"]): f["amount"] for f in body["figures"]}
    assert figures == {(2010, "cod"): "950", (2010, "nh3n"): "30"}
    [change] = body["changes"]
    assert (change["old"], change["new"], change["channel"], change["changed_by"]) == (
        "900", "950", "form", "hangzhou",
    )  # fmt: skip


def test_the_api_writes_a_figure_through_the_same_audit(client, city_loads) -> None:
    response = put(login(client, "hbt"), amount=975.5)  # 省环保厅 enters for every city
    assert response.status_code == 200 and response.json()["changed"] is True
    assert cod_2010() == Decimal("975.5")
    change = EmissionChange.objects.get()
    assert (change.old, change.new, change.channel, change.changed_by.username) == (
        Decimal(900), Decimal("975.5"), "api", "hbt",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "1234567890123"}, "amount"),
        ({"reason": ""}, "reason"),
        ({"year": 1999}, "year"),
        ({"pollutant": "pm25"}, "pollutant"),
    ],
)
def test_the_api_names_the_field_of_bad_input(client, city_loads, fields, field) -> None:
    response = put(login(client, "hangzhou"), **fields)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == [field]
    assert response.json()["detail"].startswith(f"{field}：")
    assert not EmissionChange.objects.exists()


def test_the_api_refuses_an_amount_that_is_not_a_number(client, city_loads) -> None:
    response = put(login(client, "hangzhou"), amount="abc")
    assert response.status_code == 422
    [error] = response.json()["detail"]  # django-ninja's own check of the body's types
    assert error["loc"][-1] == "amount"
    assert not EmissionChange.objects.exists()


def test_the_coverage_page_links_each_enterprise_to_its_page(client, city_loads) -> None:
    url = reverse("monitoring-coverage", args=["zhejiang-2011"]) + "?month=2011-09"
    page = login(client, "hangzhou").get(url).content.decode()
    assert f'href="{page_url()}"' in page
    assert page_url(PLANT) not in page


def test_the_coverage_page_lists_enterprises_with_no_figure_yet(client, city_loads) -> None:
    """A newly registered enterprise is reached from the coverage page, to enter its first
    figure; another city's is not listed."""
    enterprise(NEW, "330106")
    enterprise("91330203TEST0009AA", "330203")
    url = reverse("monitoring-coverage", args=["zhejiang-2011"]) + "?month=2011-09"
    page = login(client, "hangzhou").get(url).content.decode()
    row = page.split(f'<tr data-enterprise="{NEW}">')[1].split("</tr>")[0]
    assert f'href="{page_url(NEW)}"' in row and row.count("<td>—</td>") == 4
    assert page.index(f'data-enterprise="{DYE}"') < page.index(f'data-enterprise="{NEW}"')
    assert "TEST0009AA" not in page
    post(client, NEW, year="2010", pollutant="cod", amount="12")
    assert EmissionFigure.objects.get(enterprise__code=NEW).amount == Decimal(12)


def test_the_page_is_translated_into_english(client, city_loads) -> None:
    post(login(client, "hangzhou"))
    client.cookies["django_language"] = "en"
    before = translation.get_language()
    try:
        page = client.get(page_url()).content.decode()
    finally:
        translation.activate(before)  # the request left English active in this thread
    for english in ("Enter or correct one emission figure", "Old → new (t)", "Entered on the page"):
        assert english in page
    assert "页面填写" not in page


@pytest.mark.django_db(transaction=True)
def test_two_officials_creating_one_figure_at_once_are_both_audited(monkeypatch) -> None:
    """The second official to create a missing figure finds the first one's row at the write
    (a unique violation, not a server error), and writes a change from that value. Needs a
    second connection writing while the first is in its transaction: PostgreSQL (the tests'
    SQLite, shared-cache memory, locks the whole table for that)."""
    if connection.vendor != "postgresql":
        pytest.skip("a concurrent writer needs PostgreSQL here")
    load_foundation()
    enterprise(NEW, "330106")
    hbt, hangzhou = User.objects.get(username="hbt"), User.objects.get(username="hangzhou")
    write, raced = loads._write, threading.Event()

    def the_other_official_first(*args: object) -> EmissionFigure:
        if not raced.is_set():  # the first write only: the other official's passes through
            raced.set()
            other = threading.Thread(target=save_in_own_connection, args=(hbt,))
            other.start()
            other.join()
        return write(*args)  # type: ignore[arg-type]

    def save_in_own_connection(user: User) -> None:
        try:
            loads.save_figure(user, loads.FigureRow(NEW, 2010, "cod", Decimal(40)), "先录", "api")
        finally:
            connection.close()

    monkeypatch.setattr(loads, "_write", the_other_official_first)
    row = loads.FigureRow(NEW, 2010, "cod", Decimal(45))
    assert loads.save_figure(hangzhou, row, "后录", EmissionChannel.FORM) is True
    figure = EmissionFigure.objects.get(enterprise__code=NEW)
    changes = list(EmissionChange.objects.order_by("pk").values_list("old", "new", "channel"))
    assert figure.amount == Decimal(45)
    assert changes == [(None, Decimal(40), "api"), (Decimal(40), Decimal(45), "form")]
