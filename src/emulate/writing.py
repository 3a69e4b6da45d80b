"""Writing files without ever losing one: whole or not at all, and never over an existing file unless asked.

Every file emulate writes (`--output` of every command, `new`'s template) goes
through `write_new`, so that the promises of SPEC 10 are kept in one place: a
file is written whole or not at all, an existing file is replaced only when
asked, never one that is not a regular file, a missing folder is not created,
and the file gets the user's umask.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path


class AlreadyExists(FileExistsError):
    """The target exists and replacing it was not asked for."""


class NotARegularFile(OSError):
    """The target exists and is a folder, a device, a FIFO, a socket or a link: it is never replaced."""


class NoFolder(FileNotFoundError):
    """The folder of the target does not exist (it is not created: a typo would scatter files)."""


Content = str | bytes | Iterable[str] | Iterable[bytes]


def write_new(path: Path, content: Content, overwrite: bool = False) -> None:
    """Write `content` (text, bytes, or an iterable of either, written as it comes) to `path`.

    The content goes to a temporary file in the same folder first, then is
    linked (or, to overwrite, renamed) into place: a reader never sees a
    partial file, an interrupted run (Ctrl-C, SIGTERM, a full disk) leaves none
    behind, and without `overwrite` an existing file is never replaced, even
    one created meanwhile. Raises AlreadyExists, NotARegularFile, NoFolder, or
    the OSError of the system.
    """
    _check_target(path, overwrite)
    tmp = _temporary(path)
    try:
        with open(tmp, "wb") as handle:
            for piece in [content] if isinstance(content, str | bytes) else content:
                handle.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            _check_target(path, overwrite)  # a file made meanwhile must be regular too
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise AlreadyExists(path) from None
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


def _check_target(path: Path, overwrite: bool) -> None:
    parent = path.parent
    if not parent.is_dir():
        raise NoFolder(parent)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        # a link is not followed and not replaced: --force on a link to /dev/sda or to a file
        # outside the folder must not write through it, and replacing it would lose it
        raise NotARegularFile(path)
    if not overwrite:
        raise AlreadyExists(path)


def _temporary(path: Path) -> Path:
    """A new, empty file beside `path`, created with the mode the umask gives (mkstemp would make it 0600)."""
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return tmp
