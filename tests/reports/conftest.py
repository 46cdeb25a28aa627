"""The generated 2011 demo scenario (演示数据), shared by the report tests of this package."""

import io
from pathlib import Path

import docx
import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from plantrack.core.periods import Period
from plantrack.plans.models import Plan
from plantrack.reporting import demo

from ..browser import browser_tests_last

MONTH = Period(2011, month=9)
HANGZHOU, NINGBO, PROVINCE = "330100", "330200", "330000"
HERE = Path(__file__).parent


@pytest.fixture(scope="package")
def scenario(django_db_setup, django_db_blocker):
    """Generate the demo once for these tests, inside a transaction rolled back at the end;
    each test runs in a savepoint of it, so other packages never see the scenario."""
    with django_db_blocker.unblock():
        connection = connections[DEFAULT_DB_ALIAS]
        with transaction.atomic():
            demo.generate_demo()
            yield
            # Once Playwright has started (browser tests), Django hands this thread another
            # connection object; the transaction to roll back is on the first one.
            connections[DEFAULT_DB_ALIAS] = connection
            transaction.set_rollback(True)


def pytest_collection_modifyitems(items):
    browser_tests_last(items, HERE)


@pytest.fixture
def plan(scenario, db) -> Plan:
    return Plan.objects.select_related("region").get(code="zhejiang-2011")


def word(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))
