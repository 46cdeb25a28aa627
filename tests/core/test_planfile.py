"""Plan files are validated with errors that give the file, the line and the field."""

import textwrap

import pytest

from plantrack.core.planfile import PlanFileError, parse_plan

MINIMAL = textwrap.dedent(
    """\
    code: demo
    name: 示例计划
    short_name: 示例
    issuer: 某省人民政府
    region: "330000"
    year: 2011
    period_start: 2011-01-01
    period_end: 2011-12-31
    base_year: 2010
    departments:
      - {code: fgw, name: 省发改委, short_name: 发改委}
    domains:
      - code: energy
        name: 节能降耗
        clause: 附件1
        programs:
          - {code: E01, name: 工程一, clause: 附件1 二（一）, lead: [fgw]}
    indicators:
      - {code: saved, name: 节能量, unit: 万吨标准煤, kind: amount, direction: increase, aggregation: sum}
    targets:
      - code: T1
        name: 节能量
        statement: 年节能650万吨标准煤以上
        domain: energy
        kind: quantitative
        indicator: saved
        direction: increase
        comparator: ">="
        value: 650
        value_text: "650"
        unit: 万吨标准煤
        region: "330000"
        departments: [fgw]
        clause: 附件1 一（一）
        quote: 年节能650万吨标准煤以上
    """
)


def _error(text: str) -> PlanFileError:
    with pytest.raises(PlanFileError) as info:
        parse_plan(text, "demo.yaml")
    return info.value


def test_minimal_plan_is_valid():
    plan = parse_plan(MINIMAL)
    assert plan.targets[0].value == 650
    assert [p.code for _, p in plan.programs()] == ["E01"]


def test_wrong_type_is_reported_with_its_line_and_field():
    error = _error(MINIMAL.replace("value: 650", "value: 六百五十"))
    line = MINIMAL.splitlines().index("    value: 650") + 1
    assert error.problems[0][:2] == (line, "targets[0].value")
    assert str(error).startswith(f"demo.yaml:{line}: targets[0].value: ")


def test_unknown_department_reference_is_refused():
    error = _error(MINIMAL.replace("departments: [fgw]", "departments: [xyz]"))
    assert "目标 T1 引用了未声明的部门 xyz" in str(error)


def test_duplicate_target_codes_are_refused():
    target = MINIMAL[MINIMAL.index("  - code: T1") :]
    error = _error(MINIMAL + target)
    assert "目标编码 T1 重复" in str(error)


def test_quantitative_target_needs_its_value_and_milestone_its_due_date():
    error = _error(MINIMAL.replace('    value_text: "650"\n', ""))
    assert "value_text" in str(error)
    milestone = MINIMAL.replace("kind: quantitative", "kind: milestone")
    assert "due" in str(_error(milestone))
    assert parse_plan(
        milestone.replace(
            "    clause: 附件1 一（一）", "    due: 2011-08-25\n    clause: 附件1 一（一）"
        )
    )


def test_unknown_fields_are_refused_so_typos_do_not_pass_silently():
    error = _error(
        MINIMAL.replace("    unit: 万吨标准煤\n    region", "    unti: 万吨\n    region")
    )
    assert "targets[0].unti" in str(error)


def test_yaml_syntax_error_has_a_line():
    error = _error(MINIMAL.replace("name: 示例计划", "name: [示例计划"))
    assert error.problems[0][0] is not None and "YAML" in str(error)


def test_expression_naming_an_unknown_element_is_refused_with_its_line():
    text = MINIMAL.replace(
        "kind: amount, direction: increase, aggregation: sum}",
        "kind: amount, direction: increase, aggregation: sum, expression: '#{saved_raw} * 2'}",
    )
    error = _error(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "saved_raw" in row)
    assert error.problems[0][:2] == (line, "indicators[0].expression")
    assert "saved_raw" in str(error)


def test_cyclic_indicators_are_refused_naming_the_cycle():
    text = MINIMAL.replace(
        "indicators:\n",
        "indicators:\n"
        "  - {code: a, name: 甲, unit: 个, kind: count, direction: increase, aggregation: sum, expression: 'I{b} + 1'}\n"
        "  - {code: b, name: 乙, unit: 个, kind: count, direction: increase, aggregation: sum, expression: 'I{a} + 1'}\n",
    )
    error = _error(text)
    assert "indicators[" in str(error) and "a" in str(error) and "b" in str(error)


def test_data_set_rule_with_a_syntax_error_is_refused():
    text = MINIMAL + (
        "data_sets:\n"
        "  - code: monthly\n    name: 月报\n    frequency: month\n"
        "    reporters: {kind: region, level: county}\n    owner: fgw\n    deadline: {day: 15}\n"
        "    fields: [saved]\n"
        "    rules: [{expression: '#{saved} >= ', message: 不能为负}]\n"
    )
    error = _error(text)
    assert error.problems[0][1] == "data_sets[0].rules[0].expression"


def test_data_set_naming_an_undeclared_element_is_refused():
    text = MINIMAL + (
        "data_sets:\n"
        "  - code: monthly\n    name: 月报\n    frequency: month\n"
        "    reporters: {kind: region, level: county}\n    owner: fgw\n    deadline: {day: 15}\n"
        "    fields: [nothing_like_it]\n"
    )
    assert "报表 monthly 引用了未声明的数据元 nothing_like_it" in str(_error(text))
