"""The console script `emulate`: choose the language, then run `cli`.

The language must be known before `cli` (and typer) are imported, because
help texts are translated when the commands are defined.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """UTF-8 output everywhere, the language first, and no traceback for anything a user can cause."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8")
    from . import i18n

    asked = i18n.from_argv(sys.argv[1:])
    i18n.use(i18n.resolve(asked), explicit=asked is not None)
    try:
        from .cli import main as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write("emulate: " + i18n._("interrupted") + "\n")
        sys.exit(130)
    except BrokenPipeError:
        os._exit(0)
