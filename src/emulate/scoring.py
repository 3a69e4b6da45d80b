"""Score a year on every core: each worker reads, checks and scores its units and writes their part of
the output; this process only ranks them (which needs every unit) and joins the parts in their places.

`score` takes this way for the formats written from units' parts (`render.score.PART_FORMATS`) when
each unit of the year scores alone: no `relative` criterion (its best is found among every unit), no
criterion scored by others (assessment files add to many units at once), no meeting (its ballots are
decided on the whole ranking). Otherwise `Workspace.load_year` reads the year and `evaluate` scores it,
here. Both take the same steps on each unit (`load_submission_file`, `score_unit`, `standing`,
`unit_part`) and rank with the same `order`, so their outputs are the same bytes.

What crosses from a worker is small: per file its problems, its unit's standing (a few numbers) and
its part of the output, compressed (`_pack`: a unit's part of the JSON record is about 4 KB of
text, a fifth of that packed), never the submission or its card.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from . import i18n
from .batch import Progress, map_chunks
from .engine import Order, Place, Standing, order, standing
from .evaluation import in_order, score_unit
from .problems import Problem, has_errors
from .render.score import PART_FORMATS, Scores, UnitPart, unit_part
from .workspace import Workspace, is_present, present_forms

if TYPE_CHECKING:
    from .review import AdjustmentEffect, Review


@dataclass(frozen=True)
class ScoredYear:
    """A year scored apart: the ranking of the units' standings and each unit's part of the output."""

    scores: Scores
    ruleset_sha256: str
    order: Order | None  # None when the year has errors
    parts: dict[str, bytes]  # each unit's part, packed
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return self.order is not None

    def placed(self) -> Iterator[tuple[Place, UnitPart]]:
        """Each unit's place and part, in the ranking's order (unpacked one by one, as they are written)."""
        assert self.order is not None
        for place in self.order.places:
            yield place, _unpack(self.parts[place.department])


def _pack(part: UnitPart) -> bytes:
    return zlib.compress(pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL), 1)


def _unpack(packed: bytes) -> UnitPart:
    part: UnitPart = pickle.loads(zlib.decompress(packed))  # made by `_pack` in this run: never a file's bytes
    return part


@dataclass(frozen=True, slots=True)
class _Scored:
    """One submission file as it comes back from a worker."""

    problems: list[Problem]
    standing: Standing | None  # None: the file has errors
    part: bytes  # packed (`_pack`)
    effects: tuple[AdjustmentEffect, ...]


@dataclass(frozen=True)
class _State:
    workspace: Workspace
    year: int
    format_: str
    review: Review | None  # the review to apply (None: rank the self-declared values)
    human: bool  # numbers for people (`render.figures`)


def score_year(
    workspace: Workspace, year: int, format_: str, self_declared: bool = False, progress: Progress | None = None
) -> ScoredYear | None:
    """The year scored apart, in `format_`; None when it cannot be (see the module's note): then
    `load_year` and `evaluate`. Raises UnknownYear as `load_year` does."""
    loaded = workspace.loaded_ruleset(year)
    ruleset = loaded.ruleset
    if format_ not in PART_FORMATS or ruleset is None or has_errors(loaded.problems) or not ruleset.scores_alone:
        return None
    if (
        any(c.by_others for _content, c in ruleset.criteria())
        or is_present(workspace.assessments_dir / str(year))
        or present_forms(workspace.meeting_path(year))
    ):
        return None
    problems = list(loaded.problems)
    files, unlisted = workspace.submission_listing(year)
    problems += unlisted
    # the review is checked against the units that have a submission; when every file is read
    # without error (else the year is not scored), those are the files' names (E402)
    named = {path.stem for path in files}
    review, review_problems = workspace.year_review(year, named)
    if has_errors(review_problems):
        return None  # not scored: `load_year` reports every file's problems and the review's
    from .arithmetic import STYLE

    state = _State(workspace, year, format_, None if self_declared else review, STYLE.get() == "human")
    setup = partial(
        _in_worker, workspace.root, workspace.max_bytes, i18n.language(), year, format_, state.review, state.human
    )
    results = map_chunks(_score_files, files, setup, progress, here=state)
    standings: list[Standing] = []
    parts: dict[str, bytes] = {}
    effects: list[AdjustmentEffect] = []
    for result in results:
        problems += result.problems
        if result.standing is not None:
            standings.append(result.standing)
            parts[result.standing.department] = result.part
            effects += result.effects
    submitted = set(parts)
    if submitted != named:  # a file with errors: the review's problems as `load_year` finds them
        review_problems = workspace.year_review(year, submitted)[1]
    problems += review_problems
    missing = [d.id for d in ruleset.departments if d.id not in submitted]
    found = order(ruleset, standings, missing) if not has_errors(problems) else None
    applied = state.review
    ranked = [p.department for p in found.places] if found is not None else []
    scores = Scores(ruleset, tuple(found.missing if found else ()), applied, in_order(effects, ranked), self_declared)
    return ScoredYear(scores, loaded.sha256, found, parts, problems)


def _in_worker(
    root: Path, max_bytes: int, language: str, year: int, format_: str, review: Review | None, human: bool
) -> _State:
    """A worker's state: a workspace of its own (one started afresh speaks English until told)."""
    if i18n.language() != language:
        i18n.use(language)
    return _State(Workspace(root, max_bytes), year, format_, review, human)


def _score_files(state: _State, paths: Sequence[Path]) -> list[_Scored]:
    from .render import figures

    with figures(state.human):
        return [_score_file(state, path) for path in paths]


def _score_file(state: _State, path: Path) -> _Scored:
    loaded = state.workspace.load_submission_file(path)
    submission = loaded.submission
    ruleset = state.workspace.ruleset_or_none(state.year)
    if submission is None or ruleset is None:
        return _Scored(loaded.problems, None, b"", ())
    adjustments = state.review.for_department(submission.department) if state.review is not None else ()
    card, effects = score_unit(ruleset, submission, adjustments)
    unit = standing(ruleset, card)
    part = unit_part(state.format_, ruleset, card, unit.class_id, effects)
    return _Scored(loaded.problems, unit, _pack(part), tuple(effects))
