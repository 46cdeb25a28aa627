"""A data set's cross-field rules, compiled once with the indicator expression language."""

from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache

from plantrack.core import expressions, validation
from plantrack.core.nodata import NO_DATA, NoData

from .models import DataSet

_HERE = "unit"
_NOW = expressions.Period(2000)


def compile_rules(data_set: DataSet) -> list[validation.Rule]:
    codes = tuple(data_set.fields.values_list("element__code", flat=True))
    return [
        validation.Rule(_checker(rule["expression"], codes), rule["message"])
        for rule in data_set.rules
    ]


def _checker(expression: str, codes: tuple[str, ...]):  # type: ignore[no-untyped-def]
    compiled = _compile(expression, codes)

    def check(values: Mapping[str, Decimal | None]) -> bool | NoData:
        source = expressions.MemoryDataSource(
            {(code, _HERE, _NOW): value for code, value in values.items() if value is not None}
        )
        result = compiled.evaluate(_HERE, _NOW, source)["rule"]
        return result if isinstance(result, bool) else NO_DATA

    return check


@lru_cache(maxsize=256)
def _compile(expression: str, codes: tuple[str, ...]) -> expressions.CompiledSet:
    return expressions.compile_indicators({"rule": expression}, codes)
