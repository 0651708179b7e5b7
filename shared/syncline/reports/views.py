"""A report entry as the API shows it, and as a CSV row."""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import ValidationError

from syncline.csvsafe import neutralise
from syncline.models import SyncItem, iso


def entry(item: SyncItem, additional: bool = False) -> dict[str, Any]:
    """A report entry as the API shows it (never the stored payload)."""
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
            "error": item.last_error.model_dump() if item.last_error else None,
            "synced_at": iso(item.updated_at),
            "payload_stored": item.payload is not None or item.payload_ref is not None,
        }
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
    "source_system",
    "source_entity",
    "destination_system",
    "destination_entity",
    "created_at",
    "updated_at",
]


def _cell(value: str | None) -> str:
    """Text from outside systems, made safe for spreadsheets (no formula injection, OWASP)."""
    if not value:
        return ""
    return neutralise(value)


def csv_row(item: SyncItem) -> list[str]:
    error = item.last_error
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
        item.source_system,
        item.source_entity,
        item.destination_system,
        item.destination_entity,
        iso(item.created_at),
        iso(item.updated_at),
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
