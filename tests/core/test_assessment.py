"""The State Council 2007 assessment scheme (国发〔2007〕36号, china-methods.md §3.1)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.assessment import (
    DEFAULT_SCHEME_FILE,
    AssessmentResult,
    QuantitativeResult,
    load_scheme,
    parse_scheme,
    rank,
    score,
    table_points,
)
from plantrack.core.nodata import NO_DATA
from plantrack.core.warning import SchemeFileError

SCHEME = load_scheme()
TARGET = SCHEME.quantitative[0]


def full_measures(less: D = D(0)) -> dict[str, D]:
    """Every measure at full points, minus ``less`` on the last sub-item of structure."""
    scores: dict[str, D] = {}
    for item in SCHEME.measures:
        for sub in item.items or [item]:
            scores[sub.code] = sub.points
    scores["structure.elimination"] -= less
    return scores


def city(actual: str, target: str = "4", less: D = D(0), name: str = "") -> AssessmentResult:
    return score(
        SCHEME,
        {"energy_intensity": QuantitativeResult(D(actual), D(target))},
        full_measures(less),
        subject=name,
    )


def test_scheme_structure_is_40_plus_60() -> None:
    assert DEFAULT_SCHEME_FILE.is_file()
    assert TARGET.points == 40 and SCHEME.measure_points == 60
    assert [m.points for m in SCHEME.measures] == [2, 3, 20, 10, 9, 8, 3, 5]


def test_unverified_rows_are_flagged() -> None:
    flags = {m.code: m.verified for m in SCHEME.measures}
    assert flags["law_enforcement"] is False and flags["groundwork"] is False
    assert flags["structure"] is True
    result = city("4")
    assert result.unverified == ("law_enforcement", "groundwork")


@pytest.mark.parametrize(
    ("completion", "points"),
    [
        ("1", 40),
        ("0.9", 36),
        ("0.8", 32),
        ("0.7", 28),
        ("0.6", 24),
        ("0.5", 20),
        ("0.49", 0),
        ("0.95", 36),
        ("0.999", 36),
        ("0", 0),
    ],
)
def test_the_table_row_by_row(completion: str, points: int) -> None:
    # "完成目标的90% 36; 80% 32 …": a completion earns the highest row it reaches.
    assert table_points(TARGET, D(completion)) == (D(points), D(0))


@pytest.mark.parametrize(
    ("completion", "bonus"),
    [("1.05", 0), ("1.1", 3), ("1.19", 3), ("1.2", 6), ("1.3", 9), ("1.6", 9)],
)
def test_bonus_is_3_per_full_10_percent_over_at_most_9(completion: str, bonus: int) -> None:
    assert table_points(TARGET, D(completion)) == (D(40), D(bonus))


def test_linear_reading_is_available_as_an_option() -> None:
    linear = TARGET.model_copy(update={"interpolation": "linear"})
    assert table_points(linear, D("0.95")) == (D(38), D(0))
    assert table_points(linear, D("0.49")) == (D(0), D(0))


def test_zhejiang_2007_meets_its_target() -> None:
    # 2007 Zhejiang target −4.00%, actual −4.18% (104.5%, no full 10% over: no bonus); graded
    # 完成 by NDRC (公告2008年第55号, S57). With 52 of the 60 measure points: 92 → 完成.
    result = city("4.18", less=D(8))
    assert result.veto == () and result.bonus == 0
    assert result.total == 92 and result.grade == "完成"


@pytest.mark.parametrize(
    ("total_less", "grade"),
    [
        (0, "超额完成"),
        (5, "超额完成"),
        (6, "完成"),
        (20, "完成"),
        (21, "基本完成"),
        (40, "基本完成"),
        (41, "未完成"),
    ],
)
def test_grade_boundaries_95_80_60(total_less: int, grade: str) -> None:
    # Target met exactly: 40 + 60 = 100 points, less some measure points.
    scores = full_measures()
    left = D(total_less)
    for code in list(scores):
        take = min(left, scores[code])
        scores[code] -= take
        left -= take
    result = score(SCHEME, {"energy_intensity": QuantitativeResult(D(4), D(4))}, scores)
    assert result.total == 100 - total_less
    assert result.grade == grade


def test_veto_makes_a_missed_target_unfinished_whatever_the_score() -> None:
    result = city("3.96")  # 99%: 36 + 60 = 96 points, 超额完成 by points
    assert result.total == 96
    assert result.grade == "未完成"
    assert "未完成等级" in result.veto[0]


def test_extra_vetoes_from_other_binding_targets() -> None:
    result = score(
        SCHEME,
        {"energy_intensity": QuantitativeResult(D(5), D(4))},
        full_measures(),
        vetoes=["化学需氧量未完成"],
    )
    assert result.grade == "未完成" and result.veto == ("化学需氧量未完成",)


def test_missing_scores_leave_the_total_unknown_never_zero() -> None:
    scores = full_measures()
    scores["organisation.system"] = NO_DATA  # type: ignore[assignment]
    result = score(SCHEME, {"energy_intensity": QuantitativeResult(D(4), D(4))}, scores)
    assert result.total is NO_DATA and result.grade is None
    assert result.missing == ("organisation.system",)
    no_target = score(SCHEME, {}, full_measures())
    assert no_target.total is NO_DATA and "energy_intensity" in no_target.missing


def test_scores_outside_the_points_are_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        score(SCHEME, {}, {"organisation.system": D(2)})
    with pytest.raises(ValueError, match="not in scheme"):
        score(SCHEME, {}, {"nonsense": D(1)})


@given(st.decimals(0, 2, places=3), st.decimals(0, 1, places=3))
def test_score_is_monotone_in_the_completion_ratio(low: D, more: D) -> None:
    a, b = table_points(TARGET, low), table_points(TARGET, low + more)
    assert sum(b) >= sum(a)


def test_ranking_puts_vetoed_cities_last_and_shares_ties() -> None:
    results = [
        city("4.4", name="杭州"),  # 40 + 3 + 60 = 103
        city("3.96", name="宁波"),  # vetoed, 96
        city("4.0", name="温州"),  # 100
        city("4.0", name="嘉兴"),  # 100
        score(SCHEME, {}, {}, subject="湖州"),  # unscored
    ]
    ranked = rank(results)
    assert [(r.rank, r.result.subject) for r in ranked] == [
        (1, "杭州"),
        (2, "嘉兴"),
        (2, "温州"),
        (4, "宁波"),
        (None, "湖州"),
    ]


def test_scheme_errors_name_line_and_field() -> None:
    text = DEFAULT_SCHEME_FILE.read_text(encoding="utf-8").replace("points: 20\n", "points: 21\n")
    with pytest.raises(SchemeFileError, match="do not add up"):
        parse_scheme(text, "scheme.yaml")
    bad = DEFAULT_SCHEME_FILE.read_text(encoding="utf-8").replace(
        "interpolation: floor", "interpolation: cubic"
    )
    with pytest.raises(SchemeFileError) as caught:
        parse_scheme(bad, "scheme.yaml")
    line = next(n for n, t in enumerate(bad.splitlines(), 1) if "cubic" in t)
    assert f"scheme.yaml:{line}: quantitative[0].interpolation" in str(caught.value)
