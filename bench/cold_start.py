"""Cold import time of each function's handler module, in fresh interpreters, against the baseline handler; and
the one-time cost its deferred models add later: building every Clarion model the module defines (the first
requests build only those of their routes, so this bounds what they add)."""

import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "bench.baseline_handler"
_PROBE = """
import time
t = time.perf_counter()
import {module}
imported = time.perf_counter() - t
from clarion.models import Model
def walk(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from walk(sub)
t = time.perf_counter()
for model in dict.fromkeys(walk(Model)):
    if not model.__pydantic_complete__:
        model.model_rebuild(force=True)
print(imported, time.perf_counter() - t)
"""


@dataclass(frozen=True)
class ImportTiming:
    module: str
    median_seconds: float
    baseline_seconds: float
    models_seconds: float
    """Median time to build all of the module's deferred models after the import."""

    @property
    def ratio(self) -> float:
        return self.median_seconds / self.baseline_seconds


def import_seconds(module: str) -> tuple[float, float]:
    """The module's import time, then the time to build its deferred models, in one fresh interpreter."""
    env = {"PYTHONPATH": f"{ROOT / 'functions'}:{ROOT / 'layers' / 'core'}:{ROOT}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(module=module)], capture_output=True, text=True, check=True, env=env
    )
    imported, built = result.stdout.split()
    return float(imported), float(built)


def measure(modules: list[str], rounds: int = 7) -> list[ImportTiming]:
    """Interleaves the baseline with each module so machine noise hits both alike; medians of `rounds`."""
    samples: dict[str, list[tuple[float, float]]] = {module: [] for module in [BASELINE, *modules]}
    for _ in range(rounds):
        for module, timings in samples.items():
            timings.append(import_seconds(module))
    baseline = statistics.median(imported for imported, _ in samples[BASELINE])
    return [
        ImportTiming(
            module,
            statistics.median(imported for imported, _ in samples[module]),
            baseline,
            statistics.median(built for _, built in samples[module]),
        )
        for module in modules
    ]
