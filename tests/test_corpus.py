"""The broken-input corpus, run through the real command line.

Every file of `tests/corpus/submissions/` is a copy of the shipped
`submissions/2017/so-xay-dung.yaml` with one thing wrong (every file of
`tests/corpus/rules/` a copy of `rules/2017.yaml`); `tests/corpus/expected.yaml`
lists every problem the tool must report for it. Each case runs
`python -m emulate validate|check-rules --format json` in a private workspace
(the shipped `rules/` plus the one corpus file) and compares the set of
(code, line, column, severity), the exit code, and that nothing crashed.

Cases marked `xfail` in expected.yaml record what the tool SHOULD report where it
is known to be wrong today; they are strict, so a fix makes them fail until the
mark is removed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from emulate.problems import CODES

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
EXPECTED = CORPUS / "expected.yaml"
BASE_SUBMISSION = REPO / "submissions" / "2017" / "so-xay-dung.yaml"
DEFAULT_DEST = {"submissions": "submissions/2017/so-xay-dung.yaml", "rules": "rules/2017.yaml"}
COMMAND = {"submissions": "validate", "rules": "check-rules"}
TIMEOUT = 20
MAX_MESSAGE = 1000  # characters: a message is one line a person reads
MEMORY_LIMIT = 2 * 1024**3  # address space of one run, so a runaway case cannot take the machine down

#: codes that no passing corpus case produces, with the reason
UNCOVERED = {
    "E100": "needs a file the tool cannot read: a folder is never taken for a file by validate/check-rules "
    "(folders are searched), and permissions do not stop root, which runs these tests",
}


def _over_1_mib() -> bytes:
    """The base submission padded with comment lines past the 1 MiB limit (not committed: too big)."""
    base = BASE_SUBMISSION.read_bytes()
    pad = b"# " + b"x" * 1000 + b"\n"
    return base + pad * (1024 * 1024 // len(pad) + 50)


def _long_line_note() -> bytes:
    """A valid submission with a 200,000-character note on one line (about 220 KB)."""
    sentence = "Báo cáo kết quả thực hiện nhiệm vụ năm 2017 của Sở Xây dựng. "
    note = (sentence * (200_000 // len(sentence) + 1))[:200_000]
    return BASE_SUBMISSION.read_bytes() + f'note: "{note}"\n'.encode()


GENERATORS: dict[str, Callable[[], bytes]] = {
    "over_1_mib": _over_1_mib,
    "long_line_note": _long_line_note,
}


def _load_cases() -> list[dict[str, Any]]:
    return YAML(typ="safe", pure=True).load(EXPECTED.read_text(encoding="utf-8"))


CASES = _load_cases()


def _params() -> list[Any]:
    params = []
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
        params.append(pytest.param(case, id=case["file"], marks=marks))
    return params


def _expected_set(case: dict[str, Any]) -> set[tuple[str, int, int, str]]:
    return {(c["code"], c["line"], c["column"], c.get("severity", "error")) for c in case["codes"]}


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):
        pass


def _run(root: Path, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMULATE_")}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "emulate", *args, "--format", "json", "--root", str(root)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        preexec_fn=_limit_memory if os.name == "posix" else None,
    )


@pytest.mark.parametrize("case", _params())
def test_corpus_file(case: dict[str, Any], tmp_path: Path) -> None:
    kind, _, _name = case["file"].partition("/")
    assert kind in COMMAND, case["file"]
    root = tmp_path / "ws"
    shutil.copytree(REPO / "rules", root / "rules")
    if case.get("rules"):
        shutil.copyfile(CORPUS / case["rules"], root / "rules" / "2017.yaml")
    dest = case.get("dest", DEFAULT_DEST[kind])
    target = root / dest
    target.parent.mkdir(parents=True, exist_ok=True)
    if case.get("generate"):
        target.write_bytes(GENERATORS[case["generate"]]())
    else:
        target.write_bytes((CORPUS / case["file"]).read_bytes())

    limit = case.get("max_seconds", TIMEOUT)
    start = time.perf_counter()
    try:
        result = _run(root, COMMAND[kind], timeout=limit)
    except subprocess.TimeoutExpired:
        pytest.fail(f"emulate {COMMAND[kind]} did not finish within {limit} s")
    elapsed = time.perf_counter() - start

    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    problems = json.loads(result.stdout)
    found = {(p["code"], p["line"], p["column"], p["severity"]) for p in problems}
    shown = "\n".join(f"{p['line']}:{p['column']} {p['severity']} {p['code']} {p['message'][:300]}" for p in problems)
    assert found == _expected_set(case), f"reported:\n{shown}"
    assert result.returncode == case["exit"], f"exit {result.returncode}\n{shown}\n{result.stderr[-2000:]}"
    assert {p["file"] for p in problems} <= {dest}, "problems reported for another file than the one under test"
    assert all(len(p["message"]) <= MAX_MESSAGE for p in problems), "a message longer than a person reads"
    if "max_seconds" in case:
        assert elapsed < case["max_seconds"]


def test_every_problem_code_is_exercised() -> None:
    """Each code about reading a file, a value, a ruleset or a submission (E1-E4, W2) has a passing corpus case."""
    exercised = {c["code"] for case in CASES if not case.get("xfail") for c in case["codes"]}
    wanted = {code for code in CODES if code[:2] in ("E1", "E2", "E3", "E4", "W2")}
    missing = sorted(wanted - exercised - set(UNCOVERED))
    assert not missing, f"no corpus file exercises {missing}"
    assert not set(UNCOVERED) & exercised, "a code listed as uncovered is exercised now: drop it from UNCOVERED"
    assert set(UNCOVERED) <= set(CODES)


def test_expected_lists_every_corpus_file_once() -> None:
    listed = [case["file"] for case in CASES]
    assert len(listed) == len(set(listed)), "a file is listed twice in expected.yaml"
    on_disk = {f"{p.parent.name}/{p.name}" for kind in COMMAND for p in (CORPUS / kind).glob("*.yaml")}
    committed = {case["file"] for case in CASES if not case.get("generate")}
    assert committed == on_disk
    for case in CASES:
        assert case.get("generate") is None or case["generate"] in GENERATORS
        assert case["exit"] == (1 if any(c.get("severity", "error") == "error" for c in case["codes"]) else 0)
    assert sum(f.startswith("submissions/") for f in listed) >= 45
    assert sum(f.startswith("rules/") for f in listed) >= 15


def test_committed_corpus_files_are_small() -> None:
    for path in CORPUS.rglob("*"):
        if path.is_file():
            assert path.stat().st_size < 64 * 1024, f"{path.name}: generate big inputs in the test instead"
