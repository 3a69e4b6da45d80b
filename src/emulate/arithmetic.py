"""Decimal arithmetic of points: the context, the rounding, and how a number is written.

All points are `decimal.Decimal`. Inputs have at most 15 integer digits and 10
decimals (yamlio), so no intermediate value (a bonus of 1e14 per percent on a
performance of 1e25, at 10 places) needs the 100 digits of `CONTEXT`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CONTEXT = Context(prec=100)


def round_points(value: Decimal, places: int) -> Decimal:
    """Half up to `places` decimals (SPEC 3.1: each part is rounded, then parts are summed exactly)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=CONTEXT)


def number(value: Decimal, places: int) -> str:
    """A decimal as the published record writes it: fixed places, no exponent."""
    return f"{round_points(value, places):f}"


def plain(value: Decimal) -> str:
    """A rule parameter or an input as written: 70, 0.7, 1620 (no exponent, no padding)."""
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
