"""The expression language of SPEC 7.2 (emulate.expressions): grammar, checks, evaluation."""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulate.arithmetic import CONTEXT
from emulate.expressions import (
    CONDITION_FUNCTIONS,
    CONDITION_NAMES,
    FORMULA_FUNCTIONS,
    MAX_HEIGHT,
    Binary,
    Call,
    DivisionByZero,
    Env,
    ExprError,
    Expression,
    Name,
    Number,
    Text,
    Unary,
    check,
    evaluate,
    names_in,
    parse,
    render,
)


def tree(text: str) -> Expression:
    parsed = parse(text)
    assert not isinstance(parsed, ExprError), parsed
    return parsed


def shape(expr: Expression) -> str:
    """Fully parenthesised: shows how the parser grouped."""
    if isinstance(expr, Number):
        return f"{expr.value}"
    if isinstance(expr, Name):
        return expr.name
    if isinstance(expr, Text):
        return repr(expr.value)
    if isinstance(expr, Unary):
        return f"({expr.op} {shape(expr.operand)})"
    if isinstance(expr, Binary):
        return f"({shape(expr.left)} {expr.op} {shape(expr.right)})"
    return f"{expr.function}({', '.join(shape(a) for a in expr.args)})"


# --- precedence (SPEC 7.9, loosest first: or, and, not, comparison, + -, * /, unary -) ----

PRECEDENCE = [
    ("1 + 2 * 3", "(1 + (2 * 3))"),
    ("1 * 2 + 3", "((1 * 2) + 3)"),
    ("a - b - c", "((a - b) - c)"),
    ("a / b / c", "((a / b) / c)"),
    ("a - b + c", "((a - b) + c)"),
    ("a / b * c", "((a / b) * c)"),
    ("-a * b", "((- a) * b)"),
    ("-a - -b", "((- a) - (- b))"),
    ("- - a", "(- (- a))"),
    ("-(a * b)", "(- (a * b))"),
    ("a + b < c * d", "((a + b) < (c * d))"),
    ("a <= b", "(a <= b)"),
    ("a >= b", "(a >= b)"),
    ("a == b", "(a == b)"),
    ("a != b", "(a != b)"),
    ("a > -b", "(a > (- b))"),
    ("not a < b", "(not (a < b))"),
    ("not not a < b", "(not (not (a < b)))"),
    ("a < b and c < d", "((a < b) and (c < d))"),
    ("not a < b and c < d", "((not (a < b)) and (c < d))"),
    ("a < b or c < d and e < f", "((a < b) or ((c < d) and (e < f)))"),
    ("a < b and c < d or e < f", "(((a < b) and (c < d)) or (e < f))"),
    ("(a < b or c < d) and e < f", "(((a < b) or (c < d)) and (e < f))"),
    ("a < b or c < d or e < f", "(((a < b) or (c < d)) or (e < f))"),
    ("not (a < b or c < d)", "(not ((a < b) or (c < d)))"),
    ("min(a, b + 1, 2) * 3", "(min(a, (b + 1), 2) * 3)"),
    ("if(a > 0, b / a, 0)", "if((a > 0), (b / a), 0)"),
    ("abs(-a)", "abs((- a))"),
    ("points('x') + count(\"y\")", "(points('x') + count('y'))"),
    ("class() == 'tot'", "(class() == 'tot')"),
    ("0.50", "0.50"),
    ("  a  ", "a"),
]


@pytest.mark.parametrize(("text", "grouped"), PRECEDENCE)
def test_precedence(text: str, grouped: str) -> None:
    expr = tree(text)
    assert shape(expr) == grouped
    assert shape(tree(render(expr))) == grouped  # the printer keeps the grouping


def test_every_node_knows_where_it_starts() -> None:
    expr = tree("a + min(bb, 2) * -c")
    assert isinstance(expr, Binary) and expr.offset == 0 and expr.op_offset == 2
    product = expr.right
    assert isinstance(product, Binary) and product.offset == 4 and product.op_offset == 15
    call = product.left
    assert isinstance(call, Call) and call.offset == 4 and [a.offset for a in call.args] == [8, 12]
    negated = product.right
    assert isinstance(negated, Unary) and negated.offset == 17 and negated.operand.offset == 18


def test_a_chain_as_high_as_allowed_is_checked_and_evaluated_without_deep_recursion() -> None:
    expr = tree(" + ".join(["a"] * (MAX_HEIGHT + 1)))  # MAX_HEIGHT additions
    assert check(expr, {"a"}, FORMULA_FUNCTIONS, "number") == []
    assert evaluate(expr, Env({"a": Decimal(1)})) == MAX_HEIGHT + 1
    assert render(expr).count("+") == MAX_HEIGHT


def test_the_tree_is_immutable() -> None:
    expr = tree("a + 1")
    with pytest.raises(AttributeError):
        expr.op = "-"  # type: ignore[misc, union-attr]


# --- syntax errors, each at its character ------------------------------------------------

SYNTAX_ERRORS = [
    ("", 0, "empty"),
    ("   ", 0, "empty"),
    ("1 +", 3, "ends"),
    ("(a + 1", 0, "not closed"),
    ("min(a, 1", 0, "not closed"),
    ("min(a 1)", 6, "unexpected '1'"),
    ("a + 1)", 5, "')' without"),
    ("a b", 2, "after a complete expression"),
    ("a < b < c", 6, "chained"),
    ("a == b != c", 7, "chained"),
    ("a = b", 2, "'=='"),
    ("a && b", 2, "'and'"),
    ("a || b", 2, "'or'"),
    ("!a", 0, "'not'"),
    ("a % 2", 2, "'/ 100 *'"),
    ("1,5 * a", 1, "1.5"),
    ("1. + a", 1, "dot"),
    (".5 + a", 0, "dot"),
    ("points('x)", 7, "closing quote"),
    ("a * * b", 4, "'*' where a number"),
    ("()", 1, "')' where a number"),
    ("1234567890123456 + a", 0, "too large"),
    ("0.12345678901 + a", 0, "too precise"),
    ("a + #", 4, "'#' is not part"),
    ("(" * 60 + "1" + ")" * 60, 50, "nested"),
    ("-" * 60 + "1", 49, "nested"),
    ("a + " * 150 + "a", 402, "too long"),  # a chain of 101 additions
    ("min(" + "a, " * 5000 + "a)", 10_000, "characters long"),
    ("not " * 60 + "a < b", 196, "nested"),
]


@pytest.mark.parametrize(("text", "offset", "words"), SYNTAX_ERRORS)
def test_syntax_errors_point_at_the_character(text: str, offset: int, words: str) -> None:
    found = parse(text)
    assert isinstance(found, ExprError), found
    assert (found.code, found.offset) == ("E330", offset), found
    assert words in found.message


# --- checks: names, functions, arity, types ----------------------------------------------

NAMES = {"a", "b", "so_ho"}

CHECK_ERRORS = [
    ("a + c", "number", [("E331", 4)], "unknown name 'c'"),
    ("a + so_hoo", "number", [("E331", 4)], "did you mean 'so_ho'"),
    ("a + min", "number", [("E331", 4)], "is a function"),
    ("sum(a, b)", "number", [("E332", 0)], "unknown function 'sum'"),
    ("mim(a, b)", "number", [("E332", 0)], "did you mean 'min'"),
    ("points('x')", "number", [("E332", 0)], "unknown function"),  # a formula has no points()
    ("abs(a, b)", "number", [("E333", 0)], "abs() takes 1"),
    ("min(a)", "number", [("E333", 0)], "at least 2"),
    ("if(a > 0, b)", "number", [("E333", 0)], "if() takes 3"),
    ("a < b", "number", [("E334", 0)], "a condition where a number is expected"),
    ("a + b", "condition", [("E334", 0)], "a number where a condition is expected"),
    ("1 + (a < b)", "number", [("E334", 5)], "a condition where a number"),
    ("a and b > 1", "condition", [("E334", 0)], "a number where a condition"),
    ("not a", "condition", [("E334", 4)], "a number where a condition"),
    ("-(a < b)", "number", [("E334", 2)], "a condition where a number"),
    ("if(a, 1, 2)", "number", [("E334", 3)], "a number where a condition"),
    ("if(a > 1, a < 2, 2)", "number", [("E334", 10)], "a condition where a number"),
    ("(a < b) == (b < a)", "condition", [("E334", 1)], "a condition where a number"),
    ("min(a, b > 1)", "number", [("E334", 7)], "a condition where a number"),
    ("x + y", "number", [("E331", 0), ("E331", 4)], "unknown name"),
]


@pytest.mark.parametrize(("text", "want", "errors", "words"), CHECK_ERRORS)
def test_check_reports_each_problem_at_its_character(
    text: str, want: Any, errors: list[tuple[str, int]], words: str
) -> None:
    found = check(tree(text), NAMES, FORMULA_FUNCTIONS, want)
    assert [(e.code, e.offset) for e in found] == errors
    assert words in found[0].message


CONDITION_ERRORS = [
    ("points(a) > 1", [("E334", 7)], "in quotes"),
    ("points('a', 'b') > 1", [("E333", 0)], "points() takes 1"),
    ("class() == 1", [("E334", 11)], "a number where a text is expected"),
    ("class() > 'a'", [("E334", 0), ("E334", 10)], "a text where a number"),
    ("class('x') == 'tot'", [("E333", 0)], "class() takes 0"),
    ("totl > 1", [("E331", 0)], "did you mean 'total'"),
    ("Share >= 0.9", [("E331", 0)], "did you mean 'share'"),
    ("total", [("E334", 0)], "compare it"),
]


@pytest.mark.parametrize(("text", "errors", "words"), CONDITION_ERRORS)
def test_condition_checks(text: str, errors: list[tuple[str, int]], words: str) -> None:
    found = check(tree(text), CONDITION_NAMES, CONDITION_FUNCTIONS, "condition")
    assert [(e.code, e.offset) for e in found] == errors
    assert words in found[0].message


def test_a_function_unavailable_here_says_why() -> None:
    functions = {k: v for k, v in CONDITION_FUNCTIONS.items() if k != "class"}
    found = check(tree("class() == 'tot'"), CONDITION_NAMES, functions, "condition", {"class": "a class's own"})
    assert [(e.code, e.offset) for e in found] == [("E332", 0)]
    assert "cannot be used here: a class's own" in found[0].message


@pytest.mark.parametrize(
    "text",
    [
        "total >= 400 and share >= 0.85",
        "deductions <= 0.5 * bonus",
        "lowest_criterion_share >= 0.85 or base > 100",
        "points('cai-cach-hanh-chinh') >= 25 and count(\"phe-binh\") == 0",
        "content('1') > 400 and not class() == 'kha'",
        "class() != 'chua-dat'",
        "if(total > 100, total, 0) >= 50",
    ],
)
def test_valid_conditions_pass(text: str) -> None:
    assert check(tree(text), CONDITION_NAMES, CONDITION_FUNCTIONS, "condition") == []


# --- evaluation --------------------------------------------------------------------------


def value(text: str, **names: Any) -> Decimal | bool | None:
    return evaluate(tree(text), Env({k: None if v is None else Decimal(str(v)) for k, v in names.items()}))


EVALUATIONS = [
    ("1 + 2 * 3", {}, Decimal(7)),
    ("(1 + 2) * 3", {}, Decimal(9)),
    ("10 - 4 - 3", {}, Decimal(3)),
    ("24 / 4 / 2", {}, Decimal(3)),
    ("-2 * -3", {}, Decimal(6)),
    ("0.1 + 0.2 == 0.3", {}, True),  # exact decimals, never binary floats
    ("0.1 * 3", {}, Decimal("0.3")),
    ("10 / 4", {}, Decimal("2.5")),
    ("a / b", {"a": 3, "b": 4}, Decimal("0.75")),
    ("min(3, a, 2.5)", {"a": 4}, Decimal("2.5")),
    ("max(3, a, 2.5)", {"a": 4}, Decimal(4)),
    ("abs(a - 5)", {"a": 2}, Decimal(3)),
    ("if(a > 2, 10, 20)", {"a": 3}, Decimal(10)),
    ("if(a > 2, 10, 20)", {"a": 2}, Decimal(20)),
    ("a >= 2 and a < 3", {"a": 2}, True),
    ("not a >= 2 or a == 2", {"a": 2}, True),
    ("not (a >= 2 or a == 2)", {"a": 2}, False),
    ("a != 2", {"a": 2}, False),
    ("a <= 2", {"a": 2}, True),
    ("a > 2", {"a": 2}, False),
    # an undefined value (a share of an own maximum of 0): arithmetic gives nothing, orderings fail
    ("share * 2", {"share": None}, None),
    ("share >= 0", {"share": None}, False),
    ("share < 0", {"share": None}, False),
    ("share == 0", {"share": None}, False),
    ("share != 0", {"share": None}, True),
    ("min(share, 1)", {"share": None}, None),
    ("share >= 0.9 or total > 1", {"share": None, "total": 2}, True),
]


@pytest.mark.parametrize(("text", "names", "expected"), EVALUATIONS)
def test_evaluation(text: str, names: dict[str, Any], expected: Any) -> None:
    got = value(text, **names)
    assert got == expected and type(got) is type(expected)


def test_division_uses_the_context_of_arithmetic() -> None:
    got = value("1 / 3")
    assert isinstance(got, Decimal) and len(got.as_tuple().digits) == CONTEXT.prec


def test_division_by_zero_names_the_divisor() -> None:
    expr = tree("a + b / (c - d * 2)")
    with pytest.raises(DivisionByZero) as caught:
        evaluate(expr, Env({"a": Decimal(1), "b": Decimal(1), "c": Decimal(4), "d": Decimal(2)}))
    assert caught.value.offset == 9  # the divisor starts at c
    assert caught.value.names == ("c", "d")


def test_and_or_if_evaluate_only_what_they_need() -> None:
    assert value("b > 0 and a / b > 1", a=1, b=0) is False
    assert value("b == 0 or a / b > 1", a=1, b=0) is True
    assert value("if(b > 0, a / b, 0)", a=1, b=0) == 0
    with pytest.raises(DivisionByZero):
        value("if(b >= 0, a / b, 0)", a=1, b=0)


def test_the_callers_functions_get_their_arguments() -> None:
    calls: list[tuple[Any, ...]] = []

    def points(criterion: str) -> Decimal:
        calls.append(("points", criterion))
        return Decimal(25)

    env = Env(
        {"total": Decimal(500)},
        {"points": points, "class": lambda: "tot", "count": lambda _id: Decimal(0)},
    )
    expr = tree("points('cai-cach') >= 25 and class() == 'tot' and count(\"phe-binh\") == 0 and total > 1")
    assert evaluate(expr, env) is True
    assert calls == [("points", "cai-cach")]
    assert evaluate(tree("class() == 'kha'"), Env({}, {"class": lambda: None})) is False
    assert evaluate(tree("class() != 'kha'"), Env({}, {"class": lambda: None})) is True


def test_names_in_and_render_with_values() -> None:
    expr = tree("so_ho * 2 + min(so_ho, tong) / (tong - 1)")
    assert names_in(expr) == ["so_ho", "tong"]
    assert render(expr, {"so_ho": "12", "tong": "3.5"}) == "12 * 2 + min(12, 3.5) / (3.5 - 1)"
    assert render(tree("a - (b - c)")) == "a - (b - c)"
    assert render(tree("(a - b) - c")) == "a - b - c"
    assert render(tree("-(-a)")) == "--a"


# --- random expressions against a straightforward evaluator ------------------------------

# A random expression as the test's own tuples: ("num", Decimal) | ("name", str) | (op, left, right)
# | ("neg", x) | ("min"/"max", xs) | ("abs", x) | ("if", (cmp, l, r), a, b)
VARIABLES = ("a", "b", "c")
literals = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)


def _expressions() -> st.SearchStrategy[Any]:
    leaves = st.one_of(st.tuples(st.just("num"), literals), st.tuples(st.just("name"), st.sampled_from(VARIABLES)))

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        comparison = st.tuples(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), inner, inner)
        return st.one_of(
            st.tuples(st.sampled_from(["+", "-", "*", "/"]), inner, inner),
            st.tuples(st.just("neg"), inner),
            st.tuples(st.sampled_from(["min", "max"]), st.lists(inner, min_size=2, max_size=3)),
            st.tuples(st.just("abs"), inner),
            st.tuples(st.just("if"), comparison, inner, inner),
        )

    return st.recursive(leaves, extend, max_leaves=12)


def _text(e: Any) -> str:
    """The test's own printer: every operation in parentheses."""
    tag = e[0]
    if tag == "num":
        return f"{e[1]:f}"
    if tag == "name":
        return str(e[1])
    if tag == "neg":
        return f"(-{_text(e[1])})"
    if tag in ("min", "max"):
        return f"{tag}({', '.join(_text(x) for x in e[1])})"
    if tag == "abs":
        return f"abs({_text(e[1])})"
    if tag == "if":
        op, left, right = e[1]
        return f"if({_text(left)} {op} {_text(right)}, {_text(e[2])}, {_text(e[3])})"
    return f"({_text(e[1])} {tag} {_text(e[2])})"


def _reference(e: Any, env: dict[str, Decimal]) -> Decimal:
    """A straightforward evaluator over Decimal; raises ZeroDivisionError as the language must."""
    tag = e[0]
    if tag == "num":
        return Decimal(e[1])
    if tag == "name":
        return env[e[1]]
    if tag == "neg":
        return -_reference(e[1], env)
    if tag == "min":
        return min(_reference(x, env) for x in e[1])
    if tag == "max":
        return max(_reference(x, env) for x in e[1])
    if tag == "abs":
        return abs(_reference(e[1], env))
    if tag == "if":
        op, left, right = e[1]
        a, b = _reference(left, env), _reference(right, env)
        holds = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[op]
        return _reference(e[2] if holds else e[3], env)
    a, b = _reference(e[1], env), _reference(e[2], env)
    if tag == "/" and b == 0:
        raise ZeroDivisionError
    return {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else a}[tag]


@settings(max_examples=300, deadline=None)
@given(_expressions(), st.fixed_dictionaries(dict.fromkeys(VARIABLES, literals)))
def test_random_expressions_agree_with_a_straightforward_evaluator(e: Any, env: dict[str, Decimal]) -> None:
    text = _text(e)
    expr = tree(text)
    assert check(expr, set(VARIABLES), FORMULA_FUNCTIONS, "number") == []
    with localcontext(CONTEXT):
        try:
            expected: Decimal | None = _reference(e, env)
        except ZeroDivisionError:
            expected = None
    if expected is None:
        with pytest.raises(DivisionByZero):
            evaluate(expr, Env(env))
        return
    assert evaluate(expr, Env(env)) == expected
    assert evaluate(tree(render(expr)), Env(env)) == expected  # the shortest form means the same


def test_ids_named_in_quotes_are_checked_when_the_caller_gives_them() -> None:
    expr = tree("points('cai-cach') > 1 and count(\"phe-binhh\") == 0 and content('1') > 0")
    ids = {"points": {"cai-cach"}, "count": {"phe-binh", "ky-luat"}, "content": {"1", "2"}}
    found = check(expr, CONDITION_NAMES, CONDITION_FUNCTIONS, "condition", ids=ids)
    assert [(e.code, e.offset) for e in found] == [("E305", 34)]  # the id, after its quote
    assert "did you mean 'phe-binh'" in found[0].message
    assert check(expr, CONDITION_NAMES, CONDITION_FUNCTIONS, "condition") == []
