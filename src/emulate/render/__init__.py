"""Output formats: one module per thing shown (problems, rules, scores, diffs).

Renderers take core results and return text; they never compute points and
never decide exit codes.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal

from ..arithmetic import number, plain, round_points

__all__ = ["csv_text", "markdown_text", "number", "percent", "plain", "terminal_text"]


def percent(share: Decimal, places: int = 1) -> str:
    return f"{round_points(share * 100, places):f} %"


# Text that came from input files (names, titles, reasons, evidence, sources), made safe for
# each format (SPEC 10): it can break no row, forge no line, run no formula and no markup.
# Control characters are refused on input (yamlio); a newline inside a text value is allowed.

_FORMULA_START = ("=", "+", "-", "@")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_text(text: str) -> str:
    """For a table or tree on a terminal: a newline shown as ↵ (no forged line), no control sequence."""
    return _CONTROLS.sub("\ufffd", text.replace("\r\n", "\n").replace("\n", " ↵ ").replace("\t", " "))


def markdown_text(text: str) -> str:
    """For a Markdown table cell or list item: `|` escaped, HTML inert, a newline a <br>."""
    cleaned = _CONTROLS.sub("\ufffd", text.replace("\r\n", "\n").replace("\t", " "))
    escaped = html.escape(cleaned.replace("\\", "\\\\"), quote=False).replace("|", "\\|")
    return escaped.replace("\n", "<br>")


def csv_text(text: str) -> str:
    """For a CSV cell opened in Excel: a text that starts like a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_START) else text
