"""Approved values as the indicators read them: by region, latest vintage, units added up."""

import datetime as dt
from decimal import Decimal

import pytest

from plantrack.core.nodata import NO_DATA
from plantrack.core.periods import Period
from plantrack.enterprises.models import Enterprise
from plantrack.plans.models import DataElement, Plan
from plantrack.progress.services import load
from plantrack.regions.models import Region
from plantrack.reporting.models import Status, Submission, Value

pytestmark = pytest.mark.django_db

JULY = Period.parse("2011-07")


def plan() -> Plan:
    return Plan.objects.select_related("region").get(code="zhejiang-2011")


def report(data_set, unit_key, values, *, region=None, enterprise=None, vintage="reported"):
    submission, _ = Submission.objects.get_or_create(
        data_set=data_set, unit_key=unit_key, period=str(JULY),
        defaults={"region": region, "enterprise": enterprise, "due": dt.date(2011, 8, 15),
                  "status": Status.APPROVED},
    )  # fmt: skip
    for code, value in values.items():
        element = DataElement.objects.get(plan=data_set.plan, code=code)
        Value.objects.create(submission=submission, element=element, vintage=vintage, value=value)
    return submission


@pytest.fixture
def plants(data_set):
    """Two enterprises in 西湖区 and one in 鄞州区 report energy use and output value."""
    data_set.reporter_kind = "enterprise"
    data_set.save()
    xihu, yinzhou = Region.objects.get(code="330106"), Region.objects.get(code="330212")
    made = {}
    for code, region in [("91330000000000000A", xihu), ("91330000000000000B", xihu),
                         ("91330000000000000C", yinzhou)]:  # fmt: skip
        made[code] = Enterprise.objects.create(code=code, name=f"企业{code[-1]}", region=region)
    return made


def test_enterprises_in_one_county_add_up_for_a_summed_element(data_set, plants):
    assert (
        DataElement.objects.get(plan=data_set.plan, code="energy_consumption").aggregation == "sum"
    )
    for code, energy in [("91330000000000000A", 30), ("91330000000000000B", 12),
                         ("91330000000000000C", 7)]:  # fmt: skip
        report(data_set, f"enterprise:{code}", {"energy_consumption": Decimal(energy)},
               enterprise=plants[code])  # fmt: skip
    # A verified figure of one plant replaces its own reported one, not its neighbour's.
    report(data_set, "enterprise:91330000000000000A", {"energy_consumption": Decimal(31)},
           vintage="verified")  # fmt: skip
    loaded = load(plan(), JULY, {"energy_consumption"})
    assert loaded.source.value("energy_consumption", "330106", JULY) == Decimal(43)
    assert loaded.source.value("energy_consumption", "330212", JULY) == Decimal(7)
    # The total is as firm as its least firm part: one plant is still only reported.
    assert loaded.vintage("energy_consumption", "330106", JULY) == "自报数"


def test_enterprises_of_an_element_without_a_total_give_no_county_value(data_set, plants):
    element = DataElement.objects.get(plan=data_set.plan, code="gdp_constant")
    element.aggregation = "none"
    element.save()
    for code in ["91330000000000000A", "91330000000000000B"]:
        report(
            data_set, f"enterprise:{code}", {"gdp_constant": Decimal(5)}, enterprise=plants[code]
        )
    report(data_set, "enterprise:91330000000000000C", {"gdp_constant": Decimal(9)},
           enterprise=plants["91330000000000000C"])  # fmt: skip
    loaded = load(plan(), JULY, {"gdp_constant"})
    assert loaded.source.value("gdp_constant", "330106", JULY) is NO_DATA
    assert loaded.source.value("gdp_constant", "330212", JULY) == Decimal(9)


def test_a_countys_own_report_wins_over_its_enterprises(data_set, plants):
    report(data_set, "enterprise:91330000000000000A", {"energy_consumption": Decimal(30)},
           enterprise=plants["91330000000000000A"])  # fmt: skip
    report(data_set, "region:330106", {"energy_consumption": Decimal(500)},
           region=Region.objects.get(code="330106"))  # fmt: skip
    loaded = load(plan(), JULY, {"energy_consumption"})
    assert loaded.source.value("energy_consumption", "330106", JULY) == Decimal(500)
