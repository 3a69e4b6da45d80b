"""The broken-input corpus, run through the real command line.

Every file of `tests/corpus/submissions/` is a copy of the shipped
`submissions/2017/so-xay-dung.yaml` with one thing wrong (every file of
`tests/corpus/rules/` a copy of `rules/2017.yaml`, every file of `tests/corpus/meetings/` a
copy of `valid-full.yaml` there, every file of `tests/corpus/assessments/` an assessment of 2017
under `fixtures/rules-2017-bodies.yaml`); `tests/corpus/expected.yaml`
lists every problem the tool must report for it. Each case runs
`python -m emulate validate|check-rules --format json` in a private workspace
(the shipped `rules/` plus the one corpus file; for a meeting, the shipped submissions too) and compares the set of
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
DEFAULT_DEST = {
    "submissions": "submissions/2017/so-xay-dung.yaml",
    "rules": "rules/2017.yaml",
    "meetings": "meetings/2017.yaml",
    "assessments": "assessments/2017/so-noi-vu.yaml",
}
COMMAND = {"submissions": "validate", "rules": "check-rules", "meetings": "validate", "assessments": "validate"}
TIMEOUT = 20
MAX_MESSAGE = 1000  # characters: a message is one line a person reads
MEMORY_LIMIT = 2 * 1024**3  # address space of one run, so a runaway case cannot take the machine down

#: codes that no passing corpus case produces, with the reason
UNCOVERED: dict[str, str] = {
    # the corpus is YAML; the Excel form's codes are exercised on workbooks by tests/test_xlsx_form.py
    "E120": "a workbook that is not a form: tests/test_xlsx_form.py",
    "E121": "a .yaml and an .xlsx for one unit: tests/test_xlsx_form.py",
    "E122": "a form for another ruleset version: tests/test_xlsx_form.py",
    "E420": "a formula in a form's input cell: tests/test_xlsx_form.py",
    "E421": "a date in a form's input cell: tests/test_xlsx_form.py",
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


def _deep_in_skipped_part() -> bytes:
    """Under 1 MiB: the base submission, then `year` again with 480,000 nested lists as its value.

    The repeated key's value is skipped, not kept; the nesting limit must hold there too
    (the parser's cost grows with the square of the depth: minutes, unchecked).
    """
    depth = 480_000
    return BASE_SUBMISSION.read_bytes() + b"year: " + b"[" * depth + b"]" * depth + b"\n"


def _deep_in_complex_key() -> bytes:
    """Under 1 MiB: a key that is itself a list nested 480,000 deep (a key is skipped, not kept)."""
    depth = 480_000
    return BASE_SUBMISSION.read_bytes() + b"? " + b"[" * depth + b"]" * depth + b"\n: 1\n"


GENERATORS: dict[str, Callable[[], bytes]] = {
    "over_1_mib": _over_1_mib,
    "long_line_note": _long_line_note,
    "deep_in_skipped_part": _deep_in_skipped_part,
    "deep_in_complex_key": _deep_in_complex_key,
}


def _make(kind: str, target: Path, outside: Path) -> None:
    """What stands at `target` instead of a file (`make:` in expected.yaml): never a regular file in the workspace.

    `outside` is a file beside the workspace, not in it, holding a valid submission.
    """
    outside.write_bytes(BASE_SUBMISSION.read_bytes() + b"# SECRET-LINE\n")
    if kind == "link-outside":
        target.symlink_to(outside)
    elif kind == "dangling-link":
        target.symlink_to(target.parent / "nowhere.yaml")
    elif kind == "link-loop":
        target.symlink_to(target)
    elif kind == "folder":
        target.mkdir()
        (target / "inner.txt").write_text("not a submission\n")
    elif kind == "fifo":
        os.mkfifo(target)
    else:  # pragma: no cover - a typo in expected.yaml
        raise AssertionError(f"unknown make: {kind}")


MAKES = ("link-outside", "dangling-link", "link-loop", "folder", "fifo")


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
    if kind == "meetings" and case.get("submissions", True):  # a meeting's votes are for units that submitted
        shutil.copytree(REPO / "submissions", root / "submissions")
    dest = case.get("dest", DEFAULT_DEST[kind])
    target = root / dest
    target.parent.mkdir(parents=True, exist_ok=True)
    if case.get("make"):
        if os.name != "posix":
            pytest.skip("links and FIFOs as POSIX makes them")
        _make(case["make"], target, tmp_path / "outside.yaml")
    elif case.get("generate"):
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
    assert "SECRET-LINE" not in result.stdout + result.stderr, "a file outside the workspace was shown"
    assert str(tmp_path / "outside.yaml") not in result.stdout + result.stderr, "a link's target was shown"
    if "max_seconds" in case:
        assert elapsed < case["max_seconds"]


def test_every_problem_code_is_exercised() -> None:
    """Each code about reading a file, a value, a ruleset, a submission or a meeting (E1-E4, E6, W2, W6) has a
    passing corpus case."""
    exercised = {c["code"] for case in CASES if not case.get("xfail") for c in case["codes"]}
    wanted = {code for code in CODES if code[:2] in ("E1", "E2", "E3", "E4", "E6", "W2", "W6")}
    missing = sorted(wanted - exercised - set(UNCOVERED))
    assert not missing, f"no corpus file exercises {missing}"
    assert not set(UNCOVERED) & exercised, "a code listed as uncovered is exercised now: drop it from UNCOVERED"
    assert set(UNCOVERED) <= set(CODES)


def test_expected_lists_every_corpus_file_once() -> None:
    listed = [case["file"] for case in CASES]
    assert len(listed) == len(set(listed)), "a file is listed twice in expected.yaml"
    on_disk = {f"{p.parent.name}/{p.name}" for kind in COMMAND for p in (CORPUS / kind).glob("*.yaml")}
    committed = {case["file"] for case in CASES if not case.get("generate") and not case.get("make")}
    assert committed == on_disk
    for case in CASES:
        assert case.get("generate") is None or case["generate"] in GENERATORS
        assert case.get("make") is None or case["make"] in MAKES
        assert case["exit"] == (1 if any(c.get("severity", "error") == "error" for c in case["codes"]) else 0)
    assert sum(f.startswith("submissions/") for f in listed) >= 45
    assert sum(f.startswith("rules/") for f in listed) >= 15


def test_committed_corpus_files_are_small() -> None:
    for path in CORPUS.rglob("*"):
        if path.is_file():
            assert path.stat().st_size < 64 * 1024, f"{path.name}: generate big inputs in the test instead"
