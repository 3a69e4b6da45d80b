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
from typing import Any, Sequence

from . import i18n
from .i18n import _


# --- shared with cli ---------------------------------------------------------------------


def files_to_check(command: str, paths: Sequence[Path], root: Path) -> list[Path]:
    """What `check-rules` or `validate` reads: the files named and the .yaml files under the folders
    named, in order; with none named, the workspace's own (rules/, or submissions/ and reviews/)."""
    folders = ("rules",) if command == "check-rules" else ("submissions", "reviews")
    files: list[Path] = []
    for path in paths or [root / folder for folder in folders if (root / folder).is_dir()]:
        files += sorted(p for p in path.rglob("*.yaml") if p.is_file()) if path.is_dir() else [path]
    return files


def years_in(folder: Path) -> set[int]:
    """The years that have a ruleset file (`2017.yaml`) in `folder`."""
    return {int(p.stem) for p in folder.glob("*.yaml") if p.stem.isdigit()}


# --- the fast runs -----------------------------------------------------------------------


def run(argv: Sequence[str], environ: dict[str, str] | os._Environ[str] = os.environ) -> int | None:
    """Answer `argv` (the arguments after `emulate`) and return the exit code, or None to leave it to `cli`."""
    args = list(argv)
    bare = _without_lang(args)
    if bare is None or "_EMULATE_COMPLETE" in environ:  # shell completion is typer's
        return None
    if not args or bare in (["--help"], ["-h"]):
        if _terminal_width(sys.stdout) < MIN_HELP_WIDTH:
            return None  # typer lays out a narrow page differently (it narrows the option column)
        print_help(trailing_line=bool(args))
        return 0 if args else 2  # no arguments at all is a usage error, as typer has it
    while args and (args[0] == "--lang" or args[0].startswith("--lang=")):  # before the command
        args = args[1:] if "=" in args[0] else args[2:]
    if not args or args[0] not in ("validate", "check-rules"):
        return None  # `emulate --lang vi` alone: typer says that a command is missing
    options = _options(args[1:], environ)
    if options is None:
        return None
    paths, fmt, root, max_bytes = options
    try:
        if not root.is_dir() or not all(p.exists() for p in paths):
            return None
        checked = _check_rules(paths, root, max_bytes) if args[0] == "check-rules" else _validate(paths, root, max_bytes, fmt)
    except Exception:  # noqa: BLE001 - a doubt like any other (a name too long for the system...): the full checks answer
        return None
    if checked is None:
        return None
    from .render.problems import render, summary

    sys.stdout.write(render([], fmt))
    sys.stderr.write(summary("rules" if args[0] == "check-rules" else "submissions", checked, []) + "\n")
    return 0


def _without_lang(args: list[str]) -> list[str] | None:
    """The arguments without any `--lang X` (applied already by `entry`); None if a value is not a language."""
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
    from .render.problems import FORMATS
    from .yamlio import DEFAULT_MAX_BYTES

    values = {"--format": "text", "--root": environ.get("EMULATE_ROOT") or ".", "--max-bytes": environ.get("EMULATE_MAX_BYTES") or str(DEFAULT_MAX_BYTES),
              "--lang": "en"}  # the language is applied already (entry.main); its value is checked here
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
    if values["--format"] not in FORMATS or values["--lang"] not in i18n.LANGUAGES:
        return None
    if not (values["--max-bytes"].isascii() and values["--max-bytes"].isdigit() and int(values["--max-bytes"]) >= 1):
        return None  # '²' is a digit to str.isdigit, not to int()
    return paths, values["--format"], Path(values["--root"]), int(values["--max-bytes"])


def _clean_ruleset(path: Path, max_bytes: int) -> Any:
    """The quick `Rules` of a ruleset file with no problem at all, else None."""
    from .quick import clean_ruleset
    from .yamlio import load_file

    loaded = load_file(path, max_bytes=max_bytes)
    if loaded.document is None or loaded.problems:
        return None
    named_for_year = path.stem.isdigit()
    return clean_ruleset(loaded.document.data, int(path.stem) if named_for_year else None, years_in(path.parent) if named_for_year else None)


def _check_rules(paths: list[Path], root: Path, max_bytes: int) -> int | None:
    files = files_to_check("check-rules", paths, root)
    if all(_clean_ruleset(path, max_bytes) is not None for path in files):
        return len(files)
    return None


def checking_label(count: int) -> str:
    """What the progress bar of validate says."""
    return _("checking {count} files").format(count=count)


def _validate(paths: list[Path], root: Path, max_bytes: int, fmt: str = "text") -> int | None:
    files = files_to_check("validate", paths, root)
    if any(path.parent.name == "reviews" for path in files):
        return None  # reviews are checked by cli only
    from functools import partial

    from .batch import map_chunks
    from .render.progress import progress_bar

    with progress_bar(checking_label(len(files)), fmt != "json") as bar:
        clean = map_chunks(_clean_submissions, files, partial(_QuickRules, root, max_bytes), bar)
    return len(files) if all(clean) else None


class _QuickRules:
    """The quick `Rules` of each year of a workspace, read once (in each worker process)."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root, self.max_bytes = root, max_bytes
        self.years: dict[int, Any] = {}

    def of(self, year: int) -> Any:
        if year not in self.years:
            ruleset = self.root / "rules" / f"{year}.yaml"
            self.years[year] = _clean_ruleset(ruleset, self.max_bytes) if ruleset.is_file() else None
        return self.years[year]


def _clean_submissions(rules: _QuickRules, files: Sequence[Path]) -> list[bool]:
    """Is each file a submission with no problem at all?"""
    from .quick import clean_submission, year_of
    from .yamlio import load_file

    clean: list[bool] = []
    for path in files:
        loaded = load_file(path, max_bytes=rules.max_bytes)
        data = loaded.document.data if loaded.document is not None and not loaded.problems else None
        year = year_of(data)
        year_rules = rules.of(year) if year is not None else None
        clean.append(year_rules is not None and clean_submission(data, year_rules, path))
    return clean


# --- the top-level help ------------------------------------------------------------------

#: below this width typer narrows the option column; the page is then left to typer
MIN_HELP_WIDTH = 70

# The ANSI styles typer gives each part of a help page (typer.rich_utils)
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"
_STYLES = {"option": "\033[1;36m", "switch": "\033[1;32m", "type": "\033[1;33m", "usage": "\033[1;33m", "command": "\033[1;36m"}


def print_help(stream: Any = None, width: int | None = None, color: bool | None = None, trailing_line: bool = True) -> None:
    """`emulate --help`, laid out as typer lays out every command's help, without importing rich.

    Rich and typer cost a tenth of a second to import; this page is plain text
    with the same panels (tests/test_quick.py compares the two), coloured as
    typer colours it when the output is a terminal.
    """
    import textwrap

    from .commands import description, help_texts, lang_help

    stream = stream if stream is not None else sys.stdout
    width = width or _terminal_width(stream)
    paint = _painter(_wants_color(stream) if color is None else color)
    inner = width - 4  # a panel's border and padding

    def wrap(text: str, size: int) -> list[str]:
        return textwrap.wrap(text, max(size, 1), break_on_hyphens=False) or [""]

    def panel(title: str, rows: list[list[tuple[str, str]]], widths: list[int]) -> list[str]:
        """Rows of cells (text, style) in columns of `widths`; the last column wraps."""
        lines = [paint(f"╭─ {title} " + "─" * max(width - len(title) - 5, 0) + "╮", "dim")]
        for row in rows:
            *fixed, (text, style) = row
            for n, part in enumerate(wrap(text, widths[-1])):
                cells = [paint(t.ljust(w), s) if n == 0 else " " * w for (t, s), w in zip(fixed, widths)]
                cells.append(paint(part.ljust(widths[-1]), style))
                lines.append(paint("│", "dim") + " " + "  ".join(cells) + " " + paint("│", "dim"))
        lines.append(paint("╰" + "─" * (width - 2) + "╯", "dim"))
        return lines

    usage, command_line = _("Usage:"), " emulate [OPTIONS] COMMAND [ARGS]..."
    padding = " " * max(width - len(usage) - len(command_line) - 1, 0)
    lines = [" " * width, " " + paint(usage, "usage") + paint(command_line, "bold") + padding, " " * width]
    lines += [" " + line.ljust(width - 2) + " " for line in wrap(description(), width - 2)]
    lines.append(" " * width)

    options = [
        ("--lang", "", "<str>", lang_help()),
        ("--install-completion", "", "<bool>", _("Install completion for the current shell.")),
        ("--show-completion", "", "<bool>", _("Show completion for the current shell, to copy it or customize the installation.")),
        ("--help", "-h", "<bool>", _("Show this message and exit.")),
    ]
    widths = [max(len(o[0]) for o in options), max(len(o[1]) for o in options), 0, 0, max(len(o[2]) for o in options)]
    widths.append(inner - sum(widths) - 2 * len(widths))
    lines += panel(_("Options"), [[(o[0], "option"), (o[1], "switch"), ("", ""), ("", ""), (o[2], "type"), (o[3], "")] for o in options], widths)

    texts = help_texts()
    name_width = max(map(len, texts))
    first = {name: _first_paragraph(text) for name, text in texts.items()}
    lines += panel(_("Commands"), [[(name, "command"), (first[name], "")] for name in texts], [name_width, inner - name_width - 2])
    # click ends `--help` with a blank line, and the page it shows for no arguments without one
    stream.write("\n".join(lines) + ("\n\n" if trailing_line else "\n"))


def _painter(color: bool) -> Any:
    def paint(text: str, style: str) -> str:
        if not color or not style or not text.strip():
            return text
        if style == "type":  # <str>: the brackets dim, the name bold yellow
            core = text.rstrip()
            return f"{_DIM}<{_RESET}{_STYLES['type']}{core[1:-1]}{_RESET}{_DIM}>{_RESET}" + text[len(core):]
        code = {"dim": _DIM, "bold": _BOLD}.get(style) or _STYLES[style]
        return f"{code}{text}{_RESET}"

    return paint


def _wants_color(stream: Any) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"


def _terminal_width(stream: Any) -> int:
    """As rich measures it: $COLUMNS, else the terminal's width, else 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns if stream.isatty() else 80
    except (AttributeError, OSError, ValueError):
        return 80


def _first_paragraph(text: str) -> str:
    """The first paragraph of a help text, as a command list shows it."""
    return " ".join(line.strip() for line in text.split("\n\n")[0].splitlines()).strip()
