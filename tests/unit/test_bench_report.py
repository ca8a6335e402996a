"""`make bench` writes docs/benchmarks.md again, keeping the section measured by hand (the test suite's speed)."""

from bench.__main__ import SUITE_HEADING, kept_section


def test_the_hand_measured_section_is_kept_to_the_next_section():
    report = "\n".join(["# Benchmarks", "", SUITE_HEADING, "", "| a | b |", "", "## Later", "x"])
    assert kept_section(report, SUITE_HEADING) == ["", SUITE_HEADING, "", "| a | b |", ""]


def test_the_section_runs_to_the_end_and_is_nothing_when_absent():
    assert kept_section(f"# Benchmarks\n{SUITE_HEADING}\nlast", SUITE_HEADING) == ["", SUITE_HEADING, "last"]
    assert kept_section("# Benchmarks\n## Other\n", SUITE_HEADING) == []


def test_the_report_has_the_section():
    from bench.__main__ import REPORT

    assert SUITE_HEADING in REPORT.read_text().splitlines()


def _fanout(rounds: list[tuple[float, float]]):
    from bench.fanout import ClaimCost, Fanout, Minimum

    minimum = Minimum(8.0, 245, 7.5, {"dynamodb:UpdateItem": (100, 3.0)}, rounds[0][1])
    engine_calls = {"dynamodb:UpdateItem": (100, 4.0), "sqs:ReceiveMessage": (11, 0.5)}
    by_operation = {"dynamodb:UpdateItem": 100, "sesv2:SendEmail": 100}
    return Fanout(
        100, 100, 100, by_operation, {"sqs:ReceiveMessage": 11}, 12.0, 9.0, minimum,
        Minimum(2.0, 102, 1.8, {}), engine_calls, ClaimCost(10, 4.0, 3.0), rounds,
    )  # fmt: skip


def test_the_engine_overhead_is_of_all_the_rounds_each_shown():
    from bench.__main__ import fanout_section

    run = _fanout([(12.0, 8.0), (9.0, 8.0), (10.0, 8.0), (13.0, 8.0)])
    assert run.round_overheads == [1.5, 1.125, 1.25, 1.625]
    assert run.cpu_overhead == 44.0 / 32.0
    section = "\n".join(fanout_section(run))
    assert "12.0 s / 8.0 s = 1.50x, 9.0 s / 8.0 s = 1.12x, 10.0 s / 8.0 s = 1.25x, 13.0 s / 8.0 s = 1.62x" in section
    assert "all rounds** | **1.38x** | <= 1.5 |" in section
    assert "triggered 4 times" in section


def test_the_import_ratio_is_of_all_the_rounds_each_shown():
    from bench.imports import ImportFigures, import_summary, imports_section

    run = ImportFigures(
        1000, 0.1, {"dynamodb.BatchWriteItem": 40}, [(15.0, 10.0), (12.0, 10.0)], 40, 70.0, 80.0,
        {"created": 1000, "updated": 0, "failed": 0},
    )  # fmt: skip
    assert run.ratio == 27.0 / 20.0
    section = "\n".join(imports_section(run))
    assert "| 15.0 s / 10.0 s = 1.50x, 12.0 s / 10.0 s = 1.20x | |" in section
    assert "all rounds | 1.35x | <= 1.5x |" in section
    assert "in 2 rounds, each on a stack" in section
    assert import_summary(run)[-1].endswith("| 1.35x | <= 1.5x | yes |")
