"""Runs: listed newest first, and one run's view."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from syncline.deps import Deps
from syncline.errors import NotFound
from syncline.models import Run, RunStatus, Trigger, iso, utcnow
from syncline.reports.cursor import _check_positions, _hints, _pinned_window, decode_cursor, encode_cursor
from syncline.reports.merge import ReadStats, StreamSpec, _Merge, _run_base_key, _Source
from syncline.reports.query import CURSOR_VERSION, DEFAULT_LIMIT, ReportQuery, run_stamp
from syncline.reports.search import _run_from_row
from syncline.store import (
    runs_partition,
)
from syncline.tables import BY_SERVICE, BY_STATUS


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
