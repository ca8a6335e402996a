"""Cold import time of each function's handler module, in fresh interpreters, against the baseline handler."""

import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "bench.baseline_handler"
_PROBE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


@dataclass(frozen=True)
class ImportTiming:
    module: str
    median_seconds: float
    baseline_seconds: float

    @property
    def ratio(self) -> float:
        return self.median_seconds / self.baseline_seconds


def import_seconds(module: str) -> float:
    env = {"PYTHONPATH": f"{ROOT / 'functions'}:{ROOT / 'layers' / 'core'}:{ROOT}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(module=module)], capture_output=True, text=True, check=True, env=env
    )
    return float(result.stdout.strip())


def measure(modules: list[str], rounds: int = 7) -> list[ImportTiming]:
    """Interleaves the baseline with each module so machine noise hits both alike; medians of `rounds`."""
    samples: dict[str, list[float]] = {module: [] for module in [BASELINE, *modules]}
    for _ in range(rounds):
        for module, timings in samples.items():
            timings.append(import_seconds(module))
    baseline = statistics.median(samples[BASELINE])
    return [ImportTiming(module, statistics.median(samples[module]), baseline) for module in modules]
