"""A small monthly data set reported by counties, approved by their city then the province."""

import pytest

from plantrack.core.periods import Period
from plantrack.departments.models import Department
from plantrack.plans.models import DataElement, Plan
from plantrack.reporting.actions import open_period
from plantrack.reporting.models import DataSet, DataSetElement, Submission


@pytest.fixture
def data_set(db) -> DataSet:
    plan = Plan.objects.get(code="zhejiang-2011")
    data_set = DataSet.objects.create(
        plan=plan,
        code="test_energy",
        name="测试能源月报",
        frequency="month",
        reporter_kind="region",
        reporter_level="county",
        owner=Department.objects.get(code="tjj"),
        deadline_day=15,
        approval_levels=["city", "province"],
        change_threshold=30,
        rules=[
            {
                "expression": "#{industrial_energy_consumption} <= #{energy_consumption}",
                "message": "规模以上工业能耗不能大于综合能源消费量",
            }
        ],
        first_period="2011-01",
        last_period="2011-12",
    )
    for order, code in enumerate(
        ["energy_consumption", "industrial_energy_consumption", "gdp_constant"]
    ):
        DataSetElement.objects.create(
            data_set=data_set,
            element=DataElement.objects.get(plan=plan, code=code),
            order=order,
            required=code != "gdp_constant",
        )
    return data_set


@pytest.fixture
def xihu_july(data_set) -> Submission:
    """西湖区's July 2011 report (a draft), with June already approved."""
    open_period(data_set, Period.parse("2011-07"))
    return Submission.objects.get(data_set=data_set, period="2011-07", unit_key="region:330106")
