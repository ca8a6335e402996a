"""The cold start bench (docs/benchmarks.md, "Cold start"): each round imports the baseline then the module in one
interpreter and the module then the baseline in another; the ratio is the median of the rounds' (baseline + the
module's extra - the baseline's extra) / baseline, and the fresh ratio the median of the rounds' cold imports'
quotients."""

import pytest

from bench import cold_start
from bench.cold_start import BASELINE, TARGET, ImportTiming, Probe, measure, section_lines, summary_row


def test_each_round_imports_both_orders_and_the_ratio_adds_the_extras_to_the_baseline(
    monkeypatch: pytest.MonkeyPatch,
):
    # the load changes between rounds and only adds time; the extras are small and barely move
    load = iter([3.0, 1.0, 1.0, 3.0, 2.0, 2.0])
    calls: list[tuple[str, str, bool]] = []

    def probe(first: str, second: str, *, build_models: bool = False) -> Probe:
        calls.append((first, second, build_models))
        factor = next(load)
        if first == BASELINE:  # the baseline costs 0.5 s at best; the module adds 0.1 s to it
            return Probe(factor, factor * 0.5, 0.1, 0.1, 0)
        # the module alone costs 0.55 s at best; the baseline then adds 0.05 s (its resolver)
        return Probe(factor, factor * 0.55, 0.05, 0.05, 0.02)

    monkeypatch.setattr(cold_start, "import_seconds", probe)
    [timing] = measure(["lists.handler"], rounds=3)
    assert calls == [(BASELINE, "lists.handler", False), ("lists.handler", BASELINE, True)] * 3
    # rounds' ratios: (1.5 + 0.1 - 0.05) / 1.5, (1.0 + 0.05) / 1.0, (0.5 + 0.05) / 0.5 = 1.033, 1.05, 1.1
    assert timing.ratio == pytest.approx(1.05)
    assert timing.ratio_spread == pytest.approx(1.1 - 1.55 / 1.5)  # three rounds: their quartiles are the ends
    assert timing.module_extra_seconds == pytest.approx(0.1)
    assert timing.baseline_extra_seconds == pytest.approx(0.05)
    assert timing.cpu_seconds == pytest.approx(0.55)  # the fastest of 0.55, 1.65 and 1.1
    assert timing.baseline_seconds == pytest.approx(0.5)  # the fastest of 1.5, 0.5 and 1.0
    # the cold imports' own ratios, round by round: 0.55 / 1.5, 1.65 / 0.5, 1.1 / 1.0
    assert timing.fresh_ratio == pytest.approx(1.1)
    assert timing.fresh_spread == pytest.approx(3.3 - 0.55 / 1.5)
    assert timing.models_seconds == pytest.approx(0.02)
    assert timing.wall_seconds == pytest.approx(2.0)  # wall times stay medians


def timing(module: str, ratio: float, fresh_ratio: float = 1.12) -> ImportTiming:
    return ImportTiming(module, ratio, 0.004, 0.06, 0.01, 0.56, 0.5, fresh_ratio, 0.08, 0.01, 2.0, 1.8)


def test_the_section_has_a_row_per_function_against_the_target_and_the_two_estimates_gap():
    lines = section_lines({"ListsFunction": "lists.handler"}, {"lists.handler": timing("lists.handler", 1.1)}, "note")
    assert lines[2] == "note"
    assert f"Target: ratio <= {TARGET}." in "\n".join(lines)
    assert (
        lines[-3] == "| ListsFunction | `lists.handler` | 1.10 | yes | 60 | 10 | 560 | 500 | 1.12 | 10 | 2000 | 1800 |"
    )
    assert lines[-1].startswith(
        "How steady each is, in this run: the rounds' ratios of a function spread over an interquartile range of"
        " 0.004 at the median function (0.004 at most), the rounds' fresh ratios over 0.080 (0.080 at most). The"
        " fresh ratio is 0.02 from the ratio at the median function and 0.02 at most;"
    )


def test_a_function_over_the_target_is_marked():
    lines = section_lines({"ListsFunction": "lists.handler"}, {"lists.handler": timing("lists.handler", 1.16)})
    assert "| 1.16 | NO |" in lines[-3]


def test_the_summary_names_the_worst_function():
    row = summary_row([timing("lists.handler", 1.1), timing("campaigns.handler", 1.2)])
    assert row == f"| cold start, worst function (campaigns.handler) | 1.20x | <= {TARGET}x | **no** |"
