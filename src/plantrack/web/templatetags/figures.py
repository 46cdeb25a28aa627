"""How computed figures print on pages: rounded for reading, and a dash for "no data"."""

from decimal import Decimal

from django import template

from plantrack.core.generic import round_half_up

register = template.Library()


@register.filter
def figure(value: object, decimals: int = 2) -> str:
    """A number rounded half-up to ``decimals``; "—" for None and for NO_DATA, never "NO_DATA"."""
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return f"{round_half_up(Decimal(str(value)), decimals).normalize():f}"
    return "—"
