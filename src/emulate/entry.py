"""The console script `emulate`: choose the language, then run `cli`.

The language must be known before `cli` (and typer) are imported, because
help texts are translated when the commands are defined.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """UTF-8 output everywhere, the language first, and no traceback for anything a user can cause."""
    # emulate uses no pydantic plugin: without this, the first model built scans every installed
    # package's entry points for one (~7 ms of each run). A value set by the user is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8")
    from . import i18n

    asked = i18n.from_argv(sys.argv[1:])
    language = i18n.resolve(asked)
    i18n.use(language, explicit=asked is not None)
    i18n.use_in_typer(language)
    try:
        from .cli import main as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write("emulate: " + i18n._("interrupted") + "\n")
        sys.exit(130)
    except BrokenPipeError:
        os._exit(0)
