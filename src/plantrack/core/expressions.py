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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Literal, NamedTuple, Protocol, TypeAlias

from plantrack.core import energy
from plantrack.core.generic import round_half_up, to_decimal
from plantrack.core.nodata import NO_DATA, NoData

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

MAX_LENGTH = 2000
"""Longest expression accepted, in characters."""
MAX_DEPTH = 64
"""Deepest nesting accepted (parentheses, function calls, unary operators)."""
MAX_SHIFT_CHAIN = 16
"""Longest chain of period-shifted indicator references (``I{x}[-1y]`` inside ``x``'s inputs)."""
MAX_OFFSET = 50
"""Largest period offset in a modifier (``[-50y]``)."""

Value: TypeAlias = Decimal | bool | NoData
Kind = Literal["number", "boolean"]


class ExpressionError(ValueError):
    """An expression that cannot be used, located by indicator code and column (1-based).

    The plan loader prefixes the file and line; ``indicator``, ``column``, ``name`` (the
    offending element or indicator code) and ``cycle`` are attributes for it to use.
    """

    def __init__(
        self,
        message: str,
        *,
        column: int | None = None,
        indicator: str | None = None,
        name: str | None = None,
        cycle: tuple[str, ...] | None = None,
    ) -> None:
        self.message = message
        self.column = column
        self.indicator = indicator
        self.name = name
        self.cycle = cycle
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.indicator is not None:
            where.append(f"指标 {self.indicator}")
        if self.column is not None:
            where.append(f"第 {self.column} 列")
        return f"{' '.join(where)}：{self.message}" if where else self.message

    def for_indicator(self, code: str) -> ExpressionError:
        """Return a copy of this error attributed to indicator ``code``."""
        return ExpressionError(
            self.message, column=self.column, indicator=code, name=self.name, cycle=self.cycle
        )


# --- Periods -------------------------------------------------------------------------------

_SUB_OFFSET = {"month": 0, "quarter": 20, "half": 30}
_PER_YEAR = {"year": 1, "half": 2, "quarter": 4, "month": 12}


@dataclass(frozen=True, slots=True, eq=False)
class Period:
    """A reporting period: a year, or one month, quarter or half of it.

    At most one of ``month``, ``quarter`` and ``half`` is set; none means the whole year.
    ``key`` is a small integer identity (``year * 100 + sub``) that makes periods cheap to hash.
    """

    year: int
    month: int | None = None
    quarter: int | None = None
    half: int | None = None
    key: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        subs = [(n, v) for n, v in (("month", self.month), ("quarter", self.quarter),
                                    ("half", self.half)) if v is not None]  # fmt: skip
        if len(subs) > 1:
            raise ValueError("a period is a month, a quarter or a half-year, not several")
        sub = 0
        if subs:
            name, number = subs[0]
            if not 1 <= number <= _PER_YEAR[name]:
                raise ValueError(f"{name} {number} is out of range")
            sub = _SUB_OFFSET[name] + number
        object.__setattr__(self, "key", self.year * 100 + sub)

    def __hash__(self) -> int:
        return self.key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Period) and other.key == self.key

    def __str__(self) -> str:
        if self.month is not None:
            return f"{self.year}-{self.month:02d}"
        if self.quarter is not None:
            return f"{self.year}Q{self.quarter}"
        if self.half is not None:
            return f"{self.year}H{self.half}"
        return str(self.year)

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``2011``, ``2011-03``, ``2011Q1`` or ``2011H1``."""
        match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})|Q([1-4])|H([12]))?", text.strip())
        if not match:
            raise ValueError(f"not a period: {text!r}")
        year, month, quarter, half = (int(g) if g else None for g in match.groups())
        assert year is not None
        return cls(year, month, quarter, half)

    @property
    def frequency(self) -> Literal["year", "half", "quarter", "month"]:
        """How long the period is."""
        if self.month is not None:
            return "month"
        if self.quarter is not None:
            return "quarter"
        return "half" if self.half is not None else "year"

    @property
    def index(self) -> int:
        """Position within the year, 1-based (1 for an annual period)."""
        return self.month or self.quarter or self.half or 1

    def _with(self, year: int, index: int) -> Period:
        if self.month is not None:
            return Period(year, month=index)
        if self.quarter is not None:
            return Period(year, quarter=index)
        return Period(year, half=index) if self.half is not None else Period(year)

    def shift_years(self, years: int) -> Period:
        """The same period ``years`` later (negative: earlier)."""
        return self._with(self.year + years, self.index)

    def shift(self, periods: int) -> Period:
        """The period ``periods`` steps later, stepping by this period's own frequency."""
        per_year = _PER_YEAR[self.frequency]
        year, index = divmod(self.year * per_year + self.index - 1 + periods, per_year)
        return self._with(year, index + 1)

    def year_to_date(self) -> tuple[Period, ...]:
        """The periods of the same frequency from the start of the year up to this one."""
        return tuple(self._with(self.year, i) for i in range(1, self.index + 1))


# --- Syntax tree ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Modifier:
    """A period modifier: ``[-1y]``, ``[-1p]``, ``[ytd]``, ``[ytd,-1y]``, ``[base]``."""

    years: int = 0
    periods: int = 0
    ytd: bool = False
    base: bool = False

    def __str__(self) -> str:
        parts = ["base"] if self.base else []
        parts += ["ytd"] if self.ytd else []
        parts += [f"{self.years:+d}y"] if self.years else []
        parts += [f"{self.periods:+d}p"] if self.periods else []
        return f"[{','.join(parts)}]" if parts else ""


PLAIN = Modifier()


@dataclass(frozen=True)
class Num:
    """A decimal literal."""

    value: Decimal
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Ref:
    """``#{element}`` or ``I{indicator}``, with its period modifier."""

    kind: Literal["element", "indicator"]
    name: str
    modifier: Modifier = PLAIN
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Neg:
    """Unary minus."""

    operand: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Not:
    """Logical ``not``."""

    operand: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Arith:
    """A left-to-right chain of ``+ -`` or of ``* /``: ``first (op operand)...``.

    Chains are kept flat so that ``a + b + ... + z`` does not nest 2,000 levels deep.
    """

    first: Node
    rest: tuple[tuple[str, Node], ...]
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Compare:
    """One comparison; ``a < b < c`` is refused rather than guessed."""

    op: str
    left: Node
    right: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Logic:
    """``and`` or ``or`` over two or more operands."""

    op: Literal["and", "or"]
    operands: tuple[Node, ...]
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Call:
    """A call of one of the built-in functions."""

    name: str
    args: tuple[Node, ...]
    pos: int = field(default=0, compare=False)


Node: TypeAlias = Num | Ref | Neg | Not | Arith | Compare | Logic | Call


# --- Tokenizer -----------------------------------------------------------------------------


class _Token(NamedTuple):
    kind: str  # number, ref, name, op, modifier, end
    text: str
    pos: int


_TOKEN = re.compile(
    r"(?P<ws>\s+)|(?P<number>\d+(?:\.\d+)?|\.\d+)|(?P<ref>[#I]\{)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op><=|>=|==|!=|[-+*/<>(),])|(?P<modifier>\[)"
)
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
_OFFSET = re.compile(r"([+-])(\d+)([yp])")


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ExpressionError(f"无法识别的字符 {text[pos]!r}", column=pos + 1)
        kind = match.lastgroup or ""
        if kind == "ws":
            pos = match.end()
            continue
        closer = {"ref": "}", "modifier": "]"}.get(kind)
        if closer:
            end = text.find(closer, match.end())
            if end < 0:
                raise ExpressionError(f"缺少与之配对的 {closer}", column=pos + 1)
            tokens.append(_Token(kind, text[pos : end + 1], pos))
            pos = end + 1
        else:
            tokens.append(_Token(kind, match.group(), pos))
            pos = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _parse_modifier(token: _Token) -> Modifier:
    years = periods = 0
    ytd = base = False
    offset = token.pos + 1
    for item in token.text[1:-1].split(","):
        column = offset + len(item) - len(item.lstrip()) + 1
        offset += len(item) + 1
        word = item.strip()
        shift = _OFFSET.fullmatch(word)
        if word in ("ytd", "base") and (ytd if word == "ytd" else base):
            raise ExpressionError(f"时期修饰 {word} 重复", column=column)
        if word == "ytd":
            ytd = True
        elif word == "base":
            base = True
        elif shift and int(shift[2]) > MAX_OFFSET:
            raise ExpressionError(f"时期偏移 {word} 超过 {MAX_OFFSET}", column=column)
        elif shift and (years if shift[3] == "y" else periods):
            raise ExpressionError(f"时期偏移 {word} 重复", column=column)
        elif shift:
            amount = int(shift[1] + shift[2])
            years, periods = (amount, periods) if shift[3] == "y" else (years, amount)
        else:
            raise ExpressionError(
                f"无法识别的时期修饰 {word!r}（可用 -1y、-1p、ytd、base，以逗号分隔）",
                column=column,
            )
    if base and (ytd or years or periods):
        raise ExpressionError("base 表示基年全年值，不能与其他时期修饰合用", column=token.pos + 1)
    return Modifier(years, periods, ytd, base)


# --- Parser --------------------------------------------------------------------------------

_COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")


class _Parser:
    """Recursive descent over the token list; one method per precedence level."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.index = 0
        self.depth = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def _take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def _accept(self, *texts: str) -> _Token | None:
        token = self.token
        if token.kind in ("op", "name") and token.text in texts:
            self.index += 1
            return token
        return None

    def _expect(self, text: str, what: str) -> None:
        if not self._accept(text):
            raise self._unexpected(f"{what}需要 {text}")

    def _unexpected(self, expectation: str) -> ExpressionError:
        token = self.token
        if token.kind == "modifier":
            expectation = "时期修饰只能紧跟在 #{…} 或 I{…} 之后，且只能有一组"
        found = "表达式结尾" if token.kind == "end" else repr(token.text)
        return ExpressionError(f"{expectation}，遇到 {found}", column=token.pos + 1)

    def _nest(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"嵌套超过 {MAX_DEPTH} 层", column=token.pos + 1)

    def parse(self) -> Node:
        node = self._or()
        if self.token.kind != "end":
            raise self._unexpected("表达式应当结束")
        return node

    # Each precedence level is one method with its loop written out, so that one level of
    # nesting costs eight Python frames and MAX_DEPTH stays far below the recursion limit.
    def _or(self) -> Node:
        first = self._and()
        operands = [first]
        while self._accept("or"):
            operands.append(self._and())
        return first if len(operands) == 1 else Logic("or", tuple(operands), first.pos)

    def _and(self) -> Node:
        first = self._not()
        operands = [first]
        while self._accept("and"):
            operands.append(self._not())
        return first if len(operands) == 1 else Logic("and", tuple(operands), first.pos)

    def _not(self) -> Node:
        token = self._accept("not")
        if token is None:
            return self._comparison()
        self._nest(token)
        node = Not(self._not(), token.pos)
        self.depth -= 1
        return node

    def _comparison(self) -> Node:
        left = self._sum()
        token = self._accept(*_COMPARISONS)
        if token is None:
            return left
        right = self._sum()
        if self.token.kind == "op" and self.token.text in _COMPARISONS:
            raise self._unexpected("比较不能连写，请用 and 连接")
        return Compare(token.text, left, right, token.pos)

    def _sum(self) -> Node:
        first = self._term()
        rest: list[tuple[str, Node]] = []
        while token := self._accept("+", "-"):
            rest.append((token.text, self._term()))
        return Arith(first, tuple(rest), first.pos) if rest else first

    def _term(self) -> Node:
        first = self._unary()
        rest: list[tuple[str, Node]] = []
        while token := self._accept("*", "/"):
            rest.append((token.text, self._unary()))
        return Arith(first, tuple(rest), first.pos) if rest else first

    def _unary(self) -> Node:
        token = self._accept("-")
        if token is None:
            return self._primary()
        self._nest(token)
        node = Neg(self._unary(), token.pos)
        self.depth -= 1
        return node

    def _primary(self) -> Node:
        token = self.token
        if token.kind == "number":
            self.index += 1
            return Num(Decimal(token.text), token.pos)
        if token.kind == "ref":
            return self._reference()
        if token.kind == "name" and token.text not in ("and", "or", "not"):
            return self._call()
        if token.kind == "op" and token.text == "(":
            self._nest(self._take())
            node = self._or()
            self._expect(")", "括号")
            self.depth -= 1
            return node
        raise self._unexpected("这里需要数字、#{数据元}、I{指标}、函数或括号")

    def _reference(self) -> Ref:
        token = self._take()
        name = token.text[2:-1].strip()
        if not _CODE.fullmatch(name):
            raise ExpressionError(f"编码 {name!r} 不合法", column=token.pos + 3)
        modifier = _parse_modifier(self._take()) if self.token.kind == "modifier" else PLAIN
        kind: Literal["element", "indicator"] = "element" if token.text[0] == "#" else "indicator"
        return Ref(kind, name, modifier, token.pos)

    def _call(self) -> Call:
        token = self._take()
        if token.text not in _FUNCTIONS:
            if self.token.text != "(":
                raise ExpressionError(
                    f"未知的名称 {token.text}：数据元写作 #{{{token.text}}}，"
                    f"指标写作 I{{{token.text}}}",
                    column=token.pos + 1,
                    name=token.text,
                )
            known = "、".join(sorted(_FUNCTIONS))
            raise ExpressionError(
                f"未知的函数 {token.text}（可用：{known}）", column=token.pos + 1, name=token.text
            )
        self._expect("(", f"函数 {token.text} ")
        self._nest(token)
        args: list[Node] = []
        if not self._accept(")"):
            args.append(self._or())
            while self._accept(","):
                args.append(self._or())
            self._expect(")", f"函数 {token.text} 的参数后")
        self.depth -= 1
        return Call(token.text, tuple(args), token.pos)


def parse(text: str) -> Node:
    """Parse ``text`` into a syntax tree; raise :class:`ExpressionError` with its column.

    Function arity and argument types are checked later, by :func:`compile_indicators`.
    """
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"表达式长 {len(text)} 个字符，超过上限 {MAX_LENGTH}")
    if not text.strip():
        raise ExpressionError("表达式为空", column=1)
    return _Parser(text).parse()


# --- Printer -------------------------------------------------------------------------------

_PRECEDENCE = {"or": 1, "and": 2, "not": 3, "compare": 4, "+": 5, "*": 6, "neg": 7, "atom": 8}


def _precedence(node: Node) -> int:
    if isinstance(node, Logic):
        return _PRECEDENCE[node.op]
    if isinstance(node, Not):
        return _PRECEDENCE["not"]
    if isinstance(node, Compare):
        return _PRECEDENCE["compare"]
    if isinstance(node, Arith):
        return _PRECEDENCE["+" if node.rest[0][0] in "+-" else "*"]
    if isinstance(node, Neg):
        return _PRECEDENCE["neg"]
    return _PRECEDENCE["atom"]


def _child(node: Node, above: int) -> str:
    """Print a child, parenthesised unless it binds tighter than ``above``."""
    text = to_text(node)
    return text if _precedence(node) > above else f"({text})"


def to_text(node: Node) -> str:
    """Print a tree in canonical form; ``parse(to_text(tree)) == tree``."""
    if isinstance(node, Num):
        return format(node.value, "f")
    if isinstance(node, Ref):
        return f"{'#' if node.kind == 'element' else 'I'}{{{node.name}}}{node.modifier}"
    if isinstance(node, Neg):
        return "-" + _child(node.operand, _PRECEDENCE["neg"] - 1)
    if isinstance(node, Not):
        return "not " + _child(node.operand, _PRECEDENCE["not"] - 1)
    if isinstance(node, Arith):
        level = _precedence(node)
        parts = [_child(node.first, level)]
        parts += [f"{op} {_child(operand, level)}" for op, operand in node.rest]
        return " ".join(parts)
    if isinstance(node, Compare):
        level = _PRECEDENCE["compare"]
        return f"{_child(node.left, level)} {node.op} {_child(node.right, level)}"
    if isinstance(node, Logic):
        level = _PRECEDENCE[node.op]
        return f" {node.op} ".join(_child(operand, level) for operand in node.operands)
    return f"{node.name}({', '.join(to_text(arg) for arg in node.args)})"


# --- Functions -----------------------------------------------------------------------------
# Eager functions receive Decimals only (a NO_DATA argument short-circuits before the call)
# and may return NO_DATA themselves, e.g. for a zero denominator.


def _ratio(a: Decimal, b: Decimal) -> Decimal | NoData:
    return a / b if b else NO_DATA


def _change(now: Decimal, prev: Decimal) -> Decimal | NoData:
    return now / prev - 1 if prev else NO_DATA


def _pp(now: Decimal, prev: Decimal) -> Decimal:
    return now - prev


def _pct(a: Decimal, b: Decimal) -> Decimal | NoData:
    return 100 * a / b if b else NO_DATA


def _round(value: Decimal, decimals: Decimal = Decimal(0)) -> Decimal | NoData:
    if decimals != decimals.to_integral_value() or abs(decimals) > 20:
        return NO_DATA
    try:
        return round_half_up(value, int(decimals))
    except InvalidOperation:  # more digits than the decimal context holds
        return NO_DATA


def _min(*values: Decimal) -> Decimal:
    return min(values)


def _max(*values: Decimal) -> Decimal:
    return max(values)


def _sum(*values: Decimal) -> Decimal:
    return sum(values, Decimal(0))


def _intensity_change(
    e_prev: Decimal, g_prev: Decimal, e_now: Decimal, g_now: Decimal
) -> Decimal | NoData:
    # energy.intensity_change raises on a zero or negative GDP and on a zero previous
    # intensity; in an expression an undefined change is "no data", not an error.
    try:
        return energy.intensity_change(e_prev, g_prev, e_now, g_now)
    except ValueError:
        return NO_DATA


def _cumulative_change(*changes: Decimal) -> Decimal | NoData:
    return energy.cumulative_change(changes)


Eager = Callable[..., Value]

# name -> (fewest arguments, most arguments or None for any number, implementation)
_EAGER: dict[str, tuple[int, int | None, Eager]] = {
    "change": (2, 2, _change),
    "pp": (2, 2, _pp),
    "ratio": (2, 2, _ratio),
    "pct": (2, 2, _pct),
    "min": (1, None, _min),
    "max": (1, None, _max),
    "abs": (1, 1, abs),
    "round": (1, 2, _round),
    "sum": (1, None, _sum),
    "intensity_change": (4, 4, _intensity_change),
    "cumulative_change": (1, None, _cumulative_change),
}
# Lazy forms: only the arguments they need are evaluated.
_LAZY: dict[str, tuple[int, int | None]] = {"if": (3, 3), "coalesce": (1, None)}
_FUNCTIONS = {name: spec[:2] for name, spec in _EAGER.items()} | _LAZY


# --- Compiler ------------------------------------------------------------------------------

_UNSET = object()
_KIND_NAMES = {"number": "数值", "boolean": "条件（比较或 and/or/not 的结果）"}
_BINARY: dict[str, Callable[[Decimal, Decimal], Value]] = {
    "+": Decimal.__add__,
    "-": Decimal.__sub__,
    "*": Decimal.__mul__,
    "/": _ratio,
    "<": Decimal.__lt__,
    "<=": Decimal.__le__,
    ">": Decimal.__gt__,
    ">=": Decimal.__ge__,
    "==": Decimal.__eq__,
    "!=": Decimal.__ne__,
}

Closure: TypeAlias = Callable[["_Frame"], Value]


def _need(kind: Kind, want: Kind, node: Node, what: str) -> None:
    if kind != want:
        raise ExpressionError(
            f"{what}需要{_KIND_NAMES[want]}，这里是{_KIND_NAMES[kind]}", column=node.pos + 1
        )


def _eager2(impl: Callable[[Decimal, Decimal], Value], a: Closure, b: Closure) -> Closure:
    def run(frame: _Frame) -> Value:
        x = a(frame)
        if x is NO_DATA:
            return NO_DATA
        y = b(frame)
        if y is NO_DATA:
            return NO_DATA
        return impl(x, y)  # type: ignore[arg-type]

    return run


def _divide(a: Closure, b: Closure) -> Closure:
    # Written out rather than _eager2(_ratio, ...): divisions are the commonest operation.
    def run(frame: _Frame) -> Value:
        x = a(frame)
        if x is NO_DATA:
            return NO_DATA
        y = b(frame)
        if y is NO_DATA or not y:
            return NO_DATA
        return x / y  # type: ignore[return-value]

    return run


def _eager(impl: Eager, args: Sequence[Closure]) -> Closure:
    if len(args) == 2:
        return _eager2(impl, args[0], args[1])

    def run(frame: _Frame) -> Value:
        values = []
        for arg in args:
            value = arg(frame)
            if value is NO_DATA:
                return NO_DATA
            values.append(value)
        return impl(*values)

    return run


def _chain(first: Closure, rest: Sequence[tuple[str, Closure]]) -> Closure:
    if len(rest) == 1:
        op, second = rest[0]
        return _divide(first, second) if op == "/" else _eager2(_BINARY[op], first, second)
    steps = [(_BINARY[op], operand) for op, operand in rest]

    def run(frame: _Frame) -> Value:
        total = first(frame)
        for apply, operand in steps:
            if total is NO_DATA:
                return NO_DATA
            value = operand(frame)
            if value is NO_DATA:
                return NO_DATA
            total = apply(total, value)  # type: ignore[arg-type]
        return total

    return run


def _logic(op: str, operands: Sequence[Closure]) -> Closure:
    # Kleene logic: "false and <no data>" is false, "true or <no data>" is true.
    decisive = op == "or"

    def run(frame: _Frame) -> Value:
        unknown = False
        for operand in operands:
            value = operand(frame)
            if value is NO_DATA:
                unknown = True
            elif value is decisive:
                return decisive
        return NO_DATA if unknown else not decisive

    return run


def _if(cond: Closure, then: Closure, other: Closure) -> Closure:
    def run(frame: _Frame) -> Value:
        test = cond(frame)
        if test is NO_DATA:
            return NO_DATA
        return then(frame) if test is True else other(frame)

    return run


def _coalesce(operands: Sequence[Closure]) -> Closure:
    def run(frame: _Frame) -> Value:
        for operand in operands:
            value = operand(frame)
            if value is not NO_DATA:
                return value
        return NO_DATA

    return run


def _negate(operand: Closure, logical: bool) -> Closure:
    def run(frame: _Frame) -> Value:
        value = operand(frame)
        if value is NO_DATA:
            return NO_DATA
        if logical:
            return value is False
        return -value  # type: ignore[return-value]

    return run


def _element(name: str, slot: int, modifier: int, ytd: bool) -> tuple[Closure, Kind]:
    """Read an element once per frame; the hottest closure, so the read is written inline."""
    if ytd:

        def year_to_date(frame: _Frame) -> Value:
            value = frame.inputs[slot]
            if value is _UNSET:
                # Extend the previous period's total when it is known, so a year of monthly
                # frames reads each month once rather than up to twelve times. That total
                # covers span[:-1] unless the span starts a new year (a single period).
                span = frame.spans[modifier][1]
                before = frame.siblings.get(frame.before) if len(span) > 1 else None
                known = _UNSET if before is None else before.inputs[slot]
                value = frame.inputs[slot] = _sum_over(frame.data, name, frame.region, span, known)
            return value  # type: ignore[return-value]

        return year_to_date, "number"

    def element(frame: _Frame) -> Value:
        value = frame.inputs[slot]
        if value is _UNSET:
            value = frame.data.value(name, frame.region, frame.spans[modifier][0])
            if type(value) is not Decimal or not value.is_finite():
                value = _number(value)
            frame.inputs[slot] = value
        return value  # type: ignore[return-value]

    return element, "number"


class _Compiler:
    """Turns checked trees into closures over a :class:`_Frame`, registering input slots."""

    def __init__(
        self, index: Mapping[str, int], kinds: Mapping[str, Kind], trees: Iterable[Node]
    ) -> None:
        self.index = index
        self.kinds = kinds
        self.slots: dict[tuple[str, Modifier], int] = {}
        self.modifiers: dict[Modifier, int] = {PLAIN: 0}
        # Single-period reads take the first slots, so a frame can fill them in one batch.
        refs = [n for t in trees for n in _walk(t) if isinstance(n, Ref) and n.kind == "element"]
        for ref in sorted(refs, key=lambda r: r.modifier.ytd):
            self.slots.setdefault((ref.name, ref.modifier), len(self.slots))
            self._modifier_id(ref.modifier)
        self.single = sum(1 for _, modifier in self.slots if not modifier.ytd)

    def _modifier_id(self, modifier: Modifier) -> int:
        return self.modifiers.setdefault(modifier, len(self.modifiers))

    def compile(self, node: Node) -> tuple[Closure, Kind]:
        if isinstance(node, Num):
            constant = node.value
            return (lambda frame: constant), "number"
        if isinstance(node, Ref):
            return self._reference(node)
        if isinstance(node, Neg | Not):
            operand, kind = self.compile(node.operand)
            logical = isinstance(node, Not)
            _need(
                kind, "boolean" if logical else "number", node.operand, "not" if logical else "负号"
            )
            return _negate(operand, logical), kind
        if isinstance(node, Arith):
            first = self._number(node.first, "算术运算")
            rest = [(op, self._number(operand, "算术运算")) for op, operand in node.rest]
            return _chain(first, rest), "number"
        if isinstance(node, Compare):
            left, right = self._number(node.left, "比较"), self._number(node.right, "比较")
            return _eager2(_BINARY[node.op], left, right), "boolean"
        if isinstance(node, Logic):
            operands = [self._boolean(operand, node.op) for operand in node.operands]
            return _logic(node.op, operands), "boolean"
        return self._call(node)

    def _number(self, node: Node, what: str) -> Closure:
        closure, kind = self.compile(node)
        _need(kind, "number", node, what)
        return closure

    def _boolean(self, node: Node, what: str) -> Closure:
        closure, kind = self.compile(node)
        _need(kind, "boolean", node, what)
        return closure

    def _reference(self, node: Ref) -> tuple[Closure, Kind]:
        if node.kind == "element":
            slot = self.slots.setdefault((node.name, node.modifier), len(self.slots))
            return _element(node.name, slot, self._modifier_id(node.modifier), node.modifier.ytd)
        index = self.index[node.name]
        if node.modifier == PLAIN:
            return (lambda frame: frame.results[index]), self.kinds[node.name]
        shift = self._modifier_id(node.modifier)
        return (lambda frame: frame.shifted(shift).result(index)), self.kinds[node.name]

    def _call(self, node: Call) -> tuple[Closure, Kind]:
        fewest, most = _FUNCTIONS[node.name]
        if len(node.args) < fewest or (most is not None and len(node.args) > most):
            count = (
                str(fewest)
                if fewest == most
                else f"{fewest}{'个以上' if most is None else f'—{most}'}"
            )
            raise ExpressionError(
                f"函数 {node.name} 需要 {count} 个参数，这里有 {len(node.args)} 个",
                column=node.pos + 1,
            )
        what = f"函数 {node.name} 的参数"
        if node.name == "if":
            cond = self._boolean(node.args[0], "if 的条件")
            then, kind = self.compile(node.args[1])
            other, other_kind = self.compile(node.args[2])
            _need(other_kind, kind, node.args[2], "if 的两个分支类型一致，")
            return _if(cond, then, other), kind
        if node.name == "coalesce":
            compiled = [self.compile(arg) for arg in node.args]
            for arg, (_, kind) in zip(node.args[1:], compiled[1:], strict=True):
                _need(kind, compiled[0][1], arg, "coalesce 的各参数类型一致，")
            return _coalesce([closure for closure, _ in compiled]), compiled[0][1]
        args = [self._number(arg, what) for arg in node.args]
        return _eager(_EAGER[node.name][2], args), "number"


# --- Compiled sets -------------------------------------------------------------------------


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


@dataclass(frozen=True)
class CompiledIndicator:
    """One checked indicator: its tree, result kind and what it reads."""

    code: str
    expression: str | None
    tree: Node
    kind: Kind
    indicators: tuple[str, ...]
    elements: tuple[str, ...]


Spans: TypeAlias = tuple[tuple[Period, tuple[Period, ...]], ...]
YearToDateReads: TypeAlias = tuple[list[tuple[str, Period]], list[tuple[int, bool]], bool]


@dataclass
class _Program:
    closures: list[Closure]
    requires: list[tuple[int, ...]]  # per indicator: itself and its dependencies, in order
    slots: list[tuple[str, int]]  # per input slot: element code and modifier id
    single: int  # slots [0, single) read one period each; the others sum a year to date
    modifiers: list[Modifier]  # by modifier id
    base_year: int | None
    _spans: dict[int, Spans] = field(default_factory=dict)
    _previous: dict[int, int] = field(default_factory=dict)
    _reads: dict[int, list[tuple[str, Period]]] = field(default_factory=dict)
    _ytd_reads: dict[int, YearToDateReads] = field(default_factory=dict)

    def reads(self, period: Period) -> list[tuple[str, Period]]:
        """The (element, period) read by each single-period slot, for a batch read."""
        reads = self._reads.get(period.key)
        if reads is None:
            spans = self.spans(period)
            reads = [(element, spans[m][0]) for element, m in self.slots[: self.single]]
            self._reads[period.key] = reads
        return reads

    def previous(self, period: Period) -> int:
        """The key of the period before ``period``, memoised (a new Period costs µs)."""
        before = self._previous.get(period.key)
        if before is None:
            before = self._previous[period.key] = period.shift(-1).key
        return before

    def year_to_date_reads(self, period: Period) -> YearToDateReads:
        """For the year-to-date slots: the last period each adds, and whether it extends the
        previous period's total (False when the span is that single period, in January)."""
        plan = self._ytd_reads.get(period.key)
        if plan is None:
            spans = self.spans(period)
            slots = range(self.single, len(self.slots))
            reads = [(self.slots[s][0], spans[self.slots[s][1]][0]) for s in slots]
            extends = [(s, len(spans[self.slots[s][1]][1]) > 1) for s in slots]
            plan = self._ytd_reads[period.key] = (reads, extends, any(e for _, e in extends))
        return plan

    def spans(self, period: Period) -> Spans:
        """Per modifier id: the period it points at and the periods summed for it."""
        spans = self._spans.get(period.key)
        if spans is None:
            spans = self._spans[period.key] = tuple(self._span(period, m) for m in self.modifiers)
        return spans

    def _span(self, period: Period, modifier: Modifier) -> tuple[Period, tuple[Period, ...]]:
        if modifier.base:
            assert self.base_year is not None
            target = Period(self.base_year)
        else:
            target = period.shift_years(modifier.years).shift(modifier.periods)
        return target, target.year_to_date() if modifier.ytd else (target,)


class _Frame:
    """The inputs and results of one region and period during an evaluation."""

    __slots__ = (
        "before", "data", "inputs", "period", "program", "region", "results", "siblings", "spans"
    )  # fmt: skip

    def __init__(
        self,
        program: _Program,
        region: str,
        period: Period,
        data: DataSource,
        siblings: dict[int, _Frame],
        batch: Batch | None = None,
    ) -> None:
        self.program, self.region, self.period, self.data = program, region, period, data
        self.siblings, self.spans = siblings, program.spans(period)
        self.before = program.previous(period)  # key of the previous period's frame
        siblings[period.key] = self
        self.inputs: list[object] = [_UNSET] * len(program.slots)
        if batch is not None and program.single:
            # A frame that computes every indicator reads every single-period slot anyway;
            # frames for shifted periods stay lazy, since they compute a few indicators.
            values = batch(region, program.reads(period))
            if set(map(type, values)) != {Decimal} or not all(map(Decimal.is_finite, values)):  # type: ignore[arg-type]
                values = [_number(value) for value in values]
            self.inputs[: program.single] = values
        if batch is not None and len(program.slots) > program.single:
            self._extend_year_to_date(batch)
        self.results: list[Value] = [_UNSET] * len(program.closures)  # type: ignore[list-item]

    def _extend_year_to_date(self, batch: Batch) -> None:
        """Fill year-to-date slots from the previous period's totals plus one batch read."""
        reads, extends, any_extends = self.program.year_to_date_reads(self.period)
        before = self.siblings.get(self.before)
        if before is None and any_extends:
            return  # the first period of a run: the slots are summed when first read
        previous, inputs = (before.inputs if before else None), self.inputs
        for (slot, extend), value in zip(extends, batch(self.region, reads), strict=True):
            if type(value) is not Decimal or not value.is_finite():
                value = _number(value)
            if not extend:
                inputs[slot] = value
            elif previous is not None and (total := previous[slot]) is not _UNSET:
                no_data = total is NO_DATA or value is NO_DATA
                inputs[slot] = NO_DATA if no_data else total + value  # type: ignore[operator]

    def result(self, index: int) -> Value:
        results, closures = self.results, self.program.closures
        for i in self.program.requires[index]:
            if results[i] is _UNSET:
                try:
                    results[i] = closures[i](self)
                except ArithmeticError:  # e.g. a decimal overflow: an undefined value
                    results[i] = NO_DATA
        return results[index]

    def run_all(self) -> list[Value]:
        results, closures = self.results, self.program.closures
        for i, closure in enumerate(closures):
            if results[i] is _UNSET:
                try:
                    results[i] = closure(self)
                except ArithmeticError:
                    results[i] = NO_DATA
        return results

    def shifted(self, modifier: int) -> _Frame:
        period = self.spans[modifier][0]
        frame = self.siblings.get(period.key)
        if frame is None:
            frame = _Frame(self.program, self.region, period, self.data, self.siblings)
        return frame


def _sum_over(
    data: DataSource, element: str, region: str, span: tuple[Period, ...], known: object
) -> Decimal | NoData:
    """Sum ``span``, or add its last period to ``known``, the total of all the others."""
    if known is NO_DATA:
        return NO_DATA
    if known is not _UNSET:
        span = span[-1:]
    total = Decimal(0) if known is _UNSET else known
    for period in span:
        value = data.value(element, region, period)
        if type(value) is not Decimal or not value.is_finite():
            value = _number(value)
            if value is NO_DATA:
                return NO_DATA
        total += value  # type: ignore[operator]
    return total  # type: ignore[return-value]


class CompiledSet:
    """A checked, compiled set of indicators, ready to evaluate for any region and period."""

    def __init__(
        self,
        indicators: Mapping[str, CompiledIndicator],
        program: _Program,
    ) -> None:
        self.indicators = indicators
        self.codes = tuple(indicators)  # topological: dependencies first
        self._program = program
        self._index = {code: i for i, code in enumerate(self.codes)}

    @property
    def elements(self) -> frozenset[str]:
        """Every data element some indicator reads (to preload from a database)."""
        return frozenset(e for i in self.indicators.values() for e in i.elements)

    def evaluate(
        self,
        region: str,
        period: Period,
        data: DataSource,
        codes: Iterable[str] | None = None,
    ) -> dict[str, Value]:
        """Evaluate every indicator (or only ``codes``) for one region and period."""
        siblings: dict[int, _Frame] = {}
        reader = _reader(data, region)
        batch = _batch(reader) if codes is None else None
        frame = _Frame(self._program, region, period, reader, siblings, batch)
        if codes is None:
            values = dict(zip(self.codes, frame.run_all(), strict=True))
        else:
            values = {code: frame.result(self._index[code]) for code in codes}
        siblings.clear()  # frames and this dict refer to each other: free them now, not at GC
        return values

    def evaluate_many(
        self, regions: Iterable[str], periods: Sequence[Period], data: DataSource
    ) -> Iterator[tuple[str, Period, dict[str, Value]]]:
        """Yield ``(region, period, values)`` for every region and period, region by region.

        A generator, so a national run need not hold every result at once; values of shifted
        periods (``I{x}[-1y]``) are shared within a region.
        """
        program = self._program
        for region in regions:
            siblings: dict[int, _Frame] = {}
            reader = _reader(data, region)
            batch = _batch(reader)
            for period in periods:
                frame = siblings.get(period.key) or _Frame(
                    program, region, period, reader, siblings, batch
                )
                yield region, period, dict(zip(self.codes, frame.run_all(), strict=True))
            siblings.clear()  # break the frame <-> siblings cycles so the region is freed now


def _reader(data: DataSource, region: str) -> DataSource:
    """The source to read ``region`` from: a leaf region skips the aggregating layer."""
    return data.source_for(region) if isinstance(data, AggregatingDataSource) else data


def compile_indicators(
    indicators: Mapping[str, str | None],
    elements: Iterable[str],
    *,
    base_year: int | None = None,
) -> CompiledSet:
    """Parse, check and compile a plan's indicators; raise the first :class:`ExpressionError`.

    ``indicators`` maps each code to its expression; ``None`` means "measured directly by the
    data element of the same code", which is then declared implicitly. ``base_year`` is the
    plan's base year, needed by ``[base]``. Errors carry ``indicator`` and ``column``; unknown
    names carry ``name``, cycles carry ``cycle`` (the path, first code repeated at the end).
    """
    known = set(elements) | {code for code, text in indicators.items() if text is None}
    trees: dict[str, Node] = {}
    for code, text in indicators.items():
        try:
            trees[code] = Ref("element", code) if text is None else parse(text)
            _check_references(trees[code], known, indicators, base_year)
        except ExpressionError as error:
            raise error.for_indicator(code) from None
    order = _topological(trees)
    index = {code: i for i, code in enumerate(order)}
    compiler = _Compiler(index, kinds := {}, trees.values())
    compiled: dict[str, CompiledIndicator] = {}
    closures: list[Closure] = []
    requires: list[tuple[int, ...]] = []
    chain: dict[str, int] = {}
    for code in order:
        tree = trees[code]
        refs = [node for node in _walk(tree) if isinstance(node, Ref)]
        deps = tuple(dict.fromkeys(r.name for r in refs if r.kind == "indicator"))
        try:
            closure, kinds[code] = compiler.compile(tree)
            chain[code] = _shift_chain(refs, chain)
        except ExpressionError as error:
            raise error.for_indicator(code) from None
        closures.append(closure)
        needed = {index[code]}.union(*(requires[index[d]] for d in deps))
        requires.append(tuple(sorted(needed)))
        compiled[code] = CompiledIndicator(
            code, indicators[code], tree, kinds[code], deps,
            tuple(dict.fromkeys(r.name for r in refs if r.kind == "element")),
        )  # fmt: skip
    slots = [(element, compiler.modifiers[m]) for element, m in compiler.slots]
    program = _Program(
        closures, requires, slots, compiler.single, list(compiler.modifiers), base_year
    )
    return CompiledSet(compiled, program)


def _walk(tree: Node) -> Iterator[Node]:
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Neg | Not):
            stack.append(node.operand)
        elif isinstance(node, Arith):
            stack += [node.first, *(operand for _, operand in node.rest)]
        elif isinstance(node, Compare):
            stack += [node.left, node.right]
        elif isinstance(node, Logic):
            stack += node.operands
        elif isinstance(node, Call):
            stack += node.args


def _check_references(
    tree: Node, elements: set[str], indicators: Mapping[str, object], base_year: int | None
) -> None:
    for node in sorted(_walk(tree), key=lambda n: n.pos):
        if not isinstance(node, Ref):
            continue
        column = node.pos + 1
        if node.kind == "element" and node.name not in elements:
            raise ExpressionError(f"未知的数据元 {node.name}", column=column, name=node.name)
        if node.kind == "indicator" and node.name not in indicators:
            raise ExpressionError(f"未知的指标 {node.name}", column=column, name=node.name)
        if node.kind == "indicator" and node.modifier.ytd:
            raise ExpressionError(
                f"I{{{node.name}}} 不能用 ytd：指标值不能逐期相加（比率须由累计的数据元重算），"
                f"请改用 #{{…}}[ytd]",
                column=column,
                name=node.name,
            )
        if node.modifier.base and base_year is None:
            raise ExpressionError("用了 [base]，但没有给出计划基年", column=column, name=node.name)


def _topological(trees: Mapping[str, Node]) -> list[str]:
    """Order codes so that every indicator follows those it reads; refuse cycles."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in trees:
        if root in state:
            continue
        path = [root]
        todo = [iter(_indicator_refs(trees[root]))]
        state[root] = 1
        while todo:
            ref = next(todo[-1], None)
            if ref is None:
                todo.pop()
                state[path[-1]] = 2
                order.append(path.pop())
            elif state.get(ref.name) == 1:
                cycle = (*path[path.index(ref.name) :], ref.name)
                raise ExpressionError(
                    f"循环引用：{' → '.join(cycle)}",
                    column=ref.pos + 1,
                    indicator=path[-1],
                    name=ref.name,
                    cycle=cycle,
                )
            elif ref.name not in state:
                state[ref.name] = 1
                path.append(ref.name)
                todo.append(iter(_indicator_refs(trees[ref.name])))
    return order


def _indicator_refs(tree: Node) -> list[Ref]:
    refs = [n for n in _walk(tree) if isinstance(n, Ref) and n.kind == "indicator"]
    return sorted(refs, key=lambda n: n.pos)


def _shift_chain(refs: Sequence[Ref], chain: Mapping[str, int]) -> int:
    """Longest run of period-shifted indicator references this indicator starts."""
    longest = 0
    for ref in refs:
        if ref.kind == "indicator":
            longest = max(longest, chain[ref.name] + (ref.modifier != PLAIN))
            if longest > MAX_SHIFT_CHAIN:
                raise ExpressionError(
                    f"跨时期的指标引用链超过 {MAX_SHIFT_CHAIN} 层",
                    column=ref.pos + 1,
                    name=ref.name,
                )
    return longest


# --- Data sources --------------------------------------------------------------------------


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
