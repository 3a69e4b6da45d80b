"""Typer's and click's own usage errors in the run's language.

The click that typer carries writes its errors in English with f-strings ("Missing
argument 'YEAR'.", "No such option: --formt (Possible options: ...)", "Did you mean
'score'?"), out of reach of gettext. `words` finds those English pieces in a message
and writes each again through the catalog (`_`), so `--lang vi` leaves no English in
them; in English each piece is written as it was. A piece it does not know is kept.
"""

from __future__ import annotations

import re

from .i18n import _

#: click's English pieces: a pattern with named parts, and the catalog's message that says it
_PIECES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"Missing argument '(?P<name>[^']+)'\.", "Missing argument '{name}'."),
        (r"Missing option '(?P<name>[^']+)'\.", "Missing option '{name}'."),
        (r"Missing parameter: (?P<name>\S+)", "Missing parameter: {name}"),
        (r"No such option: (?P<name>\S+)", "No such option: {name}"),
        (r"\(Possible options: (?P<options>[^)]*)\)", "(Possible options: {options})"),
        (r"Did you mean (?P<suggestions>.+?)\?", "Did you mean {suggestions}?"),
        (r"Invalid value for (?P<name>.+?): ", "Invalid value for {name}: "),
        (r"Invalid value: ", "Invalid value: "),
        (
            r"Value error, (?P<value>.+?) is not one of (?P<choices>.+?)\.$",
            "Value error, {value} is not one of {choices}.",
        ),
        (r"Got unexpected extra argument\(s\) \((?P<args>[^)]*)\)", "Got unexpected extra argument(s) ({args})"),
        (r"Option (?P<option>'[^']+') requires an argument\.", "Option {option} requires an argument."),
        (
            r"Option (?P<option>'[^']+') requires (?P<count>\d+) arguments\.",
            "Option {option} requires {count} arguments.",
        ),
        (r"Option (?P<option>'[^']+') does not take a value\.", "Option {option} does not take a value."),
    )
)


def words(message: str) -> str:
    """A usage error's message with click's English pieces said in the run's language."""
    for pattern, text in _PIECES:
        message = pattern.sub(lambda found, text=text: _(text).format(**found.groupdict()), message)  # type: ignore[misc]
    return message
