from decimal import Decimal

from plantrack.core.nodata import NO_DATA
from plantrack.web.templatetags.figures import figure


def test_figures_are_rounded_half_up_and_missing_ones_are_a_dash():
    assert figure(Decimal("-2.940318346")) == "-2.94"
    assert figure(Decimal("0.125")) == "0.13"
    assert figure(Decimal("40.00")) == "40"
    assert figure(NO_DATA) == "—" and figure(None) == "—"
