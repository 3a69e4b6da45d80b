"""Reference scorer: an independent, deliberately simple re-implementation of SPEC 3.1 and 7.1-7.7.

Used by the test suite as an oracle against the engine. It imports nothing from
`emulate`, does no validation beyond what scoring needs, and uses `Decimal` for every
number (YAML floats are converted through `str`, which gives back the written digits).

    python tests/reference_scorer.py 2017 [ROOT]
"""

from __future__ import annotations

import re
import sys
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path

from ruamel.yaml import YAML


def _scale_points(entry):
    """A scale entry's points, written `label: points` or `label: {title, points}` (SPEC 8)."""
    return D(entry["points"]) if isinstance(entry, dict) else D(entry)


def D(x) -> Decimal:
    """A YAML number (int or float) as an exact Decimal."""
    if isinstance(x, bool) or not isinstance(x, (int, float, Decimal)):
        raise TypeError(f"not a number: {x!r}")
    return Decimal(str(x))


def load(path: Path):
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8-sig"))


def rnd(x: Decimal, places: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --- formula expressions (SPEC 7.2), parsed and evaluated here from scratch --------------

_TOKENS = re.compile(r"\s*(?:([0-9]+(?:\.[0-9]+)?)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|!=|[-+*/(),<>]))")


def tokenize(text: str) -> list[str]:
    out, i = [], 0
    while text[i:].strip():
        m = _TOKENS.match(text, i)
        if not m:
            raise ValueError(f"bad expression at {i}: {text!r}")
        out.append(m.group(m.lastindex))
        i = m.end()
    return out


def parse_expression(text: str):
    """Nested tuples: ("num", D) | ("name", s) | (op, a, b) | ("neg", a) | ("not", a) | ("call", f, [args])."""
    toks = [*tokenize(text), None]
    pos = 0

    def peek():
        return toks[pos]

    def take():
        nonlocal pos
        pos += 1
        return toks[pos - 1]

    def level_or():
        e = level_and()
        while peek() == "or":
            take()
            e = ("or", e, level_and())
        return e

    def level_and():
        e = level_not()
        while peek() == "and":
            take()
            e = ("and", e, level_not())
        return e

    def level_not():
        if peek() == "not":
            take()
            return ("not", level_not())
        e = level_sum()
        if peek() in ("<", "<=", ">", ">=", "==", "!="):
            op = take()
            e = (op, e, level_sum())
        return e

    def level_sum():
        e = level_product()
        while peek() in ("+", "-"):
            op = take()
            e = (op, e, level_product())
        return e

    def level_product():
        e = level_unary()
        while peek() in ("*", "/"):
            op = take()
            e = (op, e, level_unary())
        return e

    def level_unary():
        if peek() == "-":
            take()
            return ("neg", level_unary())
        t = take()
        if t == "(":
            e = level_or()
            assert take() == ")"
            return e
        if t[0].isdigit():
            return ("num", Decimal(t))
        if peek() == "(":
            take()
            args = []
            while peek() != ")":
                args.append(level_or())
                if peek() == ",":
                    take()
            take()
            return ("call", t, args)
        return ("name", t)

    e = level_or()
    assert peek() is None, text
    return e


def evaluate_expression(e, names: dict):
    """Lazily in and/or/if, as the language says; a zero divisor raises ZeroDivisionError."""
    tag = e[0]
    if tag == "num":
        return e[1]
    if tag == "name":
        return names[e[1]]
    if tag == "neg":
        return -evaluate_expression(e[1], names)
    if tag == "not":
        return not evaluate_expression(e[1], names)
    if tag == "and":
        return evaluate_expression(e[1], names) and evaluate_expression(e[2], names)
    if tag == "or":
        return evaluate_expression(e[1], names) or evaluate_expression(e[2], names)
    if tag == "call":
        f, args = e[1], e[2]
        if f == "if":
            return evaluate_expression(args[1] if evaluate_expression(args[0], names) else args[2], names)
        values = [evaluate_expression(a, names) for a in args]
        return abs(values[0]) if f == "abs" else (min(values) if f == "min" else max(values))
    a, b = evaluate_expression(e[1], names), evaluate_expression(e[2], names)
    if tag == "/" and b == 0:
        raise ZeroDivisionError(e)
    ops = {
        "+": lambda: a + b,
        "-": lambda: a - b,
        "*": lambda: a * b,
        "/": lambda: a / b,
        "<": lambda: a < b,
        "<=": lambda: a <= b,
        ">": lambda: a > b,
        ">=": lambda: a >= b,
        "==": lambda: a == b,
        "!=": lambda: a != b,
    }
    return ops[tag]()


def formula_points(rule: dict, value: dict) -> Decimal:
    """The expression's value with the inputs ('-' written '_'), clamped to [0, max], unrounded."""
    names = {i.replace("-", "_"): D(value["inputs"][i]) for i in rule["inputs"]}
    # the engine computes with 100 significant digits (emulate.arithmetic.CONTEXT; SPEC 7.9 says 28)
    with localcontext() as ctx:
        ctx.prec = 100
        raw = evaluate_expression(parse_expression(rule["expr"]), names)
    return min(max(raw, Decimal(0)), D(rule["max"]))


# --- one criterion -> (points, bonus), both rounded -------------------------------------


def performance(t: dict) -> Decimal:
    target, actual = D(t["target"]), D(t["actual"])
    if t.get("direction", "higher") == "lower":
        if target == 0:
            p = Decimal(1) if actual == 0 else Decimal(0)
        else:
            p = (2 * target - actual) / target
    else:
        p = actual / target
    return max(p, Decimal(0))


def score_criterion(rule: dict, value: dict, places: int) -> tuple[Decimal, Decimal]:
    kind = rule["kind"]
    zero = rnd(Decimal(0), places)
    if kind == "targets":
        points = bonus = zero
        for t in value["targets"]:
            p = performance(t)
            points += rnd(D(rule["points_each"]) * min(p, Decimal(1)), places)
            if p > 1:
                b = min(D(rule["bonus_cap_each"]), D(rule["bonus_per_percent"]) * (p - 1) * 100)
                bonus += rnd(b, places)
        return rnd(points, places), rnd(bonus, places)
    if kind == "rating":
        labels = list(rule["scale"])  # best first
        label = value["rating"]
        points = _scale_points(rule["scale"][label])
        bonus = zero
        b = rule.get("bonus")
        if b and "at_least" in b and "points" in b and b["at_least"] in labels:
            if labels.index(label) <= labels.index(b["at_least"]):
                bonus = D(b["points"])
        elif b:  # SPEC 7.1: a map from labels to bonus points
            bonus = D(b.get(label, 0))
        return rnd(points, places), rnd(bonus, places)
    if kind == "percent":
        return rnd(D(rule["max"]) * D(value["percent"]) / 100, places), zero
    if kind == "checklist":
        points = zero
        for item_id, item in rule["items"].items():
            v = value["items"][item_id]
            if v is True:
                points += D(item["points"])
            elif v == "not_applicable":
                if item.get("if_not_applicable", "forbidden") != "full":
                    raise ValueError(f"{item_id}: not_applicable is not allowed")
                points += D(item["points"])
            elif v is not False:
                raise ValueError(f"{item_id}: bad value {v!r}")
        return rnd(points, places), zero
    if kind == "count_points":
        return rnd(min(D(rule["cap"]), D(rule["per"]) * D(value["count"])), places), zero
    if kind == "count_penalty":
        return rnd(max(zero, D(rule["max"]) - D(rule["per"]) * D(value["count"])), places), zero
    if kind == "assessed":
        return rnd(D(value["points"]), places), zero
    if kind == "formula":
        return rnd(formula_points(rule, value), places), zero
    if kind == "tiers":
        return rnd(tiers_points(rule, D(value["value"])), places), zero
    raise ValueError(f"unknown rule kind {kind!r}")


def tiers_points(rule: dict, v: Decimal) -> Decimal:
    """SPEC 7.1: the points of the first step whose condition holds, else `otherwise` (default 0)."""
    for step in rule["steps"]:
        if ("at_least" in step and v >= D(step["at_least"])) or ("at_most" in step and v <= D(step["at_most"])):
            return D(step["points"])
    return D(rule.get("otherwise", 0))


# --- maxima ------------------------------------------------------------------------------


def criterion_max(rule: dict) -> Decimal:
    kind = rule["kind"]
    if kind == "targets":
        return D(rule["count"]) * D(rule["points_each"])
    if kind == "rating":
        return max(_scale_points(v) for v in rule["scale"].values())
    if kind == "checklist":
        return sum((D(i["points"]) for i in rule["items"].values()), Decimal(0))
    if kind == "count_points":
        return D(rule["cap"])
    if kind == "tiers":
        return max([D(s["points"]) for s in rule["steps"]] + [D(rule.get("otherwise", 0))])
    return D(rule["max"])  # percent, count_penalty, assessed, formula


def max_points(ruleset: dict) -> Decimal:
    return sum(
        (criterion_max(cr["rule"]) for c in ruleset["contents"] for cr in c["criteria"]),
        Decimal(0),
    )


# --- one department ----------------------------------------------------------------------


def score_submission(ruleset: dict, sub: dict) -> dict:
    places = int(ruleset["rounding"]["places"])
    criteria, contents = {}, {}
    base = bonus = Decimal(0)
    for content in ruleset["contents"]:
        content_base = Decimal(0)
        for cr in content["criteria"]:
            pts, bon = score_criterion(cr["rule"], sub["criteria"][cr["id"]], places)
            criteria[cr["id"]] = (pts, bon)
            content_base += pts
            bonus += bon
        contents[str(content["id"])] = content_base
        base += content_base
    deductions = Decimal(0)
    counts = sub.get("deductions") or {}
    for d in ruleset.get("deductions") or []:
        n = D(counts.get(d["id"], 0))
        deductions += rnd(min(D(d["cap"]), D(d["per"]) * n), places)
    total = max(Decimal(0), base + bonus - deductions)

    def q(x: Decimal) -> Decimal:  # exact sums of rounded parts: only fixes the display
        return rnd(x, places)

    return {
        "department": sub["department"],
        "base": q(base),
        "bonus": q(bonus),
        "deductions": q(deductions),
        "total": q(total),
        "contents": {k: q(v) for k, v in contents.items()},
        "criteria": criteria,
        "rank": None,
        "award": None,
        # raw counts, for require_zero
        "_counts": {k: v.get("count") for k, v in sub["criteria"].items()},
    }


# --- ranking and awards ------------------------------------------------------------------


def sort_key(row: dict, tie_breakers: list[str]) -> tuple:
    key = [-row["total"]]
    for tb in tie_breakers:
        if tb.startswith("content:"):
            key.append(-row["contents"][tb.split(":", 1)[1]])
        elif tb == "fewer_deductions":
            key.append(row["deductions"])
        else:
            raise ValueError(f"unknown tie breaker {tb!r}")
    return tuple(key)


def score_workspace(root: Path, year: int) -> list[dict]:
    root = Path(root)
    ruleset = load(root / "rules" / f"{year}.yaml")
    known = [d["id"] for d in ruleset["departments"]]
    rows = []
    for dept in known:
        path = root / "submissions" / str(year) / f"{dept}.yaml"
        if path.exists():
            rows.append(score_submission(ruleset, load(path)))

    tbs = list(ruleset.get("tie_breakers") or [])
    rows.sort(key=lambda r: (sort_key(r, tbs), r["department"]))
    for i, row in enumerate(rows):
        same_as_previous = i > 0 and sort_key(row, tbs) == sort_key(rows[i - 1], tbs)
        row["rank"] = rows[i - 1]["rank"] if same_as_previous else i + 1

    maximum = max_points(ruleset)
    for award in ruleset.get("awards") or []:
        given = 0
        for row in rows:  # best rank first
            if given >= int(award["quota"]):
                break
            if row["award"] is not None:
                continue
            if row["total"] < D(award["min_share"]) * maximum:
                continue
            if any(row["_counts"].get(c) != 0 for c in award.get("require_zero") or []):
                continue
            row["award"] = award["id"]
            given += 1

    for row in rows:
        del row["_counts"]
    return rows


# --- SPEC 7.3-7.6: a whole year from plain data (bonus/deduction criteria, applicability, classes,
# awards of every form, groups) ----------------------------------------------------------------

COUNTED = ("count_points", "count_penalty")


def is_counted(rule: dict) -> bool:
    return rule["kind"] in COUNTED or (rule["kind"] == "tiers" and rule.get("measure") == "count")


def applies(criterion: dict, department: str, group) -> bool:
    """SPEC 7.4: `applies_to` / `except` name departments or groups."""
    names = {department} if group is None else {department, group}
    if criterion.get("applies_to") is not None and not names & set(criterion["applies_to"]):
        return False
    return not (criterion.get("except") is not None and names & set(criterion["except"]))


def relative_points(rule: dict, v: Decimal, best: Decimal) -> Decimal:
    """SPEC 7.1 `relative`, unrounded: higher: max × value / best (0 when the best is 0);
    lower: max × best / value (max when the value is 0)."""
    m = D(rule["max"])
    if rule.get("direction", "higher") == "higher":
        return m * v / best if best != 0 else Decimal(0)
    return m * best / v if v != 0 else m


def relative_bests(ruleset: dict, submissions: list[dict]) -> dict:
    """(group, criterion id) -> the best value among the units of the group that give one (SPEC 7.1, 7.6)."""
    group_of = {d["id"]: d.get("group") for d in ruleset["departments"]}
    found: dict = {}
    for content in ruleset["contents"]:
        for cr in content["criteria"]:
            if cr["rule"]["kind"] != "relative":
                continue
            pick = max if cr["rule"].get("direction", "higher") == "higher" else min
            seen: dict = {}
            for sub in submissions:
                department = sub["department"]
                value = (sub.get("criteria") or {}).get(cr["id"])
                if value is None or value.get("not_applicable"):
                    continue
                if not applies(cr, department, group_of.get(department)):
                    continue
                seen.setdefault(group_of.get(department), []).append(D(value["value"]))
            for group, values in seen.items():
                found[(group, cr["id"])] = pick(values)
    return found


def score_unit(ruleset: dict, sub: dict, bests: dict | None = None) -> dict:
    """One unit's points with SPEC 7.3-7.4: every part rounded, sums of rounded parts; `relative` criteria
    against `bests` (from `relative_bests`)."""
    places = int((ruleset.get("rounding") or {}).get("places", 2))
    department = sub["department"]
    group = next((d.get("group") for d in ruleset["departments"] if d["id"] == department), None)
    values = sub.get("criteria") or {}
    base = bonus = deductions = own_max = Decimal(0)
    contents: dict[str, Decimal] = {}
    criteria: dict[str, dict] = {}
    counts: dict[str, Decimal] = {}
    for content in ruleset["contents"]:
        contents[str(content["id"])] = Decimal(0)
        for cr in content["criteria"]:
            counts_as = cr.get("counts_as", "base")
            value = values.get(cr["id"])
            ok = applies(cr, department, group)
            not_applicable = isinstance(value, dict) and bool(value.get("not_applicable"))
            if not ok or value is None or not_applicable:
                pts = bon = Decimal(0)
            elif cr["rule"]["kind"] == "relative":
                best = (bests or {})[(group, cr["id"])]
                pts, bon = rnd(relative_points(cr["rule"], D(value["value"]), best), places), Decimal(0)
            else:
                pts, bon = score_criterion(cr["rule"], value, places)
                if is_counted(cr["rule"]):
                    counts[cr["id"]] = D(value["value"] if cr["rule"]["kind"] == "tiers" else value["count"])
            maximum = criterion_max(cr["rule"])
            in_max = ok and not not_applicable and counts_as == "base"
            criteria[cr["id"]] = {"points": pts, "bonus": bon, "max": maximum, "in_max": in_max}
            if counts_as == "base":
                base += pts
                bonus += bon
                contents[str(content["id"])] += pts
                if in_max:
                    own_max += maximum
            elif counts_as == "bonus":
                bonus += pts + bon
            else:
                deductions += pts + bon
    given = sub.get("deductions") or {}
    for d in ruleset.get("deductions") or []:
        n = D(given.get(d["id"], 0))
        counts[d["id"]] = n
        raw = D(d["per"]) * n
        deductions += rnd(raw if d.get("cap") is None else min(D(d["cap"]), raw), places)
    raw_total = base + bonus - deductions
    total = raw_total if ruleset.get("floor", 0) == "none" else max(Decimal(0), raw_total)
    return {
        "department": department,
        "group": group,
        "base": base,
        "bonus": bonus,
        "deductions": deductions,
        "total": total,
        "own_max": own_max,
        "share": total / own_max if own_max else None,
        "contents": contents,
        "criteria": criteria,
        "counts": counts,
    }


def meets(conditions: dict, row: dict) -> bool:
    """SPEC 7.5: every condition given holds (min_share on the own maximum; min_criterion_share on the
    applicable base criteria's points, without a rule's bonus)."""
    least_share = conditions.get("min_share")
    if least_share is not None and (not row["own_max"] or row["total"] < D(least_share) * row["own_max"]):
        return False
    if conditions.get("min_points") is not None and row["total"] < D(conditions["min_points"]):
        return False
    if conditions.get("min_criterion_share") is not None:
        least = D(conditions["min_criterion_share"])
        if any(c["in_max"] and c["points"] < least * c["max"] for c in row["criteria"].values()):
            return False
    return all(row["counts"].get(name, 0) == 0 for name in conditions.get("require_zero") or [])


def classify_unit(ruleset: dict, row: dict):
    return next((c["id"] for c in ruleset.get("classification") or [] if meets(c, row)), None)


def standing(ruleset: dict, row: dict) -> tuple:
    """Larger is better, element by element: class (rank_by_class), total or share, tie-breakers."""
    key: list = []
    classes = [c["id"] for c in ruleset.get("classification") or []]
    if ruleset.get("rank_by_class"):
        key.append(-(classes.index(row["class"]) if row["class"] in classes else len(classes)))
    if ruleset.get("compare", "points") == "share":
        # compared exactly (SPEC 7.9), as a fraction: a rounded quotient could tie two different shares
        key.append(Fraction(row["total"]) / Fraction(row["own_max"]) if row["own_max"] else Decimal("-Infinity"))
    else:
        key.append(row["total"])
    for tb in ruleset.get("tie_breakers") or []:
        kind, _, target = tb.partition(":")
        if tb == "fewer_deductions":
            key.append(-row["deductions"])
        elif kind == "content":
            key.append(row["contents"][target])
        elif kind == "criterion":
            c = row["criteria"][target]
            key.append(c["points"] + c["bonus"])
        else:
            raise ValueError(f"unknown tie breaker {tb!r}")
    return tuple(key)


def rank_units(ruleset: dict, submissions: list[dict]) -> dict[str, dict]:
    """Every submitting unit: its points, class, group, rank in its group, exclusive award and awards."""
    bests = relative_bests(ruleset, submissions)
    rows = [score_unit(ruleset, s, bests) for s in submissions]
    for row in rows:
        row["class"] = classify_unit(ruleset, row)
        row["key"] = standing(ruleset, row)
        row["award"], row["awards"] = None, []
    # best first; equal standing in department-id order (how a proposal names units of one rank)
    best_first = sorted(rows, key=lambda r: r["department"])
    best_first.sort(key=lambda r: r["key"], reverse=True)
    groups = [None] if not ruleset.get("groups") else [g["id"] for g in ruleset["groups"]]
    members = {g: [r for r in best_first if r["group"] == g] for g in groups}
    for group_rows in members.values():  # competition ranks, restarting in each group
        for i, row in enumerate(group_rows):
            same = i > 0 and group_rows[i - 1]["key"] == row["key"]
            row["rank"] = group_rows[i - 1]["rank"] if same else i + 1
    for award in ruleset.get("awards") or []:
        if not award.get("exclusive", True):
            for row in best_first:
                if meets(award, row):
                    row["awards"].append(award["id"])
            continue
        pools = [best_first] if award.get("across_groups") else list(members.values())
        for pool in pools:
            given = 0
            for row in pool:
                if given >= int(award["quota"]):
                    break
                if row["award"] is None and meets(award, row):
                    row["award"] = award["id"]
                    row["awards"].insert(0, award["id"])
                    given += 1
    return {r["department"]: r for r in rows}


# --- SPEC 7.7: criteria scored by a body, a department or the peers, from assessment files ----------


def combine_points(how: str, points: list[Decimal]) -> Decimal:
    """SPEC 7.7/7.9, unrounded: mean; median (the mean of the two middle ones when even); trimmed_mean:
    with at least 3 scores one highest and one lowest are left out, then the mean; with fewer, the mean."""
    values = sorted(points)
    if how == "median":
        half, odd = divmod(len(values), 2)
        return values[half] if odd else (values[half - 1] + values[half]) / 2
    if how == "trimmed_mean" and len(values) >= 3:
        values = values[1:-1]
    return sum(values, Decimal(0)) / len(values)


def scorers_for(ruleset: dict, criterion: dict, department: str) -> list[str]:
    """Who scores `department` on a criterion with `scored_by`: the body or department named, for every unit
    the criterion applies to; `peers`: every other member of the unit's own group (every other member when
    there are no groups)."""
    group_of = {d["id"]: d.get("group") for d in ruleset["departments"]}
    if not applies(criterion, department, group_of[department]):
        return []
    if criterion["scored_by"] != "peers":
        return [criterion["scored_by"]]
    return [d for d, g in group_of.items() if d != department and g == group_of[department]]


def scored_criteria(ruleset: dict) -> list[dict]:
    return [cr for content in ruleset["contents"] for cr in content["criteria"] if cr.get("scored_by")]


def with_assessments(ruleset: dict, submissions: list[dict], assessments: list[dict]) -> list[dict]:
    """The submissions with the values given in the assessment files (`{scorer, year, scores: {criterion:
    {unit: value}}}`), plus a submission for each unit without one whose applicable criteria are all scored
    by others (SPEC 7.9). A peer-scored value is the `combine` (default mean) of the peers' points, rounded
    half up to `places`."""
    places = int((ruleset.get("rounding") or {}).get("places", 2))
    given = {a["scorer"]: a["scores"] for a in assessments}
    values: dict[str, dict] = {}
    for cr in scored_criteria(ruleset):
        for d in ruleset["departments"]:
            unit = d["id"]
            found = [
                given[s][cr["id"]][unit]
                for s in scorers_for(ruleset, cr, unit)
                if unit in (given.get(s) or {}).get(cr["id"], {})
            ]
            if not found:
                continue
            if cr["scored_by"] == "peers":  # kind assessed: {points}
                points = combine_points(cr.get("combine", "mean"), [D(v["points"]) for v in found])
                values.setdefault(unit, {})[cr["id"]] = {"points": rnd(points, places)}
            else:
                values.setdefault(unit, {})[cr["id"]] = found[0]
    out = []
    for sub in submissions:
        out.append({**sub, "criteria": {**(sub.get("criteria") or {}), **values.get(sub["department"], {})}})
    present = {s["department"] for s in submissions}
    everything = [cr for content in ruleset["contents"] for cr in content["criteria"]]
    for d in ruleset["departments"]:
        mine = [cr for cr in everything if applies(cr, d["id"], d.get("group"))]
        if d["id"] not in present and mine and all(cr.get("scored_by") for cr in mine):
            out.append({"department": d["id"], "criteria": values.get(d["id"], {}), "deductions": {}})
    return out


def rank_year(ruleset: dict, submissions: list[dict], assessments: list[dict]) -> dict[str, dict]:
    """`rank_units` over the submissions completed by the assessment files."""
    return rank_units(ruleset, with_assessments(ruleset, submissions, assessments))


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: reference_scorer.py YEAR [ROOT]", file=sys.stderr)
        return 2
    year = int(argv[0])
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    rows = score_workspace(root, year)
    print(f"{'rank':>4}  {'department':<26}{'base':>9}{'bonus':>8}{'deduct':>8}{'total':>9}  award")
    for r in rows:
        print(
            f"{r['rank']:>4}  {r['department']:<26}{r['base']:>9}{r['bonus']:>8}"
            f"{r['deductions']:>8}{r['total']:>9}  {r['award'] or ''}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
