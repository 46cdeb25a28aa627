from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.nodata import NO_DATA
from plantrack.core.periods import Period
from plantrack.core.rollup import RollupSource

JULY = Period(2011, month=7)
TREE = {"P": ["A", "B"], "A": ["a1", "a2"], "B": ["b1"]}


def test_own_value_wins_over_the_sum_of_children():
    source = RollupSource(
        {("x", "a1", JULY): Decimal(1), ("x", "a2", JULY): Decimal(2), ("x", "A", JULY): Decimal(10),
         ("x", "b1", JULY): Decimal(5)},
        TREE, {"x": "sum"},
    )  # fmt: skip
    assert source.value("x", "A", JULY) == 10
    assert source.value("x", "P", JULY) == 15


def test_a_missing_child_makes_the_total_missing_not_smaller():
    source = RollupSource(
        {("x", "a1", JULY): Decimal(1), ("x", "b1", JULY): Decimal(5)}, TREE, {"x": "sum"}
    )
    assert source.value("x", "A", JULY) is NO_DATA
    assert source.value("x", "P", JULY) is NO_DATA


def test_levels_do_not_add_up():
    source = RollupSource({("rate", "a1", JULY): Decimal(80)}, TREE, {"rate": "none"})
    assert source.value("rate", "A", JULY) is NO_DATA
    assert source.value("rate", "a1", JULY) == 80


@given(st.lists(st.integers(0, 10**9), min_size=3, max_size=3))
def test_province_total_equals_the_sum_of_its_leaves(numbers):
    leaves = ["a1", "a2", "b1"]
    values = {("x", leaf, JULY): Decimal(n) for leaf, n in zip(leaves, numbers, strict=True)}
    assert RollupSource(values, TREE, {"x": "sum"}).value("x", "P", JULY) == sum(numbers)
