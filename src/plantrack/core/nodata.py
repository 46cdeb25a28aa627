"""The explicit "no data" value used across ``plantrack.core``.

Missing data must never turn into zero: a city that has not reported its energy use has not
used zero energy. Every core function that meets a missing input returns :data:`NO_DATA`
(or raises), and callers test for it with :func:`is_no_data`.

``NO_DATA`` is a singleton. It has no truth value: ``bool(NO_DATA)`` raises ``TypeError``, so
``if value:`` cannot silently treat "no data" like ``0`` or ``None``. It supports no arithmetic
either (``NO_DATA + 1`` raises ``TypeError``). It survives ``copy``, ``deepcopy`` and ``pickle``
as the same object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    # TypeIs (PEP 742) narrows both branches of `if is_no_data(x)`; it is in `typing` only from
    # Python 3.13, so it is imported for the type checker alone and costs nothing at run time.
    from typing_extensions import TypeIs

__all__ = ["NO_DATA", "NoData", "is_no_data"]


class NoData:
    """Type of the :data:`NO_DATA` singleton; do not instantiate it yourself.

    ``NoData()`` returns the existing singleton, so identity checks stay valid.
    """

    __slots__ = ()
    _instance: NoData | None = None

    def __new__(cls) -> NoData:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_DATA"

    def __str__(self) -> str:
        return "NO_DATA"

    def __bool__(self) -> bool:
        # A truth value would let `if energy:` treat missing data like 0.
        raise TypeError("NO_DATA has no truth value; test it with is_no_data(value)")

    def __reduce__(self) -> str:
        # Pickle by reference to the module-level name, keeping the singleton.
        return "NO_DATA"

    def __copy__(self) -> NoData:
        return self

    def __deepcopy__(self, memo: object) -> NoData:
        return self


NO_DATA: Final[NoData] = NoData()


def is_no_data(value: object) -> TypeIs[NoData]:
    """Return True when ``value`` is the :data:`NO_DATA` sentinel (never for 0 or None)."""
    return value is NO_DATA
