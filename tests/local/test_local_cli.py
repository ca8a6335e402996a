"""`python -m local`'s options: each has an environment variable, and `--help` lists both without starting."""

import subprocess
import sys
from pathlib import Path

import pytest

from local.__main__ import DATA_DIR, parse_arguments

ROOT = Path(__file__).resolve().parents[2]


def test_help_lists_the_options_and_their_environment_variables_and_starts_nothing() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "local", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
    )

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("usage: python -m local")
    for option, variable in [
        ("--port", "CLARION_PORT"),
        ("--admin-key", "CLARION_ADMIN_KEY"),
        ("--time-scale", "CLARION_TIME_SCALE"),
        ("--template", "CLARION_TEMPLATE"),
        ("--data-dir", "CLARION_DATA_DIR"),
        ("--fresh", "CLARION_FRESH=1"),
        ("--in-memory", "CLARION_IN_MEMORY=1"),
    ]:
        assert f"{variable} " in done.stdout
        assert option in done.stdout.split(variable, 1)[1].splitlines()[0]
    assert "Clarion API" not in done.stdout


def test_without_options_or_variables_the_stack_keeps_its_data_in_the_repository() -> None:
    arguments = parse_arguments([], {})

    assert (arguments.port, arguments.admin_key, arguments.time_scale) == (3000, None, 1.0)
    assert arguments.template == str(ROOT / "template.yaml")
    assert (arguments.data_dir, arguments.fresh, arguments.in_memory) == (DATA_DIR, False, False)
    assert DATA_DIR == ROOT / ".clarion-data"


def test_environment_variables_set_the_options_and_the_command_line_wins() -> None:
    environ = {
        "CLARION_PORT": "3001",
        "CLARION_ADMIN_KEY": "sk_local_admin_key_0000",
        "CLARION_TIME_SCALE": "0",
        "CLARION_TEMPLATE": "other.yaml",
        "CLARION_DATA_DIR": "/tmp/clarion",
        "CLARION_FRESH": "1",
        "CLARION_IN_MEMORY": "true",
    }

    from_environment = parse_arguments([], environ)
    from_command_line = parse_arguments(["--port", "3002", "--data-dir", "here"], environ)

    assert (from_environment.port, from_environment.admin_key, from_environment.time_scale) == (
        3001,
        "sk_local_admin_key_0000",
        0.0,
    )
    assert (from_environment.template, from_environment.data_dir) == ("other.yaml", Path("/tmp/clarion"))
    assert (from_environment.fresh, from_environment.in_memory) == (True, True)
    assert (from_command_line.port, from_command_line.data_dir) == (3002, Path("here"))


def test_a_malformed_variable_is_an_error_naming_its_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_arguments([], {"CLARION_PORT": "three thousand"})

    assert exited.value.code == 2
    assert "--port: invalid int value: 'three thousand'" in capsys.readouterr().err
