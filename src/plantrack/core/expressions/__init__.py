"""Indicator expressions: parse, check and evaluate ``#{element}`` formulas safely.

An indicator of a plan file may be defined by an expression over data elements and other
indicators, in the spirit of DHIS2::

    change(#{energy} / #{gdp}, #{energy}[-1y] / #{gdp}[-1y])
    pct(#{sewage_treated}[ytd], #{sewage_total}[ytd])
    coalesce(I{cod_reported}, #{cod_estimated})

The text is read by a small tokenizer and a recursive-descent parser into dataclass nodes;
nothing the user writes ever reaches ``eval`` or Python compilation. :func:`compile_indicators`
checks a whole set at load time (names, cycles, types) and turns each tree into closures, so a
province-wide recomputation is a loop over ready-made functions.

Values are ``Decimal`` (floats from a data source go through ``repr``, as in
:mod:`plantrack.core.generic`), comparisons give ``bool``, and a missing input gives
:data:`~plantrack.core.nodata.NO_DATA`, which propagates. Division by zero also gives
``NO_DATA``: an undefined ratio is not a number to report, and evaluation never raises.

The package is split by concept: :mod:`.grammar` (limits, errors, syntax tree, parser,
printer), :mod:`.functions` (the built-in functions), :mod:`.compiler` (checking, closures,
compiled sets) and :mod:`.sources` (data sources). :class:`Period` lives in
:mod:`plantrack.core.periods` and is re-exported here.
"""

from plantrack.core.expressions.compiler import CompiledIndicator, CompiledSet, compile_indicators
from plantrack.core.expressions.functions import Value
from plantrack.core.expressions.grammar import (
    MAX_DEPTH,
    MAX_LENGTH,
    PLAIN,
    Arith,
    Call,
    Compare,
    ExpressionError,
    Logic,
    Modifier,
    Neg,
    Node,
    Not,
    Num,
    Ref,
    parse,
    to_text,
)
from plantrack.core.expressions.sources import (
    AggregatingDataSource,
    Aggregation,
    DataSource,
    MemoryDataSource,
)
from plantrack.core.periods import Period

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "PLAIN",
    "AggregatingDataSource",
    "Aggregation",
    "Arith",
    "Call",
    "Compare",
    "CompiledIndicator",
    "CompiledSet",
    "DataSource",
    "ExpressionError",
    "Logic",
    "MemoryDataSource",
    "Modifier",
    "Neg",
    "Node",
    "Not",
    "Num",
    "Period",
    "Ref",
    "Value",
    "compile_indicators",
    "parse",
    "to_text",
]
