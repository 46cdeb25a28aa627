"""Projects rolled up to their program's targets, by region and date, and the program page."""

import datetime as dt
from decimal import Decimal

import pytest

from plantrack.projects.rollup import counts, element_totals, program_progress

from .conftest import login, make_project

pytestmark = pytest.mark.django_db


def by_target(rows):
    return {r.target_code: r for r in rows}


def test_program_progress_counts_sums_and_scales_to_the_target_unit(plan, projects):
    make_project("T-HZ-2", region="330102", status="cancelled", actual="5000")
    rows = by_target(program_progress(plan, "E01"))
    assert rows["E01-02"].actual == 2  # Xihu done, Ningbo under way; the cancelled one not
    assert rows["E01-02"].target == 300
    assert rows["E01-02"].attainment == Decimal("0.7")
    # 800 + 300 万元 = 0.11 亿元 against 170亿元.
    assert rows["E01-03"].actual == Decimal("0.11")
    assert rows["E01-03"].unit == "亿元"


def test_region_and_date_narrow_the_roll_up(plan, projects):
    hangzhou = by_target(program_progress(plan, "E01", "330100"))
    assert hangzhou["E01-02"].actual == 1
    assert hangzhou["E01-02"].target is None  # targets are set for the province only
    county = by_target(program_progress(plan, "V01", "330122"))
    assert county["V01-04"].projects == 1 and county["V01-04"].actual == 0
    early = by_target(program_progress(plan, "E01", as_of=dt.date(2011, 8, 1)))
    late = by_target(program_progress(plan, "E01", as_of=dt.date(2011, 12, 31)))
    sewage = by_target(program_progress(plan, "V01"))
    assert sewage["V00-09"].actual == sewage["V01-04"].actual == 0
    assert early["E01-02"].actual == late["E01-02"].actual == 2


def test_contribution_sum_feeds_the_capacity_targets(plan, db):
    make_project(
        "T-CE-1",
        "capacity-elimination",
        status="completed",
        contributions={"energy_saved": "150000", "brick_kilns_closed": "3"},
        completed_on=dt.date(2011, 5, 1),
    )
    make_project(
        "T-CE-2",
        "capacity-elimination",
        region="330203",
        status="completed",
        contributions={"brick_kilns_closed": "4"},
        completed_on=dt.date(2011, 6, 1),
    )
    rows = by_target(program_progress(plan, "E02"))
    assert rows["E02-10"].actual == 7
    assert rows["E02-12"].actual == Decimal("15")  # 150000 吨 → 15 万吨标准煤 of 40


def test_program_page_shows_the_roll_up_and_regions(client, projects):
    login(client, "admin")
    response = client.get("/projects/zhejiang-2011/programs/E01/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-target="E01-02" data-actual="2"' in html
    assert "西湖区" in html and "宁波市" in html
    login(client, "hbt")
    assert client.get("/projects/zhejiang-2011/programs/E01/").status_code == 404


def test_list_filters_by_status_region_type_and_search(client, projects):
    login(client, "admin")
    page = "/projects/zhejiang-2011/"

    def codes(query: str) -> set[str]:
        response = client.get(page + query, headers={"HX-Request": "true"})
        assert "<html" not in response.content.decode()
        return {p.code for p in response.context["page"].object_list}

    assert codes("?status=completed") == {"T-XH-1"}
    assert codes("?region=330100") == {"T-XH-1", "T-SW-1"}
    assert codes("?type=污水处理设施项目") == {"T-SW-1"}
    assert codes("?q=NB") == {"T-NB-1"}
    assert codes("?program=E01&list=energy-key") == {"T-XH-1", "T-NB-1"}


def test_element_totals_give_progress_a_source_by_region(plan, projects):
    totals = element_totals(plan)
    # energy_key_projects is measured by E01-02: projects under way or done, rolled upward.
    assert totals["energy_key_projects"]["330106"] == 1
    assert totals["energy_key_projects"]["330100"] == 1
    assert totals["energy_key_projects"]["330000"] == 2
    assert totals["town_sewage_plants"]["330000"] == 0


def test_counts_for_the_dashboard(plan, projects):
    from plantrack.projects.models import Project

    result = counts(Project.objects.filter(plan=plan), dt.date(2011, 12, 31))
    # Every made project has a 竣工验收 milestone due 2011-11-30 without an actual date.
    assert (result.total, result.completed, result.open, result.overdue) == (3, 1, 2, 2)
    assert counts(Project.objects.filter(plan=plan), dt.date(2011, 11, 1)).overdue == 0
