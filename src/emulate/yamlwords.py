"""ruamel.yaml's (and libyaml's) own words in a syntax error, said in the run's language.

ruamel (and libyaml, which reads the events when it is there) writes a syntax error's
problem ("could not find expected ':'") and its context ("while scanning a simple key")
in English. `said` finds the text among their known wordings and writes it again through
the catalog (`_`); in English each reads as it was written, and a wording not known here
is kept as it is.
"""

from __future__ import annotations

import re

from .i18n import _

#: ruamel's and libyaml's fixed wordings (the catalog's message is the same English text)
_FIXED = frozenset(
    {
        "mapping values are not allowed in this context",
        "block sequence entries are not allowed in this context",
        "did not find expected ',' or '}'",
        "did not find expected ',' or ']'",
        "did not find expected key",
        "did not find expected '-' indicator",
        "did not find expected node content",
        "did not find expected <document start>",
        "did not find expected comment or line break",
        "did not find expected alphabetic or numeric character",
        "found character that cannot start any token",
        "found unknown escape character",
        "found a tab character that violates indentation",
        "found a tab character where an indentation space is expected",
        "found undefined tag handle",
        "control characters are not allowed",
        "while parsing a flow node",
        "while parsing a block node",
        "could not find expected ':'",
        "mapping values are not allowed here",
        "found unexpected end of stream",
        "found unexpected document separator",
        "found duplicate key",
        "expected a single document in the stream",
        "while scanning a simple key",
        "while scanning a quoted scalar",
        "while scanning a plain scalar",
        "while scanning a block scalar",
        "while scanning for the next token",
        "while scanning a directive",
        "while scanning a tag",
        "while scanning an anchor",
        "while scanning an alias",
        "while parsing a block mapping",
        "while parsing a block collection",
        "while parsing a flow mapping",
        "while parsing a flow sequence",
        "while parsing a node",
        "while parsing a tag",
        "while composing a mapping",
    }
)

#: ruamel's wordings with a part that varies: a pattern, and the catalog's message
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (
            r"found character (?P<found>.+) that cannot start any token",
            "found character {found} that cannot start any token",
        ),
        (r"expected <block end>, but found (?P<found>.+)", "expected <block end>, but found {found}"),
        (r"expected ',' or '\]', but got (?P<found>.+)", "expected ',' or ']', but got {found}"),
        (r"expected ',' or '\}', but got (?P<found>.+)", "expected ',' or '}}', but got {found}"),
        (r"expected the node content, but found (?P<found>.+)", "expected the node content, but found {found}"),
        (
            r"expected a comment or a line break, but found (?P<found>.+)",
            "expected a comment or a line break, but found {found}",
        ),
        (
            r"expected alphabetic or numeric character, but found (?P<found>.+)",
            "expected alphabetic or numeric character, but found {found}",
        ),
        (r"found unknown escape character (?P<found>.+)", "found unknown escape character {found}"),
        (r"found undefined alias (?P<found>.+)", "found undefined alias {found}"),
    )
)


def said(text: str) -> str:
    """ruamel's problem or context in the run's language; unknown wordings as they are."""
    if text in _FIXED:
        return _(text)
    for pattern, message in _PATTERNS:
        found = pattern.fullmatch(text)
        if found is not None:
            return _(message).format(**found.groupdict())
    return text
