"""Demo project lists: sized from the plan, labelled, deterministic and idempotent."""

import pytest

from plantrack.projects.demo import generate_demo
from plantrack.projects.models import Project
from plantrack.projects.rollup import program_progress

pytestmark = pytest.mark.django_db


def test_demo_lists_follow_the_plans_figures_and_rerun_keeps_entries(plan):
    first = generate_demo()
    assert first.lists == 25
    assert Project.objects.filter(list_code="energy-key").count() >= 300
    assert Project.objects.filter(list_code="double-thousand").count() >= 1010
    assert not Project.objects.filter(is_demo=False).exists()
    assert all("演示数据" in name for name in Project.objects.values_list("name", flat=True)[:50])
    edited = Project.objects.get(code="town-sewage-0001")
    edited.owner_unit = "用户改过的单位"
    edited.save()
    assert generate_demo().created == 0
    assert Project.objects.get(code="town-sewage-0001").owner_unit == "用户改过的单位"
    rows = {r.target_code: r for r in program_progress(plan, "E03")}
    # The 双千 list's planned investment lands near the plan's 2768亿元.
    assert 2000 < rows["E03-03"].actual < 3500
    assert Project.objects.filter(list_code="energy-key", region__code__startswith="3301").exists()
