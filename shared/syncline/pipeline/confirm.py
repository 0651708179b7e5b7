"""Sent -> OK (or Failed): asynchronous destinations (file drops) confirm pushes later.

Each run of a service whose destination is asynchronous first reads the destination's
confirmations (a confirmation file or a listing of processed/rejected files), moves the
matching Sent items to OK or Failed, adds the change to each item's own run, and then
acknowledges (archives) the confirmations it has stored.
"""

from __future__ import annotations

from collections.abc import Callable

from syncline.connectors import Connector
from syncline.models import ConnectorConfig, ErrorInfo, Service, Status, SyncItem, utcnow
from syncline.store import RunChange, SyncStore


def apply_confirmations(
    syncs: SyncStore,
    service: Service,
    row: ConnectorConfig,
    open_connector: Callable[[ConnectorConfig], Connector],
) -> int:
    """Returns how many Sent items were settled."""
    entity = service.destination.entity
    with open_connector(row) as connector:
        confirmations = getattr(connector, "confirmations", None)
        if not callable(confirmations):
            return 0
        changes: dict[str, RunChange] = {}
        settled = 0
        waiting: dict[str, list[SyncItem]] | None = None
        for confirmation in confirmations(entity):
            if waiting is None:  # the service's Sent items, read once (by_status holds only those)
                waiting = {}
                for sent in syncs.attention_items(service.tenant_id, Status.SENT, service.service_id):
                    waiting.setdefault(sent.endpoint_id or "", []).append(sent)
            for item in waiting.get(confirmation.endpoint_id, []):
                status = Status.OK if confirmation.ok else Status.FAILED
                error = (
                    None
                    if confirmation.ok
                    else ErrorInfo(
                        code="rejected", message=(confirmation.message or "rejected by the destination")[:500]
                    )
                )
                # A rejected entry keeps its payload (a resync sends it again) and its endpoint id
                # (the file name); an accepted one no longer needs the payload.
                kept = {} if error else {"payload": None, "payload_ref": None}
                after = item.model_copy(
                    update={"status": status, "last_error": error, "updated_at": utcnow(), **kept}
                )
                if syncs.confirm_sent(item, after):
                    change = changes.setdefault(item.run_id, RunChange())
                    change.totals[Status.SENT.value] -= 1
                    change.totals[status.value] += 1
                    if error:
                        change.errors.append(error)
                    settled += 1
        for run_id, change in changes.items():
            syncs.apply_run_change(service.tenant_id, run_id, change, closed_ok=True)
        acknowledge = getattr(connector, "acknowledge_confirmations", None)
        if callable(acknowledge):
            acknowledge(entity)
        return settled
