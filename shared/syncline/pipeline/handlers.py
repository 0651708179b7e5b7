"""Event shapes in, library calls out: what the trigger and sync_item handlers delegate to."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import Any

from syncline import wiring
from syncline.pipeline.messages import TriggerRequest
from syncline.pipeline.sync import process_batch, received_from_event
from syncline.pipeline.trigger import run_trigger
from syncline.settings import settings

SAFETY_MARGIN_SECONDS = 20.0


def trigger_requests(event: Mapping[str, Any]) -> list[TriggerRequest]:
    """Accepts the direct-call / Scheduler shape `{tenant_id, service_id, trigger}`, an EventBridge
    scheduled event carrying it in `detail`, and an SQS batch of continuations."""
    if "Records" in event:
        return [TriggerRequest.model_validate_json(r["body"]) for r in event["Records"]]
    if isinstance(event.get("detail"), dict) and "tenant_id" in event["detail"]:
        return [TriggerRequest.model_validate(event["detail"])]
    return [TriggerRequest.model_validate(dict(event))]


def remaining_seconds(context: Any) -> Callable[[], float]:
    """The invocation's remaining time, from the Lambda context (unbounded without one)."""
    remaining_ms = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(remaining_ms):
        return lambda: math.inf
    return lambda: remaining_ms() / 1000


def handle_trigger(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    started = time.monotonic()
    budget = settings().trigger_budget_seconds
    remaining = remaining_seconds(context)

    def time_left() -> float:
        return min(budget - (time.monotonic() - started), remaining() - SAFETY_MARGIN_SECONDS)

    deps = wiring.deps()
    results = [run_trigger(deps, request, time_left) for request in trigger_requests(event)]
    return {"runs": [r.__dict__ for r in results]}


def handle_sync_batch(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    """Partial batch response through Powertools' BatchProcessor: the records whose outcome is
    "retry" are reported as failures; everything else is deleted by the event source.

    The batch is processed as a whole first (one BatchGetItem, concurrent pushes, one run update
    per run), then the processor turns the outcomes into the response. When every record of a
    batch is to be retried, that is still a normal response, not an error: the visibility
    timeouts are already set per message, so the batch must not be thrown back wholesale.
    """
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    result = process_batch(wiring.deps(), received_from_event(event), remaining_seconds(context))
    retry = set(result.failed_message_ids)

    def record_handler(record: SQSRecord) -> None:
        if record.message_id in retry:
            raise RetryLater(record.message_id)

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    response = process_partial_response(
        event=dict(event), record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)


class RetryLater(Exception):
    """Marks a record whose message must come back (its visibility timeout is already set)."""
