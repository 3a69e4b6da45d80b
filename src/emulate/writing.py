"""Writing files without ever losing one: atomically, and never over an existing file unless asked."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class AlreadyExists(FileExistsError):
    pass


def write_new(path: Path, content: str | bytes, overwrite: bool = False) -> None:
    """Write `content` to `path` atomically; raise AlreadyExists if `path` exists (unless `overwrite`).

    The content goes to a temporary file in the same folder first, then is
    linked (or, to overwrite, renamed) into place: a reader never sees a
    partial file, an interrupted run leaves none behind, and without
    `overwrite` an existing file is never replaced, even one created meanwhile.
    """
    if path.exists() and not overwrite:
        raise AlreadyExists(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise AlreadyExists(path) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
