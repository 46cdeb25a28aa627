"""Reported values up the region tree: a region's own figure, or the sum of its children's.

Cities report some elements themselves and leave others to their counties; the province reports
almost nothing itself. A region's value is its own report when there is one; otherwise, for an
element that adds up, the sum over its children — and no data if any child has none, because a
province total missing a county is not the province total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from plantrack.core.nodata import NO_DATA, NoData
from plantrack.core.periods import Period


class RollupSource:
    """A data source (``value(element, region, period)``) over stored values and a region tree."""

    def __init__(
        self,
        values: Mapping[tuple[str, str, Period], Decimal],
        children_of: Mapping[str, Sequence[str]],
        aggregation: Mapping[str, str],
    ) -> None:
        self._values = {(e, r, p.key): v for (e, r, p), v in values.items()}
        self._children = children_of
        self._aggregation = aggregation
        self._memo: dict[tuple[str, str, int], Decimal | NoData] = {}

    @classmethod
    def keyed(
        cls,
        values: dict[tuple[str, str, int], Decimal],
        children_of: Mapping[str, Sequence[str]],
        aggregation: Mapping[str, str],
    ) -> RollupSource:
        """A source over values already keyed by ``Period.key``; the dict is used as it is."""
        source = cls({}, children_of, aggregation)
        source._values = values
        return source

    def value(self, element: str, region: str, period: Period) -> Decimal | NoData:
        key = (element, region, period.key)
        own = self._values.get(key)
        if own is not None:
            return own
        if key in self._memo:
            return self._memo[key]
        result = self._rolled_up(element, region, period)
        self._memo[key] = result
        return result

    def _rolled_up(self, element: str, region: str, period: Period) -> Decimal | NoData:
        how = self._aggregation.get(element, "none")
        children = self._children.get(region, ())
        if how == "none" or not children:
            return NO_DATA
        parts = [self.value(element, child, period) for child in children]
        if any(part is NO_DATA for part in parts):
            return NO_DATA
        numbers = [part for part in parts if isinstance(part, Decimal)]
        if how == "sum":
            return sum(numbers, Decimal(0))
        return max(numbers) if how == "max" else min(numbers)
