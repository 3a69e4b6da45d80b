"""Loading YAML: positions, numbers as written, and everything refused."""

from __future__ import annotations

import contextlib
import os
import time
from decimal import Decimal
from pathlib import Path

import pytest

from emulate.workspace import display_path
from emulate.yamlio import Position, _Builder, load_bytes, load_text


def codes(text: str) -> list[tuple[str, int, int]]:
    return [(p.code, p.line, p.column) for p in load_text(text, "f.yaml").problems]


def test_positions_of_keys_and_values_are_one_based() -> None:
    doc = load_text("a: 1\nb:\n  - x: 2\n    y: [3, 4]\n", "f.yaml").document
    assert doc is not None
    assert doc.at(("b", 0, "y", 1)) == Position(4, 12)
    assert doc.key_at(("b", 0, "y")) == Position(4, 5)
    assert doc.at(("b", 0, "missing")) == Position(3, 5)  # falls back to the nearest ancestor


def test_numbers_are_decimals_exactly_as_written() -> None:
    doc = load_text("a: 96.5\nb: 0.1\nc: 1620\nd: '12'\ne: 1e3\n", "f.yaml").document
    assert doc is not None
    assert doc.data == {"a": Decimal("96.5"), "b": Decimal("0.1"), "c": 1620, "d": "12", "e": Decimal("1e3")}
    assert type(doc.data["b"]) is Decimal


def test_yaml11_booleans_stay_text_and_12_booleans_are_booleans() -> None:
    doc = load_text("a: yes\nb: on\nc: true\nd: False\ne: ~\n", "f.yaml").document
    assert doc is not None
    assert doc.data == {"a": "yes", "b": "on", "c": True, "d": False, "e": None}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1.000\n", ("W201", 1, 4)),
        ("a: 2.500\n", ("W201", 1, 4)),
    ],
)
def test_thousands_like_numbers_warn_but_read_as_written(text: str, expected: tuple[str, int, int]) -> None:
    loaded = load_text(text, "f.yaml")
    assert codes(text) == [expected]
    assert loaded.document is not None and loaded.document.data["a"] == Decimal(text[3:-1])
    assert "2500" in load_text("a: 2.500\n", "f").problems[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [("E105", 1, 1)]),
        ("# only a comment\n", [("E105", 1, 1)]),
        ("- a\n- b\n", [("E106", 1, 1)]),
        ("just text\n", [("E106", 1, 1)]),
        ("a: 1\na: 2\n", [("E104", 2, 1)]),
        ("a: 1\n---\nb: 2\n", [("E107", 2, 1)]),
        ("a: &x 1\nb: *x\n", [("E108", 1, 4)]),
        ("a: !!python/object:os.system x\n", [("E109", 1, 4)]),
        ("a: !custom x\n", [("E109", 1, 4)]),
        ("a:\n\tb: 1\n", [("E103", 2, 1)]),
        ("a: [1, 2\n", [("E103", 2, 1)]),
        ("a: b: c\n", [("E103", 1, 5)]),
    ],
)
def test_refused_documents(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert codes(text) == expected


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    text = "a: " + "[" * 500 + "]" * 500 + "\n"
    assert [c for c, _, _ in codes(text)] == ["E110"]


def test_billion_laughs_fails_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 10):
        prev, cur = chr(ord("a") + n - 1), chr(ord("a") + n)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    loaded = load_text("\n".join(lines) + "\n", "f.yaml")
    assert time.perf_counter() - start < 0.5
    assert loaded.document is None and loaded.problems[0].code == "E108"


@pytest.mark.parametrize(
    ("raw", "line", "column"),
    [
        ("tên: Sở Tài chính\n".encode("utf-16"), 1, 1),
        ("tên: Ban thi đua\n".encode("cp1258", errors="replace"), 1, 2),
        (b"\x00\x01\x02binary", 1, 1),
    ],
)
def test_encodings_other_than_utf8_are_named(raw: bytes, line: int, column: int) -> None:
    problems = load_bytes(raw, "f.yaml").problems
    assert [(p.code, p.line, p.column) for p in problems] == [("E102", line, column)]


def test_bom_crlf_and_nfd_are_accepted_and_normalised() -> None:
    nfd = "tên: Sở Tài chính\r\n".encode()
    import unicodedata

    raw = b"\xef\xbb\xbf" + unicodedata.normalize("NFD", "tên: Sở Tài chính\r\nb: 1\r\n").encode("utf-8")
    loaded = load_bytes(raw, "f.yaml")
    assert loaded.problems == []
    assert loaded.document is not None
    assert loaded.document.data == {"tên": "Sở Tài chính", "b": 1}
    assert loaded.document.at(("b",)) == Position(2, 4)
    assert nfd  # the precomposed form is what the ruleset holds


def test_size_limit_is_checked_before_parsing() -> None:
    problems = load_bytes(b"a: 1\n" * 100, "f.yaml", max_bytes=100).problems
    assert [p.code for p in problems] == ["E101"]


# A line of the file, the path of a text in it, and a piece of the text: `inside` must find the piece.
INSIDE = [
    ("plain", "e: so_ho * 2 + tong\n"),
    ("single-quoted", "e: 'it''s + tong'\n"),
    ("double-quoted with escapes", 'e: "a\\t\\"b\\" \\u00e9\\x41 + tong"\n'),
    ("after Vietnamese text in a flow mapping", 'x: {tiêu_đề: "Tốt", e: "điểm + tong"}\n'),
    ("CRLF line ends", "a: 1\r\ne: 'x + tong'\r\n"),
    ("literal block", "e: |\n  a +\n  tong\n"),
    ("folded block", "e: >-\n  a +\n  tong\n"),
    ("plain on two lines", "e: a +\n  tong\n"),
    ("double-quoted on two lines", 'e: "a +\n  tong"\n'),
]


@pytest.mark.parametrize(("style", "text"), INSIDE)
def test_a_position_inside_a_text_value(style: str, text: str) -> None:
    doc = load_text(text, "f.yaml").document
    assert doc is not None
    path: tuple[str, ...] = ("x", "e") if text.startswith("x:") else ("e",)
    value = doc.data[path[0]] if len(path) == 1 else doc.data["x"]["e"]
    offset = value.index("tong")
    pos = doc.inside(path, offset)
    line = text.replace("\r", "").split("\n")[pos.line - 1]
    assert line[pos.column - 1 : pos.column + 3] == "tong", (style, pos)
    end = doc.inside(path, len(value.rstrip("\n")))  # just past the last character
    end_line = text.replace("\r", "").split("\n")[end.line - 1]
    assert end_line[end.column - 5 : end.column - 1] == "tong", (style, end)
    assert doc.inside(("missing",), 3) == doc.at(("missing",))


SHIPPED = sorted((Path(__file__).parent.parent / "submissions").glob("*/*.yaml"))


@pytest.mark.parametrize("path", SHIPPED[:4], ids=lambda p: p.name)
def test_a_clean_file_is_read_without_positions_and_positioned_when_asked(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lazy = load_text(text, "f.yaml")
    positioned = _Builder("f.yaml", text, positions=True)
    data = positioned.build()
    assert lazy.problems == [] and lazy.document is not None
    assert not lazy.document.positioned and lazy.document.values == {}  # nothing recorded yet
    assert lazy.document.data == data
    for where in list(positioned.values)[::7]:
        assert lazy.document.at(where) == positioned.values[where]
    assert lazy.document.positioned
    assert lazy.document.values == positioned.values and lazy.document.keys == positioned.keys


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: 90.000\n",  # a warning (W201)
        "a: x #12\n",  # a warning (W101)
        "a: 1\na: 2\n",  # a repeated key (E104): the first one's line is in the message
        "a: !!str 1\n",  # a tag (E109)
        "a: &x 1\n",  # an anchor (E108)
        "a: [1\n",  # a syntax error (E103)
    ],
)
def test_a_file_with_a_problem_is_read_again_with_positions(text: str) -> None:
    loaded = load_text(text, "f.yaml")
    positioned = _Builder("f.yaml", text, positions=True)
    with contextlib.suppress(Exception):  # the positioned reading stops where the lazy one stopped
        positioned.build()
    assert loaded.problems and loaded.problems == positioned.problems
    if loaded.document is not None:
        assert loaded.document.positioned and loaded.document.values == positioned.values


def test_display_path_is_relative_inside_the_current_folder_and_follows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside = tmp_path / "a" / "f.yaml"
    monkeypatch.chdir(tmp_path)
    assert display_path(inside) == os.path.join("a", "f.yaml")
    assert display_path(inside) == os.path.join("a", "f.yaml")  # from the cache: the same
    monkeypatch.chdir(tmp_path.parent)
    assert display_path(inside) == os.path.join(tmp_path.name, "a", "f.yaml")
    (tmp_path / "a").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    assert display_path(tmp_path / "g.yaml") == str(tmp_path / "g.yaml")  # outside: as given
