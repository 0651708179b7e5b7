"""Domain exceptions raised by the library; the API maps each kind to one HTTP status."""

from __future__ import annotations


class SynclineError(Exception):
    code = "error"

    def __init__(self, message: str, *, fields: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or []


class NotFound(SynclineError):
    code = "not_found"


class Conflict(SynclineError):
    code = "conflict"


class Invalid(SynclineError):
    code = "invalid"


class Throttled(SynclineError):
    code = "throttled"
