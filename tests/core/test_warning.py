"""Warning schemes (china-methods.md §2) at their boundaries, follow-ups and the rules file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.expressions import Period
from plantrack.core.generic import Comparator
from plantrack.core.nodata import NO_DATA
from plantrack.core.progress import Observation, TargetSpec, assess_progress
from plantrack.core.warning import (
    RULES_FILE,
    EarlyWarning,
    SchemeFileError,
    Severity,
    WarningInput,
    by_severity,
    evaluate_warnings,
    follow_ups,
    load_warning_rules,
    parse_warning_rules,
)

RULES = load_warning_rules()
JUNE, SEPT, MARCH = Period(2011, month=6), Period(2011, month=9), Period(2011, month=3)


def intensity(ytd: str, period: Period = JUNE, required: str = "-3.5", city: str = "330100"):
    return WarningInput(city, "energy_intensity", period, D(ytd), D(required), "decrease")


def rated(scheme: str, item: WarningInput) -> EarlyWarning:
    found = [w for w in evaluate_warnings(RULES, [item]) if w.scheme == scheme]
    assert len(found) == 1
    return found[0]


def test_shipped_rules_load_from_package_data_and_cite_sources() -> None:
    assert RULES_FILE.is_file()
    codes = {s.code for s in RULES.schemes}
    assert {"ndrc-2021-h1", "ndrc-2021-q1", "hangzhou-h1", "hangzhou-q3"} <= codes
    assert all(s.source for s in RULES.schemes)
    assert [f.name for f in RULES.follow_ups] == ["约谈"]
    assert not RULES.follow_ups[0].verified


# --- Hangzhou: percentage-point gap against the annual target (S20) ---------------------------


@pytest.mark.parametrize(
    ("gap", "severity", "label"),
    [
        ("0.29", None, ""),
        ("0.3", Severity.YELLOW, "Ⅰ级"),
        ("0.99", Severity.YELLOW, "Ⅰ级"),
        ("1", Severity.ORANGE, "Ⅱ级"),
        ("2", Severity.ORANGE, "Ⅱ级"),
        ("2.01", Severity.RED, "Ⅲ级"),
    ],
)
def test_hangzhou_half_year_boundaries(gap: str, severity: Severity | None, label: str) -> None:
    warning = rated("hangzhou-h1", intensity(str(D("-3.5") + D(gap))))
    assert (warning.severity, warning.label) == (severity, label)


@pytest.mark.parametrize(
    ("gap", "severity"),
    [
        ("0", None),
        ("0.01", Severity.YELLOW),
        ("0.49", Severity.YELLOW),
        ("0.5", Severity.ORANGE),
        ("1", Severity.ORANGE),
        ("1.01", Severity.RED),
    ],
)
def test_hangzhou_three_quarter_boundaries(gap: str, severity: Severity | None) -> None:
    warning = rated("hangzhou-q3", intensity(str(D("-3.5") + D(gap)), SEPT))
    assert warning.severity is severity


def test_hangzhou_rates_only_june_and_september() -> None:
    schemes = {w.scheme for w in evaluate_warnings(RULES, [intensity("-1", MARCH)])}
    assert "hangzhou-h1" not in schemes and "hangzhou-q3" not in schemes
    half = {w.scheme for w in evaluate_warnings(RULES, [intensity("-1", Period(2011, half=1))])}
    assert "hangzhou-h1" in half


def test_hangzhou_needs_rates_in_percent() -> None:
    item = WarningInput(
        "330100", "energy_intensity", JUNE, D("-0.03"), D("-0.035"), "decrease", unit=""
    )
    warning = rated("hangzhou-h1", item)
    assert warning.severity is None and "%" in warning.reason


# --- NDRC barometer (S43, S44) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ytd", "h1", "q1"),
    [
        ("-3.5", Severity.GREEN, Severity.GREEN),
        ("-3.15", Severity.YELLOW, Severity.YELLOW),  # short by exactly 10%: 在10%以内
        ("-3.14", Severity.YELLOW, Severity.RED),
        ("0", Severity.YELLOW, Severity.RED),  # flat: not 不降反升
        ("0.1", Severity.RED, Severity.RED),  # 不降反升
    ],
)
def test_ndrc_barometer_levels(ytd: str, h1: Severity, q1: Severity) -> None:
    assert rated("ndrc-2021-h1", intensity(ytd)).severity is h1
    assert rated("ndrc-2021-q1", intensity(ytd)).severity is q1


def test_ndrc_total_energy_uses_the_ten_percent_rule_on_the_cap() -> None:
    def total(actual: str) -> WarningInput:
        return WarningInput(
            "330000",
            "energy_total",
            JUNE,
            D(actual),
            D("100"),
            "decrease",
            kind="amount",
            unit="万吨标准煤",
        )

    assert rated("ndrc-2021-q1", total("100")).severity is Severity.GREEN
    assert rated("ndrc-2021-q1", total("110")).severity is Severity.YELLOW
    assert rated("ndrc-2021-q1", total("110.1")).severity is Severity.RED
    names = {w.scheme for w in evaluate_warnings(RULES, [total("120")])}
    assert "ndrc-2021-h1" not in names  # 629's total-consumption criteria were not found


# --- generic completion ratio (S48) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("done", "severity"),
    [
        ("100", Severity.GREEN),
        ("99.9", Severity.YELLOW),
        ("90", Severity.YELLOW),
        ("89.9", Severity.ORANGE),
        ("50.1", Severity.ORANGE),
        ("50", Severity.RED),
    ],
)
def test_completion_ratio_bands(done: str, severity: Severity) -> None:
    item = WarningInput(
        "330200",
        "energy_saved",
        JUNE,
        D(done),
        D("100"),
        "increase",
        kind="amount",
        unit="万吨标准煤",
    )
    assert rated("completion-ratio", item).severity is severity


# --- no data, order, monotonicity --------------------------------------------------------------


def test_no_data_gives_no_warning_with_a_reason() -> None:
    item = WarningInput("330300", "energy_intensity", JUNE, NO_DATA, D("-3.5"), "decrease")
    found = evaluate_warnings(RULES, [item])
    assert found and all(w.severity is None and "无数据" in w.reason for w in found)


def test_listing_puts_the_most_severe_first() -> None:
    found = evaluate_warnings(
        RULES,
        [intensity("-3.6", city="A"), intensity("0.5", city="B"), intensity("-3.3", city="C")],
    )
    ordered = [w.severity for w in by_severity(w for w in found if w.scheme == "ndrc-2021-q1")]
    assert ordered == [Severity.RED, Severity.YELLOW, Severity.GREEN]


@given(st.decimals(min_value=-10, max_value=10, places=2), st.decimals(0, 5, places=2))
def test_a_larger_gap_never_improves_the_level(ytd: D, more: D) -> None:
    for period in (JUNE, SEPT):
        better = evaluate_warnings(RULES, [intensity(str(ytd), period)])
        worse = evaluate_warnings(RULES, [intensity(str(ytd + more), period)])
        for a, b in zip(better, worse, strict=True):
            ra = a.severity.rank if a.severity else -1
            rb = b.severity.rank if b.severity else -1
            assert rb >= ra, (a.scheme, ytd, more)


def test_input_from_progress() -> None:
    target = TargetSpec(
        "M-E-01",
        "quantitative",
        dt.date(2011, 12, 31),
        "change",
        "decrease",
        Comparator.GE,
        D("3.5"),
        "%",
        base_year=2010,
    )
    progress = assess_progress(target, Observation(D("-2.4")), JUNE)
    item = WarningInput.from_progress(
        progress, target, subject="330000", indicator="energy_intensity"
    )
    assert rated("hangzhou-h1", item).severity is Severity.ORANGE


# --- follow-ups --------------------------------------------------------------------------------


def history(levels: list[Severity | None], city: str = "330100") -> list[EarlyWarning]:
    return [
        EarlyWarning(
            "ndrc-2021-q1", city, "energy_intensity", Period(2011, month=m + 1), level, "", "", True
        )
        for m, level in enumerate(levels)
    ]


def test_two_consecutive_reds_call_for_an_interview() -> None:
    red, yellow = Severity.RED, Severity.YELLOW
    due = follow_ups(history([red, yellow, red, red, red]))
    assert len(due) == 1
    assert due[0].name == "约谈"
    assert due[0].periods == (Period(2011, month=3), Period(2011, month=4))


def test_a_gap_in_the_data_breaks_the_run() -> None:
    assert follow_ups(history([Severity.RED, None, Severity.RED])) == []


def test_runs_are_per_subject() -> None:
    mixed = history([Severity.RED], "A") + history([Severity.GREEN, Severity.RED], "B")
    assert follow_ups(mixed) == []


# --- the rules file ----------------------------------------------------------------------------


def test_errors_name_the_line_and_field() -> None:
    text = RULES_FILE.read_text(encoding="utf-8").replace("severity: orange", "severity: purple", 1)
    with pytest.raises(SchemeFileError) as caught:
        parse_warning_rules(text, "rules.yaml")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "purple" in t)
    assert f"rules.yaml:{line}:" in str(caught.value)
    assert "schemes[2].levels[1].severity" in str(caught.value)


def test_levels_must_be_most_severe_first() -> None:
    text = RULES_FILE.read_text(encoding="utf-8").replace("severity: red", "severity: green", 1)
    with pytest.raises(SchemeFileError, match="most severe"):
        parse_warning_rules(text)


def test_a_boolean_measure_takes_true_or_false() -> None:
    text = RULES_FILE.read_text(encoding="utf-8").replace(
        '{measure: wrong_way, op: "=", value: true}', '{measure: wrong_way, op: "=", value: 1}'
    )
    with pytest.raises(SchemeFileError, match="true/false"):
        parse_warning_rules(text)
