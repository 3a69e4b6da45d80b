"""Writing new files without ever overwriting or leaving half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class AlreadyExists(FileExistsError):
    pass


def write_new(path: Path, text: str) -> None:
    """Write `text` to `path` atomically; raise AlreadyExists if `path` exists.

    The text goes to a temporary file in the same folder first, then is linked
    into place: the link fails if the name was taken meanwhile, so an existing
    file is never replaced, and a reader never sees a partial file.
    """
    if path.exists():
        raise AlreadyExists(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise AlreadyExists(path) from None
    finally:
        os.unlink(tmp)
