"""Shell completion of years and department ids from the workspace (bash, zsh, fish via typer).

Completion runs on every key press, so it reads only file names and the
`departments:` ids of one ruleset with the fast YAML loader, never the models.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _root(ctx: Any) -> Path:
    value = (ctx.params or {}).get("root") if ctx is not None else None
    return Path(value or os.environ.get("EMULATE_ROOT") or ".")


def years(ctx: Any, incomplete: str) -> list[str]:
    rules = _root(ctx) / "rules"
    found = (
        sorted(p.stem for p in rules.glob("*.yaml") if p.stem.isascii() and p.stem.isdigit()) if rules.is_dir() else []
    )
    return [y for y in found if y.startswith(incomplete)]


def departments(ctx: Any, incomplete: str) -> list[str]:
    from .yamlio import load_file

    root = _root(ctx)
    year = (ctx.params or {}).get("year") if ctx is not None else None
    candidates = [str(year)] if year else list(reversed(years(ctx, "")))
    for candidate in candidates:
        loaded = load_file(root / "rules" / f"{candidate}.yaml")
        if loaded.document is not None and isinstance(loaded.document.data.get("departments"), list):
            ids = [d.get("id") for d in loaded.document.data["departments"] if isinstance(d, dict)]
            return [i for i in ids if isinstance(i, str) and i.startswith(incomplete)]
    return []
