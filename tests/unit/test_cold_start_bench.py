"""The cold start bench (docs/benchmarks.md, "Cold start"): each module's import is paired with a baseline import
just before it, and its ratio is the median of its pairs' ratios of CPU time."""

import pytest

from bench import cold_start
from bench.cold_start import BASELINE, TARGET, ImportTiming, Probe, measure, section_lines, summary_row


def test_a_module_is_paired_with_the_baseline_imported_just_before_it(monkeypatch: pytest.MonkeyPatch):
    # the load changes between rounds: the baseline's CPU time and the module's rise and fall together
    load = iter([1.0, 1.0, 3.0, 3.0, 2.0, 2.0])
    calls: list[str] = []

    def probe(module: str) -> Probe:
        calls.append(module)
        factor = next(load)
        return Probe(wall_seconds=factor, cpu_seconds=factor * (0.5 if module == BASELINE else 0.55), models_seconds=0)

    monkeypatch.setattr(cold_start, "import_seconds", probe)
    [timing] = measure(["lists.handler"], rounds=3)
    assert calls == [BASELINE, "lists.handler"] * 3
    assert timing.ratio == pytest.approx(1.1)
    assert timing.cpu_seconds == pytest.approx(1.1)  # the median of 0.55, 1.65 and 1.1
    assert timing.baseline_seconds == pytest.approx(1.0)


def timing(module: str, ratio: float) -> ImportTiming:
    return ImportTiming(module, 0.55, 0.5, 0.01, 2.0, 1.8, ratio)


def test_the_section_has_a_row_per_function_against_the_target():
    lines = section_lines({"ListsFunction": "lists.handler"}, {"lists.handler": timing("lists.handler", 1.1)}, "note")
    assert lines[2] == "note"
    assert f"Target: ratio <= {TARGET}." in "\n".join(lines)
    assert lines[-1] == "| ListsFunction | `lists.handler` | 550 | 500 | 1.10 | yes | 10 | 2000 | 1800 |"


def test_the_summary_names_the_worst_function():
    row = summary_row([timing("lists.handler", 1.1), timing("campaigns.handler", 1.2)])
    assert row == f"| cold start, worst function (campaigns.handler) | 1.20x | <= {TARGET}x | **no** |"
