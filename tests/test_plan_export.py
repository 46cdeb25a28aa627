"""The export contract: `plantrack plan export zhejiang-2011 --format json|xlsx`."""

import io
import json
import os
import subprocess
import sys
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command

from plantrack.plans.models import Plan

pytestmark = pytest.mark.django_db

REQUIRED = {
    "code", "program", "domain", "name", "statement", "kind", "direction", "comparator",
    "value", "unit", "level", "region", "departments", "due", "clause",
}  # fmt: skip


def _export_json() -> dict:
    out = StringIO()
    call_command("plan", "export", "zhejiang-2011", "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_json_export_has_plan_programs_and_targets_with_the_contract_fields():
    data = _export_json()
    assert set(data) == {"plan", "programs", "targets"}
    assert data["plan"]["code"] == "zhejiang-2011"
    assert [p["code"] for p in data["programs"]][:3] == ["E01", "E02", "E03"]
    assert len(data["programs"]) == 25
    plan = Plan.objects.get(code="zhejiang-2011")
    assert len(data["targets"]) == plan.targets.count() > 0
    for target in data["targets"]:
        assert REQUIRED <= set(target), target["code"]
        assert target["level"] in {"binding", "stretch"}
        assert len(target["region"]) == 6 and target["region"].isdigit()
        assert target["departments"], target["code"]


def test_json_export_keeps_both_levels_of_the_headline_energy_target():
    targets = _export_json()["targets"]
    energy = [
        t for t in targets
        if t["domain"] == "energy" and t["program"] is None and t["unit"] == "%"
        and t["value"] in (3.5, 3.9) and "能耗" in t["statement"] and "工业" not in t["statement"]
    ]  # fmt: skip
    assert {(t["level"], t["value"]) for t in energy} >= {("binding", 3.5), ("stretch", 3.9)}


def test_xlsx_export_holds_the_same_targets(tmp_path):
    path = tmp_path / "plan.xlsx"
    call_command("plan", "export", "zhejiang-2011", "--format", "xlsx", "--output", str(path))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["计划", "工程", "目标"]
    rows = list(book["目标"].iter_rows(values_only=True))
    assert rows[0][0] == "编码"
    assert [r[0] for r in rows[1:]] == [t["code"] for t in _export_json()["targets"]]


def test_plantrack_command_is_installed_and_exports_to_stdout(tmp_path, settings):
    """The console script, run as a user would, against a database it creates itself."""
    env = {**os.environ, "PLANTRACK_DATA_DIR": str(tmp_path)}
    env.pop("PLANTRACK_DATABASE_URL", None)
    plantrack = os.path.join(os.path.dirname(sys.executable), "plantrack")
    subprocess.run([plantrack, "migrate", "-v0"], env=env, check=True)
    subprocess.run([plantrack, "regions", "load"], env=env, check=True, capture_output=True)
    subprocess.run(
        [plantrack, "plan", "load", str(settings.PLANTRACK_DEFAULT_PLAN)],
        env=env,
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        [plantrack, "plan", "export", "zhejiang-2011", "--format", "xlsx"],
        env=env,
        check=True,
        capture_output=True,
    ).stdout
    book = openpyxl.load_workbook(io.BytesIO(out))
    assert book["目标"].max_row - 1 == Plan.objects.get().targets.count()
    again = subprocess.run(
        [plantrack, "plan", "load", str(settings.PLANTRACK_DEFAULT_PLAN)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "未变化" in again.stdout
