"""Measure emulate's performance targets (issue 7) against references measured in the same run.

    .venv/bin/pip install -e '.[bench]'  # check-jsonschema and PyYAML, the references; benchmark-only
    .venv/bin/python benchmarks/run.py [--quick] [--only startup|throughput] [--json FILE] [--markdown]

Every figure is a ratio against a reference program timed on the same machine
in the same run, so the targets do not depend on how fast the machine is:

  start-up    median wall time of >= 10 runs (after one warm-up), the four
              commands alternating: `emulate validate` on one shipped
              submission (clean) and on a copy of it with one number written
              `90.000` (exactly one warning, W201, in a temporary workspace),
              each against `check-jsonschema --schemafile SCHEMA` on the same
              file, SCHEMA being `emulate schema 2017`; target: at most 0.9 x
              check-jsonschema, and the two emulate medians within 1.25 x of
              each other. `emulate --help` and `emulate check-rules` on one
              ruleset are reported too (median, no reference, no target).
  throughput  on generated workspaces of 5,000 and 20,000 valid submissions
              (see generate.py), the wall time of `emulate score 2017 --format
              json` and of `emulate validate` (best of 3) against the floor:
              the time libyaml's C event parser takes to read and parse the
              same files in one Python process (PyYAML `yaml.parse(text,
              Loader=yaml.CLoader)`, every event consumed; best of 3). No
              YAML reader in Python can be faster than that. ruamel.yaml's
              C-backed safe loader (what the targets of issue 7 were measured
              against) is a second reference, reported without a target.
              Targets (issue 18), on 5,000 files: score at most 4.0 x the
              floor, validate at most 2.0 x.
  memory      peak resident memory of `emulate score`, its worker processes
              included (summed over the process tree); target on 5,000
              files: at most 120 MiB.
  growth      time of `emulate score` on 20,000 files / on 5,000 files;
              target: at most 4.3 (linear is 4.0).

--quick keeps the sizes small (1,000 and 4,000 files) and runs each twice.

Prints the machine facts and a table (figure, emulate, reference, ratio,
target, pass/fail) on stdout, progress on stderr. Exit status: 0 every target
met, 1 a target missed, 2 a measurement could not be made (check-jsonschema
missing, an emulate command failing).

Generated workspaces are cached in the system temporary folder (never in the
repository), keyed by size, seed and the generator's and ruleset's contents;
so is the measured programs' bytecode (PYTHONPYCACHEPREFIX, see environment()).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import SHIPPED_RULES, generate  # noqa: E402

YEAR = 2017
SHIPPED_SUBMISSION = "submissions/2017/so-xay-dung.yaml"
SHIPPED_RULESET = "rules/2017.yaml"
STARTUP_TARGET = 0.9  # emulate validate / check-jsonschema on the same file
WARNING_PARITY_TARGET = 1.25  # emulate validate with one warning vs clean, larger / smaller
SCORE_TARGET = 4.0  # emulate score / the C event parse of the same files
VALIDATE_TARGET = 2.0  # emulate validate / the C event parse of the same files
MEMORY_TARGET_MIB = 120.0
DEFAULT_MAX_BYTES = 1024 * 1024  # emulate's default --max-bytes
GROWTH_TARGET = 4.3  # 4 x the files may take at most 4.3 x the time (linear is 4.0)

# The references: every file of a folder read and parsed in one process. "floor": libyaml's C
# event parser through PyYAML, each event consumed and dropped (no Python object built but the
# events themselves); "ruamel": ruamel.yaml's C-backed safe loader, building the data.
REFERENCE_LOADER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path

    files = sorted(Path(sys.argv[2]).glob("*.yaml"))
    if sys.argv[1] == "floor":
        import yaml

        def read(text):
            for _event in yaml.parse(text, Loader=yaml.CLoader):
                pass
    else:
        from ruamel.yaml import YAML

        read = YAML(typ="safe", pure=False).load
    start = time.perf_counter()
    for path in files:
        read(path.read_text(encoding="utf-8"))
    elapsed = time.perf_counter() - start
    print(len(files), elapsed)
    """
)
REFERENCES = {
    "floor": "the C event parse (PyYAML yaml.parse, CLoader)",
    "ruamel": "ruamel.yaml C safe loader, load only",
}

PEAK_MEMORY = textwrap.dedent(
    """
    # The peak resident memory of a command and every process it starts (a process pool's
    # workers count too): the resident sets of the whole process tree, summed, sampled
    # every 20 ms from /proc; and never less than the largest single process's own peak.
    # Also the peak of the proportional sets (PSS, /proc/PID/smaps_rollup) summed: a page
    # that a forked worker shares with its parent counts once there, once per process in
    # the resident sets; 0 where the system does not say.
    import os, resource, subprocess, sys, time

    def pss_kib(pid):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        return int(line.split()[1])
        except (OSError, IndexError, ValueError):
            pass
        return 0

    def tree_kib(root):
        children, rss = {}, {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
        total, proportional, stack = 0, 0, [root]
        while stack:
            pid = stack.pop()
            total += rss.get(pid, 0)
            proportional += pss_kib(pid)
            stack += children.get(pid, [])
        return total, proportional

    process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = peak_pss = 0
    while process.poll() is None:
        if os.path.isdir("/proc"):
            total, proportional = tree_kib(process.pid)
            peak, peak_pss = max(peak, total), max(peak_pss, proportional)
        time.sleep(0.02)
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux, bytes on macOS
    largest = largest if sys.platform != "darwin" else largest // 1024
    print(process.returncode, max(peak, largest) * 1024, peak_pss * 1024)
    """
)


class CannotMeasure(Exception):
    pass


@dataclass
class Row:
    figure: str
    emulate: float
    reference: float | None
    ratio: float | None
    target: float | None  # None: reported only, no target
    unit: str  # "ms", "ms/file", "MiB", "s"
    passed: bool = field(init=False)
    samples: dict[str, list[float]] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        self.passed = self.target is None or (self.ratio is not None and self.ratio <= self.target)


def log(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def script(name: str, module: str | None = None) -> list[str]:
    """A console script next to the current Python, or `python -m module` (default: the name)."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    return [sys.executable, "-m", module or name]


def check_jsonschema() -> list[str]:
    return script("check-jsonschema", "check_jsonschema")


CACHE = Path(tempfile.gettempdir()) / "emulate-benchmarks"


def environment() -> dict[str, str]:
    """The measured programs' environment: no workspace settings, and bytecode cached.

    An installed program runs from cached bytecode; with PYTHONDONTWRITEBYTECODE set
    (as in some sandboxes and CI images) an editable install would compile its own
    modules on every start. The cache goes to a folder of its own in the temporary
    folder (PYTHONPYCACHEPREFIX), the same for emulate and the references, and is
    filled by the warm-up runs.
    """
    env = dict(os.environ)
    for name in ("EMULATE_ROOT", "EMULATE_MAX_BYTES", "PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME"):
        env.pop(name, None)
    env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
    return env


def run_once(command: Sequence[str], ok: Sequence[int] = (0,), cwd: Path = REPO) -> float:
    """Wall time of one run, output discarded; an unexpected exit code stops the benchmark."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        raise CannotMeasure(
            f"`{' '.join(command)}` exited {done.returncode}:\n{done.stderr.decode(errors='replace')[-2000:]}"
        )
    return elapsed


def check_jsonschema_available() -> bool:
    done = subprocess.run([*check_jsonschema(), "--version"], capture_output=True)
    return done.returncode == 0


def pyyaml_available() -> bool:
    """Whether PyYAML with its libyaml binding (the floor's parser) is installed."""
    done = subprocess.run([sys.executable, "-c", "import yaml; yaml.CLoader"], capture_output=True)
    return done.returncode == 0


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for package in ("emulate", "ruamel.yaml", "ruamel.yaml.clib", "pydantic", "typer", "check-jsonschema", "PyYAML"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


def machine() -> dict[str, Any]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu_count": os.cpu_count(),
        "usable_cpus": usable,
        "processor": platform.processor() or platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "versions": versions(),
    }


# --- start-up -------------------------------------------------------------------------------------


@dataclass
class Command:
    name: str
    argv: list[str]
    cwd: Path = REPO


def alternate(commands: list[Command], runs: int) -> dict[str, list[float]]:
    """One warm-up run of each, then `runs` rounds running each once in turn, so that drift in
    the machine's load hits them all; the wall times of each, by name."""
    for command in commands:
        run_once(command.argv, cwd=command.cwd)
    times: dict[str, list[float]] = {c.name: [] for c in commands}
    for _ in range(runs):
        for command in commands:
            times[command.name].append(run_once(command.argv, cwd=command.cwd))
    return times


def warning_workspace(base: Path) -> tuple[Path, Path]:
    """A copy of rules/ and submissions/2017/ in which the shipped submission draws exactly one
    warning (W201: `percent: 90` written `90.000`), and the schema of its year; checked with
    `emulate validate --format json` before it is measured."""
    shutil.copytree(REPO / "rules", base / "rules")
    shutil.copytree(REPO / "submissions" / str(YEAR), base / "submissions" / str(YEAR))
    target = base / SHIPPED_SUBMISSION
    text = target.read_text(encoding="utf-8")
    if text.count("{percent: 90}") != 1:
        raise CannotMeasure(f"{SHIPPED_SUBMISSION} no longer holds `{{percent: 90}}` once, to write it `90.000`")
    target.write_text(text.replace("{percent: 90}", "{percent: 90.000}"), encoding="utf-8")
    done = subprocess.run(
        [*script("emulate"), "validate", "--format", "json", SHIPPED_SUBMISSION],
        cwd=base,
        env=environment(),
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    try:
        problems = json.loads(done.stdout)
    except ValueError:
        problems = None
    codes = [(p.get("severity"), p.get("code")) for p in problems] if isinstance(problems, list) else None
    if done.returncode != 0 or codes != [("warning", "W201")]:
        raise CannotMeasure(
            f"the edited submission should draw exactly one warning W201 and no error; emulate exited "
            f"{done.returncode} with {codes if codes is not None else done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    schema = base / "schema.json"
    done = subprocess.run([*script("emulate"), "schema", str(YEAR)], cwd=base, env=environment(), capture_output=True)
    if done.returncode != 0:
        raise CannotMeasure(
            f"`emulate schema {YEAR}` exited {done.returncode}:\n{done.stderr.decode(errors='replace')}"
        )
    schema.write_bytes(done.stdout)
    return base, schema


def startup(runs: int) -> list[Row]:
    emulate, reference = script("emulate"), check_jsonschema()
    with tempfile.TemporaryDirectory(prefix="emulate-startup-") as folder:
        edited, schema = warning_workspace(Path(folder))
        commands = [
            Command("emulate clean", [*emulate, "validate", SHIPPED_SUBMISSION]),
            Command("reference clean", [*reference, "--schemafile", str(schema), SHIPPED_SUBMISSION]),
            Command("emulate warning", [*emulate, "validate", SHIPPED_SUBMISSION], edited),
            Command("reference warning", [*reference, "--schemafile", str(schema), SHIPPED_SUBMISSION], edited),
        ]
        log(f"start-up: validate 1 submission, clean and with 1 warning ({runs} runs each, after a warm-up)")
        times = alternate(commands, runs)
    log(f"start-up: --help and check-rules 1 ruleset ({runs} runs each, after a warm-up)")
    own = alternate(
        [
            Command("help", [*emulate, "--help"]),
            Command("check-rules", [*emulate, "check-rules", SHIPPED_RULESET]),
        ],
        runs,
    )
    median = {name: statistics.median(samples) for name, samples in {**times, **own}.items()}
    clean, warning = median["emulate clean"], median["emulate warning"]
    return [
        Row(
            "start-up: validate 1 submission, clean",
            clean * 1000,
            median["reference clean"] * 1000,
            clean / median["reference clean"],
            STARTUP_TARGET,
            "ms",
            samples={"emulate_s": times["emulate clean"], "reference_s": times["reference clean"]},
            note="reference: check-jsonschema --schemafile (emulate schema 2017)",
        ),
        Row(
            "start-up: validate 1 submission, 1 warning",
            warning * 1000,
            median["reference warning"] * 1000,
            warning / median["reference warning"],
            STARTUP_TARGET,
            "ms",
            samples={"emulate_s": times["emulate warning"], "reference_s": times["reference warning"]},
            note="reference: check-jsonschema --schemafile (emulate schema 2017)",
        ),
        Row(
            "start-up: validate, 1 warning vs clean",
            warning * 1000,
            clean * 1000,
            max(warning, clean) / min(warning, clean),
            WARNING_PARITY_TARGET,
            "ms",
            samples={"emulate_s": times["emulate warning"], "reference_s": times["emulate clean"]},
            note="reference: emulate validate on the clean file; ratio: larger / smaller",
        ),
        Row("start-up: --help", median["help"] * 1000, None, None, None, "ms", samples={"emulate_s": own["help"]}),
        Row(
            "start-up: check-rules 1 ruleset",
            median["check-rules"] * 1000,
            None,
            None,
            None,
            "ms",
            samples={"emulate_s": own["check-rules"]},
        ),
    ]


# --- throughput -----------------------------------------------------------------------------------


def workspace(units: int, seed: int) -> Path:
    """A generated workspace, cached in the system temporary folder."""
    key = hashlib.sha256()
    for path in (HERE / "generate.py", SHIPPED_RULES):
        key.update(path.read_bytes())
    base = CACHE
    target = base / f"ws-{units}-seed{seed}-{key.hexdigest()[:12]}"
    if target.is_dir():
        log(f"workspace of {units} units: cached at {target}")
        return target
    log(f"workspace of {units} units: generating at {target}")
    base.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f"ws-{units}-", dir=base))
    try:
        generate(partial, units, seed, YEAR)
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target


def best_of(command: list[str], repeat: int, what: str) -> list[float]:
    times = []
    for i in range(repeat):
        log(f"  {what}: run {i + 1}/{repeat}")
        times.append(run_once(command))
    return times


def reference_load(ws: Path, which: str, repeat: int, expected: int) -> list[float]:
    times = []
    for i in range(repeat):
        log(f"  reference, {REFERENCES[which]}: run {i + 1}/{repeat}")
        done = subprocess.run(
            [sys.executable, "-c", REFERENCE_LOADER, which, str(ws / "submissions" / str(YEAR))],
            capture_output=True,
            text=True,
            env=environment(),
        )
        if done.returncode != 0:
            raise CannotMeasure(f"the reference {which} failed:\n{done.stderr[-2000:]}")
        count, elapsed = done.stdout.split()
        if int(count) != expected:
            raise CannotMeasure(f"the reference {which} found {count} files, expected {expected}")
        times.append(float(elapsed))
    return times


def peak_memory_mib(command: list[str]) -> tuple[float, float]:
    """The peaks of the resident sets and of the proportional sets (0: not known) of the command's
    process tree, summed, in MiB."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY, *command], capture_output=True, text=True, env=environment(), cwd=REPO
    )
    if done.returncode != 0:
        raise CannotMeasure(f"the memory wrapper failed:\n{done.stderr[-2000:]}")
    code, peak, proportional = done.stdout.split()
    if int(code) != 0:
        raise CannotMeasure(f"`{' '.join(command)}` exited {code} under the memory wrapper")
    return int(peak) / (1024 * 1024), int(proportional) / (1024 * 1024)


@dataclass
class Sized:
    """What was measured on one workspace: wall times of each command and reference, peak memory."""

    units: int
    times: dict[str, list[float]]
    peak_mib: float
    peak_pss_mib: float  # 0: not known


def measure(units: int, seed: int, repeat: int) -> Sized:
    ws = workspace(units, seed)
    emulate = script("emulate")
    # the ruleset lists every unit: past about 16,000 units it is over the default limit of 1 MiB
    limit = ["--max-bytes", str(max(DEFAULT_MAX_BYTES, (ws / "rules" / f"{YEAR}.yaml").stat().st_size))]
    commands = {
        "score": [*emulate, "score", str(YEAR), "--format", "json", "--root", str(ws), *limit],
        "validate": [*emulate, "validate", "--root", str(ws), *limit],
    }
    log(f"throughput on {units} files (best of {repeat})")
    run_once(commands["validate"])  # warm the file cache of the workspace
    times = {which: reference_load(ws, which, repeat, units) for which in REFERENCES}
    for name, command in commands.items():
        times[name] = best_of(command, repeat, f"emulate {name} ({units})")
    log(f"memory: emulate score on {units} files")
    return Sized(units, times, *peak_memory_mib(commands["score"]))


def throughput(units: int, large: int, seed: int, repeat: int) -> list[Row]:
    sizes = [measure(units, seed, repeat), measure(large, seed, repeat)]
    rows = []
    for sized in sizes:
        at_target = sized.units == units  # the targets are set on the smaller size
        per_file = 1000 / sized.units
        for name, target in (("score", SCORE_TARGET), ("validate", VALIDATE_TARGET)):
            for which, note in REFERENCES.items():
                ours, ref = min(sized.times[name]), min(sized.times[which])
                rows.append(
                    Row(
                        f"{name}, {sized.units:,} files / {which}",
                        ours * per_file,
                        ref * per_file,
                        ours / ref,
                        target if at_target and which == "floor" else None,
                        "ms/file",
                        samples={"emulate_s": sized.times[name], "reference_s": sized.times[which]},
                        note=f"reference: {note}",
                    )
                )
        rows.append(
            Row(
                f"score peak memory, {sized.units:,} files",
                sized.peak_mib,
                None,
                sized.peak_mib,
                MEMORY_TARGET_MIB if at_target else None,
                "MiB",
                note="resident sets summed over the process tree",
            )
        )
        if sized.peak_pss_mib:
            rows.append(
                Row(
                    f"score peak memory (PSS), {sized.units:,} files",
                    sized.peak_pss_mib,
                    None,
                    sized.peak_pss_mib,
                    None,
                    "MiB",
                    note="proportional sets summed over the process tree: a shared page counts once",
                )
            )
    small, big = sizes
    for name in ("score", "validate"):
        rows.append(
            Row(
                f"{name} growth, {big.units:,} / {small.units:,} files",
                min(big.times[name]),
                min(small.times[name]),
                min(big.times[name]) / min(small.times[name]),
                GROWTH_TARGET if name == "score" else None,
                "s",
                samples={"emulate_s": big.times[name], "reference_s": small.times[name]},
                note=f"reference: emulate {name} on {small.units:,} files",
            )
        )
    return rows


# --- output ---------------------------------------------------------------------------------------


def cells(row: Row) -> list[str]:
    def amount(value: float | None) -> str:
        if value is None:
            return "-"
        return (
            f"{value:.1f} {row.unit}"
            if row.unit in ("ms", "MiB")
            else f"{value:.3f} {row.unit}"
            if row.unit == "ms/file"
            else f"{value:.2f} {row.unit}"
        )

    if row.unit == "MiB":
        target = f"<= {row.target:.0f} MiB" if row.target is not None else "-"
        ratio, result = "-", "-" if row.target is None else "pass" if row.passed else "FAIL"
    elif row.target is None:
        ratio, target, result = f"{row.ratio:.2f}" if row.ratio is not None else "-", "-", "-"
    else:
        ratio, target = f"{row.ratio:.2f}" if row.ratio is not None else "-", f"<= {row.target:g}"
        result = "pass" if row.passed else "FAIL"
    return [row.figure, amount(row.emulate), amount(row.reference), ratio, target, result]


HEADER = ["figure", "emulate", "reference", "ratio", "target", "result"]


def facts_line(facts: dict[str, Any]) -> str:
    v = facts["versions"]
    return (
        f"{facts['cpu_count']} CPUs ({facts['usable_cpus']} usable, {facts['processor']}), {facts['system']}, "
        f"{facts['python']}; emulate {v['emulate']}, ruamel.yaml {v['ruamel.yaml']} (clib {v['ruamel.yaml.clib']}), "
        f"pydantic {v['pydantic']}, typer {v['typer']}, check-jsonschema {v['check-jsonschema']}, PyYAML {v['PyYAML']}"
    )


def text_table(rows: list[Row]) -> str:
    table = [HEADER] + [cells(r) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    lines = []
    for n, line in enumerate(table):
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join(["---"] + ["---:"] * 4 + [":---:"]) + "|"]
    lines += ["| " + " | ".join(cells(r)) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Measure emulate's performance targets (issue 7); exit 1 when one is missed."
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="for development: fewer runs, 1,000 and 4,000 instead of 5,000 and 20,000 units (not the issue's figures)",
    )
    parser.add_argument(
        "--units", type=int, help="files of the throughput workspace (default 5,000; 1,000 with --quick)"
    )
    parser.add_argument(
        "--large", type=int, help="files of the workspace the growth is measured on (default 4 x --units)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated workspaces (default 1)")
    parser.add_argument("--runs", type=int, help="start-up runs of each command (default 15; 10 with --quick)")
    parser.add_argument(
        "--repeat", type=int, help="throughput runs of each command, the best kept (default 3; 2 with --quick)"
    )
    parser.add_argument(
        "--only",
        choices=("startup", "throughput"),
        help="measure only the start-up figures (about a minute) or only the throughput, memory and growth ones",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results and every sample as JSON")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown, for README.md")
    args = parser.parse_args(argv)

    units = args.units or (1000 if args.quick else 5000)
    runs = args.runs or (10 if args.quick else 15)
    repeat = args.repeat or (2 if args.quick else 3)
    large = args.large or 4 * units
    if large <= units:
        parser.error("--large must be larger than --units")
    if args.only != "startup" and not pyyaml_available():
        sys.stderr.write(
            "run.py: PyYAML with libyaml, the throughput floor, is not installed in this environment.\n"
            "Install it (benchmark-only, not a dependency of emulate; or `pip install -e '.[bench]'`):\n"
            f"  {sys.executable} -m pip install pyyaml\n"
        )
        return 2
    if args.only != "throughput" and not check_jsonschema_available():
        sys.stderr.write(
            "run.py: check-jsonschema, the start-up reference, is not installed in this environment.\n"
            "Install it (benchmark-only, not a dependency of emulate; or `pip install -e '.[bench]'`):\n"
            f"  {sys.executable} -m pip install check-jsonschema\n"
        )
        return 2
    if not args.quick and runs < 10:
        parser.error("the issue's start-up figure is a median of at least 10 runs: use --runs 10 or more (or --quick)")

    facts = machine()
    started = time.time()
    try:
        rows = [
            *(startup(runs) if args.only in (None, "startup") else []),
            *(throughput(units, large, args.seed, repeat) if args.only in (None, "throughput") else []),
        ]
    except CannotMeasure as exc:
        sys.stderr.write(f"run.py: cannot measure: {exc}\n")
        return 2
    elapsed = time.time() - started

    mode = "quick (development figures, not the issue's)" if args.quick else "full"
    if args.only is not None:
        mode += f", only {args.only}"
    targeted = [r for r in rows if r.target is not None]
    summary = f"{sum(r.passed for r in targeted)} of {len(targeted)} targets met"
    if args.markdown:
        print(f"Measured with `benchmarks/run.py` ({mode}) on {facts_line(facts)}.\n")
        print(markdown_table(rows))
        print(f"\n{summary}.")
    else:
        print(f"machine: {facts_line(facts)}")
        measured = [f"start-up: median of {runs} runs"] if args.only != "throughput" else []
        measured += [f"throughput: best of {repeat}"] if args.only != "startup" else []
        print(f"mode: {mode}; {'; '.join(measured)}; took {elapsed:.0f} s\n")
        print(text_table(rows))
        print(f"\n{summary}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "mode": "quick" if args.quick else "full",
                    "only": args.only,
                    "machine": facts,
                    "units": units,
                    "large": large,
                    "seed": args.seed,
                    "startup_runs": runs,
                    "repeat": repeat,
                    "results": [asdict(r) for r in rows],
                    "all_passed": all(r.passed for r in rows),
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        log(f"wrote {args.json}")
    return 0 if all(r.passed for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
