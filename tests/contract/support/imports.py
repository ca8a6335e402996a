"""What importing a handler module loads, asked of a fresh interpreter (as Lambda's init phase starts)."""

import os
import subprocess
import sys

from tests.conftest import ROOT


def modules_loaded_by(module: str, selection: str) -> str:
    """The printed value of `selection` (an expression over `sys.modules`) after importing `module` alone."""
    done = subprocess.run(
        [sys.executable, "-c", f"import sys, {module}\nprint({selection})"],
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'functions'}{os.pathsep}{ROOT / 'layers' / 'core'}"},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()
