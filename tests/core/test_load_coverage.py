"""The coverage of the pollution load by online monitoring (V00-27), without a database."""

from decimal import Decimal
from fractions import Fraction

from plantrack.core.monitoring.coverage import EnterpriseLoad, coverage, equivalent_load
from plantrack.core.nodata import NO_DATA


def load(enterprise: str, city: str, pollutant: str, amount: str, monitored: bool):
    return EnterpriseLoad(enterprise, city, pollutant, Decimal(amount), monitored)


ROWS = [
    load("A", "330100", "cod", "900", True),
    load("B", "330100", "cod", "100", False),
    load("A", "330100", "nh3n", "10", False),
    load("C", "330200", "so2", "300", True),
    load("C", "330200", "cod", "50", False),
]


def test_share_per_city_and_pollutant_weighs_enterprises_by_their_load() -> None:
    cells = coverage(ROWS, "330000")
    cod = cells[("330100", "cod")]
    assert (cod.total, cod.monitored, cod.share) == (Decimal(1000), Decimal(900), Fraction(9, 10))
    assert (cod.enterprises, cod.monitored_enterprises) == (2, 1)
    assert cells[("330100", "nh3n")].share == 0
    assert ("330100", "so2") not in cells  # no load of SO2 in Hangzhou: no share at all


def test_the_province_adds_every_city() -> None:
    cod = coverage(ROWS, "330000")[("330000", "cod")]
    assert (cod.total, cod.monitored, cod.enterprises) == (Decimal(1050), Decimal(900), 3)
    assert coverage(ROWS, "330000")[("330000", "so2")].share == 1


def test_equivalent_load_adds_pollutants_by_their_reference_concentration() -> None:
    # COD 20 mg/L and NH3-N 1.0 mg/L (GB 3838-2002 III): 1 t NH3-N weighs as 20 t COD.
    assert equivalent_load("nh3n", Decimal(1)) == equivalent_load("cod", Decimal(20))
    # Air loads are per mg/m³: 0.15 t SO2 weighs as 1,000 t of water load at 1 mg/L.
    assert equivalent_load("so2", Decimal("0.15")) == equivalent_load("nh3n", Decimal(1000))
    hz = coverage(ROWS, "330000")[("330100", "equivalent")]
    assert hz.total == Decimal(900) / 20 + Decimal(100) / 20 + Decimal(10) / 1
    assert hz.monitored == Decimal(900) / 20
    # An enterprise with any monitored pollutant counts as monitored once.
    assert (hz.enterprises, hz.monitored_enterprises) == (2, 1)


def test_no_load_is_no_data_not_zero() -> None:
    cell = coverage([load("A", "330100", "cod", "0", True)], "330000")[("330100", "cod")]
    assert cell.share is NO_DATA
