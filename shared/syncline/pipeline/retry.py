"""Retry policy: how long a message waits before its next attempt."""

from __future__ import annotations

MAX_VISIBILITY_SECONDS = 43_200  # SQS's ceiling for a visibility timeout (12 hours)


def retry_delay(attempt: int, base: int, ceiling: int, retry_after: float | None = None) -> int:
    """Seconds before attempt `attempt + 1`: grows 2x per attempt, honours Retry-After."""
    delay = min(ceiling, base * 2 ** max(0, attempt - 1))
    if retry_after is not None:
        delay = max(delay, int(retry_after + 0.999))
    return max(0, min(MAX_VISIBILITY_SECONDS, int(delay)))
