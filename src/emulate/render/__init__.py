"""Output formats: one module per thing shown (problems, rules, scores, diffs).

Renderers take core results and return text; they never compute points and
never decide exit codes.
"""

from __future__ import annotations

from decimal import Decimal


def number(value: Decimal, places: int) -> str:
    """A decimal as the published record writes it: fixed places, no exponent."""
    from ..engine import round_points  # here, so that render.problems needs no engine (see emulate.front)

    return f"{round_points(value, places):f}"


def plain(value: Decimal) -> str:
    """A rule parameter or an input as written: 70, 0.7, 1620 (no exponent, no padding)."""
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"


def percent(share: Decimal, places: int = 1) -> str:
    from ..engine import round_points

    return f"{round_points(share * 100, places):f} %"
