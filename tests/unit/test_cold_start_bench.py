"""The cold start bench (docs/benchmarks.md, "Cold start"): each module's imports are interleaved with baseline
imports, and its ratio is its fastest import's CPU time over the fastest baseline import's."""

import pytest

from bench import cold_start
from bench.cold_start import BASELINE, TARGET, ImportTiming, Probe, measure, section_lines, summary_row


def test_a_module_is_interleaved_with_the_baseline_and_each_side_counts_its_fastest_round(
    monkeypatch: pytest.MonkeyPatch,
):
    # the load changes between rounds and only adds time: the module's quietest round is not the baseline's
    load = iter([3.0, 1.0, 1.0, 3.0, 2.0, 2.0])
    calls: list[str] = []

    def probe(module: str) -> Probe:
        calls.append(module)
        factor = next(load)
        return Probe(wall_seconds=factor, cpu_seconds=factor * (0.5 if module == BASELINE else 0.55), models_seconds=0)

    monkeypatch.setattr(cold_start, "import_seconds", probe)
    [timing] = measure(["lists.handler"], rounds=3)
    assert calls == [BASELINE, "lists.handler"] * 3
    assert timing.cpu_seconds == pytest.approx(0.55)  # the fastest of 0.55, 1.65 and 1.1
    assert timing.baseline_seconds == pytest.approx(0.5)  # the fastest of 1.5, 0.5 and 1.0
    assert timing.ratio == pytest.approx(1.1)
    assert timing.wall_seconds == pytest.approx(2.0)  # wall times stay medians


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
