"""Units across years: total, share of the maximum and rank per year, and the change. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .evaluation import Evaluation


@dataclass(frozen=True)
class Standing:
    year: int
    total: Decimal
    max_points: Decimal
    share: Decimal
    rank: int
    tied: bool
    ranked: int  # how many units were ranked that year (in its group, when there are groups)
    places: int
    class_id: str | None = None  # its class that year (SPEC 7.5)


@dataclass(frozen=True)
class UnitHistory:
    department: str
    name: str
    standings: dict[int, Standing | None]  # None: absent that year

    def change(self, year: int, years: Sequence[int]) -> tuple[Decimal, int] | None:
        """(total difference, places gained) against the year before, when present in both."""
        index = list(years).index(year)
        if index == 0:
            return None
        before, now = self.standings.get(years[index - 1]), self.standings.get(year)
        if before is None or now is None:
            return None
        return now.total - before.total, before.rank - now.rank


def build_history(evaluations: Sequence[Evaluation]) -> tuple[list[int], list[UnitHistory]]:
    """Years in order and one history per unit (ordered as in the latest year's ruleset)."""
    ordered = sorted(evaluations, key=lambda e: e.ruleset.year)
    years = [e.ruleset.year for e in ordered]
    names: dict[str, str] = {}
    for evaluation in reversed(ordered):
        for department in evaluation.ruleset.departments:
            names.setdefault(department.id, department.name)
    standings: dict[str, dict[int, Standing | None]] = {d: dict.fromkeys(years) for d in names}
    for evaluation in ordered:
        ruleset = evaluation.ruleset
        group_sizes = {group: len(units) for group, units in evaluation.ranking.groups()}
        for unit in evaluation.ranking.units:
            card = unit.card
            standings.setdefault(card.department, dict.fromkeys(years))[ruleset.year] = Standing(
                ruleset.year,
                card.total,
                card.own_max,
                card.share,
                unit.rank,
                unit.tied,
                group_sizes[unit.group],
                ruleset.rounding.places,
                unit.class_id,
            )
    return years, [UnitHistory(d, names.get(d, d), standings[d]) for d in standings]
