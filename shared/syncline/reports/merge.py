"""Sorted Query streams (a partition of an index each) merged in order, reading the base rows
only of the entries examined; and what a search read."""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

from syncline.reports.query import _RUN_ID_RE, _SYNC_ID_RE, MAX_CHUNK, PREFETCH_THREADS
from syncline.store import (
    SyncStore,
    item_key,
    run_key,
)
from syncline.tables import Index


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

    def resume(self, position: str | None, forward: bool) -> str | bool | None:
        """Where this stream resumes after `position`, the last entry a page examined across all
        streams: from there (a Query may start after a key its partition does not hold), from its
        start (`position` is before its range), or nowhere (`False`: after its range)."""
        if position is None or self.admits(position):
            return position
        low = self.prefix if self.prefix is not None else self.lo
        before = low is not None and position < low
        return None if before == forward else False


@dataclass(frozen=True)
class Resume:
    """Where a merge resumes: every stream after `position` (the last entry examined, in merge
    order: every entry before it in every stream was examined too), except the `exhausted` ones;
    what each stream gave the last page (`hints`, read sizes) and the next entry of the streams
    nearest the position (`peeks`, so those are ordered without a read)."""

    position: str | None = None
    exhausted: frozenset[str] = frozenset()
    hints: Mapping[str, int] = field(default_factory=dict)
    peeks: Mapping[str, str] = field(default_factory=dict)


MAX_HINTS = 32  # a cursor stays small however many streams a plan has
MAX_PEEKS = 16


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
        keys_only: bool = False,
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
        if self.peek is not None and keys_only:
            # A keys-only entry is its keys: the next entry the cursor names is known whole, and
            # the next read starts after it instead of reading it again.
            self.buffer.append(spec.start_key(self.peek))
            self.next_start, self.peek = spec.start_key(self.peek), None

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


class _ListStream:
    """A stream of rows held in memory (entries no index holds), in the merge's order, resuming
    after `position` like a Query stream."""

    def __init__(
        self, spec: StreamSpec, rows: list[dict[str, Any]], forward: bool, position: str | bool | None
    ) -> None:
        self.spec = spec
        self.fetched_all = True
        self.peek: str | None = None
        self.position: str | None = position if isinstance(position, str) else None
        ordered = sorted(rows, key=self.sort_key, reverse=not forward)
        if position is False:
            ordered = []
        elif isinstance(position, str):
            ordered = [
                r
                for r in ordered
                if (self.sort_key(r) > position if forward else self.sort_key(r) < position)
            ]
        self.buffer: deque[dict[str, Any]] = deque(ordered)

    def sort_key(self, row: Mapping[str, Any]) -> str:
        return str(row[self.spec.index.sk])

    def head_key(self, cap: int) -> str | None:
        return self.sort_key(self.buffer[0]) if self.buffer else None

    def head(self, cap: int) -> dict[str, Any] | None:
        return self.buffer[0] if self.buffer else None

    def has_more(self) -> bool:
        return bool(self.buffer)

    def state(self) -> str | bool | None:
        return self.position if self.buffer else False

    def next_key(self) -> str | None:
        return self.head_key(1)


@dataclass
class _Source[M]:
    """How the rows of a plan become models, and which models to keep."""

    keys_only: bool
    to_model: Callable[[dict[str, Any]], M]
    accept: Callable[[M], bool]
    pre: Callable[[str], bool] | None = None  # a check on the index sort key, before any base read


class _Merge[M]:
    """Merges sorted streams (by index sort key), examining candidates in order and fetching base
    rows only for the candidates it examines."""

    def __init__(
        self,
        syncs: SyncStore,
        specs: Sequence[StreamSpec],
        forward: bool,
        resume: Resume,
        source: _Source[M],
        stats: ReadStats,
        need: int,
        lists: Mapping[str, list[dict[str, Any]]] | None = None,
    ) -> None:
        # Read-ahead is what a stateless cursor throws away at a page end, so each stream reads its
        # expected share of the page: what it contributed to the previous page (the cursor's hint),
        # else an even share.
        even = 1 / max(1, len(specs))
        self.syncs = syncs
        self.specs = specs
        self.stopped = False
        self.forward = forward
        self.source = source
        self.stats = stats
        self.used: Counter[str] = Counter()
        self.position = resume.position
        self.streams: list[_Stream | _ListStream] = []
        for spec in specs:
            start = False if spec.key in resume.exhausted else spec.resume(resume.position, forward)
            if lists is not None and spec.key in lists:
                self.streams.append(_ListStream(spec, lists[spec.key], forward, start))
                continue
            hint = resume.hints.get(spec.key)
            share = min(1.0, hint / max(1, need)) if hint is not None else even
            peek = resume.peeks.get(spec.key)
            self.streams.append(
                _Stream(syncs, spec, forward, start, peek, stats, share, keys_only=source.keys_only)
            )

    def _best(self, cap: int) -> _Stream | _ListStream | None:
        """The stream whose next row comes first; streams are ordered by their known next keys and
        read only when chosen (a chosen stream's real next row is then compared again)."""
        while True:
            best: _Stream | _ListStream | None = None
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

    def take(self, need: int, budget: int | None = None) -> list[M]:
        """Up to `need` accepted models in order. With a `budget`, stop once that many entries have
        been examined (`stopped` is then set): a search whose filters drop almost everything
        answers a short page with a cursor instead of reading on without end."""
        out: list[M] = []
        batch = need
        examined_total = 0
        self.stopped = False
        self._prefetch(need)
        while len(out) < need:
            if budget is not None and examined_total >= budget:
                self.stopped = self.more()
                break
            if budget is not None:
                batch = min(batch, budget - examined_total)
            examined: list[tuple[_Stream | _ListStream, dict[str, Any]]] = []
            while len(examined) < batch:
                stream = self._best(batch - len(examined))
                if stream is None:
                    break
                examined.append((stream, stream.buffer.popleft()))
            if not examined:
                break
            examined_total += len(examined)
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
                stream.position = self.position = stream.sort_key(row)
                self.used[stream.spec.key] += 1
            remaining = need - len(out)
            rate = max(accepted / cut, 0.02) if cut else 1.0
            batch = max(1, min(100, math.ceil(remaining / rate)))
        return out

    def _resolve(self, examined: list[tuple[_Stream | _ListStream, dict[str, Any]]]) -> list[M | None]:
        pre = self.source.pre
        wanted = [
            "_item" not in row and (pre is None or pre(stream.sort_key(row))) for stream, row in examined
        ]
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
            if "_item" in row:  # a list stream's entry is the model already
                out.append(row["_item"])
                continue
            base = rows.get(row["PK"]) if ok else None
            out.append(self.source.to_model(base) if base is not None else None)
        return out

    def more(self) -> bool:
        """Whether any stream has rows left (reading at most one row of a stream not yet seen)."""
        return any(stream.has_more() for stream in self.streams)

    def resume(self) -> Resume:
        """Where the next page starts: a position, the streams with nothing left, and the
        read-size hints and next keys that matter most (bounded, so is the cursor)."""
        exhausted = frozenset(s.spec.key for s in self.streams if s.state() is False)
        nexts = [(key, s.spec.key) for s in self.streams if s.state() is not False and (key := s.next_key())]
        nexts.sort(reverse=not self.forward)
        hints = sorted(((n, key) for key, n in self.used.items() if n), reverse=True)[:MAX_HINTS]
        return Resume(
            position=self.position,
            exhausted=exhausted,
            hints={key: min(n, MAX_CHUNK) for n, key in hints},
            peeks={stream: key for key, stream in nexts[:MAX_PEEKS]},
        )
