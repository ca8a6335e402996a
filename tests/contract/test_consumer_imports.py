"""The queue consumers' cold start: Powertools' batch module imports every parser model (~50 ms) when pydantic is
imported before it, so each consumer's handler imports it first (clarion.job_batches parses with its own record
model, not the parser's)."""

import pytest

from tests.contract.support.imports import modules_loaded_by

CONSUMERS = ["dispatcher.handler", "senders.email", "senders.sms", "senders.push", "senders.chat", "senders.in_app"]
PARSER_MODELS = "aws_lambda_powertools.utilities.parser.models"


@pytest.mark.parametrize("module", CONSUMERS)
def test_a_queue_consumer_does_not_import_powertools_parser_models(module: str):
    loaded = modules_loaded_by(module, f"sorted(m for m in sys.modules if m.startswith({PARSER_MODELS!r}))")
    assert loaded == "[]"
