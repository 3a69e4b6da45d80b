"""What every rule kind provides: the contract between a kind's module and the rest of the code.

A rule kind is one module of `emulate.kinds` holding a subclass of `RuleBase`
(the parameters in a ruleset, as a pydantic model) and a subclass of `Value`
(what a submission writes for it). The rule model answers everything the rest
of the code asks about its kind, so nothing outside the module tests which
kind a rule is:

- `max_points`, `max_bonus`: the maxima that follow from the parameters;
- `check(at, report)`: the kind's own checks of a ruleset, and `bounds(at)`,
  the parameters that must lie on the rounding grid;
- `check_value(no, value, at, fail)`: the checks of a submitted value that
  need the rule (labels, items, number of targets, maxima), and `example()`,
  a one-line value to write, for messages;
- `score(value, places)`: the points, rounded as SPEC 3.1 says, with every
  intermediate that an explanation shows;
- `explain(score, places)`: the explanation lines, `describe()`: the rule in
  words, `value_schema()`: the JSON Schema of a value, `template_lines()`:
  what `emulate new` writes;
- `form_rows()`: the rows and input cells of the Excel self-assessment form
  (`emulate new --format xlsx`, `emulate.form`);
- `counted`: whether a value is a count (`require_zero`, `count()`), and
  `count_of(value)`;
- `reach(value, places)`: what a value could still score, and the value, in the
  unit's own terms, that scores each total (for `emulate gap`);
- `compared`: whether the points depend on the other units' values (`relative`):
  then `compared_value(value)` is the number compared, and the engine calls
  `score_against(value, places, best)` and `reach_against(value, places, best)`
  with the best among the units ranked together;
- `check_counts_as(at, counts_as, report)`: checks of the rule under its
  criterion's `counts_as`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

from ..arithmetic import CONTEXT, ZERO, number
from ..fields import Model, NonNegativeWhole, OptionalText, Text
from ..i18n import _
from ..yamlio import MAX_DECIMALS, PathKey

if TYPE_CHECKING:
    from ..engine import CriterionScore


class Report(Protocol):
    """report(path, code, message, offset=None): a problem of the ruleset at `path` (a warning for a W code).

    With `offset`, the problem is at that character inside the text at `path` (an expression).
    """

    def __call__(self, path: PathKey, code: str, message: str, offset: int | None = None) -> None: ...


class Fail(Protocol):
    """fail(path, code, message, key=False): a problem of a value, at the key itself when `key`."""

    def __call__(self, path: PathKey, code: str, message: str, key: bool = False) -> None: ...


class NoBest(Exception):
    """A rule compared between units (`relative`) scored without the best value of the units ranked together.

    Score such a ruleset with `engine.score_together`, or pass `bests=engine.bests(...)` to `engine.score`.
    """


@dataclass(frozen=True, slots=True)
class Best:
    """The best value of a compared criterion among the units ranked together, and the units holding it."""

    value: Decimal
    holders: tuple[str, ...]


class Value(Model):
    """What any criterion value may carry besides its own key."""

    evidence: OptionalText = None
    note: OptionalText = None


class NotApplicable(Value):
    """`{not_applicable: true, reason: ...}`: a criterion that a unit declares not applicable to it.

    Any kind's criterion takes it when the ruleset says `not_applicable: allowed`
    (SPEC 7.4); it scores nothing and is left out of the unit's own maximum.
    """

    not_applicable: Literal[True]
    reason: Text


class CountValue(Value):
    """A count of occurrences: the value of the counted kinds (count_points, count_penalty)."""

    count: NonNegativeWhole


@dataclass(frozen=True, slots=True)
class Reach:
    """What a criterion could still score from a value: for `emulate gap`.

    `spans` are the totals (points plus bonus, rounded) above the value's own that
    some value scores: every total on the rounding grid from `low` to `high`
    (`low == high` for a single total). `value_for(total)` is a value, as near to
    the given one as the rule allows, that scores that total (at least that total
    when the grid is finer than a value can be written).
    """

    spans: tuple[tuple[Decimal, Decimal], ...] = ()
    value_for: Callable[[Decimal], Any] = lambda total: None


def step_of(places: int) -> Decimal:
    """The rounding grid: the smallest difference between two totals."""
    return Decimal(1).scaleb(-places)


def written(boundary: Decimal, scores: Callable[[Decimal], Decimal], total: Decimal, up: bool = True) -> Decimal:
    """A number a file may hold (at most 10 decimals, the fewest that do), just beyond `boundary`
    (at or above it when `up`, at or below it otherwise), that `scores` to `total`.

    `boundary` is where the rounded points reach `total`; the fewest decimals make
    the value one an officer would write (1500, not 1499.99285714).
    """
    candidate = boundary
    # never exactly three decimals: `1.500` reads as Vietnamese thousands (W201)
    for decimals in (d for d in range(MAX_DECIMALS + 1) if d != 3):
        candidate = boundary.quantize(step_of(decimals), rounding=ROUND_CEILING if up else ROUND_FLOOR, context=CONTEXT)
        if scores(candidate) == total:
            return candidate
    return candidate


def spans_of(totals: Iterable[Decimal], above: Decimal) -> tuple[tuple[Decimal, Decimal], ...]:
    """Single totals above `above`, as spans, lowest first."""
    return tuple((t, t) for t in sorted(set(totals)) if t > above)


@dataclass(frozen=True, slots=True)
class Scored:
    """A criterion's points under its rule, before the engine files them under their content."""

    points: Decimal
    bonus: Decimal = ZERO
    lost_to_cap: Decimal = ZERO  # points (or bonus) a cap or floor cut off
    components: tuple[Any, ...] = ()  # targets: one ComponentScore per registered target
    items: tuple[tuple[str, object, Decimal], ...] = ()  # checklist: (item id, state, points)


CellType = Literal["text", "decimal", "whole", "choice"]


@dataclass(frozen=True, slots=True)
class FormCell:
    """One input cell of the Excel form: the part of the criterion's value it fills and what it may hold.

    `path` is inside the criterion's value (`("rating",)`, `("targets", 0, "actual")`);
    `column` is which column of the form the cell stands in (`value`, `name`, `unit`,
    `direction`, `target`); `choices` are the labels a list offers, `values` what each
    label stands for in the value (the same order). A cell left empty is left out of
    the value when not `required` (the validator then applies the default).
    """

    path: PathKey
    type: CellType = "decimal"
    column: str = "value"
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[str, ...] = ()
    values: tuple[Any, ...] = ()
    required: bool = True


@dataclass(frozen=True, slots=True)
class FormRow:
    """One row of the Excel form; a row without `title` is the criterion's own row.

    `evidence` is where the row's `Minh chứng` cell goes in the value (none: the row has no evidence cell).
    """

    cells: tuple[FormCell, ...]
    title: str = ""
    number: str = ""  # after the criterion's own number: `.1` for the first component
    rule: str = ""
    maximum: Decimal | None = None
    evidence: PathKey | None = None


class RuleBase(Model):
    """The parameters of one kind of rule; subclasses set `kind` to a Literal and `VALUE`."""

    VALUE: ClassVar[type[Value]]
    #: parameters that are mappings whose order means something (`diff-rules` reports a reordering)
    ordered: ClassVar[tuple[str, ...]] = ()

    #: whether the points depend on the other units' values (then the engine gives the best)
    compared: ClassVar[bool] = False

    kind: str

    @property
    def max_points(self) -> Decimal:
        raise NotImplementedError

    @property
    def max_bonus(self) -> Decimal:
        return ZERO

    @property
    def counted(self) -> bool:
        """Whether a value is a count (what `require_zero` may name)."""
        return False

    def compared_value(self, value: Any) -> Decimal:
        """The number compared between units (only for `compared` kinds)."""
        raise NotImplementedError

    def better(self, a: Decimal, b: Decimal) -> bool:
        """Whether compared value `a` is better than `b` (only for `compared` kinds)."""
        raise NotImplementedError

    def comparable(self) -> dict[str, Any]:
        """The parameters as `diff-rules` compares them, leaf by leaf (as written, by default)."""
        return self.model_dump(exclude={"kind"}, exclude_none=True)

    # --- the ruleset ---------------------------------------------------------------------

    def check_counts_as(self, at: PathKey, counts_as: str, report: Report) -> None:
        """Checks of the parameters under the criterion's `counts_as` (none by default)."""

    def check(self, at: PathKey, report: Report) -> None:
        """The kind's own checks of its parameters beyond their shape (none by default)."""

    def bounds(self, at: PathKey) -> Iterator[tuple[PathKey, Decimal]]:
        """The parameters that bound a rounded score: they must lie on the rounding grid."""
        return iter(())

    def describe(self) -> str:
        """The rule in one line, in the regulation's terms."""
        raise NotImplementedError

    # --- a submission --------------------------------------------------------------------

    def example(self) -> str:
        """A one-line example of a valid value, for messages."""
        raise NotImplementedError

    def check_value(self, no: str, value: Any, at: PathKey, fail: Fail) -> None:
        """Checks of a value of the right shape that need the rule (none by default)."""

    def doubts(self, value: Any) -> list[tuple[str, str]]:
        """Warnings about a valid value that is most likely not what was meant: (its key, message)."""
        return []

    def count_of(self, value: Any) -> int:
        """The count a value gives (for `require_zero`); only for counted kinds."""
        return 0

    def value_schema(self) -> tuple[str, dict[str, Any]]:
        """The key of a value and its JSON Schema (draft-07)."""
        raise NotImplementedError

    def template_lines(self) -> list[str]:
        """The lines `emulate new` writes under the criterion's id, indented by four spaces."""
        raise NotImplementedError

    def form_rows(self) -> list[FormRow]:
        """The rows of the Excel form for this criterion (by default, one value cell on its own row,
        from `value_schema()`: a list for an `enum`, else a number within its bounds)."""
        key, schema = self.value_schema()
        if "enum" in schema:
            labels = tuple(str(label) for label in schema["enum"])
            cell = FormCell((key,), "choice", choices=labels, values=tuple(schema["enum"]))
        else:
            cell = FormCell(
                (key,),
                "whole" if schema.get("type") == "integer" else "decimal",
                minimum=_bound_of(schema.get("minimum")),
                maximum=_bound_of(schema.get("maximum")),
            )
        return [FormRow((cell,), evidence=("evidence",))]

    def reach(self, value: Any, places: int) -> Reach:
        """What `value` could still score, and the value that scores each total (none, by default:
        `gap` then says the kind cannot tell)."""
        return Reach()

    # --- scoring -------------------------------------------------------------------------

    def score(self, value: Any, places: int) -> Scored:
        raise NotImplementedError

    def score_against(self, value: Any, places: int, best: Best | None) -> Scored:
        """The points, given the best among the units ranked together (ignored unless `compared`)."""
        return self.score(value, places)

    def reach_against(self, value: Any, places: int, best: Best | None) -> Reach:
        """`reach`, given the best among the units ranked together (ignored unless `compared`)."""
        return self.reach(value, places)

    def explain(self, score: CriterionScore, places: int) -> list[str]:
        """Lines that show the criterion's arithmetic with its numbers (the value is given)."""
        raise NotImplementedError


def _bound_of(bound: Any) -> Decimal | None:
    return None if bound is None else Decimal(str(bound))


def cut_off(points: Decimal, places: int) -> str:
    """What a cap cut off, after an explanation line."""
    return _(" (the cap cut off {points})").format(points=number(points, places))
