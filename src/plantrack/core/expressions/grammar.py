"""The language of indicator expressions: limits, errors, syntax tree, parser and printer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, NamedTuple, TypeAlias

from plantrack.core.expressions.functions import _FUNCTIONS

MAX_LENGTH = 2000
"""Longest expression accepted, in characters."""
MAX_DEPTH = 64
"""Deepest nesting accepted (parentheses, function calls, unary operators)."""
MAX_SHIFT_CHAIN = 16
"""Longest chain of period-shifted indicator references (``I{x}[-1y]`` inside ``x``'s inputs)."""
MAX_OFFSET = 50
"""Largest period offset in a modifier (``[-50y]``)."""


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
