"""The console script `emulate`: choose the language, then build and run the command line.

The language must be known before `cli` (and typer) are imported, because
help texts are translated when the commands are defined.
"""

from __future__ import annotations

import sys


def main() -> None:
    from . import i18n

    asked = i18n.from_argv(sys.argv[1:])
    i18n.use(i18n.resolve(asked), explicit=asked is not None)
    from .cli import main as run

    run()
