"""GET /runs, GET /runs/{run_id}, GET /dashboard."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from syncline.models import RunStatus, Status, iso, utcnow
from tests.integration.api.conftest import AwsEnv, Group, new_group, seed_items


@pytest.fixture(scope="module")
def world(aws_env: AwsEnv) -> tuple[Group, Group, datetime]:
    now = utcnow()
    g = new_group("runs")
    seed_items(g, runs_per_service=8, items_per_run=6, days=8, now=now)
    other = new_group("runs-other")
    seed_items(other, runs_per_service=2, items_per_run=3, days=2, seed=5, now=now)
    return g, other, now


def test_runs_newest_first_with_filters_and_pages(world: tuple[Group, Group, datetime]) -> None:
    g, _, now = world
    start = now - timedelta(days=5)
    in_window = sorted((r for r in g.runs if r.started_at >= start), key=lambda r: r.run_id, reverse=True)
    items, _, pages = _all(g, {})
    assert [r["run_id"] for r in items] == [r.run_id for r in in_window] and pages > 1
    orders, _, _ = _all(g, {"service": "orders", "days": 15})
    assert [r["run_id"] for r in orders] == sorted(
        (r.run_id for r in g.runs if r.service_id == "orders"), reverse=True
    )
    failed, _, _ = _all(g, {"status": "Failed", "days": 15})
    assert {r["run_id"] for r in failed} == {r.run_id for r in g.runs if r.status == RunStatus.FAILED}
    assert _all(g, {"trigger": "manual", "days": 15})[0] == []
    assert g.api.get("/runs", query={"status": "Done"}).status == 422


def _all(g: Group, query: dict[str, object]) -> tuple[list[dict[str, object]], None, int]:
    items: list[dict[str, object]] = []
    cursor = None
    pages = 0
    while True:
        resp = g.api.get("/runs", query=query | {"limit": 5} | ({"cursor": cursor} if cursor else {}))
        assert resp.status == 200, resp.text
        pages += 1
        items += resp.json()["items"]
        cursor = resp.json()["next_cursor"]
        if not cursor:
            return items, None, pages


def test_one_run(world: tuple[Group, Group, datetime]) -> None:
    g, other, _ = world
    run = g.runs[-1]
    body = g.api.get(f"/runs/{run.run_id}").json()
    assert body["run_id"] == run.run_id and body["trigger"] == "schedule"
    assert body["totals"] == run.totals.model_dump() and body["items"] == sum(
        run.totals.model_dump().values()
    )
    assert body["started_at"] == iso(run.started_at) and "pulled" in body and "pushed" in body
    assert body["entries"] == f"/reports?run={run.run_id}"
    assert other.api.get(f"/runs/{run.run_id}").status == 404
    assert g.api.get("/runs/20990101T000000000-abcdef").status == 404
    assert g.api.get("/runs/yesterday").status == 422


def test_dashboard_totals_failure_rate_and_oldest_pending(world: tuple[Group, Group, datetime]) -> None:
    g, _, now = world
    body = g.api.get("/dashboard", query={"days": 5}).json()
    start = datetime.fromisoformat(body["from"].replace("Z", "+00:00"))
    runs = [r for r in g.runs if r.started_at >= start]
    totals: Counter[str] = Counter()
    for run in runs:
        totals.update(run.totals.model_dump())
    assert body["totals"] == {s.value: totals[s.value] for s in Status}
    settled = totals["OK"] + totals["Sent"] + totals["Failed"]
    assert body["failure_rate"] == round(totals["Failed"] / settled, 4)
    assert body["runs"]["total"] == len(runs)
    orders = next(s for s in body["services"] if s["service_id"] == "orders")
    assert orders["runs"] == sum(1 for r in runs if r.service_id == "orders")
    pending = min((i for i in g.items if i.status == Status.PENDING), key=lambda i: i.updated_at)
    assert body["oldest_pending"]["sync_id"] == pending.sync_id
    assert body["oldest_pending"]["stuck"] is True
    assert g.api.get("/dashboard", query={"days": 30}).status == 422
