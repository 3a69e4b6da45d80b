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
from ..evaluation import Evaluation
from ..i18n import _
from . import number, percent
from .score import quota_tie_notes

_COLOURS = ["#2f6db5", "#5fa35a", "#e0a030", "#9b59b6", "#c0504d", "#4bacc6"]
_BONUS_COLOUR = "#a6a6a6"

_CSS = """
@page { size: A4; margin: 14mm 12mm; }
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
.signatures { display: flex; justify-content: space-around; margin-top: 12mm; text-align: center; }
.signatures div { width: 40%; min-height: 25mm; }
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


def score_page(evaluation: Evaluation, inputs: Sequence[tuple[str, str]], lang: str | None = None) -> str:
    """The page as text; `inputs` are (file, sha256) of the ruleset, each submission and the review.

    `lang`: the page's language attribute; by default the language of the messages.
    """
    if lang is None:
        lang = i18n.language()
    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    places = ruleset.rounding.places
    contents = [c.id for c in ruleset.contents]
    awards = {a.id: a.title for a in ruleset.awards}
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
                awards.get(unit.award or "", ""),
            ]
        )
        classes.append("award" if unit.award else "")
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
    body = [
        f"<h1>{escape(ruleset.title)}</h1>",
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
    body.append('<p class="meta">' + _("Proposals only: the bloc's secret ballot decides.") + "</p>")
    body += [f'<p class="tie">{escape(note)}</p>' for note in quota_tie_notes(ranking)]
    body += ["<h2>" + _("Totals by content") + "</h2>", chart_svg(evaluation)]
    if evaluation.effects:
        names = {d.id: d.name for d in ruleset.departments}
        body.append("<h2>" + _("Self-declared and reviewed points") + "</h2>")
        body.append(
            _table(
                [_("Unit"), _("No"), _("Criterion"), _("Self-declared"), _("Reviewed"), _("Reason")],
                [
                    [
                        names.get(e.adjustment.department, e.adjustment.department),
                        e.no,
                        e.title,
                        number(e.self_declared, places),
                        number(e.reviewed, places),
                        e.adjustment.reason,
                    ]
                    for e in evaluation.effects
                ],
                {3, 4},
            )
        )
    body.append("<h2>" + _("Inputs") + "</h2>")
    body.append(
        _table([_("File"), "sha256"], [[f, s] for f, s in inputs], set())
        .replace("<td>", "<td><code>")
        .replace("</td>", "</code></td>")
    )
    body.append('<div class="signatures"><div>' + _("Secretary") + "</div><div>" + _("Bloc leader") + "</div></div>")
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(ruleset.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
