"""Does a plan add up? Program figures against the overall figure for the same indicator.

The 2011 plan is the example: its ten energy programs' savings sum to 717 万吨标准煤 against
an overall "年节能650万吨标准煤以上" — more than required, which is the margin the plan keeps.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ProgramSum:
    """An overall target beside the sum of its programs' targets for the same indicator."""

    indicator: str
    unit: str
    overall: Decimal
    programs_total: Decimal
    program_count: int

    @property
    def margin(self) -> Decimal:
        return self.programs_total - self.overall


TargetRow = tuple[str | None, Hashable | None, Decimal | None, str, str]


def program_sums(rows: Iterable[TargetRow]) -> list[ProgramSum]:
    """From (indicator, program, value, unit, level) rows of binding targets, pair each overall
    figure (no program) with the sum over programs of the same indicator and unit.

    Only indicators that have both an overall figure and at least two program figures are
    reported: a single program repeating the overall figure is not a decomposition.
    """
    overall: dict[tuple[str, str], Decimal] = {}
    parts: dict[tuple[str, str], dict[Hashable, Decimal]] = {}
    for indicator, program, value, unit, level in rows:
        if indicator is None or value is None or level != "binding":
            continue
        key = (indicator, unit)
        if program is None:
            overall.setdefault(key, Decimal(value))
        else:
            programs = parts.setdefault(key, {})
            programs[program] = programs.get(program, Decimal(0)) + Decimal(value)
    return [
        ProgramSum(
            key[0], key[1], overall[key], sum(parts[key].values(), Decimal(0)), len(parts[key])
        )
        for key in sorted(overall)
        if len(parts.get(key, {})) >= 2
    ]
