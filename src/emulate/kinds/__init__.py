"""The rule kinds: one module each, and this registry, the only place that lists them.

Everything about a kind (its parameters, its value, its checks, its scoring,
its explanation, its schema and template, its words in the rules tree) is in
its module; see `base.RuleBase` for the contract. The rest of the code asks a
rule, never tests which kind it is. To add a kind, write its module, add it to
`KINDS` below, and add its scoring cases and corpus files (README, "Adding a
rule kind").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Union

from pydantic import Field

from .assessed import AssessedRule
from .base import Best, CountValue, NoBest, NotApplicable, RuleBase, Scored, Value
from .checklist import NOT_APPLICABLE, ChecklistRule
from .count_penalty import CountPenaltyRule
from .count_points import CountPointsRule
from .formula import FormulaRule
from .percent import PercentRule
from .rating import RatingRule
from .relative import RelativeRule
from .targets import TargetsRule
from .tiers import TiersRule

#: every kind, in the order of SPEC 3.1's table, then 7.1's
KINDS: tuple[type[RuleBase], ...] = (
    TargetsRule,
    RatingRule,
    PercentRule,
    ChecklistRule,
    CountPointsRule,
    CountPenaltyRule,
    AssessedRule,
    TiersRule,
    RelativeRule,
    FormulaRule,
)


def _name(rule: type[RuleBase]) -> str:
    (name,) = rule.model_fields["kind"].annotation.__args__  # type: ignore[union-attr]  # a Literal of one name
    return str(name)


#: kind name -> its rule model
RULES: dict[str, type[RuleBase]] = {_name(rule): rule for rule in KINDS}
#: kind name -> the model of a submission's value for it
VALUE_MODELS: dict[str, type[Value]] = {name: rule.VALUE for name, rule in RULES.items()}

if TYPE_CHECKING:
    Rule = RuleBase
else:  # the discriminated union that pydantic validates a `rule:` against
    Rule = Annotated[Union[KINDS], Field(discriminator="kind")]  # noqa: UP007  (a union built from the registry)

__all__ = [
    "KINDS",
    "NOT_APPLICABLE",
    "RULES",
    "VALUE_MODELS",
    "Best",
    "CountValue",
    "NoBest",
    "NotApplicable",
    "Rule",
    "RuleBase",
    "Scored",
    "Value",
]
