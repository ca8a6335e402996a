"""A seeded fault injector for a LocalRuntime: the failures a delivery engine meets in production, made where they
happen, counted as they are made (bench.soak; tests/integration/test_fault_soak.py).

- Provider throttling and 5xx on a share of the senders' provider calls, raised inside moto's backends (so the
  sender's boto3 client parses a real error response into a ClientError, as from AWS): SES v2 SendEmail
  (TooManyRequestsException 429 / InternalServiceErrorException 500), SNS Publish for SMS and push (Throttled 429 /
  InternalError 500), and the in-app inbox PutItem (ProvisionedThroughputExceededException). The chat webhook is
  an HTTP server (local.webhook_server) answering 429 or 503 to the same share of requests. Only calls made by a sender
  function fail: the rest of the stack is untouched.
- Lost deletes: the senders' event source mappings "lose" the DeleteMessageBatch entry of a share of the jobs that
  succeeded, so SQS delivers them again after the visibility timeout (a redelivery).
- Sender deaths: a share of the sender invocations die after their provider calls, just before the batch's sent
  records are written (`DeliveryRecords.mark_sent`): the invocation fails as a crashed Lambda does
  (Runtime.ExitError), its batch comes back after the visibility timeout, its claims stay `sending`.
- A dispatcher death: the first dispatcher invocation dies after writing the records of its k-th audience page and
  before enqueueing their jobs; the dispatch job comes back after its visibility timeout.
- Webhooks down: the chat webhooks named in `down_webhooks` answer 503 to every request, so their messages use up
  their attempts and their jobs end in the chat DLQ.

Each kind of fault draws from its own `random.Random` seeded from (seed, kind), so the faults of one kind do not
move when another kind's calls change. `FaultInjector` is a context manager: leaving it undoes every patch.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from moto.core.exceptions import ServiceException
from moto.dynamodb.models import DynamoDBBackend
from moto.sesv2.models import SESV2Backend
from moto.sns.models import SNSBackend

from local.functions import LambdaError
from local.webhook_server import WebhookServer

if TYPE_CHECKING:
    from local.runtime import LocalRuntime

SENDER_FUNCTIONS = {
    "email": "EmailSenderFunction",
    "sms": "SmsSenderFunction",
    "push": "PushSenderFunction",
    "in_app": "InAppSenderFunction",
    "chat": "ChatSenderFunction",
}
DISPATCHER_FUNCTION = "DispatcherFunction"
_THROTTLED_TABLE = "ProvisionedThroughputExceededException"
# what each provider answers when it throttles, and when it fails on its side (codes of the services' own models)
PROVIDER_ERRORS = {
    "email": (("TooManyRequestsException", "Too many requests"), ("InternalServiceErrorException", "Internal error")),
    "sms": (("Throttled", "Rate exceeded"), ("InternalError", "Internal error")),
    "push": (("Throttled", "Rate exceeded"), ("InternalError", "Internal error")),
    "in_app": ((_THROTTLED_TABLE, "The level of configured provisioned throughput was exceeded"),) * 2,
}
WEBHOOK_STATUSES = (429, 503)


@dataclass(frozen=True)
class FaultRates:
    provider: float = 0.10
    """Share of provider calls failing: half throttled, half a 5xx (in-app: all throttled)."""
    lost_delete: float = 0.05
    """Share of the senders' succeeded jobs whose delete is lost (delivered again)."""
    sender_death: float = 0.03
    """Share of the sender invocations that sent something and die before recording it."""
    dispatcher_death_after_page: int | None = 2
    """The first dispatcher invocation dies after writing this page's records (None: never)."""
    webhooks_down: int = 5
    """How many subscribers' chat webhooks are down for the whole run (bench.soak names them in `down_webhooks`)."""


class ProviderFault(ServiceException):
    """An error a provider answers (defined outside moto's packages: moto serializes it with the called service's
    model, which gives the HTTP status of the code)."""


class InjectedDeath(BaseException):
    """The function's process dies here: nothing after it runs (a BaseException, so no handler catches it)."""


class FaultInjector:
    """`with FaultInjector(runtime, seed) as faults:` ... `faults.injected` counts what was made, by kind."""

    def __init__(self, runtime: LocalRuntime, seed: int, rates: FaultRates | None = None) -> None:
        self.runtime = runtime
        self.seed = seed
        self.rates = rates or FaultRates()
        self.injected: Counter[str] = Counter()
        """Faults made, by kind (e.g. `email TooManyRequestsException`, `lost delete`, `sender death`)."""
        self.stranded_claims = 0
        """Messages sent by a sender invocation that then died: their claims were left `sending`."""
        self.webhook = WebhookServer(self._webhook_status)
        self.down_webhooks: set[str] = set()
        """Names of the webhooks answering 503 to every request (receivers that are down)."""
        self._random: dict[str, random.Random] = {}
        self._lock = threading.Lock()
        self._undo: list[Callable[[], None]] = []
        self._dispatcher_pages = 0
        self._dispatcher_died = False

    # -- deciding ------------------------------------------------------------------------------------------------

    def _draw(self, kind: str, rate: float) -> bool:
        with self._lock:
            rng = self._random.setdefault(kind, random.Random(f"{self.seed}:{kind}"))  # noqa: S311 - not crypto
            return rng.random() < rate

    def _provider_fault(self, channel: str) -> tuple[str, str] | None:
        """The (code, message) a provider call of `channel` fails with, or None; half throttling, half 5xx."""
        if not self._draw(f"provider {channel}", self.rates.provider):
            return None
        error = PROVIDER_ERRORS[channel][0 if self._draw(f"provider kind {channel}", 0.5) else 1]
        self.injected[f"{channel} {error[0]}"] += 1
        return error

    def _calling_function(self) -> str | None:
        return getattr(self.runtime.registry.current, "function", None)

    def _in_sender(self, channel: str) -> bool:
        return self._calling_function() == SENDER_FUNCTIONS[channel]

    def _webhook_status(self, name: str) -> int:
        if name in self.down_webhooks:
            self.injected["webhook down (HTTP 503)"] += 1
            return 503
        if not self._draw("provider chat", self.rates.provider):
            return 200
        status = WEBHOOK_STATUSES[0 if self._draw("provider kind chat", 0.5) else 1]
        self.injected[f"chat HTTP {status}"] += 1
        return status

    # -- installing ----------------------------------------------------------------------------------------------

    def __enter__(self) -> FaultInjector:
        try:
            self.webhook.start()
            self._undo.append(self.webhook.close)
            self._patch_providers()
            self._patch_deletes()
            self._patch_deaths()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        while self._undo:
            self._undo.pop()()

    def _patch(self, owner: Any, name: str, replacement: Any) -> None:
        had_own = name in vars(owner)
        original = vars(owner).get(name)

        def undo() -> None:
            if had_own:
                setattr(owner, name, original)
            else:
                delattr(owner, name)

        setattr(owner, name, replacement)
        self._undo.append(undo)

    def _patch_providers(self) -> None:
        from clarion.store.keys import is_inbox_pk  # noqa: PLC0415 - the application's, once on sys.path

        injector = self
        send_email = SESV2Backend.send_email
        publish = SNSBackend.publish
        put_item = DynamoDBBackend.put_item

        def faulty_send_email(backend: Any, *args: Any, **kwargs: Any) -> Any:
            injector._fail_if_drawn("email")
            return send_email(backend, *args, **kwargs)

        def faulty_publish(backend: Any, *args: Any, **kwargs: Any) -> Any:
            channel = "sms" if kwargs.get("phone_number") else "push"
            injector._fail_if_drawn(channel)
            return publish(backend, *args, **kwargs)

        def faulty_put_item(
            backend: Any, table_name: str, item_attrs: dict[str, Any], *args: Any, **kwargs: Any
        ) -> Any:
            if is_inbox_pk(str(item_attrs.get("pk", {}).get("S", ""))):
                injector._fail_if_drawn("in_app")
            return put_item(backend, table_name, item_attrs, *args, **kwargs)

        self._patch(SESV2Backend, "send_email", faulty_send_email)
        self._patch(SNSBackend, "publish", faulty_publish)
        self._patch(DynamoDBBackend, "put_item", faulty_put_item)

    def _fail_if_drawn(self, channel: str) -> None:
        if self._in_sender(channel) and (error := self._provider_fault(channel)) is not None:
            raise ProviderFault(*error)

    def _patch_deletes(self) -> None:
        senders = set(SENDER_FUNCTIONS.values())
        for poller in self.runtime.event_sources.pollers:
            if poller.mapping.function_id in senders:
                self._patch(poller, "sqs", _LosingDeletes(poller.sqs, self._lose_delete))

    def _lose_delete(self) -> bool:
        lost = self._draw("lost delete", self.rates.lost_delete)
        if lost:
            self.injected["lost delete"] += 1
        return lost

    def _patch_deaths(self) -> None:
        from clarion.engine.record_store import DispatchedRecords  # noqa: PLC0415
        from clarion.store.records import DeliveryRecords  # noqa: PLC0415 - the application's, once on sys.path

        injector = self
        registry = self.runtime.registry
        invoke, mark_sent, write = registry.invoke, DeliveryRecords.mark_sent, DispatchedRecords.write
        senders = set(SENDER_FUNCTIONS.values())

        def dying_invoke(logical_id: str, event: Any) -> Any:
            try:
                return invoke(logical_id, event)
            except InjectedDeath as death:  # as Lambda reports a runtime that exited mid-invocation
                payload = {"errorType": "Runtime.ExitError", "errorMessage": f"injected: {death}", "requestId": ""}
                raise LambdaError(logical_id, payload) from None

        def dying_mark_sent(records: Any, sent: list[tuple[Any, str]]) -> int:
            if injector._calling_function() in senders and injector._draw("sender death", injector.rates.sender_death):
                injector.injected["sender death"] += 1
                injector.stranded_claims += len(sent)
                raise InjectedDeath("the sender died after its provider calls, before recording them")
            result: int = mark_sent(records, sent)
            return result

        def dying_write(store: Any, records: list[Any]) -> None:
            write(store, records)
            after = injector.rates.dispatcher_death_after_page
            if injector._calling_function() != DISPATCHER_FUNCTION or injector._dispatcher_died or after is None:
                return
            injector._dispatcher_pages += 1
            if injector._dispatcher_pages >= after:
                injector._dispatcher_died = True
                injector.injected["dispatcher death"] += 1
                raise InjectedDeath(f"the dispatcher died after writing page {after}'s records, before enqueueing")

        self._patch(registry, "invoke", dying_invoke)
        self._patch(DeliveryRecords, "mark_sent", dying_mark_sent)
        self._patch(DispatchedRecords, "write", dying_write)


class _LosingDeletes:
    """An SQS client whose DeleteMessageBatch drops the entries `lose()` picks (the others are deleted)."""

    def __init__(self, sqs: Any, lose: Callable[[], bool]) -> None:
        self._sqs = sqs
        self._lose = lose

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sqs, name)

    def delete_message_batch(self, *, QueueUrl: str, Entries: list[dict[str, Any]]) -> Any:
        kept = [entry for entry in Entries if not self._lose()]
        if not kept:
            return {"Successful": [], "Failed": []}
        return self._sqs.delete_message_batch(QueueUrl=QueueUrl, Entries=kept)
