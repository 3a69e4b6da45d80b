"""What the command line offers: its commands and their help texts, in the chosen language.

Kept apart from `cli` (which needs typer) so that `front` can print the
top-level help without building the whole command line. `help_texts()` is
called after the language is chosen: the texts are translated when it runs.
"""

from __future__ import annotations

from .i18n import _


def description() -> str:
    return _(
        "Emulation regulations (quy chế thi đua) as data: check rules, validate submissions,"
        " score and rank units, explain every point, diff two years' rules."
    )


def lang_help() -> str:
    """The help of `--lang`, an option of every command and of `emulate` itself."""
    return _("The language of messages and tables: vi or en. Default: $EMULATE_LANG, then the locale.")


def help_texts() -> dict[str, str]:
    """Each command's help, in the order `emulate --help` lists them."""
    return {
        "rules": _("""Show a year's criteria tree: numbers, titles, rules, maxima and sources."""),
        "check-rules": _("""Check ruleset files: syntax, keys, types, ids, numbering, sources and references."""),
        "validate": _(
            "Check submission files (YAML or the Excel form), assessment, review and meeting files"
            " against the ruleset of their own year."
        ),
        "score": _("""Score every submission of a year and print the ranked table with proposed awards.

    When reviews/YEAR.yaml exists, the reviewed values are ranked and every format
    shows the self-declared against the reviewed points; --self ranks the
    self-declared values alone."""),
        "new": _("""Write a submission template for a department, with every criterion explained. Never overwrites."""),
        "import": _(
            "Write the YAML submission equivalent to a filled Excel form (`new --format xlsx`). Never overwrites."
        ),
        "schema": _("""Print a JSON Schema (draft-07) of a year's submissions, for editors' YAML language servers."""),
        "verify": _(
            "Recompute a published ranking from the workspace: are the inputs unchanged and every number reproduced?"
        ),
        "history": _(
            "Each unit's total, share of the maximum and rank in every year of the workspace,"
            " with the change from year to year."
        ),
        "diff-rules": _(
            """Show what changed between two rulesets, criteria matched by id; with --rescore, whom it moves."""
        ),
        "init-year": _(
            "Start a new year's ruleset from the latest earlier one: year, version, title and previous updated,"
            " every comment and source kept. Never overwrites."
        ),
        "init": _("Create an empty workspace in a new or empty folder, with a commented example ruleset."),
        # one paragraph each: a line break in it would break the line in `emulate --help` too
        "gap": _(
            "What a department would need to reach an award or a rank: the smallest increase of its total,"
            " the points still open per criterion and the values that give them, the ways with the fewest"
            " criteria, and what cannot help. Every other unit stays as it is."
        ),
        "margins": _(
            "How close the ranking is: the points between neighbours and where they differ most, each"
            " award's boundary, and whether undoing each review adjustment alone would move a rank or an award."
        ),
        "whatif": _(
            "Re-score a year with some values changed (--set, written as in a submission) or under another"
            " ruleset file (--rules), and show every unit whose rank, total or award moves."
        ),
    }
