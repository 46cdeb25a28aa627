"""The shipped 2011 plan file against its seed document: valid, quoted exactly, complete.

The seed is the specification: every target must quote the clause it cites, and every number in
the seed must be accounted for by a target or a declared non-target.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

import plantrack
from plantrack.core.coverage import misplaced, uncovered
from plantrack.core.planfile import Plan, read_plan

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("PLANTRACK_SHARED", REPO.parent / "shared"))
SEED = SHARED / "seed" / "zhejiang-2011-plan.txt"
PLAN_FILE = Path(plantrack.__file__).parent / "plans" / "data" / "zhejiang-2011.yaml"

SEWAGE_CITIES = {"330100", "330200", "330400", "330500"}


@pytest.fixture(scope="module")
def seed() -> str:
    if not SEED.exists():
        pytest.fail(
            f"seed document not found at {SEED}; set PLANTRACK_SHARED to the shared/ folder"
        )
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan() -> Plan:
    return read_plan(PLAN_FILE)


def _quantitative(plan: Plan, indicator: str, **fields: object) -> list:
    return [
        t
        for t in plan.targets
        if t.kind == "quantitative"
        and t.indicator == indicator
        and all(getattr(t, name) == value for name, value in fields.items())
    ]


def test_shipped_plan_file_validates(plan: Plan) -> None:
    assert plan.code == "zhejiang-2011"
    assert {d.code for d in plan.domains} == {"energy", "land", "environment"}
    assert plan.targets and plan.indicators and plan.data_elements and plan.non_targets


def test_every_quote_is_in_its_clause_and_holds_its_value(plan: Plan, seed: str) -> None:
    problems = misplaced(plan, seed)
    assert not problems, "\n".join(str(p) for p in problems)


def test_every_number_in_the_seed_is_accounted_for(plan: Plan, seed: str) -> None:
    missing = uncovered(plan, seed)
    assert not missing, f"{len(missing)} uncovered numbers:\n" + "\n".join(map(str, missing))


def test_gdp_energy_intensity_has_binding_and_stretch_levels(plan: Plan) -> None:
    for clause in ("正文 一（二）", "附件1 一（一）"):
        overall = _quantitative(plan, "gdp_energy_intensity_change", clause=clause, program=None)
        levels = {(t.level, t.value, t.comparator, t.direction) for t in overall}
        assert levels == {
            ("binding", Decimal("3.5"), ">=", "decrease"),
            ("stretch", Decimal("3.9"), ">=", "decrease"),
        }, clause


def test_program_energy_savings_exceed_the_overall_figure(plan: Plan) -> None:
    by_program = _quantitative(plan, "energy_saved", domain="energy")
    programs = [t for t in by_program if t.program]
    assert {t.program for t in programs} == {f"E{n:02d}" for n in range(1, 11)}
    assert len(programs) == 10
    assert sum(t.value for t in programs) == Decimal("717")
    overall = [t for t in by_program if t.program is None]
    assert overall and {t.value for t in overall} == {Decimal("650")}
    assert all(t.unit == "万吨标准煤" for t in by_program)


def test_sewage_86_percent_applies_to_the_four_cities(plan: Plan) -> None:
    city = _quantitative(plan, "sewage_treatment_rate_city", value=Decimal("86"))
    assert {t.region for t in city} == SEWAGE_CITIES
    assert len(city) == 4
    assert all(t.scope == "市区" and t.clause == "附件3 一（四）" for t in city)
    province = _quantitative(plan, "sewage_treatment_rate_city", value=Decimal("85"))
    assert [t.region for t in province] == ["330000"]


def test_basin_sewage_targets_are_provincial_with_a_scope(plan: Plan) -> None:
    county = _quantitative(plan, "sewage_treatment_rate_county")
    scopes = {t.scope: t.value for t in county}
    assert scopes == {
        "县（市）城市": Decimal("78"),
        "太湖流域县（市）": Decimal("85"),
        "钱塘江流域县（市）": Decimal("79"),
    }
    assert {t.region for t in county} == {"330000"}


def test_irrigation_coefficient_typo_is_read_with_a_note(plan: Plan) -> None:
    (target,) = [t for t in plan.targets if t.value_text == "00566"]
    assert target.value == Decimal("0.566")
    assert target.reading and "0.566" in target.reading


def test_value_differs_from_value_text_only_with_a_reading(plan: Plan) -> None:
    unexplained = []
    for target in plan.targets:
        if target.kind != "quantitative" or target.reading:
            continue
        if Decimal(target.value_text) != target.value:
            unexplained.append(f"{target.code}: {target.value_text} ≠ {target.value}")
    assert not unexplained, "\n".join(unexplained)


def test_levels_follow_the_seed_wording(plan: Plan) -> None:
    wrong = [t.code for t in plan.targets if ("力争" in t.quote) != (t.level == "stretch")]
    assert not wrong, wrong
    assert len([t for t in plan.targets if t.level == "stretch"]) >= 8


def test_plan_has_enough_quantitative_targets(plan: Plan) -> None:
    assert len([t for t in plan.targets if t.kind == "quantitative"]) >= 150


def test_every_program_has_a_target(plan: Plan) -> None:
    counts: dict[str, int] = defaultdict(int)
    for target in plan.targets:
        if target.program:
            counts[target.program] += 1
    missing = [p.code for _, p in plan.programs() if not counts[p.code]]
    assert not missing, missing


def test_every_target_names_responsible_departments(plan: Plan) -> None:
    assert not [t.code for t in plan.targets if not t.departments]


def test_codes_follow_domain_and_program(plan: Plan) -> None:
    prefixes = {"energy": "E", "land": "L", "environment": "V"}
    wrong = []
    for target in plan.targets:
        if target.code.startswith("M-"):
            continue
        expected = target.program or f"{prefixes[target.domain]}00"
        if not target.code.startswith(expected + "-"):
            wrong.append(target.code)
    assert not wrong, wrong


def test_report_deadline_milestone_binds_every_lead_department(plan: Plan) -> None:
    (milestone,) = [t for t in plan.targets if t.due and t.due.isoformat() == "2011-08-25"]
    assert milestone.kind == "milestone" and milestone.region == "330000"
    leads = {code for _, program in plan.programs() for code in program.lead}
    assert leads <= set(milestone.departments)


def test_every_indicator_resolves_to_declared_data(plan: Plan) -> None:
    elements = {e.code for e in plan.data_elements}
    indicators = {i.code for i in plan.indicators}
    problems = []
    for indicator in plan.indicators:
        if indicator.expression is None:
            if indicator.code not in elements:
                problems.append(f"{indicator.code}: no data element of the same code")
            continue
        for name in re.findall(r"#\{(\w+)\}", indicator.expression):
            if name not in elements:
                problems.append(f"{indicator.code}: unknown data element {name}")
        for name in re.findall(r"I\{(\w+)\}", indicator.expression):
            if name not in indicators:
                problems.append(f"{indicator.code}: unknown indicator {name}")
    assert not problems, "\n".join(problems)
