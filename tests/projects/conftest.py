"""Projects made by hand for each test: a few per list, in Hangzhou, Ningbo and Xihu."""

import datetime as dt
from decimal import Decimal

import pytest

from plantrack.plans.models import DataElement, Plan, Program
from plantrack.projects import actions
from plantrack.projects.declarations import project_list
from plantrack.projects.models import Project
from plantrack.regions.models import Region

from ..conftest import PASSWORD

PLAN = "zhejiang-2011"


def make_project(
    code: str,
    list_code: str = "energy-key",
    region: str = "330106",
    status: str = "planned",
    planned: str | None = "1000",
    actual: str | None = None,
    contributions: dict[str, str] | None = None,
    completed_on: dt.date | None = None,
) -> Project:
    plan = Plan.objects.get(code=PLAN)
    declared = project_list(plan, list_code)
    assert declared is not None
    project = Project.objects.create(
        plan=plan,
        program=Program.objects.get(plan=plan, code=declared.program),
        list_code=list_code,
        code=code,
        name=f"测试项目{code}",
        project_type=declared.project_type,
        owner_unit="测试单位",
        region=Region.objects.get(code=region),
        status=status,
        planned_investment=Decimal(planned) if planned else None,
        actual_investment=Decimal(actual) if actual else None,
        completed_on=completed_on,
    )
    elements = dict(DataElement.objects.filter(plan=plan).values_list("code", "pk"))
    actions.ensure_contributions(
        project,
        [(c.code, c.name, c.unit, elements.get(c.element or "")) for c in declared.contributions],
    )
    for key, value in (contributions or {}).items():
        project.contributions.filter(code=key).update(actual=Decimal(value))
    project.milestones.create(name="竣工验收", planned_on=dt.date(2011, 11, 30))
    return project


def login(client, username: str):
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def plan():
    return Plan.objects.get(code=PLAN)


@pytest.fixture
def projects(db):
    """Energy projects in Xihu (Hangzhou), Ningbo and a sewage plant in Hangzhou's county."""
    return {
        "xihu": make_project(
            "T-XH-1",
            region="330106",
            status="completed",
            actual="800",
            contributions={"energy_saved": "1200"},
            completed_on=dt.date(2011, 9, 1),
        ),
        "ningbo": make_project(
            "T-NB-1", region="330203", status="under_construction", actual="300"
        ),
        "sewage": make_project("T-SW-1", list_code="town-sewage", region="330122"),
    }
