"""Cold import time of each function's handler module, in fresh interpreters, against the baseline handler; and
the one-time cost its deferred models add later: building every Clarion model the module defines (the first
requests build only those of their routes, so this bounds what they add).

The ratio is taken on the import's CPU time (the interpreter's own, user and system): an import is single-threaded
and reads files the page cache holds, so on an idle machine its wall time is its CPU time, while on a machine other
work loads its wall time mostly measures the scheduler. Other work still slows the CPU (a shared cache, a core's other
thread), and only ever adds time: so, as `timeit` advises, the figure of each module and of the baseline is its fastest
of the rounds, each module's imports interleaved with the baseline's so both meet the machine's quiet moments alike.
The wall-clock medians are reported beside it.

`python -m bench.cold_start [module ...]` measures every function (or the modules named), prints the report's
section and, measuring every function, writes it into docs/benchmarks.md with the at-a-glance row.
"""

import os
import re
import statistics
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
BASELINE = "bench.baseline_handler"
TARGET = 1.15
ROUNDS = 9
HEADING = "## Cold start: handler import time against a one-route Powertools resolver"
_PROBE = """
import time
wall, cpu = time.perf_counter(), time.process_time()
import {module}
imported = time.perf_counter() - wall, time.process_time() - cpu
from clarion.models import Model
def walk(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from walk(sub)
t = time.process_time()
for model in dict.fromkeys(walk(Model)):
    if not model.__pydantic_complete__:
        model.model_rebuild(force=True)
print(*imported, time.process_time() - t)
"""


@dataclass(frozen=True)
class Probe:
    wall_seconds: float
    cpu_seconds: float
    models_seconds: float


@dataclass(frozen=True)
class ImportTiming:
    module: str
    cpu_seconds: float
    """The import's CPU time, the fastest of the rounds."""
    baseline_seconds: float
    """The baseline's import CPU time, the fastest of the imports interleaved with this module's."""
    models_seconds: float
    """Median CPU time to build all of the module's deferred models after the import."""
    wall_seconds: float
    baseline_wall_seconds: float
    ratio: float
    """The module's fastest import CPU time over the baseline's fastest."""


def import_seconds(module: str) -> Probe:
    """The module's import time (wall and CPU), then the time to build its deferred models, in one fresh
    interpreter."""
    env = {"PYTHONPATH": f"{ROOT / 'functions'}:{ROOT / 'layers' / 'core'}:{ROOT}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(module=module)], capture_output=True, text=True, check=True, env=env
    )
    wall, cpu, built = (float(figure) for figure in result.stdout.split())
    return Probe(wall, cpu, built)


def measure(modules: list[str], rounds: int = ROUNDS) -> list[ImportTiming]:
    """Each round imports the baseline just before each module, so both meet the machine's load alike: a module's
    ratio is its fastest import's CPU time over the fastest of its baseline imports; the wall times are medians."""
    pairs: dict[str, list[tuple[Probe, Probe]]] = {module: [] for module in modules}
    for _ in range(rounds):
        for module, probes in pairs.items():
            probes.append((import_seconds(BASELINE), import_seconds(module)))
    return [
        ImportTiming(
            module,
            min(probe.cpu_seconds for _, probe in probes),
            min(baseline.cpu_seconds for baseline, _ in probes),
            statistics.median(probe.models_seconds for _, probe in probes),
            statistics.median(probe.wall_seconds for _, probe in probes),
            statistics.median(baseline.wall_seconds for baseline, _ in probes),
            min(probe.cpu_seconds for _, probe in probes) / min(baseline.cpu_seconds for baseline, _ in probes),
        )
        for module, probes in pairs.items()
    ]


def handler_modules() -> dict[str, str]:
    """{function's logical id: its handler module}, every function of the template."""
    from local.template import load  # noqa: PLC0415 - the bench's own tooling, only when run on its own

    template = load(ROOT / "template.yaml")
    return {spec.logical_id: spec.handler.rsplit(".", 1)[0] for spec in template.functions.values()}


def section_lines(functions: dict[str, str], timings: dict[str, ImportTiming], note: str = "") -> list[str]:
    """The report's cold start section: a row per function, by logical id; `note` says when it was measured."""
    lines = [
        HEADING,
        "",
        *([note, ""] if note else []),
        f"Each handler module is imported in a fresh interpreter, just after the baseline (`{BASELINE}`: one route,",
        f"`enable_validation=True`, Logger + Tracer + Metrics decorators) in another; {ROUNDS} rounds. The ratio",
        "is of CPU time, each side's fastest round: an import runs on one thread from files the page cache holds, so",
        "on an idle machine its wall time is its CPU time, while on this shared machine the wall time mostly measures",
        "the other work it runs; that work also slows the CPU, and only ever adds time, so the fastest round is the",
        "one least disturbed (as `timeit` advises). The CPU columns are those fastest rounds; the wall-clock columns",
        "are medians.",
        f"Target: ratio <= {TARGET}. Models build their validators on first use (`clarion.models.Model`);",
        'the "all models built" column is what building all of a function\'s models takes after the import, in the',
        "same interpreter: the most its first requests add, since each builds only the models of its route.",
        "",
        "| function | handler module | import CPU (ms) | baseline CPU (ms) | ratio | target met | all models built "
        "(ms) | import wall (ms) | baseline wall (ms) |",
        "|---|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for function, module in sorted(functions.items()):
        timing = timings[module]
        lines.append(
            f"| {function} | `{module}` | {timing.cpu_seconds * 1000:.0f} | {timing.baseline_seconds * 1000:.0f} "
            f"| {timing.ratio:.2f} | {'yes' if timing.ratio <= TARGET else 'NO'} "
            f"| {timing.models_seconds * 1000:.0f} | {timing.wall_seconds * 1000:.0f} "
            f"| {timing.baseline_wall_seconds * 1000:.0f} |"
        )
    return lines


def summary_row(timings: list[ImportTiming]) -> str:
    """The at-a-glance row: the worst function against the target."""
    worst = max(timings, key=lambda timing: timing.ratio)
    met = "yes" if worst.ratio <= TARGET else "**no**"
    return f"| cold start, worst function ({worst.module}) | {worst.ratio:.2f}x | <= {TARGET}x | {met} |"


def write_report(functions: dict[str, str], timings: dict[str, ImportTiming], loads: tuple[float, float]) -> None:
    """Replaces the report's cold start section and at-a-glance row, leaving the rest as `make bench` wrote it."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT, check=False
    ).stdout.strip()
    lines = REPORT.read_text().splitlines()
    start = lines.index(HEADING)
    end = next(n for n in range(start + 1, len(lines)) if lines[n].startswith("## "))
    note = (
        f"Measured on its own by `python -m bench.cold_start` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit "
        f"{commit or 'unknown'}; the machine's load average (1 min, 2 cores) was {loads[0]:.1f} when it started and "
        f"{loads[1]:.1f} when it ended."
    )
    lines[start:end] = [*section_lines(functions, timings, note), ""]
    row = summary_row(list(timings.values()))
    lines = [row if re.match(r"\| cold start, worst function ", line) else line for line in lines]
    REPORT.write_text("\n".join(lines) + "\n")


def main(named: list[str]) -> None:
    functions = handler_modules()
    if named:
        functions = {function: module for function, module in functions.items() if module in named}
    load_before = os.getloadavg()[0]
    timings = {timing.module: timing for timing in measure(sorted(set(functions.values())))}
    loads = (load_before, os.getloadavg()[0])
    print("\n".join(section_lines(functions, timings)))
    print(summary_row(list(timings.values())))
    if not named:
        write_report(functions, timings, loads)


if __name__ == "__main__":
    main(sys.argv[1:])
