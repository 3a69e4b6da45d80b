"""emulate: emulation regulations (quy chế thi đua) as data.

The library under the command line. Everything a program needs is here, and
`__all__` is the list of what it may import::

    from pathlib import Path
    import emulate

    workspace = emulate.Workspace(Path("."))          # rules/, submissions/, reviews/
    problems = emulate.validate(workspace)            # every submission and review file
    year = workspace.load_year(2017)                  # the ruleset and submissions of a year
    if year.ok:
        evaluation = emulate.evaluate(year.ruleset, year.submissions, year.missing, year.review)
        for unit in evaluation.ranking.units:
            print(unit.rank, unit.card.department, unit.card.total, unit.award)

The core never prints and never exits: problems are `Problem` values, results
are frozen dataclasses, all points are `decimal.Decimal`. Names are imported
on first use, so that `import emulate` costs nothing at start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .decision import Gap, Goal, Margins, Setting, WhatIf, gap, margins, parse_setting, whatif
    from .diff import Change, diff_rulesets, rescore
    from .engine import (
        Bests,
        NoBest,
        Order,
        Place,
        RankedUnit,
        Ranking,
        ScoreCard,
        Standing,
        bests,
        order,
        rank,
        score,
        score_together,
        standing,
    )
    from .evaluation import Evaluation, evaluate, score_unit
    from .problems import Problem, Severity
    from .ruleset import Ruleset, load_ruleset
    from .scoring import ScoredYear, score_year
    from .submission import Submission, load_submission
    from .workspace import UnknownYear, Workspace, YearData

__version__ = "0.1.0"

# public name -> the module that defines it
_HOMES = {
    "Gap": "decision",
    "Goal": "decision",
    "Margins": "decision",
    "Setting": "decision",
    "WhatIf": "decision",
    "gap": "decision",
    "margins": "decision",
    "parse_setting": "decision",
    "whatif": "decision",
    "Change": "diff",
    "diff_rulesets": "diff",
    "rescore": "diff",
    "Bests": "engine",
    "NoBest": "engine",
    "bests": "engine",
    "score_together": "engine",
    "Ranking": "engine",
    "RankedUnit": "engine",
    "ScoreCard": "engine",
    "rank": "engine",
    "score": "engine",
    "Order": "engine",
    "Place": "engine",
    "Standing": "engine",
    "order": "engine",
    "standing": "engine",
    "Evaluation": "evaluation",
    "evaluate": "evaluation",
    "score_unit": "evaluation",
    "ScoredYear": "scoring",
    "score_year": "scoring",
    "Problem": "problems",
    "Severity": "problems",
    "Ruleset": "ruleset",
    "load_ruleset": "ruleset",
    "Submission": "submission",
    "load_submission": "submission",
    "UnknownYear": "workspace",
    "Workspace": "workspace",
    "YearData": "workspace",
}

__all__ = [
    "Bests",
    "Change",
    "Evaluation",
    "Gap",
    "Goal",
    "Margins",
    "NoBest",
    "Order",
    "Place",
    "Problem",
    "RankedUnit",
    "Ranking",
    "Ruleset",
    "ScoreCard",
    "ScoredYear",
    "Setting",
    "Severity",
    "Standing",
    "Submission",
    "UnknownYear",
    "WhatIf",
    "Workspace",
    "YearData",
    "__version__",
    "bests",
    "check_rules",
    "diff_rulesets",
    "evaluate",
    "gap",
    "load_ruleset",
    "load_submission",
    "margins",
    "order",
    "parse_setting",
    "rank",
    "rescore",
    "score",
    "score_together",
    "score_unit",
    "score_year",
    "standing",
    "validate",
    "whatif",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'emulate' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def validate(workspace: Workspace, paths: Sequence[Path] = ()) -> list[Problem]:
    """The problems of submission, assessment and review files (`emulate validate`): the files and
    folders named, or everything under the workspace's submissions/, assessments/ and reviews/ (with
    each year's assessment files checked together once every file is valid)."""
    from .workspace import files_to_check

    files, problems = files_to_check("validate", paths, workspace.root)
    problems += workspace.check_files(files)
    if paths or any(p.is_error for p in problems):
        return problems  # the files' own errors first
    return problems + workspace.coverage_of_every_year()


def check_rules(workspace: Workspace, paths: Sequence[Path] = ()) -> list[Problem]:
    """The problems of ruleset files (`emulate check-rules`): the files and folders named, or rules/."""
    from .workspace import files_to_check

    files, problems = files_to_check("check-rules", paths, workspace.root)
    return problems + [p for path in files for p in workspace.load_ruleset_file(path).problems]
