"""Loading plan files: idempotent, atomic, changes recorded, errors located."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from plantrack.core.planfile import PlanFileError
from plantrack.plans.actions import PlanLoadError, load_plan_file
from plantrack.plans.models import Plan, PlanRevision, Target

pytestmark = pytest.mark.django_db

SHIPPED = Path(settings.PLANTRACK_DEFAULT_PLAN)


def _edited_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "edited.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_loading_the_shipped_plan_again_changes_nothing():
    revisions = PlanRevision.objects.count()
    result = load_plan_file(SHIPPED)
    assert result.changes == []
    assert PlanRevision.objects.count() == revisions


def test_loading_an_edited_plan_updates_and_records_the_change(tmp_path):
    plan = Plan.objects.get(code="zhejiang-2011")
    target = plan.targets.filter(kind="quantitative").first()
    edited = _edited_copy(tmp_path, f"statement: {target.statement}", "statement: 改过的表述")
    result = load_plan_file(edited)
    assert result.changes == [
        {
            "object": "target",
            "code": target.code,
            "action": "updated",
            "fields": {"statement": [target.statement, "改过的表述"]},
        }
    ]
    target.refresh_from_db()
    assert target.statement == "改过的表述"
    assert plan.revisions.first().changes == result.changes


def test_a_removed_target_is_deleted_and_recorded(tmp_path):
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    removed = data["targets"].pop()
    path = tmp_path / "fewer.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = load_plan_file(path)
    assert result.changes == [{"object": "target", "code": removed["code"], "action": "deleted"}]
    assert not Target.objects.filter(plan__code="zhejiang-2011", code=removed["code"]).exists()


def test_invalid_file_names_file_line_and_field_and_saves_nothing(tmp_path):
    edited = _edited_copy(tmp_path, "base_year: 2010", "base_year: 二〇一〇")
    with pytest.raises(PlanFileError) as error:
        load_plan_file(edited)
    line = next(
        n for n, text in enumerate(edited.read_text().splitlines(), 1) if "base_year" in text
    )
    assert f"edited.yaml:{line}: base_year:" in str(error.value)


def test_unknown_region_aborts_the_whole_load(tmp_path):
    text = SHIPPED.read_text(encoding="utf-8")
    assert 'region: "330100"' in text
    text = text.replace("name: 浙江省资源节约", "name: 改名后的浙江省资源节约", 1)
    path = tmp_path / "bad-region.yaml"
    path.write_text(text.replace('region: "330100"', 'region: "990100"', 1), encoding="utf-8")
    names_before = list(Plan.objects.values_list("code", "name"))
    with pytest.raises(PlanLoadError, match="990100"):
        load_plan_file(path)
    assert list(Plan.objects.values_list("code", "name")) == names_before
