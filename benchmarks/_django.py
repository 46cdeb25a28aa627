"""Shared set-up of the Django benchmarks: a throwaway database with the shipped foundation."""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plantrack.settings")
os.environ.setdefault("PLANTRACK_DATA_DIR", tempfile.mkdtemp(prefix="plantrack-bench-"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from plantrack.accounts.demo import ensure_demo_accounts  # noqa: E402
from plantrack.departments.models import Department  # noqa: E402
from plantrack.plans.actions import load_plan_file  # noqa: E402
from plantrack.plans.models import DataElement, Plan  # noqa: E402
from plantrack.regions.loader import load_regions  # noqa: E402
from plantrack.reporting.models import DataSet, DataSetElement  # noqa: E402

# The monthly energy form both benchmarks fill: six fields, a cross-field rule, a 30% threshold.
ENERGY_FIELDS = [
    "energy_consumption", "industrial_energy_consumption", "gdp_constant", "gdp_current",
    "tertiary_value_added", "industrial_value_added_constant",
]  # fmt: skip


def foundation() -> Plan:
    """Migrate, then load the regions, the 2011 plan and the demo accounts."""
    call_command("migrate", verbosity=0)
    load_regions()
    load_plan_file(settings.PLANTRACK_DEFAULT_PLAN)
    ensure_demo_accounts()
    return Plan.objects.get(code="zhejiang-2011")


def energy_data_set(
    plan: Plan, code: str, name: str, reporter_kind: str, reporter_level: str = ""
) -> DataSet:
    data_set, _ = DataSet.objects.get_or_create(
        plan=plan, code=code,
        defaults={
            "name": name, "frequency": "month", "reporter_kind": reporter_kind,
            "reporter_level": reporter_level, "owner": Department.objects.get(code="tjj"),
            "deadline_day": 15, "approval_levels": ["province"], "change_threshold": 30,
            "rules": [{"expression": "#{industrial_energy_consumption} <= #{energy_consumption}",
                       "message": "规模以上工业能耗不能大于综合能源消费量"}],
            "first_period": "2011-01", "last_period": "2011-12",
        },
    )  # fmt: skip
    for order, element in enumerate(ENERGY_FIELDS):
        DataSetElement.objects.get_or_create(
            data_set=data_set, element=DataElement.objects.get(plan=plan, code=element),
            defaults={"order": order},
        )  # fmt: skip
    return data_set
