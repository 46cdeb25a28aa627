"""Project-list declarations and the roll-up arithmetic, without a database."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.planfile import PlanFileError
from plantrack.core.projects import (
    STATUSES,
    PlanFacts,
    ProjectFigures,
    TargetLink,
    attainment,
    by_region,
    measure,
    parse_declaration,
    read_declaration,
    status_on,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "plantrack"
PLAN = SRC / "plans" / "data" / "zhejiang-2011.yaml"
DECLARATION = SRC / "projects" / "data" / "zhejiang-2011-projects.yaml"


@pytest.fixture(scope="module")
def facts() -> PlanFacts:
    plan = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    elements = [e["code"] for e in plan["data_elements"]]
    # Indicators without an expression are measured by an implicit element of the same code.
    elements += [i["code"] for i in plan["indicators"] if not i.get("expression")]
    return PlanFacts(
        programs=frozenset(p["code"] for d in plan["domains"] for p in d["programs"]),
        target_programs={t["code"]: t.get("program") for t in plan["targets"]},
        elements=frozenset(elements),
    )


def test_shipped_declaration_covers_the_plans_project_lists(facts):
    declaration = read_declaration(DECLARATION, facts)
    targets = {link.target for pl in declaration.project_lists for link in pl.targets}
    # The lists the plan names: 300 energy projects and 170亿元, 1010 双千 projects and 2768亿元,
    # 60 town sewage plants, 1500 km sewer, 420 land consolidations, 25 manure centres, 20万亩.
    assert {
        "E01-02",
        "E01-03",
        "E03-02",
        "E03-03",
        "V01-04",
        "V01-05",
        "L05-04",
        "V06-01",
        "L06-01",
    } <= targets
    assert declaration.list_of("energy-key").targets[1].scale == Decimal("0.0001")


GOOD = """plan: p
project_lists:
  - code: a
    program: E01
    name: 清单
    project_type: 类型
    clause: 附件1
    contributions:
      - {code: saved, name: 节能量, unit: 吨标准煤, element: energy_saved}
    targets:
      - {target: E01-02, measure: count_started}
"""


def test_unknown_target_is_located_by_line_and_field(facts):
    text = GOOD.replace("E01-02", "E01-99")
    with pytest.raises(PlanFileError) as error:
        parse_declaration(text, "x.yaml", facts)
    assert "x.yaml:11: project_lists[0].targets[0].target: 计划中没有目标 E01-99" in str(
        error.value
    )


def test_target_of_another_program_and_unknown_element_are_refused(facts):
    text = GOOD.replace("E01-02", "V01-04").replace("element: energy_saved", "element: nothing")
    with pytest.raises(PlanFileError) as error:
        parse_declaration(text, "x.yaml", facts)
    message = str(error.value)
    assert "属于工程 V01" in message
    assert "x.yaml:9: project_lists[0].contributions[0].element" in message


def test_schema_errors_name_the_field(facts):
    text = GOOD.replace("count_started", "count_all")
    with pytest.raises(PlanFileError) as error:
        parse_declaration(text, "x.yaml")
    assert "x.yaml:11: project_lists[0].targets[0].measure" in str(error.value)
    text = GOOD.replace("measure: count_started", "measure: sum_contribution")
    with pytest.raises(PlanFileError, match="contribution"):
        parse_declaration(text, "x.yaml")
    with pytest.raises(PlanFileError, match="YAML"):
        parse_declaration("plan: [", "x.yaml")


def link(measure_name: str, contribution: str | None = None, scale: str = "1") -> TargetLink:
    return TargetLink(
        target="T",
        measure=measure_name,
        contribution=contribution,
        scale=Decimal(scale),  # type: ignore[arg-type]
    )


amounts = st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False)
projects_strategy = st.lists(
    st.builds(
        ProjectFigures,
        status=st.sampled_from(STATUSES),
        region=st.sampled_from(["330106", "330122", "330203"]),
        planned_investment=st.none() | amounts,
        actual_investment=st.none() | amounts,
        contributions=st.dictionaries(st.just("saved"), amounts),
    ),
    max_size=40,
)


@given(projects_strategy)
def test_sums_skip_cancelled_projects_and_scale(projects):
    kept = [p for p in projects if p.status != "cancelled"]
    expected = sum((p.actual_investment or 0 for p in kept), Decimal(0))
    assert measure(projects, link("sum_investment")) == expected
    assert measure(projects, link("sum_investment", scale="0.0001")) == expected * Decimal("0.0001")
    saved = sum((p.contributions.get("saved", 0) for p in kept), Decimal(0))
    assert measure(projects, link("sum_contribution", "saved")) == saved


@given(projects_strategy)
def test_counts_nest_and_regions_add_up_to_the_province(projects):
    done = measure(projects, link("count_completed"))
    started = measure(projects, link("count_started"))
    assert done <= started <= measure(projects, link("count")) <= len(projects)
    parents = {
        "330106": "330100",
        "330122": "330100",
        "330203": "330200",
        "330100": "330000",
        "330200": "330000",
        "330000": None,
    }
    totals = by_region(projects, link("sum_investment"), parents)
    province = totals.get("330000", Decimal(0))
    assert province == measure(projects, link("sum_investment"))
    assert province == totals.get("330100", 0) + totals.get("330200", 0)


def test_status_on_a_date_follows_start_and_completion():
    project = ProjectFigures(
        status="completed",
        region="330106",
        started_on=dt.date(2011, 3, 1),
        completed_on=dt.date(2011, 9, 30),
    )
    assert status_on(project, dt.date(2011, 2, 1)) == "planned"
    assert status_on(project, dt.date(2011, 6, 30)) == "under_construction"
    assert status_on(project, dt.date(2011, 12, 31)) == "completed"
    assert measure([project], link("count_completed"), dt.date(2011, 6, 30)) == 0


def test_attainment_is_a_percentage_of_a_positive_target():
    assert attainment(Decimal(150), Decimal(300)) == Decimal("50.0")
    assert attainment(Decimal(1), None) is None
    assert attainment(Decimal(1), Decimal(0)) is None
