"""A report search as asked: its filters, window and limits, and what is refused."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from syncline.errors import Invalid, SynclineError
from syncline.models import Status, iso, utcnow

DEFAULT_DAYS = 5
MAX_DAYS = 15
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_SYNC_IDS = 100
MAX_RESYNC_IDS = 1000
# A Pending entry not updated for this long is stuck (at least: its service's longest retry wait
# plus the circuit breaker's delay, so an entry waiting for a retry is never taken for stuck).
STUCK_AFTER = timedelta(minutes=30)
CIRCUIT_DELAY = timedelta(minutes=15)
RETRY_MARGIN = timedelta(hours=1)
# "Most attention first": the order of sort=status, newest first within each status.
STATUS_ORDER = (Status.FAILED, Status.PENDING, Status.SENT, Status.OK)
RARE_STATUSES = frozenset({Status.FAILED, Status.PENDING, Status.SENT})

SYNC_ID_PATTERN = r"^[0-9a-f]{24}$"
RUN_ID_PATTERN = r"^\d{8}T\d{9}-[0-9a-f]{6}$"
EXPORT_ID_PATTERN = r"^[0-9a-f]{24}$"
_SYNC_ID_RE = re.compile(SYNC_ID_PATTERN)
_RUN_ID_RE = re.compile(RUN_ID_PATTERN)

MAX_CHUNK = 1000  # rows per Query call when a stream keeps being consumed
PREFETCH_THREADS = 8
CURSOR_VERSION = 2  # 2: one position for every stream (was one per stream)


# time (newest first), status (Failed, Pending, Sent, OK, then time), service (by service id, then
# newest run first), reference (A to Z ignoring case, then sync id).
Sort = Literal["time", "status", "service", "reference"]


class BadRequest(SynclineError):
    """The request is malformed (window, cursor, parameter combination): HTTP 400."""

    code = "bad_request"


class Match(BaseModel):
    """An exact value, or a prefix (written with a trailing ``*``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: str
    prefix: bool = False

    @classmethod
    def parse(cls, text: str, field_name: str) -> Match:
        if text.endswith("*"):
            value = text[:-1]
            if not value or "*" in value:
                raise Invalid(
                    f"{field_name}: a prefix needs at least one character before a single trailing '*'",
                    fields=[{"field": f"query.{field_name}", "message": "bad prefix"}],
                )
            return cls(value=value, prefix=True)
        if "*" in text or not text:
            raise Invalid(
                f"{field_name}: give a value, or a prefix ending in '*'",
                fields=[{"field": f"query.{field_name}", "message": "bad value"}],
            )
        return cls(value=text)

    def matches(self, candidate: str | None) -> bool:
        """Case-insensitive, like the reference index (which holds references case-folded)."""
        if candidate is None:
            return False
        got, wanted = candidate.casefold(), self.value.casefold()
        return got.startswith(wanted) if self.prefix else got == wanted


class ReportQuery(BaseModel):
    """What to search for. Build it with `report_query` (which resolves the window)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    statuses: tuple[Status, ...] = ()
    services: tuple[str, ...] = ()
    source_systems: tuple[str, ...] = ()
    destination_systems: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()  # either side
    source_entities: tuple[str, ...] = ()
    destination_entities: tuple[str, ...] = ()
    run_id: str | None = None
    sync_ids: tuple[str, ...] = ()
    reference: Match | None = None
    source_id: Match | None = None
    endpoint_id: Match | None = None
    start: datetime | None = None
    end: datetime | None = None
    window: str = ""  # how the window was asked for: part of the cursor's fingerprint
    sort: Sort = "time"
    order: Literal["desc", "asc"] = "desc"

    def scoped_beyond_services(self) -> bool:
        return bool(
            self.source_systems
            or self.destination_systems
            or self.entities
            or self.source_entities
            or self.destination_entities
        )

    @property
    def scoped(self) -> bool:
        """Whether the search is limited to some services (by id, system or entity)."""
        return bool(
            self.services
            or self.source_systems
            or self.destination_systems
            or self.entities
            or self.source_entities
            or self.destination_entities
        )

    def fingerprint(self, tenant_id: str, kind: str = "items") -> str:
        body = self.model_dump(mode="json", exclude={"start", "end"})
        digest = hashlib.sha256(json.dumps([kind, tenant_id, body], sort_keys=True).encode())
        return digest.hexdigest()[:16]


PERIODS = ("today", "yesterday", "this_week", "last_week")
Period = Literal["today", "yesterday", "this_week", "last_week"]


def period_window(period: str, now: datetime, zone: str = "UTC") -> tuple[datetime, datetime]:
    """A named period in the time zone `zone` (the company group's); weeks start on Monday. The
    current ones end now. Midnights are local ones, so a day across a DST change is 23 or 25 hours."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    local = now.astimezone(tz)

    def midnight(days_back: int) -> datetime:
        day = local.date() - timedelta(days=days_back)
        return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)

    weekday = local.weekday()
    return {
        "today": (midnight(0), now),
        "yesterday": (midnight(1), midnight(0)),
        "this_week": (midnight(weekday), now),
        "last_week": (midnight(weekday + 7), midnight(weekday)),
    }[period]


def resolve_window(
    days: int | None,
    start: datetime | None,
    end: datetime | None,
    *,
    period: str | None = None,
    default: bool = True,
    now: datetime | None = None,
    zone: str = "UTC",
) -> tuple[datetime | None, datetime | None, str]:
    """The (start, end) of a search: `days` back from now, a named `period`, or `from`/`to`, at
    most MAX_DAYS long. Without any of them: the last DEFAULT_DAYS days, or no window when
    `default` is False."""
    now = now or utcnow()
    if period is not None:
        if days is not None or start is not None or end is not None:
            raise Invalid(
                "give one of period, days or from/to",
                fields=[{"field": "query.period", "message": "cannot be combined with days or from/to"}],
            )
        if period not in PERIODS:
            raise Invalid(
                f"period is one of {', '.join(PERIODS)}",
                fields=[{"field": "query.period", "message": f"one of {', '.join(PERIODS)}"}],
            )
        first, last = period_window(period, now, zone)
        return first, last, f"period={period};tz={zone}"
    if days is not None and (start is not None or end is not None):
        raise Invalid(
            "give either days or from/to, not both",
            fields=[{"field": "query.days", "message": "cannot be combined with from/to"}],
        )
    if days is not None:
        if not 1 <= days <= MAX_DAYS:
            raise Invalid(
                f"days must be between 1 and {MAX_DAYS}",
                fields=[{"field": "query.days", "message": f"must be between 1 and {MAX_DAYS}"}],
            )
        return now - timedelta(days=days), now, f"days={days}"
    if start is None and end is None:
        if not default:
            return None, None, "none"
        return now - timedelta(days=DEFAULT_DAYS), now, "default"
    end = _utc(end) if end is not None else now
    start = _utc(start) if start is not None else end - timedelta(days=DEFAULT_DAYS)
    if start >= end:
        raise Invalid(
            "from must be before to", fields=[{"field": "query.from", "message": "must be before to"}]
        )
    if end - start > timedelta(days=MAX_DAYS):
        raise Invalid(
            f"the window is at most {MAX_DAYS} days",
            fields=[{"field": "query.from", "message": f"window longer than {MAX_DAYS} days"}],
        )
    return start, end, f"from={iso(start)};to={iso(end)}"


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def run_stamp(value: datetime) -> str:
    """The run-id prefix of an instant: run ids start with their UTC start time."""
    value = value.astimezone(UTC)
    return value.strftime("%Y%m%dT%H%M%S") + f"{value.microsecond // 1000:03d}"
