"""Monitoring figures: transmission/validity rates, amendments, window, exceedances,
supervisory compliance (plantrack.core.monitoring)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.hj212 import BEIJING
from plantrack.core.monitoring import window
from plantrack.core.monitoring.exceedance import HourValue, exceedances
from plantrack.core.monitoring.flags import HourStatus, flag_status
from plantrack.core.monitoring.rates import (
    AmendmentError,
    HourCounts,
    amend,
    count_hours,
    hour_statuses,
    month_hours,
    rates,
)
from plantrack.core.monitoring.supervisory import Sample, compliance, sample_complies
from plantrack.core.nodata import NO_DATA

SEPTEMBER = month_hours(2011, 9, BEIJING)


def test_a_month_owes_one_record_per_hour_in_beijing_time() -> None:
    assert len(SEPTEMBER) == 720
    assert SEPTEMBER[0] == dt.datetime(2011, 9, 1, tzinfo=BEIJING)
    assert SEPTEMBER[-1] == dt.datetime(2011, 9, 30, 23, tzinfo=BEIJING)
    assert len(month_hours(2011, 12, BEIJING)) == 744
    assert len(month_hours(2012, 2, BEIJING)) == 29 * 24


@pytest.mark.parametrize(
    ("flag", "protocol", "status"),
    [
        ("N", "2017", HourStatus.VALID),
        ("", "2017", HourStatus.VALID),
        ("n", "2017", HourStatus.VALID),
        ("M", "2017", HourStatus.INVALID),
        ("C", "2017", HourStatus.INVALID),
        ("D", "2017", HourStatus.INVALID),
        ("B", "2017", HourStatus.INVALID),
        ("S", "2017", HourStatus.INVALID),
        ("T", "2017", HourStatus.INVALID),
        ("F", "2017", HourStatus.INVALID),  # 2017: the instrument stopped
        ("F", "2005", HourStatus.EXCLUDED),  # 2005: the emission source stopped
        ("P", "2005", HourStatus.INVALID),
        ("3", "2005", HourStatus.VALID),
        ("2", "2005", HourStatus.INVALID),
        ("X", "2017", HourStatus.INVALID),
    ],
)
def test_flags_of_hj212_decide_an_hours_status(flag: str, protocol: str, status: str) -> None:
    assert flag_status(flag, protocol) == status  # type: ignore[arg-type]


def test_rates_of_a_month_with_gaps_and_maintenance() -> None:
    # 720 hours owed; 36 never arrived, 14 flagged M: 传输率 684/720 = 95 %,
    # 有效率 670/684, 传输有效率 = 670/720 = 93.06 % = 95 % × 97.95 %.
    flags = {h: "N" for h in SEPTEMBER[36:]}
    for h in SEPTEMBER[100:114]:
        flags[h] = "M"
    counts = count_hours(hour_statuses(SEPTEMBER, flags).values())
    assert counts == HourCounts(owed=720, received=684, valid=670, excluded=0)
    result = rates(counts)
    assert result.transmission == Fraction(684, 720) == Fraction(95, 100)
    assert result.validity == Fraction(670, 684)
    assert result.transmission_validity == Fraction(670, 720)
    assert result.transmission * result.validity == result.transmission_validity  # type: ignore[operator]


def test_records_outside_the_period_do_not_count() -> None:
    flags = {h: "N" for h in SEPTEMBER}
    flags[dt.datetime(2011, 10, 1, tzinfo=BEIJING)] = "N"
    counts = count_hours(hour_statuses(SEPTEMBER, flags).values())
    assert counts.received == 720
    assert rates(counts).transmission == 1


def test_no_owed_hours_is_no_data_not_zero() -> None:
    result = rates(HourCounts(0, 0, 0, 720))
    assert result.transmission is NO_DATA
    assert result.transmission_validity is NO_DATA
    nothing = rates(HourCounts(720, 0, 0))
    assert nothing.transmission == 0
    assert nothing.validity is NO_DATA
    assert nothing.transmission_validity == 0


def test_amendment_declares_shutdown_and_revalidates() -> None:
    flags = {h: "N" for h in SEPTEMBER[:700]}
    flags[SEPTEMBER[5]] = "D"
    statuses = hour_statuses(SEPTEMBER, flags)
    before = count_hours(statuses.values())
    assert before == HourCounts(720, 700, 699)
    # 停产 declared for the 20 missing hours; the fault hour judged valid on review.
    changes = {h: HourStatus.EXCLUDED for h in SEPTEMBER[700:]}
    changes[SEPTEMBER[5]] = HourStatus.VALID
    after = count_hours(amend(statuses, changes).values())
    assert after == HourCounts(700, 700, 700, 20)
    assert rates(after).transmission_validity == 1
    assert statuses[SEPTEMBER[5]] == HourStatus.INVALID  # the input is left alone


def test_a_missing_hour_cannot_be_amended_to_valid() -> None:
    statuses = hour_statuses(SEPTEMBER, {})
    with pytest.raises(AmendmentError, match="只能申报为停产"):
        amend(statuses, {SEPTEMBER[0]: HourStatus.VALID})
    with pytest.raises(AmendmentError, match="不在核算时段内"):
        amend(statuses, {dt.datetime(2011, 10, 1, tzinfo=BEIJING): HourStatus.EXCLUDED})
    with pytest.raises(AmendmentError):
        amend(statuses, {SEPTEMBER[0]: HourStatus.MISSING})


statuses_strategy = st.lists(st.sampled_from(list(HourStatus)), max_size=200)


@given(statuses_strategy)
def test_rates_lie_in_zero_one_and_the_product_is_exact(statuses: list[HourStatus]) -> None:
    result = rates(count_hours(statuses))
    for value in (result.transmission, result.validity, result.transmission_validity):
        if value is not NO_DATA:
            assert 0 <= value <= 1
    if result.validity is not NO_DATA and result.transmission is not NO_DATA:
        assert result.transmission * result.validity == result.transmission_validity


@given(statuses_strategy, st.data())
def test_losing_an_hour_never_raises_the_rates(statuses: list[HourStatus], data) -> None:  # type: ignore[no-untyped-def]
    received = [i for i, s in enumerate(statuses) if s in (HourStatus.VALID, HourStatus.INVALID)]
    if not received:
        return
    lost = data.draw(st.sampled_from(received))
    worse = [HourStatus.MISSING if i == lost else s for i, s in enumerate(statuses)]
    before, after = rates(count_hours(statuses)), rates(count_hours(worse))
    assert after.transmission < before.transmission  # type: ignore[operator]
    assert after.transmission_validity <= before.transmission_validity  # type: ignore[operator]


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50)), max_size=8))
def test_pooled_counts_give_a_rate_between_the_parts(parts: list[tuple[int, int, int]]) -> None:
    counts = [HourCounts(a + b + c, a + b, a) for a, b, c in parts]
    known = [r for c in counts if (r := rates(c).transmission_validity) is not NO_DATA]
    total = sum(counts, HourCounts(0, 0, 0))
    pooled = rates(total).transmission_validity
    if known:
        assert min(known) <= pooled <= max(known)  # type: ignore[operator]
    else:
        assert pooled is NO_DATA


def test_amendment_window_closes_after_the_declared_day_of_next_month() -> None:
    closes = window.closes(2011, 9, BEIJING)
    assert closes == dt.datetime(2011, 10, 11, tzinfo=BEIJING)
    assert window.closes(2011, 12, BEIJING, day=5) == dt.datetime(2012, 1, 6, tzinfo=BEIJING)
    assert window.is_open(2011, 9, dt.datetime(2011, 10, 10, 23, 59, tzinfo=BEIJING), BEIJING)
    assert not window.is_open(2011, 9, dt.datetime(2011, 10, 11, tzinfo=BEIJING), BEIJING)
    assert not window.is_open(2011, 9, dt.datetime(2011, 8, 31, 23, tzinfo=BEIJING), BEIJING)
    with pytest.raises(ValueError, match="aware"):
        window.is_open(2011, 9, dt.datetime(2011, 10, 1), BEIJING)  # noqa: DTZ001
    with pytest.raises(ValueError):
        window.closes(2011, 9, BEIJING, day=31)


def test_exceedances_judge_valid_hours_only() -> None:
    hours = SEPTEMBER[:5]
    values = [
        HourValue(hours[0], Decimal("99.9"), "N"),
        HourValue(hours[1], Decimal("100"), "N"),  # equal to the limit complies
        HourValue(hours[2], Decimal("150"), "N"),
        HourValue(hours[3], Decimal("180"), "M"),  # maintenance: not judged
        HourValue(hours[4], Decimal("999"), "T"),  # above range: listed, marked
    ]
    statuses = hour_statuses(hours, {v.hour: v.flag for v in values})
    found = exceedances(values, Decimal(100), statuses)
    assert [(e.hour, e.multiple, e.above_range) for e in found] == [
        (hours[2], Decimal("0.5000"), False),
        (hours[4], Decimal("8.9900"), True),
    ]
    assert exceedances(values, None, statuses) == []
    # An hour amended to invalid is no longer judged.
    amended = amend(statuses, {hours[2]: HourStatus.INVALID})
    assert [e.hour for e in exceedances(values, Decimal(100), amended)] == [hours[4]]


def test_supervisory_compliance_counts_occasions_and_samples() -> None:
    day = dt.date(2011, 9, 5)
    samples = [
        Sample("A", day, "COD", Decimal(80), Decimal(100)),
        Sample("A", day, "NH3-N", Decimal(16), Decimal(15)),  # fails: occasion A fails
        Sample("B", day, "COD", Decimal(100), Decimal(100)),  # equal complies
        Sample("B", day, "pH", Decimal("7.2"), Decimal(9), Decimal(6)),
        Sample("C", day, "SO2", Decimal(50), Decimal(100)),
        Sample("C", dt.date(2011, 9, 20), "SO2", Decimal(120), Decimal(100)),
        Sample("C", day, "flow", Decimal(3), None),  # no limit: not assessed
    ]
    result = compliance(samples)
    assert (result.occasions, result.occasions_compliant) == (4, 2)
    assert (result.samples, result.samples_compliant) == (6, 4)
    assert result.rate == Fraction(1, 2)
    assert compliance([]).rate is NO_DATA
    assert sample_complies(Sample("D", day, "pH", Decimal("5.9"), Decimal(9), Decimal(6))) is False
