"""The messages that travel on Syncline's queues."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from syncline.models import ID_PATTERN, Status, SyncItem, Trigger


class Entry(BaseModel):
    """What the report shows of a record queued by fan-out: its first attempt creates the row."""

    model_config = ConfigDict(extra="forbid")

    reference: str
    source_id: str
    created_at: datetime
    source_system: str
    source_entity: str
    destination_system: str
    destination_entity: str

    @classmethod
    def of(cls, item: SyncItem) -> Entry:
        return cls.model_validate(item.model_dump(include=set(cls.model_fields)))


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
    # Set by fan-out (the record has no row until its first attempt); absent when the row exists.
    entry: Entry | None = None
    # A resync with refetch: push the record as the source has it now (fetched by its source id),
    # not the stored payload (which stays on the row should the source no longer have it). None,
    # not False, otherwise: absent from the message.
    refetch: bool | None = None

    def fresh_item(self) -> SyncItem | None:
        """The row the first attempt creates (None when the message is not fan-out's)."""
        if self.entry is None:
            return None
        return SyncItem(
            tenant_id=self.tenant_id,
            sync_id=self.sync_id,
            run_id=self.run_id,
            service_id=self.service_id,
            status=Status.PENDING,
            updated_at=self.entry.created_at,
            payload_ref=self.payload_ref,
            **self.entry.model_dump(),
        )


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
