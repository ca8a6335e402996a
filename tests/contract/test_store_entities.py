"""The repositories return typed entities (clarion.store.entities): mypy refuses a misspelled attribute of an item
they return, and accepts the attribute spelled right; the entities cost the functions nothing at run time
(docs/architecture.md, "Package graph", store)."""

import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

from clarion.store import entities, records
from tests.conftest import ROOT
from tests.contract.support.imports import modules_loaded_by

SNIPPET = """\
from clarion.store.campaigns import CampaignsRepository


def identifier(campaign_id: str) -> str | None:
    campaign = CampaignsRepository().get("env", campaign_id)
    return None if campaign is None else campaign["identifier"]


def misspelled(campaign_id: str) -> str | None:
    campaign = CampaignsRepository().get("env", campaign_id)
    return None if campaign is None else campaign["identifer"]
"""
MISSPELLED_LINE = SNIPPET.splitlines().index('    return None if campaign is None else campaign["identifer"]') + 1


def test_mypy_refuses_a_misspelled_attribute_of_an_entity_and_accepts_it_spelled_right(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(SNIPPET)
    arguments = ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path / "cache"), str(snippet)]

    # a process of its own: mypy raises the interpreter's recursion limit for good, which would change what the
    # request boundary's JSON parser accepts in every later test of this worker
    result = subprocess.run([sys.executable, "-m", "mypy", *arguments], capture_output=True, text=True, check=False)
    report, errors, status = result.stdout, result.stderr, result.returncode

    assert errors == ""
    found = [line for line in report.splitlines() if ": error: " in line]
    refusal = 'error: TypedDict "Campaign" has no key "identifer"  [typeddict-item]'
    assert found == [f"{snippet}:{MISSPELLED_LINE}: {refusal}"]
    assert status == 1


@pytest.mark.parametrize("handler", ["senders.handler", "dispatcher.handler", "triggers.handler"])
def test_a_function_does_not_import_the_entities_at_run_time(handler: str) -> None:
    assert modules_loaded_by(handler, "'clarion.store.entities' in sys.modules") == "False"


def test_the_entities_channel_is_the_senders_channel() -> None:
    assert get_args(entities.Channel) == get_args(records.Channel)
