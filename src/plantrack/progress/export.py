"""Progress rows as plain data: the JSON of `plantrack progress` and of the API."""

from decimal import Decimal
from typing import Any

from plantrack.core.nodata import NoData

from .labels import localized
from .services import TargetProgress


def number(value: Decimal | NoData | None) -> float | None:
    return float(value) if isinstance(value, Decimal) else None


def row_as_dict(row: TargetProgress) -> dict[str, Any]:
    p = row.progress
    worst = row.worst
    return {
        "target": row.target.code,
        "statement": row.target.statement,
        "level": row.target.level,
        "region": row.region.code,
        "region_name": row.region.name,
        "inherited": row.inherited,
        "period": str(p.period),
        "status": p.status.value,
        "value": number(p.value),
        "vintage": p.vintage,
        "required": number(p.required),
        "gap": number(p.gap),
        "share": number(p.share),
        "note": localized(p.note),
        "warning": (
            {
                "scheme": worst.scheme,
                "severity": worst.severity.value if worst.severity else None,
                "label": worst.label,
            }
            if worst
            else None
        ),
        "warnings": [
            {
                "scheme": w.scheme,
                "severity": w.severity.value if w.severity else None,
                "label": w.label,
                "reason": localized(w.reason),
                "verified": w.verified,
            }
            for w in row.warnings
        ],
    }
