"""The Vietnamese interface: every message translated, catalogs compiled, no mixed output."""

from __future__ import annotations

import gettext
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from emulate import i18n

SRC = Path(i18n.__file__).parent
PO = i18n.LOCALE_DIR / "vi" / "LC_MESSAGES" / "emulate.po"
REPO = SRC.parent.parent


def marked_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(SRC), method_map=[("**.py", "python")], keywords={"_": None}
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalog() -> dict[str, str]:
    with PO.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


def test_every_marked_message_has_a_vietnamese_translation() -> None:
    translations = catalog()
    missing = sorted(m for m in marked_messages() if not translations.get(m))
    assert missing == []


@pytest.mark.parametrize("msgid", sorted(marked_messages()))
def test_translations_keep_every_placeholder(msgid: str) -> None:
    translated = catalog().get(msgid, "")
    assert sorted(re.findall(r"\{[^{}]*\}", msgid)) == sorted(re.findall(r"\{[^{}]*\}", translated))


def test_the_compiled_catalog_is_up_to_date() -> None:
    """The .mo shipped in the package says what the .po says (rebuild: python -m emulate.i18n compile)."""
    with (PO.with_suffix(".mo")).open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    assert {k: v for k, v in compiled.items() if k} == {k: v for k, v in catalog().items() if v}


ENGLISH_ONLY = {m for m in catalog() if len(m) >= 12}


@pytest.mark.parametrize(
    "args",
    [
        ("score", "2017"),
        ("score", "2017", "--explain", "so-xay-dung"),
        ("score", "2017", "--format", "markdown"),
        ("rules", "2016"),
        ("history",),
        ("diff-rules", "2016", "2017", "--rescore", "2017"),
        ("verify", "no-such-record.json"),
    ],
)
def test_vietnamese_output_has_no_english_message(run: Callable[..., Any], args: tuple[str, ...]) -> None:
    result = run(*args, "--lang", "vi")
    out = result.stdout + result.stderr
    leftovers = sorted(m for m in ENGLISH_ONLY if m in out and catalog()[m] != m)
    assert leftovers == []


def test_problem_messages_are_translated(run: Callable[..., Any], workspace: Path) -> None:
    path = workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("rating: tot", "rating: tốt", 1), encoding="utf-8")
    english = run("validate", str(path), root=workspace).stdout
    vietnamese = run("validate", str(path), "--lang", "vi", root=workspace).stdout
    assert "E207" in english and "E207" in vietnamese  # codes never change
    assert "did you mean 'tot'" in english
    assert "có phải ý bạn là 'tot'" in vietnamese


def _process(*args: str, **env: str) -> str:
    environ = {
        k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "EMULATE_LANG")
    }
    result = subprocess.run(
        [sys.executable, "-m", "emulate", *args, "--root", str(REPO)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**environ, **env},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_locale_chooses_vietnamese_and_lang_overrides_it() -> None:
    assert "Đơn vị" in _process("score", "2017", LANG="vi_VN.UTF-8")
    assert "Unit" in _process("score", "2017", "--lang", "en", LANG="vi_VN.UTF-8")
    assert "Đơn vị" in _process("score", "2017", EMULATE_LANG="vi")
    assert "Unit" in _process("score", "2017")


def test_help_is_translated() -> None:
    out = _process("score", "--help", "--lang", "vi")
    assert "Chấm điểm mọi bản tự chấm điểm" in out and "Tùy chọn" in out


@pytest.mark.parametrize("command", ["score", "validate", "diff-rules"])
def test_a_commands_help_has_no_english_left(command: str) -> None:
    """typer writes "Usage:" and the --help option's text in English; emulate's commands translate them."""
    out = _process(command, "--help", "--lang", "vi", COLUMNS="200")
    assert "Cách dùng: emulate " + command in out
    assert "Hiện hướng dẫn này rồi thoát." in out
    for english in ("Usage:", "Show this message", "Options", "Arguments", "[default:", "[required]"):
        assert english not in out, english
    assert "Usage: emulate " + command in _process(command, "--help", "--lang", "en")


def test_choosing_a_language_changes_nothing_outside_emulate(monkeypatch: pytest.MonkeyPatch) -> None:
    """`i18n.use` is the library's: the environment and the stdlib's text domain are the command line's."""
    monkeypatch.delenv("LANGUAGE", raising=False)
    domain = gettext.textdomain()
    try:
        i18n.use("vi")
        assert i18n._("Options") == "Tùy chọn"
        assert "LANGUAGE" not in os.environ
        assert gettext.textdomain() == domain
    finally:
        i18n.use("en")
