"""The dashboard: run totals and rates over a window, and the oldest Pending entry."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from syncline.deps import Deps
from syncline.models import Run, RunStatus, Status, iso, utcnow
from syncline.reports.query import STUCK_AFTER


def _rate(totals: Mapping[str, int]) -> float | None:
    settled = totals.get("OK", 0) + totals.get("Sent", 0) + totals.get("Failed", 0)
    return round(totals.get("Failed", 0) / settled, 4) if settled else None


def _days(start: datetime, end: datetime) -> list[str]:
    first, last = start.astimezone(UTC).date(), end.astimezone(UTC).date()
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


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
    by_day: dict[str, Counter[str]] = {day: Counter() for day in _days(start, end)}
    for run in deps.syncs.runs_started_between(tenant_id, start, end):
        if wanted is not None and run.service_id not in wanted:
            continue
        counts = run.totals.model_dump()
        totals.update(counts)
        day = by_day.setdefault(run.started_at.astimezone(UTC).date().isoformat(), Counter())
        day.update(counts)
        day["runs"] += 1
        service_totals = by_service.setdefault(run.service_id, Counter({s.value: 0 for s in Status}))
        service_totals.update(counts)
        service_totals["runs"] += 1
        runs_by_status[run.shown_status.value] += 1
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
        # Transactions a day (UTC, by the day each run started), every day of the window listed.
        "days": [
            {"date": day, "totals": {s.value: counts[s.value] for s in Status}, "runs": counts["runs"]}
            for day, counts in sorted(by_day.items())
        ],
        "services": [
            {
                "service_id": service_id,
                "totals": {s.value: counts[s.value] for s in Status},
                "failure_rate": _rate(counts),
                "runs": counts["runs"],
                "last_run": {
                    "run_id": last_run[service_id].run_id,
                    "status": last_run[service_id].shown_status.value,
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
