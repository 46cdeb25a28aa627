"""Where indicator expressions read element values: the protocol and two sources."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Literal, Protocol

from plantrack.core.generic import to_decimal
from plantrack.core.nodata import NO_DATA, NoData
from plantrack.core.periods import Period


class DataSource(Protocol):
    """Where element values come from: one value per element, region and period.

    A source may also offer ``values(region, reads)``, returning the values of a list of
    ``(element, period)`` pairs at once, in order (a database source: one query per region
    and period). The evaluator uses it, when present, to fill a frame's inputs in one call.
    """

    def value(self, element: str, region: str, period: Period) -> Decimal | float | int | NoData:
        """Return the value, or ``NO_DATA`` when nothing was reported."""
        ...


Batch = Callable[[str, Sequence[tuple[str, Period]]], list[object]]


def _batch(data: DataSource) -> Batch | None:
    values = getattr(data, "values", None)
    return values if callable(values) else None


def _number(value: object) -> Decimal | NoData:
    """Normalise a data-source value; NaN, infinities and ``None`` count as no data."""
    if type(value) is not Decimal:
        if value is NO_DATA or value is None:
            return NO_DATA
        value = to_decimal(value)  # type: ignore[arg-type]
    return value if value.is_finite() else NO_DATA


class MemoryDataSource:
    """Element values held in a dict; for tests, benchmarks and small imports."""

    def __init__(
        self, values: Mapping[tuple[str, str, Period], Decimal | float | int] | None = None
    ) -> None:
        self._values: dict[tuple[str, str, int], Decimal] = {}
        for (element, region, period), value in (values or {}).items():
            self.set(element, region, period, value)

    def set(self, element: str, region: str, period: Period, value: Decimal | float | int) -> None:
        """Store one value (converted to ``Decimal`` once, here)."""
        self._values[(element, region, period.key)] = to_decimal(value)

    def value(self, element: str, region: str, period: Period) -> Decimal | NoData:
        """Return the stored value or ``NO_DATA``."""
        return self._values.get((element, region, period.key), NO_DATA)

    def values(self, region: str, reads: Sequence[tuple[str, Period]]) -> list[object]:
        """Return the values of ``(element, period)`` pairs for one region, in order."""
        get = self._values.get
        return [get((element, region, period.key), NO_DATA) for element, period in reads]

    def __len__(self) -> int:
        return len(self._values)


Aggregation = Literal["sum", "max", "min", "none"]


class AggregatingDataSource:
    """Element values of a parent region computed from its children's (a province from cities).

    Indicators are then evaluated on the aggregated elements, so a ratio is recomputed from
    summed parts, never averaged. ``aggregation`` gives each element's method (the plan file's
    ``DataElement.aggregation``); an element it does not list, or listed as ``none``, is read
    for the parent region itself. A region with no children is read from ``source``. If any
    child lacks data, so does the parent: a partial total is not a total.
    """

    def __init__(
        self,
        source: DataSource,
        children_of: Mapping[str, Sequence[str]],
        aggregation: Mapping[str, Aggregation],
    ) -> None:
        self._source = source
        self._children = children_of
        self._aggregation = aggregation
        # One small dict per (element, region) rather than a million (element, region, period)
        # keys: fewer long-lived containers keep the garbage collector's passes short.
        self._cache: dict[tuple[str, str], dict[int, Decimal | NoData]] = {}

    def value(self, element: str, region: str, period: Period) -> Decimal | float | int | NoData:
        """Return the region's own value, or its children's aggregate for a parent region."""
        children = self._children.get(region)
        if not children:
            return self._source.value(element, region, period)
        series = self._cache.get((element, region))
        if series is None:
            if self._aggregation.get(element, "none") == "none":
                return self._source.value(element, region, period)
            series = self._cache[(element, region)] = {}
        cached = series.get(period.key)
        if cached is None:
            method = self._aggregation[element]
            cached = series[period.key] = self._combine(element, children, period, method)
        return cached

    def values(self, region: str, reads: Sequence[tuple[str, Period]]) -> list[object]:
        """Return the values of ``(element, period)`` pairs for one region, in order."""
        batch = None if self._children.get(region) else _batch(self._source)
        if batch is not None:
            return batch(region, reads)
        value = self.value
        return [value(element, region, period) for element, period in reads]

    def source_for(self, region: str) -> DataSource:
        """The source that serves ``region``: the underlying one for a region without children."""
        return self if self._children.get(region) else self._source

    def _combine(
        self, element: str, children: Sequence[str], period: Period, method: Aggregation
    ) -> Decimal | NoData:
        parents, read = self._children, self._source.value
        values: list[Decimal] = []
        for child in children:
            value = (self.value if child in parents else read)(element, child, period)
            if type(value) is not Decimal or not value.is_finite():
                value = _number(value)
                if isinstance(value, NoData):
                    return NO_DATA
            values.append(value)
        if method == "max":
            return max(values)
        if method == "min":
            return min(values)
        return sum(values, Decimal(0))

    def clear(self) -> None:
        """Forget cached aggregates (after the underlying data changed)."""
        self._cache.clear()
