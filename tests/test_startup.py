"""What a run of one command loads: the start-up of issue 13 (measured by benchmarks/run.py --only startup).

Each run is a real `emulate` process (`entry.main`), which reports at exit which
modules it imported and the state of the garbage collector.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SUBMISSION = "submissions/2017/so-xay-dung.yaml"

# Runs `emulate ARGS...` as the console script does, then writes what it loaded to the file named first.
PROBE = """
import atexit, gc, json, sys

out = sys.argv[1]
sys.argv = ["emulate", *sys.argv[2:]]

@atexit.register
def report():
    with open(out, "w", encoding="utf-8") as handle:
        state = {"gc_enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}
        json.dump({"modules": sorted(sys.modules), **state}, handle)

from emulate.entry import main
main()
"""

# Imported by no run of `validate` on a submission: the renderers it does not use, the review
# (no review file read), the workbook and terminal libraries, and importlib.metadata (which
# pydantic's plugin loader imports even with every plugin disabled).
NEVER_IN_VALIDATE = (
    "openpyxl",
    "rich",
    "emulate.review",
    "emulate.render.score",
    "emulate.render.explain",
    "emulate.render.rules",
    "emulate.render.diff",
    "emulate.render.history",
    "emulate.render.html",
    "emulate.render.xlsx",
    "emulate.evaluation",
    "emulate.engine",
    "importlib.metadata",
)


def _run(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    out = tmp_path / "probe.json"
    environ = {k: v for k, v in os.environ.items() if k not in ("EMULATE_ROOT", "PYDANTIC_DISABLE_PLUGINS")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env={**environ, **(env or {})},
    )
    return result, json.loads(out.read_text(encoding="utf-8"))


def _loaded(modules: list[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def _imported_by_typer() -> list[str]:
    """What importing typer itself loads: older typers (0.16, the floor) import rich whenever it is installed."""
    code = "import sys, typer, typer.main; print(' '.join(sys.modules))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()


def test_validate_of_one_submission_loads_only_what_it_uses(tmp_path: Path) -> None:
    result, probe = _run(tmp_path, "validate", SUBMISSION)
    assert result.returncode == 0, result.stderr
    assert "no problems" in result.stderr
    typers = _imported_by_typer()
    never = [name for name in NEVER_IN_VALIDATE if not _loaded(typers, name)]
    loaded = [name for name in never if _loaded(probe["modules"], name)]
    assert loaded == []
    assert "emulate.ruleset" in probe["modules"]  # the one validator: the models did check the file


def test_the_garbage_collector_is_on_again_once_the_models_are_made(tmp_path: Path) -> None:
    result, probe = _run(tmp_path, "validate", SUBMISSION)
    assert result.returncode == 0, result.stderr
    assert probe["gc_enabled"]
    assert probe["frozen"] > 0  # what the start made was moved out of the collector's reach


def test_a_review_file_is_still_read_and_checked(tmp_path: Path) -> None:
    result, probe = _run(tmp_path, "validate", "--format", "json", "reviews/2017.yaml")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
    assert "emulate.review" in probe["modules"]


def test_pydantic_plugins_are_looked_for_when_the_user_enables_them(tmp_path: Path) -> None:
    # PYDANTIC_DISABLE_PLUGINS set by the user to a plugin's name: pydantic's own loader runs
    result, probe = _run(tmp_path, "validate", SUBMISSION, env={"PYDANTIC_DISABLE_PLUGINS": "some-plugin"})
    assert result.returncode == 0, result.stderr
    assert "importlib.metadata" in probe["modules"]


def test_the_plugin_loader_stand_in_gives_way_to_pydantics_own() -> None:
    code = """
import os, sys
from emulate.entry import _LOADER, _no_plugin_loader

os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
_no_plugin_loader()
from pydantic.plugin._loader import get_plugins
assert list(get_plugins()) == []
assert "importlib.metadata" not in sys.modules
os.environ.pop("PYDANTIC_DISABLE_PLUGINS")
assert list(get_plugins()) == list(sys.modules[_LOADER].get_plugins())  # now pydantic's own
assert type(sys.modules[_LOADER]).__name__ == "module"
assert "importlib.metadata" in sys.modules
from pydantic import BaseModel
class Thing(BaseModel):
    x: int
assert Thing(x=1).x == 1
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.stdout == "ok\n", result.stderr
