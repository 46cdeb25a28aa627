"""The plan file: a YAML document that declares a plan, its programs, indicators and targets.

The schema is plain pydantic so a plan can be validated without Django. Errors name the file,
the line and the field, because the people who edit these files are not programmers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from plantrack.core import expressions

Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=64)]
RegionCode = Annotated[str, Field(pattern=r"^\d{6}$")]

Comparator = Literal[">=", ">", "<=", "<", "=", "≈"]
Direction = Literal["increase", "decrease", "maintain"]
Level = Literal["binding", "stretch"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Department(_Strict):
    """A department of the issuing government that leads or shares the plan's work (条)."""

    code: Code
    name: str
    short_name: str
    name_en: str = ""


class Program(_Strict):
    """A program (工程) of a domain, with the departments that lead and support it."""

    code: Code
    name: str
    clause: str
    lead: list[Code] = Field(min_length=1)
    support: list[Code] = []


class Domain(_Strict):
    """One of the plan's domains (节能降耗, 节约集约用地, 环境保护)."""

    code: Code
    name: str
    clause: str
    programs: list[Program]


class DataElement(_Strict):
    """A raw figure that units report; indicators are computed from data elements."""

    code: Code
    name: str
    unit: str
    value_type: Literal["number", "integer", "percent"] = "number"
    # Amounts add up across regions; a level such as a rate has no meaningful sum.
    aggregation: Literal["sum", "max", "min", "none"] = "sum"
    description: str = ""


class Indicator(_Strict):
    """What a target measures (指标), defined by an expression over data elements.

    Without an expression, the indicator is measured directly by the data element of the same
    code, which the loader then declares implicitly.
    """

    code: Code
    name: str
    unit: str
    kind: Literal["amount", "count", "ratio", "rate", "change", "pp_change", "level", "index"]
    direction: Direction
    # "recompute": a ratio is recomputed from the summed parts, never averaged.
    aggregation: Literal["sum", "recompute", "none"]
    expression: str | None = None
    description: str = ""


class Baseline(_Strict):
    """What a change is measured against: a year, a value, or both."""

    year: int | None = None
    value: Decimal | None = None
    unit: str | None = None


class Target(_Strict):
    """One thing that must be reached, for one region, at one level (确保 or 力争).

    ``value_text`` and ``unit`` are written exactly as the source document writes them;
    ``value`` is the number PlanTrack computes with (they differ only where ``reading``
    explains a correction of an evident typo).
    """

    code: Code
    name: str
    statement: str
    # None for the plan-wide duties of its guarantee measures (保障措施), e.g. the annual
    # implementation plans every city and department must submit by 25 August.
    domain: Code | None = None
    program: Code | None = None
    kind: Literal["quantitative", "milestone"]
    indicator: Code | None = None
    direction: Direction | None = None
    comparator: Comparator | None = None
    value: Decimal | None = None
    value_text: str | None = None
    unit: str = ""
    level: Level = "binding"
    region: RegionCode
    scope: str = ""
    departments: list[Code] = []
    baseline: Baseline | None = None
    due: dt.date | None = None
    clause: str
    quote: str = Field(min_length=2)
    reading: str = ""

    @model_validator(mode="after")
    def _kind_fields(self) -> Target:
        if self.kind == "quantitative":
            missing = [
                name
                for name in ("indicator", "direction", "comparator", "value", "value_text")
                if getattr(self, name) is None
            ]
            if missing:
                raise ValueError(f"定量目标缺少字段：{', '.join(missing)}")
        elif self.due is None:
            raise ValueError("里程碑目标必须有完成期限 due")
        return self


class DataSetField(_Strict):
    """A data element on a data set's form, with bounds of its own where the plan sets them."""

    element: Code
    required: bool = True
    min: Decimal | None = None
    max: Decimal | None = None


class DataSetRule(_Strict):
    """A check across the fields of one submission, e.g. ``#{part} <= #{total}``."""

    expression: str
    message: str


class Reporters(_Strict):
    """Who reports: every region of a level, listed departments, or registered enterprises."""

    kind: Literal["region", "department", "enterprise"]
    level: Literal["city", "county"] | None = None
    departments: list[Code] = []

    @model_validator(mode="after")
    def _complete(self) -> Reporters:
        if self.kind == "region" and self.level is None:
            raise ValueError("按行政区划填报时必须给出层级 level（city 或 county）")
        if self.kind == "department" and not self.departments:
            raise ValueError("按部门填报时必须列出部门 departments")
        return self


class Deadline(_Strict):
    """``day`` of the month ``months_after`` months after the period, or of a fixed ``month``."""

    day: int = Field(ge=1, le=31)
    months_after: int = Field(default=1, ge=0, le=12)
    month: int | None = Field(default=None, ge=1, le=12)


class DataSet(_Strict):
    """A data set (报表): what is reported, by whom, how often, by when, approved by whom."""

    code: Code
    name: str
    frequency: Literal["month", "quarter", "half", "year"]
    reporters: Reporters
    owner: Code
    deadline: Deadline
    approval: list[Literal["city", "province", "department"]] = []
    change_threshold: Decimal | None = Field(default=None, gt=0)
    fields: list[Code | DataSetField] = Field(min_length=1)
    rules: list[DataSetRule] = []

    def field_specs(self) -> list[DataSetField]:
        return [f if isinstance(f, DataSetField) else DataSetField(element=f) for f in self.fields]


class WarningBinding(_Strict):
    """Which early-warning scheme (by its code in a warning-rules file) rates which indicators.

    ``indicators`` are the plan's indicator codes, ``*`` for all; ``regions`` limits a local
    scheme (Hangzhou's) to the regions that adopted it; empty means every region.
    """

    scheme: str
    indicators: list[str] = ["*"]
    regions: list[RegionCode] = []


class AssessmentBinding(_Strict):
    """The assessment scheme cities are scored by, and which plan indicator feeds each of its
    quantitative items (e.g. the 2007 scheme's ``energy_intensity`` item ← the GDP energy
    intensity change).
    """

    scheme: str
    quantitative: dict[str, Code]


class NonTarget(_Strict):
    """A number in the source document that is not a target (a threshold, a date, a history).

    Declared so that the coverage check can prove every quantified statement is accounted for.
    """

    clause: str
    quote: str = Field(min_length=2)
    why: str = Field(min_length=2)


class Plan(_Strict):
    """A plan (行动计划 / 实施方案) of one issuing region for one period."""

    code: Code
    name: str
    short_name: str
    issuer: str
    region: RegionCode
    year: int
    period_start: dt.date
    period_end: dt.date
    base_year: int
    source: str = ""
    departments: list[Department] = []
    domains: list[Domain] = Field(min_length=1)
    data_elements: list[DataElement] = []
    indicators: list[Indicator] = []
    targets: list[Target] = []
    non_targets: list[NonTarget] = []
    data_sets: list[DataSet] = []
    warnings: list[WarningBinding] = []
    assessment: AssessmentBinding | None = None

    def programs(self) -> Iterator[tuple[Domain, Program]]:
        for domain in self.domains:
            for program in domain.programs:
                yield domain, program

    @model_validator(mode="after")
    def _references(self) -> Plan:
        problems = list(_reference_problems(self))
        if problems:
            raise ValueError("；".join(problems))
        return self


def _duplicates(codes: list[str]) -> set[str]:
    seen: set[str] = set()
    return {code for code in codes if code in seen or seen.add(code)}  # type: ignore[func-returns-value]


def _reference_problems(plan: Plan) -> Iterator[str]:
    departments = {d.code for d in plan.departments}
    domains = {d.code for d in plan.domains}
    programs = {p.code: d.code for d, p in plan.programs()}
    indicators = {i.code for i in plan.indicators}
    for kind, codes in (
        ("部门", [d.code for d in plan.departments]),
        ("工程", [p.code for _, p in plan.programs()]),
        ("数据元", [e.code for e in plan.data_elements]),
        ("指标", [i.code for i in plan.indicators]),
        ("目标", [t.code for t in plan.targets]),
        ("报表", [d.code for d in plan.data_sets]),
    ):
        for code in sorted(_duplicates(codes)):
            yield f"{kind}编码 {code} 重复"
    for _, program in plan.programs():
        for code in [*program.lead, *program.support]:
            if code not in departments:
                yield f"工程 {program.code} 引用了未声明的部门 {code}"
    elements = {e.code for e in plan.data_elements} | {
        i.code for i in plan.indicators if not i.expression
    }
    for data_set in plan.data_sets:
        for code in [data_set.owner, *data_set.reporters.departments]:
            if code not in departments:
                yield f"报表 {data_set.code} 引用了未声明的部门 {code}"
        for spec in data_set.field_specs():
            if spec.element not in elements:
                yield f"报表 {data_set.code} 引用了未声明的数据元 {spec.element}"
    if plan.assessment:
        for item, code in plan.assessment.quantitative.items():
            if code not in indicators:
                yield f"考核项 {item} 引用了未声明的指标 {code}"
    for target in plan.targets:
        if target.domain is not None and target.domain not in domains:
            yield f"目标 {target.code} 引用了未声明的领域 {target.domain}"
        if target.program and programs.get(target.program) != target.domain:
            yield f"目标 {target.code} 的工程 {target.program} 不属于领域 {target.domain}"
        if target.indicator and target.indicator not in indicators:
            yield f"目标 {target.code} 引用了未声明的指标 {target.indicator}"
        for code in target.departments:
            if code not in departments:
                yield f"目标 {target.code} 引用了未声明的部门 {code}"


class PlanFileError(ValueError):
    """A plan file that cannot be used, with every problem located by file, line and field."""

    def __init__(self, path: str, problems: list[tuple[int | None, str, str]]):
        self.path = path
        self.problems = problems
        lines = [
            f"{path}:{line if line else '?'}: {field or '(文件)'}: {message}"
            for line, field, message in problems
        ]
        super().__init__("\n".join(lines))


def read_plan(path: str | Path) -> Plan:
    """Parse and validate a plan file; raise :class:`PlanFileError` with located problems."""
    path = Path(path)
    return parse_plan(path.read_text(encoding="utf-8"), str(path))


def parse_plan(text: str, filename: str = "<plan>") -> Plan:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise PlanFileError(filename, [(line, "", f"YAML 语法错误：{error}")]) from None
    if root is None:
        raise PlanFileError(filename, [(1, "", "文件为空")])
    data = yaml.SafeLoader(text).get_single_data()
    lines = dict(_node_lines(root, ()))
    try:
        plan = Plan.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc = tuple(item["loc"])
            problems.append((_nearest_line(lines, loc), _field_path(loc), item["msg"]))
        raise PlanFileError(filename, problems) from None
    problems = [
        (_nearest_line(lines, loc), _field_path(loc), message)
        for loc, message in _expression_problems(plan)
    ]
    if problems:
        raise PlanFileError(filename, problems)
    return plan


def compile_plan_indicators(plan: Plan) -> expressions.CompiledSet:
    """The plan's indicators compiled over its data elements (declared or implicit)."""
    return expressions.compile_indicators(
        {i.code: i.expression for i in plan.indicators},
        [e.code for e in plan.data_elements],
        base_year=plan.base_year,
    )


def _expression_problems(plan: Plan) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Unknown names, cycles and syntax errors in indicator expressions and data set rules."""
    try:
        compile_plan_indicators(plan)
    except expressions.ExpressionError as error:
        index = next((n for n, i in enumerate(plan.indicators) if i.code == error.indicator), None)
        loc = ("indicators", index, "expression") if index is not None else ("indicators",)
        yield loc, f"计算公式有误：{error}"
    for n, data_set in enumerate(plan.data_sets):
        codes = [spec.element for spec in data_set.field_specs()]
        for m, rule in enumerate(data_set.rules):
            try:
                expressions.compile_indicators({"rule": rule.expression}, codes)
            except expressions.ExpressionError as error:
                yield ("data_sets", n, "rules", m, "expression"), f"校验规则有误：{error}"


def _node_lines(node: yaml.Node, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], int]]:
    yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            yield child, key.start_mark.line + 1
            yield from ((p, n) for p, n in _node_lines(value, child) if p != child)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _node_lines(item, (*path, index))


def _nearest_line(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def _field_path(loc: tuple[Any, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
