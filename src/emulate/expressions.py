"""The expression language of SPEC 7.2: formulas and conditions, parsed and evaluated, never `eval`.

One small language serves the `formula` kind, classification conditions and
award `when` conditions. This module owns its grammar, its types and its
evaluation; what a name or a function means is supplied by the caller.

Grammar (SPEC 7.9: precedence from loosest; one comparison, no chains)::

    expression := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := "-" unary | atom
    atom       := NUMBER | NAME | TEXT | NAME "(" [expression ("," expression)*] ")" | "(" expression ")"

NUMBER is `10` or `0.5` (exact decimals, never floats), NAME is letters,
digits and `_`, TEXT is a string in single or double quotes (no escapes: an
id never needs one). Booleans, numbers and texts are distinct types:
`1 + (a < b)` is an error, found by `check` before anything is evaluated.

The API:

- `parse(text) -> Expression | ExprError`: the tree (frozen dataclasses, each
  node with `offset`, the index of its first character in `text`) or the
  first syntax error (code E330).
- `check(expr, names, functions, want) -> list[ExprError]`: unknown names
  (E331, with did-you-mean), unknown functions (E332), wrong numbers of
  arguments (E333), and a number where a condition is wanted or the reverse
  (E334). `functions` maps a name to its `Signature`; `FORMULA_FUNCTIONS`,
  `CONDITION_FUNCTIONS` and `CONDITION_NAMES` are the sets SPEC 7.2 gives.
  `unavailable` maps a function that exists elsewhere but not here (`class()`
  in a class's own condition) to the reason, said in the message; `ids` maps
  a function that takes an id (`points`, `count`, `content`) to the ids it
  may name, and an id not among them is E305 (with did-you-mean), at the id.
- `evaluate(expr, env) -> Decimal | bool`: the value, in the decimal context
  of `emulate.arithmetic`. `Env.names` gives each name's value and
  `Env.functions` the caller's functions (`points`, `count`, `content`,
  `class`); `min`, `max`, `abs` and `if` are built in. A value may be `None`
  (a share of an own maximum of 0, a criterion that does not apply): then
  arithmetic gives `None`, an ordering comparison is false, `==` is true only
  against `None` and `!=` the reverse. `and`, `or` and `if` evaluate only
  what they need, so `b > 0 and a / b > 1` never divides by zero. Division by
  zero raises `DivisionByZero` with the offset of the divisor and the names it
  depends on, for the caller to point at the input that made it zero. Values
  that `check` rules out (a wrong type, an unknown name) raise `TypeError`:
  a caller's mistake, never a user's.
- `names_in(expr)`: the names an expression reads, in order; `render(expr,
  values)`: the expression as text, with names replaced by values (explanations).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Literal

from .arithmetic import CONTEXT, plain
from .fields import did_you_mean
from .i18n import _
from .yamlio import MAX_DECIMALS, MAX_INTEGER_DIGITS

#: how deeply parentheses, operators and calls may nest (a formula of a regulation needs a handful)
MAX_DEPTH = 50
#: how many operations may stand one inside another, chains included (`a + b + ...` of 100 terms):
#: checking and evaluating recurse along the tree, so its height is bounded well below Python's stack
MAX_HEIGHT = 100
#: the longest expression read (a regulation's formula is a line or two; this bounds the time to read one)
MAX_LENGTH = 10_000

Type = Literal["number", "condition", "text"]
Result = Decimal | bool | str | None

SYNTAX = "E330"
UNKNOWN_NAME = "E331"
UNKNOWN_FUNCTION = "E332"
ARITY = "E333"
WRONG_TYPE = "E334"
UNKNOWN_ID = "E305"  # a reference to an unknown criterion, content or deduction


@dataclass(frozen=True, slots=True)
class ExprError:
    """A problem in an expression at `offset`, the index of the offending character in its text."""

    offset: int
    code: str
    message: str


# --- the tree ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Number:
    offset: int
    value: Decimal


@dataclass(frozen=True, slots=True)
class Name:
    offset: int
    name: str


@dataclass(frozen=True, slots=True)
class Text:
    offset: int
    value: str


@dataclass(frozen=True, slots=True)
class Unary:
    offset: int
    op: Literal["-", "not"]
    operand: Expression


@dataclass(frozen=True, slots=True)
class Binary:
    offset: int  # where the left operand starts
    op: str
    left: Expression
    right: Expression
    op_offset: int = 0


@dataclass(frozen=True, slots=True)
class Call:
    offset: int
    function: str
    args: tuple[Expression, ...] = field(default=())


Expression = Number | Name | Text | Unary | Binary | Call

_COMPARISONS = ("<=", ">=", "==", "!=", "<", ">")
# binding strength, loosest first (SPEC 7.9): or, and, not, one comparison, + -, * /, unary -, atoms
_OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _NEGATE, _ATOM = range(1, 9)
_PRECEDENCE = {"or": _OR, "and": _AND, **dict.fromkeys(_COMPARISONS, _COMPARE), "+": _SUM, "-": _SUM}
_PRECEDENCE |= {"*": _PRODUCT, "/": _PRODUCT}


# --- functions ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Signature:
    """A function's parameters (`None` in `params`: any number of `variadic` ones, at least `least`)."""

    params: tuple[Type, ...]
    result: Type
    variadic: Type | None = None
    least: int = 0

    def accepts(self, count: int) -> bool:
        return count >= self.least if self.variadic is not None else count == len(self.params)

    def param(self, i: int) -> Type:
        return self.variadic if self.variadic is not None else self.params[i]

    def arity(self) -> str:
        if self.variadic is not None:
            return _("at least {n}").format(n=self.least)
        return str(len(self.params))


# `if` takes two numbers: a condition is chosen with and/or/not, never with `if`
BUILT_IN: dict[str, Signature] = {
    "min": Signature((), "number", variadic="number", least=2),
    "max": Signature((), "number", variadic="number", least=2),
    "abs": Signature(("number",), "number"),
    "if": Signature(("condition", "number", "number"), "number"),
}
FORMULA_FUNCTIONS: dict[str, Signature] = dict(BUILT_IN)
CONDITION_FUNCTIONS: dict[str, Signature] = {
    **BUILT_IN,
    "points": Signature(("text",), "number"),
    "count": Signature(("text",), "number"),
    "content": Signature(("text",), "number"),
    "class": Signature((), "text"),
}
CONDITION_NAMES: frozenset[str] = frozenset({"total", "base", "bonus", "deductions", "share", "lowest_criterion_share"})


# --- parsing -----------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<number>[0-9]+(?:\.[0-9]+)?)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<text>'[^']*'|"[^"]*")
    | (?P<op><=|>=|==|!=|<|>|\+|-|\*|/|\(|\)|,)
    | (?P<other>\S)
    )""",
    re.VERBOSE,
)
_KEYWORDS = frozenset({"and", "or", "not"})
# what users coming from spreadsheets or programming write instead
_INSTEAD = {"=": "==", "&": "and", "|": "or", "!": "not", "%": "/ 100 *", "×": "*", "÷": "/", ";": ","}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # number, name, text, op, end, other
    text: str
    offset: int


class _SyntaxError(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


def _tokens(text: str) -> list[_Token]:
    found: list[_Token] = []
    position = 0
    while True:
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:  # only blanks are left
            found.append(_Token("end", "", len(text)))
            return found
        kind = match.lastgroup
        token = _Token(kind, match.group(kind), match.start(kind))
        if kind == "other":
            _unexpected_character(token)
        if kind == "name" and token.text in _KEYWORDS:
            token = _Token("op", token.text, token.offset)
        found.append(token)
        position = match.end()


def _unexpected_character(token: _Token) -> None:
    if token.text in "'\"":
        raise _SyntaxError(
            token.offset, _("the text starting here has no closing quote ({quote})").format(quote=token.text)
        )
    if token.text == "." or token.text == ",":
        raise _SyntaxError(
            token.offset, _("a number is written with digits on both sides of a dot, as in 0.5 (never 1,5 or .5)")
        )
    instead = _INSTEAD.get(token.text)  # `=`, and `&&` or `||` at their first character
    hint = " " + _("(write '{instead}')").format(instead=instead) if instead else ""
    raise _SyntaxError(
        token.offset, _("'{character}' is not part of the language{hint}").format(character=token.text, hint=hint)
    )


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0
        self.depth = 0
        self.heights: dict[int, int] = {}  # id(node) -> the height of its tree (leaves are 0)

    @property
    def token(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def is_op(self, *ops: str) -> bool:
        return self.token.kind == "op" and self.token.text in ops

    def expression(self) -> Expression:
        self.nest(self.token)
        try:
            return self.binary(_OR)
        finally:
            self.depth -= 1

    def binary(self, level: int) -> Expression:
        """Left-associative operators of `level` and tighter; `not`, comparisons and unary minus are their own."""
        if level == _NOT:
            return self.negation()
        if level == _COMPARE:
            return self.comparison()
        if level == _NEGATE:
            return self.unary()
        left = self.binary(level + 1)
        while self.token.kind == "op" and _PRECEDENCE.get(self.token.text) == level:
            op = self.take()
            left = self.made(Binary(left.offset, op.text, left, self.binary(level + 1), op.offset), op)
        return left

    def negation(self) -> Expression:
        if self.is_op("not"):
            op = self.take()
            self.nest(op)
            try:
                return self.made(Unary(op.offset, "not", self.negation()), op)
            finally:
                self.depth -= 1
        return self.comparison()

    def comparison(self) -> Expression:
        left = self.binary(_SUM)
        if not self.is_op(*_COMPARISONS):
            return left
        op = self.take()
        right = self.binary(_SUM)
        if self.is_op(*_COMPARISONS):
            raise _SyntaxError(
                self.token.offset,
                _("comparisons cannot be chained: write 'a < b and b < c' instead of 'a < b < c'"),
            )
        return self.made(Binary(left.offset, op.text, left, right, op.offset), op)

    def unary(self) -> Expression:
        if self.is_op("-"):
            op = self.take()
            self.nest(op)
            try:
                return self.made(Unary(op.offset, "-", self.unary()), op)
            finally:
                self.depth -= 1
        return self.atom()

    def made(self, node: Unary | Binary | Call, token: _Token) -> Expression:
        """`node`, whose height is bounded (a chain of operators is built in a loop, not by recursion)."""
        if isinstance(node, Unary):
            children: tuple[Expression, ...] = (node.operand,)
        elif isinstance(node, Binary):
            children = (node.left, node.right)
        else:
            children = node.args
        height = 1 + max((self.heights.get(id(child), 0) for child in children), default=0)
        if height > MAX_HEIGHT:
            raise _SyntaxError(
                token.offset,
                _("the expression is too long: more than {most} operations stand one inside another").format(
                    most=MAX_HEIGHT
                ),
            )
        self.heights[id(node)] = height
        return node

    def nest(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _SyntaxError(
                token.offset, _("the expression is nested more than {depth} levels deep").format(depth=MAX_DEPTH)
            )

    def atom(self) -> Expression:
        token = self.take()
        if token.kind == "number":
            return Number(token.offset, _literal(token))
        if token.kind == "text":
            return Text(token.offset, token.text[1:-1])
        if token.kind == "name":
            if self.is_op("("):
                return self.call(token)
            return Name(token.offset, token.text)
        if token.kind == "op" and token.text == "(":
            inner = self.expression()
            self.expect(")", _("a '(' is not closed: add ')'"), token.offset)
            return inner
        raise _SyntaxError(token.offset, self.expected_value(token))

    def call(self, name: _Token) -> Expression:
        self.take()  # (
        args: list[Expression] = []
        if not self.is_op(")"):
            args.append(self.expression())
            while self.is_op(","):
                self.take()
                args.append(self.expression())
        self.expect(
            ")", _("the arguments of {function}() are not closed: add ')'").format(function=name.text), name.offset
        )
        return self.made(Call(name.offset, name.text, tuple(args)), name)

    def expect(self, op: str, message: str, offset: int | None = None) -> None:
        if not self.is_op(op):
            if self.token.kind != "end":
                message = _("unexpected '{token}': {message}").format(token=self.token.text, message=message)
            raise _SyntaxError(self.token.offset if offset is None or self.token.kind != "end" else offset, message)
        self.take()

    def expected_value(self, token: _Token) -> str:
        if token.kind == "end":
            return _("the expression ends where a number, a name or '(' is expected")
        return _("'{token}' where a number, a name or '(' is expected").format(token=token.text)


def _literal(token: _Token) -> Decimal:
    whole, _dot, decimals = token.text.partition(".")
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS or len(decimals) > MAX_DECIMALS:
        raise _SyntaxError(
            token.offset,
            _(
                "the number {number} is too large or too precise (at most {digits} digits before the dot"
                " and {decimals} after it)"
            ).format(
                number=token.text if len(token.text) <= 30 else token.text[:27] + "…",
                digits=MAX_INTEGER_DIGITS,
                decimals=MAX_DECIMALS,
            ),
        )
    return Decimal(token.text)


def parse(text: str) -> Expression | ExprError:
    """The tree of `text`, or its first syntax error."""
    if len(text) > MAX_LENGTH:
        return ExprError(
            MAX_LENGTH,
            SYNTAX,
            _("the expression is {length} characters long, more than {most}: write it shorter").format(
                length=len(text), most=MAX_LENGTH
            ),
        )
    try:
        parser = _Parser(text)
        if parser.token.kind == "end":
            return ExprError(0, SYNTAX, _("the expression is empty: write a formula or a condition"))
        tree = parser.expression()
        if parser.token.kind != "end":
            token = parser.token
            before, after = parser.tokens[parser.at - 1], parser.tokens[parser.at + 1]
            if token.text == "," and before.kind == "number" and after.kind == "number":
                number = f"{before.text}.{after.text}"
                return ExprError(token.offset, SYNTAX, _("use a dot in a number: {number}").format(number=number))
            what = (
                _("')' without a matching '('")
                if token.text == ")"
                else _("'{token}' after a complete expression").format(token=token.text)
            )
            return ExprError(
                token.offset,
                SYNTAX,
                _("{what}: is an operator missing?").format(what=what) if token.text != ")" else what,
            )
        return tree
    except _SyntaxError as exc:
        return ExprError(exc.offset, SYNTAX, exc.message)


# --- checking ----------------------------------------------------------------------------


def _words(kind: Type) -> str:
    return {"number": _("a number"), "condition": _("a condition"), "text": _("a text")}[kind]


def check(
    expr: Expression,
    names: set[str] | frozenset[str],
    functions: Mapping[str, Signature],
    want: Type,
    unavailable: Mapping[str, str] | None = None,
    ids: Mapping[str, Collection[str]] | None = None,
) -> list[ExprError]:
    """Every problem of a parsed expression: unknown names and functions, arities, types, ids.

    `ids` maps a function that takes an id (`points`) to the ids it may name.
    """
    errors: list[ExprError] = []
    _type_of(expr, names, functions, unavailable or {}, errors, want)
    for node in nodes(expr):
        if isinstance(node, Call) and node.function in (ids or {}) and node.function in functions:
            known = (ids or {})[node.function]
            for arg in node.args:
                if isinstance(arg, Text) and arg.value not in known:
                    errors.append(
                        ExprError(
                            arg.offset + 1,
                            UNKNOWN_ID,
                            _("{function}() cannot name '{id}'{hint}; it takes {known}").format(
                                function=node.function,
                                id=arg.value,
                                hint=did_you_mean(arg.value, known),
                                known=", ".join(sorted(known)) or _("none"),
                            ),
                        )
                    )
    return errors


def _type_of(
    expr: Expression,
    names: set[str] | frozenset[str],
    functions: Mapping[str, Signature],
    unavailable: Mapping[str, str],
    errors: list[ExprError],
    want: Type | None,
) -> Type | None:
    """The type of `expr` (None: unknown after an error), reporting a mismatch with `want`."""
    found = _infer(expr, names, functions, unavailable, errors)
    if found is not None and want is not None and found != want:
        errors.append(ExprError(expr.offset, WRONG_TYPE, _mismatch(found, want)))
    return found


def _mismatch(found: Type, want: Type) -> str:
    if want == "condition" and found == "number":
        return _("{found} where {want} is expected: compare it, e.g. '... >= 10'").format(
            found=_words(found), want=_words(want)
        )
    return _("{found} where {want} is expected").format(found=_words(found), want=_words(want))


def _infer(
    expr: Expression,
    names: set[str] | frozenset[str],
    functions: Mapping[str, Signature],
    unavailable: Mapping[str, str],
    errors: list[ExprError],
) -> Type | None:
    def sub(node: Expression, want: Type | None) -> Type | None:
        return _type_of(node, names, functions, unavailable, errors, want)

    if isinstance(expr, Number):
        return "number"
    if isinstance(expr, Text):
        return "text"
    if isinstance(expr, Name):
        if expr.name in names:
            return "number"
        if expr.name in functions:
            message = _("'{name}' is a function: write {name}(...)").format(name=expr.name)
        else:
            message = _("unknown name '{name}'{hint}; the names here are {names}").format(
                name=expr.name, hint=did_you_mean(expr.name, names), names=", ".join(sorted(names)) or _("none")
            )
        errors.append(ExprError(expr.offset, UNKNOWN_NAME, message))
        return None
    if isinstance(expr, Unary):
        wanted: Type = "number" if expr.op == "-" else "condition"
        sub(expr.operand, wanted)
        return wanted
    if isinstance(expr, Binary):
        return _infer_binary(expr, sub, errors)
    return _infer_call(expr, functions, unavailable, errors, sub)


def _infer_binary(expr: Binary, sub: Callable[[Expression, Type | None], Type | None], errors: list[ExprError]) -> Type:
    if expr.op in ("and", "or"):
        sub(expr.left, "condition")
        sub(expr.right, "condition")
        return "condition"
    if expr.op in ("==", "!="):  # two numbers or two texts (class() == 'tot'); conditions use and/or/not
        left = sub(expr.left, None)
        if left == "condition":
            errors.append(ExprError(expr.left.offset, WRONG_TYPE, _mismatch("condition", "number")))
        right = sub(expr.right, left if left in ("number", "text") else None)
        if right == "condition" and left != "condition":
            errors.append(ExprError(expr.right.offset, WRONG_TYPE, _mismatch("condition", "number")))
        return "condition"
    operand: Type = "number"  # ordering comparisons and arithmetic take numbers
    sub(expr.left, operand)
    sub(expr.right, operand)
    return "condition" if expr.op in _COMPARISONS else "number"


def _infer_call(
    expr: Call,
    functions: Mapping[str, Signature],
    unavailable: Mapping[str, str],
    errors: list[ExprError],
    sub: Callable[[Expression, Type | None], Type | None],
) -> Type | None:
    signature = functions.get(expr.function)
    if signature is None:
        if expr.function in unavailable:
            message = _("{function}() cannot be used here: {reason}").format(
                function=expr.function, reason=unavailable[expr.function]
            )
        else:
            message = _("unknown function '{function}'{hint}; the functions here are {functions}").format(
                function=expr.function,
                hint=did_you_mean(expr.function, functions),
                functions=", ".join(f"{name}()" for name in functions),
            )
        errors.append(ExprError(expr.offset, UNKNOWN_FUNCTION, message))
        for arg in expr.args:
            sub(arg, None)
        return None
    if not signature.accepts(len(expr.args)):
        errors.append(
            ExprError(
                expr.offset,
                ARITY,
                _("{function}() takes {expected} argument(s), got {got}").format(
                    function=expr.function, expected=signature.arity(), got=len(expr.args)
                ),
            )
        )
        for arg in expr.args:
            sub(arg, None)
        return signature.result
    for i, arg in enumerate(expr.args):
        wanted = signature.param(i)
        if wanted == "text" and not isinstance(arg, Text):
            errors.append(
                ExprError(
                    arg.offset,
                    WRONG_TYPE,
                    _("{function}() takes an id in quotes, as in {function}('{example}')").format(
                        function=expr.function, example=arg.name if isinstance(arg, Name) else "id"
                    ),
                )
            )
            continue
        sub(arg, wanted)
    return signature.result


# --- evaluating --------------------------------------------------------------------------


class DivisionByZero(ArithmeticError):
    """A divisor that is zero: `offset` is where the divisor starts, `names` the names it reads."""

    def __init__(self, offset: int, names: tuple[str, ...]) -> None:
        super().__init__(f"division by zero at {offset}")
        self.offset = offset
        self.names = names


@dataclass(frozen=True)
class Env:
    """What names and the caller's functions mean for one evaluation."""

    names: Mapping[str, Decimal | None]
    functions: Mapping[str, Callable[..., Result]] = field(default_factory=dict)


def evaluate(expr: Expression, env: Env) -> Decimal | bool | None:
    """The value of a checked expression (None: it reads a value that is not defined)."""
    with localcontext(CONTEXT):
        value = _eval(expr, env)
    if isinstance(value, str):
        raise TypeError("a text where a number or a condition is expected")
    return value


def _eval(expr: Expression, env: Env) -> Result:
    if isinstance(expr, Number):
        return expr.value
    if isinstance(expr, Text):
        return expr.value
    if isinstance(expr, Name):
        if expr.name not in env.names:
            raise TypeError(f"unknown name {expr.name!r}")
        return env.names[expr.name]
    if isinstance(expr, Unary):
        operand = _eval(expr.operand, env)
        if expr.op == "not":
            return not _condition(operand, expr.operand)
        number = _number(operand, expr.operand)
        return None if number is None else -number
    if isinstance(expr, Binary):
        return _eval_binary(expr, env)
    return _eval_call(expr, env)


def _condition(value: Result, node: Expression) -> bool:
    if not isinstance(value, bool):
        raise TypeError("a condition is expected here")
    return value


def _number(value: Result, node: Expression) -> Decimal | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, Decimal)):
        raise TypeError("a number is expected here")
    return value


def _eval_binary(expr: Binary, env: Env) -> Result:
    op = expr.op
    if op == "and":
        return _condition(_eval(expr.left, env), expr.left) and _condition(_eval(expr.right, env), expr.right)
    if op == "or":
        return _condition(_eval(expr.left, env), expr.left) or _condition(_eval(expr.right, env), expr.right)
    left, right = _eval(expr.left, env), _eval(expr.right, env)
    if op in ("==", "!="):
        if (
            isinstance(left, bool)
            or isinstance(right, bool)
            or (type(left) is not type(right) and None not in (left, right))
        ):
            raise TypeError(f"{op!r} compares two numbers or two texts")
        return (left == right) == (op == "==")
    a, b = _number(left, expr.left), _number(right, expr.right)
    if op == "/" and b == 0:
        raise DivisionByZero(expr.right.offset, tuple(names_in(expr.right)))
    if a is None or b is None:
        return False if op in _COMPARISONS else None
    return _ARITHMETIC[op](a, b)


_ARITHMETIC: dict[str, Callable[[Decimal, Decimal], Decimal | bool]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _eval_call(expr: Call, env: Env) -> Result:
    name, args = expr.function, expr.args
    if name == "if":
        if len(args) != 3:
            raise TypeError("if() takes 3 arguments")
        return _eval(args[1] if _condition(_eval(args[0], env), args[0]) else args[2], env)
    if name in ("min", "max", "abs"):
        values = [_number(_eval(arg, env), arg) for arg in args]
        if not values or (name == "abs" and len(values) != 1):
            raise TypeError("wrong number of arguments")
        numbers = [v for v in values if v is not None]
        if len(numbers) < len(values):
            return None
        return abs(numbers[0]) if name == "abs" else (min(numbers) if name == "min" else max(numbers))
    function = env.functions.get(name)
    if function is None:
        raise TypeError(f"unknown function {name!r}")
    return function(*(_eval(arg, env) for arg in args))


# --- reading a tree ----------------------------------------------------------------------


def nodes(expr: Expression) -> Iterator[Expression]:
    """Every node of the tree, parents before children, left to right."""
    yield expr
    if isinstance(expr, Unary):
        yield from nodes(expr.operand)
    elif isinstance(expr, Binary):
        yield from nodes(expr.left)
        yield from nodes(expr.right)
    elif isinstance(expr, Call):
        for arg in expr.args:
            yield from nodes(arg)


def names_in(expr: Expression) -> list[str]:
    """The names an expression reads, each once, in the order they first appear."""
    return list(dict.fromkeys(node.name for node in nodes(expr) if isinstance(node, Name)))


def _strength(expr: Expression) -> int:
    if isinstance(expr, Binary):
        return _PRECEDENCE[expr.op]
    if isinstance(expr, Unary):
        return _NOT if expr.op == "not" else _NEGATE
    return _ATOM


def render(expr: Expression, values: Mapping[str, str] | None = None) -> str:
    """The expression as text, with the fewest parentheses; names replaced by `values` when given."""
    values = values or {}

    def wrap(node: Expression, least: int) -> str:
        text = render(node, values)
        return f"({text})" if _strength(node) < least else text

    if isinstance(expr, Number):
        return plain(expr.value)
    if isinstance(expr, Text):
        return f"'{expr.value}'" if "'" not in expr.value else f'"{expr.value}"'
    if isinstance(expr, Name):
        return values.get(expr.name, expr.name)
    if isinstance(expr, Unary):
        if expr.op == "not":
            return f"not {wrap(expr.operand, _NOT)}"
        return f"-{wrap(expr.operand, _NEGATE)}"
    if isinstance(expr, Binary):
        strength = _PRECEDENCE[expr.op]
        # left-associative: a right operand of the same strength needs parentheses; comparisons never chain
        left_least = strength + 1 if expr.op in _COMPARISONS else strength
        return f"{wrap(expr.left, left_least)} {expr.op} {wrap(expr.right, strength + 1)}"
    return f"{expr.function}({', '.join(render(arg, values) for arg in expr.args)})"
