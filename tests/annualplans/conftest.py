"""The 2011 obligations, opened for each test, and helpers to drive them through the workflow."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile

from plantrack.annualplans import actions
from plantrack.annualplans.models import Kind, Obligation
from plantrack.annualplans.obligations import open_year
from plantrack.plans.models import Plan, Target

from ..conftest import PASSWORD

PLAN = "zhejiang-2011"


def moment(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day + "T10:00:00+08:00")


def user(name: str) -> User:
    return User.objects.get(username=name)


def login(client, username: str):
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded documents go to the test's own folder, never the real media root."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def plan(db):
    return Plan.objects.get(code=PLAN)


@pytest.fixture
def opened(plan):
    open_year(plan, 2011)
    return plan


def annual(plan: Plan, region: str | None = None, department: str | None = None) -> Obligation:
    holder = {"region__code": region} if region else {"department__code": department}
    return Obligation.objects.get(plan=plan, kind=Kind.ANNUAL_PLAN, year=2011, **holder)


def report(plan: Plan, region: str, kind: str = Kind.REPORT_PROVINCE) -> Obligation:
    return Obligation.objects.get(plan=plan, kind=kind, year=2011, region__code=region)


def fill(obligation: Obligation, owner: str, day: str = "2011-08-20") -> None:
    """Upload a document (and one target row for an annual plan), then submit on ``day``."""
    who = user(owner)
    actions.upload_document(
        who, obligation, ContentFile(b"plan text", name="plan.docx"), at=moment(day)
    )
    if obligation.kind == Kind.ANNUAL_PLAN:
        target = Target.objects.get(plan=obligation.plan, code="M-E-01")
        row = actions.RowInput(target, target.value, target.value, "措施")
        actions.replace_target_rows(who, obligation, [row], "测试", at=moment(day))
    actions.submit(who, obligation, at=moment(day))


def owner_of(obligation: Obligation) -> str:
    """A user acting for the holder: the demo city/department account, or one made here."""
    from plantrack.accounts.models import Profile, Role

    if obligation.region is not None:
        code = obligation.region.code
        profile = Profile.objects.filter(role=Role.CITY, region__code=code).first()
        name = profile.user.username if profile else f"city{code}"
        if profile is None:
            made = User.objects.create_user(name, password=PASSWORD)
            Profile.objects.create(user=made, role=Role.CITY, region=obligation.region)
        return name
    assert obligation.department is not None
    code = obligation.department.code
    profile = Profile.objects.filter(role=Role.DEPARTMENT, department__code=code).first()
    if profile:
        return profile.user.username
    made = User.objects.create_user(f"dept{code}", password=PASSWORD)
    Profile.objects.create(user=made, role=Role.DEPARTMENT, department=obligation.department)
    return made.username
