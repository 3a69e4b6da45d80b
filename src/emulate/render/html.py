"""A self-contained, printable page: the minutes of the bloc's evaluation.

One HTML file with its styles inline and an SVG chart: no external assets and
no script, so it opens anywhere and prints on A4. Nothing in it depends on the
clock, so the same inputs give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from .. import i18n
from ..engine import RankedUnit
from ..evaluation import Evaluation
from ..i18n import _
from ..meeting import BallotResult, Meeting, carried_awards
from . import award_titles, extra_cells, extra_columns, number, percent, place_and_date
from .explain import scoring_sheet_rows, sheet_total
from .score import adjustment_rows, quota_tie_notes, self_declared_note

# The decree's own words (Decree 30/2020/NĐ-CP): Vietnamese in every language, as in the Word minutes
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
SIGN_HINT = "(Ký, ghi rõ họ tên)"

_COLOURS = ["#2f6db5", "#5fa35a", "#e0a030", "#9b59b6", "#c0504d", "#4bacc6"]
_BONUS_COLOUR = "#a6a6a6"

_CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm; \
@top-center { content: counter(page); font-family: "Times New Roman", serif; font-size: 11pt; } }
@page :first { @top-center { content: none; } }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #111; \
margin: 0 auto; max-width: 186mm; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
h2 { font-size: 11.5pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; }
p.meta { margin: 0 0 1mm; color: #333; }
p.tie { margin: 1mm 0; font-weight: bold; }
table { width: 100%; border-collapse: collapse; table-layout: auto; page-break-inside: auto; }
th, td { border: 1px solid #bbb; padding: 1mm 1.5mm; vertical-align: top; overflow-wrap: anywhere; }
th { background: #e8eef7; text-align: left; overflow-wrap: normal; }
td.n { text-align: right; white-space: nowrap; }
tr { page-break-inside: avoid; }
tr.award td { font-weight: bold; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt; overflow-wrap: anywhere; }
svg { width: 100%; height: auto; display: block; }
.national { display: flex; justify-content: space-between; text-align: center; margin-bottom: 6mm; }
.national div:first-child { width: 38%; }
.national div:last-child { width: 60%; }
.national p { margin: 0; font-weight: bold; white-space: nowrap; }
.national p.date { font-weight: normal; font-style: italic; margin-top: 2mm; }
.signatures { display: flex; justify-content: space-around; margin-top: 12mm; text-align: center; \
page-break-inside: avoid; }
.signatures div { width: 40%; min-height: 35mm; }
.signatures p { margin: 0; }
.signatures p.role { font-weight: bold; }
.signatures p.hint { font-style: italic; margin-bottom: 22mm; }
.annex { page-break-before: always; }
table.sheet { table-layout: fixed; }
table.sheet th:nth-child(1) { width: 6%; } table.sheet th:nth-child(2) { width: 20%; }
table.sheet th:nth-child(3) { width: 26%; } table.sheet th:nth-child(4) { width: 13%; }
table.sheet th:nth-child(5) { width: 11%; } table.sheet th:nth-child(6) { width: 9%; }
table.sheet th:nth-child(7) { width: 15%; } table.sheet td.n { white-space: normal; }
@media screen { body { padding: 8mm; } }
"""


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int], classes: Sequence[str] = ()
) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if i < len(classes) and classes[i] else ""
        cells = "".join(
            f'<td class="n">{escape(c)}</td>' if j in numeric else f"<td>{escape(c)}</td>" for j, c in enumerate(row)
        )
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def chart_svg(evaluation: Evaluation) -> str:
    """Horizontal bars: each unit's points stacked by content, then its bonus."""
    ruleset, units = evaluation.ruleset, evaluation.ranking.units
    places = ruleset.rounding.places
    label_w, bar_w, row_h, top = 230, 420, 22, 30
    scale = Decimal(bar_w) / (ruleset.max_points + ruleset.max_bonus or 1)
    height = top + row_h * len(units) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_w + bar_w + 70} {height}" role="img" '
        f'aria-label="{escape(_("Totals by content"))}" font-size="11" font-family="sans-serif">'
    ]
    x = label_w
    legend = [
        (_("Content {id}").format(id=c.id), _COLOURS[i % len(_COLOURS)]) for i, c in enumerate(ruleset.contents)
    ] + [(_("Bonus"), _BONUS_COLOUR)]
    for name, colour in legend:
        parts.append(
            f'<rect x="{x}" y="6" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="15">{escape(name)}</text>'
        )
        x += 90
    for row, unit in enumerate(units):
        y = top + row * row_h
        card = unit.card
        name = card.name if len(card.name) <= 38 else card.name[:37] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(name)}</text>')
        x_pos = Decimal(label_w)
        segments = [(card.contents[c.id], _COLOURS[i % len(_COLOURS)]) for i, c in enumerate(ruleset.contents)] + [
            (card.bonus, _BONUS_COLOUR)
        ]
        for value, colour in segments:
            width = value * scale
            parts.append(
                f'<rect x="{x_pos:.2f}" y="{y + 3}" width="{width:.2f}" height="{row_h - 6}" fill="{colour}"/>'
            )
            x_pos += width
        parts.append(f'<text x="{x_pos + 4:.2f}" y="{y + 14}">{escape(number(card.total, places))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def national_header(bloc: str, meeting: Meeting | None) -> str:
    """The bloc's name on the left; the national motto, place and date on the right."""
    return (
        f'<div class="national"><div><p>{escape(bloc.upper())}</p></div>'
        f"<div><p>{escape(MOTTO[0])}</p><p>{escape(MOTTO[1])}</p>"
        f'<p class="date">{escape(place_and_date(meeting))}</p></div></div>'
    )


def signatures(left: tuple[str, str | None], right: tuple[str, str | None]) -> str:
    """Two signature blocks: role, the decree's hint, room to sign, the name (blank to fill by hand)."""
    blocks = "".join(
        f'<div><p class="role">{escape(role)}</p><p class="hint">{escape(SIGN_HINT)}</p>'
        f"<p><b>{escape(person or '')}</b></p></div>"
        for role, person in (left, right)
    )
    return f'<div class="signatures">{blocks}</div>'


def _ballot_section(evaluation: Evaluation, ballots: Sequence[BallotResult]) -> list[str]:
    names = {d.id: d.name for d in evaluation.ruleset.departments}
    carried = carried_awards(ballots)
    body = ["<h2>" + _("Ballots") + "</h2>"]
    for result in ballots:
        rows = []
        for department in result.candidates:
            votes = dict(result.ballot.votes).get(department, 0)
            rows.append(
                [
                    names.get(department, department),
                    f"{votes}/{result.ballot.voters}",
                    percent(Decimal(votes) / result.ballot.voters),
                    _("carried") if carried.get(department) == result.ballot.award else _("not carried"),
                ]
            )
        body.append(f"<p><b>{escape(result.award_title)}</b></p>")
        body.append(_table([_("Unit proposed"), _("Votes"), _("Share"), _("Result")], rows, {1, 2}))
    return body


def score_page(
    evaluation: Evaluation,
    inputs: Sequence[tuple[str, str]],
    lang: str | None = None,
    meeting: Meeting | None = None,
    ballots: Sequence[BallotResult] | None = None,
) -> str:
    """The page as text; `inputs` are (file, sha256) of the ruleset, each submission, the review and the meeting.

    `lang`: the page's language attribute; by default the language of the messages.
    """
    if lang is None:
        lang = i18n.language()
    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    places = ruleset.rounding.places
    contents = [c.id for c in ruleset.contents]
    awards = {a.id: a.title for a in ruleset.awards}
    note = self_declared_note(evaluation)
    rows, classes = [], []
    for unit in ranking.units:
        card = unit.card
        rows.append(
            [
                f"{unit.rank}=" if unit.tied else str(unit.rank),
                card.name,
                *(number(card.contents[c], places) for c in contents),
                number(card.bonus, places),
                number(card.deducted, places),
                number(card.total, places),
                percent(card.share),
                award_titles(ruleset, unit),
                *extra_cells(ruleset, unit),
            ]
        )
        classes.append("award" if unit.awards else "")
    headers = [
        "#",
        _("Unit"),
        *(f"C{c}" for c in contents),
        _("Bonus"),
        _("Ded."),
        _("Total"),
        _("Share"),
        _("Proposed award"),
    ]
    numeric = set(range(2, len(headers) - 1))
    headers += extra_columns(ruleset)
    body = [
        national_header(ruleset.bloc_name or ruleset.title, meeting),
        f"<h1>{escape(ruleset.title)}</h1>",
        *([f'<p class="self-declared"><strong>{escape(note)}</strong></p>'] if note is not None else []),
        '<p class="meta">'
        + _("Minutes of the bloc's evaluation · {ruleset} · ruleset version {version} · {year}").format(
            ruleset=escape(ruleset.ruleset), version=escape(ruleset.version), year=ranking.year
        )
        + "</p>",
        '<p class="meta">'
        + _("Maximum {maximum} points, bonus at most {bonus}.").format(
            maximum=number(ruleset.max_points, places), bonus=number(ruleset.max_bonus, places)
        )
        + (" " + _("Based on {regulation}.").format(regulation=escape(ruleset.based_on)) if ruleset.based_on else "")
        + "</p>",
        "<h2>" + _("Ranking") + "</h2>",
        _table(headers, rows, numeric, classes),
        '<p class="meta">'
        + _("C1, C2, …: points of content 1, 2, …; Ded.: deductions; Share: total against the maximum.")
        + "</p>",
    ]
    if ranking.missing:
        names = {d.id: d.name for d in ruleset.departments}
        missing = _("No submission (not ranked): {units}").format(
            units=escape(", ".join(names.get(m, m) for m in ranking.missing))
        )
        body.append(f"<p>{missing}</p>")
    body.append("<h2>" + _("Awards proposed") + "</h2>")
    proposed = [(awards[u.award], u.card.name) for u in ranking.units if u.award]
    body.append(
        "<ul>" + "".join(f"<li>{escape(title)}: {escape(name)}</li>" for title, name in proposed) + "</ul>"
        if proposed
        else "<p>" + _("None.") + "</p>"
    )
    if not ballots:
        body.append('<p class="meta">' + _("Proposals only: the bloc's secret ballot decides.") + "</p>")
    body += [f'<p class="tie">{escape(note)}</p>' for note in quota_tie_notes(ranking)]
    if ballots:
        body += _ballot_section(evaluation, ballots)
    body += ["<h2>" + _("Totals by content") + "</h2>", chart_svg(evaluation)]
    if evaluation.effects:
        names = {d.id: d.name for d in ruleset.departments}
        body.append("<h2>" + _("Self-declared and reviewed points") + "</h2>")
        body.append(
            _table(
                [_("Unit"), _("No"), _("Criterion"), _("Self-declared"), _("Reviewed"), _("Reason")],
                [list(row) for row in adjustment_rows(evaluation)],
                {3, 4},
            )
        )
    body.append(
        signatures(
            (_("SECRETARY"), meeting.secretary if meeting else None), (_("CHAIR"), meeting.chair if meeting else None)
        )
    )
    # the hashes are for `emulate verify`, not for the meeting: an annex on a page of its own
    body.append('<section class="annex"><h2>' + _("Annex: the inputs") + "</h2>")
    body.append(
        _table([_("File"), "sha256"], [[f, s] for f, s in inputs], set())
        .replace("<td>", "<td><code>")
        .replace("</td>", "</code></td>")
    )
    body.append("</section>")
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(ruleset.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def scoring_sheet_page(evaluation: Evaluation, unit: RankedUnit, lang: str | None = None) -> str:
    """One unit's scoring sheet (phiếu chấm điểm) as a printable page."""
    if lang is None:
        lang = i18n.language()
    ruleset = evaluation.ruleset
    card = unit.card
    headers, rows, numeric = scoring_sheet_rows(evaluation, unit)
    title = _("Scoring sheet: {unit}, {year}").format(unit=card.name, year=evaluation.ranking.year)
    body = [
        national_header(ruleset.bloc_name or ruleset.title, None),
        f"<h1>{escape(title)}</h1>",
        '<p class="meta">' + escape(sheet_total(ruleset, card)) + "</p>",
        _table(headers, rows, numeric).replace("<table>", '<table class="sheet">', 1),
        signatures((_("HEAD OF THE UNIT"), None), (_("BLOC LEADER"), None)),
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
