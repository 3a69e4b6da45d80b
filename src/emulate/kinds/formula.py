"""`formula`: points computed by an expression of the unit's inputs (SPEC 7.1, 7.2).

Parameters: `inputs`, a mapping of input ids to `{title, integer?: bool}`;
`expr`, an expression (`emulate.expressions`) in which each input id is written
with `_` for `-`; `max` (> 0). A value is `inputs:`, every input id → a number
≥ 0 (whole when `integer`). It scores the expression's value clamped to
[0, max], then rounded. The maximum is `max`.

`check-rules` reports, at the character inside `expr`: a syntax error (E330),
a name that is no input (E331, with did-you-mean), an unknown function (E332),
a wrong number of arguments (E333), a condition where a number is wanted
(E334), a divisor that is always zero (E336); and at the input: an input that
`expr` never uses (E335), an input id with `_` (E337). `validate` reports
missing and unknown inputs, negative and non-whole ones, and inputs that make
the expression divide by zero (E430, at the input that is zero), so that a
valid value always scores.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator, StrictBool

from ..arithmetic import ZERO, number, plain, round_points
from ..expressions import (
    FORMULA_FUNCTIONS,
    Binary,
    DivisionByZero,
    Env,
    ExprError,
    Expression,
    check,
    evaluate,
    names_in,
    nodes,
    parse,
    render,
)
from ..fields import Id, Model, NonNegative, Positive, Text, did_you_mean, show, suggest, to_mapping
from ..i18n import _
from ..yamlio import PathKey
from .base import Fail, FormCell, FormRow, Report, RuleBase, Scored, Value

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..engine import CriterionScore


class FormulaValue(Value):
    inputs: Annotated[dict[str, NonNegative], BeforeValidator(to_mapping)]


class FormulaInput(Model):
    """One number a unit submits for the formula."""

    title: Text
    integer: StrictBool = False


# `so-ho` in an expression: an input id written as in the file, which reads as `so - ho`
_HYPHENATED = re.compile(r"[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)+")


def name_of(input_id: str) -> str:
    """How an input id is written in the expression: `so-ho` is `so_ho` (a `-` would subtract)."""
    return input_id.replace("-", "_")


class FormulaRule(RuleBase):
    """The value of an expression of the unit's inputs, clamped to [0, max]."""

    VALUE = FormulaValue

    kind: Literal["formula"]
    inputs: Annotated[dict[Id, FormulaInput], BeforeValidator(to_mapping)]
    expr: Text
    max: Positive

    @property
    def max_points(self) -> Decimal:
        return self.max

    @cached_property
    def parsed(self) -> Expression | ExprError:
        return parse(self.expr)

    @property
    def tree(self) -> Expression:
        """The expression of a checked ruleset (check-rules refuses one that does not parse)."""
        parsed = self.parsed
        assert not isinstance(parsed, ExprError), parsed
        return parsed

    # --- the ruleset ---------------------------------------------------------------------

    def check(self, at: PathKey, report: Report) -> None:
        self._check_ids(at, report)
        parsed = self.parsed
        if isinstance(parsed, ExprError):
            report((*at, "expr"), parsed.code, parsed.message, offset=parsed.offset)
            return
        errors = check(parsed, self._names, FORMULA_FUNCTIONS, "number")
        self._report_expression(errors, (*at, "expr"), report)
        if any(e.code == "E331" for e in errors):
            return  # an input written with its '-' reads as two unknown names: that is the problem to fix
        used = set(names_in(parsed))
        for input_id in self.inputs:
            if name_of(input_id) not in used:
                report(
                    (*at, "inputs", input_id),
                    "E335",
                    _(
                        "input '{id}' is not used in the formula: use it as {name} in `expr`, or remove it"
                        " (every unit would have to submit it for nothing)"
                    ).format(id=input_id, name=name_of(input_id)),
                )
        if not errors:
            self._check_constant_divisors((*at, "expr"), parsed, report)

    @property
    def _names(self) -> set[str]:
        return {name_of(i) for i in self.inputs}

    def _check_ids(self, at: PathKey, report: Report) -> None:
        for input_id in self.inputs:
            if "_" in input_id:
                report(
                    (*at, "inputs", input_id),
                    "E337",
                    _(
                        "input id '{id}' has a '_': write '{fixed}' (the expression writes '-' as '_', so '_' in an id"
                        " would be ambiguous)"
                    ).format(id=input_id, fixed=input_id.replace("_", "-")),
                )

    def _report_expression(self, errors: list[ExprError], where: PathKey, report: Report) -> None:
        """Each problem at its character; an input id written with its '-' once, not once per part."""
        hinted: set[str] = set()
        for problem in errors:
            meant = _hyphenated(problem, self.expr, self._names)
            if meant is None:
                report(where, problem.code, problem.message, offset=problem.offset)
            elif meant not in hinted:
                hinted.add(meant)
                report(
                    where,
                    problem.code,
                    _("'{written}' reads as a subtraction: write input ids with '_' in `expr`: {name}").format(
                        written=meant.replace("_", "-"), name=meant
                    ),
                    offset=problem.offset,
                )

    def _check_constant_divisors(self, where: PathKey, parsed: Expression, report: Report) -> None:
        """A divisor that reads no input and is 0 divides by zero for every unit."""
        for node in nodes(parsed):
            if isinstance(node, Binary) and node.op == "/" and not names_in(node.right):
                try:
                    divisor = evaluate(node.right, Env({}))
                except DivisionByZero:
                    continue  # reported at the inner divisor
                if divisor == 0:
                    report(
                        where,
                        "E336",
                        _("this divisor is always 0: the formula could never be computed"),
                        offset=node.right.offset,
                    )

    def bounds(self, at: PathKey) -> Iterator[tuple[PathKey, Decimal]]:
        yield (*at, "max"), self.max

    def describe(self) -> str:
        inputs = "; ".join(f"{name_of(i)}: {given.title}" for i, given in self.inputs.items())
        return _("{expr}, from 0 to {maximum} ({inputs})").format(
            expr=" ".join(self.expr.split()), maximum=plain(self.max), inputs=inputs
        )

    # --- a submission --------------------------------------------------------------------

    def example(self) -> str:
        inputs = ", ".join(f"{i}: ..." for i in self.inputs)
        return f"{{inputs: {{{inputs}}}}}"

    def check_value(self, no: str, value: Any, at: PathKey, fail: Fail) -> None:
        assert isinstance(value, FormulaValue)
        wrong = False
        meant = set()  # the ids that unknown ones were most likely meant for: reported once, as the typo
        for input_id in value.inputs:
            if input_id not in self.inputs:
                meant.add(suggest(input_id, self.inputs))
                wrong = True
                fail(
                    (*at, "inputs", input_id),
                    "E201",
                    _("criterion {no} has no input '{id}'{hint}; its inputs are {inputs}").format(
                        no=no, id=input_id, hint=did_you_mean(input_id, self.inputs), inputs=", ".join(self.inputs)
                    ),
                    key=True,
                )
        for input_id, given in self.inputs.items():
            got = value.inputs.get(input_id)
            if got is None and input_id in meant:
                continue
            if got is None:
                wrong = True
                fail(
                    (*at, "inputs"),
                    "E202",
                    _("input '{id}' ({title}) of criterion {no} is missing: add `{id}: ...`").format(
                        id=input_id, title=given.title, no=no
                    ),
                )
            elif given.integer and got != got.to_integral_value():
                wrong = True
                fail(
                    (*at, "inputs", input_id),
                    "E206",
                    _("input '{id}' of criterion {no} must be a whole number, got {got}").format(
                        id=input_id, no=no, got=show(got)
                    ),
                )
        if not wrong:
            self._check_division(no, value, at, fail)

    def _check_division(self, no: str, value: FormulaValue, at: PathKey, fail: Fail) -> None:
        try:
            evaluate(self.tree, self._env(value))
        except DivisionByZero as divided:
            ids = {name_of(i): i for i in self.inputs}
            zero = [ids[n] for n in divided.names if n in ids and value.inputs[ids[n]] == 0]
            read = zero or [ids[n] for n in divided.names if n in ids]
            culprit = read[0] if read else None
            values = {name_of(i): plain(v) for i, v in value.inputs.items()}
            fail(
                (*at, "inputs", culprit) if culprit is not None else (*at, "inputs"),
                "E430",
                _(
                    "with these inputs the formula of criterion {no} divides by zero ({formula}): check {input},"
                    " or ask the bloc to say what the formula gives then (e.g. with if(...))"
                ).format(
                    no=no,
                    formula=render(self.tree, values),
                    input=culprit if culprit is not None else _("the inputs"),
                ),
            )

    def value_schema(self) -> tuple[str, dict[str, Any]]:
        properties = {
            i: {"type": "integer" if given.integer else "number", "minimum": 0, "title": given.title}
            for i, given in self.inputs.items()
        }
        return "inputs", {
            "type": "object",
            "required": list(self.inputs),
            "additionalProperties": False,
            "properties": properties,
        }

    def form_rows(self) -> list[FormRow]:
        """The criterion's own row (its evidence), then one row per input: a whole or decimal number >= 0."""
        rows = [FormRow((), evidence=("evidence",))]
        for n, (input_id, given) in enumerate(self.inputs.items(), start=1):
            cell = FormCell(("inputs", input_id), "whole" if given.integer else "decimal", minimum=ZERO)
            rows.append(FormRow((cell,), title=given.title, number=f".{n}", rule=name_of(input_id)))
        return rows

    def template_lines(self) -> list[str]:
        lines = ["    inputs:"]
        for i, given in self.inputs.items():
            what = _("a whole number, 0 or more") if given.integer else _("a number, 0 or more")
            lines.append(f"      {i}:  # {given.title}: {what}")
        return lines

    # --- scoring -------------------------------------------------------------------------

    def _env(self, value: FormulaValue) -> Env:
        return Env({name_of(i): value.inputs[i] for i in self.inputs})

    def _raw(self, value: FormulaValue) -> Decimal:
        """The expression's value (a checked formula of valid inputs is a number)."""
        raw = evaluate(self.tree, self._env(value))
        assert isinstance(raw, Decimal) and not isinstance(raw, bool), raw
        return raw

    def score(self, value: Any, places: int) -> Scored:
        assert isinstance(value, FormulaValue)
        raw = self._raw(value)
        clamped = min(max(raw, ZERO), self.max)
        return Scored(round_points(clamped, places), lost_to_cap=round_points(abs(raw - clamped), places))

    def explain(self, score: CriterionScore, places: int) -> list[str]:
        assert isinstance(score.value, FormulaValue)
        raw = self._raw(score.value)
        substituted = render(self.tree, {name_of(i): plain(v) for i, v in score.value.inputs.items()})
        line = f"{render(self.tree)} = {substituted} = {_shown(raw, places)}"
        if raw > self.max:
            line += " " + _("(above the maximum: {maximum})").format(maximum=plain(self.max))
        elif raw < 0:
            line += " " + _("(below 0: 0)")
        return [f"{line} → {number(score.points, places)}"]


def _shown(raw: Decimal, places: int) -> str:
    """An unrounded result, shortened when a division made it long (…)."""
    text = plain(raw)
    shown = number(raw, places + 4)
    return text if len(text) <= len(shown) else f"{shown.rstrip('0')}…"


def _hyphenated(problem: ExprError, expr: str, names: set[str]) -> str | None:
    """The input an unknown name is part of, when the expression wrote the input's id with its `-`."""
    if problem.code != "E331":
        return None
    for found in _HYPHENATED.finditer(expr):
        if found.start() <= problem.offset < found.end() and name_of(found.group()) in names:
            return name_of(found.group())
    return None
