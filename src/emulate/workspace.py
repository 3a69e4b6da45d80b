"""The workspace on disk: where rulesets and submissions live, and loading them.

This is the imperative shell's side of the files: it finds
`rules/<year>.yaml` and `submissions/<year>/*.yaml` under a root, names them
for messages, and hands their contents to the pure checks. Each ruleset is
loaded at most once per Workspace, and only the years asked for.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from . import i18n
from .batch import Progress, map_chunks
from .i18n import _
from .problems import Problem, clip, error, has_errors
from .ruleset import LoadedRuleset, Ruleset, load_ruleset, year_named
from .submission import LoadedSubmission, Submission, load_submission
from .yamlio import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from .assessment import Assessment, LoadedAssessment
    from .meeting import LoadedMeeting, Meeting
    from .review import LoadedReview, Review

R = TypeVar("R")


#: the suffixes of the files the tool looks at: `.yaml` is read, `.yml` refused with a word (E111)
YAML_SUFFIXES = (".yaml", ".yml")
#: the suffix of a submission filled in the Excel form (SPEC 8), read beside .yaml in submissions/
FORM_SUFFIX = ".xlsx"


def files_to_check(command: str, paths: Sequence[Path], root: Path) -> tuple[list[Path], list[Problem]]:
    """What `check-rules` or `validate` reads: the files named and the .yaml (and .yml) files under the
    folders named, in order; with none named, the workspace's own (rules/, or submissions/, assessments/,
    reviews/ and meetings/).

    Whatever `score` would refuse is listed too (a folder named x.yaml, a link to nothing, a FIFO), so
    that reading it says why; a folder that cannot be listed is a problem, never an empty list.
    """
    folders = ("rules",) if command == "check-rules" else ("submissions", "assessments", "reviews", "meetings")
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths or [root / folder for folder in folders if is_present(root / folder)]:
        if paths and not _is_folder(path):
            files.append(path)
            continue
        found, unlisted = _yaml_files(path, set(), forms=command != "check-rules")
        files += sorted(found)
        problems += unlisted
    return files, problems


def _yaml_files(folder: Path, seen: set[str], forms: bool = False) -> tuple[list[Path], list[Problem]]:
    """The .yaml and .yml names under `folder` (and .xlsx forms, with `forms`), through links to folders but
    not round a loop of them."""
    seen.add(os.path.realpath(folder))
    entries, problems = list_folder(folder)
    files: list[Path] = []
    for path in entries:
        form = forms and path.suffix == FORM_SUFFIX and folder.name not in ("reviews", "meetings")
        if path.suffix in YAML_SUFFIXES or form:
            files.append(path)  # even a folder or a FIFO: reading it reports it as score would
        elif _is_folder(path) and os.path.realpath(path) not in seen:
            found, unlisted = _yaml_files(path, seen, forms)
            files += found
            problems += unlisted
    return files, problems


def list_folder(folder: Path) -> tuple[list[Path], list[Problem]]:
    """The entries of `folder`, sorted: none when it does not exist, a problem when it cannot be listed.

    `Path.glob` would return nothing for a folder it may not read, and a table would be
    published without its files.
    """
    if not is_present(folder):
        return [], []
    try:
        with os.scandir(folder) as entries:
            return sorted(Path(entry.path) for entry in entries), []
    except OSError as exc:
        reason = exc.strerror or str(exc)
        message = _("the folder cannot be read ({reason}): its files would be left out; make it readable").format(
            reason=reason
        )
        return [], [error(display_path(folder), 1, 1, "E100", message)]


def is_present(path: Path) -> bool:
    """Whether something stands at `path` (a link to nothing, or a file the system will not show, counts)."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True  # there, or maybe there: reading it will say why it cannot be read
    return True


def present_forms(path: Path) -> list[Path]:
    """`path` (a .yaml file) and its .yml twin, those present: the .yml one to be refused (E111)."""
    return [p for p in (path, path.with_suffix(".yml")) if is_present(p)]


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def years_in(folder: Path) -> set[int]:
    """The years that have a ruleset file (`2017.yaml`) in `folder` (none if it cannot be listed)."""
    return {year for p in list_folder(folder)[0] if p.suffix == ".yaml" and (year := year_named(p.stem)) is not None}


class UnknownYear(LookupError):
    def __init__(self, year: int, known: list[int]) -> None:
        self.year, self.known = year, known
        listed = ", ".join(map(str, known)) if known else _("none")
        super().__init__(
            _("there is no ruleset for {year} (rules/{year}.yaml); the known years are: {listed}").format(
                year=year, listed=listed
            )
        )


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the current folder when inside it."""
    return _display(os.fspath(path), os.getcwd())


@lru_cache(maxsize=1 << 16)
def _display(path: str, cwd: str) -> str:
    """`display_path` for one path and current folder (a run shows each file more than once)."""
    try:
        shown = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return path
    return shown if not shown.startswith("..") else path


@dataclass
class YearData:
    """A year's ruleset and submissions, with every problem found reading them."""

    year: int
    ruleset: Ruleset | None
    ruleset_sha256: str
    submissions: list[Submission]
    missing: list[str]
    problems: list[Problem]
    review: Review | None = None
    meeting: Meeting | None = None
    #: the year's assessment files (SPEC 7.7); their values are already in `submissions`
    assessments: list[Assessment] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.ruleset is not None and not has_errors(self.problems)


@dataclass
class Workspace:
    root: Path
    max_bytes: int = DEFAULT_MAX_BYTES
    _rulesets: dict[int, LoadedRuleset] = field(default_factory=dict, repr=False)
    _real_roots: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def rules_dir(self) -> Path:
        return self.root / "rules"

    @property
    def submissions_dir(self) -> Path:
        return self.root / "submissions"

    @property
    def assessments_dir(self) -> Path:
        return self.root / "assessments"

    def assessment_listing(self, year: int) -> tuple[list[Path], list[Problem]]:
        """The year's assessment files (.yml ones too, to be refused), and a problem if the folder cannot be listed."""
        entries, problems = list_folder(self.assessments_dir / str(year))
        return [p for p in entries if p.suffix in YAML_SUFFIXES], problems

    def load_assessment_file(self, path: Path) -> LoadedAssessment:
        """An assessment file, checked against its year's ruleset (SPEC 7.7)."""
        from .assessment import LoadedAssessment, load_assessment

        refused = self.refused(path)
        if refused is not None:
            return LoadedAssessment(None, [refused])
        loaded = load_assessment(path, self.ruleset_or_none, display_path(path), self.max_bytes)
        return replace(loaded, problems=self._said_where(loaded.problems))

    def coverage_of_every_year(self) -> list[Problem]:
        """`coverage` of every year with a ruleset: what `validate` of the whole workspace adds."""
        return [problem for year in self.years() for problem in self.coverage(year)]

    def coverage(self, year: int) -> list[Problem]:
        """Across the year's assessment files (for `validate`): a ranked unit nobody scored, a missing score.

        Nothing when the ruleset has no criterion scored by others, or while a file has errors
        (those come first). A unit counts as ranked when a file is named for it, or when every
        criterion that applies to it is scored by others.
        """
        from .assessment import check_coverage

        ruleset = self.ruleset_or_none(year)
        if ruleset is None or not any(c.by_others for _content, c in ruleset.criteria()):
            return []
        loaded = [self.load_assessment_file(path) for path in self.assessment_listing(year)[0]]
        if any(has_errors(one.problems) for one in loaded):
            return []
        assessments = [one.assessment for one in loaded if one.assessment is not None]
        present = {path.stem for path in self.submission_files(year)}
        ranked = [d.id for d in ruleset.departments if d.id in present or ruleset.scored_by_others(d.id)]
        return check_coverage(ruleset, assessments, display_path(self.assessments_dir / str(year)), ranked)

    @property
    def reviews_dir(self) -> Path:
        return self.root / "reviews"

    def review_path(self, year: int) -> Path:
        return self.reviews_dir / f"{year}.yaml"

    @property
    def meetings_dir(self) -> Path:
        return self.root / "meetings"

    def meeting_path(self, year: int) -> Path:
        return self.meetings_dir / f"{year}.yaml"

    def years(self) -> list[int]:
        """The years that have a ruleset file."""
        return self.year_listing()[0]

    def year_listing(self) -> tuple[list[int], list[Problem]]:
        """The years that have a ruleset file, and a problem if rules/ cannot be listed (every year is unknown)."""
        entries, problems = list_folder(self.rules_dir)
        return sorted(
            {year for p in entries if p.suffix == ".yaml" and (year := year_named(p.stem)) is not None}
        ), problems

    def ruleset_path(self, year: int) -> Path:
        return self.rules_dir / f"{year}.yaml"

    def loaded_ruleset(self, year: int) -> LoadedRuleset:
        if year not in self._rulesets:
            path = self.ruleset_path(year)
            if not is_present(path) and is_present(path.with_suffix(".yml")):
                path = path.with_suffix(".yml")  # refused with a word, not taken for a year without rules
            elif not is_present(path):
                raise UnknownYear(year, self.years())
            self._rulesets[year] = self.load_ruleset_file(path)
        return self._rulesets[year]

    def load_ruleset_file(self, path: Path) -> LoadedRuleset:
        """Any ruleset file; when it is named for its year, its `previous` is looked for beside it.

        A file under another name (`git show main:rules/2017.yaml > main.yaml`) is not in
        a rules folder, so where its previous year lives cannot be known.
        """
        refused = self.refused(path)
        if refused is not None:
            return LoadedRuleset(None, [refused])
        known = years_in(path.parent) if year_named(path.stem) is not None else None
        return load_ruleset(path, display_path(path), known_years=known, max_bytes=self.max_bytes)

    def refused(self, path: Path) -> Problem | None:
        """Why a file is not read at all: a .yml name, or a link from inside the workspace to outside it.

        The link's target is never shown: it may name a file the user must not see in a CI log.
        """
        if path.suffix == ".yml":
            message = _("the file ends in .yml; the tool reads only .yaml files: rename it to {name}").format(
                name=clip(path.with_suffix(".yaml").name)
            )
            return error(display_path(path), 1, 1, "E111", message)
        named, root = os.path.abspath(path), os.path.abspath(self.root)
        if _under(named, root) and not _under(os.path.realpath(path), self._real(root)):
            message = _(
                "is a link that leads out of the workspace; a workspace file must be inside it:"
                " put the file itself here instead of a link"
            )
            return error(display_path(path), 1, 1, "E100", message)
        return None

    def _real(self, root: str) -> str:
        """The root's real path (links resolved): worked out once, not for each file read; keyed by
        its absolute path, which a relative root changes with the current folder."""
        if root not in self._real_roots:
            self._real_roots[root] = os.path.realpath(root)
        return self._real_roots[root]

    def ruleset_or_none(self, year: int) -> Ruleset | None:
        """The year's ruleset if it exists and is valid (for checking submissions)."""
        try:
            loaded = self.loaded_ruleset(year)
        except UnknownYear:
            return None
        return loaded.ruleset if not has_errors(loaded.problems) else None

    def criterion_years(self, criterion_id: str) -> list[int]:
        """The years whose ruleset has this criterion (loads every year: used only for messages)."""
        return [y for y in self.years() if (r := self.ruleset_or_none(y)) is not None and r.criterion(criterion_id)]

    def submission_files(self, year: int) -> list[Path]:
        return self.submission_listing(year)[0]

    def submission_listing(self, year: int) -> tuple[list[Path], list[Problem]]:
        """The year's submission files (.yml ones too, to be refused; .xlsx forms), and a problem if the folder
        cannot be listed."""
        entries, problems = list_folder(self.submissions_dir / str(year))
        return [p for p in entries if p.suffix in YAML_SUFFIXES or p.suffix == FORM_SUFFIX], problems

    def load_submission_file(self, path: Path) -> LoadedSubmission:
        refused = self.refused(path)
        if refused is not None:
            return LoadedSubmission(None, [refused])
        if path.suffix == FORM_SUFFIX:
            return self._load_form(path)
        loaded = load_submission(path, self.ruleset_or_none, display_path(path), self.criterion_years, self.max_bytes)
        return replace(loaded, problems=self._said_where(loaded.problems))

    def _load_form(self, path: Path) -> LoadedSubmission:
        """A submission filled in the Excel form; refused when the unit has a .yaml one beside it (E121)."""
        from .form import SHEET, read_form  # openpyxl is loaded only when a form is read

        twin = path.with_suffix(".yaml")
        if is_present(twin):
            message = _(
                "{unit} has two submissions, {form} and {yaml}: keep one of them (`emulate import` turns the"
                " form into YAML)"
            ).format(unit=clip(path.stem), form=clip(path.name), yaml=clip(twin.name))
            return LoadedSubmission(
                None, [replace(error(display_path(path), 1, 1, "E121", message), sheet=SHEET, cell="A1")]
            )
        loaded = read_form(path, self.ruleset_or_none, display_path(path), self.criterion_years, self.max_bytes)
        return replace(loaded, problems=self._said_where(loaded.problems))

    def load_year(self, year: int, progress: Progress | None = None) -> YearData:
        """The year's ruleset and every submission of `submissions/<year>/` (raises UnknownYear).

        Many submissions are read on every core (`batch`); `progress(done, total)` follows them.
        """
        loaded = self.loaded_ruleset(year)
        problems = list(loaded.problems)
        if loaded.ruleset is None or has_errors(loaded.problems):
            return YearData(year, None, loaded.sha256, [], [], problems)
        ruleset = loaded.ruleset
        submissions = []
        files, unlisted = self.submission_listing(year)
        problems += unlisted
        for result in self._map(_load_submissions, files, progress):
            problems += result.problems
            if result.submission is not None:
                submissions.append(result.submission)
        present = {s.department for s in submissions}
        missing = [d.id for d in ruleset.departments if d.id not in present]
        assessments: list[Assessment] = []
        if any(c.by_others for _content, c in ruleset.criteria()) or is_present(self.assessments_dir / str(year)):
            from .assessment import check_coverage, with_assessments

            files, unlisted = self.assessment_listing(year)
            problems += unlisted
            for path in files:
                loaded_assessment = self.load_assessment_file(path)
                problems += loaded_assessment.problems
                if loaded_assessment.assessment is not None:
                    assessments.append(loaded_assessment.assessment)
            ranked = [d.id for d in ruleset.departments if d.id in present or ruleset.scored_by_others(d.id)]
            folder = display_path(self.assessments_dir / str(year))
            problems += check_coverage(ruleset, assessments, folder, ranked)
            submissions, missing = with_assessments(ruleset, submissions, assessments)
            present = {s.department for s in submissions}
        review, found = self.year_review(year, present)
        problems += found
        meeting = None
        # as for the review: minutes without its ballots would leave out what the bloc voted
        for path in present_forms(self.meeting_path(year)):
            loaded_meeting = self.load_meeting_file(path, lambda _: present)
            problems += loaded_meeting.problems
            meeting = meeting or loaded_meeting.meeting
        return YearData(year, ruleset, loaded.sha256, submissions, missing, problems, review, meeting, assessments)

    def year_review(self, year: int, submitted: set[str]) -> tuple[Review | None, list[Problem]]:
        """The year's review, checked against the units `submitted`, and its problems (none without one).

        A review that is there but cannot be read (a link to nothing, a folder) is an error:
        scoring without it would rank the self-declared values as if approved.
        """
        review, problems = None, []
        for path in present_forms(self.review_path(year)):
            loaded = self.load_review_file(path, lambda _: submitted)
            problems += loaded.problems
            review = review or loaded.review
        return review, problems

    def load_review_file(
        self, path: Path, submitted_for: Callable[[int], set[str] | None] | None = None
    ) -> LoadedReview:
        """A review file, checked against its year's ruleset and the units with a submission file."""
        from .review import LoadedReview, load_review  # imported only when a review file is read: most runs read none

        refused = self.refused(path)
        if refused is not None:
            return LoadedReview(None, [refused])
        submitted = submitted_for or (lambda year: {p.stem for p in self.submission_files(year)})
        loaded = load_review(
            path, self.ruleset_or_none, display_path(path), submitted, self.criterion_years, self.max_bytes
        )
        return replace(loaded, problems=self._said_where(loaded.problems))

    def _said_where(self, problems: list[Problem]) -> list[Problem]:
        """With no rules/ folder at all, "no ruleset for the year" says which root was searched.

        Run from outside the workspace, `check-rules` would not help: the root is what is wrong.
        """
        if is_present(self.rules_dir):
            return problems
        message = _(
            "no ruleset can be found: the workspace {root} has no rules/ folder; run emulate in the"
            " workspace folder, or name it with --root (or EMULATE_ROOT)"
        ).format(root=clip(os.path.abspath(self.root)))
        return [replace(p, message=message) if p.code == "E406" else p for p in problems]

    def load_meeting_file(
        self, path: Path, submitted_for: Callable[[int], set[str] | None] | None = None
    ) -> LoadedMeeting:
        """A meeting file, checked against its year's ruleset and the units with a submission file."""
        from .meeting import LoadedMeeting, load_meeting  # the engine comes with it: not for runs without a meeting

        refused = self.refused(path)
        if refused is not None:
            return LoadedMeeting(None, [refused])

        submitted = submitted_for or (lambda year: {p.stem for p in self.submission_files(year)})
        return load_meeting(path, self.ruleset_or_none, display_path(path), submitted, self.max_bytes)

    def check_files(self, paths: Sequence[Path], progress: Progress | None = None) -> list[Problem]:
        """The problems of many submission and review files, read on every core when there are many."""
        # the rulesets of the years named by the files' folders are read first, here: a worker forked
        # later has them (`batch`), rather than each reading them again
        for year in {year for path in paths if (year := year_named(path.parent.name)) is not None}:
            self.ruleset_or_none(year)
        found = self._map(_check_files, paths, progress)
        return [problem for problems in found for problem in problems]

    def _map(
        self, work: Callable[[Workspace, Sequence[Path]], list[R]], paths: Sequence[Path], progress: Progress | None
    ) -> list[R]:
        """`work` over chunks of `paths`: here, or on every core with a workspace of each worker's own."""
        return map_chunks(
            work, paths, partial(_in_worker, self.root, self.max_bytes, i18n.language()), progress, here=self
        )

    def load_any_file(self, path: Path) -> list[Problem]:
        """The problems of a submission, assessment, review or meeting file (`kind_of_file`)."""
        kind = kind_of_file(path)
        if kind == "meeting":
            return self.load_meeting_file(path).problems
        if kind == "review":
            return self.load_review_file(path).problems
        if kind == "assessment":
            return self.load_assessment_file(path).problems
        return self.load_submission_file(path).problems


def kind_of_file(path: Path) -> str:
    """What `validate` reads a file as, told by its folder: "meeting" (meetings/), "review" (reviews/),
    "assessment" (assessments/YEAR/) or "submission" (anything else)."""
    if path.parent.name == "meetings":
        return "meeting"
    if path.parent.name == "reviews":
        return "review"
    if path.parent.parent.name == "assessments":
        return "assessment"
    return "submission"


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _in_worker(root: Path, max_bytes: int, language: str) -> Workspace:
    """The workspace as a worker process sees it (one started afresh, not forked, speaks English until told)."""
    if i18n.language() != language:
        i18n.use(language)
    return Workspace(root, max_bytes)


def _load_submissions(workspace: Workspace, paths: Sequence[Path]) -> list[LoadedSubmission]:
    return [workspace.load_submission_file(path) for path in paths]


def _check_files(workspace: Workspace, paths: Sequence[Path]) -> list[list[Problem]]:
    return [workspace.load_any_file(path) for path in paths]
