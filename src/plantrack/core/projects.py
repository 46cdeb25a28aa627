"""Project lists (重点项目清单): which lists a plan has and which targets their projects count toward.

A declaration file names, per program, the list's project type, the contributions a project of
that type states (energy saved, sewer built, land reclaimed ...) and, for each target the list
counts toward, how the projects add up to it: a count, a sum of investment or a sum of one
contribution. The roll-up arithmetic lives here too, so it is tested without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from plantrack.core.planfile import PlanFileError, _field_path, _nearest_line, _node_lines

Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=64)]

STATUSES = ("planned", "under_construction", "completed", "suspended", "cancelled")
STARTED = frozenset({"under_construction", "completed", "suspended"})

Measure = Literal[
    "count",  # every project of the list that is not cancelled
    "count_started",  # projects under way or done (组织实施)
    "count_completed",  # projects done (完成)
    "sum_planned_investment",
    "sum_investment",  # actual investment
    "sum_contribution",  # actual value of one contribution
]
INVESTMENT_UNIT = "万元"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contribution(_Strict):
    """What one project of the list is expected to deliver, in the unit the owners report."""

    code: Code
    name: str
    unit: str
    # The plan's data element this contribution feeds, when there is one.
    element: Code | None = None


class TargetLink(_Strict):
    """One target of the plan and how the list's projects add up to it."""

    target: Code
    measure: Measure
    contribution: Code | None = None
    # Factor from the project's unit (万元, 亩, 吨…) to the target's unit (亿元, 万亩, 万吨…).
    scale: Decimal = Decimal(1)

    @model_validator(mode="after")
    def _contribution_when_summed(self) -> TargetLink:
        if self.measure == "sum_contribution" and not self.contribution:
            raise ValueError("measure 为 sum_contribution 时必须给出 contribution")
        if self.measure != "sum_contribution" and self.contribution:
            raise ValueError("只有 measure 为 sum_contribution 时才能给出 contribution")
        return self


class ProjectList(_Strict):
    """A list of projects the plan names under one program (e.g. the 300 energy-saving projects)."""

    code: Code
    program: Code
    name: str
    project_type: str
    clause: str
    contributions: list[Contribution] = []
    targets: list[TargetLink] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_contributions(self) -> ProjectList:
        codes = [c.code for c in self.contributions]
        if len(codes) != len(set(codes)):
            raise ValueError("contributions 中的 code 重复")
        for link in self.targets:
            if link.contribution and link.contribution not in codes:
                raise ValueError(f"contribution {link.contribution} 未在 contributions 中声明")
        return self

    def contribution(self, code: str) -> Contribution | None:
        return next((c for c in self.contributions if c.code == code), None)


class Declaration(_Strict):
    """Every project list of one plan."""

    plan: Code
    project_lists: list[ProjectList] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> Declaration:
        codes = [p.code for p in self.project_lists]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"项目清单编码重复：{'、'.join(duplicates)}")
        return self

    def list_of(self, code: str) -> ProjectList | None:
        return next((p for p in self.project_lists if p.code == code), None)

    def lists_of_program(self, program: str) -> list[ProjectList]:
        return [p for p in self.project_lists if p.program == program]


@dataclass(frozen=True)
class PlanFacts:
    """What the declaration is checked against: the plan's programs, targets and data elements."""

    programs: frozenset[str]
    target_programs: Mapping[str, str | None]  # target code -> program code (None: overall)
    elements: frozenset[str]


def read_declaration(path: str | Path, facts: PlanFacts | None = None) -> Declaration:
    path = Path(path)
    return parse_declaration(path.read_text(encoding="utf-8"), str(path), facts)


def parse_declaration(
    text: str, filename: str = "<projects>", facts: PlanFacts | None = None
) -> Declaration:
    """Validate a declaration; raise ``PlanFileError`` with every problem's line and field."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise PlanFileError(
            filename, [(mark.line + 1 if mark else None, "", f"YAML 语法错误：{error}")]
        ) from None
    if root is None:
        raise PlanFileError(filename, [(1, "", "文件为空")])
    lines = dict(_node_lines(root, ()))
    try:
        declaration = Declaration.model_validate(yaml.safe_load(text))
    except ValidationError as error:
        problems = [
            (_nearest_line(lines, tuple(e["loc"])), _field_path(tuple(e["loc"])), e["msg"])
            for e in error.errors()
        ]
        raise PlanFileError(filename, problems) from None
    if facts is not None:
        problems = [
            (_nearest_line(lines, loc), _field_path(loc), message)
            for loc, message in _plan_problems(declaration, facts)
        ]
        if problems:
            raise PlanFileError(filename, problems)
    return declaration


def _plan_problems(
    declaration: Declaration, facts: PlanFacts
) -> Iterable[tuple[tuple[object, ...], str]]:
    for n, project_list in enumerate(declaration.project_lists):
        if project_list.program not in facts.programs:
            yield ("project_lists", n, "program"), f"计划中没有工程 {project_list.program}"
        for m, contribution in enumerate(project_list.contributions):
            if contribution.element and contribution.element not in facts.elements:
                loc = ("project_lists", n, "contributions", m, "element")
                yield loc, f"计划中没有数据元素 {contribution.element}"
        for m, link in enumerate(project_list.targets):
            loc = ("project_lists", n, "targets", m, "target")
            if link.target not in facts.target_programs:
                yield loc, f"计划中没有目标 {link.target}"
                continue
            program = facts.target_programs[link.target]
            # An overall target (no program) may restate a program's figure, as V00-09 does.
            if program not in (None, project_list.program):
                yield loc, f"目标 {link.target} 属于工程 {program}，不属于 {project_list.program}"


# --- Roll-up ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectFigures:
    """One project as the roll-up sees it."""

    status: str
    region: str
    planned_investment: Decimal | None = None
    actual_investment: Decimal | None = None
    contributions: Mapping[str, Decimal] = field(default_factory=dict)
    started_on: dt.date | None = None
    completed_on: dt.date | None = None


def status_on(project: ProjectFigures, as_of: dt.date | None) -> str:
    """The project's status on ``as_of``, from its start and completion dates."""
    if as_of is None or project.status in ("cancelled", "planned"):
        return project.status
    if project.completed_on and project.completed_on <= as_of:
        return "completed"
    if project.status == "completed":
        return "under_construction" if _started(project, as_of) else "planned"
    if project.status == "under_construction" and not _started(project, as_of):
        return "planned"
    return project.status


def _started(project: ProjectFigures, as_of: dt.date) -> bool:
    return project.started_on is None or project.started_on <= as_of


def measure(
    projects: Iterable[ProjectFigures], link: TargetLink, as_of: dt.date | None = None
) -> Decimal:
    """The projects' figure for one target, in the target's unit."""
    total = Decimal(0)
    for project in projects:
        status = status_on(project, as_of)
        if status == "cancelled":
            continue
        total += _amount(project, status, link)
    return total * link.scale


def _amount(project: ProjectFigures, status: str, link: TargetLink) -> Decimal:
    if link.measure == "count":
        return Decimal(1)
    if link.measure == "count_started":
        return Decimal(status in STARTED)
    if link.measure == "count_completed":
        return Decimal(status == "completed")
    if link.measure == "sum_planned_investment":
        return project.planned_investment or Decimal(0)
    if link.measure == "sum_investment":
        return project.actual_investment or Decimal(0)
    assert link.contribution is not None
    return project.contributions.get(link.contribution) or Decimal(0)


def attainment(actual: Decimal, target: Decimal | None) -> Decimal | None:
    """Actual as a percentage of the target; none without a positive target."""
    if target is None or target <= 0:
        return None
    return (actual / target * 100).quantize(Decimal("0.1"))


def region_chain(region: str, parents: Mapping[str, str | None]) -> list[str]:
    """The region and every region above it (county → city → province)."""
    chain = [region]
    while (parent := parents.get(chain[-1])) is not None:
        chain.append(parent)
    return chain


def by_region(
    projects: Iterable[ProjectFigures],
    link: TargetLink,
    parents: Mapping[str, str | None],
    as_of: dt.date | None = None,
) -> dict[str, Decimal]:
    """The figure of every region, each project counted in its region and all above it."""
    totals: dict[str, Decimal] = {}
    for project in projects:
        value = measure([project], link, as_of)
        for code in region_chain(project.region, parents):
            totals[code] = totals.get(code, Decimal(0)) + value
    return totals
