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
