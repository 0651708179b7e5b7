"""GET /runs, GET /runs/{run_id}, GET /dashboard."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest

from syncline import wiring
from syncline.models import (
    ErrorInfo,
    Run,
    RunStatus,
    Status,
    SyncItem,
    Totals,
    Trigger,
    iso,
    new_run_id,
    sync_id_for,
    utcnow,
)
from syncline.store import RunChange
from syncline.store.run_rows import FIRST_ERROR_GROUPS
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


def _all(g: Group, query: dict[str, Any]) -> tuple[list[dict[str, Any]], None, int]:
    items: list[dict[str, Any]] = []
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


# ------------------------------------------------------------------ errors grouped, systems, window


def test_first_errors_grouped_by_code_and_message_with_counts(
    aws_env: AwsEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = new_group("runs-errors")
    syncs = wiring.sync_store()
    run = Run(tenant_id=g.tenant_id, run_id=new_run_id(), service_id="orders", trigger=Trigger.SCHEDULE)
    syncs.create_run(run)
    postcode = ErrorInfo(code="rejected", message="shipping_address.postcode: not deliverable")
    timeout = ErrorInfo(code="timeout", message="no answer in 10 s")

    def batch(*errors: ErrorInfo) -> RunChange:
        change = RunChange(errors=list(errors))
        change.totals.update({Status.FAILED.value: len(errors)})
        return change

    syncs.apply_run_change(g.tenant_id, run.run_id, batch(postcode, postcode, postcode, timeout))
    syncs.apply_run_change(g.tenant_id, run.run_id, batch(postcode, postcode))
    # A batch that read the run before another one added its group: the write is made again on
    # the run as it then stood, and the group is counted once, not added twice.
    stale = syncs._get({"PK": f"{g.tenant_id}#R#{run.run_id}", "SK": "R"})
    assert stale is not None
    stale = {**stale, "error_groups": {}}
    with monkeypatch.context() as patched:
        patched.setattr(syncs, "_get", lambda key, consistent=False: stale)
        syncs.apply_run_change(g.tenant_id, run.run_id, batch(timeout))
    # More distinct messages than the run keeps: the rest are counted, not listed.
    many = [ErrorInfo(code="rejected", message=f"field {n} is wrong") for n in range(12)]
    syncs.apply_run_change(g.tenant_id, run.run_id, batch(*many, postcode))

    body = g.api.get(f"/runs/{run.run_id}").json()
    groups = body["first_errors"]
    assert len(groups) == FIRST_ERROR_GROUPS
    assert [(e["code"], e["message"], e["count"]) for e in groups[:2]] == [
        ("rejected", postcode.message, 6),
        ("timeout", timeout.message, 2),
    ]
    assert all(e["count"] == 1 for e in groups[2:]) and {e["message"] for e in groups[2:]} <= {
        m.message for m in many
    }
    assert body["other_errors"] == 12 - (FIRST_ERROR_GROUPS - 2)
    assert sum(e["count"] for e in groups) + body["other_errors"] == body["totals"]["Failed"] == 20
    assert groups[0]["first_at"] <= groups[0]["last_at"] and groups[0]["first_at"].endswith("Z")
    assert "error_groups" not in body

    # A run written before errors were grouped (ten copies of one error) reads grouped too.
    old = Run(
        tenant_id=g.tenant_id,
        run_id=new_run_id(),
        service_id="orders",
        trigger=Trigger.SCHEDULE,
        first_errors=[postcode] * 9 + [timeout],
    )
    syncs.create_run(old)
    legacy = g.api.get(f"/runs/{old.run_id}").json()["first_errors"]
    assert [(e["code"], e["count"], e["first_at"]) for e in legacy] == [
        ("rejected", 9, None),
        ("timeout", 1, None),
    ]


def test_runs_show_systems_entities_and_the_window_pulled(aws_env: AwsEnv) -> None:
    g = new_group("runs-window")
    resp = g.api.post("/services/orders/run", body={"since": "2025-03-01T00:00:00Z"})
    assert resp.status == 202, resp.text
    aws_env.drain(aws_env.trigger_queue)
    run_id = resp.json()["run_id"]
    body = g.api.get(f"/runs/{run_id}").json()
    assert (body["source_system"], body["source_entity"]) == ("shopify", "orders")
    assert (body["destination_system"], body["destination_entity"]) == ("rest", "orders")
    assert body["since"] == "2025-03-01T00:00:00Z" and body["until"] is None
    listed = g.api.get("/runs", query={"service": "orders"}).json()["items"]
    assert [(r["run_id"], r["source_system"], r["since"]) for r in listed] == [
        (run_id, "shopify", "2025-03-01T00:00:00Z")
    ]


# ------------------------------------------------------------------------------- sorts and filters

DURATIONS = (40, 5, 300, 5, 90, 12, 5, 600, 33, 5, 71, 240, 18)  # seconds; ties on purpose
FAILURES = (0, 3, 0, 1, 7, 0, 3, 0, 2, 3, 0, 1, 0)


@pytest.fixture(scope="module")
def timed(aws_env: AwsEnv) -> tuple[Group, list[Run]]:
    """Finished runs with known durations and failures, and one still running."""
    g = new_group("runs-sort")
    syncs = wiring.sync_store()
    now = utcnow()
    services = ("orders", "products", "stock")
    for n, (seconds, failed) in enumerate(zip(DURATIONS, FAILURES, strict=True)):
        started = now - timedelta(hours=30 - n)
        run = Run(
            tenant_id=g.tenant_id,
            run_id=new_run_id(started),
            service_id=services[n % 3],
            trigger=Trigger.SCHEDULE,
            started_at=started,
            ended_at=started + timedelta(seconds=seconds),
            pull_done=True,
            status=RunStatus.FAILED if failed else RunStatus.OK,
            totals=Totals(OK=5, Failed=failed),
        )
        syncs.create_run(run)
        g.runs.append(run)
    running = Run(
        tenant_id=g.tenant_id,
        run_id=new_run_id(now - timedelta(hours=2)),
        service_id="orders",
        trigger=Trigger.SCHEDULE,
        started_at=now - timedelta(hours=2),
        totals=Totals(Pending=4),
    )
    syncs.create_run(running)
    g.runs.append(running)
    return g, g.runs


def _expected(runs: list[Run], sort: str, order: str) -> list[str]:
    def value(run: Run) -> float:
        if sort == "failures":
            return run.totals.Failed
        return ((run.ended_at or utcnow()) - run.started_at).total_seconds()

    ranked = sorted(runs, key=lambda r: (value(r), r.run_id), reverse=order == "desc")
    return [r.run_id for r in ranked]


@pytest.mark.parametrize("sort", ["duration", "failures"])
@pytest.mark.parametrize("order", ["desc", "asc"])
def test_runs_sorted_by_duration_or_failures_page_by_page(
    timed: tuple[Group, list[Run]], sort: str, order: str
) -> None:
    g, runs = timed
    items, _, pages = _all(g, {"sort": sort, "order": order, "days": 3})
    ids = [r["run_id"] for r in items]
    assert ids == _expected(runs, sort, order) and pages == 3  # 14 runs, 5 a page
    assert len(set(ids)) == len(runs)
    first = g.api.get("/runs", query={"sort": sort, "order": order, "days": 3, "limit": 5}).json()
    assert first["sort"] == {"by": sort, "order": order, "complete": True}
    if sort == "duration":
        seconds = [r["duration_seconds"] for r in items]
        assert seconds == sorted(seconds, reverse=order == "desc")
    else:
        failed = [r["totals"]["Failed"] for r in items]
        assert failed == sorted(failed, reverse=order == "desc")
    # A cursor belongs to its sort: the same cursor under another order is refused.
    other = "asc" if order == "desc" else "desc"
    cursor = first["next_cursor"]
    swapped = g.api.get("/runs", query={"sort": sort, "order": other, "days": 3, "cursor": cursor})
    assert swapped.status == 400


def test_runs_by_start_oldest_first(timed: tuple[Group, list[Run]]) -> None:
    g, runs = timed
    items, _, _ = _all(g, {"order": "asc", "days": 3})
    assert [r["run_id"] for r in items] == sorted(r.run_id for r in runs)


def test_runs_filtered_by_status_and_service_in_every_sort(timed: tuple[Group, list[Run]]) -> None:
    g, runs = timed
    for sort in ("started", "duration", "failures"):
        query: dict[str, Any] = {"sort": sort, "days": 3}
        failed, _, _ = _all(g, query | {"status": "Failed"})
        assert {r["run_id"] for r in failed} == {r.run_id for r in runs if r.status == RunStatus.FAILED}
        assert all(r["status"] == "Failed" for r in failed)
        orders, _, _ = _all(g, query | {"service": "orders", "status": "OK,Running"})
        assert {r["run_id"] for r in orders} == {
            r.run_id for r in runs if r.service_id == "orders" and r.status != RunStatus.FAILED
        }
        if sort != "started":
            wanted = [r for r in runs if r.service_id == "orders" and r.status != RunStatus.FAILED]
            assert [r["run_id"] for r in orders] == _expected(wanted, sort, "desc")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"sort": "size"}, "query.sort"),
        ({"order": "up"}, "query.order"),
        ({"status": "Done"}, "query.status"),
        ({"sort": "", "status": "Failed"}, "query.sort"),
    ],
)
def test_a_wrong_sort_order_or_status_is_422_naming_it(
    timed: tuple[Group, list[Run]], query: dict[str, str], field: str
) -> None:
    g, _ = timed
    resp = g.api.get("/runs", query=query)
    assert resp.status == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == "invalid" and [f["field"] for f in error["fields"]][0].startswith(field)


# ------------------------------------------------------------------------------------- resynced


def test_a_run_a_resync_emptied_says_so(aws_env: AwsEnv) -> None:
    g = new_group("runs-resync")
    syncs = wiring.sync_store()
    now = utcnow()

    def failed_run(started: datetime, statuses: tuple[Status, ...]) -> tuple[Run, list[SyncItem]]:
        run = Run(
            tenant_id=g.tenant_id,
            run_id=new_run_id(started),
            service_id="orders",
            trigger=Trigger.SCHEDULE,
            started_at=started,
            ended_at=started + timedelta(seconds=30),
            pull_done=True,
            status=RunStatus.FAILED,
            totals=Totals.model_validate(dict(Counter(s.value for s in statuses))),
        )
        items = [
            SyncItem(
                tenant_id=g.tenant_id,
                sync_id=sync_id_for("orders", f"{run.run_id}-{n}", "1"),
                run_id=run.run_id,
                service_id="orders",
                source_system="shopify",
                source_entity="orders",
                destination_system="rest",
                destination_entity="orders",
                reference=f"#{n}",
                source_id=f"{run.run_id}-{n}",
                status=status,
                attempts=1,
                last_error=ErrorInfo(code="rejected", message="bad") if status == Status.FAILED else None,
                created_at=started,
                updated_at=started + timedelta(seconds=5),
                payload={"id": n},
            )
            for n, status in enumerate(statuses)
        ]
        syncs.create_run(run)
        syncs._batch_write([syncs.item_row(i) for i in items])
        return run, items

    emptied, gone = failed_run(now - timedelta(hours=3), (Status.FAILED, Status.FAILED))
    partly, mixed = failed_run(now - timedelta(hours=2), (Status.FAILED, Status.OK))
    moved = [i.sync_id for i in gone] + [mixed[0].sync_id]
    resynced = g.api.post("/reports/resync", body={"sync_ids": moved}).json()
    aws_env.drain(aws_env.sync_queue)
    assert resynced["queued"] == 3
    [new_run] = resynced["run_ids"]

    body = g.api.get(f"/runs/{emptied.run_id}").json()
    assert body["status"] == "Resynced" and body["emptied_by_resync"] is True
    assert body["resynced_into"] == [new_run] and body["items"] == 0
    assert body["totals"] == {"OK": 0, "Sent": 0, "Pending": 0, "Failed": 0}
    kept = g.api.get(f"/runs/{partly.run_id}").json()
    assert kept["emptied_by_resync"] is False and kept["resynced_into"] == [new_run]
    assert kept["status"] == "Failed" and kept["items"] == 1
    resync_run = g.api.get(f"/runs/{new_run}").json()
    assert resync_run["trigger"] == "resync" and resync_run["source_system"] == "shopify"

    listed = {r["run_id"]: r["status"] for r in _all(g, {"days": 1})[0]}
    assert listed[emptied.run_id] == "Resynced"
    assert [r["run_id"] for r in _all(g, {"status": "Resynced", "days": 1})[0]] == [emptied.run_id]
    assert emptied.run_id not in {r["run_id"] for r in _all(g, {"status": "Failed", "days": 1})[0]}
    dashboard = g.api.get("/dashboard", query={"days": 1}).json()
    assert dashboard["runs"]["Resynced"] == 1
