"""The second shipped example of SPEC 7 (examples/cum-truong): what khoi-huyen does not show — a formula,
a ledger below zero (`floor: none`), ranking by class first, peers combined by the median, a criterion
scored by a body and that body's review. Every command runs on it; the arithmetic is in the comments."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def ex(in_example: Callable[[str], Callable[..., Any]]) -> Callable[..., Any]:
    return in_example("cum-truong")


def test_the_example_is_clean(ex: Callable[..., Any]) -> None:
    assert ex("check-rules").exit_code == 0
    result = ex("validate")
    assert result.exit_code == 0
    assert "4 submission file(s), 5 assessment file(s), 1 review file(s) checked: no problems" in result.stderr


def test_the_example_ranks_by_class_first_and_keeps_a_total_below_zero(ex: Callable[..., Any]) -> None:
    record = json.loads(ex("score", "2024", "--format", "json").stdout)
    got = {
        u["department"]: (u["rank"], u["total"], u["deductions"], u["class"], u["award"], u["awards"])
        for u in record["ranking"]
    }
    assert got == {
        # 1.1 formula 20 × 30 / 30 = 20; 1.2 peers' median of 18, 16, 17 = 17; 2.1 by tinh-doan: vững mạnh
        # xuất sắc 20: 57 of 60 (95 %), every criterion ≥ 85 %: xuat-sac; the flag (class() == 'xuat-sac')
        "doan-nguyen-du": (1, "57.0", "0.0", "xuat-sac", "co-tinh-doan", ["co-tinh-doan", "bang-khen"]),
        # 20 × 24 / 30 = 16; median of 10, 11, 9 = 10 (50 % of 20); 20: 46 = 76.7 % ≥ 75 %: xuat-sac
        "doan-tran-phu": (2, "46.0", "0.0", "xuat-sac", None, ["bang-khen"]),
        # 20 × 25 / 25 = 20; median of 9, 8, 7 = 8 (40 % < 50 %: not xuat-sac); 20: 48 = 80 %: kha, ranked
        # after doan-tran-phu's 46 because `rank_by_class` ranks the class first
        "doan-le-loi": (3, "48.0", "0.0", "kha", None, ["bang-khen"]),
        # 20 × 3 / 30 = 2; median of 2, 3, 1 = 2; trung-binh 5: base 9; the review sets 3 offences (at
        # least 2: -10): 9 - 10 = -1.0, below zero with `floor: none`
        "doan-quang-trung": (4, "-1.0", "10.0", "chua-dat", None, []),
    }
    scored = record["ranking"][1]["criteria"]["hoat-dong-phong-trao"]
    assert (scored["scored_by"], scored["combine"], scored["points"]) == ("peers", "median", "10.0")
    assert scored["scores"] == {"doan-nguyen-du": "10.0", "doan-le-loi": "11.0", "doan-quang-trung": "9.0"}
    assert set(record["assessments"]) == {
        "doan-nguyen-du",
        "doan-le-loi",
        "doan-tran-phu",
        "doan-quang-trung",
        "tinh-doan",
    }


def test_self_declared_values_and_the_body_s_review(ex: Callable[..., Any]) -> None:
    """doan-quang-trung declared 1 offence (-5): 9 - 5 = 4.0 on its own values; reviewed by tinh-doan, a body."""
    record = json.loads(ex("score", "2024", "--self", "--format", "json").stdout)
    assert {u["department"]: u["total"] for u in record["ranking"]}["doan-quang-trung"] == "4.0"
    explained = ex("score", "2024", "--explain", "doan-quang-trung").stdout
    assert "-1.0" in explained and "tinh-doan" in explained


def test_every_command_answers_on_the_example(ex: Callable[..., Any], tmp_path: Path) -> None:
    record = tmp_path / "2024.json"
    assert ex("score", "2024", "--format", "json", "--output", str(record)).exit_code == 0
    assert ex("verify", str(record)).exit_code == 0
    assert ex("rules", "2024", "--format", "json").exit_code == 0
    assert ex("new", "2024", "doan-le-loi", "--output", "-").exit_code == 0
    for args in (
        ("gap", "2024", "doan-le-loi", "--rank", "1"),
        ("gap", "2024", "doan-le-loi", "--class", "xuat-sac"),
        ("margins", "2024"),
        ("whatif", "2024", "--set", "doan-le-loi.ket-nap-doan-vien={inputs: {ket-nap: 30, chi-tieu: 25}}"),
        ("history",),
    ):
        result = ex(*args, "--format", "json") if args[0] != "history" else ex(*args)
        assert result.exit_code == 0, (args, result.stdout + result.stderr)
