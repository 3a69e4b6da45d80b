"""The console script `emulate`: choose the language, then build and run the command line.

The language must be known before `cli` (and typer) are imported, because
help texts are translated when the commands are defined.
"""

from __future__ import annotations

import sys


def main() -> None:
    from . import i18n

    i18n.use(i18n.resolve(i18n.from_argv(sys.argv[1:])))
    from .cli import main as run

    run()
