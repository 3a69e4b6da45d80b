"""The rule kind `formula` (emulate.kinds.formula): checks, explanations, and the reference scorer's agreement."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import reference_scorer
from emulate.arithmetic import ZERO
from emulate.engine import CriterionScore
from emulate.expressions import DivisionByZero
from emulate.kinds.formula import FormulaRule, FormulaValue
from emulate.ruleset import Criterion
from emulate.yamlio import PathKey


def rule(expr: str, maximum: Any = 10, **inputs: dict[str, Any]) -> FormulaRule:
    given_inputs = inputs or {"a": {"title": "A"}, "b": {"title": "B"}}
    return FormulaRule.model_validate({"kind": "formula", "inputs": given_inputs, "expr": expr, "max": maximum})


def value(**inputs: Any) -> FormulaValue:
    return FormulaValue.model_validate({"inputs": inputs})


def problems_of(r: FormulaRule) -> list[tuple[PathKey, str, int | None]]:
    found: list[tuple[PathKey, str, int | None]] = []
    r.check(("rule",), lambda path, code, message, offset=None: found.append((path, code, offset)))
    return found


def value_problems(r: FormulaRule, v: FormulaValue) -> list[tuple[PathKey, str, str]]:
    found: list[tuple[PathKey, str, str]] = []
    r.check_value("1.1", v, ("v",), lambda path, code, message, key=False: found.append((path, code, message)))
    return found


def explained(r: FormulaRule, v: FormulaValue) -> str:
    scored = r.score(v, 2)
    criterion = Criterion.model_validate(
        {"id": "c", "no": "1.1", "title": "C", "source": "s", "rule": r.model_dump(mode="python")}
    )
    score = CriterionScore(criterion, "1", v, scored.points, ZERO, scored.lost_to_cap)
    (line,) = r.explain(score, 2)
    return line


def test_a_valid_formula_has_no_problems() -> None:
    assert problems_of(rule("min(a, b) / (b + 1)")) == []


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("a + b +", [(("rule", "expr"), "E330", 7)]),
        ("a + c", [(("rule", "expr"), "E331", 4)]),
        ("a + b + sum(a, b)", [(("rule", "expr"), "E332", 8)]),
        ("a + abs(a, b)", [(("rule", "expr"), "E333", 4)]),
        ("a < b", [(("rule", "expr"), "E334", 0)]),
        ("a * 2", [(("rule", "inputs", "b"), "E335", None)]),
        ("a + b / (2 - 2)", [(("rule", "expr"), "E336", 9)]),
        ("a + b / (1 / 0)", [(("rule", "expr"), "E336", 13)]),  # at the inner divisor only
        ("if(b > 0, a / b, 0)", []),
    ],
)
def test_check_rules_finds_each_problem(expr: str, expected: list[Any]) -> None:
    assert problems_of(rule(expr)) == expected


def test_an_input_written_with_its_hyphen_is_one_problem() -> None:
    r = rule("so-ho * 2", **{"so-ho": {"title": "Số hộ"}})
    assert problems_of(r) == [(("rule", "expr"), "E331", 0)]


def test_an_input_id_with_an_underscore() -> None:
    assert problems_of(rule("so_ho", **{"so_ho": {"title": "Số hộ"}})) == [(("rule", "inputs", "so_ho"), "E337", None)]


def test_values_missing_unknown_and_not_whole() -> None:
    r = rule("a + b", a={"title": "A", "integer": True}, b={"title": "B"})
    assert [p[:2] for p in value_problems(r, value(a=1))] == [(("v", "inputs"), "E202")]
    assert [p[:2] for p in value_problems(r, value(a=1, b=2, c=3))] == [(("v", "inputs", "c"), "E201")]
    assert [p[:2] for p in value_problems(r, value(a=Decimal("1.5"), b=2))] == [(("v", "inputs", "a"), "E206")]
    assert value_problems(r, value(a=1, b=Decimal("2.5"))) == []


def test_a_division_by_zero_is_at_the_input_that_is_zero() -> None:
    r = rule("a / (b * c)", a={"title": "A"}, b={"title": "B"}, c={"title": "C"})
    ((path, code, message),) = value_problems(r, value(a=1, b=5, c=0))
    assert (path, code) == (("v", "inputs", "c"), "E430")
    assert "1 / (5 * 0)" in message
    assert value_problems(r, value(a=1, b=5, c=2)) == []
    with pytest.raises(DivisionByZero):
        r.score(value(a=1, b=5, c=0), 2)  # what validation stops before scoring


def test_the_explanation_substitutes_the_inputs_and_says_the_clamp() -> None:
    r = rule("a * 2 - b")
    assert explained(r, value(a=3, b=1)) == "a * 2 - b = 3 * 2 - 1 = 5 → 5.00"
    assert explained(r, value(a=30, b=1)) == "a * 2 - b = 30 * 2 - 1 = 59 (above the maximum: 10) → 10.00"
    assert explained(r, value(a=0, b=1)) == "a * 2 - b = 0 * 2 - 1 = -1 (below 0: 0) → 0.00"
    assert explained(rule("a / b"), value(a=2, b=3)) == "a / b = 2 / 3 = 0.666667… → 0.67"


def test_words_schema_and_template() -> None:
    r = rule("a + b", a={"title": "Số hộ", "integer": True}, b={"title": "Tổng"})
    assert r.max_points == 10
    assert r.describe() == "a + b, from 0 to 10 (a: Số hộ; b: Tổng)"
    assert r.example() == "{inputs: {a: ..., b: ...}}"
    key, schema = r.value_schema()
    assert key == "inputs" and schema["required"] == ["a", "b"]
    assert schema["properties"]["a"]["type"] == "integer" and schema["properties"]["b"]["type"] == "number"
    assert r.template_lines() == [
        "    inputs:",
        "      a:  # Số hộ: a whole number, 0 or more",
        "      b:  # Tổng: a number, 0 or more",
    ]


# --- the independent reference scorer agrees ---------------------------------------------

NAMES = ("so_ho", "tong", "ti_le")
numbers = st.decimals(min_value=0, max_value=500, places=2, allow_nan=False, allow_infinity=False)


def _expression() -> st.SearchStrategy[str]:
    leaves = st.one_of(st.sampled_from(NAMES), numbers.map(lambda d: f"{d:f}"))

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        pair = st.tuples(inner, inner)
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(" ".join),
            inner.map(lambda x: f"({x})"),
            inner.map(lambda x: f"-{x}"),
            pair.map(lambda p: f"min({p[0]}, {p[1]})"),
            pair.map(lambda p: f"max({p[0]}, {p[1]}, 1)"),
            inner.map(lambda x: f"abs({x})"),
            st.tuples(inner, st.sampled_from(["<", ">=", "==", "!="]), inner, inner, inner).map(
                lambda t: f"if({t[0]} {t[1]} {t[2]} and not {t[0]} > 400 or {t[2]} == 0, {t[3]}, {t[4]})"
            ),
        )

    return st.recursive(leaves, extend, max_leaves=10)


@settings(max_examples=200, deadline=None)
@given(_expression(), st.tuples(numbers, numbers, numbers), st.sampled_from([Decimal(10), Decimal("37.5")]))
def test_the_reference_scorer_agrees(expr: str, inputs: tuple[Decimal, ...], maximum: Decimal) -> None:
    rule_data = {
        "kind": "formula",
        "inputs": {name.replace("_", "-"): {"title": name} for name in NAMES},
        "expr": expr + " + so_ho * 0 + tong * 0 + ti_le * 0",  # every input used
        "max": maximum,
    }
    value_data = {"inputs": {name.replace("_", "-"): v for name, v in zip(NAMES, inputs, strict=True)}}
    r = FormulaRule.model_validate(rule_data)
    found = problems_of(r)
    assert [code for _path, code, _offset in found] == ["E336"] * len(found)  # a literal 0 divisor, as in `a / 0.00`
    assume(not found)
    v = FormulaValue.model_validate(value_data)
    try:
        expected = reference_scorer.score_criterion(rule_data, value_data, 2)
    except ZeroDivisionError:
        assert [p[1] for p in value_problems(r, v)] == ["E430"]
        return
    assert value_problems(r, v) == []
    scored = r.score(v, 2)
    assert (scored.points, scored.bonus) == expected
    assert reference_scorer.criterion_max(rule_data) == r.max_points


# --- through the command line ------------------------------------------------------------

CORPUS = Path(__file__).resolve().parent / "corpus"


@pytest.fixture
def formula_workspace(workspace: Path) -> Path:
    """The shipped workspace with criterion 3.3 as a formula, and one unit's value for it."""
    shutil.copyfile(CORPUS / "rules" / "valid-formula.yaml", workspace / "rules" / "2017.yaml")
    for path in (workspace / "submissions" / "2017").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(
            re.sub(
                r"dien-hinh-tien-tien: \{count: (\d+)\}",
                r"dien-hinh-tien-tien: {inputs: {so-dien-hinh: \1, so-can-bo: 40}}",
                text,
            ),
            encoding="utf-8",
        )
    return workspace


def test_score_explains_a_formula_and_agrees_with_the_reference(
    run: Callable[..., Any], formula_workspace: Path
) -> None:
    result = run("score", "2017", "--format", "json", "--self", root=formula_workspace)
    assert result.exit_code == 0, result.stderr
    ranked = {row["department"]: row for row in json.loads(result.stdout)["ranking"]}
    expected = reference_scorer.score_workspace(formula_workspace, 2017)
    assert {row["department"]: row["total"] for row in expected} == {d: Decimal(r["total"]) for d, r in ranked.items()}
    explained = run("score", "2017", "--explain", "so-xay-dung", root=formula_workspace)
    # so-xay-dung has 3: min(10, 2 × 3 + 100 × 3 / 40) = min(10, 6 + 7.5) = 10
    assert "min(10, 2 * 3 + 100 * 3 / 40) = 10 → 10.00" in " ".join(explained.stdout.split()).replace("│ ", "")


def test_score_stops_at_a_division_by_zero_pointing_at_the_input(
    run: Callable[..., Any], formula_workspace: Path
) -> None:
    path = formula_workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("so-can-bo: 40}", "so-can-bo: 0}"), encoding="utf-8")
    line = next(i for i, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "so-can-bo: 0" in row)
    result = run("score", "2017", root=formula_workspace)
    assert result.exit_code == 1
    column = path.read_text(encoding="utf-8").splitlines()[line - 1].index("so-can-bo: 0") + len("so-can-bo: ") + 1
    assert f"so-xay-dung.yaml:{line}:{column}: error E430" in result.stderr
