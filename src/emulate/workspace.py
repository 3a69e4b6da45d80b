"""The workspace on disk: where rulesets and submissions live, and loading them.

This is the imperative shell's side of the files: it finds
`rules/<year>.yaml` and `submissions/<year>/*.yaml` under a root, names them
for messages, and hands their contents to the pure checks. Each ruleset is
loaded at most once per Workspace, and only the years asked for.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from . import i18n
from .batch import Progress, map_chunks
from .i18n import _
from .problems import Problem, has_errors
from .ruleset import LoadedRuleset, Ruleset, load_ruleset
from .submission import LoadedSubmission, Submission, load_submission
from .yamlio import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from .meeting import LoadedMeeting, Meeting
    from .review import LoadedReview, Review

R = TypeVar("R")


def files_to_check(command: str, paths: Sequence[Path], root: Path) -> list[Path]:
    """What `check-rules` or `validate` reads: the files named and the .yaml files under the folders
    named, in order; with none named, the workspace's own (rules/, or submissions/, reviews/ and meetings/)."""
    folders = ("rules",) if command == "check-rules" else ("submissions", "reviews", "meetings")
    files: list[Path] = []
    for path in paths or [root / folder for folder in folders if (root / folder).is_dir()]:
        files += sorted(p for p in path.rglob("*.yaml") if p.is_file()) if path.is_dir() else [path]
    return files


def years_in(folder: Path) -> set[int]:
    """The years that have a ruleset file (`2017.yaml`) in `folder`."""
    return {int(p.stem) for p in folder.glob("*.yaml") if p.stem.isdigit()}


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
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


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

    @property
    def ok(self) -> bool:
        return self.ruleset is not None and not has_errors(self.problems)


@dataclass
class Workspace:
    root: Path
    max_bytes: int = DEFAULT_MAX_BYTES
    _rulesets: dict[int, LoadedRuleset] = field(default_factory=dict, repr=False)

    @property
    def rules_dir(self) -> Path:
        return self.root / "rules"

    @property
    def submissions_dir(self) -> Path:
        return self.root / "submissions"

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
        if not self.rules_dir.is_dir():
            return []
        return sorted(years_in(self.rules_dir))

    def ruleset_path(self, year: int) -> Path:
        return self.rules_dir / f"{year}.yaml"

    def loaded_ruleset(self, year: int) -> LoadedRuleset:
        if year not in self._rulesets:
            path = self.ruleset_path(year)
            if not path.is_file():
                raise UnknownYear(year, self.years())
            self._rulesets[year] = self.load_ruleset_file(path)
        return self._rulesets[year]

    def load_ruleset_file(self, path: Path) -> LoadedRuleset:
        """Any ruleset file; when it is named for its year, its `previous` is looked for beside it.

        A file under another name (`git show main:rules/2017.yaml > main.yaml`) is not in
        a rules folder, so where its previous year lives cannot be known.
        """
        known = years_in(path.parent) if path.stem.isdigit() else None
        return load_ruleset(path, display_path(path), known_years=known, max_bytes=self.max_bytes)

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
        folder = self.submissions_dir / str(year)
        return sorted(folder.glob("*.yaml")) if folder.is_dir() else []

    def load_submission_file(self, path: Path) -> LoadedSubmission:
        return load_submission(path, self.ruleset_or_none, display_path(path), self.criterion_years, self.max_bytes)

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
        for result in self._map(_load_submissions, self.submission_files(year), progress):
            problems += result.problems
            if result.submission is not None:
                submissions.append(result.submission)
        present = {s.department for s in submissions}
        missing = [d.id for d in ruleset.departments if d.id not in present]
        review = None
        if self.review_path(year).is_file():
            loaded_review = self.load_review_file(self.review_path(year), lambda _: present)
            problems += loaded_review.problems
            review = loaded_review.review
        meeting = None
        if self.meeting_path(year).is_file():
            loaded_meeting = self.load_meeting_file(self.meeting_path(year), lambda _: present)
            problems += loaded_meeting.problems
            meeting = loaded_meeting.meeting
        return YearData(year, ruleset, loaded.sha256, submissions, missing, problems, review, meeting)

    def load_review_file(
        self, path: Path, submitted_for: Callable[[int], set[str] | None] | None = None
    ) -> LoadedReview:
        """A review file, checked against its year's ruleset and the units with a submission file."""
        from .review import load_review  # imported only when a review file is read: most runs read none

        submitted = submitted_for or (lambda year: {p.stem for p in self.submission_files(year)})
        return load_review(
            path, self.ruleset_or_none, display_path(path), submitted, self.criterion_years, self.max_bytes
        )

    def load_meeting_file(
        self, path: Path, submitted_for: Callable[[int], set[str] | None] | None = None
    ) -> LoadedMeeting:
        """A meeting file, checked against its year's ruleset and the units with a submission file."""
        from .meeting import load_meeting  # the engine comes with it: not imported by runs without a meeting

        submitted = submitted_for or (lambda year: {p.stem for p in self.submission_files(year)})
        return load_meeting(path, self.ruleset_or_none, display_path(path), submitted, self.max_bytes)

    def check_files(self, paths: Sequence[Path], progress: Progress | None = None) -> list[Problem]:
        """The problems of many submission and review files, read on every core when there are many."""
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
        """The problems of a submission, review or meeting file (told apart by their folder's name)."""
        if path.parent.name == "meetings":
            return self.load_meeting_file(path).problems
        if path.parent.name == "reviews":
            return self.load_review_file(path).problems
        return self.load_submission_file(path).problems


def _in_worker(root: Path, max_bytes: int, language: str) -> Workspace:
    """The workspace as a worker process sees it (one started afresh, not forked, speaks English until told)."""
    if i18n.language() != language:
        i18n.use(language)
    return Workspace(root, max_bytes)


def _load_submissions(workspace: Workspace, paths: Sequence[Path]) -> list[LoadedSubmission]:
    return [workspace.load_submission_file(path) for path in paths]


def _check_files(workspace: Workspace, paths: Sequence[Path]) -> list[list[Problem]]:
    return [workspace.load_any_file(path) for path in paths]
