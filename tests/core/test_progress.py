"""Progress status of a target at a period (china-methods.md §1.3) and its edge cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from plantrack.core.expressions import Period
from plantrack.core.generic import Comparator
from plantrack.core.nodata import NO_DATA
from plantrack.core.planfile import read_plan
from plantrack.core.progress import (
    Observation,
    Status,
    TargetSpec,
    Thresholds,
    assess_progress,
    cumulative_observation,
)

END_2011 = dt.date(2011, 12, 31)
JUNE, DEC = Period(2011, month=6), Period(2011, month=12)


def intensity_target(value: str = "3.5", level: str = "binding") -> TargetSpec:
    return TargetSpec(
        "M-E-01",
        "quantitative",
        END_2011,
        "change",
        "decrease",
        Comparator.GE,
        D(value),
        "%",
        level=level,
        base_year=2010,
    )  # type: ignore[arg-type]


def amount_target(value: str = "650") -> TargetSpec:
    return TargetSpec(
        "M-E-05",
        "quantitative",
        END_2011,
        "amount",
        "increase",
        Comparator.GE,
        D(value),
        "万吨标准煤",
    )


def five_year(total: str) -> TargetSpec:
    return TargetSpec(
        "FYP",
        "quantitative",
        dt.date(2015, 12, 31),
        "change",
        "decrease",
        Comparator.GE,
        D(total),
        "%",
        base_year=2010,
    )


# --- changes: year to date against the annual requirement -------------------------------------


@pytest.mark.parametrize(
    ("ytd", "status", "gap"),
    [
        ("-3.6", Status.ON_TRACK, "-0.1"),
        ("-3.5", Status.ON_TRACK, "0"),
        ("-3.2", Status.LAGGING, "0.3"),
        ("-3.15", Status.LAGGING, "0.35"),  # exactly 10% of 3.5 short: not yet serious
        ("-3.1", Status.SERIOUSLY_LAGGING, "0.4"),
        ("0.4", Status.DETERIORATING, "3.9"),  # 不降反升
    ],
)
def test_intensity_ytd_is_compared_with_the_whole_annual_requirement(
    ytd: str, status: Status, gap: str
) -> None:
    progress = assess_progress(intensity_target(), Observation(D(ytd), vintage="月报"), JUNE)
    assert progress.status is status
    assert progress.required == D("-3.5")
    assert progress.gap == D(gap)
    assert progress.vintage == "月报"
    assert not progress.final


def test_intensity_met_in_december_is_achieved_and_stretch_is_a_separate_call() -> None:
    observed = Observation(D("-3.7"))
    assert assess_progress(intensity_target(), observed, DEC).status is Status.ACHIEVED
    stretch = assess_progress(intensity_target("3.9", "stretch"), observed, DEC)
    assert stretch.status is Status.LAGGING and stretch.level == "stretch"
    assert stretch.final


def test_serious_threshold_is_a_parameter() -> None:
    loose = Thresholds(serious_gap_share=D("0.5"))
    progress = assess_progress(intensity_target(), Observation(D("-2")), JUNE, thresholds=loose)
    assert progress.status is Status.LAGGING


# --- multi-year changes: log-form progress share against the milestones ------------------------


def test_beijing_2011_progress_share_is_38_60_percent() -> None:
    # §1.3: Beijing 2011 −6.94% of a 17% five-year target → reported 38.58%, log form 38.60%.
    progress = assess_progress(five_year("17"), Observation(D("-6.94")), Period(2011))
    assert isinstance(progress.share, D)
    assert round(progress.share * 100, 2) == D("38.60")
    assert progress.expected_share == D("0.2")
    assert progress.status is Status.ON_TRACK


def test_tianjin_four_year_progress_share_is_100_39_percent() -> None:
    # §1.3: Tianjin 20.07% after four years of a 20% target → "完成进度的100.39%".
    target = TargetSpec(
        "TJ",
        "quantitative",
        dt.date(2010, 12, 31),
        "change",
        "decrease",
        Comparator.GE,
        D("20"),
        "%",
        base_year=2005,
    )
    progress = assess_progress(target, Observation(D("-20.07")), Period(2009))
    assert isinstance(progress.share, D)
    assert round(progress.share * 100, 2) == D("100.39")
    assert progress.expected_share == D("0.8")


def test_geometric_annual_rate_hits_the_milestone_exactly() -> None:
    # Shenzhen: 19.5% over five years is 4.2455% a year (§1.3 S13); one year of it is 20%.
    progress = assess_progress(five_year("19.5"), Observation(D("-4.24551")), Period(2011))
    assert isinstance(progress.required, D)
    assert round(progress.required, 4) == D("-4.2455")
    assert progress.status is Status.ON_TRACK


def test_zhejiang_chained_changes_give_the_published_cumulative_figure() -> None:
    # 2011 −3.1%, 2012 −6.1% → "'十二五'以来累计下降9%" (S7).
    observed = cumulative_observation([D("-3.1"), D("-6.1")], vintage="2012")
    assert isinstance(observed.value, D)
    assert round(observed.value, 1) == D("-9.0")
    progress = assess_progress(five_year("18"), observed, Period(2012))
    assert progress.expected_share == D("0.4")
    assert progress.status is Status.ON_TRACK


def test_a_missing_year_makes_the_cumulative_observation_no_data() -> None:
    observed = cumulative_observation([D("-3.1"), NO_DATA])
    assert observed.value is NO_DATA
    assert assess_progress(five_year("18"), observed, Period(2012)).status is Status.NO_DATA


# --- amounts -----------------------------------------------------------------------------------


def test_amount_is_due_in_proportion_to_the_year_elapsed() -> None:
    progress = assess_progress(amount_target(), Observation(D("325")), JUNE)
    assert progress.required == D("325")
    assert progress.expected_share == D("0.5")
    assert progress.status is Status.ON_TRACK
    behind = assess_progress(amount_target(), Observation(D("300")), JUNE)
    assert behind.status is Status.LAGGING and behind.gap == D("25")


def test_amount_follows_a_monthly_profile_when_given() -> None:
    profile = [D(s) for s in "0.05 0.1 0.15 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 1".split()]
    progress = assess_progress(amount_target(), Observation(D("260")), JUNE, profile=profile)
    assert progress.required == D("260.0")
    assert progress.status is Status.ON_TRACK


def test_a_bad_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="profile"):
        assess_progress(amount_target(), Observation(D("1")), JUNE, profile=[D("0.5")] * 12)


def test_an_amount_already_reached_is_achieved_before_year_end() -> None:
    progress = assess_progress(amount_target(), Observation(D("651")), JUNE)
    assert progress.status is Status.ACHIEVED


def test_a_quarter_uses_its_last_month() -> None:
    progress = assess_progress(amount_target(), Observation(D("162.5")), Period(2011, quarter=1))
    assert progress.required == D("162.5")


# --- levels ------------------------------------------------------------------------------------


def test_level_is_checked_with_its_comparator() -> None:
    forest = TargetSpec(
        "F", "quantitative", END_2011, "rate", "increase", Comparator.GE, D("60"), "%"
    )
    assert assess_progress(forest, Observation(D("60.5")), JUNE).status is Status.ON_TRACK
    assert assess_progress(forest, Observation(D("60.5")), DEC).status is Status.ACHIEVED
    assert assess_progress(forest, Observation(D("57")), JUNE).status is Status.LAGGING
    assert assess_progress(forest, Observation(D("53")), JUNE).status is Status.SERIOUSLY_LAGGING


def test_a_cap_level_is_met_from_below() -> None:
    leakage = TargetSpec(
        "W", "quantitative", END_2011, "rate", "decrease", Comparator.LE, D("12.8"), "%"
    )
    assert assess_progress(leakage, Observation(D("12.5")), DEC).status is Status.ACHIEVED
    late = assess_progress(leakage, Observation(D("13.5")), DEC)
    assert late.status is Status.LAGGING and late.gap == D("0.7")


def test_about_needs_a_tolerance() -> None:
    about = TargetSpec(
        "A", "quantitative", END_2011, "rate", "increase", Comparator.APPROX, D("90"), "%"
    )
    with pytest.raises(ValueError, match="左右"):
        assess_progress(about, Observation(D("89")), DEC)
    tolerant = TargetSpec(
        "A",
        "quantitative",
        END_2011,
        "rate",
        "increase",
        Comparator.APPROX,
        D("90"),
        "%",
        tolerance=D("2"),
    )
    assert assess_progress(tolerant, Observation(D("89")), DEC).status is Status.ACHIEVED


# --- milestones --------------------------------------------------------------------------------


MILESTONE = TargetSpec("V03-01", "milestone", dt.date(2011, 6, 30))


@pytest.mark.parametrize(
    ("completed_on", "period", "status"),
    [
        (None, Period(2011, month=3), Status.DUE_LATER),
        (None, Period(2011, month=6), Status.DUE_LATER),  # due on the period's last day
        (None, Period(2011, month=7), Status.OVERDUE),
        (dt.date(2011, 5, 2), Period(2011, month=6), Status.DONE),
        (dt.date(2011, 8, 2), Period(2011, month=7), Status.OVERDUE),  # not yet done in July
        (dt.date(2011, 8, 2), Period(2011, month=9), Status.DONE),
        (NO_DATA, Period(2011, month=9), Status.NO_DATA),
    ],
)
def test_milestone_status(completed_on: object, period: Period, status: Status) -> None:
    observation = Observation(completed_on=completed_on)  # type: ignore[arg-type]
    progress = assess_progress(MILESTONE, observation, period)
    assert progress.status is status
    assert progress.gap is None and progress.required is None


def test_a_late_milestone_is_done_with_a_note() -> None:
    progress = assess_progress(MILESTONE, Observation(completed_on=dt.date(2011, 8, 2)), DEC)
    assert "晚于期限" in progress.note and progress.note.params["due"] == str(MILESTONE.due)


# --- no data and not started -------------------------------------------------------------------


def test_no_data_is_never_zero() -> None:
    progress = assess_progress(amount_target(), Observation(), JUNE)
    assert progress.status is Status.NO_DATA
    assert progress.value is NO_DATA and progress.gap is NO_DATA


def test_a_target_that_has_not_started_is_due_later() -> None:
    target = TargetSpec(
        "Y12", "quantitative", dt.date(2012, 12, 31), "amount", "increase", Comparator.GE, D("10")
    )
    assert assess_progress(target, Observation(D("0")), JUNE).status is Status.DUE_LATER


# --- from the shipped plan file ----------------------------------------------------------------


def test_spec_from_the_zhejiang_plan() -> None:
    from pathlib import Path

    import plantrack.plans

    plan = read_plan(Path(plantrack.plans.__file__).parent / "data" / "zhejiang-2011.yaml")
    target = next(t for t in plan.targets if t.code == "M-E-01")
    indicator = next(i for i in plan.indicators if i.code == target.indicator)
    spec = TargetSpec.from_plan(target, indicator)
    assert (spec.indicator_kind, spec.value, spec.base_year) == ("change", D("3.5"), 2010)
    progress = assess_progress(spec, Observation(D("-3.1")), DEC)
    # 2011 Zhejiang −3.1% against 3.5%: NDRC found the annual target not met (§3.2 S16).
    assert progress.status is Status.SERIOUSLY_LAGGING and progress.final
