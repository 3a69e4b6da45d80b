"""Fuzzing the reading, validation and scoring of YAML files (not run in CI).

Feeds generated and mutated YAML documents through everything a user's file meets:
loading (`yamlio.load_bytes`), problem rendering, validation as a ruleset (with
`check_ruleset`), as a submission (`parse_submission`) and as a review (`parse_review`),
and then, for whatever validates, scoring, ranking, evaluation and rendering (score
json/csv/markdown, explain, rules, template, schema, diff and re-scoring). Every
exception counts as a crash: no input, however broken, may raise.

Inputs start from the shipped files (rules/*.yaml, submissions/*/*.yaml, reviews/*.yaml):
text mutations (delete, duplicate or swap lines, insert YAML tokens such as `&a`, `*a`,
`!!python/object`, `: `, `- `, tabs, brackets, very long strings, `1.000`, `12,5`, `.nan`,
huge numbers, deep nesting, NUL bytes), mutations of the parsed data tree written back as
YAML, random documents from a small grammar, random valid rulesets (parameters and rounding
places up to the limits of a file), and byte-level changes (bit flips, NFD, CRLF, BOMs,
cp1258 and UTF-16 encodings, truncation). Text mutations also put hostile parts where the
loader skips (a repeated key's value, a key that is a list: deep nesting, anchors, tags),
control characters (YAML escapes such as `"\\e]0;"` and raw) and ` #` after a plain text.

`--files N` (default 50) then runs N hostile file-system cases: a copy of the workspace
with a link out of it, a link to /dev/zero, a dangling link, a loop of links, a FIFO, a
folder or a `.yml` file where a submission, the review, the ruleset or the year's folder
belongs. Each must end within 10 s, without an exception, with the year refused, `validate`
or `check-rules` reporting it, and nothing of the outside file shown. Every ruleset that validates is also used to score
the shipped submissions and two generated ones whose numbers are at the limits of a file.

Each input depends only on the seed and its iteration number, so any crash is reproduced
with `--seed S --only N` (which prints the input and the traceback; add `--minimize` to
shrink it while it still crashes the same way).

    python benchmarks/fuzz.py [--count 10000] [--seed N] [--only N [--minimize]] [--save DIR] [--files N]

Prints `N inputs, K crashes` and exits 1 when K > 0. Inputs slower than
`--slow` seconds are listed too, but not counted as crashes.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, Overflow, localcontext
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))  # run from a checkout, installed or not

from rich.console import Console  # noqa: E402  (a dependency of the project)

from emulate import diff as diffing  # noqa: E402
from emulate import schema, template  # noqa: E402
from emulate.evaluation import Evaluation, evaluate  # noqa: E402
from emulate.problems import Problem, has_errors  # noqa: E402
from emulate.render import diff as render_diff  # noqa: E402
from emulate.render import explain as render_explain  # noqa: E402
from emulate.render import problems as render_problems  # noqa: E402
from emulate.render import rules as render_rules  # noqa: E402
from emulate.render import score as render_score  # noqa: E402
from emulate.review import Review, load_review, parse_review  # noqa: E402
from emulate.ruleset import Ruleset, check_ruleset, load_ruleset  # noqa: E402
from emulate.submission import Submission, load_submission, parse_submission  # noqa: E402
from emulate.validation import validate  # noqa: E402
from emulate.workspace import UnknownYear, Workspace, files_to_check  # noqa: E402
from emulate.yamlio import DEFAULT_MAX_BYTES, Document, load_bytes  # noqa: E402

# --- what the shipped workspace gives us ------------------------------------------------


@dataclass
class Seed:
    name: str  # the path as messages show it, relative to the workspace
    raw: bytes
    data: Any  # the parsed tree (None if the file does not load)


@dataclass
class Context:
    """The shipped workspace, loaded once: seeds to mutate, and valid rules and values to score with."""

    seeds: list[Seed]
    rulesets: dict[int, Ruleset]
    submissions: dict[int, list[Submission]]
    submission_documents: dict[int, list[tuple[Path, Document]]]
    reviews: dict[int, Review]
    keys: list[str]
    scalars: list[str]

    def ruleset_for(self, year: int) -> Ruleset | None:
        return self.rulesets.get(year)

    def submitted_for(self, year: int) -> set[str] | None:
        return {s.department for s in self.submissions.get(year, [])}

    def criterion_years(self, criterion_id: str) -> list[int]:
        return [y for y, r in sorted(self.rulesets.items()) if r.criterion(criterion_id) is not None]


def load_context(root: Path) -> Context:
    files = (
        sorted(root.glob("rules/*.yaml"))
        + sorted(root.glob("submissions/*/*.yaml"))
        + sorted(root.glob("reviews/*.yaml"))
    )
    if not files:
        sys.exit(f"fuzz: no rules/, submissions/ or reviews/ YAML files under {root}")
    seeds = []
    for path in files:
        name = str(path.relative_to(root))
        raw = path.read_bytes()
        loaded = load_bytes(raw, name)
        seeds.append(Seed(name, raw, loaded.document.data if loaded.document is not None else None))
    rulesets: dict[int, Ruleset] = {}
    for path in sorted(root.glob("rules/*.yaml")):
        loaded_ruleset = load_ruleset(path, str(path.relative_to(root)))
        if loaded_ruleset.ruleset is not None and not has_errors(loaded_ruleset.problems):
            rulesets[loaded_ruleset.ruleset.year] = loaded_ruleset.ruleset
    submissions: dict[int, list[Submission]] = {}
    documents: dict[int, list[tuple[Path, Document]]] = {}
    for path in sorted(root.glob("submissions/*/*.yaml")):
        result = load_submission(path, rulesets.get, str(path.relative_to(root)))
        if result.submission is not None:
            submissions.setdefault(result.submission.year, []).append(result.submission)
            document = load_bytes(path.read_bytes(), str(path.relative_to(root))).document
            assert document is not None
            documents.setdefault(result.submission.year, []).append((Path(path.relative_to(root)), document))
    reviews: dict[int, Review] = {}
    for path in sorted(root.glob("reviews/*.yaml")):
        loaded_review = load_review(path, rulesets.get, str(path.relative_to(root)))
        if loaded_review.review is not None:
            reviews[loaded_review.review.year] = loaded_review.review
    text = "\n".join(s.raw.decode("utf-8", errors="replace") for s in seeds)
    keys = sorted(set(re.findall(r"([A-Za-z_][\w-]*):(?:\s|$)", text)))
    scalars = sorted(set(re.findall(r":\s+([^\s{}\[\],#][^,{}\[\]#\n]{0,30})", text)))
    return Context(seeds, rulesets, submissions, documents, reviews, keys, scalars)


# --- building blocks of mutations -----------------------------------------------------------

TOKENS = (
    "&a ",
    "*a",
    "&anchor {x: 1}",
    "!!python/object:os.system ",
    "!!python/object/apply:os.system ['true']",
    "!!binary ",
    "!!str ",
    "!!int ",
    "!custom ",
    ": ",
    "- ",
    "\t",
    "[",
    "]",
    "{",
    "}",
    ",",
    "? ",
    "|",
    ">-",
    "#",
    "'",
    '"',
    "\\",
    "%",
    "@",
    "`",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "1.000",
    "2.500",
    "12,5",
    "1.620.000",
    "96,5 %",
    ".nan",
    ".inf",
    "-.inf",
    "NaN",
    "1e400",
    "1e-400",
    "-0",
    "-1",
    "0x1F",
    "0o17",
    "1_000",
    "+5",
    "9" * 60,
    "0." + "0" * 60 + "1",
    "yes",
    "no",
    "on",
    "off",
    "Y",
    "~",
    "null",
    "true",
    "False",
    "not_applicable",
    "n/a",
    "Tốt",
    "tot",
    "xuat-sac",
    "không áp dụng",
    "2017-12-28",
    "12:30:00",
    "\x00",
    "\x01",
    "\x1f",
    "\x7f",
    "\x85",
    "\u2028",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\ufffe",
    "１２",
    "e\u0301",
    "ế",
    "Đ",
    "\U0001f600",
    "\r",
    "\r\n",
    "\n\n",
    "<<: *a",
    "=",
    "!",
    "*",
    "&",
)
EDGE_NUMBERS = (
    "0",
    "-1",
    "1.000",
    "0.5",
    "101",
    "100.0001",
    "1e3",
    "1E+60",
    "1e-60",
    "9" * 49,
    "9" * 80,
    "-" + "9" * 49,
    "0." + "0" * 50 + "1",
    "123456789012345678901234567890.123456789",
    ".5",
    "5.",
    "1e9999",
    "1e-9999",
    "1e99999999999999",
    "1e-99999999999999",  # (1e±999999999 is left out: a 1 GB message takes 20 s per input)
)

VALUES = (  # scalars that still parse, but that the validators must explain
    "1.000",
    "2.500",
    "12,5",
    "96,5 %",
    "1.620.000",
    ".nan",
    ".inf",
    "-.inf",
    "-1",
    "-0.01",
    "0",
    "101",
    "1e3",
    "0x1F",
    "1_000",
    "+5",
    "yes",
    "no",
    "on",
    "off",
    "~",
    "null",
    "true",
    "false",
    "not_applicable",
    "n/a",
    "Tốt",
    "tot",
    "xuat-sac",
    "trung-binh",
    "yeu",
    "khong-ap-dung",
    "lower",
    "higher",
    "Higher",
    "2017",
    "2016",
    "2018",
    "1999",
    "so-tai-chinh",
    "so-xay-dung",
    "So-Tai-Chinh",
    "sở-tài-chính",
    "phe-binh",
    "ky-luat-can-bo",
    "'1620'",
    '"96.5"',
    "[]",
    "{}",
    "[1, 2]",
    "{a: 1}",
    "''",
    "2017-12-28",
    "28/12/2017",
    "x" * 100,
    "9" * 15,
    "9" * 16,
    "999999999999999.9999999999",
    "0.00000000001",
    "1e-10",
    "1e14",
    "1e15",
    "5.",
    ".5",
)


def pick(rng: random.Random, options: Any) -> Any:
    return options[rng.randrange(len(options))]


def random_token(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        return "x" * rng.choice([300, 5_000, 70_000])
    if roll < 0.1:
        return pick(rng, EDGE_NUMBERS)
    return pick(rng, TOKENS)


def deep_nesting(rng: random.Random) -> str:
    depth = rng.choice([20, 51, 60, 200, 1_000, 10_000])
    style = rng.randrange(4)
    if style == 0:
        return "[" * depth + "]" * depth
    if style == 1:
        return "{a: " * depth + "1" + "}" * depth
    if style == 2:
        return "\n".join(" " * i + "a:" for i in range(min(depth, 300))) + " 1"
    return "\n".join("  " * i + "- " for i in range(min(depth, 300))) + "1"


# --- text mutations (str -> str) ------------------------------------------------------------

TextMutation = Callable[[random.Random, str], str]
KEY = re.compile(r"(?<![\w-])([A-Za-z_][\w-]{0,60}):(?:\s|$)", re.MULTILINE)  # bounded: linear on long words


def _lines(text: str) -> list[str]:
    return text.split("\n")


def delete_line(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def duplicate_line(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    return "\n".join(lines)


def swap_lines(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def reindent_line(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    stripped = lines[i].lstrip(" ")
    lines[i] = pick(rng, ["", " ", "  ", "   ", "\t", " \t", " " * 40]) + (stripped if rng.random() < 0.5 else lines[i])
    return "\n".join(lines)


def insert_token(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text) + 1)
    return text[:at] + random_token(rng) + text[at:]


def replace_value(rng: random.Random, text: str) -> str:
    """Replace one scalar after `key: ` or `- ` (up to `,`, a bracket, `#` or the line end) by a token."""
    lines = _lines(text)
    candidates = [i for i, line in enumerate(lines) if ": " in line or "- " in line]
    if not candidates:
        return insert_token(rng, text)
    i = pick(rng, candidates)
    line = lines[i]
    starts = [m.end() for m in re.finditer(r"(?::|-) ", line)]
    start = pick(rng, starts)
    end = start
    while end < len(line) and line[end] not in ",{}[]#":
        end += 1
    roll = rng.random()
    value = pick(rng, EDGE_NUMBERS) if roll < 0.4 else pick(rng, VALUES) if roll < 0.8 else random_token(rng)
    lines[i] = line[:start] + value + line[end:]
    return "\n".join(lines)


def delete_span(rng: random.Random, text: str) -> str:
    start = rng.randrange(len(text) + 1)
    return text[:start] + text[start + rng.randrange(1, 40) :]


def duplicate_span(rng: random.Random, text: str) -> str:
    start = rng.randrange(len(text) + 1)
    span = text[start : start + rng.randrange(1, 200)]
    return text[:start] + span * rng.randrange(2, 5) + text[start:]


def truncate(rng: random.Random, text: str) -> str:
    return text[: rng.randrange(len(text) + 1)]


def insert_nesting(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines) + 1)
    lines.insert(i, "deep: " + deep_nesting(rng) if rng.random() < 0.5 else deep_nesting(rng))
    return "\n".join(lines)


def anchor_alias(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    lines[i] = re.sub(r":\s+(\S)", r": &a \1", lines[i], count=1)
    j = rng.randrange(len(lines))
    lines[j] = re.sub(r":\s+\S.*$", ": *a", lines[j], count=1)
    return "\n".join(lines)


def nfd(rng: random.Random, text: str) -> str:
    return unicodedata.normalize("NFD", text)


def crlf(rng: random.Random, text: str) -> str:
    return text.replace("\n", pick(rng, ["\r\n", "\r", "\n\r"]))


def mangle_key(rng: random.Random, text: str) -> str:
    """A key misspelt, capitalised, accented or replaced by another file's key."""
    spots = [m.span(1) for m in KEY.finditer(text)]
    if not spots:
        return text
    start, end = pick(rng, spots)
    key = text[start:end]
    options = [
        key.upper(),
        key[:-1],
        key + key[-1],
        key.replace("-", "_"),
        "Tốt",
        key + " ",
        "'" + key + "'",
        "1",
        "? " + key,
    ]
    return text[:start] + pick(rng, options) + text[end:]


ESCAPES = ("\\e]0;title\\a", "\\0", "\\x85", "\\u009b31m", "\\x7f", "\\r", "\\e[2J", "\\n", "\\t")
RAW_CONTROLS = ("\x1b]0;title\x07", "\x9b31m", "\x7f", "\u0085")


def escape_in_text(rng: random.Random, text: str) -> str:
    """A control character in a text value: as a YAML escape in a double-quoted value, or raw."""
    lines = _lines(text)
    candidates = [i for i, line in enumerate(lines) if re.search(r":\s+\S", line)]
    if not candidates:
        return insert_token(rng, text)
    i = pick(rng, candidates)
    if rng.random() < 0.7:
        value = ': "x' + pick(rng, ESCAPES) + 'y"'
        lines[i] = re.sub(r":\s+.*$", lambda _: value, lines[i], count=1)
    else:
        lines[i] = lines[i] + pick(rng, RAW_CONTROLS)
    return "\n".join(lines)


def skipped_part(rng: random.Random, text: str) -> str:
    """Something hostile where the loader skips: a repeated key's value, or a key that is a list or mapping."""
    lines = _lines(text)
    keys = [m.group(1) for line in lines if (m := re.match(r"([A-Za-z_][\w-]*):", line))]
    hostile = pick(rng, [deep_nesting(rng), "[&a 1, *a]", "[!!python/object x]", '["\\e]0;x\\a"]', "x" * 70_000])
    if keys and rng.random() < 0.5:
        lines.append(f"{pick(rng, keys)}: {hostile}")
    else:
        lines.append(f"? {hostile}\n: 1")
    return "\n".join(lines)


def comment_after_text(rng: random.Random, text: str) -> str:
    """`evidence: Báo cáo #12 ngày ...`: a ' #' after a plain text cuts it."""
    lines = _lines(text)
    candidates = [i for i, line in enumerate(lines) if re.search(r":\s+[^\s\"'{\[#]", line)]
    if not candidates:
        return text
    i = pick(rng, candidates)
    lines[i] = lines[i] + pick(rng, [" #12 ngày 20/12/2018", "  # ghi chú", " #", "\t#x"])
    return "\n".join(lines)


TEXT_MUTATIONS: tuple[TextMutation, ...] = (
    delete_line,
    duplicate_line,
    swap_lines,
    reindent_line,
    insert_token,
    insert_token,
    replace_value,
    replace_value,
    replace_value,
    delete_span,
    duplicate_span,
    truncate,
    insert_nesting,
    anchor_alias,
    nfd,
    crlf,
    mangle_key,
    escape_in_text,
    skipped_part,
    comment_after_text,
)


def mutation_count(rng: random.Random) -> int:
    """Mostly one change (so that most inputs still parse and reach validation), sometimes several."""
    return pick(rng, (1, 1, 1, 1, 2, 2, 3, 5))


def mutate_text(rng: random.Random, text: str) -> str:
    for _ in range(mutation_count(rng)):
        text = pick(rng, TEXT_MUTATIONS)(rng, text) if text else random_token(rng)
    return text


# --- tree mutations (parsed data -> data), written back as YAML ------------------------------


def random_value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.randrange(12)
    if roll == 0 and depth < 3:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if roll == 1 and depth < 3:
        return {
            pick(rng, ["a", "target", "actual", "count", "points", "rating", "items"]): random_value(rng, depth + 1)
            for _ in range(rng.randrange(3))
        }
    if roll in (2, 3, 4):
        return Decimal(pick(rng, EDGE_NUMBERS))
    if roll == 5:
        return rng.choice([True, False, None, 0, -1, 2017, 10**15 - 1, 10**60])
    if roll < 10:
        return pick(rng, VALUES)
    return pick(rng, TOKENS).strip() or "x"


def _containers(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if isinstance(node, (dict, list)) and node else []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        found += _containers(child, (*path, key))
    return found


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


def mutate_tree(rng: random.Random, data: Any, keys: list[str]) -> Any:
    """One change deep in the tree: drop, duplicate, retype, rename or swap a value."""
    spots = _containers(data)
    if not spots:
        return random_value(rng)
    parent = _at(data, pick(rng, spots))
    key = pick(rng, list(parent) if isinstance(parent, dict) else list(range(len(parent))))
    op = rng.randrange(7)
    if op == 0:
        del parent[key]
    elif op == 1 and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]))
    elif op == 2 and isinstance(parent, dict):
        parent[pick(rng, keys) if rng.random() < 0.7 else key.upper()] = parent.pop(key)
    elif op == 3:
        parent[key] = [parent[key]]
    elif op == 4 and isinstance(parent[key], (int, Decimal)) and not isinstance(parent[key], bool):
        value = Decimal(parent[key])
        with localcontext() as context:
            context.traps[Overflow] = context.traps[InvalidOperation] = False  # an edge value may already be huge
            parent[key] = pick(
                rng, [value + 1, -value, value * 1000, value / 7, value * Decimal("1E+50"), value.scaleb(-60)]
            )
    else:
        parent[key] = random_value(rng)
    return data


def yaml_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        if not value.is_finite():
            return ".nan" if value.is_nan() else ("-.inf" if value < 0 else ".inf")
        return str(value) if abs(value.adjusted()) > 30 else f"{value:f}"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if re.fullmatch(r"[A-Za-zÀ-ỹ_][\w .-]*", text) and text.strip() == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def to_yaml(rng: random.Random, value: Any, indent: int = 0) -> list[str]:
    """Block YAML, with flow style for some small mappings and lists."""
    pad = " " * indent
    if isinstance(value, (dict, list)) and value and rng.random() < 0.15:
        return [pad + flow(value)]
    if isinstance(value, dict):
        if not value:
            return [pad + "{}"]
        lines = []
        for key, item in value.items():
            head = f"{pad}{yaml_scalar(key)}:"
            if isinstance(item, (dict, list)) and item:
                lines.append(head)
                lines += to_yaml(rng, item, indent + 2)
            else:
                lines.append(f"{head} {flow(item)}")
        return lines
    if isinstance(value, list):
        if not value:
            return [pad + "[]"]
        lines = []
        for item in value:
            inner = to_yaml(rng, item, indent + 2)
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines += inner[1:]
        return lines
    return [pad + yaml_scalar(value)]


def flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return yaml_scalar(value)


def tree_mutant(rng: random.Random, seed: Seed, ctx: Context) -> str:
    data = copy.deepcopy(seed.data)
    for _ in range(mutation_count(rng)):
        data = mutate_tree(rng, data, ctx.keys)
    return "\n".join(to_yaml(rng, data)) + "\n"


# --- random documents from a grammar --------------------------------------------------------


def grammar_lines(rng: random.Random, ctx: Context, depth: int = 0) -> list[str]:
    lines = []
    pad = "  " * depth
    for _ in range(rng.randint(1, 5)):
        key = pick(rng, ctx.keys) if rng.random() < 0.9 else random_token(rng)
        form = rng.randrange(5) if depth < 5 else 0
        if form <= 1:
            value = pick(rng, ctx.scalars) if rng.random() < 0.6 else random_token(rng)
            lines.append(f"{pad}{key}: {value}")
        elif form == 2:
            lines.append(f"{pad}{key}:")
            lines += grammar_lines(rng, ctx, depth + 1)
        elif form == 3:
            lines.append(f"{pad}{key}:")
            for _ in range(rng.randint(1, 3)):
                item = grammar_lines(rng, ctx, depth + 2)
                lines.append(f"{pad}  - {item[0].lstrip()}")
                lines += item[1:]
        else:
            pairs = ", ".join(f"{pick(rng, ctx.keys)}: {pick(rng, ctx.scalars)}" for _ in range(rng.randrange(4)))
            lines.append(f"{pad}{key}: {{{pairs}}}")
    return lines


def grammar_document(rng: random.Random, ctx: Context) -> str:
    head = []
    if rng.random() < 0.7:
        year = pick(rng, sorted(ctx.rulesets) or [2017])
        head = [
            f"year: {year}",
            f"department: {pick(rng, [s.department for subs in ctx.submissions.values() for s in subs] or ['x'])}",
        ]
    return "\n".join(head + grammar_lines(rng, ctx)) + "\n"


# --- random rulesets -------------------------------------------------------------------------

HUGE = Decimal("999999999999999.9999999999")  # the largest number a file may hold
TINY = Decimal("0.0000000001")  # the smallest positive one
LARGEST_WHOLE = 10**15 - 1
KINDS = ("targets", "rating", "percent", "checklist", "count_points", "count_penalty", "assessed")
LABELS = ("xuat-sac", "tot", "kha", "trung-binh", "yeu")


def parameter(rng: random.Random) -> Decimal:
    """A positive rule parameter: usually ordinary, sometimes at the limits of a file."""
    roll = rng.random()
    if roll < 0.15:
        return pick(rng, (HUGE, TINY, Decimal(LARGEST_WHOLE), Decimal("0.01")))
    return Decimal(rng.randint(1, 10_000)).scaleb(-rng.randint(0, 2))


def random_rule(rng: random.Random) -> dict[str, Any]:
    kind = pick(rng, KINDS)
    if kind == "targets":
        rule: dict[str, Any] = {"kind": kind, "count": rng.randint(1, 5), "points_each": parameter(rng)}
        if rng.random() < 0.7:
            rule.update(bonus_per_percent=parameter(rng), bonus_cap_each=parameter(rng))
        return rule
    if kind == "rating":
        labels = rng.sample(LABELS, rng.randint(1, 5))
        points = sorted((parameter(rng) for _ in labels), reverse=True)
        rule = {"kind": kind, "scale": dict(zip(labels, points, strict=True))}
        if rng.random() < 0.5:
            rule["bonus"] = {"at_least": pick(rng, labels), "points": parameter(rng)}
        return rule
    if kind == "checklist":
        return {
            "kind": kind,
            "items": {
                f"item-{n}": {
                    "title": f"Mục {n}",
                    "points": parameter(rng),
                    "if_not_applicable": pick(rng, ("full", "forbidden")),
                }
                for n in range(1, rng.randint(1, 4) + 1)
            },
        }
    if kind == "count_points":
        return {"kind": kind, "per": parameter(rng), "cap": parameter(rng)}
    if kind == "count_penalty":
        return {"kind": kind, "max": parameter(rng), "per": parameter(rng)}
    return {"kind": kind, "max": parameter(rng)}


def random_ruleset(rng: random.Random, ctx: Context) -> dict[str, Any]:
    """A ruleset that is valid (for the shipped year and members), with random rules and places 0-10."""
    shipped = ctx.rulesets.get(2017) or next(iter(ctx.rulesets.values()))
    contents = []
    for i in range(1, rng.randint(1, 3) + 1):
        criteria = [
            {
                "id": f"c{i}-{j}",
                "no": f"{i}.{j}",
                "title": f"Tiêu chí {i}.{j}",
                "source": "assumed: fuzz",
                "rule": random_rule(rng),
            }
            for j in range(1, rng.randint(1, 5) + 1)
        ]
        contents.append({"id": str(i), "title": f"Nội dung {i}", "criteria": criteria})
    deductions = [
        {
            "id": f"d{k}",
            "title": f"Điểm trừ {k}",
            "per": parameter(rng),
            "source": "assumed",
            **({"cap": parameter(rng)} if rng.random() < 0.5 else {}),
        }
        for k in range(1, rng.randint(0, 2) + 1)
    ]
    counted = [c["id"] for content in contents for c in content["criteria"] if c["rule"]["kind"].startswith("count")]
    counted += [d["id"] for d in deductions]
    awards = [
        {
            "id": f"a{k}",
            "title": f"Khen {k}",
            "quota": rng.randint(1, 3),
            "min_share": Decimal(rng.randint(1, 100)).scaleb(-2),
            "require_zero": rng.sample(counted, min(len(counted), rng.randint(0, 2))),
        }
        for k in range(1, rng.randint(0, 2) + 1)
    ]
    breakers = ["fewer_deductions", *(f"content:{c['id']}" for c in contents)]
    breakers += [f"criterion:{c['id']}" for content in contents for c in content["criteria"]]
    return {
        "ruleset": shipped.ruleset,
        "year": shipped.year,
        "version": "fuzz",
        "title": "Fuzz",
        "rounding": {"places": pick(rng, (0, 1, 2, 2, 3, 4, 10))},
        "departments": [{"id": d.id, "name": d.name} for d in shipped.departments],
        "contents": contents,
        "deductions": deductions,
        "awards": awards,
        "tie_breakers": rng.sample(breakers, min(len(breakers), rng.randint(0, 3))),
    }


def limit_submissions(ruleset: Ruleset) -> list[dict[str, Any]]:
    """Two valid submissions at the limits of a file: every number as large, then as small, as allowed."""
    made = []
    for n, large in enumerate((True, False)):
        criteria: dict[str, Any] = {}
        for _, criterion in ruleset.criteria():
            rule = criterion.rule
            kind = criterion.kind
            if kind == "targets":
                components = [
                    {"name": "higher", "target": TINY, "actual": HUGE}
                    if large
                    else {"name": "higher", "target": HUGE, "actual": TINY},
                    {
                        "name": "lower",
                        "direction": "lower",
                        "target": HUGE if large else TINY,
                        "actual": 0 if large else HUGE,
                    },
                    {"name": "zero", "direction": "lower", "target": 0, "actual": 0 if large else TINY},
                ]
                criteria[criterion.id] = {"targets": [components[k % 3] for k in range(rule.count)]}  # type: ignore[union-attr]
            elif kind == "rating":
                labels = list(rule.scale)  # type: ignore[union-attr]
                criteria[criterion.id] = {"rating": labels[0] if large else labels[-1]}
            elif kind == "percent":
                criteria[criterion.id] = {"percent": 100 if large else TINY}
            elif kind == "checklist":
                criteria[criterion.id] = {
                    "items": {
                        item_id: ("not_applicable" if item.if_not_applicable == "full" else True) if large else False
                        for item_id, item in rule.items.items()  # type: ignore[union-attr]
                    }
                }
            elif kind in ("count_points", "count_penalty"):
                criteria[criterion.id] = {"count": LARGEST_WHOLE if large else 0}
            else:
                criteria[criterion.id] = {"points": rule.max if large else TINY}  # type: ignore[union-attr]
        made.append(
            {
                "department": ruleset.departments[n % len(ruleset.departments)].id,
                "year": ruleset.year,
                "criteria": criteria,
                "deductions": {d.id: LARGEST_WHOLE if large else 0 for d in ruleset.deductions},
                "self_score": {c.id: HUGE if large else TINY for _, c in list(ruleset.criteria())[:2]},
            }
        )
    return made


# --- byte-level changes ----------------------------------------------------------------------


def encode(rng: random.Random, text: str) -> bytes:
    roll = rng.randrange(20)
    if roll == 0:
        return text.encode("cp1258", errors="replace")
    if roll == 1:
        return text.encode(pick(rng, ["utf-16", "utf-16-le", "utf-32"]))
    if roll == 2:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if roll == 3:
        return text.encode("latin-1", errors="replace")
    return text.encode("utf-8", errors="surrogatepass")


def mutate_bytes(rng: random.Random, raw: bytes) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        at = rng.randrange(len(data) + 1)
        if op == 0 and data:
            i = min(at, len(data) - 1)
            data[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
        elif op == 2:
            del data[at : at + rng.randint(1, 3)]
        elif op == 3:
            data[at:at] = pick(rng, [b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xc3", b"\xe1\xbb", b"\r", b"\x85"])
        elif op == 4:
            data = data[:at]
        else:
            data = bytearray(pick(rng, [b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b""])) + data
    return bytes(data)


# --- one input -------------------------------------------------------------------------------


def make_input(seed: int, iteration: int, ctx: Context) -> tuple[str, bytes, str]:
    """(file name, bytes, how it was made) for this iteration: a pure function of (seed, iteration)."""
    rng = random.Random(f"{seed}:{iteration}")
    origin = pick(rng, ctx.seeds)
    name = origin.name
    roll = rng.random()
    if roll < 0.4:
        how = f"text mutant of {origin.name}"
        text = mutate_text(rng, origin.raw.decode("utf-8", errors="replace"))
    elif roll < 0.8 and origin.data is not None:
        how = f"tree mutant of {origin.name}"
        text = tree_mutant(rng, origin, ctx)
        if rng.random() < 0.3:
            text = mutate_text(rng, text)
    elif roll < 0.9:
        how = f"splice of {origin.name}"
        other = pick(rng, ctx.seeds).raw.decode("utf-8", errors="replace").split("\n")
        mine = origin.raw.decode("utf-8", errors="replace").split("\n")
        text = "\n".join(mine[: rng.randrange(len(mine) + 1)] + other[rng.randrange(len(other) + 1) :])
    elif roll < 0.95:
        how = "grammar document"
        text = grammar_document(rng, ctx)
        if rng.random() < 0.5:
            text = mutate_text(rng, text)
    else:
        how = "generated ruleset"
        data = random_ruleset(rng, ctx)
        name = f"rules/{data['year']}.yaml"
        text = "\n".join(to_yaml(rng, data)) + "\n"
        if rng.random() < 0.3:
            text = mutate_text(rng, text)
    raw = encode(rng, text)
    if rng.random() < 0.15:
        how += " + byte changes"
        raw = mutate_bytes(rng, raw)
    if rng.random() < 0.002:
        how += " + oversize"
        raw = raw + b"#" * (DEFAULT_MAX_BYTES + 1 - len(raw))
    return name, raw, how


@dataclass
class Stats:
    loaded: int = 0
    rulesets: int = 0
    submissions: int = 0
    reviews: int = 0
    scored: int = 0
    stages: list[str] = field(default_factory=lambda: ["start"])

    def at(self, stage: str) -> None:
        self.stages[0] = stage


def print_rich(renderables: Any) -> str:
    console = Console(file=io.StringIO(), width=100)
    for part in renderables if isinstance(renderables, list) else [renderables]:
        console.print(part)
    return console.file.getvalue()  # type: ignore[attr-defined]


def render_evaluation(evaluation: Evaluation, stats: Stats) -> None:
    stats.at("render score")
    render_score.as_json(evaluation, "0" * 64)
    render_score.as_csv(evaluation)
    render_score.as_markdown(evaluation)
    print_rich(render_score.as_table(evaluation))
    if evaluation.ranking.units:
        stats.at("render explain")
        unit = evaluation.ranking.units[-1]
        render_explain.as_json(evaluation, unit)
        print_rich(render_explain.as_tree(evaluation, unit))


def problems_render(problems: list[Problem], stats: Stats) -> None:
    stats.at("render problems")
    for fmt in render_problems.FORMATS:
        render_problems.render(problems, fmt)


def exercise(name: str, raw: bytes, ctx: Context, stats: Stats) -> None:
    """Everything a file meets; raises on a crash (the stage is left in `stats`)."""
    stats.at("load")
    loaded = load_bytes(raw, name)
    problems_render(loaded.problems, stats)
    document = loaded.document
    if document is None:
        return
    stats.loaded += 1
    as_ruleset(document, name, ctx, stats)
    as_submission(document, name, ctx, stats)
    as_review(document, name, ctx, stats)


def as_ruleset(document: Document, name: str, ctx: Context, stats: Stats) -> None:
    stats.at("validate ruleset")
    ruleset, problems = validate(Ruleset, document.data, document)
    if ruleset is None:
        problems_render(problems, stats)
        return
    stem = Path(name).stem
    problems += check_ruleset(ruleset, document, int(stem) if stem.isdigit() else None, set(ctx.rulesets))
    problems_render(problems, stats)
    if has_errors(problems):
        return
    stats.rulesets += 1
    stats.at("render rules")
    render_rules.as_json(ruleset)
    print_rich(render_rules.as_tree(ruleset))
    template.submission_template(ruleset, ruleset.departments[0])
    schema.submission_schema(ruleset)
    old = ctx.rulesets.get(ruleset.year) or next(iter(ctx.rulesets.values()))
    stats.at("diff rules")
    changes = diffing.diff_rulesets(old, ruleset)
    render_diff.as_json(old, ruleset, changes)
    render_diff.as_markdown(old, ruleset, changes)
    written = ctx.submissions.get(old.year, [])
    if written:
        stats.at("rescore")
        impact = diffing.rescore(old, ruleset, written, old)
        render_diff.as_json(old, ruleset, changes, impact)
    stats.at("validate shipped submissions under the ruleset")
    submissions = []
    for _path, shipped in ctx.submission_documents.get(old.year, []):
        result = parse_submission(shipped, lambda _year: ruleset, None)
        if result.submission is not None:
            submissions.append(result.submission)
    score_year(ruleset, submissions, None, stats)
    stats.at("validate submissions at the limits")
    limits = []
    for data in limit_submissions(ruleset):
        text = "\n".join(to_yaml(random.Random(0), data)) + "\n"
        loaded = load_bytes(text.encode("utf-8"), f"submissions/{ruleset.year}/{data['department']}.yaml")
        result = parse_submission(loaded.document, lambda _year: ruleset) if loaded.document is not None else None
        if result is not None and result.submission is not None:
            limits.append(result.submission)
    score_year(ruleset, limits, None, stats)


def as_submission(document: Document, name: str, ctx: Context, stats: Stats) -> None:
    stats.at("validate submission")
    result = parse_submission(document, ctx.ruleset_for, Path(name), ctx.criterion_years)
    problems_render(result.problems, stats)
    submission = result.submission
    if submission is None:
        return
    stats.submissions += 1
    ruleset = ctx.rulesets[submission.year]
    others = [s for s in ctx.submissions.get(submission.year, []) if s.department != submission.department]
    score_year(ruleset, [*others, submission], ctx.reviews.get(submission.year), stats)


def as_review(document: Document, name: str, ctx: Context, stats: Stats) -> None:
    stats.at("validate review")
    review, problems = parse_review(document, ctx.ruleset_for, Path(name), ctx.submitted_for, ctx.criterion_years)
    problems_render(problems, stats)
    if review is None:
        return
    stats.reviews += 1
    score_year(ctx.rulesets[review.year], ctx.submissions.get(review.year, []), review, stats)


def score_year(ruleset: Ruleset, submissions: list[Submission], review: Review | None, stats: Stats) -> None:
    stats.at("score")
    present = {s.department for s in submissions}
    missing = [d.id for d in ruleset.departments if d.id not in present]
    evaluation = evaluate(ruleset, submissions, missing, review)
    stats.scored += 1
    render_evaluation(evaluation, stats)


# --- running, reporting, minimising ----------------------------------------------------------


@dataclass
class Crash:
    iteration: int
    stage: str
    error: str
    where: str
    how: str
    size: int

    @property
    def signature(self) -> tuple[str, str, str]:
        return (self.stage, self.error.split(":")[0], self.where)


def where_of(exc: BaseException) -> str:
    """The innermost frame in the project's code (else the innermost frame)."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if "/emulate/" in f.filename.replace("\\", "/")]
    frame = (own or frames)[-1]
    return f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"


def run_one(name: str, raw: bytes, ctx: Context) -> tuple[Stats, BaseException | None]:
    stats = Stats()
    try:
        exercise(name, raw, ctx, stats)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        return stats, exc
    return stats, None


def describe(exc: BaseException) -> str:
    message = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {message[:160]}"


def minimize(name: str, raw: bytes, ctx: Context, signature: tuple[str, str, str]) -> bytes:
    """Greedy shrinking while the crash keeps its signature."""

    def same(candidate: bytes) -> bool:
        stats, exc = run_one(name, candidate, ctx)
        return exc is not None and (stats.stages[0], describe(exc).split(":")[0], where_of(exc)) == signature

    return shrink(raw, same)


def shrink(raw: bytes, same: Callable[[bytes], bool]) -> bytes:
    """Greedy shrinking: drop lines, then byte spans, while `same(candidate)` holds."""
    for unit in (b"\n", None):
        chunk = max(1, len(raw) // 2)
        while chunk >= 1:
            parts = raw.split(unit) if unit else [raw[i : i + 1] for i in range(len(raw))]
            glue = unit or b""
            i, changed = 0, False
            while i < len(parts):
                candidate = glue.join(parts[:i] + parts[i + chunk :])
                if candidate != raw and same(candidate):
                    raw, parts, changed = candidate, parts[:i] + parts[i + chunk :], True
                else:
                    i += chunk
            if not changed:
                chunk //= 2
    return raw


def report_only(args: argparse.Namespace, ctx: Context) -> int:
    name, raw, how = make_input(args.seed, args.only, ctx)
    print(f"iteration {args.only} (seed {args.seed}): {how}, {len(raw)} bytes, as {name}")
    stats, exc = run_one(name, raw, ctx)
    if exc is None:
        print(repr(raw[:2000]))
        print("no crash")
        return 0
    return report_crash(args, ctx, name, raw, stats, exc)


def report_crash(
    args: argparse.Namespace, ctx: Context, name: str, raw: bytes, stats: Stats, exc: BaseException
) -> int:
    if args.minimize:
        signature = (stats.stages[0], describe(exc).split(":")[0], where_of(exc))
        raw = minimize(name, raw, ctx, signature)
        stats, exc = run_one(name, raw, ctx)
        print(f"minimised to {len(raw)} bytes")
    print(repr(raw[:2000]))
    assert exc is not None
    print(f"stage: {stats.stages[0]}")
    traceback.print_exception(exc, file=sys.stdout)
    if args.save:
        save(Path(args.save), args.seed, args.only, name, raw)
    return 1


def save(folder: Path, seed: int, iteration: int, name: str, raw: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"seed{seed}-{iteration}-{name.replace('/', '_')}"
    path.write_bytes(raw)
    return path


def fuzz(args: argparse.Namespace, ctx: Context) -> int:
    crashes: list[Crash] = []
    slow: list[tuple[int, float]] = []
    totals = Stats()
    started = time.monotonic()
    for iteration in range(args.count):
        name, raw, how = make_input(args.seed, iteration, ctx)
        began = time.monotonic()
        stats, exc = run_one(name, raw, ctx)
        took = time.monotonic() - began
        if took > args.slow:
            slow.append((iteration, took))
            print(
                f"SLOW iteration {iteration} (--seed {args.seed} --only {iteration}): "
                f"{took:.1f} s in [{stats.stages[0]}]; {how}",
                flush=True,
            )
        for attr in ("loaded", "rulesets", "submissions", "reviews", "scored"):
            setattr(totals, attr, getattr(totals, attr) + getattr(stats, attr))
        if exc is not None:
            crash = Crash(iteration, stats.stages[0], describe(exc), where_of(exc), how, len(raw))
            crashes.append(crash)
            print(
                f"CRASH iteration {iteration} (--seed {args.seed} --only {iteration}): "
                f"[{crash.stage}] {crash.error} at {crash.where}; {how}",
                flush=True,
            )
            if args.save:
                save(Path(args.save), args.seed, iteration, name, raw)
        if args.progress and (iteration + 1) % args.progress == 0:
            print(
                f"... {iteration + 1} inputs, {len(crashes)} crashes, {time.monotonic() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    elapsed = time.monotonic() - started
    print(
        f"\nreached: {totals.loaded} loaded as YAML; valid as ruleset {totals.rulesets}, as submission "
        f"{totals.submissions}, as review {totals.reviews}; {totals.scored} years scored and rendered; {elapsed:.1f} s"
    )
    groups: dict[tuple[str, str, str], list[Crash]] = {}
    for crash in crashes:
        groups.setdefault(crash.signature, []).append(crash)
    for (stage, error, where), members in sorted(groups.items(), key=lambda g: -len(g[1])):
        smallest = min(members, key=lambda c: c.size)
        print(
            f"  {len(members)} x [{stage}] {error} at {where}; "
            f"smallest: --seed {args.seed} --only {smallest.iteration} ({smallest.size} bytes)"
        )
    if slow:
        print(f"  {len(slow)} input(s) took over {args.slow} s (not counted as crashes)")
    print(f"{args.count} inputs, {len(crashes)} crashes")
    return 1 if crashes else 0


# --- hostile file systems: links, special files, folders where files belong ------------------

#: what stands where a workspace file (or the year's submissions folder) belongs; none is read
HOSTILE = ("link-outside", "link-dev-zero", "dangling-link", "link-loop", "fifo", "folder", "yml")
SECRET = "SECRET-NEVER-SHOWN"


class Hang(Exception):
    """A file-system case ran over its time: a read that waits (a FIFO) or never ends (/dev/zero)."""


def _hostile(kind: str, place: Path, outside: Path) -> None:
    """Replace whatever is at `place` with a `kind` of thing the tool must refuse."""
    if place.is_dir() and not place.is_symlink():
        shutil.rmtree(place)
    elif place.exists() or place.is_symlink():
        place.unlink()
    if kind == "link-outside":
        place.symlink_to(outside)
    elif kind == "link-dev-zero":
        place.symlink_to("/dev/zero")
    elif kind == "dangling-link":
        place.symlink_to(place.parent / "nowhere")
    elif kind == "link-loop":
        place.symlink_to(place)
    elif kind == "fifo":
        os.mkfifo(place)
    elif kind == "folder":
        place.mkdir()
    else:  # "yml": the file itself, under a name the tool does not read
        shutil.copy(outside, place.with_suffix(".yml"))


def filesystem_case(root: Path, seed: int, iteration: int, scratch: Path) -> tuple[str, str | None]:
    """(how, what went wrong or None): one hostile thing in a copy of the workspace, then score and validate.

    Wrong: an exception, a run over 10 s, a year scored without a word, validate saying
    nothing of a file score refuses, or the outside file's content or path in a message.
    """
    rng = random.Random(f"{seed}:fs:{iteration}")
    ws = scratch / f"ws{iteration}"
    for folder in ("rules", "submissions", "reviews"):
        if (root / folder).is_dir():
            shutil.copytree(root / folder, ws / folder)
    year = max(int(p.name) for p in (ws / "submissions").iterdir() if p.name.isdigit())
    outside = scratch / f"outside{iteration}.yaml"
    outside.write_text(f"# {SECRET}\n" + (root / "rules" / f"{year}.yaml").read_text(encoding="utf-8"))
    places = sorted((ws / "submissions" / str(year)).glob("*.yaml"))
    candidates = [("submission", pick(rng, places)), ("folder", ws / "submissions" / str(year))]
    if (ws / "reviews" / f"{year}.yaml").exists():
        candidates.append(("review", ws / "reviews" / f"{year}.yaml"))
    candidates.append(("ruleset", ws / "rules" / f"{year}.yaml"))
    where, place = pick(rng, candidates)
    # an empty folder, or a .yml beside it, is a year with no submissions: not hostile there
    kind = pick(rng, HOSTILE if where != "folder" else [k for k in HOSTILE if k not in ("folder", "yml")])
    how = f"{kind} as the {where} {place.relative_to(ws)}"
    _hostile(kind, place, outside)
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(Hang()))
    signal.alarm(10)
    try:
        workspace = Workspace(ws)
        try:
            data = workspace.load_year(year)
            scored = data.ok
            problems = list(data.problems)
        except UnknownYear:
            scored, problems = False, []
        command = "check-rules" if where == "ruleset" else "validate"
        files, checked = files_to_check(command, [], ws)
        if command == "check-rules":
            checked += [p for path in files for p in workspace.load_ruleset_file(path).problems]
        else:
            checked += workspace.check_files(files)
    except Hang:
        return how, "over 10 s"
    except Exception as exc:
        return how, f"{describe(exc)} at {where_of(exc)}"
    finally:
        signal.alarm(0)
    shown = render_problems.as_text(problems + checked)
    if SECRET in shown or str(outside) in shown:
        return how, "the outside file's content or path is shown"
    if scored:
        return how, "scored without a word"
    if where != "folder" and not has_errors(checked):
        return how, f"{command} says nothing of what score refuses"
    return how, None


def fuzz_filesystems(args: argparse.Namespace) -> int:
    """`--files N` hostile file-system cases (POSIX: links and FIFOs); the number of failures."""
    if args.files <= 0 or os.name != "posix":
        return 0
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        for iteration in range(args.files):
            how, wrong = filesystem_case(args.root, args.seed, iteration, Path(scratch))
            if wrong is not None:
                failures += 1
                print(f"FILES iteration {iteration} (--seed {args.seed}): {wrong}; {how}", flush=True)
    print(f"{args.files} file-system cases, {failures} failures")
    return failures


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=10_000, help="how many inputs (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="the seed of every input (default 0)")
    parser.add_argument(
        "--only",
        type=int,
        default=None,
        metavar="N",
        help="run iteration N alone, print it and its traceback",
    )
    parser.add_argument(
        "--minimize",
        action="store_true",
        help="with --only: shrink the input while it crashes the same way",
    )
    parser.add_argument(
        "--save",
        default=None,
        metavar="DIR",
        help="write each crashing input to DIR",
    )
    parser.add_argument(
        "--root", type=Path, default=REPO, help="the workspace whose files seed the fuzzing (default: the repository)"
    )
    parser.add_argument(
        "--slow", type=float, default=2.0, metavar="SECONDS", help="report inputs that take longer (default 2)"
    )
    parser.add_argument("--progress", type=int, default=0, metavar="K", help="print progress to stderr every K inputs")
    parser.add_argument(
        "--files",
        type=int,
        default=50,
        metavar="N",
        help="also N hostile file-system cases: links out, FIFOs, /dev/zero, folders, .yml (default 50)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    ctx = load_context(args.root)
    if args.only is not None:
        return report_only(args, ctx)
    crashed = fuzz(args, ctx)
    return 1 if fuzz_filesystems(args) or crashed else 0


if __name__ == "__main__":
    sys.exit(main())
