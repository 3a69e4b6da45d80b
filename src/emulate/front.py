"""The fast front of the command line: the runs that must start at once.

`emulate --help`, and `emulate validate` / `emulate check-rules` on files with
no problem, run in editors, pre-commit hooks and CI on every change. Building
the typer command line and the pydantic models costs a quarter of a second
before any work, so these runs are answered here first, with neither: the
files are read by `yamlio` and passed by the conservative checks of `quick`.

`run` answers a command line it fully understands and whose files are all
clean, and returns None for anything else (another command, an option it does
not know, a file with a problem, a doubt of any kind); `cli` then does the
whole run, with every message. Both print the same thing for a clean run:
tests/test_quick.py compares them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Iterable, Sequence

from . import i18n
from .i18n import _
from .problems import Problem

PROBLEM_FORMATS = ("text", "json", "github")
DEFAULT_MAX_BYTES = 1024 * 1024


# --- shared with cli ---------------------------------------------------------------------


def yaml_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, and the .yaml files under the folders named, in order."""
    files: list[Path] = []
    for path in paths:
        files += sorted(p for p in path.rglob("*.yaml") if p.is_file()) if path.is_dir() else [path]
    return files


def summary(what: str, count: int, problems: list[Problem]) -> str:
    """The last line of check-rules (`what` = "rules") or validate ("submissions"), for stderr."""
    errors = sum(p.is_error for p in problems)
    if not problems:
        clean = _("{count} ruleset file(s) checked: no problems") if what == "rules" else _("{count} submission file(s) checked: no problems")
        return clean.format(count=count)
    found = (_("{count} ruleset file(s) checked: {errors} error(s), {warnings} warning(s) in {files} file(s)") if what == "rules"
             else _("{count} submission file(s) checked: {errors} error(s), {warnings} warning(s) in {files} file(s)"))
    return found.format(count=count, errors=errors, warnings=len(problems) - errors, files=len({p.file for p in problems}))


# --- the fast runs -----------------------------------------------------------------------


def run(argv: Sequence[str], environ: dict[str, str] | os._Environ[str] = os.environ) -> int | None:
    """Answer `argv` (the arguments after `emulate`) and return the exit code, or None to leave it to `cli`."""
    args = _without_lang(list(argv))
    if args is None or "_EMULATE_COMPLETE" in environ:  # shell completion is typer's
        return None
    if args in ([], ["--help"], ["-h"]):
        print_help()
        return 2 if not args else 0  # no command at all is a usage error, as typer has it
    if args[0] not in ("validate", "check-rules"):
        return None
    options = _options(args[1:], environ)
    if options is None:
        return None
    paths, fmt, root, max_bytes = options
    if not root.is_dir() or not all(p.exists() for p in paths):
        return None
    try:
        checked = _check_rules(paths, root, max_bytes) if args[0] == "check-rules" else _validate(paths, root, max_bytes)
    except Exception:  # noqa: BLE001 - a doubt like any other: the full checks answer (tests/test_quick.py calls the checks directly)
        return None
    if checked is None:
        return None
    from .render.problems import render

    sys.stdout.write(render([], fmt))
    sys.stderr.write(summary("rules" if args[0] == "check-rules" else "submissions", checked, []) + "\n")
    return 0


def _without_lang(args: list[str]) -> list[str] | None:
    """The arguments without `--lang X` (applied already by `entry`); None if its value is not a language."""
    kept: list[str] = []
    i = 0
    while i < len(args):
        if args[i] == "--lang" or args[i].startswith("--lang="):
            value = args[i].split("=", 1)[1] if "=" in args[i] else (args[i + 1] if i + 1 < len(args) else None)
            if value not in i18n.LANGUAGES:
                return None
            i += 1 if "=" in args[i] else 2
            continue
        kept.append(args[i])
        i += 1
    return kept


def _options(args: list[str], environ: Any) -> tuple[list[Path], str, Path, int] | None:
    """Paths, format, root and size limit of validate/check-rules; None for anything unusual."""
    values = {"--format": "text", "--root": environ.get("EMULATE_ROOT") or ".", "--max-bytes": environ.get("EMULATE_MAX_BYTES") or str(DEFAULT_MAX_BYTES)}
    paths: list[Path] = []
    i = 0
    while i < len(args):
        arg = args[i]
        name, has_value, value = arg.partition("=")
        name = "--format" if name == "-f" and not has_value else name
        if name in values:
            if not has_value:
                if i + 1 >= len(args):
                    return None
                value = args[i + 1]
                i += 1
            values[name] = value
        elif arg.startswith("-") or not arg:
            return None  # --help, --, an unknown option: the full command line explains
        else:
            paths.append(Path(arg))
        i += 1
    if values["--format"] not in PROBLEM_FORMATS or not values["--max-bytes"].isdigit() or int(values["--max-bytes"]) < 1:
        return None
    return paths, values["--format"], Path(values["--root"]), int(values["--max-bytes"])


def _years_beside(rules_dir: Path) -> set[int]:
    return {int(p.stem) for p in rules_dir.glob("*.yaml") if p.stem.isdigit()}


def _clean_ruleset(path: Path, max_bytes: int) -> Any:
    """The quick `Rules` of a ruleset file with no problem at all, else None."""
    from .quick import clean_ruleset
    from .yamlio import load_file

    loaded = load_file(path, max_bytes=max_bytes)
    if loaded.document is None or loaded.problems:
        return None
    named_for_year = path.stem.isdigit()
    return clean_ruleset(loaded.document.data, int(path.stem) if named_for_year else None, _years_beside(path.parent) if named_for_year else None)


def _check_rules(paths: list[Path], root: Path, max_bytes: int) -> int | None:
    rules_dir = root / "rules"
    files = yaml_files(paths if paths else [rules_dir] if rules_dir.is_dir() else [])
    if all(_clean_ruleset(path, max_bytes) is not None for path in files):
        return len(files)
    return None


def _validate(paths: list[Path], root: Path, max_bytes: int) -> int | None:
    from .quick import clean_submission, year_of
    from .yamlio import load_file

    defaults = [d for d in (root / "submissions", root / "reviews") if d.is_dir()]
    files = yaml_files(paths if paths else defaults)
    rules: dict[int, Any] = {}
    for path in files:
        if path.parent.name == "reviews":
            return None  # reviews are checked by cli only
        loaded = load_file(path, max_bytes=max_bytes)
        if loaded.document is None or loaded.problems:
            return None
        year = year_of(loaded.document.data)
        if year is None:
            return None
        if year not in rules:
            ruleset = root / "rules" / f"{year}.yaml"
            rules[year] = _clean_ruleset(ruleset, max_bytes) if ruleset.is_file() else None
        if rules[year] is None or not clean_submission(loaded.document.data, rules[year], path):
            return None
    return len(files)


# --- the top-level help ------------------------------------------------------------------


def print_help() -> None:
    """`emulate --help`, laid out as typer lays out every command's help (rich panels)."""
    from rich.align import Align
    from rich.columns import Columns
    from rich.console import Console, Group
    from rich.highlighter import RegexHighlighter
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text
    from rich.theme import Theme

    from .commands import description, help_texts, lang_help

    class Options(RegexHighlighter):
        highlights = [
            r"(^|\W)(?P<switch>\-\w+)(?![a-zA-Z0-9])",
            r"(^|\W)(?P<option>\-\-[\w\-]+)(?![a-zA-Z0-9])",
            r"(?P<types>\<[^\>]+\>)",
            r"(?P<usage>Usage: )",
        ]

    class Types(RegexHighlighter):
        highlights = [r"^(?P<types_sep>(\[|<))", r"(?P<types_sep>\|)", r"(?P<types_sep>(\]|>))(\.\.\.)?$"]

    options, types = Options(), Types()
    theme = Theme({"option": "bold cyan", "switch": "bold green", "types": "bold yellow", "types_sep": "dim", "usage": "yellow"})
    console = Console(theme=theme, highlighter=options)
    console.print(Padding(options(_("Usage:") + " emulate [OPTIONS] COMMAND [ARGS]..."), 1), style="bold")
    console.print(Padding(Align(Group(options(Text.from_markup(description()))), pad=False), (0, 1, 1, 1)))

    def panel(title: str, table: Table) -> Panel:
        return Panel(table, border_style="dim", title=title, title_align="left")

    table = Table(highlight=True, show_header=False, expand=True, box=None, show_lines=False, leading=0, pad_edge=False, padding=(0, 1))
    rows = [
        ("--lang", "", "<str>", lang_help()),
        ("--install-completion", "", "<bool>", _("Install completion for the current shell.")),
        ("--show-completion", "", "<bool>", _("Show completion for the current shell, to copy it or customize the installation.")),
        ("--help", "-h", "<bool>", _("Show this message and exit.")),
    ]
    for long, short, kind, text in rows:
        table.add_row(options(long), options(short), "", "", types(Text(kind, style="bold yellow", overflow="fold")), Columns([options(Text.from_markup(text))]))
    console.print(panel(_("Options"), table))

    texts = help_texts()
    commands = Table(highlight=False, show_header=False, expand=True, box=None, show_lines=False, leading=0, pad_edge=False, padding=(0, 1))
    commands.add_column(style="bold cyan", no_wrap=True, width=max(map(len, texts)))
    commands.add_column("Description", justify="left", no_wrap=False, ratio=10)
    for name, text in texts.items():
        first = _first_paragraph(text)
        commands.add_row(Text(name), options(Text.from_markup(first)))
    console.print(panel(_("Commands"), commands))
    sys.stdout.write("\n")  # as click ends every help


def _first_paragraph(text: str) -> str:
    import inspect

    return inspect.cleandoc(text).split("\n\n")[0].strip()
