"""Runs: listed by start (newest first, or oldest), by duration or by failures; one run's view."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from syncline import error_catalog
from syncline.deps import Deps
from syncline.errors import NotFound
from syncline.models import Run, RunStatus, Trigger, iso, utcnow
from syncline.reports.cursor import _pinned_window, decode_cursor, encode_cursor, resume_fields, resume_from
from syncline.reports.merge import ReadStats, StreamSpec, _Merge, _run_base_key, _Source
from syncline.reports.query import CURSOR_VERSION, DEFAULT_LIMIT, BadRequest, ReportQuery, run_stamp
from syncline.reports.search import _run_from_row
from syncline.reports.views import error_view
from syncline.store import (
    runs_partition,
)
from syncline.tables import BY_SERVICE, BY_STATUS

# Sorting by duration or failures reads the window's runs and sorts them in memory: at most this
# many, the newest of the window (before the status and trigger filters); `complete` says whether
# that was all of them.
MAX_SORTED_RUNS = 1000
RunSort = Literal["started", "duration", "failures"]


@dataclass
class RunsPage:
    runs: list[Run]
    next_cursor: str | None
    start: datetime | None
    end: datetime | None
    stats: ReadStats
    complete: bool = True  # False: a duration/failures sort covered only the newest MAX_SORTED_RUNS


class RunsQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    service_id: str | None = None
    statuses: tuple[RunStatus, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    window: str = ""
    sort: RunSort = "started"
    order: Literal["desc", "asc"] = "desc"

    def accepts(self, run: Run) -> bool:
        if self.statuses and run.shown_status not in self.statuses:
            return False
        return not (self.triggers and run.trigger not in self.triggers)

    def fingerprint(self, tenant_id: str) -> str:
        body = self.model_dump(mode="json", exclude={"start", "end"})
        if self.sort == "started" and self.order == "desc":  # as before sorting: older cursors hold
            body.pop("sort")
            body.pop("order")
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
    """Runs by start (by_service on the service's runs, or by_status on all of the group's),
    newest first unless `order` is asc; by duration or failures, see `_sorted_runs`."""
    if query.sort != "started":
        return _sorted_runs(deps, tenant_id, query, limit=limit, cursor=cursor)
    stats = ReadStats()
    fingerprint = query.fingerprint(tenant_id)
    document: dict[str, Any] = {}
    if cursor:
        document = decode_cursor(cursor, fingerprint)
        pinned = _pinned_window(document, ReportQuery(start=query.start, end=query.end))
        query = query.model_copy(update={"start": pinned.start, "end": pinned.end})
    spec = _runs_spec(tenant_id, query)
    resume = resume_from(document, [spec])

    source: _Source[Run] = _Source(keys_only=True, to_model=_run_from_row, accept=query.accepts)
    forward = query.order == "asc"
    merge = _Merge(deps.syncs, [spec], forward, resume, source, stats, limit)
    runs = merge.take(limit)
    stats.returned = len(runs)
    next_cursor = None
    if len(runs) >= limit and merge.more():
        window = [iso(query.start), iso(query.end)] if query.start and query.end else None
        next_cursor = encode_cursor(
            {"v": CURSOR_VERSION, "f": fingerprint, "w": window, "p": 0}
            | resume_fields(merge.resume(), [spec])
        )
    return RunsPage(runs=runs, next_cursor=next_cursor, start=query.start, end=query.end, stats=stats)


def _sort_value(run: Run, sort: RunSort, now: datetime) -> int:
    """Whole milliseconds of duration (a run still going: until `now`), or the Failed count."""
    if sort == "failures":
        return run.totals.Failed
    return int(((run.ended_at or now) - run.started_at).total_seconds() * 1000)


def _position(value: int, run_id: str) -> str:
    """A place in the sorted order, as text that sorts like (value, run id)."""
    return f"{value:020d}#{run_id}"


def _sorted_runs(deps: Deps, tenant_id: str, query: RunsQuery, *, limit: int, cursor: str | None) -> RunsPage:
    """Runs of the window sorted by duration or failures (then run id), largest first unless asc.

    One Query of the window's runs (keys only, newest first, at most MAX_SORTED_RUNS + 1 entries)
    and a BatchGetItem of their rows, then a sort in memory; every page does the same read. The
    cursor is keyset: the last (value, run id) returned, with the window and the time running
    runs were measured to pinned, so a page starts after the previous one and every run of the
    window comes once (a run whose value changes between pages, a running run finishing, may
    move past the cursor or back behind it)."""
    stats = ReadStats()
    fingerprint = query.fingerprint(tenant_id)
    now = utcnow()
    after: str | None = None
    if cursor:
        bad = BadRequest(
            "cursor is not valid for this request", fields=[{"field": "query.cursor", "message": "invalid"}]
        )
        document = decode_cursor(cursor, fingerprint)
        pinned = _pinned_window(document, ReportQuery(start=query.start, end=query.end))
        query = query.model_copy(update={"start": pinned.start, "end": pinned.end})
        state = dict(document.get("s", {}))
        after, measured = state.get("after"), state.get("now")
        if not isinstance(after, str) or not isinstance(measured, str) or len(after) > 200:
            raise bad
        try:
            now = datetime.fromisoformat(measured)
        except ValueError:
            raise bad from None
    spec = _runs_spec(tenant_id, query)
    condition, values = spec.condition()
    keys: list[dict[str, str]] = []
    start_key: dict[str, Any] | None = None
    while len(keys) <= MAX_SORTED_RUNS:
        rows, start_key = deps.syncs.query_page(
            index=spec.index.name,
            key_condition=condition,
            values=values,
            forward=False,
            limit=MAX_SORTED_RUNS + 1 - len(keys),
            start_key=start_key,
        )
        stats.queried(len(rows))
        keys += [{"PK": r["PK"], "SK": r["SK"]} for r in rows]
        if not start_key:
            break
    complete = len(keys) <= MAX_SORTED_RUNS
    keys = keys[:MAX_SORTED_RUNS]
    runs = [run for run in deps.syncs.runs_from_keys(keys) if query.accepts(run)]
    stats.base_rows += len(keys)
    ranked = sorted(
        ((_position(_sort_value(run, query.sort, now), run.run_id), run) for run in runs),
        key=lambda pair: pair[0],
        reverse=query.order == "desc",
    )
    if after is not None:
        ranked = [p for p in ranked if (p[0] < after if query.order == "desc" else p[0] > after)]
    page = ranked[:limit]
    stats.returned = len(page)
    next_cursor = None
    if len(ranked) > limit:
        window = [iso(query.start), iso(query.end)] if query.start and query.end else None
        next_cursor = encode_cursor(
            {
                "v": CURSOR_VERSION,
                "f": fingerprint,
                "w": window,
                "p": 0,
                "s": {"after": page[-1][0], "now": now.isoformat()},
            }
        )
    return RunsPage(
        runs=[run for _, run in page],
        next_cursor=next_cursor,
        start=query.start,
        end=query.end,
        stats=stats,
        complete=complete,
    )


def run_view(run: Run) -> dict[str, Any]:
    out = run.model_dump(mode="json", exclude={"tenant_id", "error_groups", "first_errors", "sweep_left"})
    out["status"] = run.shown_status.value
    out["emptied_by_resync"] = run.emptied_by_resync
    out["first_errors"] = [
        group.model_dump(mode="json")
        | {"first_at": _iso_or_none(group.first_at), "last_at": _iso_or_none(group.last_at)}
        | error_catalog.explain(group.code, group.message, run.destination_system)
        for group in run.error_summary()
    ]
    # A pull is the source's: its error is explained as the source system's.
    out["pull_error"] = error_view(run.pull_error, run.source_system)
    out["started_at"] = iso(run.started_at)
    out["ended_at"] = iso(run.ended_at) if run.ended_at else None
    end = run.ended_at or utcnow()
    out["duration_seconds"] = round((end - run.started_at).total_seconds(), 3)
    out["items"] = sum(run.totals.model_dump().values())
    sweep = sweep_view(run)
    if sweep is not None:  # a sweeper run: swept / recovered / still failing
        out["sweep"] = sweep
    return out


def sweep_view(run: Run) -> dict[str, Any] | None:
    """A sweeper run's figures (None for other runs): swept = the entries moved into it (its
    `queued`); recovered (OK) and still failing (Failed) follow its totals as they settle."""
    if run.swept_services is None:
        return None
    totals = run.totals
    return {
        "services": run.swept_services,
        "swept": run.queued,
        "recovered": totals.OK,
        "still_failing": totals.Failed,
        "pending": totals.Pending,
        "sent": totals.Sent,
        "left_for_next_run": run.sweep_left,
    }


def get_run(deps: Deps, tenant_id: str, run_id: str) -> Run:
    run = deps.syncs.get_run(tenant_id, run_id)
    if run is None:
        raise NotFound(f"run {run_id!r} not found")
    return run


def _iso_or_none(value: datetime | None) -> str | None:
    return iso(value) if value else None
