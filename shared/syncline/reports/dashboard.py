"""The dashboard: run totals and rates over a window, and the oldest Pending entry."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from syncline.deps import Deps
from syncline.models import Run, RunStatus, Status, iso, utcnow
from syncline.reports.query import STUCK_AFTER


def _rate(totals: Mapping[str, int]) -> float | None:
    settled = totals.get("OK", 0) + totals.get("Sent", 0) + totals.get("Failed", 0)
    return round(totals.get("Failed", 0) / settled, 4) if settled else None


def _days(start: datetime, end: datetime, tz: ZoneInfo) -> list[str]:
    first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def _day_window(day: str, tz: ZoneInfo) -> tuple[str, str]:
    """The UTC start and end of a local day: what the report's from/to take."""
    first = datetime.fromisoformat(day).replace(tzinfo=tz)
    following = (first + timedelta(days=1)).replace(tzinfo=tz)
    return iso(first), iso(following)


def dashboard(
    deps: Deps,
    tenant_id: str,
    start: datetime,
    end: datetime,
    *,
    service_ids: Sequence[str] | None = None,
    statuses: Sequence[Status] | None = None,
    zone: str = "UTC",
    now: datetime | None = None,
) -> dict[str, Any]:
    """Totals by status and by service over the window (from the runs' totals, which always equal
    their items' statuses), failure rate, run counts and the oldest Pending entry. `service_ids`
    keeps those services' runs only; `statuses` keeps only those statuses in the totals (the failure
    rate stays the services' own). Days are the company group's (`zone`), each with the UTC window
    the report takes for it."""
    now = now or utcnow()
    tz = ZoneInfo(zone)
    shown = {s.value for s in (statuses or Status)}
    totals: Counter[str] = Counter({s.value: 0 for s in Status})
    by_service: dict[str, Counter[str]] = {}
    runs_by_status: Counter[str] = Counter()
    wanted = set(service_ids) if service_ids is not None else None
    last_run: dict[str, Run] = {}
    by_day: dict[str, Counter[str]] = {day: Counter() for day in _days(start, end, tz)}
    for run in deps.syncs.runs_started_between(tenant_id, start, end):
        if wanted is not None and run.service_id not in wanted:
            continue
        counts = run.totals.model_dump()
        totals.update(counts)
        day = by_day.setdefault(run.started_at.astimezone(tz).date().isoformat(), Counter())
        day.update(counts)
        day["runs"] += 1
        service_totals = by_service.setdefault(run.service_id, Counter({s.value: 0 for s in Status}))
        service_totals.update(counts)
        service_totals["runs"] += 1
        runs_by_status[run.shown_status.value] += 1
        if run.service_id not in last_run or run.run_id > last_run[run.service_id].run_id:
            last_run[run.service_id] = run
    listed = wanted is None and Status.PENDING.value in shown
    pending = deps.syncs.oldest_pending(tenant_id) if listed else None

    def by_status(counts: Counter[str]) -> dict[str, int]:
        return {s.value: counts[s.value] if s.value in shown else 0 for s in Status}

    out: dict[str, Any] = {
        "from": iso(start),
        "to": iso(end),
        "timezone": zone,
        "totals": by_status(totals),
        "failure_rate": _rate(totals),
        "runs": {
            "total": sum(runs_by_status.values()),
            **{s.value: runs_by_status[s.value] for s in RunStatus},
        },
        # Transactions a day (the company group's days, by the day each run started), every day of
        # the window listed, with the from/to of a report search of that day.
        "days": [
            {
                "date": day,
                "totals": by_status(counts),
                "runs": counts["runs"],
                "from": _day_window(day, tz)[0],
                "to": _day_window(day, tz)[1],
            }
            for day, counts in sorted(by_day.items())
        ],
        "services": [
            {
                "service_id": service_id,
                "totals": by_status(counts),
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
    if listed:
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
