"""The sync report on top of the store: search, CSV export, resync, runs and dashboard.

Search plans (DESIGN invariant 4: every read is a GetItem, BatchGetItem or Query):

=============================================  ==============================================
request                                        plan (then every other filter is applied in memory)
=============================================  ==============================================
sync_id (one or more, exact)                   BatchGetItem of the item rows
source_id / endpoint_id / reference, exact     by_source / by_endpoint / by_ref, every shard,
                                               ``begins_with(<value>#)``, streams merged
run                                            by_service ``begins_with(<run_id>#)`` on the
                                               run's service (the run row says which)
source_id / endpoint_id / reference, prefix    as exact, ``begins_with(<prefix>)``
service(s) (+ systems, entities)               by_service per service, run-id range from the
                                               window, streams merged newest run first
systems / entities without a service           the company group's services that match, then
                                               as above
status(es) only, or nothing                    by_status per status per shard, key condition on
                                               the update-time window, merged newest first
service/system filter + only Failed/Pending/   by_status as above (the rare statuses are the
Sent statuses                                  smaller set), service filtered in memory
=============================================  ==============================================

KEYS_ONLY indexes are followed by a BatchGetItem of the base rows, for the candidates the merge
actually examines (not for rows read ahead). The cursor is an opaque base64url JSON document
holding the position of every stream (the last examined sort key), the pinned time window and a
fingerprint of the search (company group included), so a page boundary is stable and a cursor
cannot be replayed against a different search. It is signed (HMAC-SHA256 over the whole document,
key from $SYNCLINE_CURSOR_KEY or a random one kept in the config table), then every field is
checked for type and bounds, and every position against its stream's key range, before use.

Time: an entry's time is its last update (``updated_at``). by_service keys carry the run id, which
starts with the run's start time; those plans read runs started up to the service's retry horizon
before the window and keep the entries updated inside it.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import hmac
import io
import json
import math
import re
import secrets
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from threading import Lock
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from syncline import aws
from syncline.deps import Deps
from syncline.errors import Invalid, NotFound, SynclineError
from syncline.models import Connector, Run, RunStatus, Service, Status, SyncItem, Trigger, iso, utcnow
from syncline.store import (
    RunChange,
    SyncStore,
    item_key,
    item_size,
    key_value,
    marshal,
    match_partition,
    run_key,
    runs_partition,
    service_partition,
    status_partition,
    status_shards,
    tenant_pk,
    unmarshal,
)
from syncline.tables import BY_ENDPOINT, BY_REF, BY_SERVICE, BY_SOURCE, BY_STATUS, SHARDS, SYNCS, Index

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
CURSOR_VERSION = 1


class BadRequest(SynclineError):
    """The request is malformed (window, cursor, parameter combination): HTTP 400."""

    code = "bad_request"


# ---------------------------------------------------------------------------------- dependencies


# ---------------------------------------------------------------------------------- the query


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
                raise BadRequest(
                    f"{field_name}: a prefix needs at least one character before a single trailing '*'",
                    fields=[{"field": f"query.{field_name}", "message": "bad prefix"}],
                )
            return cls(value=value, prefix=True)
        if "*" in text or not text:
            raise BadRequest(
                f"{field_name}: give a value, or a prefix ending in '*'",
                fields=[{"field": f"query.{field_name}", "message": "bad value"}],
            )
        return cls(value=text)

    def matches(self, candidate: str | None) -> bool:
        if candidate is None:
            return False
        return candidate.startswith(self.value) if self.prefix else candidate == self.value


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
    sort: Literal["time", "status"] = "time"
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


def resolve_window(
    days: int | None,
    start: datetime | None,
    end: datetime | None,
    *,
    default: bool = True,
    now: datetime | None = None,
) -> tuple[datetime | None, datetime | None, str]:
    """The (start, end) of a search: `days` back from now, or `from`/`to`, at most MAX_DAYS long.
    Without any of them: the last DEFAULT_DAYS days, or no window when `default` is False."""
    now = now or utcnow()
    if days is not None and (start is not None or end is not None):
        raise BadRequest(
            "give either days or from/to, not both",
            fields=[{"field": "query.days", "message": "cannot be combined with from/to"}],
        )
    if days is not None:
        if not 1 <= days <= MAX_DAYS:
            raise BadRequest(
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
        raise BadRequest(
            "from must be before to", fields=[{"field": "query.from", "message": "must be before to"}]
        )
    if end - start > timedelta(days=MAX_DAYS):
        raise BadRequest(
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


# ---------------------------------------------------------------------------------- read accounting


@dataclass
class ReadStats:
    """What a search read: the figure behind "reads little more than it returns"."""

    _lock: Lock = field(default_factory=Lock, repr=False, compare=False)
    queries: int = 0
    index_rows: int = 0  # rows returned by Query calls (index entries, or items for ALL indexes)
    batch_gets: int = 0
    base_rows: int = 0  # item rows fetched by key (KEYS_ONLY follow-ups, sync id lookups)
    returned: int = 0

    def queried(self, rows: int) -> None:
        with self._lock:
            self.queries += 1
            self.index_rows += rows

    @property
    def rows_read(self) -> int:
        return self.index_rows + self.base_rows

    def as_dict(self) -> dict[str, int]:
        return {
            "queries": self.queries,
            "index_rows": self.index_rows,
            "batch_gets": self.batch_gets,
            "base_rows": self.base_rows,
            "returned": self.returned,
        }


# ---------------------------------------------------------------------------------- streams


@dataclass(frozen=True)
class StreamSpec:
    """One Query stream: a partition of an index, optionally a sort-key range or prefix."""

    key: str  # identity inside the cursor
    index: Index
    pk: str
    base_key: Callable[[str], dict[str, str]]  # index sort key -> base table key (raises ValueError)
    lo: str | None = None
    hi: str | None = None
    prefix: str | None = None

    def condition(self) -> tuple[str, dict[str, Any]]:
        values: dict[str, Any] = {":pk": self.pk}
        expression = f"{self.index.pk} = :pk"
        if self.prefix is not None:
            expression += f" AND begins_with({self.index.sk}, :prefix)"
            values[":prefix"] = self.prefix
        elif self.lo is not None and self.hi is not None:
            expression += f" AND {self.index.sk} BETWEEN :lo AND :hi"
            values[":lo"], values[":hi"] = self.lo, self.hi
        return expression, values

    def admits(self, sort_key: str) -> bool:
        if self.prefix is not None and not sort_key.startswith(self.prefix):
            return False
        if self.lo is not None and sort_key < self.lo:
            return False
        if self.hi is not None and sort_key > self.hi:
            return False
        try:
            self.base_key(sort_key)
        except ValueError:
            return False
        return True

    def start_key(self, sort_key: str) -> dict[str, str]:
        return {**self.base_key(sort_key), self.index.pk: self.pk, self.index.sk: sort_key}


def _item_base_key(tenant_id: str) -> Callable[[str], dict[str, str]]:
    def key(sort_key: str) -> dict[str, str]:
        head, _, sync_id = sort_key.rpartition("#")
        if not head or not _SYNC_ID_RE.match(sync_id):
            raise ValueError(sort_key)
        return item_key(tenant_id, sync_id)

    return key


def _run_base_key(tenant_id: str, *, suffix: bool) -> Callable[[str], dict[str, str]]:
    def key(sort_key: str) -> dict[str, str]:
        run_id = sort_key.rpartition("#")[2] if suffix else sort_key
        if not _RUN_ID_RE.match(run_id):
            raise ValueError(sort_key)
        return run_key(tenant_id, run_id)

    return key


M = TypeVar("M")


class _Stream:
    """One Query stream: rows read ahead in `buffer`; `position` is the sort key of the last row
    examined; `peek` is the sort key of the next row when the previous page saw it, so the merge
    can order this stream without reading it again."""

    def __init__(
        self,
        table: SyncStore,
        spec: StreamSpec,
        forward: bool,
        position: str | bool | None,
        peek: str | None,
        stats: ReadStats,
        share: float,
    ) -> None:
        self.table = table
        self.spec = spec
        self.forward = forward
        self.stats = stats
        self.share = share  # the part of a page this stream is expected to supply
        self.boost = 1.0  # doubles with every read: a stream hotter than expected catches up fast
        self.buffer: deque[dict[str, Any]] = deque()
        self.fetched_all = position is False
        self.position: str | None = position if isinstance(position, str) else None
        self.peek: str | None = None if self.fetched_all else peek
        self.next_start: dict[str, str] | None = (
            spec.start_key(position) if isinstance(position, str) else None
        )

    def sort_key(self, row: Mapping[str, Any]) -> str:
        return str(row[self.spec.index.sk])

    def head_key(self, cap: int) -> str | None:
        """The next row's sort key, read only when not known from the previous page."""
        if self.buffer:
            return self.sort_key(self.buffer[0])
        if self.peek is not None:
            return self.peek
        row = self.head(cap)
        return self.sort_key(row) if row is not None else None

    def head(self, cap: int) -> dict[str, Any] | None:
        """The next row. A read takes this stream's expected share of the `cap` rows the caller can
        still use, plus one (the next row, whose key the cursor keeps), never more than cap + 1."""
        while not self.buffer and not self.fetched_all:
            expected = math.ceil(cap * self.share * self.boost) + 1
            self._fetch(max(1, min(cap + 1, MAX_CHUNK, expected)))
            self.boost *= 2
        self.peek = None
        return self.buffer[0] if self.buffer else None

    def _fetch(self, limit: int) -> None:
        expression, values = self.spec.condition()
        rows, last = self.table.query_page(
            index=self.spec.index.name,
            key_condition=expression,
            values=values,
            forward=self.forward,
            limit=limit,
            start_key=self.next_start,
        )
        self.stats.queried(len(rows))
        self.buffer.extend(rows)
        self.next_start = last
        if last is None:
            self.fetched_all = True

    def has_more(self) -> bool:
        return (
            bool(self.buffer) or self.peek is not None or (not self.fetched_all and self.head(1) is not None)
        )

    def state(self) -> str | bool | None:
        if not self.buffer and self.peek is None and self.fetched_all:
            return False
        return self.position

    def next_key(self) -> str | None:
        return self.sort_key(self.buffer[0]) if self.buffer else self.peek


@dataclass
class _Source(Generic[M]):
    """How the rows of a plan become models, and which models to keep."""

    keys_only: bool
    to_model: Callable[[dict[str, Any]], M]
    accept: Callable[[M], bool]
    pre: Callable[[str], bool] | None = None  # a check on the index sort key, before any base read


class _Merge(Generic[M]):
    """Merges sorted streams (by index sort key), examining candidates in order and fetching base
    rows only for the candidates it examines."""

    def __init__(
        self,
        syncs: SyncStore,
        specs: Sequence[StreamSpec],
        forward: bool,
        state: Mapping[str, Any],
        source: _Source[M],
        stats: ReadStats,
        need: int,
        hints: Mapping[str, int] | None = None,
        peeks: Mapping[str, str] | None = None,
    ) -> None:
        # Read-ahead is what a stateless cursor throws away at a page end, so each stream reads its
        # expected share of the page: what it contributed to the previous page (the cursor's hint),
        # else an even share.
        even = 1 / max(1, len(specs))
        self.syncs = syncs
        self.forward = forward
        self.source = source
        self.stats = stats
        self.used: Counter[str] = Counter()
        self.streams = []
        for spec in specs:
            hint = (hints or {}).get(spec.key)
            share = min(1.0, hint / max(1, need)) if hint is not None else even
            peek = (peeks or {}).get(spec.key)
            self.streams.append(_Stream(syncs, spec, forward, state.get(spec.key), peek, stats, share))

    def _best(self, cap: int) -> _Stream | None:
        """The stream whose next row comes first; streams are ordered by their known next keys and
        read only when chosen (a chosen stream's real next row is then compared again)."""
        while True:
            best: _Stream | None = None
            best_key = ""
            for stream in self.streams:
                key = stream.head_key(cap)
                if key is None:
                    continue
                if best is None or (key > best_key if not self.forward else key < best_key):
                    best, best_key = stream, key
            if best is None or best.buffer:
                return best
            best.head(cap)  # known only by its key: read it, then compare again

    def _prefetch(self, cap: int) -> None:
        """The first read of every stream not known from the cursor, concurrently: a page's latency
        is one round trip, not one per stream."""
        cold = [s for s in self.streams if not s.buffer and s.peek is None and not s.fetched_all]
        if len(cold) < 2:
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(PREFETCH_THREADS, len(cold))) as pool:
            list(pool.map(lambda stream: stream.head(cap), cold))

    def take(self, need: int) -> list[M]:
        out: list[M] = []
        batch = need
        self._prefetch(need)
        while len(out) < need:
            examined: list[tuple[_Stream, dict[str, Any]]] = []
            while len(examined) < batch:
                stream = self._best(batch - len(examined))
                if stream is None:
                    break
                examined.append((stream, stream.buffer.popleft()))
            if not examined:
                break
            models = self._resolve(examined)
            cut = len(examined)
            accepted = 0
            for n, model in enumerate(models):
                if model is not None and self.source.accept(model):
                    out.append(model)
                    accepted += 1
                    if len(out) == need:
                        cut = n + 1
                        break
            for stream, row in reversed(examined[cut:]):  # not examined after all: back in front
                stream.buffer.appendleft(row)
            for stream, row in examined[:cut]:
                stream.position = stream.sort_key(row)
                self.used[stream.spec.key] += 1
            remaining = need - len(out)
            rate = max(accepted / cut, 0.02) if cut else 1.0
            batch = max(1, min(100, math.ceil(remaining / rate)))
        return out

    def _resolve(self, examined: list[tuple[_Stream, dict[str, Any]]]) -> list[M | None]:
        pre = self.source.pre
        wanted = [pre is None or pre(stream.sort_key(row)) for stream, row in examined]
        if not self.source.keys_only:
            return [
                self.source.to_model(row) if ok else None
                for (_, row), ok in zip(examined, wanted, strict=True)
            ]
        keys = [
            {"PK": row["PK"], "SK": row["SK"]} for (_, row), ok in zip(examined, wanted, strict=True) if ok
        ]
        rows: dict[str, dict[str, Any]] = {}
        if keys:
            got = self.syncs.get_rows(keys)
            self.stats.batch_gets += math.ceil(len(keys) / 100)
            self.stats.base_rows += len(got)
            rows = {r["PK"]: r for r in got}
        out: list[M | None] = []
        for (_, row), ok in zip(examined, wanted, strict=True):
            base = rows.get(row["PK"]) if ok else None
            out.append(self.source.to_model(base) if base is not None else None)
        return out

    def more(self) -> bool:
        """Whether any stream has rows left (reading at most one row of a stream not yet seen)."""
        return any(stream.has_more() for stream in self.streams)

    def peeks(self) -> dict[str, str]:
        out = {}
        for stream in self.streams:
            key = stream.next_key()
            if key is not None and stream.state() is not False:
                out[stream.spec.key] = key
        return out

    def hints(self) -> dict[str, int]:
        return {key: min(n, MAX_CHUNK) for key, n in self.used.items() if n}

    def state(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for stream in self.streams:
            value = stream.state()
            if value is not None:
                out[stream.spec.key] = value
        return out


# ---------------------------------------------------------------------------------- cursors


CURSOR_MAX_CHARS = 8192
CURSOR_MAX_STREAMS = 256
_CURSOR_FIELDS = frozenset({"v", "f", "w", "p", "s", "h", "n"})  # and "m", the signature
_MAC_BYTES = 16
_cursor_keys: dict[str, bytes] = {}
_cursor_lock = Lock()


def cursor_key() -> bytes:
    """The key cursors are signed with: $SYNCLINE_CURSOR_KEY, else a random key created once in the
    config table (so every container signs alike), cached per process."""
    from syncline import wiring
    from syncline.settings import settings

    configured = settings().cursor_key
    if configured:
        return configured.encode()
    config = wiring.config_store()
    with _cursor_lock:
        if config.name not in _cursor_keys:
            _cursor_keys[config.name] = config.shared_secret("cursor").encode()
        return _cursor_keys[config.name]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _canonical(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def _mac(document: Mapping[str, Any]) -> str:
    """The signature of every field of a cursor document (`m` itself aside)."""
    return _b64(hmac.new(cursor_key(), _canonical(document), hashlib.sha256).digest()[:_MAC_BYTES])


def encode_cursor(document: dict[str, Any]) -> str:
    return _b64(_canonical({**document, "m": _mac(document)}))


def _is_int(value: Any, lo: int, hi: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi


def _str_map(value: Any, ok: Callable[[Any], bool]) -> bool:
    return (
        isinstance(value, dict)
        and len(value) <= CURSOR_MAX_STREAMS
        and all(isinstance(k, str) and len(k) <= 512 and ok(v) for k, v in value.items())
    )


def _valid_document(document: Any) -> bool:
    """Every field of a decoded cursor, typed and bounded."""
    if not isinstance(document, dict) or not set(document) <= _CURSOR_FIELDS:
        return False
    window = document.get("w")
    return (
        document.get("v") == CURSOR_VERSION
        and isinstance(document.get("f"), str)
        and (window is None or (isinstance(window, list) and len(window) == 2))
        and all(isinstance(w, str) and len(w) <= 40 for w in window or ())
        and _is_int(document.get("p", 0), 0, 64)
        and _str_map(document.get("s", {}), lambda v: v is False or (isinstance(v, str) and len(v) <= 2048))
        and _str_map(document.get("n", {}), lambda v: isinstance(v, str) and len(v) <= 2048)
        and _str_map(document.get("h", {}), lambda v: _is_int(v, 0, MAX_CHUNK))
    )


def decode_cursor(cursor: str, fingerprint: str) -> dict[str, Any]:
    """A cursor's document, once its signature, its fingerprint and every field check out."""
    bad = BadRequest(
        "cursor is not valid for this request", fields=[{"field": "query.cursor", "message": "invalid"}]
    )
    if len(cursor) > CURSOR_MAX_CHARS:
        raise bad
    try:
        document = json.loads(_unb64(cursor))
    except (binascii.Error, ValueError, RecursionError):
        raise bad from None
    mac = document.pop("m", None) if isinstance(document, dict) else None
    if not isinstance(mac, str) or not hmac.compare_digest(mac.encode(), _mac(document).encode()):
        raise bad
    if not _valid_document(document) or document.get("f") != fingerprint:
        raise bad
    return dict(document)


def _check_positions(state: Mapping[str, Any], specs: Sequence[StreamSpec]) -> None:
    by_key = {spec.key: spec for spec in specs}
    for key, value in state.items():
        spec = by_key.get(key)
        if spec is None and value is not False:
            raise BadRequest(
                "cursor is not valid for this request",
                fields=[{"field": "query.cursor", "message": "invalid"}],
            )
        if spec is not None and isinstance(value, str) and not spec.admits(value):
            raise BadRequest(
                "cursor is not valid for this request",
                fields=[{"field": "query.cursor", "message": "invalid"}],
            )


def _hints(document: Mapping[str, Any]) -> dict[str, int]:
    """Read-size hints (rows each stream gave the previous page); only ever a performance matter."""
    hints = document.get("h", {})
    if not isinstance(hints, dict):
        return {}
    return {str(k): min(v, MAX_CHUNK) for k, v in hints.items() if isinstance(v, int) and v >= 0}


def _pinned_window(document: Mapping[str, Any], query: ReportQuery) -> ReportQuery:
    """The window the first page resolved. No window only where the search itself has none (a run
    or sync ids): a cursor never lifts the window's bound."""
    window = document.get("w")
    if window is None:
        if query.start is not None or query.end is not None:
            raise BadRequest("cursor is not valid", fields=[{"field": "query.cursor", "message": "invalid"}])
        return query
    try:
        start, end = (datetime.fromisoformat(w.replace("Z", "+00:00")) for w in window)
    except (TypeError, ValueError, AttributeError):
        raise BadRequest(
            "cursor is not valid", fields=[{"field": "query.cursor", "message": "invalid"}]
        ) from None
    if not start < end or end - start > timedelta(days=MAX_DAYS, seconds=1):
        raise BadRequest("cursor is not valid", fields=[{"field": "query.cursor", "message": "invalid"}])
    return query.model_copy(update={"start": start, "end": end})


# ---------------------------------------------------------------------------------- report search


@dataclass
class ReportPage:
    items: list[SyncItem]
    next_cursor: str | None
    plan: str
    start: datetime | None
    end: datetime | None
    stats: ReadStats


@dataclass
class _Plan:
    name: str
    specs: list[StreamSpec]
    keys_only: bool
    pre: Callable[[str], bool] | None = None


class _Context:
    """Per-search memo of what the planner needs from the config table."""

    def __init__(self, deps: Deps, tenant_id: str) -> None:
        self.deps = deps
        self.tenant_id = tenant_id
        self._services: dict[str, Service] | None = None
        self._connectors: dict[str, Connector] | None = None
        self._runs: dict[str, Run | None] = {}

    def services(self) -> dict[str, Service]:
        if self._services is None:
            self._services = {s.service_id: s for s in self.deps.config.list_services(self.tenant_id)}
        return self._services

    def connectors(self) -> dict[str, Connector]:
        if self._connectors is None:
            self._connectors = {c.connector_id: c for c in self.deps.config.list_connectors(self.tenant_id)}
        return self._connectors

    def run(self, run_id: str) -> Run | None:
        if run_id not in self._runs:
            self._runs[run_id] = self.deps.syncs.get_run(self.tenant_id, run_id)
        return self._runs[run_id]


def _item_from_row(row: Mapping[str, Any]) -> SyncItem:
    skip = {*SYNCS.key_attributes(), "PK", "SK", "expires_at"}
    return SyncItem.model_validate({k: v for k, v in row.items() if k not in skip})


def _run_from_row(row: Mapping[str, Any]) -> Run:
    skip = {*SYNCS.key_attributes(), "PK", "SK", "expires_at"}
    return Run.model_validate({k: v for k, v in row.items() if k not in skip})


def _lag(service: Service | None) -> timedelta:
    """How long after its run started an entry can still be updated by retries."""
    if service is None:
        return RETRY_MARGIN + timedelta(hours=1)
    settings = service.settings
    return timedelta(seconds=max(0, settings.max_attempts - 1) * settings.retry_max_seconds) + RETRY_MARGIN


def _matching_services(ctx: _Context, q: ReportQuery) -> list[str]:
    """Service ids to read for a service/system/entity search."""
    if q.services and not q.scoped_beyond_services():
        return list(q.services)
    services = ctx.services()
    needs_systems = bool(q.source_systems or q.destination_systems)
    connectors = ctx.connectors() if needs_systems else {}

    def fits(service: Service) -> bool:
        if q.entities and not {service.source.entity, service.destination.entity} & set(q.entities):
            return False
        if q.source_entities and service.source.entity not in q.source_entities:
            return False
        if q.destination_entities and service.destination.entity not in q.destination_entities:
            return False
        if q.source_systems:
            row = connectors.get(service.source.connector_id)
            if row is None or row.system not in q.source_systems:
                return False
        if q.destination_systems:
            row = connectors.get(service.destination.connector_id)
            if row is None or row.system not in q.destination_systems:
                return False
        return True

    if q.services:
        # A named service may be gone while its entries remain: read it unless it provably does not fit.
        return [s for s in q.services if s not in services or fits(services[s])]
    return [s.service_id for s in services.values() if fits(s)]


def _status_specs(tenant_id: str, statuses: Iterable[Status], q: ReportQuery) -> list[StreamSpec]:
    lo = iso(q.start) if q.start else None
    hi = iso(q.end) + "~" if q.end else None
    base = _item_base_key(tenant_id)
    return [
        StreamSpec(
            key=f"S#{status.value}#{n}",
            index=BY_STATUS,
            pk=status_partition(tenant_id, status, n),
            base_key=base,
            lo=lo,
            hi=hi,
        )
        for status in statuses
        for n in range(status_shards(status))
    ]


def _service_specs(
    tenant_id: str,
    service_id: str,
    *,
    prefix: str | None = None,
    lo: str | None = None,
    hi: str | None = None,
) -> list[StreamSpec]:
    """One stream per shard of a service's by_service partitions."""
    return [
        StreamSpec(
            key=f"V#{service_id}#{n}",
            index=BY_SERVICE,
            pk=service_partition(tenant_id, service_id, n),
            base_key=_item_base_key(tenant_id),
            prefix=prefix,
            lo=lo,
            hi=hi,
        )
        for n in range(SHARDS)
    ]


def _match_plan(tenant_id: str, name: str, index: Index, tag: str, match: Match) -> _Plan:
    base = _item_base_key(tenant_id)
    # Keys hold long values in a bounded form (a cut plus a hash): an exact search uses the same form.
    wanted = match.value if match.prefix else key_value(match.value)
    prefix = wanted if match.prefix else f"{wanted}#"
    specs = [
        StreamSpec(
            key=f"{tag}#{n}", index=index, pk=match_partition(tenant_id, tag, n), base_key=base, prefix=prefix
        )
        for n in range(SHARDS)
    ]

    def pre(sort_key: str) -> bool:
        stored = sort_key.rpartition("#")[0]
        return stored.startswith(wanted) if match.prefix else stored == wanted

    return _Plan(name=name, specs=specs, keys_only=True, pre=pre)


def _plan(ctx: _Context, q: ReportQuery, statuses: tuple[Status, ...]) -> _Plan:
    t = ctx.tenant_id
    matches = (
        ("by_endpoint", BY_ENDPOINT, "END", q.endpoint_id),
        ("by_source", BY_SOURCE, "SRC", q.source_id),
        ("by_ref", BY_REF, "REF", q.reference),
    )
    for name, index, tag, match in matches:
        if match is not None and not match.prefix:
            return _match_plan(t, name, index, tag, match)
    if q.run_id:
        run = ctx.run(q.run_id)
        if run is None or (q.services and run.service_id not in q.services):
            return _Plan(name="by_service.run", specs=[], keys_only=True)
        specs = _service_specs(t, run.service_id, prefix=f"{q.run_id}#")
        return _Plan(name="by_service.run", specs=specs, keys_only=True)
    for name, index, tag, match in matches:
        if match is not None:
            return _match_plan(t, f"{name}.prefix", index, tag, match)
    if q.scoped and not (statuses and RARE_STATUSES.issuperset(statuses)):
        services = ctx.services()
        specs = []
        for service_id in _matching_services(ctx, q):
            lo = hi = None
            if q.start is not None and q.end is not None:
                lo = run_stamp(q.start - _lag(services.get(service_id)))
                hi = run_stamp(q.end) + "~"
            specs += _service_specs(t, service_id, lo=lo, hi=hi)
        return _Plan(name="by_service", specs=specs, keys_only=True)
    return _Plan(name="by_status", specs=_status_specs(t, statuses or STATUS_ORDER, q), keys_only=True)


def _accept(ctx: _Context, q: ReportQuery, statuses: tuple[Status, ...]) -> Callable[[SyncItem], bool]:
    lo = iso(q.start) if q.start else None
    hi = iso(q.end) if q.end else None
    wanted_services = set(_matching_services(ctx, q)) if q.scoped else None

    def accept(item: SyncItem) -> bool:
        if statuses and item.status not in statuses:
            return False
        if wanted_services is not None and item.service_id not in wanted_services:
            return False
        if q.source_systems and item.source_system not in q.source_systems:
            return False
        if q.destination_systems and item.destination_system not in q.destination_systems:
            return False
        if q.entities and item.source_entity not in q.entities and item.destination_entity not in q.entities:
            return False
        if q.source_entities and item.source_entity not in q.source_entities:
            return False
        if q.destination_entities and item.destination_entity not in q.destination_entities:
            return False
        if q.run_id and item.run_id != q.run_id:
            return False
        if q.sync_ids and item.sync_id not in q.sync_ids:
            return False
        if q.reference and not q.reference.matches(item.reference):
            return False
        if q.source_id and not q.source_id.matches(item.source_id):
            return False
        if q.endpoint_id and not q.endpoint_id.matches(item.endpoint_id):
            return False
        if lo is not None and hi is not None and not lo <= iso(item.updated_at) <= hi:
            return False
        return True

    return accept


def _passes(q: ReportQuery) -> list[tuple[Status, ...]]:
    if q.sort != "status":
        return [tuple(q.statuses)]
    order = STATUS_ORDER if q.order == "desc" else tuple(reversed(STATUS_ORDER))
    return [(s,) for s in order if not q.statuses or s in q.statuses]


def search(
    deps: Deps,
    tenant_id: str,
    query: ReportQuery,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    stats: ReadStats | None = None,
) -> ReportPage:
    """One page of the report. Every read is a Query on an index or a GetItem/BatchGetItem."""
    stats = stats or ReadStats()
    limit = max(1, min(limit, MAX_LIMIT))
    ctx = _Context(deps, tenant_id)
    fingerprint = query.fingerprint(tenant_id)
    document: dict[str, Any] = {}
    if cursor:
        document = decode_cursor(cursor, fingerprint)
        query = _pinned_window(document, query)

    if query.sync_ids:
        return _search_ids(ctx, query, stats)

    passes = _passes(query)
    pass_index = int(document.get("p", 0))
    if not 0 <= pass_index < max(1, len(passes)):
        raise BadRequest(
            "cursor is not valid for this request", fields=[{"field": "query.cursor", "message": "invalid"}]
        )
    state: dict[str, Any] = dict(document.get("s", {}))
    hints = _hints(document)
    peeks: dict[str, str] = dict(document.get("n", {}))
    items: list[SyncItem] = []
    plan_names: list[str] = []
    next_state: dict[str, Any] | None = None
    next_hints: dict[str, int] = {}
    next_peeks: dict[str, str] = {}
    while pass_index < len(passes):
        merge = _pass_merge(
            ctx, query, passes[pass_index], state, stats, limit - len(items), plan_names, hints, peeks
        )
        items += merge.take(limit - len(items))
        if len(items) < limit:
            pass_index, state, hints, peeks = pass_index + 1, {}, {}, {}
            continue
        if merge.more():
            next_state, next_hints, next_peeks = merge.state(), merge.hints(), merge.peeks()
            break
        # This pass ended exactly at the page end: the cursor moves to the next pass with rows.
        pass_index += 1
        while pass_index < len(passes):
            if _pass_merge(ctx, query, passes[pass_index], {}, stats, 1, [], {}, {}).more():
                next_state = {}
                break
            pass_index += 1
        break
    stats.returned += len(items)
    next_cursor = None
    if next_state is not None:
        window = [iso(query.start), iso(query.end)] if query.start and query.end else None
        document = {"v": CURSOR_VERSION, "f": fingerprint, "w": window, "p": pass_index, "s": next_state}
        if next_hints:
            document["h"] = next_hints
        if next_peeks:
            document["n"] = next_peeks
        next_cursor = encode_cursor(document)
    return ReportPage(
        items=items,
        next_cursor=next_cursor,
        plan="+".join(dict.fromkeys(plan_names)) or "none",
        start=query.start,
        end=query.end,
        stats=stats,
    )


def _pass_merge(
    ctx: _Context,
    query: ReportQuery,
    statuses: tuple[Status, ...],
    state: Mapping[str, Any],
    stats: ReadStats,
    need: int,
    plan_names: list[str],
    hints: Mapping[str, int],
    peeks: Mapping[str, str],
) -> _Merge[SyncItem]:
    plan = _plan(ctx, query, statuses)
    plan_names.append(plan.name)
    _check_positions(state, plan.specs)
    _check_positions(peeks, plan.specs)
    source = _Source(
        keys_only=plan.keys_only, to_model=_item_from_row, accept=_accept(ctx, query, statuses), pre=plan.pre
    )
    return _Merge(ctx.deps.syncs, plan.specs, query.order == "asc", state, source, stats, need, hints, peeks)


def _search_ids(ctx: _Context, q: ReportQuery, stats: ReadStats) -> ReportPage:
    if len(q.sync_ids) > MAX_SYNC_IDS:
        raise BadRequest(
            f"at most {MAX_SYNC_IDS} sync ids per search",
            fields=[{"field": "query.sync_id", "message": f"more than {MAX_SYNC_IDS} values"}],
        )
    found = ctx.deps.syncs.get_items(ctx.tenant_id, list(q.sync_ids), consistent=False)
    stats.batch_gets += math.ceil(len(q.sync_ids) / 100)
    stats.base_rows += len(found)
    accept = _accept(ctx, q, tuple(q.statuses))
    items = [i for i in found.values() if accept(i)]
    items.sort(key=lambda i: (iso(i.updated_at), i.sync_id), reverse=q.order == "desc")
    if q.sort == "status":
        rank = {s: n for n, s in enumerate(STATUS_ORDER if q.order == "desc" else reversed(STATUS_ORDER))}
        items.sort(key=lambda i: rank[i.status])
    stats.returned += len(items)
    return ReportPage(items=items, next_cursor=None, plan="get", start=q.start, end=q.end, stats=stats)


def get_entry(deps: Deps, tenant_id: str, sync_id: str) -> SyncItem:
    item = deps.syncs.get_item(tenant_id, sync_id)
    if item is None:
        raise NotFound(f"report entry {sync_id!r} not found")
    return item


# ---------------------------------------------------------------------------------- entries and CSV


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
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _cell(value: str | None) -> str:
    """Text from outside systems, made safe for spreadsheets (no formula injection, OWASP)."""
    if not value:
        return ""
    if value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


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


# ---------------------------------------------------------------------------------- export

# Inline when the whole export fits these; otherwise an S3 multipart upload, one part at a time.
INLINE_MAX_ROWS = 5000
INLINE_MAX_BYTES = 4 * 1024 * 1024  # Lambda's response limit is 6 MB, API Gateway's 10 MB
PART_BYTES = 8 * 1024 * 1024  # S3 parts are at least 5 MiB (but the last); memory stays ~ one part
EXPORT_PAGE = 1000
URL_EXPIRES_SECONDS = 900
EXPORT_TTL = timedelta(days=1)
LEASE_SECONDS = 60.0
# Stop starting new work when less than this is left of the invocation's budget.
WORK_MARGIN_SECONDS = 6.0


class ExportJob(BaseModel):
    """The state of a large export between requests (config table, PK=T#<tenant>, SK=EXPORT#<id>)."""

    model_config = ConfigDict(extra="forbid")

    export_id: str
    query: ReportQuery
    cursor: str | None = None  # search position after the last uploaded part
    done_reading: bool = False
    key: str
    upload_id: str | None = None
    parts: list[tuple[int, str]] = []
    rows: int = 0
    bytes: int = 0
    status: Literal["running", "done", "failed"] = "running"
    error: str | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 0


@dataclass
class ExportResult:
    kind: Literal["inline", "running", "done", "failed"]
    rows: int
    export_id: str | None = None
    body: str | None = None
    url: str | None = None
    expires_at: datetime | None = None
    error: str | None = None


def export_filename(start: datetime | None, end: datetime | None) -> str:
    stamp = (end or utcnow()).strftime("%Y%m%dT%H%M%SZ")
    return f"syncline-report-{stamp}.csv"


def start_export(
    deps: Deps, tenant_id: str, query: ReportQuery, time_left: Callable[[], float]
) -> ExportResult:
    """Small results come back inline; larger ones go to S3, continued by `continue_export`."""
    buffer = io.StringIO()
    writer = _csv_writer(buffer)
    writer.writerow(CSV_COLUMNS)
    rows = 0
    cursor: str | None = None
    while True:
        page = search(deps, tenant_id, query, limit=EXPORT_PAGE, cursor=cursor)
        for item in page.items:
            writer.writerow(csv_row(item))
        rows += len(page.items)
        cursor = page.next_cursor
        query = query.model_copy(update={"start": page.start, "end": page.end})
        if cursor is None and rows <= INLINE_MAX_ROWS and buffer.tell() <= INLINE_MAX_BYTES:
            return ExportResult(kind="inline", rows=rows, body=buffer.getvalue())
        if cursor is None or rows > INLINE_MAX_ROWS or buffer.tell() > INLINE_MAX_BYTES:
            break
    if not deps.bucket:
        raise Invalid(
            f"this export has more than {INLINE_MAX_ROWS} rows and no export bucket is configured; "
            "narrow the filters",
            fields=[{"field": "query", "message": "too many rows for an inline export"}],
        )
    now = utcnow()
    export_id = secrets.token_hex(12)
    # The job records what is committed to S3: nothing yet. The rows read so far are in the buffer.
    job = ExportJob(
        export_id=export_id,
        query=query,
        key=f"exports/{tenant_id}/{export_id}.csv",
        created_at=now,
        updated_at=now,
    )
    s3 = aws.client("s3")
    job.upload_id = s3.create_multipart_upload(
        Bucket=deps.bucket,
        Key=job.key,
        ContentType="text/csv; charset=utf-8",
        ContentDisposition=f'attachment; filename="{export_filename(query.start, query.end)}"',
    )["UploadId"]
    _save_job(deps, tenant_id, job, create=True, lease_until=time.time() + LEASE_SECONDS)
    working = _Working(cursor=cursor, rows=rows, done_reading=cursor is None)
    return _advance(deps, tenant_id, job, bytearray(buffer.getvalue().encode()), working, time_left)


def continue_export(
    deps: Deps, tenant_id: str, export_id: str, time_left: Callable[[], float]
) -> ExportResult:
    """Poll an export: do another slice of the work (under a lease) and say where it is."""
    job = _load_job(deps, tenant_id, export_id)
    if job.status != "running":
        return _result(deps, job)
    claimed = _claim(deps, tenant_id, job)
    if claimed is None:
        return ExportResult(kind="running", rows=job.rows, export_id=job.export_id)
    buffer = bytearray()
    if not claimed.parts:  # starting over: the header goes first
        buffer += (",".join(CSV_COLUMNS) + "\r\n").encode()
    working = _Working(cursor=claimed.cursor, rows=claimed.rows, done_reading=claimed.done_reading)
    return _advance(deps, tenant_id, claimed, buffer, working, time_left)


@dataclass
class _Working:
    cursor: str | None
    rows: int
    done_reading: bool


def _advance(
    deps: Deps,
    tenant_id: str,
    job: ExportJob,
    buffer: bytearray,
    working: _Working,
    time_left: Callable[[], float],
) -> ExportResult:
    """Read pages into the buffer and upload a part whenever it holds PART_BYTES; stop at a part
    boundary when time runs low: the job keeps the search cursor of the last uploaded part, so rows
    still in the buffer are read again by the next poll."""
    assert deps.bucket is not None and job.upload_id is not None
    s3 = aws.client("s3")
    try:
        while True:
            if len(buffer) >= PART_BYTES or (working.done_reading and (buffer or not job.parts)):
                number = len(job.parts) + 1
                etag = s3.upload_part(
                    Bucket=deps.bucket,
                    Key=job.key,
                    UploadId=job.upload_id,
                    PartNumber=number,
                    Body=bytes(buffer),
                )["ETag"]
                job.parts.append((number, etag))
                job.bytes += len(buffer)
                buffer.clear()
                job.cursor, job.rows, job.done_reading = working.cursor, working.rows, working.done_reading
            if working.done_reading and not buffer:
                s3.complete_multipart_upload(
                    Bucket=deps.bucket,
                    Key=job.key,
                    UploadId=job.upload_id,
                    MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in job.parts]},
                )
                job.cursor, job.status = None, "done"
                _save_job(deps, tenant_id, job)
                return _result(deps, job)
            if time_left() < WORK_MARGIN_SECONDS:
                _save_job(deps, tenant_id, job)
                return ExportResult(kind="running", rows=job.rows, export_id=job.export_id)
            page = search(deps, tenant_id, job.query, limit=EXPORT_PAGE, cursor=working.cursor)
            text = io.StringIO()
            writer = _csv_writer(text)
            for item in page.items:
                writer.writerow(csv_row(item))
            buffer += text.getvalue().encode()
            working.rows += len(page.items)
            working.cursor = page.next_cursor
            working.done_reading = page.next_cursor is None
    except SynclineError:
        _save_job(deps, tenant_id, job)
        raise
    except Exception as exc:
        job.status, job.error = "failed", type(exc).__name__
        _save_job(deps, tenant_id, job)
        try:
            s3.abort_multipart_upload(Bucket=deps.bucket, Key=job.key, UploadId=job.upload_id)
        except Exception:  # noqa: S110 - the bucket's lifecycle rule cleans up what this cannot
            pass
        raise


def _result(deps: Deps, job: ExportJob) -> ExportResult:
    if job.status == "failed":
        return ExportResult(kind="failed", rows=job.rows, export_id=job.export_id, error=job.error)
    if job.status == "running":
        return ExportResult(kind="running", rows=job.rows, export_id=job.export_id)
    filename = export_filename(job.query.start, job.query.end)
    url = aws.client("s3").generate_presigned_url(
        "get_object",
        Params={
            "Bucket": deps.bucket,
            "Key": job.key,
            "ResponseContentType": "text/csv; charset=utf-8",
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
        },
        ExpiresIn=URL_EXPIRES_SECONDS,
    )
    return ExportResult(
        kind="done",
        rows=job.rows,
        export_id=job.export_id,
        url=url,
        expires_at=utcnow() + timedelta(seconds=URL_EXPIRES_SECONDS),
    )


def _job_key(tenant_id: str, export_id: str) -> dict[str, str]:
    return {"PK": tenant_pk(tenant_id), "SK": f"EXPORT#{export_id}"}


def _load_job(deps: Deps, tenant_id: str, export_id: str) -> ExportJob:
    row = deps.config._get(_job_key(tenant_id, export_id), consistent=True)
    if row is None:
        raise NotFound(f"export {export_id!r} not found")
    body = {k: v for k, v in row.items() if k not in ("PK", "SK", "expires_at", "lease_until")}
    return ExportJob.model_validate(body)


def _save_job(
    deps: Deps, tenant_id: str, job: ExportJob, *, create: bool = False, lease_until: float = 0.0
) -> None:
    job.updated_at = utcnow()
    previous = job.version
    job.version = previous + 1
    row = {
        **_job_key(tenant_id, job.export_id),
        **job.model_dump(mode="json"),
        "lease_until": lease_until,
        "expires_at": int((job.created_at + EXPORT_TTL).timestamp()),
    }
    request: dict[str, Any] = {"TableName": deps.config.name, "Item": marshal(row)}
    if create:
        request["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        request["ConditionExpression"] = "version = :v"
        request["ExpressionAttributeValues"] = marshal({":v": previous})
    deps.config.ddb.put_item(**request)


def _claim(deps: Deps, tenant_id: str, job: ExportJob) -> ExportJob | None:
    """Take the job's lease so two polls never work on it at once; None when someone holds it."""
    now = time.time()
    try:
        got = deps.config.ddb.update_item(
            TableName=deps.config.name,
            Key=marshal(_job_key(tenant_id, job.export_id)),
            UpdateExpression="SET lease_until = :until, version = version + :one",
            ConditionExpression="version = :v AND lease_until < :now",
            ExpressionAttributeValues=marshal(
                {":until": now + LEASE_SECONDS, ":one": 1, ":v": job.version, ":now": now}
            ),
            ReturnValues="ALL_NEW",
        )
    except deps.config.ddb.exceptions.ConditionalCheckFailedException:
        return None
    row = unmarshal(got["Attributes"])
    return ExportJob.model_validate(
        {k: v for k, v in row.items() if k not in ("PK", "SK", "expires_at", "lease_until")}
    )


# ---------------------------------------------------------------------------------- resync

REFUSALS = {
    "not_found": "no such report entry in this company group",
    "already_ok": "the entry is already OK at its destination",
    "sent": "the entry was handed to its destination and awaits confirmation",
    "in_progress": "the entry is Pending and still being retried",
    "no_payload": "no stored payload to send again",
    "service_not_found": "the entry's service no longer exists",
    "changed": "the entry changed while it was being resynced; try again",
}
MAX_REFUSALS_LISTED = 100
RESYNC_EXAMINE_FACTOR = 5  # a filter resync looks at most this many entries per one it may queue
TRANSACTION_ACTIONS = 100
TRANSACTION_BYTES = 3_500_000  # TransactWriteItems takes at most 4 MB


@dataclass
class ResyncResult:
    queued: int = 0
    run_ids: list[str] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)
    refused_counts: Counter[str] = field(default_factory=Counter)
    more: bool = False
    dry_run: bool = False
    would_queue: list[str] = field(default_factory=list)

    def refuse(self, sync_id: str, reason: str) -> None:
        self.refused_counts[reason] += 1
        if len(self.refused) < MAX_REFUSALS_LISTED:
            self.refused.append({"sync_id": sync_id, "reason": reason, "message": REFUSALS[reason]})


def stuck_after(service: Service | None) -> timedelta:
    if service is None:
        return STUCK_AFTER
    return max(STUCK_AFTER, timedelta(seconds=service.settings.retry_max_seconds) + CIRCUIT_DELAY)


def refusal(item: SyncItem, service: Service | None, now: datetime) -> str | None:
    """Why this entry cannot be resynced, or None when it can."""
    if item.status == Status.OK:
        return "already_ok"
    if item.status == Status.SENT:
        return "sent"
    if item.status == Status.PENDING and now - item.updated_at < stuck_after(service):
        return "in_progress"
    if service is None:
        return "service_not_found"
    if item.payload is None and not item.payload_ref:
        return "no_payload"
    return None


def resync(
    deps: Deps,
    tenant_id: str,
    *,
    sync_ids: Sequence[str] | None = None,
    query: ReportQuery | None = None,
    limit: int = MAX_RESYNC_IDS,
    dry_run: bool = False,
    now: datetime | None = None,
) -> ResyncResult:
    """Put Failed (and stuck Pending) entries back to Pending in a new resync run and on the queue
    with their stored payload. Exactly one of `sync_ids` or `query`."""
    now = now or utcnow()
    result = ResyncResult(dry_run=dry_run)
    services: dict[str, Service | None] = {}

    def service_of(item: SyncItem) -> Service | None:
        if item.service_id not in services:
            services[item.service_id] = deps.config.get_service(tenant_id, item.service_id)
        return services[item.service_id]

    chosen: list[SyncItem] = []
    if sync_ids is not None:
        wanted = list(dict.fromkeys(sync_ids))
        found = deps.syncs.get_items(tenant_id, wanted, consistent=True)
        for sync_id in wanted:
            item = found.get(sync_id)
            if item is None:
                result.refuse(sync_id, "not_found")
                continue
            reason = refusal(item, service_of(item), now)
            if reason:
                result.refuse(sync_id, reason)
            else:
                chosen.append(item)
    else:
        assert query is not None
        if not query.statuses:
            query = query.model_copy(update={"statuses": (Status.FAILED,)})
        if not {Status.FAILED, Status.PENDING}.issuperset(query.statuses):
            raise Invalid(
                "only Failed and (stuck) Pending entries can be resynced",
                fields=[{"field": "body.filter.status", "message": "only Failed and Pending qualify"}],
            )
        cursor: str | None = None
        examined = 0
        while len(chosen) < limit and examined < RESYNC_EXAMINE_FACTOR * limit:
            page = search(deps, tenant_id, query, limit=min(MAX_LIMIT, limit - len(chosen)), cursor=cursor)
            query = query.model_copy(update={"start": page.start, "end": page.end})
            examined += len(page.items)
            for item in page.items:
                reason = refusal(item, service_of(item), now)
                if reason:
                    result.refuse(item.sync_id, reason)
                else:
                    chosen.append(item)
            cursor = page.next_cursor
            if cursor is None:
                break
        result.more = cursor is not None

    if dry_run:
        result.would_queue = [i.sync_id for i in chosen]
        return result
    by_service: dict[str, list[SyncItem]] = {}
    for item in chosen:
        by_service.setdefault(item.service_id, []).append(item)
    for service_id, items in by_service.items():
        _resync_service(deps, tenant_id, service_id, items, now, result)
    return result


def _resync_service(
    deps: Deps,
    tenant_id: str,
    service_id: str,
    items: list[SyncItem],
    now: datetime,
    result: ResyncResult,
) -> None:
    from syncline.pipeline.fanout import enqueue, message_body
    from syncline.pipeline.messages import SyncMessage

    syncs = deps.syncs
    run = Run(tenant_id=tenant_id, run_id=_new_run_id(now), service_id=service_id, trigger=Trigger.RESYNC)
    syncs.create_run(run)
    result.run_ids.append(run.run_id)
    old_runs: set[str] = set()
    try:
        for chunk in _transaction_chunks(items):
            written = _move_items(deps, tenant_id, run, chunk, now, result)
            if not written:
                continue
            old_runs.update(i.run_id for i in chunk)
            bodies = [
                message_body(
                    SyncMessage(
                        tenant_id=tenant_id,
                        service_id=service_id,
                        run_id=run.run_id,
                        sync_id=item.sync_id,
                        record=item.payload,
                        payload_ref=None if item.payload is not None else item.payload_ref,
                    ),
                    deps.bucket,
                )
                for item in written
            ]
            enqueue(deps.sync_queue_url, bodies)
            result.queued += len(written)
    finally:
        syncs.apply_run_change(tenant_id, run.run_id, RunChange(), pull_done=True)
        for run_id in old_runs:  # a Running run whose stuck entries left may now be complete
            old = syncs.get_run(tenant_id, run_id)
            if old and old.status == RunStatus.RUNNING and old.pull_done and old.totals.Pending <= 0:
                syncs.close_if_settled(old)


def _new_run_id(now: datetime) -> str:
    from syncline.models import new_run_id

    return new_run_id(now)


def _transaction_chunks(items: list[SyncItem]) -> Iterator[list[SyncItem]]:
    chunk: list[SyncItem] = []
    runs: set[str] = set()
    size = 0
    for item in items:
        row_size = item_size(item.model_dump(mode="json"))
        new_runs = runs | {item.run_id}
        if chunk and (
            len(chunk) + 1 + len(new_runs) + 1 > TRANSACTION_ACTIONS or size + row_size > TRANSACTION_BYTES
        ):
            yield chunk
            chunk, runs, size = [], set(), 0
            new_runs = {item.run_id}
        chunk.append(item)
        runs = new_runs
        size += row_size
    if chunk:
        yield chunk


def _move_items(
    deps: Deps, tenant_id: str, run: Run, items: list[SyncItem], now: datetime, result: ResyncResult
) -> list[SyncItem]:
    """One transaction: every item to Pending in `run` (conditional on the state it was read in),
    its old run's totals down, the new run's totals up. Items that changed meanwhile are dropped
    and the rest retried, so run totals always equal the items' statuses (invariant 3)."""
    syncs = deps.syncs
    remaining = list(items)
    checked_runs: set[str] = set()
    missing_runs: set[str] = set()
    for attempt in range(4):
        if not remaining:
            return []
        moves = [
            (
                item,
                item.model_copy(
                    update={
                        "status": Status.PENDING,
                        "attempts": 0,
                        "run_id": run.run_id,
                        "last_error": None,
                        "updated_at": now,
                        "claim_id": None,
                        "claimed_until": None,
                    }
                ),
            )
            for item in remaining
        ]
        leaving: dict[str, Counter[str]] = {}
        for item in remaining:
            leaving.setdefault(item.run_id, Counter())[item.status.value] += 1
        for run_id in [r for r in leaving if r not in checked_runs]:
            checked_runs.add(run_id)
            if syncs.get_run(tenant_id, run_id) is None:  # expired: nothing to keep in step
                missing_runs.add(run_id)
        for run_id in missing_runs:
            leaving.pop(run_id, None)
        failed = syncs.move_items(tenant_id, moves, leaving, run.run_id, now)
        if not failed:
            return remaining
        for n in sorted(failed):
            result.refuse(remaining[n].sync_id, "changed")
        remaining = [item for n, item in enumerate(remaining) if n not in failed]
        time.sleep(0.05 * 2**attempt)
    for item in remaining:
        result.refuse(item.sync_id, "changed")
    return []


# ---------------------------------------------------------------------------------- runs


@dataclass
class RunsPage:
    runs: list[Run]
    next_cursor: str | None
    start: datetime | None
    end: datetime | None
    stats: ReadStats


class RunsQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    service_id: str | None = None
    statuses: tuple[RunStatus, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    window: str = ""

    def fingerprint(self, tenant_id: str) -> str:
        body = self.model_dump(mode="json", exclude={"start", "end"})
        return hashlib.sha256(json.dumps(["runs", tenant_id, body], sort_keys=True).encode()).hexdigest()[:16]


def _runs_spec(tenant_id: str, q: RunsQuery) -> StreamSpec:
    if q.service_id:
        return StreamSpec(
            key="RUNS#V",
            index=BY_SERVICE,
            pk=runs_partition(tenant_id, q.service_id),
            base_key=_run_base_key(tenant_id, suffix=False),
            lo=run_stamp(q.start) if q.start else None,
            hi=run_stamp(q.end) + "~" if q.end else None,
        )
    return StreamSpec(
        key="RUNS",
        index=BY_STATUS,
        pk=runs_partition(tenant_id),
        base_key=_run_base_key(tenant_id, suffix=True),
        lo=iso(q.start) if q.start else None,
        hi=iso(q.end) + "~" if q.end else None,
    )


def list_runs(
    deps: Deps,
    tenant_id: str,
    query: RunsQuery,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> RunsPage:
    """Runs newest first: by_service on the service's runs, or by_status on all of the group's."""
    stats = ReadStats()
    fingerprint = query.fingerprint(tenant_id)
    state: dict[str, Any] = {}
    hints: dict[str, int] = {}
    peeks: dict[str, str] = {}
    if cursor:
        document = decode_cursor(cursor, fingerprint)
        hints = _hints(document)
        peeks = dict(document.get("n", {}))
        pinned = _pinned_window(document, ReportQuery(start=query.start, end=query.end))
        query = query.model_copy(update={"start": pinned.start, "end": pinned.end})
        state = dict(document.get("s", {}))
    spec = _runs_spec(tenant_id, query)
    _check_positions(state, [spec])
    _check_positions(peeks, [spec])

    def accept(run: Run) -> bool:
        if query.statuses and run.status not in query.statuses:
            return False
        return not (query.triggers and run.trigger not in query.triggers)

    source: _Source[Run] = _Source(keys_only=True, to_model=_run_from_row, accept=accept)
    merge = _Merge(deps.syncs, [spec], False, state, source, stats, limit, hints, peeks)
    runs = merge.take(limit)
    stats.returned = len(runs)
    next_cursor = None
    if len(runs) >= limit and merge.more():
        window = [iso(query.start), iso(query.end)] if query.start and query.end else None
        next_cursor = encode_cursor(
            {
                "v": CURSOR_VERSION,
                "f": fingerprint,
                "w": window,
                "p": 0,
                "s": merge.state(),
                "n": merge.peeks(),
            }
        )
    return RunsPage(runs=runs, next_cursor=next_cursor, start=query.start, end=query.end, stats=stats)


def run_view(run: Run) -> dict[str, Any]:
    out = run.model_dump(mode="json", exclude={"tenant_id"})
    out["started_at"] = iso(run.started_at)
    out["ended_at"] = iso(run.ended_at) if run.ended_at else None
    end = run.ended_at or utcnow()
    out["duration_seconds"] = round((end - run.started_at).total_seconds(), 3)
    out["items"] = sum(run.totals.model_dump().values())
    return out


def get_run(deps: Deps, tenant_id: str, run_id: str) -> Run:
    run = deps.syncs.get_run(tenant_id, run_id)
    if run is None:
        raise NotFound(f"run {run_id!r} not found")
    return run


# ---------------------------------------------------------------------------------- dashboard


def _rate(totals: Mapping[str, int]) -> float | None:
    settled = totals.get("OK", 0) + totals.get("Sent", 0) + totals.get("Failed", 0)
    return round(totals.get("Failed", 0) / settled, 4) if settled else None


def dashboard(
    deps: Deps,
    tenant_id: str,
    start: datetime,
    end: datetime,
    *,
    service_ids: Sequence[str] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Totals by status and by service over the window (from the runs' totals, which always equal
    their items' statuses), failure rate, run counts and the oldest Pending entry."""
    now = now or utcnow()
    totals: Counter[str] = Counter({s.value: 0 for s in Status})
    by_service: dict[str, Counter[str]] = {}
    runs_by_status: Counter[str] = Counter()
    wanted = set(service_ids) if service_ids is not None else None
    last_run: dict[str, Run] = {}
    for run in deps.syncs.runs_started_between(tenant_id, start, end):
        if wanted is not None and run.service_id not in wanted:
            continue
        counts = run.totals.model_dump()
        totals.update(counts)
        service_totals = by_service.setdefault(run.service_id, Counter({s.value: 0 for s in Status}))
        service_totals.update(counts)
        service_totals["runs"] += 1
        runs_by_status[run.status.value] += 1
        if run.service_id not in last_run or run.run_id > last_run[run.service_id].run_id:
            last_run[run.service_id] = run
    pending = deps.syncs.oldest_pending(tenant_id) if wanted is None else None
    out: dict[str, Any] = {
        "from": iso(start),
        "to": iso(end),
        "totals": {s.value: totals[s.value] for s in Status},
        "failure_rate": _rate(totals),
        "runs": {
            "total": sum(runs_by_status.values()),
            **{s.value: runs_by_status[s.value] for s in RunStatus},
        },
        "services": [
            {
                "service_id": service_id,
                "totals": {s.value: counts[s.value] for s in Status},
                "failure_rate": _rate(counts),
                "runs": counts["runs"],
                "last_run": {
                    "run_id": last_run[service_id].run_id,
                    "status": last_run[service_id].status.value,
                    "started_at": iso(last_run[service_id].started_at),
                },
            }
            for service_id, counts in sorted(by_service.items())
        ],
    }
    if wanted is None:
        out["oldest_pending"] = (
            None
            if pending is None
            else {
                "sync_id": pending.sync_id,
                "service_id": pending.service_id,
                "run_id": pending.run_id,
                "reference": pending.reference,
                "updated_at": iso(pending.updated_at),
                "age_seconds": int((now - pending.updated_at).total_seconds()),
                "stuck": now - pending.updated_at >= STUCK_AFTER,
            }
        )
    return out


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


__all__ = [
    "CSV_COLUMNS",
    "BadRequest",
    "ExportResult",
    "Match",
    "ReadStats",
    "ReportPage",
    "ReportQuery",
    "ResyncResult",
    "RunsPage",
    "RunsQuery",
    "continue_export",
    "csv_row",
    "dashboard",
    "entry",
    "get_entry",
    "get_run",
    "list_runs",
    "resolve_window",
    "resync",
    "run_view",
    "search",
    "start_export",
]
