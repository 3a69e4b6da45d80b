"""The interface language: English or Vietnamese, from gettext catalogs in the package.

Messages are written in English in the code, marked with `_()`; the
Vietnamese catalog is `locale/vi/LC_MESSAGES/emulate.po`, compiled to `.mo`
in the repository (`python -m emulate.i18n compile`), never on the user's
machine. The language is chosen once per run, before the command line is
built (help texts are made when it is): `--lang`, else `EMULATE_LANG`, else the
locale (`LANG=vi_VN.UTF-8` gives Vietnamese). Ids, codes, file formats and
JSON keys never change with it.
"""

from __future__ import annotations

import contextlib
import gettext
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

DOMAIN = "emulate"
LANGUAGES = ("en", "vi")
LOCALE_DIR = Path(__file__).parent / "locale"
_current: dict[str, object] = {"translation": gettext.NullTranslations(), "language": "en", "explicit": False}


def resolve(option: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """The language asked for: the option, else EMULATE_LANG, else the locale; English by default."""
    for candidate in (
        option,
        environ.get("EMULATE_LANG"),
        environ.get("LC_ALL"),
        environ.get("LC_MESSAGES"),
        environ.get("LANG"),
    ):
        if candidate:
            code = candidate.split(".")[0].split("_")[0].split("-")[0].lower()
            return code if code in LANGUAGES else "en"
    return "en"


def unknown_setting(environ: Mapping[str, str] = os.environ) -> str | None:
    """EMULATE_LANG's value when it names no language of ours (`vn`): an error, never a silent English.

    The locale variables (LANG...) are the system's, for every program: an unknown one means English.
    """
    value = environ.get("EMULATE_LANG")
    if not value:
        return None
    code = value.split(".")[0].split("_")[0].split("-")[0].lower()
    return None if code in LANGUAGES else value


def from_argv(argv: Sequence[str]) -> str | None:
    """The value of the last `--lang X` or `--lang=X` in a command line, if any (the last wins, as in typer)."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found


def use(language: str, explicit: bool = False) -> None:
    """Make `language` the language of every message of emulate's from now on.

    `explicit`: it was asked for with --lang, so a later default must not replace it.
    Nothing outside this module changes: typer's own words are `use_in_typer`'s.
    """
    translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)
    _current.update(translation=translation, language=language, explicit=explicit)


def use_in_typer(language: str) -> None:
    """Make `language` the language of typer's and click's own words ("Options", "Usage:", "[default: …]").

    They translate with the stdlib's global gettext (`gettext.gettext`), whose only
    inputs are the process's text domain and the environment (LANGUAGE first): so
    this sets both, for the whole process and its children. Only the command line
    calls it (`entry.main` before typer is imported, as typer translates some of
    its words then, and `cli` for each command's --lang); the catalog of the
    domain `emulate` holds the translations of those words.
    """
    os.environ["LANGUAGE"] = language
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)


@contextlib.contextmanager
def speaking(language: str) -> Iterator[None]:
    """Messages in `language` inside the block, then as before (a document that is Vietnamese in every language)."""
    before = dict(_current)
    use(language, explicit=bool(before["explicit"]))
    try:
        yield
    finally:
        _current.clear()
        _current.update(before)


def language() -> str:
    return str(_current["language"])


def chosen_explicitly() -> bool:
    return bool(_current["explicit"])


def _(message: str) -> str:
    translation = _current["translation"]
    assert isinstance(translation, gettext.NullTranslations)
    return translation.gettext(message)


def compile_catalogs() -> None:
    """Compile every .po of the package to .mo (run by developers; the .mo files are committed)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        with po.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)


if __name__ == "__main__":  # python -m emulate.i18n compile
    if sys.argv[1:] == ["compile"]:
        compile_catalogs()
    else:
        sys.exit("usage: python -m emulate.i18n compile")
