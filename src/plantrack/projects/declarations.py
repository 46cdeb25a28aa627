"""The project-list declaration of a plan, read from ``data/<plan>-projects.yaml``."""

from functools import lru_cache
from pathlib import Path

from plantrack.core.projects import Declaration, PlanFacts, ProjectList, read_declaration
from plantrack.plans.models import DataElement, Plan, Program, Target

DATA = Path(__file__).resolve().parent / "data"


def declaration_path(plan_code: str) -> Path:
    return DATA / f"{plan_code}-projects.yaml"


def plan_facts(plan: Plan) -> PlanFacts:
    return PlanFacts(
        programs=frozenset(Program.objects.filter(plan=plan).values_list("code", flat=True)),
        target_programs=dict(Target.objects.filter(plan=plan).values_list("code", "program__code")),
        elements=frozenset(DataElement.objects.filter(plan=plan).values_list("code", flat=True)),
    )


@lru_cache(maxsize=8)
def _cached(plan_code: str, mtime: float) -> Declaration:
    plan = Plan.objects.get(code=plan_code)
    return read_declaration(declaration_path(plan_code), plan_facts(plan))


def declaration_of(plan: Plan) -> Declaration | None:
    """The plan's declaration checked against the loaded plan; none when the plan has none."""
    path = declaration_path(plan.code)
    if not path.exists():
        return None
    return _cached(plan.code, path.stat().st_mtime)


def project_list(plan: Plan, code: str) -> ProjectList | None:
    declaration = declaration_of(plan)
    return declaration.list_of(code) if declaration else None
