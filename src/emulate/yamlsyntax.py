"""Where a YAML syntax error really is, and what to do about it.

ruamel reports a syntax error where its scanner gave up, which is often a line or more after
the mistake, and in terms of its own grammar. `diagnose` looks at the text around that place
for the mistakes people make (a tab for indentation, a key without ':', a key moved out of its
block, a value starting with '%', typographic quotes) and returns the line where the mistake
is, with advice in the user's terms; `yamlio` falls back on ruamel's words when it returns None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .i18n import _

#: characters that cannot start a plain scalar (YAML 1.2 reserved indicators and directives)
_RESERVED_START = ("%", "@", "`")
#: typographic quotes that YAML reads as ordinary characters
_SMART_QUOTES = "“”„‟‘’‚‛«»"
_KEY = re.compile(r"(?:-\s+)?[^\s#\"'{\[][^:#]*?:(?:\s|\Z)")


@dataclass(frozen=True)
class Diagnosis:
    line: int  # 1-based
    column: int  # 1-based
    message: str


def diagnose(text: str, exc: Any) -> Diagnosis | None:
    """The mistake behind ruamel's syntax error `exc` in `text`, or None if it is not a known one."""
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return None
    problem = str(getattr(exc, "problem", "") or "")
    context_mark = getattr(exc, "context_mark", None)
    lines = text.split("\n")
    at = mark.line
    line = lines[at] if at < len(lines) else ""
    return (
        _tabs(lines, at)
        or _reserved_start(line, at, mark.column)
        or _smart_quotes(line, at)
        or _missing_colon(lines, problem, context_mark, at)
        or _text_after_quotes(line, at)
        or _moved_out(lines, problem, at)
    )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _tabs(lines: list[str], at: int) -> Diagnosis | None:
    """A tab in the indentation: at the first content line indented with one, once for the file."""

    def tabbed(line: str) -> bool:
        return "\t" in line[: len(line) - len(line.lstrip(" \t"))]

    if not any(tabbed(line) for line in lines[: at + 1]):
        return None
    indented = [n for n, line in enumerate(lines) if tabbed(line) and _is_content(line)]
    if not indented:
        return None
    first = indented[0]
    if len(indented) == 1:
        message = _("this line is indented with a tab; YAML needs spaces: replace the tab with spaces")
    else:
        message = _(
            "this line and {more} more are indented with tabs; YAML needs spaces: replace every tab at the start"
            " of a line with spaces (your editor can convert tabs to spaces)"
        ).format(more=len(indented) - 1)
    return Diagnosis(first + 1, 1, message)


def _reserved_start(line: str, at: int, column: int) -> Diagnosis | None:
    """`unit: %`: '%', '@' and '`' cannot start a value without quotes."""
    char = line[column : column + 1]
    if char not in _RESERVED_START:
        return None
    in_flow = line[:column].count("{") + line[:column].count("[") > line[:column].count("}") + line[:column].count("]")
    rest = line[column:]
    end = re.search(r"[,}\]]" if in_flow else r"\s#", rest)
    value = (rest[: end.start()] if end else rest).strip()
    return Diagnosis(
        at + 1,
        column + 1,
        _("a value cannot start with '{char}' unless it is in quotes: write \"{value}\"").format(
            char=char, value=value.replace('"', '\\"')
        ),
    )


def _smart_quotes(line: str, at: int) -> Diagnosis | None:
    """`evidence: “...: ...”`: typographic quotes are not quotes to YAML."""
    found = next((n for n, char in enumerate(line) if char in _SMART_QUOTES), None)
    if found is None:
        return None
    return Diagnosis(
        at + 1,
        found + 1,
        _(
            "the value is in typographic quotes ({quote}), which YAML reads as ordinary letters:"
            ' use straight quotes (") instead'
        ).format(quote=line[found]),
    )


def _missing_colon(lines: list[str], problem: str, context_mark: Any, at: int) -> Diagnosis | None:
    """A key without ':': ruamel notices it on the next line."""
    if "could not find expected ':'" in problem and context_mark is not None and context_mark.line < len(lines):
        key_line = lines[context_mark.line]
        return Diagnosis(context_mark.line + 1, context_mark.column + 1, _no_colon(key_line))
    if "mapping values are not allowed" not in problem or at >= len(lines):
        return None
    previous = next((n for n in range(at - 1, -1, -1) if _is_content(lines[n])), None)
    if previous is None:
        return None
    before = lines[previous]
    stripped = before.strip()
    if (
        _indent(before) == _indent(lines[at])
        and not _KEY.match(stripped)
        and not stripped.startswith(("-", "{", "[", '"', "'", "|", ">"))
        and not stripped.endswith((",", "{", "["))
    ):
        return Diagnosis(previous + 1, _indent(before) + 1, _no_colon(before))
    return None


def _no_colon(line: str) -> str:
    words = line.strip().split(None, 1)
    key = words[0] if words else ""
    written = f"{key}: {words[1]}" if len(words) > 1 else f"{key}:"
    return _("the key '{key}' has no ':' after it: write `{written}`").format(key=key, written=written)


def _moved_out(lines: list[str], problem: str, at: int) -> Diagnosis | None:
    """A key moved left out of its block: ruamel notices it at the next line of the block."""
    if "did not find expected key" not in problem or at >= len(lines):
        return None
    indent = _indent(lines[at])
    moved = next((n for n in range(at - 1, -1, -1) if _is_content(lines[n]) and _indent(lines[n]) < indent), None)
    if moved is None:
        return None
    child = next((n for n in range(moved + 1, at + 1) if _is_content(lines[n])), at)
    if _indent(lines[child]) == indent and lines[moved].rstrip().endswith(":"):
        return None  # the block of a key at its place: not a key moved left
    sibling = next((n for n in range(moved - 1, -1, -1) if _is_content(lines[n]) and _indent(lines[n]) <= indent), None)
    if sibling is None or _indent(lines[sibling]) != indent:
        return None
    return Diagnosis(
        moved + 1,
        _indent(lines[moved]) + 1,
        _(
            "this line starts at column {column}, left of the lines around it (column {expected}):"
            " indent it by {spaces} more spaces, like the lines around it"
        ).format(column=_indent(lines[moved]) + 1, expected=indent + 1, spaces=indent - _indent(lines[moved])),
    )


def _text_after_quotes(line: str, at: int) -> Diagnosis | None:
    """`key: "abc" def`: the value is already in quotes, and text follows the closing quote."""
    match = re.match(r"\s*(?:-\s+)?[^\s:#\"']+:\s+([\"'])", line)
    if match is None:
        return None
    quote = match.group(1)
    close = line.find(quote, match.end())
    if close < 0 or not line[close + 1 :].strip() or line[close + 1 :].lstrip().startswith("#"):
        return None
    return Diagnosis(
        at + 1,
        close + 2,
        _("text follows the closing quote: put the whole value inside the quotes, or remove what follows"),
    )
