"""Output formats: one module per thing shown (problems, rules, scores, diffs).

Renderers take core results and return text; they never compute points and
never decide exit codes.
"""

from __future__ import annotations

from decimal import Decimal

from ..arithmetic import number, plain, round_points

__all__ = ["number", "percent", "plain"]


def percent(share: Decimal, places: int = 1) -> str:
    return f"{round_points(share * 100, places):f} %"
