"""Shared fixtures: the shipped regions, departments and 2011 plan, and one user per role."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import settings as hypothesis_settings

from plantrack.accounts.demo import DEMO_PASSWORD, ensure_demo_accounts
from plantrack.plans.actions import load_plan_file
from plantrack.regions.loader import load_regions

from .browser import browser, page  # noqa: F401  (fixtures for browser tests)

# No per-example deadline: speed belongs to benchmarks/, and on a busy CI machine a deadline
# fails correct code (it did, once, on a core property test).
hypothesis_settings.register_profile("plantrack", deadline=None)
hypothesis_settings.load_profile("plantrack")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PLANTRACK_SHARED", REPO.parent / "shared"))
SEED = SHARED / "seed" / "zhejiang-2011-plan.txt"
PASSWORD = DEMO_PASSWORD


def load_foundation() -> None:
    load_regions()
    load_plan_file(settings.PLANTRACK_DEFAULT_PLAN)
    ensure_demo_accounts()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the regions, the 2011 plan and the demo users."""
    with django_db_blocker.unblock():
        load_foundation()


@pytest.fixture(autouse=True)
def fresh_plan_state():
    """Each test starts without the plan state a server process keeps for a second: test
    databases are rolled back, so the same fingerprint can describe other data."""
    from plantrack.dashboard.progress import forget_state

    forget_state()


@pytest.fixture
def seed_text() -> str:
    if not SEED.exists():
        pytest.fail(
            f"seed document not found at {SEED}; set PLANTRACK_SHARED to the shared/ folder"
        )
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def admin_client(client):
    """Logged in as the province administrator (demo account ``admin``)."""
    assert client.login(username="admin", password=PASSWORD)
    return client


@pytest.fixture
def city_client(client):
    """Logged in as the Hangzhou city user (demo account ``hangzhou``)."""
    assert client.login(username="hangzhou", password=PASSWORD)
    return client
