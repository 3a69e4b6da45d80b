"""The command line: parse arguments, call the library, pick a renderer, set the exit code.

Exit codes: 0 success (or nothing found), 1 problems found, 2 usage error, a
path that does not exist, or an unknown year or department. Nothing here
computes points; every error a user can cause ends in a message, not a traceback.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar, cast

import typer
from typer.core import TyperCommand, TyperGroup

from .commands import description, help_texts, lang_help
from .completion import departments as complete_departments
from .completion import years as complete_years
from .i18n import _
from .problems import Problem, has_errors
from .render.problems import summary
from .render.progress import progress_bar
from .yamlio import DEFAULT_MAX_BYTES

HELP_TEXTS = help_texts()

F = TypeVar("F", bound=Callable[..., Any])


class _InTheRunsLanguage:
    """The usage line and the --help option's text in the run's language (typer writes them in English)."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=_("Usage:") + " ")  # type: ignore[attr-defined]

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _("Show this message and exit.")
        return option

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)  # type: ignore[misc]
        except Exception as error:
            if _is_usage_error(error):
                raise _in_words(error) from None
            raise

    def resolve_command(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().resolve_command(*args, **kwargs)  # type: ignore[misc]
        except Exception as error:
            if _is_usage_error(error):
                raise _in_words(error) from None
            raise


def _is_usage_error(error: BaseException) -> bool:
    return hasattr(error, "format_message") and hasattr(error, "ctx")


def _in_words(error: BaseException) -> BaseException:
    """A usage error of click's whose message is said in the run's language (`usage.words`)."""
    from .usage import words

    english = error.format_message  # type: ignore[attr-defined]
    setattr(error, "format_message", lambda: words(english()))  # noqa: B010  # the instance's, not the class's
    return error


class _Command(_InTheRunsLanguage, TyperCommand):
    pass


class _Group(_InTheRunsLanguage, TyperGroup):
    pass


def _new_app() -> typer.Typer:
    return typer.Typer(
        name="emulate",
        cls=_Group,
        help=description(),
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


app = _new_app()
#: name -> the function of each command, in the order `emulate --help` lists them
COMMANDS: dict[str, Callable[..., None]] = {}


def _command(name: str) -> Callable[[F], F]:
    """`@_command("score")`: a command of `app` with its help text from `commands`."""

    def register(function: F) -> F:
        styled = cast("F", _figures_by_format(function))
        COMMANDS[name] = styled
        return app.command(name, help=HELP_TEXTS[name], cls=_Command)(styled)

    return register


def _figures_by_format(function: Callable[..., Any]) -> Callable[..., Any]:
    """The command, writing numbers and dates for people (`611,55` in Vietnamese, SPEC 8) when its
    --format is for people (table, tree, text, markdown, html, xlsx, docx), never in json or csv,
    nor in problem reports."""

    @functools.wraps(function)
    def command(*args: Any, **kwargs: Any) -> Any:
        from .render import MACHINE_FORMATS, figures

        chosen = kwargs.get("format_")
        human = (
            isinstance(chosen, Enum) and not isinstance(chosen, ProblemFormat) and chosen.value not in MACHINE_FORMATS
        )
        with figures(human):
            return function(*args, **kwargs)

    return command


def app_of(name: str) -> typer.Typer:
    """An `app` that has only the command `name` (and `emulate`'s own options): it runs that command as `app` does.

    typer makes a click command of every command of an app each time the app is run
    (about 1 ms each); a run of one command needs only that one.
    """
    one = _new_app()
    one.callback()(_everywhere)
    one.command(name, help=HELP_TEXTS[name], cls=_Command)(COMMANDS[name])
    return one


RootOption = Annotated[
    Path,
    typer.Option(
        "--root",
        envvar="EMULATE_ROOT",
        help=_(
            "The workspace folder (holding rules/ and submissions/). Default: the current folder, or $EMULATE_ROOT."
        ),
        show_default=False,
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option("--lang", help=lang_help(), show_default=False),
]
MaxBytesOption = Annotated[
    int,
    typer.Option(
        "--max-bytes",
        envvar="EMULATE_MAX_BYTES",
        min=1,
        help=_("Refuse input files larger than this many bytes."),
        show_default=True,
    ),
]


def _year(value: str | int) -> int:
    """A YEAR on the command line: ASCII digits only (int() would take "2_017", " 2017" and "+2017")."""
    text = str(value)
    if not (text.isascii() and text.isdigit() and len(text) <= 6):
        raise typer.BadParameter(_("a year is written in digits, like 2017 (got '{value}')").format(value=text[:80]))
    return int(text)


class ProblemFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


ProblemFormatOption = Annotated[
    ProblemFormat,
    typer.Option("--format", "-f", help=_("text (file:line:column), json, or github (Actions annotations).")),
]


class NewFormat(str, Enum):
    yaml = "yaml"
    xlsx = "xlsx"


class RulesFormat(str, Enum):
    tree = "tree"
    json = "json"


class ScoreFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"
    html = "html"
    docx = "docx"


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help=_("Write to this file instead of standard output (a workbook or a page needs one)."),
        show_default=False,
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help=_("Replace the --output file if it exists."))]


def _emit(path: Path | None, content: Any, force: bool, binary: str | None = None) -> None:
    """Print `content` (text, or an iterable of text), or write it to `path` (--output).

    `binary` names a format that only a file can hold (xlsx, html): it needs
    --output. A file is written whole or not at all, replaces an existing
    file only with --force and never one that is not a regular file, and is
    never written into a folder that does not exist (SPEC 10).
    """
    from .workspace import display_path

    if path is None:
        if binary is not None:
            _usage_error(_("--format {format} writes a file: add --output FILE").format(format=binary))
        for piece in [content] if isinstance(content, str) else content:
            _out(piece)
        return
    _write_file(path, content, force, _("{file} already exists; it was left as it is (add --force to replace it)"))
    sys.stderr.write(_("wrote {file}").format(file=display_path(path)) + "\n")


def _write_file(path: Path, content: Any, force: bool, exists: str) -> None:
    """`write_new`, its refusals said in one line: `exists` (with {file}) when the file exists."""
    from .workspace import display_path
    from .writing import AlreadyExists, NoFolder, NotARegularFile, write_new

    shown = display_path(path)
    try:
        write_new(path, content, overwrite=force)
    except AlreadyExists:
        _fail(exists.format(file=shown))
    except NotARegularFile:
        _fail(_("{file} is not a regular file; it was left as it is (choose another --output)").format(file=shown))
    except NoFolder:
        # SPEC 4: a path that does not exist is a usage error (2); the folder is not created
        _usage_error(
            _("the folder {folder} does not exist; it is not created (make it, or choose another --output)").format(
                folder=display_path(path.parent)
            )
        )
    except OSError as exc:
        _fail(_("cannot write {file}: {reason}").format(file=shown, reason=exc.strerror or exc))


def _fail(message: str) -> NoReturn:
    """A problem found (exit 1) that is said in one line."""
    sys.stderr.write(f"emulate: {message}\n")
    raise typer.Exit(1)


def _rich_text(renderables: Iterable[Any], soft_wrap: bool = False, end: str = "\n") -> str:
    """What `_console().print` would show, as plain text for a file (80 columns, no colours)."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, highlight=False, soft_wrap=soft_wrap, width=80, color_system=None)
    for renderable in renderables:
        console.print(renderable, end=end)
    return _trimmed(buffer.getvalue())


def _language(option: str | None, group: bool = False) -> None:
    """Messages from here on in the asked language (the help was already made in it by `entry.main`).

    `group`: the call of the group's callback, before the command's own `--lang` is known; an
    unknown EMULATE_LANG is reported by the command's call (`score 2017 --lang en` overrides it).
    """
    from . import i18n

    if option is not None and option not in i18n.LANGUAGES:
        _usage_error(_("--lang must be one of: {languages}").format(languages=", ".join(i18n.LANGUAGES)))
    if option is None and i18n.chosen_explicitly():
        return  # `emulate score 2017 --lang vi`: the group's callback must not undo the command's --lang
    unknown = i18n.unknown_setting() if option is None and not group else None
    if unknown is not None:
        _usage_error(
            _("EMULATE_LANG={value} is not a language of emulate: set it to one of: {languages}").format(
                value=unknown, languages=", ".join(i18n.LANGUAGES)
            )
        )
    language = i18n.resolve(option)
    i18n.use(language, explicit=option is not None)
    i18n.use_in_typer(language)


def _usage_error(message: str) -> NoReturn:
    sys.stderr.write(f"emulate: {message}\n")
    raise typer.Exit(2)


def _out(text: str) -> None:
    sys.stdout.write(text)


#: spaces at the end of a line (before the colour codes that may close it): tables pad their last column
_TRAILING_SPACES = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)


def _trimmed(text: str) -> str:
    return _TRAILING_SPACES.sub(r"\1", text)


class _Console:
    """rich's console, without the spaces that pad a table's lines to its width."""

    def __init__(self, stderr: bool) -> None:
        from rich.console import Console

        self.console = Console(stderr=stderr, highlight=False, soft_wrap=False)

    def print(self, *objects: Any, **options: Any) -> None:
        with self.console.capture() as capture:
            self.console.print(*objects, **options)
        self.console.file.write(_trimmed(capture.get()))


def _console(stderr: bool = False) -> Any:
    return _Console(stderr)


def _workspace(root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    from .entry import modules_loaded
    from .workspace import Workspace

    modules_loaded()  # the models are made: the garbage collector on again (see entry.main)
    if not _there(root.is_dir):
        _usage_error(_("the workspace folder {root} does not exist (set --root or EMULATE_ROOT)").format(root=root))
    return Workspace(root, max_bytes)


def _report(problems: Iterable[Problem], fmt: ProblemFormat = ProblemFormat.text, stream: Any = None) -> None:
    from .render.problems import render

    text = render(problems, fmt.value)
    (stream or sys.stdout).write(text)


def _loaded_year(workspace: Any, year: int) -> Any:
    """The year's LoadedRuleset; exit 2 for an unknown year."""
    from .workspace import UnknownYear

    try:
        return workspace.loaded_ruleset(year)
    except UnknownYear as exc:
        _usage_error(str(exc))


def _usable(loaded: Any, why: str | None = None) -> Any:
    """The ruleset of a LoadedRuleset; its problems go to stderr, and exit 1 (saying `why`) when it is invalid."""
    if loaded.problems:
        _report(loaded.problems, stream=sys.stderr)
    if loaded.ruleset is None or has_errors(loaded.problems):
        if why is not None:
            sys.stderr.write(f"emulate: {why}\n")
        raise typer.Exit(1)
    return loaded.ruleset


def _valid_ruleset(workspace: Any, year: int) -> Any:
    """The year's ruleset; exit 2 for an unknown year, 1 (with its problems) for an invalid one."""
    return _usable(_loaded_year(workspace, year))


def _unknown_department(department: str, known: list[str], year: int | None) -> NoReturn:
    """`year`: the year whose departments are listed; None for every department of the workspace."""
    from .fields import did_you_mean

    values = {"department": department, "hint": did_you_mean(department, known), "known": ", ".join(known)}
    if year is None:
        _usage_error(
            _("unknown department '{department}'{hint}; the departments of the workspace are: {known}").format(**values)
        )
    _usage_error(
        _("unknown department '{department}'{hint}; the departments of {year} are: {known}").format(year=year, **values)
    )


def _year_data(workspace: Any, year: int, show_progress: bool = True) -> Any:
    """The year's data, or exit; a progress bar on a terminal's stderr if reading takes long."""
    from .workspace import UnknownYear

    try:
        with _progress(year, show_progress) as bar:
            data = workspace.load_year(year, bar)
    except UnknownYear as exc:
        _usage_error(str(exc))
    _stop_on_problems(year, data.problems, data.ok)
    return data


def _progress(year: int, show: bool) -> Any:
    return progress_bar(_("reading the submissions of {year}").format(year=year), show)


def _stop_on_problems(year: int, problems: list[Any], ok: bool) -> None:
    """The year's problems on stderr; exit 1 when it cannot be scored."""
    if problems:
        _report(problems, stream=sys.stderr)
    if not ok:
        message = _("{year} cannot be scored until the problems above are fixed").format(year=year)
        sys.stderr.write(f"emulate: {message}\n")
        raise typer.Exit(1)


def _there(test: Callable[[], bool]) -> bool:
    """A test of a path (`path.exists`) that is False, not an exception, for a name the system refuses (too long)."""
    try:
        return test()
    except OSError:
        return False


def _existing(paths: list[Path]) -> list[Path]:
    for path in paths:
        if not _there(path.exists):
            _usage_error(_("{path} does not exist").format(path=path))
    return paths


@app.callback()
def _everywhere(lang: LangOption = None) -> None:
    # `emulate --lang vi --help` as well as `emulate score 2017 --lang vi`
    _language(lang, group=True)


@_command("rules")
def rules_command(
    year: Annotated[
        int,
        typer.Argument(
            help=_("The year of the ruleset (rules/YEAR.yaml)."),
            autocompletion=complete_years,
            parser=_year,
            metavar="YEAR",
        ),
    ],
    format_: Annotated[
        RulesFormat, typer.Option("--format", "-f", help=_("tree for people, json for programs."))
    ] = RulesFormat.tree,
    root: RootOption = Path("."),
    lang: LangOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    _language(lang)
    from .render import rules as render_rules

    ruleset = _valid_ruleset(_workspace(root, max_bytes), year)
    if format_ is RulesFormat.json:
        _out(render_rules.as_json(ruleset))
    else:
        _console().print(render_rules.as_tree(ruleset))


@_command("check-rules")
def check_rules_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help=_("Ruleset files or folders. Default: every file of rules/."), show_default=False),
    ] = None,
    format_: ProblemFormatOption = ProblemFormat.text,
    root: RootOption = Path("."),
    lang: LangOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    _language(lang)
    workspace = _workspace(root, max_bytes)
    from .workspace import files_to_check

    files, problems = files_to_check("check-rules", _existing(paths or []), workspace.root)
    for path in files:
        problems += workspace.load_ruleset_file(path).problems
    _report(problems, format_)
    sys.stderr.write(summary("rules", len(files), problems) + "\n")
    raise typer.Exit(1 if has_errors(problems) else 0)


@_command("validate")
def validate_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help=_(
                "Submission, assessment or review files, or folders. Default: everything under submissions/,"
                " assessments/ and reviews/."
            ),
            show_default=False,
        ),
    ] = None,
    format_: ProblemFormatOption = ProblemFormat.text,
    root: RootOption = Path("."),
    lang: LangOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    _language(lang)
    from collections import Counter

    from .workspace import files_to_check, kind_of_file

    workspace = _workspace(root, max_bytes)

    files, problems = files_to_check("validate", _existing(paths or []), workspace.root)
    with progress_bar(_("checking {count} files").format(count=len(files)), format_ is not ProblemFormat.json) as bar:
        problems += workspace.check_files(files, bar)
    if not paths and not has_errors(problems):  # the whole workspace, once its files are valid: the
        problems += workspace.coverage_of_every_year()  # assessment files of each year together (SPEC 7.7)
    _report(problems, format_)
    kinds = Counter(kind_of_file(f) for f in files)
    said = summary("submissions", kinds["submission"], problems, kinds["review"], kinds["meeting"], kinds["assessment"])
    sys.stderr.write(said + "\n")
    raise typer.Exit(1 if has_errors(problems) else 0)


@_command("score")
def score_command(
    year: Annotated[
        int,
        typer.Argument(
            help=_("The year to score (rules/YEAR.yaml and submissions/YEAR/)."),
            autocompletion=complete_years,
            parser=_year,
            metavar="YEAR",
        ),
    ],
    format_: Annotated[
        ScoreFormat,
        typer.Option(
            "--format",
            "-f",
            help=_(
                "table for people, json (the published record), csv (for Excel), markdown (for a report),"
                " xlsx (a workbook with a chart), html (printable minutes) or docx (the minutes in Word);"
                " xlsx, html and docx need --output."
            ),
        ),
    ] = ScoreFormat.table,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain",
            help=_(
                "Show how every point of this department was computed (with --format table or json),"
                " or write its scoring sheet (--format docx or html, with --output)."
            ),
            show_default=False,
            autocompletion=complete_departments,
        ),
    ] = None,
    self_declared: Annotated[
        bool, typer.Option("--self", help=_("Rank the self-declared values, ignoring reviews/YEAR.yaml."))
    ] = False,
    output: OutputOption = None,
    force: ForceOption = False,
    root: RootOption = Path("."),
    lang: LangOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    _language(lang)
    from .evaluation import evaluate
    from .render.score import PART_FORMATS

    if (
        explain is None
        and format_.value in PART_FORMATS
        and _score_apart(root, max_bytes, year, format_, output, force, self_declared)
    ):
        return
    data = _year_data(_workspace(root, max_bytes), year, show_progress=format_ is not ScoreFormat.json)
    evaluation = evaluate(
        data.ruleset, data.submissions, data.missing, None if self_declared else data.review, self_declared
    )
    # the meeting voted on the reviewed proposals: a self-declared ranking shows no ballots
    ballots = _ballots(evaluation, data.meeting) if not self_declared else None
    if explain is not None:
        _explain(evaluation, explain, format_, output, force)
        return
    from .render import score as render_score

    if format_ is ScoreFormat.xlsx:
        from .render.xlsx import score_workbook

        _emit(output, score_workbook(evaluation), force, "xlsx")
    elif format_ is ScoreFormat.html:
        from .render.html import score_page

        inputs = _inputs(_workspace(root, max_bytes), data, evaluation)
        _emit(output, score_page(evaluation, inputs, meeting=data.meeting, ballots=ballots), force, "html")
    elif format_ is ScoreFormat.docx:
        from .render.docx import minutes_document

        inputs = _inputs(_workspace(root, max_bytes), data, evaluation)
        _emit(output, minutes_document(evaluation, data.meeting, ballots, inputs), force, "docx")
    elif format_ is ScoreFormat.json:
        _emit(output, render_score.json_chunks(evaluation, data.ruleset_sha256, ballots), force)
    elif format_ is ScoreFormat.csv:
        _emit(output, render_score.as_csv(evaluation), force)
    elif format_ is ScoreFormat.markdown:
        _emit(output, render_score.as_markdown(evaluation), force)
    elif output is not None:
        _emit(output, _rich_text(render_score.as_table(evaluation)), force)
    else:
        console = _console()
        for part in render_score.as_table(evaluation, console.console.width):
            console.print(part)


def _score_apart(
    root: Path, max_bytes: int, year: int, format_: ScoreFormat, output: Path | None, force: bool, self_declared: bool
) -> bool:
    """`score` with each unit scored where it is read (`scoring`), when the year allows it: written, True."""
    from .render import score as render_score
    from .scoring import score_year
    from .workspace import UnknownYear

    try:
        with _progress(year, format_ is not ScoreFormat.json) as bar:
            scored = score_year(_workspace(root, max_bytes), year, format_.value, self_declared, bar)
    except UnknownYear as exc:
        _usage_error(str(exc))
    if scored is None:
        return False
    _stop_on_problems(year, scored.problems, scored.ok)
    if format_ is ScoreFormat.json:
        _emit(output, render_score.json_record(scored.scores, scored.ruleset_sha256, scored.placed()), force)
    else:
        _emit(output, render_score.csv_record(scored.scores.ruleset, scored.placed()), force)
    return True


def _inputs(workspace: Any, data: Any, evaluation: Any) -> list[tuple[str, str]]:
    """(file, sha256) of every input of a year's ranking: for the minutes' annex."""
    from .workspace import display_path

    inputs = [(display_path(workspace.ruleset_path(data.year)), data.ruleset_sha256)]
    inputs += sorted((s.file, s.sha256) for s in data.submissions if s.file)  # not a unit ranked without a file
    inputs += sorted((a.file, a.sha256) for a in data.assessments)
    if evaluation.review is not None:
        inputs.append((evaluation.review.file, evaluation.review.sha256))
    if data.meeting is not None:
        inputs.append((data.meeting.file, data.meeting.sha256))
    return inputs


def _ballots(evaluation: Any, meeting: Any) -> Any:
    """The meeting's ballots decided against the ranking, or None without a meeting that voted."""
    if meeting is None or not meeting.ballots:
        return None
    from .meeting import decide_ballots

    return decide_ballots(evaluation.ruleset, evaluation.ranking, meeting)


def _explain(evaluation: Any, department: str, format_: ScoreFormat, output: Path | None, force: bool) -> None:
    from .render import explain as render_explain

    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    known = [d.id for d in ruleset.departments]
    if department not in known:
        _unknown_department(department, known, ruleset.year)
    unit = ranking.unit(department)
    if unit is None:
        _usage_error(
            _(
                "{department} has no submission for {year} (submissions/{year}/{department}.yaml),"
                " so there is nothing to explain"
            ).format(department=department, year=ruleset.year)
        )
    if format_ is ScoreFormat.json:
        _emit(output, render_explain.as_json(evaluation, unit), force)
    elif format_ is ScoreFormat.table and output is not None:
        _emit(output, _rich_text([render_explain.as_tree(evaluation, unit)]), force)
    elif format_ is ScoreFormat.table:
        _console().print(render_explain.as_tree(evaluation, unit))
    elif format_ is ScoreFormat.docx:
        from .render.docx import scoring_sheet_document

        _emit(output, scoring_sheet_document(evaluation, unit), force, "docx")
    elif format_ is ScoreFormat.html:
        from .render.html import scoring_sheet_page

        _emit(output, scoring_sheet_page(evaluation, unit), force, "html")
    else:
        _usage_error(
            _(
                "--explain prints a tree (--format table) or JSON (--format json),"
                " or writes a scoring sheet (--format docx or html)"
            )
        )


@_command("new")
def new_command(
    year: Annotated[
        int,
        typer.Argument(
            help=_("The year of the submission."), autocompletion=complete_years, parser=_year, metavar="YEAR"
        ),
    ],
    department: Annotated[
        str,
        typer.Argument(
            help=_("The department id, as listed by `emulate rules YEAR`."), autocompletion=complete_departments
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=_(
                "Where to write, `-` for standard output."
                " Default: submissions/YEAR/DEPT.yaml (or .xlsx) under the root."
            ),
            show_default=False,
        ),
    ] = None,
    format_: Annotated[
        NewFormat,
        typer.Option(
            "--format",
            "-f",
            help=_("yaml (a template to fill in an editor) or xlsx (the Excel self-assessment form)."),
        ),
    ] = NewFormat.yaml,
    root: RootOption = Path("."),
    lang: LangOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    _language(lang)
    from .template import submission_template
    from .workspace import display_path

    workspace = _workspace(root, max_bytes)
    ruleset = _valid_ruleset(workspace, year)
    unit = ruleset.department(department)
    if unit is None:
        _unknown_department(department, [d.id for d in ruleset.departments], year)
    suffix = ".xlsx" if format_ is NewFormat.xlsx else ".yaml"
    target = output if output is not None else workspace.submissions_dir / str(year) / f"{department}{suffix}"
    if output is None:
        # the workspace's own folder of the year: made for a new year (a folder given with --output is not)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            _fail(_("cannot write {file}: {reason}").format(file=display_path(target), reason=exc.strerror or exc))
    if format_ is NewFormat.xlsx:
        from .form import form_workbook

        content: str | bytes = form_workbook(ruleset, unit, workspace.loaded_ruleset(year).sha256)
    else:
        content = submission_template(ruleset, unit)
    if output is not None and str(output) == "-":  # standard output, as `import --output -`
        if isinstance(content, bytes):  # as every format that only a file can hold
            _usage_error(_("--format {format} writes a file: add --output FILE").format(format=format_.value))
        _out(content)
        return
    _write_file(
        target,
        content,
        False,
        _("{file} already exists; it was left as it is (remove it, or choose another --output)"),
    )
    sys.stderr.write(
        _("wrote {file}: fill in the empty values, then run `emulate validate {file}`").format(
            file=display_path(target)
        )
        + "\n"
    )


@_command("import")
def import_command(
    workbook: Annotated[
        Path,
        typer.Argument(help=_("A filled self-assessment form (.xlsx) made by `emulate new --format xlsx`.")),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=_(
                "Where to write the YAML ('-': standard output). Default: submissions/YEAR/DEPT.yaml under the root."
            ),
            show_default=False,
        ),
    ] = None,
    format_: ProblemFormatOption = ProblemFormat.text,
    root: RootOption = Path("."),
    lang: LangOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    """Write the canonical YAML submission equivalent to a filled Excel form (never overwriting)."""
    _language(lang)
    from .form import read_form
    from .template import canonical_submission
    from .workspace import display_path

    workspace = _workspace(root, max_bytes)
    (path,) = _existing([workbook])
    loaded = read_form(
        path, workspace.ruleset_or_none, display_path(path), workspace.criterion_years, workspace.max_bytes, named=False
    )
    if loaded.problems:
        _report(loaded.problems, format_, sys.stderr)  # standard output may be the YAML (`--output -`)
    if loaded.submission is None:
        raise typer.Exit(1)
    submission = loaded.submission
    ruleset = workspace.ruleset_or_none(submission.year)
    assert ruleset is not None  # the form was checked against it
    text = canonical_submission(submission, ruleset)
    if output is not None and str(output) == "-":
        _out(text)
        return
    target = (
        output
        if output is not None
        else workspace.submissions_dir / str(submission.year) / f"{submission.department}.yaml"
    )
    _write_file(
        target,
        text,
        False,
        _("{file} already exists; it was left as it is (remove it, or choose another --output)"),
    )
    sys.stderr.write(_("wrote {file}").format(file=display_path(target)) + "\n")


@_command("schema")
def schema_command(
    year: Annotated[
        int,
        typer.Argument(
            help=_("The year whose submissions the schema describes."),
            autocompletion=complete_years,
            parser=_year,
            metavar="YEAR",
        ),
    ],
    root: RootOption = Path("."),
    lang: LangOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    _language(lang)
    from .schema import submission_schema

    _out(
        json.dumps(submission_schema(_valid_ruleset(_workspace(root, max_bytes), year)), ensure_ascii=False, indent=2)
        + "\n"
    )


class VerifyFormat(str, Enum):
    text = "text"
    json = "json"


@_command("verify")
def verify_command(
    record_file: Annotated[
        Path, typer.Argument(metavar="RECORD.json", help=_("A ranking saved with `emulate score YEAR --format json`."))
    ],
    format_: Annotated[
        VerifyFormat, typer.Option("--format", "-f", help=_("text for people, json for programs."))
    ] = VerifyFormat.text,
    root: RootOption = Path("."),
    lang: LangOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    _language(lang)
    from .evaluation import evaluate
    from .record import compare, input_changes, uses_review
    from .render import score as render_score
    from .workspace import display_path

    record = _read_record(record_file)
    workspace = _workspace(root, max_bytes)
    data = _year_data(workspace, record["year"], show_progress=format_ is not VerifyFormat.json)
    review = data.review if uses_review(record) else None
    current = render_score.as_data(evaluate(data.ruleset, data.submissions, data.missing, review), data.ruleset_sha256)
    names = {
        "ruleset": display_path(workspace.ruleset_path(data.year)),
        "review": display_path(workspace.review_path(data.year)),
    }
    names.update(
        {
            d.id: display_path(workspace.submissions_dir / str(data.year) / f"{d.id}.yaml")
            for d in data.ruleset.departments
        }
    )
    names.update(
        {
            f"assessment:{s}": display_path(workspace.assessments_dir / str(data.year) / f"{s}.yaml")
            for s in data.ruleset.scorer_ids
        }
    )
    inputs = input_changes(record, current, names)
    differences = compare(record, current)
    ok = not differences and all(i.status == "unchanged" for i in inputs)
    if format_ is VerifyFormat.json:
        _out(
            json.dumps(
                {
                    "ok": ok,
                    "inputs": [i.__dict__ for i in inputs],
                    "differences": [d.__dict__ for d in differences],
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    else:
        statuses = {"unchanged": _("unchanged"), "changed": _("changed"), "missing": _("missing"), "new": _("new")}
        lines = [_("Inputs:")]
        lines += [f"  {i.file}: {statuses.get(i.status, i.status)}" for i in inputs]
        lines.append(_("Numbers, ranks and awards:"))
        lines += [
            "  "
            + _("{path}: record {record}, recomputed {recomputed}").format(
                path=d.path,
                record=json.dumps(d.record, ensure_ascii=False),
                recomputed=json.dumps(d.recomputed, ensure_ascii=False),
            )
            for d in differences
        ]
        if not differences:
            lines.append("  " + _("all reproduced"))
        changed = sum(i.status != "unchanged" for i in inputs)
        lines.append(
            _("verified: every input unchanged and every number reproduced")
            if ok
            else _("NOT verified: {changed} input(s) changed, {differ} value(s) differ").format(
                changed=changed, differ=len(differences)
            )
        )
        _out("\n".join(lines) + "\n")
    raise typer.Exit(0 if ok else 1)


def _read_record(path: Path) -> dict[str, Any]:
    """The record in `path`, its shape checked; exit 2 if it does not exist, 1 with one message if it is no record."""
    import stat

    from .record import MAX_RECORD_BYTES, NotARecord, parse

    def refuse(reason: str) -> NoReturn:
        message = _("{file} is not a record of `emulate score --format json`: {reason}").format(
            file=path, reason=reason
        )
        sys.stderr.write(f"emulate: {message}\n")
        raise typer.Exit(1)

    if not _there(path.exists):
        _usage_error(_("{path} does not exist").format(path=path))
    try:
        # O_NONBLOCK: a FIFO given as the record must not hang the open; it is refused below
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        refuse(_("cannot read it ({reason})").format(reason=exc.strerror or exc))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        refuse(_("it is not a regular file"))
    with os.fdopen(fd, "rb") as handle:
        try:
            # one byte more than the limit: a larger file is refused without being read whole
            data = handle.read(MAX_RECORD_BYTES + 1)
        except OSError as exc:
            refuse(_("cannot read it ({reason})").format(reason=exc.strerror or exc))
    try:
        return parse(data)
    except NotARecord as exc:
        refuse(str(exc))
    except MemoryError:
        refuse(_("it is too large to read"))


class HistoryFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"


@_command("history")
def history_command(
    department: Annotated[
        str | None,
        typer.Argument(
            help=_("Only this department (default: every unit)."),
            show_default=False,
            autocompletion=complete_departments,
        ),
    ] = None,
    format_: Annotated[
        HistoryFormat,
        typer.Option("--format", "-f", help=_("table for people, json, csv, markdown, or xlsx (with --output).")),
    ] = HistoryFormat.table,
    output: OutputOption = None,
    force: ForceOption = False,
    root: RootOption = Path("."),
    lang: LangOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    _language(lang)
    from .evaluation import evaluate
    from .history import build_history
    from .render import history as render_history

    workspace = _workspace(root, max_bytes)
    evaluations = []
    every_year, unlisted = workspace.year_listing()
    if unlisted:  # a history without the years of a folder it could not read would be wrong
        _report(unlisted, stream=sys.stderr)
        raise typer.Exit(1)
    for year in every_year:
        data = _year_data(workspace, year, show_progress=format_ is not HistoryFormat.json)
        evaluations.append(evaluate(data.ruleset, data.submissions, data.missing, data.review))
    years, units = build_history(evaluations)
    if department is not None:
        known = [u.department for u in units]
        if department not in known:
            _unknown_department(department, known, None)
        units = [u for u in units if u.department == department]
    if format_ is HistoryFormat.xlsx:
        from .render.xlsx import history_workbook

        _emit(output, history_workbook(years, units), force, "xlsx")
    elif format_ is HistoryFormat.json:
        _emit(output, render_history.as_json(years, units), force)
    elif format_ is HistoryFormat.csv:
        _emit(output, render_history.as_csv(years, units), force)
    elif format_ is HistoryFormat.markdown:
        _emit(output, render_history.as_markdown(years, units), force)
    elif output is not None:
        _emit(output, _rich_text([render_history.as_table(years, units)]), force)
    else:
        _console().print(render_history.as_table(years, units))


class DiffFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    xlsx = "xlsx"


def _ruleset_argument(workspace: Any, argument: str) -> Any:
    """OLD or NEW of diff-rules: a year of the workspace (all digits) or a ruleset file; exits on problems."""
    from .ruleset import load_ruleset
    from .workspace import display_path

    if argument.isascii() and argument.isdigit():
        loaded = _loaded_year(workspace, int(argument))
    else:
        path = Path(argument)
        if not _there(path.exists):
            known = ", ".join(map(str, workspace.years())) or _("none")
            _usage_error(
                _("{argument} does not exist: give a year of the workspace (known: {known}) or a ruleset file").format(
                    argument=argument, known=known
                )
            )
        # no known years: a file taken out of its folder (`git show main:rules/2017.yaml > main.yaml`)
        # is compared as it is, without looking for its `previous` year beside it
        loaded = load_ruleset(path, display_path(path), known_years=None, max_bytes=workspace.max_bytes)
    return _usable(
        loaded,
        _("the rules of {argument} cannot be compared until the problems above are fixed").format(argument=argument),
    )


@_command("diff-rules")
def diff_rules_command(
    old: Annotated[
        str,
        typer.Argument(
            help=_("The old rules: a year of the workspace (2016) or a ruleset file (rules/2016.yaml)."),
            show_default=False,
        ),
    ],
    new: Annotated[
        str, typer.Argument(help=_("The new rules: a year of the workspace or a ruleset file."), show_default=False)
    ],
    format_: Annotated[
        DiffFormat,
        typer.Option(
            "--format",
            "-f",
            help=_(
                "text for people (coloured on a terminal), markdown for a report, json for programs,"
                " xlsx (a workbook of the changes and the re-scoring; needs --output)."
            ),
        ),
    ] = DiffFormat.text,
    exit_code: Annotated[
        bool,
        typer.Option(
            "--exit-code",
            help=_("Exit 1 when there is any difference (titles and sources included), 0 when none: for CI."),
        ),
    ] = False,
    rescore_year: Annotated[
        int | None,
        typer.Option(
            "--rescore",
            metavar="YEAR",
            parser=_year,
            help=_(
                "Score that year's submissions (with its review, if any) under both rules"
                " and show how each unit's total and rank move."
            ),
            show_default=False,
        ),
    ] = None,
    self_declared: Annotated[
        bool,
        typer.Option(
            "--self", help=_("With --rescore: re-score the self-declared values, ignoring reviews/YEAR.yaml.")
        ),
    ] = False,
    output: OutputOption = None,
    force: ForceOption = False,
    root: RootOption = Path("."),
    lang: LangOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    _language(lang)
    if self_declared and rescore_year is None:
        _usage_error(_("--self chooses the values that --rescore re-scores: add --rescore YEAR"))
    from .diff import diff_rulesets, rescore
    from .render import diff as render_diff
    from .review import apply_review

    workspace = _workspace(root, max_bytes)
    before = _ruleset_argument(workspace, old)
    after = _ruleset_argument(workspace, new)
    changes = diff_rulesets(before, after)
    impact = None
    if rescore_year is not None:
        data = _year_data(workspace, rescore_year, show_progress=format_ is not DiffFormat.json)
        submissions = data.submissions
        if data.review is not None and not self_declared:
            # the meeting approves the reviewed values, so they are what a rule change moves
            submissions = [apply_review(s, data.review.for_department(s.department)) for s in submissions]
            message = _("re-scoring the reviewed values of {year} ({file})").format(
                year=rescore_year, file=data.review.file
            )
            sys.stderr.write(f"emulate: {message}\n")
        impact = rescore(before, after, submissions, data.ruleset)
    if format_ is DiffFormat.xlsx:
        from .render.xlsx import diff_workbook

        _emit(output, diff_workbook(before, after, changes, impact), force, "xlsx")
    elif format_ is DiffFormat.json:
        _emit(output, render_diff.as_json(before, after, changes, impact), force)
        if impact is not None:
            sys.stderr.write(render_diff.notes_only(before, after, impact))
    elif format_ is DiffFormat.markdown:
        _emit(output, render_diff.as_markdown(before, after, changes, impact), force)
    elif output is not None:
        _emit(output, _rich_text([render_diff.as_text(before, after, changes, impact)], soft_wrap=True, end=""), force)
    else:
        from rich.console import Console

        # soft wrap: long titles and sources stay on one line, as a diff should
        Console(highlight=False, soft_wrap=True).print(render_diff.as_text(before, after, changes, impact), end="")
    raise typer.Exit(1 if exit_code and changes else 0)


@_command("init-year")
def init_year_command(
    year: Annotated[int, typer.Argument(help=_("The new year (writes rules/YEAR.yaml)."), show_default=False)],
    from_year: Annotated[
        int | None,
        typer.Option(
            "--from",
            help=_("The year to start from. Default: the latest year before the new one."),
            show_default=False,
            autocompletion=complete_years,
        ),
    ] = None,
    root: RootOption = Path("."),
    lang: LangOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    _language(lang)
    from .newyear import CannotEdit, next_year_text
    from .workspace import UnknownYear, display_path
    from .yamlio import load_file

    workspace = _workspace(root, max_bytes)
    target = workspace.ruleset_path(year)
    if _there(target.exists):
        _fail(_("{file} already exists; it was left as it is").format(file=display_path(target)))
    if from_year is None:
        earlier = [y for y in workspace.years() if y < year]
        if not earlier:
            _usage_error(
                _(
                    "there is no ruleset before {year} to start from (add --from YEAR); the known years are: {known}"
                ).format(year=year, known=", ".join(map(str, workspace.years())) or _("none"))
            )
        from_year = earlier[-1]
    source = workspace.ruleset_path(from_year)
    if not _there(source.is_file):
        _usage_error(str(UnknownYear(from_year, workspace.years())))
    # the ruleset is read as every command reads a file (size limit, a regular file): a file
    # refused there is reported with the same problem as check-rules would give
    refused = [p for p in load_file(source, display_path(source), max_bytes).problems if p.code in ("E100", "E101")]
    if refused:
        _report(refused, stream=sys.stderr)
        raise typer.Exit(1)
    try:
        text = source.read_bytes().decode("utf-8")
        new = next_year_text(text, from_year, year)
    except (OSError, UnicodeDecodeError) as exc:
        _usage_error(_("cannot read {file}: {reason}").format(file=display_path(source), reason=exc))
    except CannotEdit as exc:
        _fail(f"{display_path(source)}: {exc}")
    _write_file(target, new.text, False, _("{file} already exists; it was left as it is"))
    sys.stderr.write(
        _(
            "wrote {file} from {source}: update `based_on`, the criteria and their sources for {year},"
            " then run `emulate check-rules`"
        ).format(file=display_path(target), source=display_path(source), year=year)
        + "\n"
    )


@_command("init")
def init_command(
    folder: Annotated[Path, typer.Argument(help=_("The folder of the new workspace (new, or empty)."))],
    # not $EMULATE_ROOT: a new bloc's folder is not made inside the workspace of another
    root: Annotated[
        Path, typer.Option("--root", help=_("The folder that a relative FOLDER is in. Default: the current folder."))
    ] = Path("."),
    lang: LangOption = None,
) -> None:
    _language(lang)
    import datetime

    folder = root / folder  # an absolute FOLDER stays as it is

    from .newyear import example_ruleset
    from .workspace import display_path

    if _there(folder.exists) and (not _there(folder.is_dir) or _there(lambda: any(folder.iterdir()))):
        _fail(_("{folder} is not an empty folder; choose a new or empty one").format(folder=folder))
    # the example is for the year under way, whose covenant a new bloc is about to sign
    year = datetime.date.today().year
    ruleset = folder / "rules" / f"{year}.yaml"
    ruleset.parent.mkdir(parents=True, exist_ok=True)
    _write_file(ruleset, example_ruleset(year), False, _("{file} already exists; it was left as it is"))
    (folder / "submissions").mkdir()
    sys.stderr.write(
        _(
            "wrote {file} and an empty submissions folder: replace the example criteria with the bloc's"
            " regulation, then run `emulate check-rules --root {folder}`"
        ).format(file=display_path(ruleset), folder=folder)
        + "\n"
    )


#: emulate's own options, taken before the command too: `emulate --root DIR score 2017`
_LEADING = ("--root", "--lang")


def _command_first(argv: list[str]) -> list[str]:
    """`--root DIR` and `--lang L` given before the command, moved after it (every command takes them)."""
    i = 0
    while i < len(argv):
        if argv[i] in _LEADING and i + 1 < len(argv):
            i += 2
        elif argv[i].startswith(tuple(f"{option}=" for option in _LEADING)):
            i += 1
        else:
            break
    if i and i < len(argv) and argv[i] in COMMANDS:
        return [argv[i], *argv[:i], *argv[i + 1 :]]
    return argv


# --- decision support (SPEC 9) -----------------------------------------------------------------


class DecisionFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


DecisionFormatOption = Annotated[
    DecisionFormat,
    typer.Option("--format", "-f", help=_("table for people, json for programs, markdown for a report.")),
]
DecisionOutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help=_("Write to this file instead of the standard output."), show_default=False),
]
YearArgument = Annotated[
    int,
    typer.Argument(help=_("The year (rules/YEAR.yaml and submissions/YEAR/)."), autocompletion=complete_years),
]


def _show(
    format_: DecisionFormat,
    json_text: Callable[[], str],
    markdown: Callable[[], str],
    table: Callable[[], list[Any]],
    output: Path | None,
    force: bool,
) -> None:
    """Print the chosen format, or write it to --output."""
    if format_ is DecisionFormat.table:
        if output is None:
            console = _console()
            for part in table():
                console.print(part)
            return
        from rich.console import Console

        console = Console(record=True, file=io.StringIO(), width=100, highlight=False, soft_wrap=False)
        for part in table():
            console.print(part)
        text = console.export_text()
    else:
        text = json_text() if format_ is DecisionFormat.json else markdown()
    if output is None:
        _out(text)
    else:
        _emit(output, text, force, format_.value)


@_command("gap")
def gap_command(
    year: YearArgument,
    department: Annotated[
        str,
        typer.Argument(help=_("The department asking (its id)."), autocompletion=complete_departments),
    ],
    to: Annotated[
        str | None,
        typer.Option("--to", help=_("The goal: this award (its id). Default: the first award."), show_default=False),
    ] = None,
    rank_: Annotated[
        int | None,
        typer.Option("--rank", min=1, help=_("The goal: this rank or better."), show_default=False),
    ] = None,
    class_: Annotated[
        str | None,
        typer.Option("--class", help=_("The goal: this class (its id) or a better one."), show_default=False),
    ] = None,
    format_: DecisionFormatOption = DecisionFormat.table,
    output: DecisionOutputOption = None,
    force: ForceOption = False,
    root: RootOption = Path("."),
    lang: LangOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    _language(lang)
    from .decision import Goal, NotRanked, gap
    from .render import decision as render

    if sum(goal is not None for goal in (to, rank_, class_)) > 1:
        _usage_error(_("give one goal: --to AWARD, --rank N or --class ID"))
    data = _year_data(_workspace(root, max_bytes), year, show_progress=format_ is not DecisionFormat.json)
    ruleset = data.ruleset
    known = [d.id for d in ruleset.departments]
    if department not in known:
        _unknown_department(department, known, year)
    awards = [a.id for a in ruleset.awards]
    classes = [c.id for c in ruleset.classification]
    if rank_ is not None:
        goal = Goal(rank=rank_)
    elif class_ is not None:
        if class_ not in classes:
            from .fields import did_you_mean

            _usage_error(
                _("unknown class '{id}'{hint}; the classes of {year} are: {known}").format(
                    id=class_, hint=did_you_mean(class_, classes), year=year, known=", ".join(classes) or _("none")
                )
            )
        goal = Goal(class_id=class_)
    elif to is not None or awards:
        goal = Goal(award=to if to is not None else awards[0])
        if goal.award not in awards:
            from .fields import did_you_mean

            _usage_error(
                _("unknown award '{award}'{hint}; the awards of {year} are: {known}").format(
                    award=to, hint=did_you_mean(to or "", awards), year=year, known=", ".join(awards) or _("none")
                )
            )
    else:
        goal = Goal(rank=1)
    try:
        result = gap(ruleset, data.submissions, data.missing, data.review, department, goal)
    except NotRanked:
        _usage_error(
            _(
                "{department} has no submission for {year} (submissions/{year}/{department}.yaml), so it has no total"
            ).format(department=department, year=year)
        )
    _show(
        format_,
        lambda: render.gap_json(result),
        lambda: render.gap_markdown(ruleset, result),
        lambda: render.gap_table(ruleset, result),
        output,
        force,
    )


@_command("margins")
def margins_command(
    year: YearArgument,
    format_: DecisionFormatOption = DecisionFormat.table,
    output: DecisionOutputOption = None,
    force: ForceOption = False,
    root: RootOption = Path("."),
    lang: LangOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    _language(lang)
    from .decision import margins
    from .render import decision as render

    data = _year_data(_workspace(root, max_bytes), year, show_progress=format_ is not DecisionFormat.json)
    result = margins(data.ruleset, data.submissions, data.missing, data.review)
    _show(
        format_,
        lambda: render.margins_json(result),
        lambda: render.margins_markdown(data.ruleset, result),
        lambda: render.margins_table(data.ruleset, result),
        output,
        force,
    )


@_command("whatif")
def whatif_command(
    year: YearArgument,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help=_(
                "DEPT.CRITERION=VALUE, the value in flow YAML as a submission writes it"
                " (so-xay-dung.cai-cach-hanh-chinh='{rating: xuat-sac}'); DEPT.DEDUCTION=COUNT sets a count."
                " May be repeated."
            ),
            show_default=False,
        ),
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help=_("Score under this ruleset file instead of the year's."), show_default=False),
    ] = None,
    format_: DecisionFormatOption = DecisionFormat.table,
    output: DecisionOutputOption = None,
    force: ForceOption = False,
    root: RootOption = Path("."),
    lang: LangOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    _language(lang)
    from .decision import Setting, UnknownTarget, parse_setting, whatif
    from .render import decision as render

    workspace = _workspace(root, max_bytes)
    data = _year_data(workspace, year, show_progress=format_ is not DecisionFormat.json)
    submitted = [s.department for s in data.submissions]
    settings: list[Setting] = []
    problems: list[Problem] = []
    for text in set_ or []:
        try:
            setting, found = parse_setting(text, data.ruleset, submitted)
        except UnknownTarget as exc:
            _usage_error(str(exc))
        problems += found
        if setting is not None:
            settings.append(setting)
    if problems:
        _report(problems, stream=sys.stderr)
    if has_errors(problems):
        raise typer.Exit(1)
    other = None
    if rules is not None:
        if not _there(rules.is_file):
            _usage_error(_("{path} does not exist").format(path=rules))
        other = _usable(
            workspace.load_ruleset_file(rules),
            _("{file} cannot be used until the problems above are fixed").format(file=rules),
        )
    result = whatif(data.ruleset, data.submissions, data.missing, data.review, settings, other)
    _show(
        format_,
        lambda: render.whatif_json(result),
        lambda: render.whatif_markdown(result),
        lambda: render.whatif_table(result),
        output,
        force,
    )


def main() -> None:
    """Run the whole command line (`entry.main` chose the language and set up the streams).

    `emulate COMMAND ...` is run by the app of that command alone; anything else (no
    command, an option first, an unknown command, shell completion) by the whole `app`.
    """
    args = _command_first(sys.argv[1:])
    name = args[0] if args else ""
    if name in COMMANDS and "_EMULATE_COMPLETE" not in os.environ:
        app_of(name)(args=args, prog_name="emulate")
    else:
        app(args=args, prog_name="emulate")
