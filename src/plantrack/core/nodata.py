"""The explicit "no data" value used across ``plantrack.core``.

Missing data must never turn into zero: a city that has not reported its energy use has not
used zero energy. Every core function that meets a missing input returns :data:`NO_DATA`
(or raises), and callers test for it with :func:`is_no_data` or ``value is NO_DATA``.

``NO_DATA`` is the single member of the one-member enum :class:`NoData` (the sentinel idiom
PEP 484 recommends), so both ``is_no_data(x)`` and ``x is NO_DATA`` narrow types under mypy.
It has no truth value: ``bool(NO_DATA)`` raises ``TypeError``, so ``if value:`` cannot silently
treat "no data" like ``0`` or ``None``. It supports no arithmetic (``NO_DATA + 1`` raises
``TypeError``), and it survives ``copy``, ``deepcopy`` and ``pickle`` as the same object.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    # TypeIs (PEP 742) narrows both branches of `if is_no_data(x)`; it is in `typing` only from
    # Python 3.13, so it is imported for the type checker alone and costs nothing at run time.
    from typing_extensions import TypeIs

__all__ = ["NO_DATA", "NoData", "is_no_data"]


class NoData(enum.Enum):
    """Type of the :data:`NO_DATA` sentinel; its only member is ``NoData.NO_DATA``."""

    NO_DATA = "NO_DATA"

    def __repr__(self) -> str:
        return "NO_DATA"

    def __str__(self) -> str:
        return "NO_DATA"

    def __bool__(self) -> Literal[False]:
        # A truth value would let `if energy:` treat missing data like 0.
        raise TypeError("NO_DATA has no truth value; test it with is_no_data(value)")


NO_DATA: Final = NoData.NO_DATA


def is_no_data(value: object) -> TypeIs[NoData]:
    """Return True when ``value`` is the :data:`NO_DATA` sentinel (never for 0 or None)."""
    return value is NO_DATA
