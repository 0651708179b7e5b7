"""The one dependency object: what every function works with (stores, queues, the bucket, a way
to open connectors, and the timings the pipeline keeps to). `wiring.deps()` builds it once per
container from the settings; tests build their own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from syncline.connectors import Connector
from syncline.models import DEFAULT_MAX_ATTEMPTS, ConnectorConfig
from syncline.store import ConfigStore, SyncStore
from syncline.tables import TRIGGER_QUEUE, TRIGGER_TIMEOUT_SECONDS, VISIBILITY_PER_TIMEOUT


def _no_connectors(row: ConnectorConfig) -> Connector:
    raise RuntimeError(f"this process opens no connectors (asked for {row.connector_id!r})")


@dataclass(frozen=True)
class Deps:
    config: ConfigStore
    syncs: SyncStore
    sync_queue_url: str
    trigger_queue_url: str = ""
    health_queue_url: str = ""
    sync_dlq_url: str = ""
    bucket: str | None = None
    queue_max_receive_count: int = DEFAULT_MAX_ATTEMPTS
    # A new connector the caller closes (the trigger, confirmations), and one kept open across
    # batches of this container that callers never close (sync_item).
    open_connector: Callable[[ConnectorConfig], Connector] = _no_connectors
    kept_connector: Callable[[ConnectorConfig], Connector] = _no_connectors
    # How long a pull may be silent before the reconciler takes its trigger for dead: one
    # invocation's timeout, or, once handed to the trigger queue, every redelivery of it.
    invocation_seconds: float = TRIGGER_TIMEOUT_SECONDS
    # An item or run untouched this long, with nothing on the queue, has nobody working on it.
    grace_seconds: float = 300.0
    # A never-attempted item is given up only after this long while the queue still holds messages
    # (a deep backlog can keep a record waiting for hours).
    stranded_after_seconds: float = 24 * 3600.0

    @property
    def continuation_seconds(self) -> float:
        """Every redelivery of a continuation on the trigger queue (visibility 6x the timeout)."""
        return VISIBILITY_PER_TIMEOUT * self.invocation_seconds * (TRIGGER_QUEUE.max_receive_count or 1)
