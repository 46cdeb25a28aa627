"""A campaign with findings made by hand for each test: in Xihu (Hangzhou) and in Ningbo."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from plantrack.plans.models import Plan, Program
from plantrack.regions.models import Region
from plantrack.supervision.models import Campaign, Finding, Item
from plantrack.supervision.sources import add_finding

from ..conftest import PASSWORD

PLAN = "zhejiang-2011"


def user(name: str) -> User:
    return User.objects.get(username=name)


def client_for(name: str) -> Client:
    client = Client()
    assert client.login(username=name, password=PASSWORD)
    return client


def upload(
    name: str = "整改报告.pdf", content: bytes = b"%PDF-1.4 rectified"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_campaign(name: str = "节能减排专项督查") -> Campaign:
    plan = Plan.objects.get(code=PLAN)
    campaign = Campaign.objects.create(
        plan=plan, name=name, kind="special", decided_by="省政府办公厅",
        start=dt.date(2011, 6, 1), end=dt.date(2011, 7, 31), status="finished",
    )  # fmt: skip
    campaign.regions.set(Region.objects.filter(code__in=["330100", "330200"]))
    return campaign


def make_item(
    campaign: Campaign,
    region: str = "330106",
    program: str | None = "V01",
    deadline: dt.date = dt.date(2011, 9, 30),
    description: str = "污水处理厂超标排放",
) -> Item:
    finding = Finding(
        campaign=campaign, region=Region.objects.get(code=region),
        program=Program.objects.get(plan=campaign.plan, code=program) if program else None,
        description=description, severity="serious", found_on=dt.date(2011, 6, 15),
    )  # fmt: skip
    return add_finding(
        user("admin"), finding, term="short", deadline=deadline,
        required_evidence="整改报告、监测报告", channel="form",
    )  # fmt: skip


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def ledger(db, media):
    """Two findings of one campaign: one in Xihu (Hangzhou), one in Ningbo's Jiangdong."""
    campaign = make_campaign()
    return {
        "campaign": campaign,
        "xihu": make_item(campaign, "330106"),
        "ningbo": make_item(campaign, "330204", description="违规新增燃煤锅炉"),
    }
