"""Scoring cases written as data (tests/scoring_cases/*.yaml), in the manner of OpenFisca's tests.

Each file gives a rule (at the top or per case), optional deductions and
places, and cases of a submitted value with the points expected. A rule
author adds a case by adding YAML, not Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emulate.engine import score
from emulate.render import number
from emulate.ruleset import Ruleset
from emulate.submission import VALUE_MODELS, Submission
from emulate.yamlio import load_file

CASES_DIR = Path(__file__).parent / "scoring_cases"


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        loaded = load_file(path)
        assert loaded.document is not None and not loaded.problems, loaded.problems
        suite = loaded.document.data
        for case in suite["cases"]:
            params.append(pytest.param(suite, case, id=f"{path.stem}: {case['name']}"))
    return params


def _ruleset(rule: dict[str, Any], suite: dict[str, Any]) -> Ruleset:
    return Ruleset.model_validate(
        {
            "ruleset": "test",
            "year": 2017,
            "version": "1",
            "title": "test",
            "rounding": {"places": suite.get("places", 2)},
            "departments": [{"id": "unit", "name": "Unit"}],
            "contents": [
                {
                    "id": "1",
                    "title": "Content",
                    "criteria": [
                        {"id": "criterion", "no": "1.1", "title": "Criterion", "source": "test", "rule": rule},
                    ],
                }
            ],
            "deductions": suite.get("deductions", []),
        }
    )


@pytest.mark.parametrize(("suite", "case"), _cases())
def test_scoring_case(suite: dict[str, Any], case: dict[str, Any]) -> None:
    rule = case.get("rule", suite.get("rule"))
    ruleset = _ruleset(rule, suite)
    value = VALUE_MODELS[rule["kind"]].model_validate(case["value"])
    submission = Submission("unit", 2017, {"criterion": value}, case.get("deductions", {}))
    card = score(ruleset, submission)
    criterion = card.criterion("criterion")
    places = ruleset.rounding.places
    got = {
        "points": number(criterion.points, places),
        "bonus": number(criterion.bonus, places),
        "lost_to_cap": number(criterion.lost_to_cap, places),
        "deductions": number(card.deducted, places),
        "total": number(card.total, places),
    }
    expected = case["expect"]
    assert {k: got[k] for k in expected} == expected
    # the parts always add up to the total
    assert card.total == max(0, card.base + card.bonus - card.deducted)
