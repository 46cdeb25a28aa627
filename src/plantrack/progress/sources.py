"""Approved reported values as a data source for the indicator expressions."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from plantrack.core.periods import Period, end_date
from plantrack.core.rollup import RollupSource
from plantrack.plans.models import DataElement, Plan
from plantrack.regions.models import Region
from plantrack.reporting.models import Status, Value, Vintage

VINTAGE_RANK = {"reported": 0, "verified": 1, "revised": 2}


@dataclass
class Loaded:
    source: RollupSource
    frequency: dict[str, str]  # element code -> data set frequency
    vintages: dict[tuple[str, str, int], str]  # (element, region, period key) -> vintage


def load_values(plan: Plan, years: range, as_of: Period) -> Loaded:
    """Every approved value of the plan in ``years`` (latest vintage of each), by unit region.

    A department reports for the plan's own region (the province); an enterprise for the
    region it is in.
    """
    rows = (
        Value.objects.filter(
            submission__data_set__plan=plan,
            submission__status=Status.APPROVED,
            value__isnull=False,
        )
        .filter(submission__period__regex=rf"^({'|'.join(str(y) for y in years)})")
        .values_list(
            "element__code",
            "vintage",
            "value",
            "submission__period",
            "submission__region__code",
            "submission__enterprise__region__code",
        )
    )
    best: dict[tuple[str, str, Period], tuple[int, Decimal]] = {}
    for element, vintage, value, period_text, region, enterprise_region in rows.iterator():
        if value is None:
            continue
        key = (element, region or enterprise_region or plan.region.code, _period(period_text))
        rank = VINTAGE_RANK[vintage]
        if key not in best or best[key][0] < rank:
            best[key] = (rank, value)
    children: dict[str, list[str]] = defaultdict(list)
    for code, parent in Region.objects.valid_on(end_date(as_of)).values_list(
        "code", "parent__code"
    ):
        if parent:
            children[parent].append(code)
    aggregation = dict(DataElement.objects.filter(plan=plan).values_list("code", "aggregation"))
    frequency = dict(
        plan.data_sets.values_list("fields__element__code", "frequency").order_by("frequency")
    )
    vintages = {
        (e, r, p.key): str(Vintage(list(VINTAGE_RANK)[rank]).label)
        for (e, r, p), (rank, _) in best.items()
    }
    values = {key: value for key, (_, value) in best.items()}
    return Loaded(RollupSource(values, children, aggregation), frequency, vintages)


@lru_cache(maxsize=4096)
def _period(text: str) -> Period:
    # Tens of thousands of values share a few dozen period strings.
    return Period.parse(text)
