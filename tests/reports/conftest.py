"""The generated 2011 demo scenario (演示数据), shared by the report tests of this package."""

import io

import docx
import pytest
from django.db import transaction

from plantrack.core.periods import Period
from plantrack.plans.models import Plan
from plantrack.reporting import demo

MONTH = Period(2011, month=9)
HANGZHOU, NINGBO, PROVINCE = "330100", "330200", "330000"


@pytest.fixture(scope="package")
def scenario(django_db_setup, django_db_blocker):
    """Generate the demo once for these tests, inside a transaction rolled back at the end;
    each test runs in a savepoint of it, so other packages never see the scenario."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo.generate_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def plan(scenario, db) -> Plan:
    return Plan.objects.select_related("region").get(code="zhejiang-2011")


def word(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))
