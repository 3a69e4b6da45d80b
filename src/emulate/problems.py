"""Problems: the one type every stage reports, and the catalogue of their codes.

A problem is anything wrong (or doubtful) in a file a user wrote: a YAML syntax
error, a value of the wrong kind, a ruleset whose numbering is out of order.
The core produces problems and never prints them; `emulate.render.problems`
turns them into text, JSON or GitHub annotations.

Codes are stable: tools and people may rely on them. E1xx are about reading
the file, E2xx about a single value, E3xx about a ruleset as a whole, E4xx
about a submission as a whole, E5xx about a review file, E6xx about a meeting file, E7xx about
assessment files. W-codes are warnings:
reported like errors, but they do not change the exit code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .i18n import _


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


#: code -> what it means. The README's table of problem codes is this table.
CODES: dict[str, str] = {
    "E100": "the file cannot be read (a folder, a special file, a link out of the workspace or to nothing)",
    "E101": "the file is larger than the size limit",
    "E102": "the file is not UTF-8 text (UTF-16, a legacy Vietnamese encoding, or binary)",
    "E103": "YAML syntax error",
    "E104": "a key appears twice in the same mapping",
    "E105": "the file is empty",
    "E106": "the document is not a mapping of keys to values",
    "E107": "the file holds more than one YAML document",
    "E108": "YAML anchors and aliases are not allowed",
    "E109": "YAML tags are not allowed",
    "E110": "the document is nested too deeply",
    "E111": "a .yml file where the tool reads .yaml files",
    "E112": "a control character in a text",
    "E201": "unknown key",
    "E202": "missing key",
    "E203": "not a number",
    "E204": "a value of the wrong type",
    "E205": "a number outside its allowed range",
    "E206": "not a whole number",
    "E207": "not one of the allowed choices",
    "E208": "a list with the wrong number of items",
    "E301": "an id used twice",
    "E302": "criterion numbering missing, repeated or out of order",
    "E303": "a criterion or deduction without a source",
    "E304": "a rating scale that is not best-first, or a bonus label not in it",
    "E305": "a reference to an unknown criterion, content or deduction",
    "E306": "the ruleset's year disagrees with its file name",
    "E307": "the previous year's ruleset does not exist",
    "E308": "tiers steps that mix at_least and at_most, or thresholds out of order",
    "E320": "`applies_to` or `except` naming an unknown department or group, or both given",
    "E321": "groups given for some departments only, an unknown group, or a group with no member",
    "E322": "`compare: share` where a unit's own maximum can be 0",
    "E323": "a classification or award condition that cannot hold",
    "E330": "a syntax error in an expression",
    "E331": "an unknown name in an expression (in a formula: an input never declared)",
    "E332": "an unknown function in an expression, or one not allowed there",
    "E333": "a function called with the wrong number of arguments",
    "E334": "a number where a condition is expected in an expression, or the reverse",
    "E335": "a formula input that the expression never uses",
    "E336": "an expression with a divisor that is always 0",
    "E337": "a formula input id with '_' (expressions write '-' as '_')",
    "E340": "`scored_by` naming no body, department or `peers`",
    "E341": "`scored_by: peers` on a criterion that is not of kind `assessed`",
    "E342": "`combine` on a criterion not scored by peers",
    "E343": "a body id that is also a department or group id, or `peers`",
    "E344": "a criterion scored by the peers that applies to a unit with no peer (alone in its group)",
    "E120": "a workbook that is not a form made by `emulate new --format xlsx` (damaged, or its hidden sheet changed)",
    "E121": "a unit with both a .yaml and an .xlsx submission",
    "E122": "a workbook made for another version of the year's ruleset",
    "E401": "a department the ruleset does not list",
    "E402": "the file name differs from the department",
    "E403": "the year differs from the folder",
    "E404": "a criterion of the ruleset is missing",
    "E405": "a criterion that the year's ruleset does not have",
    "E406": "no ruleset for the submission's year",
    "E407": "`not_applicable` where the ruleset forbids it",
    "E408": "a higher-is-better target of zero",
    "E409": "a value for a criterion that does not apply to the unit",
    "E410": "a value for a criterion scored by others (a body, a department or the peers)",
    "E420": "a formula in an input cell of a workbook",
    "E421": "a date or a time in an input cell of a workbook (Excel took a number for a date)",
    "E430": "formula inputs that make the expression divide by zero",
    "E501": "an adjustment that corrects neither a criterion nor a deduction, or both",
    "E502": "an adjustment without a reason",
    "E503": "the same value adjusted twice",
    "E504": "the review's year disagrees with its file name",
    "E601": "a meeting file not named for its year",
    "E602": "a ballot for an award the ruleset does not have",
    "E603": "the same award put to the ballot twice",
    "E604": "more votes for a unit than voters",
    "E701": "an assessment's scorer that is no body or department",
    "E702": "the assessment file's name differs from its scorer",
    "E703": "the assessment's year differs from its folder",
    "E704": "an assessment of a criterion that the year's ruleset does not have",
    "E705": "an assessment of a criterion, or a unit, that this scorer may not score",
    "E706": "an assessment of a unit the ruleset does not list",
    "E707": "a unit scoring itself on a criterion scored by peers",
    "E708": "a unit that nobody scored on a criterion scored by others",
    "W101": "a comment glued to a word (#12) after a plain text on its line, which cuts the text",
    "W201": "a number that reads like Vietnamese thousands (1.000)",
    "W202": "a percentage of at most 1, which looks like a share (0.95 for 95 %)",
    "W203": "a Vietnamese label (a scale title, Có / Không / Không áp dụng) read as the id it stands for",
    "W301": "a tiers step that gives more points than an earlier (better) one",
    "W302": "a relative criterion that counts as a deduction with `direction: higher` (the best unit loses most)",
    "W320": "maxima that differ between units while ranking by points",
    "W321": "a classification whose last class has conditions (some units may get no class)",
    "W501": "an adjustment for a unit that has no submission",
    "W601": "votes for a unit that has no submission",
    "W701": "a scorer that gave no score to a unit it scores",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One finding at `file:line:column` (1-based; `1:1` when no position in the file applies).

    In a workbook (the Excel form, SPEC 8) a problem stands at `sheet` and `cell` (`Tự chấm`, `I23`)
    instead: `line` and `column` then hold the cell's row and column, for sorting only, and are
    not shown.
    """

    file: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str
    sheet: str | None = field(default=None, compare=False)
    cell: str | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_dict(self) -> dict[str, object]:
        if self.sheet is not None:
            return {
                "file": self.file,
                "line": None,
                "column": None,
                "sheet": self.sheet,
                "cell": self.cell,
                "code": self.code,
                "severity": self.severity.value,
                "message": self.message,
            }
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
        }


def error(file: str, line: int, column: int, code: str, message: str) -> Problem:
    assert code in CODES, code
    return Problem(file, max(line, 1), max(column, 1), code, Severity.ERROR, message)


def warning(file: str, line: int, column: int, code: str, message: str) -> Problem:
    assert code in CODES, code
    return Problem(file, max(line, 1), max(column, 1), code, Severity.WARNING, message)


#: the most characters of one piece of input text a message quotes
MAX_QUOTED = 80


def clip(text: str) -> str:
    """A piece of input text as a message quotes it: whole up to MAX_QUOTED characters, else its start and end.

    The one place where input text is shortened for messages (`fields.show` uses it): a
    100 KB id or a whole file must not be echoed into a terminal or a CI log.
    """
    if len(text) <= MAX_QUOTED:
        return text
    return _("{start}…{end} ({count} characters)").format(start=text[:50], end=text[-20:], count=len(text))


def has_errors(problems: list[Problem]) -> bool:
    return any(p.is_error for p in problems)
