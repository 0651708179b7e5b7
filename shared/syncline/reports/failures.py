"""Failures by error: a window's Failed entries grouped by what went wrong, for the console's
failures view and its "resync these" (each group lists its sync ids, up to what one resync takes).

Groups are the error catalog's notes, split by the message with its numbers masked (so the same
refusal of a thousand records is one group, two different refusals are two)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from syncline import error_catalog
from syncline.deps import Deps
from syncline.models import Status, SyncItem, iso
from syncline.reports.query import MAX_LIMIT, MAX_RESYNC_IDS, ReportQuery
from syncline.reports.search import search

MAX_SCANNED = 5_000  # Failed entries read at most (the answer says when there were more)
EXAMPLES = 3


def error_key(item: SyncItem) -> tuple[str, str]:
    error = item.last_error
    code, message = (error.code, error.message) if error else ("", "")
    return error_catalog.group_key(code, message, item.destination_system)


def failures_by_error(
    deps: Deps,
    tenant_id: str,
    start: datetime,
    end: datetime,
    services: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The Failed entries of the window grouped by error, most frequent first."""
    query = ReportQuery(
        statuses=(Status.FAILED,), services=tuple(services or ()), start=start, end=end, window="failures"
    )
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    scanned, cursor = 0, None
    while True:
        page = search(deps, tenant_id, query, limit=MAX_LIMIT, cursor=cursor)
        for item in page.items:
            _add(groups, item)
        scanned += len(page.items)
        cursor = page.next_cursor
        if cursor is None or scanned >= MAX_SCANNED:
            break
        query = query.model_copy(update={"start": page.start, "end": page.end})
    ordered = sorted(groups.values(), key=lambda g: (-g["count"], g["code"], g["message"]))
    for group in ordered:
        group["services"] = sorted(group["services"])
    return {
        "from": iso(start),
        "to": iso(end),
        "scanned": scanned,
        "complete": cursor is None,
        "groups": ordered,
    }


def _add(groups: dict[tuple[str, str], dict[str, Any]], item: SyncItem) -> None:
    key = error_key(item)
    error = item.last_error
    group = groups.get(key)
    if group is None:
        code, message = (error.code, error.message) if error else ("", "")
        group = groups[key] = {
            "code": code,
            "message": message,
            **error_catalog.explain(code, message, item.destination_system),
            "count": 0,
            "services": set(),
            "examples": [],
            "sync_ids": [],
            "first_at": iso(item.updated_at),
            "last_at": iso(item.updated_at),
        }
    group["count"] += 1
    group["services"].add(item.service_id)
    stamp = iso(item.updated_at)
    group["first_at"], group["last_at"] = min(group["first_at"], stamp), max(group["last_at"], stamp)
    if len(group["examples"]) < EXAMPLES:
        group["examples"].append(
            {
                "sync_id": item.sync_id,
                "reference": item.reference,
                "service_id": item.service_id,
                "message": error.message if error else "",
                "updated_at": stamp,
            }
        )
    if len(group["sync_ids"]) < MAX_RESYNC_IDS:
        group["sync_ids"].append(item.sync_id)
