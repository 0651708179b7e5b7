"""A report entry as the API shows it, and as a CSV row."""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import ValidationError

from syncline import error_catalog
from syncline.csvsafe import neutralise
from syncline.models import ErrorInfo, SyncItem, iso
from syncline.reports.links import Links


def error_view(error: ErrorInfo | None, system: str | None) -> dict[str, Any] | None:
    """An error with what it means and what to do (the error catalog's note)."""
    if error is None:
        return None
    return error.model_dump() | error_catalog.explain(error.code, error.message, system)


def entry(item: SyncItem, additional: bool = False, links: Links | None = None) -> dict[str, Any]:
    """A report entry as the API shows it (never the stored payload). With `additional`, also its
    ids, its latest attempt (the error with the catalog's note) and, given `links`, where the record
    is in the source's and the destination's admin."""
    out: dict[str, Any] = {
        "sync_id": item.sync_id,
        "run_id": item.run_id,
        "service_id": item.service_id,
        "status": item.status.value,
        "reference": item.reference,
        "source_system": item.source_system,
        "source_entity": item.source_entity,
        "destination_system": item.destination_system,
        "destination_entity": item.destination_entity,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
    }
    if additional:
        out["source_id"] = item.source_id
        out["endpoint_id"] = item.endpoint_id
        out["earlier_runs"] = list(item.earlier_runs)
        out["latest"] = {
            "attempts": item.attempts,
            "error": error_view(item.last_error, item.destination_system),
            "synced_at": iso(item.updated_at),
            "payload_stored": item.payload is not None or item.payload_ref is not None,
        }
        if links is not None:
            out |= links.of(item)
    return out


CSV_COLUMNS = [
    "sync_id",
    "run_id",
    "service_id",
    "status",
    "reference",
    "source_id",
    "endpoint_id",
    "attempts",
    "error_code",
    "error_message",
    "error_meaning",
    "error_next_step",
    "source_system",
    "source_entity",
    "destination_system",
    "destination_entity",
    "created_at",
    "updated_at",
    "source_url",
    "endpoint_url",
]


def _cell(value: str | None) -> str:
    """Text from outside systems, made safe for spreadsheets (no formula injection, OWASP)."""
    if not value:
        return ""
    return neutralise(value)


def csv_row(item: SyncItem, links: Links | None = None) -> list[str]:
    error = item.last_error
    note = error_catalog.explain(error.code, error.message, item.destination_system) if error else None
    urls = links.of(item) if links is not None else {}
    return [
        item.sync_id,
        item.run_id,
        item.service_id,
        item.status.value,
        _cell(item.reference),
        _cell(item.source_id),
        _cell(item.endpoint_id),
        str(item.attempts),
        error.code if error else "",
        _cell(error.message) if error else "",
        note["meaning"] if note else "",
        note["next_step"] if note else "",
        item.source_system,
        item.source_entity,
        item.destination_system,
        item.destination_entity,
        iso(item.created_at),
        iso(item.updated_at),
        _cell(urls.get("source_url")),
        _cell(urls.get("endpoint_url")),
    ]


def _csv_writer(buffer: io.StringIO) -> Any:
    return csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)  # RFC 4180


def validation_fields(exc: ValidationError, prefix: str = "body") -> list[dict[str, str]]:
    """pydantic errors as the API's `fields`, without ever echoing the input."""
    out = []
    for error in exc.errors():
        location = prefix
        for part in error.get("loc", ()):
            location += f"[{part}]" if isinstance(part, int) else f".{part}"
        out.append(
            {"field": location, "message": str(error.get("msg", "invalid")).removeprefix("Value error, ")}
        )
    return out
