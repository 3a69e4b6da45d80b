"""Ranking cases written as data (tests/ranking_cases/*.yaml): a small ruleset, a few units, what they get.

The scoring cases (tests/scoring_cases) test one criterion of one unit; these
test what needs the whole ruleset and several units (SPEC 7): criteria that
count as bonus or deduction, a total below zero, criteria that apply to some
units, own maxima and shares, classes, awards and groups, and `relative` criteria
(each unit's points against the best of the units ranked together). A case file gives
the ruleset in short form (the test fills in numbers, titles and sources), and
cases of units' values with what each unit must get; every expectation is
written out by hand in the file, with its arithmetic in a comment.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from emulate.engine import rank, score_together
from emulate.kinds import NotApplicable
from emulate.render import number
from emulate.ruleset import Ruleset, check_ruleset
from emulate.submission import VALUE_MODELS, Submission
from emulate.yamlio import Document, load_file

CASES_DIR = Path(__file__).parent / "ranking_cases"


def _files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.yaml"))


def _cases() -> list[Any]:
    params = []
    for path in _files():
        loaded = load_file(path)
        assert loaded.document is not None and not loaded.problems, loaded.problems
        suite = loaded.document.data
        for case in suite["cases"]:
            params.append(pytest.param(path, case, id=f"{path.stem}: {case['name']}"))
    return params


def _ruleset_data(short: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(short)
    data.setdefault("ruleset", "test")
    data.setdefault("year", 2017)
    data.setdefault("version", "1")
    data.setdefault("title", "test")
    data["departments"] = [
        {"id": d, "name": d.upper()} if isinstance(d, str) else {"name": d["id"].upper(), **d}
        for d in data["departments"]
    ]
    for content in data["contents"]:
        content.setdefault("title", f"content {content['id']}")
        for j, criterion in enumerate(content["criteria"], start=1):
            criterion.setdefault("no", f"{content['id']}.{j}")
            criterion.setdefault("title", criterion["id"])
            criterion.setdefault("source", "test")
    return data


def _ruleset(path: Path) -> Ruleset:
    loaded = load_file(path)
    assert loaded.document is not None
    return Ruleset.model_validate(_ruleset_data(loaded.document.data["ruleset"]))


def _value(ruleset: Ruleset, criterion_id: str, raw: dict[str, Any]) -> Any:
    if "not_applicable" in raw:
        return NotApplicable.model_validate(raw)
    criterion = ruleset.criterion(criterion_id)
    assert criterion is not None, criterion_id
    return VALUE_MODELS[criterion.kind].model_validate(raw)


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_the_case_rulesets_are_clean(path: Path) -> None:
    """A case's ruleset passes check-rules' whole-ruleset checks (errors; warnings are allowed)."""
    ruleset = _ruleset(path)
    errors = [p.message for p in check_ruleset(ruleset, Document(str(path), None)) if p.is_error]
    assert errors == []


@pytest.mark.parametrize(("path", "case"), _cases())
def test_ranking_case(path: Path, case: dict[str, Any]) -> None:
    ruleset = _ruleset(path)
    submissions = [
        Submission(
            unit,
            ruleset.year,
            {cid: _value(ruleset, cid, raw) for cid, raw in (values.get("criteria") or {}).items()},
            {d.id: (values.get("deductions") or {}).get(d.id, 0) for d in ruleset.deductions},
        )
        for unit, values in case["units"].items()
    ]
    cards = score_together(ruleset, submissions)
    ranking = rank(ruleset, cards)
    places = ruleset.rounding.places
    for unit_id, expected in case["expect"].items():
        unit = ranking.unit(unit_id)
        assert unit is not None, unit_id
        card = unit.card
        got = {
            "rank": unit.rank,
            "tied": unit.tied,
            "total": number(card.total, places),
            "base": number(card.base, places),
            "bonus": number(card.bonus, places),
            "deductions": number(card.deducted, places),
            "own_max": number(card.own_max, places),
            "share": number(card.share, 4) if card.has_share else None,
            "class": unit.class_id,
            "award": unit.award,
            "awards": list(unit.awards),
            "group": unit.group,
            "points": {c.criterion.id: number(c.total, places) for c in card.criteria},
            "best": {c.criterion.id: list(c.best.holders) for c in card.criteria if c.best is not None},
        }
        if "points" in expected:  # only the criteria the case names
            got["points"] = {k: v for k, v in got["points"].items() if k in expected["points"]}
        assert {k: got[k] for k in expected} == expected, unit_id
    if "order" in case:
        assert [u.card.department for u in ranking.units] == case["order"]
