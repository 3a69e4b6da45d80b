"""Decimal arithmetic of points: the context, the rounding, and how a number is written.

All points are `decimal.Decimal`. Inputs have at most 15 integer digits and 10
decimals (yamlio), so no intermediate value (a bonus of 1e14 per percent on a
performance of 1e25, at 10 places) needs the 100 digits of `CONTEXT`.
"""

from __future__ import annotations

from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Context, Decimal

from . import i18n

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CONTEXT = Context(prec=100)


def round_points(value: Decimal, places: int) -> Decimal:
    """Half up to `places` decimals (SPEC 3.1: each part is rounded, then parts are summed exactly)."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=CONTEXT)
    # `points: -0.0` (or a negative product rounded to zero) is zero: never published as "-0.00"
    return rounded.copy_abs() if rounded.is_zero() else rounded


#: whom numbers are written for: "machine" (611.55, 1620: records, json, csv, messages) or "human"
#: (the tables and documents people read: in Vietnamese, 611,55 and 1.620). Set only by `render.figures`.
STYLE: ContextVar[str] = ContextVar("emulate_figures", default="machine")


def vietnamese(text: str) -> str:
    """A number written the machine way (`-1620.5`) written the Vietnamese way (`-1.620,5`)."""
    sign = "-" if text.startswith("-") else ""
    whole, _, decimals = text.removeprefix("-").partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    return sign + ".".join([whole, *groups]) + ("," + decimals if decimals else "")


def _styled(text: str) -> str:
    return vietnamese(text) if STYLE.get() == "human" and i18n.language() == "vi" else text


def number(value: Decimal, places: int) -> str:
    """A decimal as the published record writes it: fixed places, no exponent (`vietnamese` in a Vietnamese table)."""
    return _styled(f"{round_points(value, places):f}")


def plain(value: Decimal) -> str:
    """A rule parameter or an input as written: 70, 0.7, 1620 (no exponent, no padding)."""
    if value.is_zero():
        value = value.copy_abs()  # -0 is written 0
    return _styled(f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}")
