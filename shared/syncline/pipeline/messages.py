"""The messages that travel on Syncline's queues."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from syncline.models import ID_PATTERN, Trigger


class SyncMessage(BaseModel):
    """One record to push: the body of a sync-queue message."""

    model_config = ConfigDict(extra="forbid")

    v: int = 1
    tenant_id: str
    service_id: str
    run_id: str
    sync_id: str
    record: dict[str, Any] | None = None
    payload_ref: str | None = None  # S3 key of the record when it is too large for a message (claim check)
    # Attempts used by earlier copies of this message (the circuit breaker re-sends a fresh copy).
    attempt_offset: int = Field(default=0, ge=0)


class TriggerRequest(BaseModel):
    """Start (or continue) a run of one service. The trigger's direct-call and queue shape."""

    model_config = ConfigDict(extra="ignore")

    tenant_id: str = Field(pattern=ID_PATTERN)
    service_id: str = Field(pattern=ID_PATTERN)
    trigger: Trigger = Trigger.SCHEDULE
    # Set on continuations: the run being continued and where its pull stopped.
    run_id: str | None = None
    since: str | None = None
    page: str | None = None
    cursor: str | None = None
    # Manual runs may override the starting cursor ("since") and the page size.
    page_size: int | None = Field(default=None, ge=1, le=1000)
