"""Cold import time of each function's handler module against the baseline handler; and the one-time cost its
deferred models add later: building every Clarion model the module defines (the first requests build only those of
their routes, so this bounds what they add).

A cold start is an import in a fresh interpreter, about half a second of CPU here, and this shared machine moves
such a figure by 10-30% from one second to the next. So the ratio is not one fresh import over another. It is the
baseline's cold import plus the difference between the two, each difference measured inside one interpreter, just
after the other side's import:

    cold(module) = cold(baseline) + (what the module imports that the baseline has not)
                                  - (what the baseline imports that the module has not)

Each round runs two fresh interpreters: one imports the baseline, then the module (the module's extra); the other
imports the module, then the baseline (the baseline's extra: the resolver a queue consumer never loads). The two
extras are tens of milliseconds, measured seconds apart, so the load moves them by milliseconds, not by tens. The
ratio is the median of the rounds' (baseline + module's extra - baseline's extra) / baseline, on CPU time (the
interpreter's own: an import is single-threaded and reads files the page cache holds).

The ratio of the two cold imports themselves (the median of the rounds' module's over the baseline's just before it)
is reported beside it, with each side's fastest round and the wall-clock medians, and the section says how far the
two ratios are apart. The fastest rounds are not divided: one rare fast baseline import (this machine's fastest is
~25% under its median) skews such a quotient by more than the bar's margin.

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
def timed(name):
    wall, cpu = time.perf_counter(), time.process_time()
    __import__(name)
    return time.perf_counter() - wall, time.process_time() - cpu
first, second = timed({first!r}), timed({second!r})
from clarion.models import Model
def walk(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from walk(sub)
t = time.process_time()
for model in dict.fromkeys(walk(Model)) if {build_models} else ():
    if not model.__pydantic_complete__:
        model.model_rebuild(force=True)
print(*first, *second, time.process_time() - t)
"""


@dataclass(frozen=True)
class Probe:
    """One fresh interpreter: the first import's wall and CPU time, the second import's (what it adds to the first),
    and the CPU time to build every Clarion model loaded (0 unless asked)."""

    wall_seconds: float
    cpu_seconds: float
    then_wall_seconds: float
    then_cpu_seconds: float
    models_seconds: float


@dataclass(frozen=True)
class ImportTiming:
    module: str
    ratio: float
    """The median of the rounds' (baseline + module's extra - baseline's extra) / baseline, on CPU time."""
    ratio_spread: float
    """The interquartile range of the rounds' ratios."""
    module_extra_seconds: float
    """Median CPU time the module's import adds after the baseline's, in one interpreter."""
    baseline_extra_seconds: float
    """Median CPU time the baseline's import adds after the module's, in one interpreter."""
    cpu_seconds: float
    """The module's cold import CPU time, the fastest of the rounds."""
    baseline_seconds: float
    """The baseline's cold import CPU time, the fastest of the rounds interleaved with this module's."""
    fresh_ratio: float
    """The median of the rounds' module's cold import over the baseline's cold import just before it."""
    fresh_spread: float
    """The interquartile range of the rounds' fresh ratios."""
    models_seconds: float
    """Median CPU time to build all of the module's deferred models after the import."""
    wall_seconds: float
    baseline_wall_seconds: float


def import_seconds(first: str, second: str, *, build_models: bool = False) -> Probe:
    """Imports `first`, then `second`, then (if asked) builds every deferred model, in one fresh interpreter."""
    env = {"PYTHONPATH": f"{ROOT / 'functions'}:{ROOT / 'layers' / 'core'}:{ROOT}", "PATH": "/usr/bin:/bin"}
    probe = _PROBE.format(first=first, second=second, build_models=build_models)
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    return Probe(*(float(figure) for figure in result.stdout.split()))


def measure(modules: list[str], rounds: int = ROUNDS) -> list[ImportTiming]:
    """Each round, for each module: an interpreter imports the baseline then the module, another the module then the
    baseline (and builds its models)."""
    pairs: dict[str, list[tuple[Probe, Probe]]] = {module: [] for module in modules}
    for _ in range(rounds):
        for module, probes in pairs.items():
            probes.append((import_seconds(BASELINE, module), import_seconds(module, BASELINE, build_models=True)))
    return [timing(module, probes) for module, probes in pairs.items()]


def timing(module: str, probes: list[tuple[Probe, Probe]]) -> ImportTiming:
    """The module's figures from its rounds: (baseline then module, module then baseline) each."""
    ratios = [
        (baseline.cpu_seconds + baseline.then_cpu_seconds - alone.then_cpu_seconds) / baseline.cpu_seconds
        for baseline, alone in probes
    ]
    fresh = [alone.cpu_seconds / baseline.cpu_seconds for baseline, alone in probes]
    return ImportTiming(
        module,
        ratio=statistics.median(ratios),
        ratio_spread=_spread(ratios),
        module_extra_seconds=statistics.median(baseline.then_cpu_seconds for baseline, _ in probes),
        baseline_extra_seconds=statistics.median(alone.then_cpu_seconds for _, alone in probes),
        cpu_seconds=min(alone.cpu_seconds for _, alone in probes),
        baseline_seconds=min(baseline.cpu_seconds for baseline, _ in probes),
        fresh_ratio=statistics.median(fresh),
        fresh_spread=_spread(fresh),
        models_seconds=statistics.median(alone.models_seconds for _, alone in probes),
        wall_seconds=statistics.median(alone.wall_seconds for _, alone in probes),
        baseline_wall_seconds=statistics.median(baseline.wall_seconds for baseline, _ in probes),
    )


def handler_modules() -> dict[str, str]:
    """{function's logical id: its handler module}, every function of the template."""
    from local.template import load  # noqa: PLC0415 - the bench's own tooling, only when run on its own

    template = load(ROOT / "template.yaml")
    return {spec.logical_id: spec.handler.rsplit(".", 1)[0] for spec in template.functions.values()}


def _spread(values: list[float]) -> float:
    """The interquartile range (0 for fewer than two values)."""
    if len(values) < 2:
        return 0.0
    first, _, third = statistics.quantiles(values, n=4)
    return third - first


def section_lines(functions: dict[str, str], timings: dict[str, ImportTiming], note: str = "") -> list[str]:
    """The report's cold start section: a row per function, by logical id; `note` says when it was measured."""
    lines = [
        HEADING,
        "",
        *([note, ""] if note else []),
        f"The baseline is `{BASELINE}`: one route, `enable_validation=True`, Logger + Tracer + Metrics decorators.",
        f"{ROUNDS} rounds; each round runs, for each module, one fresh interpreter that imports the baseline and then",
        "the module, and one that imports the module and then the baseline. All figures are CPU time: an import runs",
        "on one thread from files the page cache holds, so the wall time adds only what else the shared machine runs.",
        "",
        "**ratio** = (baseline + module's extra - baseline's extra) / baseline, the median of the rounds. The module's",
        "extra is what its import adds after the baseline's in one interpreter; the baseline's extra is what the",
        "baseline's adds after the module's (the resolver, for a queue consumer). A cold import is about half a",
        "second, and the load here moves it by 10-30% from one second to the next; the two extras are tens of",
        "milliseconds each, measured right after the other side's import, so the load moves them by milliseconds.",
        "**fresh ratio** is the median of the rounds' module's cold import over the baseline's cold import just",
        "before it: the same quantity, read with that noise. The CPU columns are each side's fastest round.",
        f"Target: ratio <= {TARGET}. Models build their validators on first use (`clarion.models.Model`);",
        'the "all models built" column is what building all of a function\'s models takes after the import, in the',
        "same interpreter: the most its first requests add, since each builds only the models of its route.",
        "",
        "| function | handler module | ratio | target met | module's extra (ms) | baseline's extra (ms) "
        "| import CPU (ms) | baseline CPU (ms) | fresh ratio | all models built (ms) | import wall (ms) "
        "| baseline wall (ms) |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for function, module in sorted(functions.items()):
        timing = timings[module]
        lines.append(
            f"| {function} | `{module}` | {timing.ratio:.2f} | {'yes' if timing.ratio <= TARGET else 'NO'} "
            f"| {timing.module_extra_seconds * 1000:.0f} | {timing.baseline_extra_seconds * 1000:.0f} "
            f"| {timing.cpu_seconds * 1000:.0f} | {timing.baseline_seconds * 1000:.0f} | {timing.fresh_ratio:.2f} "
            f"| {timing.models_seconds * 1000:.0f} | {timing.wall_seconds * 1000:.0f} "
            f"| {timing.baseline_wall_seconds * 1000:.0f} |"
        )
    measured = [timings[module] for module in sorted(set(functions.values()))]
    gaps = [abs(timing.fresh_ratio - timing.ratio) for timing in measured]
    ratio_spreads = [timing.ratio_spread for timing in measured]
    fresh_spreads = [timing.fresh_spread for timing in measured]
    lines += [
        "",
        f"How steady each is, in this run: the rounds' ratios of a function spread over an interquartile range of"
        f" {statistics.median(ratio_spreads):.3f} at the median function ({max(ratio_spreads):.3f} at most), the"
        f" rounds' fresh ratios over {statistics.median(fresh_spreads):.3f} ({max(fresh_spreads):.3f} at most). The"
        f" fresh ratio is {statistics.median(gaps):.2f} from the ratio at the median function and {max(gaps):.2f} at"
        f" most; the fastest baseline import of a module's rounds ranged from"
        f" {min(timing.baseline_seconds for timing in measured) * 1000:.0f} to"
        f" {max(timing.baseline_seconds for timing in measured) * 1000:.0f} ms between modules.",
    ]
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
