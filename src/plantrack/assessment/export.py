"""Assessment results as plain data: `plantrack assess --format json` and the API."""

from decimal import Decimal
from typing import Any

from plantrack.core.assessment import ItemScore
from plantrack.core.nodata import NoData

from .services import CityResult


def _n(value: Decimal | NoData | None) -> float | None:
    return float(value) if isinstance(value, Decimal) else None


def _item(item: ItemScore) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "points": float(item.points),
        "awarded": _n(item.awarded),
        "completion": _n(item.completion),
        "bonus": _n(item.bonus),
        "verified": item.verified,
        "sub_items": [_item(s) for s in item.sub_items],
    }


def result_as_dict(city: CityResult) -> dict[str, Any]:
    r = city.result
    return {
        "region": city.region.code,
        "name": city.region.name,
        "rank": city.rank,
        "total": _n(r.total),
        "bonus": _n(r.bonus),
        "grade": r.grade,
        "veto": list(r.veto),
        "missing": list(r.missing),
        "unverified": list(r.unverified),
        "quantitative": [_item(i) for i in r.quantitative],
        "measures": [_item(i) for i in r.measures],
    }
