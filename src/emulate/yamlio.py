"""Reading YAML files into a positioned tree, safely.

Owns everything between the bytes on disk and plain Python data: the size
limit, the encoding (UTF-8 with or without BOM; anything else is refused with
a reason), Unicode normalisation to NFC, and YAML itself. The YAML is read as
a stream of parser events, never constructed into objects by the YAML library:
so no tag can build an object, no alias can be expanded (anchors and aliases
are refused at the first sight), and every key and value keeps its line and
column.

Positions are built lazily: a file is first read without recording them (the
same reader with `positions` off, every refusal the same), and read again with
them on only when it has a problem, when the reading itself reports one, or
when a check asks where a value stands (`Document.at`, `key_at`, `inside`).
So every message keeps its `file:line:column`, and a clean file never pays for
positions it does not need.

Scalars are resolved here, by the rules of YAML 1.2's core schema, except that
numbers become `decimal.Decimal` exactly as written (never binary floats), and
that `yes`/`no`/`on`/`off` stay text (the validators explain them).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .i18n import _
from .problems import Problem, clip, error, warning
from .yamlwords import said

DEFAULT_MAX_BYTES = 1024 * 1024
MAX_DEPTH = 50

PathKey = tuple[str | int, ...]

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?[0-9]+\Z")
_DECIMAL = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_THOUSANDS_LIKE = re.compile(r"[-+]?[0-9]+\.[0-9]{3}\Z")
# characters that YAML does not allow in a stream (tab, LF, CR and NEL are allowed)
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# what a text value may not hold, however written: C0 controls but TAB and LF, DEL, C1 controls
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# a comment glued to a word (`#12`) after a plain text: most likely part of it (`Báo cáo #12`);
# `# one of: tot, kha` is a real comment, as `emulate new` writes after each value to fill in
_COMMENT_AFTER = re.compile(r"[ \t]+(?=#[^\s#])")
MAX_INTEGER_DIGITS = 15
MAX_DECIMALS = 10


class OutOfRange(str):
    """A number too large or too precise for points (`1e999999`, 5,000 digits), kept as written.

    Arithmetic on such a number could exhaust memory or time, so it never
    becomes a Decimal: the number validators refuse it with a message.
    """


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class Document:
    """Plain data (dicts, lists, str, int, Decimal, bool, None) and where each part stands."""

    file: str
    data: Any
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)
    sha256: str = ""
    text: str = ""  # the text parsed (for positions inside a scalar)
    positioned: bool = True  # False: `values` and `keys` are filled from `text` when first asked

    def _positions(self) -> None:
        """Read the text again with positions on (the first time a position is asked)."""
        if self.positioned:
            return
        self.positioned = True
        builder = _Builder(self.file, self.text, positions=True)
        try:
            builder.build()
        except _Stop:  # pragma: no cover - the same text was read without a stop
            return
        self.values, self.keys = builder.values, builder.keys

    def at(self, path: PathKey) -> Position:
        """Where the value at `path` starts, or its nearest known ancestor."""
        self._positions()
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return Position(1, 1)

    def key_at(self, path: PathKey) -> Position:
        """Where the key introducing `path` stands (falls back to the value)."""
        self._positions()
        found = self.keys.get(path)
        return found if found is not None else self.at(path)

    def inside(self, path: PathKey, offset: int) -> Position:
        """Where character `offset` of the text scalar at `path` stands in the file.

        The scalar's value is matched against its source character by
        character: quotes, `''` and backslash escapes, and a block scalar's
        header are read as YAML reads them, and the blanks that line folding and
        indentation drop are skipped. Exact for any character but blanks; on
        one line, exact for all. An offset at the end points just past the last
        character.
        """
        start = self.at(path)  # positions are there from here on
        if path not in self.values or not self.text:
            return start
        value = _value_at(self.data, path)
        if not isinstance(value, str):
            return start
        begin = -1
        for _line in range(start.line - 1):
            begin = self.text.find("\n", begin + 1)
        begin += start.column
        units, last = _scalar_units(self.text, begin), begin
        for char in value[: offset + 1]:  # each character of the value is the next unit that gives it
            found = next((index for index, given in units if _same(given, char)), None)
            if found is None:
                break
            last = found
        if offset >= len(value):
            last += 1
        before = self.text[:last]
        return Position(before.count("\n") + 1, last - (before.rfind("\n") + 1) + 1)


_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r"}
_ESCAPES |= {"e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028"}
_ESCAPES |= {"P": "\u2029"}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def _scalar_units(text: str, begin: int) -> Iterator[tuple[int, str]]:
    """(index in `text`, character of the value) for the scalar starting at `begin`, read as far as asked.

    Reads the scalar's syntax (quotes, escapes, a block header) but not where
    a plain or block scalar ends: the caller matches the value against the
    units from the start, and stops.
    """
    style = text[begin : begin + 1]
    i = begin
    if style in ("|", ">"):
        i = text.find("\n", begin) + 1 or len(text)  # the content starts on the next line
        style = ""
    elif style in ("'", '"'):
        i += 1
    while i < len(text):
        char = text[i]
        if style == "'" and char == "'":
            if text[i + 1 : i + 2] != "'":
                break
            yield i, "'"
            i += 2
            continue
        if style == '"' and char == '"':
            break
        if style == '"' and char == "\\":
            code = text[i + 1 : i + 2]
            width = _HEX_ESCAPES.get(code, 0)
            if width:
                digits = text[i + 2 : i + 2 + width]
                yield i, chr(int(digits, 16)) if len(digits) == width and _is_hex(digits) else ""
            elif code in _ESCAPES:
                yield i, _ESCAPES[code]
            i += 2 + width  # an escaped line break gives no character
            continue
        yield i, char
        i += 1


def _is_hex(digits: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in digits)


def _same(source: str, char: str) -> bool:
    """Whether a source character gives `char` in the value (a line break folds into a space)."""
    return source == char or (source == "\n" and char == " ")


def _value_at(data: Any, path: PathKey) -> Any:
    for key in path:
        data = data[key]
    return data


@dataclass
class Loaded:
    """The outcome of reading one file: a document unless reading failed, and problems."""

    document: Document | None
    problems: list[Problem]


class _Stop(Exception):
    """Reading cannot go on; the problem explaining why is already recorded."""


class _Again(Exception):
    """Reading without positions met a problem: read the text again with positions on."""


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def load_file(path: Path, display: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """Read and parse one file; every failure becomes a Problem (never an exception)."""
    name = display if display is not None else str(path)
    try:
        raw = read_regular(path, max_bytes)
    except NotReadable as exc:
        return Loaded(None, [error(name, 1, 1, "E100", exc.reason)])
    except TooLarge as exc:
        return Loaded(None, [_too_large(name, exc.size, max_bytes)])
    return load_bytes(raw, name, max_bytes)


class NotReadable(Exception):
    """A path that is not a regular file that can be read; `reason` says why, in the user's terms."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooLarge(Exception):
    def __init__(self, size: int | None) -> None:
        super().__init__(size)
        self.size = size  # None when the file does not say (it grew while read)


# Opened without blocking: a FIFO swapped in after the check must not hang the open (POSIX only).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def read_regular(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file, at most `max_bytes` of them (raises NotReadable or TooLarge).

    Only a regular file is read: a folder, a FIFO, a device (`/dev/zero`) or a socket is
    refused before it is opened, and checked again once open, since its reported size says
    nothing (a FIFO would hang, `/dev/zero` never ends). At most `max_bytes + 1` bytes are
    read whatever the size the file reports, so a file growing while read cannot pass the limit.
    """
    try:
        found = os.stat(path)
    except OSError as exc:
        raise NotReadable(_why_not(path, exc)) from None
    _must_be_regular(found)
    if found.st_size > max_bytes:
        raise TooLarge(found.st_size)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise NotReadable(_why_not(path, exc)) from None
    try:
        _must_be_regular(os.fstat(fd))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, max_bytes + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise NotReadable(_("cannot read the file: {reason}").format(reason=exc.strerror or exc)) from None
    finally:
        os.close(fd)
    if size > max_bytes:
        raise TooLarge(None)
    return b"".join(chunks)


def _must_be_regular(found: os.stat_result) -> None:
    if stat.S_ISDIR(found.st_mode):
        raise NotReadable(_("is a folder, not a file: give a .yaml file or use the folder as a whole"))
    if not stat.S_ISREG(found.st_mode):
        raise NotReadable(
            _(
                "is not a regular file (a device, a pipe or a socket): only ordinary files are read;"
                " put the content in a .yaml file"
            )
        )


def _why_not(path: Path, exc: OSError) -> str:
    """Why `os.stat` or `open` failed, saying so when the path is a link (never where it leads)."""
    if isinstance(exc, FileNotFoundError) and os.path.lexists(path):
        return _("is a link to a file that does not exist: replace the link with the file itself")
    if exc.errno == errno.ELOOP:
        return _("is a link that leads back to itself (a loop of links): replace the link with the file itself")
    if isinstance(exc, FileNotFoundError):
        return _("the file does not exist")
    return _("cannot read the file: {reason}").format(reason=exc.strerror or exc)


def _too_large(file: str, size: int | None, max_bytes: int) -> Problem:
    said = (
        _("the file is {size} bytes, over the limit of {max_bytes} bytes").format(size=size, max_bytes=max_bytes)
        if size is not None
        else _("the file is over the limit of {max_bytes} bytes").format(max_bytes=max_bytes)
    )
    return error(
        file,
        1,
        1,
        "E101",
        said
        + _(
            "; a regulation or submission is far smaller, so check that this is the right file"
            " (or raise the limit with --max-bytes)"
        ),
    )


def load_bytes(raw: bytes, file: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    if len(raw) > max_bytes:
        return Loaded(None, [_too_large(file, len(raw), max_bytes)])
    text, problem = decode(raw, file)
    if problem is not None:
        return Loaded(None, [problem])
    loaded = load_text(text, file)
    if loaded.document is not None:
        loaded.document.sha256 = sha256_of(raw)
    return loaded


def decode(raw: bytes, file: str) -> tuple[str, Problem | None]:
    """UTF-8 text (BOM dropped, NFC) or the reason it is not."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "", error(
            file,
            1,
            1,
            "E102",
            _("the file is saved as UTF-16; save it as UTF-8 (in Notepad: File > Save As > Encoding: UTF-8)"),
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw[:4096]:
        return "", error(
            file, 1, 1, "E102", _("the file holds NUL bytes: it is binary or UTF-16, not UTF-8 text; save it as UTF-8")
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        return "", error(
            file,
            line,
            column,
            "E102",
            _(
                "the file is not UTF-8 (byte 0x{byte}): it looks like a legacy Vietnamese "
                "encoding (Windows-1258, VNI or TCVN3); convert it to Unicode UTF-8 (e.g. with UniKey's "
                "converter) and save it as UTF-8"
            ).format(byte=f"{raw[exc.start]:02X}"),
        )
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text, None


def load_text(text: str, file: str) -> Loaded:
    bad = _NOT_TEXT.search(text)
    if bad is not None:
        before = text[: bad.start()]
        line, column = before.count("\n") + 1, bad.start() - (before.rfind("\n") + 1) + 1
        return Loaded(
            None,
            [
                error(
                    file,
                    line,
                    column,
                    "E102",
                    _(
                        "the file holds a control character (U+{code}) that text never holds:"
                        " it is binary, or damaged; save it again as UTF-8 text"
                    ).format(code=f"{ord(bad.group()):04X}"),
                )
            ],
        )
    builder = _Builder(file, text, positions=False)
    try:
        data = builder.build()
    except _Again:  # a problem: the same reading with positions, for its messages
        builder = _Builder(file, text, positions=True)
        try:
            data = builder.build()
        except _Stop:
            return Loaded(None, builder.problems)
    except _Stop:  # pragma: no cover - without positions, every problem is read again with them
        return Loaded(None, builder.problems)
    document = Document(file, data, builder.values, builder.keys, text=text, positioned=builder.positions)
    return Loaded(document, builder.problems)


def _events(text: str) -> Callable[[], Any]:
    """The function giving the parser's next event, until StreamEnd."""
    try:
        from _ruamel_yaml import CParser  # the C parser (ruamel.yaml.clib), as ruamel.yaml.cyaml imports it
    except ImportError:  # no C extension: the pure-Python parser gives the same events
        from ruamel.yaml import YAML

        events: Iterator[Any] = iter(YAML(typ="safe", pure=True).parse(text))
        return events.__next__
    get_event: Callable[[], Any] = CParser(text).get_event
    return get_event


def _pos(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1)


class _Builder:
    """Plain data from the parser's events, checked; with `positions`, where each key and value stands.

    Without positions, nothing is recorded and a problem stops the reading at once
    (`_Again`): the caller reads the text again with positions on, so a message is
    always made by the positioned reading, the same as ever.
    """

    def __init__(self, file: str, text: str, positions: bool = True) -> None:
        self.file = file
        self.text = text
        self.positions = positions
        self.problems: list[Problem] = []
        self.values: dict[PathKey, Position] = {}
        self.keys: dict[PathKey, Position] = {}
        self._lines: list[str] | None = None
        # A value's characters come from the text, from a backslash escape, or are the line breaks and
        # spaces that YAML's folding makes; `load_text` refuses every control character but TAB, LF, CR and
        # NEL before a builder reads the text. So with no backslash, CR or NEL in the text, no key or value
        # can hold one, and `_check_text` has nothing to find (a regex over the whole text would cost more).
        self.may_hold_controls = "\\" in text or "\r" in text or "\x85" in text

    def report(self, problem: Problem) -> None:
        if not self.positions:
            raise _Again
        self.problems.append(problem)

    def fail(self, pos: Position | None, code: str, message: str) -> None:
        if pos is None or not self.positions:
            raise _Again
        self.report(error(self.file, pos.line, pos.column, code, message))

    def build(self) -> Any:
        from ruamel.yaml.error import YAMLError

        next_event = _events(self.text)
        try:
            return self._document(next_event)
        except YAMLError as exc:
            self._syntax_error(exc)
            raise _Stop from None
        except RecursionError:
            self.fail(Position(1, 1), "E110", _("the document is nested too deeply"))
            raise _Stop from None

    def _document(self, next_event: Callable[[], Any]) -> Any:
        next_event()  # StreamStart
        event = next_event()
        if _KINDS[type(event)] == "StreamEnd":
            self.fail(Position(1, 1), "E105", _("the file is empty: it holds no YAML document"))
            raise _Stop
        root_event = next_event()  # after DocumentStart
        root = self._node(root_event, next_event, (), 0)
        next_event()  # DocumentEnd
        following = next_event()
        if _KINDS[type(following)] == "DocumentStart":
            self.fail(
                _pos(following.start_mark),
                "E107",
                _(
                    "a second YAML document starts here ('---'); a file holds one document:"
                    " split it into two files or remove the '---'"
                ),
            )
        if root is None:
            self.fail(Position(1, 1), "E105", _("the file is empty: it holds no keys or values"))
            raise _Stop
        if not isinstance(root, dict):
            if isinstance(root, list):
                message = _("the file must be a mapping of keys to values (key: value on each line), but it is a list")
            else:
                message = _(
                    "the file must be a mapping of keys to values (key: value on each line),"
                    " but it is the single value {value}"
                ).format(value=_show(root))
            self.fail(_pos(root_event.start_mark), "E106", message)
            raise _Stop
        return root

    def _check_node(self, event: Any, kind: str, depth: int) -> Position | None:
        """Refuse what no file may hold; where the node stands (None without positions)."""
        if depth <= MAX_DEPTH and kind != "Alias" and not event.anchor:
            ctag = event.ctag  # what the `tag` property makes text of: most nodes have none, so skip the property
            if ctag is None or str(ctag) in ("", "!"):
                return _pos(event.start_mark) if self.positions else None
        tag = getattr(event, "tag", None)
        pos = _pos(event.start_mark)
        if depth > MAX_DEPTH:
            self.fail(
                pos,
                "E110",
                _(
                    "the document is nested more than {depth} levels deep; no regulation or submission needs that"
                ).format(depth=MAX_DEPTH),
            )
            raise _Stop
        if kind == "Alias":
            self.fail(
                pos,
                "E108",
                _("YAML aliases (*{anchor}) are not allowed: write the value out in full").format(
                    anchor=clip(event.anchor)
                ),
            )
            raise _Stop
        if event.anchor:
            self.fail(
                pos,
                "E108",
                _("YAML anchors (&{anchor}) are not allowed: write each value out in full").format(
                    anchor=clip(event.anchor)
                ),
            )
            raise _Stop
        self.fail(
            pos,
            "E109",
            _("YAML tags ({tag}) are not allowed: remove the tag and write a plain value").format(
                tag=clip(_short_tag(str(tag)))
            ),
        )
        return pos

    def _node(self, event: Any, next_event: Callable[[], Any], path: PathKey, depth: int) -> Any:
        kind = _KINDS[type(event)]
        pos = self._check_node(event, kind, depth)
        if pos is not None:
            self.values[path] = pos
        if kind == "Scalar":
            return self._scalar(event, pos)
        if kind == "SequenceStart":
            items: list[Any] = []
            while True:
                item = next_event()
                if _KINDS[type(item)] == "SequenceEnd":
                    return items
                at = (*path, len(items)) if pos is not None else path
                items.append(self._node(item, next_event, at, depth + 1))
        if kind == "MappingStart":
            return self._mapping(next_event, path, depth)
        raise AssertionError(f"unexpected YAML event {kind}")  # pragma: no cover

    def _mapping(self, next_event: Callable[[], Any], path: PathKey, depth: int) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        positions = self.positions
        kinds, check_node, check_text, node = _KINDS, self._check_node, self._check_text, self._node
        controls = self.may_hold_controls
        while True:
            key_event = next_event()
            kind = kinds[type(key_event)]
            if kind == "MappingEnd":
                return mapping
            key_pos = check_node(key_event, kind, depth + 1)
            if kind != "Scalar":
                self.fail(key_pos, "E204", _("a key must be a plain name, not a list or mapping"))
                self._skip(key_event, next_event, depth + 1, checked=True)
                self._skip(next_event(), next_event, depth + 1)
                continue
            key = key_event.value
            if controls:
                check_text(key, key_pos)
            value_event = next_event()
            if key in mapping:
                if not positions or key_pos is None:
                    raise _Again
                first = self.keys[(*path, key)]
                self.report(
                    error(
                        self.file,
                        key_pos.line,
                        key_pos.column,
                        "E104",
                        _("'{key}' appears twice in this mapping (first at line {line}); keep one of them").format(
                            key=clip(key), line=first.line
                        ),
                    )
                )
                self._skip(value_event, next_event, depth + 1)
                continue
            if key_pos is not None:
                child = (*path, key)
                self.keys[child] = key_pos
                mapping[key] = node(value_event, next_event, child, depth + 1)
            else:
                mapping[key] = node(value_event, next_event, path, depth + 1)

    def _skip(self, event: Any, next_event: Callable[[], Any], depth: int, checked: bool = False) -> None:
        """Walk past a node that is not kept (a repeated key's value, a key that is a list), checking it
        like any other: the depth limit above all, since the parser's cost grows with the square of it."""
        level = 0
        while True:
            kind = _KINDS[type(event)]
            if kind in ("SequenceEnd", "MappingEnd"):
                level -= 1
            else:
                if not (checked and level == 0):  # a key's own event is checked by the mapping
                    self._check_node(event, kind, depth + level)
                if kind == "Scalar":
                    self._check_text(event.value, _pos(event.start_mark))
                else:
                    level += 1
            if level == 0:
                return
            event = next_event()

    def _check_text(self, value: str, pos: Position | None) -> None:
        """A control character in a key or value, however written (`"\\e]0;"`, `"\\0"`, raw): an error."""
        bad = _CONTROL.search(value)
        if bad is not None:
            self.fail(
                pos,
                "E112",
                _(
                    "the text holds the control character U+{code}, which a text never needs and a terminal"
                    " may obey: remove it (a line break is fine)"
                ).format(code=f"{ord(bad.group()):04X}"),
            )

    def _scalar(self, event: Any, pos: Position | None) -> Any:
        value: str = event.value
        if self.may_hold_controls:
            self._check_text(value, pos)
        if event.style not in (None, ""):  # quoted or block scalar: always text
            return value
        if value in _NULLS:
            return None
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        if _INT.match(value):
            return int(value) if len(value.lstrip("+-")) <= MAX_INTEGER_DIGITS else OutOfRange(value)
        if _DECIMAL.match(value):
            number = Decimal(value)
            if number.adjusted() >= MAX_INTEGER_DIGITS or _exponent(value, number) < -MAX_DECIMALS:
                return OutOfRange(value)
            if value[-4:-3] == "." and _THOUSANDS_LIKE.match(value):  # three digits after the dot, at most once
                self._warn_thousands(value, pos)
            return number
        self._warn_comment_after(value, event.end_mark)
        return value

    def _warn_comment_after(self, value: str, end: Any) -> None:
        """`evidence: Báo cáo #12 ngày 20/12/2018` is read as "Báo cáo": ` #` starts a comment in YAML.

        A comment glued to a word after a plain text on its line is most likely part of the
        text; quoted, it is. A comment that starts with '# ' is taken for a comment.
        """
        if self._lines is None:
            self._lines = self.text.split("\n")
        rest = self._lines[end.line][end.column :] if end.line < len(self._lines) else ""
        space = _COMMENT_AFTER.match(rest)
        if space is not None:
            self.report(
                warning(
                    self.file,
                    end.line + 1,
                    end.column + space.end() + 1,  # at the '#'
                    "W101",
                    _(
                        "the text stops before '{comment}': YAML reads ' #' as the start of a comment, so the value"
                        " is only '{value}'; if the rest belongs to it, put the whole value in quotes"
                        ' ("{value}{space}{comment}")'
                    ).format(
                        comment=clip(rest.strip()), value=clip(value), space=rest[: len(rest) - len(rest.lstrip())]
                    ),
                )
            )

    def _warn_thousands(self, value: str, pos: Position | None) -> None:
        if pos is None:
            raise _Again
        as_decimal = f"{Decimal(value).normalize():f}"
        as_thousands = str(int(value.replace(".", "")))
        self.report(
            warning(
                self.file,
                pos.line,
                pos.column,
                "W201",
                _(
                    "{value} is read as {as_decimal}, but in Vietnamese writing it means {as_thousands}: "
                    "write {as_thousands} if you meant {as_thousands}, or {as_decimal} if you meant {as_decimal}"
                ).format(value=value, as_decimal=as_decimal, as_thousands=as_thousands),
            )
        )

    def _syntax_error(self, exc: Any) -> None:
        from .yamlsyntax import diagnose

        found = diagnose(self.text, exc)  # the mistake's own line, with advice in the user's terms
        if found is not None:
            self.fail(Position(found.line, found.column), "E103", found.message)
            return
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if mark is not None:
            pos = _pos(mark)
        else:
            pos = Position(1, 1)
        lines = self.text.splitlines()
        line_text = lines[pos.line - 1] if 0 < pos.line <= len(lines) else ""
        if "\t" in line_text[: max(pos.column, 1)] or (
            pos.column - 1 < len(line_text) and line_text[pos.column - 1 : pos.column] == "\t"
        ):
            self.fail(pos, "E103", _("a tab is used for indentation; YAML needs spaces: replace the tab with spaces"))
            return
        context = getattr(exc, "context", None)
        message = _("YAML syntax error: {problem}").format(problem=said(problem))
        if context:
            message += f" ({said(context)})"
        if "mapping values are not allowed" in problem:
            message += "; " + _("if a text value contains ': ', put the whole value in quotes")
        self.fail(pos, "E103", message)


class _Kinds(dict[type, str]):
    """The kind of an event's class, as "Scalar" for ScalarEvent (learnt once per class).

    Looked up as `_KINDS[type(event)]`: a plain dict lookup, no call, for every event read.
    """

    def __missing__(self, cls: type) -> str:
        kind = self[cls] = cls.__name__[:-5]
        return kind


_KINDS = _Kinds()


def _exponent(value: str, number: Decimal) -> int:
    """`number.as_tuple().exponent` for the number written `value` (as `_DECIMAL` reads it).

    Without an `e`, it is minus the count of digits after the dot, read from the text: making
    the tuple (with every digit) costs more than the rest of reading the number.
    """
    if "e" in value or "E" in value:
        return number.as_tuple().exponent  # type: ignore[return-value]  # an int: the number is finite
    dot = value.find(".")
    return 0 if dot < 0 else dot + 1 - len(value)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


def _show(value: Any) -> str:
    return f"'{clip(value)}'" if isinstance(value, str) else clip(str(value))
