"""The Makefile's venv: built by Python 3.11 only, and built again when another Python made it.

Run with `make -n` (nothing is installed) and stand-in interpreters, so the tests need no other Python.
"""

import os
import stat
import subprocess
from pathlib import Path

from tests.conftest import ROOT


def stand_in(path: Path, version: str) -> Path:
    """An interpreter that says it is Python `version`: `--version` prints it, `-c` code prints 'major.minor' when
    asked for it (the venv check) and fails otherwise (the check that refuses another Python)."""
    minor = ".".join(version.split(".")[:2])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "#!/bin/sh\n"
        f'case "$1" in --version) echo "Python {version}";; '
        f'-c) case "$2" in *print*) echo "{minor}";; *) exit 1;; esac;; *) exit 1;; esac\n'
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def make(*arguments: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("MAKE")}
    return subprocess.run(
        ["make", "--no-print-directory", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_python_other_than_3_11_is_refused_with_the_way_out(tmp_path: Path) -> None:
    python = stand_in(tmp_path / "python3.12", "3.12.1")

    done = make("run", f"PYTHON={python}", f"VENV={tmp_path / 'venv'}")

    assert done.returncode != 0
    assert f"Clarion needs Python 3.11, and {python} is Python 3.12.1." in done.stderr
    assert "then run: make PYTHON=python3.11 run" in done.stderr
    assert not (tmp_path / "venv").exists()


def test_a_venv_built_by_another_python_is_built_again(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    stand_in(venv / "bin" / "python", "3.12.1")
    stamp = next(ROOT.joinpath(".venv").glob(".installed-*")).name  # up to date, yet made by the wrong Python
    (venv / stamp).touch()

    planned = make("-n", "run", f"VENV={venv}").stdout.splitlines()

    assert f"rm -rf {venv}" in planned
    assert planned.index(f"rm -rf {venv}") < planned.index(f"python3 -m venv {venv}")
    assert planned[-1] == f"{venv}/bin/python -m local"


def test_an_up_to_date_venv_of_python_3_11_is_used_as_it_is() -> None:
    assert make("-n", "run").stdout.splitlines() == [".venv/bin/python -m local"]
    assert make("-n", "run-fresh").stdout.splitlines() == [".venv/bin/python -m local --fresh"]
