"""Approved reported values as a data source for the indicator expressions."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.db.models import CharField
from django.db.models.functions import Cast

from plantrack.core.periods import Period, end_date
from plantrack.core.rollup import RollupSource
from plantrack.enterprises.models import Enterprise
from plantrack.plans.models import DataElement, Plan
from plantrack.regions.models import Region
from plantrack.reporting.models import Status, Value, Vintage

VINTAGE_RANK = {"reported": 0, "verified": 1, "revised": 2}
# Value.value's decimal places: values read as text keep the scale the ORM would give them.
SCALE = Decimal(1).scaleb(-Value._meta.get_field("value").decimal_places)  # type: ignore[union-attr]


# One translated label per vintage, read when a page shows it: a lazy label per value cost a
# gettext call each, a third of a recompute.
VINTAGE_LABELS = [Vintage(name).label for name in VINTAGE_RANK]


@dataclass
class Loaded:
    source: RollupSource
    frequency: dict[str, str]  # element code -> data set frequency
    ranks: dict[tuple[str, str, int], int]  # (element, region, period key) -> vintage rank

    def vintage(self, element: str, region: str, period: Period) -> str | None:
        """The label of the vintage a stored value comes from; None for a rolled-up one."""
        rank = self.ranks.get((element, region, period.key))
        return None if rank is None else str(VINTAGE_LABELS[rank])


def load_values(
    plan: Plan, years: range, as_of: Period, elements: Collection[str] | None = None
) -> Loaded:
    """Every approved value of the plan in ``years`` (latest vintage of each), by region.

    A region reports its own figure. A department reports for the plan's own region (the
    province) and an enterprise for the region it is in: several of them can report the same
    element there, so their values are added up for a summed element (and left out for any
    other, which has no total); a region's own report of the same figure wins over them.
    ``elements`` narrows the read to the data elements a recompute needs: a province total
    rolls up every county, so reading all elements is most of its cost.
    """
    element_codes = dict(plan.data_elements.values_list("id", "code"))
    if elements is not None:
        wanted = set(elements)
        element_codes = {pk: code for pk, code in element_codes.items() if code in wanted}
    rows = Value.objects.filter(
        submission__data_set_id__in=list(plan.data_sets.values_list("id", flat=True)),
        submission__status=Status.APPROVED,
        value__isnull=False,
        # Period texts start with their year ("2011", "2011-07", "2011Q2"), so a range of
        # strings selects whole years and can use an index (a regex is a Python call per row
        # on SQLite).
        submission__period__gte=str(years.start),
        submission__period__lt=str(years.stop),
    )
    if elements is not None:
        rows = rows.filter(element_id__in=list(element_codes))
    # Ids, not codes: joining the element, region and enterprise tables for every one of
    # tens of thousands of rows was half of the query; their codes come from small maps.
    # The value comes as text and becomes a Decimal here: Django's per-row decimal converter
    # (float -> Decimal -> quantize on SQLite) was half the time of a recompute's read.
    selected = rows.annotate(text=Cast("value", CharField())).values_list(
        "element_id",
        "vintage",
        "text",
        "submission__period",
        "submission__region_id",
        "submission__enterprise_id",
        "submission__unit_key",
    )
    region_codes = dict(Region.objects.values_list("id", "code"))
    enterprise_regions = dict(Enterprise.objects.values_list("id", "region__code"))
    aggregation = dict(DataElement.objects.filter(plan=plan).values_list("code", "aggregation"))
    # One pass keyed as RollupSource keys its values: this loop is most of a recompute.
    values: dict[tuple[str, str, int], Decimal] = {}
    ranks: dict[tuple[str, str, int], int] = {}
    by_unit: dict[tuple[str, str, int], dict[str, tuple[int, Decimal]]] = defaultdict(dict)
    own_region = plan.region.code
    for element_id, vintage, text, period_text, region_id, enterprise_id, unit in selected.iterator(
        2000
    ):
        element = element_codes[element_id]
        value = Decimal(text).quantize(SCALE)
        rank = VINTAGE_RANK[vintage]
        if region_id is None:
            region = enterprise_regions.get(enterprise_id) or own_region
            units = by_unit[(element, region, _period_key(period_text))]
            if units.get(unit, (-1,))[0] < rank:
                units[unit] = (rank, value)
            continue
        key = (element, region_codes[region_id], _period_key(period_text))
        if ranks.get(key, -1) < rank:
            ranks[key] = rank
            values[key] = value
    for key, units in by_unit.items():
        if key in values or (len(units) > 1 and aggregation.get(key[0]) != "sum"):
            continue
        # A total is as firm as its least firm part.
        ranks[key] = min(rank for rank, _ in units.values())
        values[key] = sum((value for _, value in units.values()), Decimal(0))
    children: dict[str, list[str]] = defaultdict(list)
    for code, parent in Region.objects.valid_on(end_date(as_of)).values_list(
        "code", "parent__code"
    ):
        if parent:
            children[parent].append(code)
    frequency = dict(
        plan.data_sets.values_list("fields__element__code", "frequency").order_by("frequency")
    )
    return Loaded(RollupSource.keyed(values, children, aggregation), frequency, ranks)


@lru_cache(maxsize=4096)
def _period_key(text: str) -> int:
    # Tens of thousands of values share a few dozen period strings.
    return Period.parse(text).key
