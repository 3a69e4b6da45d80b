"""Reference scorer: an independent, deliberately simple re-implementation of SPEC 3.1.

Used by the test suite as an oracle against the engine. It imports nothing from
`emulate`, does no validation beyond what scoring needs, and uses `Decimal` for every
number (YAML floats are converted through `str`, which gives back the written digits).

    python tests/reference_scorer.py 2017 [ROOT]
"""

from __future__ import annotations

import re
import sys
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

from ruamel.yaml import YAML


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
        points = D(rule["scale"][label])
        bonus = zero
        b = rule.get("bonus")
        if b and labels.index(label) <= labels.index(b["at_least"]):
            bonus = D(b["points"])
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
    raise ValueError(f"unknown rule kind {kind!r}")


# --- maxima ------------------------------------------------------------------------------


def criterion_max(rule: dict) -> Decimal:
    kind = rule["kind"]
    if kind == "targets":
        return D(rule["count"]) * D(rule["points_each"])
    if kind == "rating":
        return max(D(v) for v in rule["scale"].values())
    if kind == "checklist":
        return sum((D(i["points"]) for i in rule["items"].values()), Decimal(0))
    if kind == "count_points":
        return D(rule["cap"])
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
