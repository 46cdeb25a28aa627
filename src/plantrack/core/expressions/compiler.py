"""Checking indicator expressions, compiling them into closures, evaluating compiled sets.

:func:`compile_indicators` checks a whole set (names, cycles, types) and returns a
:class:`CompiledSet`, which evaluates every indicator for a region and period.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, TypeAlias

from plantrack.core.expressions.functions import _EAGER, _FUNCTIONS, Eager, Value, _ratio
from plantrack.core.expressions.grammar import (
    MAX_SHIFT_CHAIN,
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
)
from plantrack.core.expressions.sources import (
    AggregatingDataSource,
    Batch,
    DataSource,
    _batch,
    _number,
)
from plantrack.core.nodata import NO_DATA, NoData
from plantrack.core.periods import Period

Kind = Literal["number", "boolean"]


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
