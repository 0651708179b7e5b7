"""Sweeper services: a sweeper run pulls nothing; it moves the swept services' retryable Failed
entries and stuck Pending entries into its own run (through the resync path) and onto the queue,
leaves OK, Sent, fresh Pending and permanent rejections alone (these last unless
include_permanent), and shows swept / recovered / still failing. Its settings are validated."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
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
    new_run_id,
    sync_id_for,
    utcnow,
)
from syncline.pipeline.messages import TriggerRequest
from syncline.pipeline.trigger import run_trigger
from tests.integration.api.conftest import SYSTEM_OF, AwsEnv, Group, new_group

SWEEPER = {
    "service_id": "sweep-orders",
    "name": "Orders sweeper",
    "type": "sweeper",
    "source": {"connector_id": "shop", "entity": "orders"},
    "destination": {"connector_id": "wh", "entity": "orders"},
}


@dataclass
class Seeded:
    rows: dict[str, SyncItem]  # by name
    runs: list[Run]


def _seed(group: Group, service_id: str, specs: dict[str, tuple[Status, str | None, datetime]]) -> Seeded:
    """One run of `service_id` holding an entry per spec (status, last error code, updated at);
    the run's totals equal its entries' statuses."""
    syncs = wiring.sync_store()
    service = group.services[service_id]
    started = min(at for _, _, at in specs.values()) - timedelta(minutes=1)
    run = Run(
        tenant_id=group.tenant_id,
        run_id=new_run_id(started),
        service_id=service_id,
        trigger=Trigger.SCHEDULE,
        started_at=started,
        pull_done=True,
    )
    rows: dict[str, SyncItem] = {}
    for name, (status, code, at) in specs.items():
        rows[name] = SyncItem(
            tenant_id=group.tenant_id,
            sync_id=sync_id_for(service_id, name, group.tenant_id),
            run_id=run.run_id,
            service_id=service_id,
            source_system=SYSTEM_OF[service.source.connector_id],
            source_entity=service.source.entity,
            destination_system=SYSTEM_OF[service.destination.connector_id],
            destination_entity=service.destination.entity,
            reference=f"#{name}",
            source_id=name,
            status=status,
            attempts=1,
            last_error=ErrorInfo(code=code, message=f"{code} happened") if code else None,
            created_at=started,
            updated_at=at,
            payload={"id": name},
        )
    counts = Counter(i.status.value for i in rows.values())
    run.totals = Totals.model_validate(dict(counts))
    run.status = RunStatus.RUNNING if counts["Pending"] else RunStatus.FAILED
    syncs.create_run(run)
    syncs._batch_write([syncs.item_row(i) for i in rows.values()])
    return Seeded(rows=rows, runs=[run])


@pytest.fixture
def group(aws_env: AwsEnv) -> Group:
    aws_env.drain(aws_env.sync_queue)
    aws_env.drain(aws_env.trigger_queue)
    return new_group("sw")


@pytest.fixture
def seeded(group: Group) -> dict[str, SyncItem]:
    now = utcnow()
    hours_ago = now - timedelta(hours=2)
    later = now  # after the connectors were saved: auth not fixed since
    orders = _seed(
        group,
        "orders",
        {
            "transient": (Status.FAILED, "transient", hours_ago),
            "unreachable": (Status.FAILED, "unreachable", hours_ago),
            "rate_limited": (Status.FAILED, "rate_limited", hours_ago),
            "auth_fixed": (Status.FAILED, "authentication_failed", now - timedelta(days=1)),
            "auth_unchanged": (Status.FAILED, "authentication_failed", later),
            "rejected": (Status.FAILED, "rejected", hours_ago),
            "mapping": (Status.FAILED, "mapping_error", hours_ago),
            "stuck": (Status.PENDING, "transient", hours_ago),
            "fresh": (Status.PENDING, "transient", later),
            "ok": (Status.OK, None, hours_ago),
            "sent": (Status.SENT, None, hours_ago),
            "too_old": (Status.FAILED, "transient", now - timedelta(days=7)),
        },
    )
    other = _seed(group, "products", {"other_service": (Status.FAILED, "transient", hours_ago)})
    return orders.rows | other.rows


RETRYABLE = {"transient", "unreachable", "rate_limited", "auth_fixed", "stuck"}


def _current(group: Group, rows: dict[str, SyncItem]) -> dict[str, SyncItem]:
    got = wiring.sync_store().get_items(group.tenant_id, [i.sync_id for i in rows.values()], consistent=True)
    return {name: got[i.sync_id] for name, i in rows.items()}


def _trigger(group: Group, service_id: str, **extra: Any) -> str:
    request = TriggerRequest(
        tenant_id=group.tenant_id, service_id=service_id, trigger=Trigger.SCHEDULE, **extra
    )
    result = run_trigger(wiring.deps(), request, lambda: 60.0)
    assert result.run_id is not None
    return result.run_id


def test_a_sweeper_run_requeues_retryable_failures_and_stuck_pending_into_its_own_run(
    aws_env: AwsEnv, group: Group, seeded: dict[str, SyncItem]
) -> None:
    created = group.api.post("/services", body=SWEEPER)
    assert created.status == 201, created.text
    body = created.json()
    assert body["schedule"] == "rate(12 hours)"
    assert body["sweeper"] is None  # the defaults: the same source and destination, 5 days

    run_id = _trigger(group, "sweep-orders")
    now = _current(group, seeded)
    moved = {name for name, item in now.items() if item.run_id == run_id}
    assert moved == RETRYABLE
    for name in RETRYABLE:
        item = now[name]
        assert item.status == Status.PENDING and item.attempts == 0 and item.last_error is None
        assert item.service_id == "orders" and item.payload == seeded[name].payload
    for name in set(seeded) - RETRYABLE:  # OK, Sent, fresh Pending, permanent, too old, not swept
        assert now[name] == seeded[name], name

    messages = aws_env.drain(aws_env.sync_queue)
    assert sorted(m["sync_id"] for m in messages) == sorted(seeded[n].sync_id for n in RETRYABLE)
    assert {(m["run_id"], m["service_id"]) for m in messages} == {(run_id, "orders")}

    view = group.api.get(f"/runs/{run_id}")
    assert view.status == 200, view.text
    run = view.json()
    assert run["service_id"] == "sweep-orders" and run["trigger"] == "sweeper"
    assert run["status"] == "Running" and run["pull_done"] is True
    assert run["totals"]["Pending"] == len(RETRYABLE)
    assert run["sweep"] == {
        "services": ["orders"],
        "swept": len(RETRYABLE),
        "recovered": 0,
        "still_failing": 0,
        "pending": len(RETRYABLE),
        "sent": 0,
        "left_for_next_run": 0,
    }
    entries = group.api.get("/reports", query={"run": run_id}).json()["items"]
    assert sorted(e["sync_id"] for e in entries) == sorted(seeded[n].sync_id for n in RETRYABLE)

    # The re-queued entries settle: three OK, two Failed again. The run closes on its entries'
    # statuses (counted across the swept services) and shows recovered / still failing.
    syncs = wiring.sync_store()
    outcome = dict.fromkeys(["transient", "unreachable", "stuck"], Status.OK) | dict.fromkeys(
        ["rate_limited", "auth_fixed"], Status.FAILED
    )
    syncs._batch_write(
        [syncs.item_row(now[name].model_copy(update={"status": status})) for name, status in outcome.items()]
    )
    stored = syncs.get_run(group.tenant_id, run_id)
    assert stored is not None
    closed = syncs.close_if_settled(stored)
    assert closed.status == RunStatus.FAILED
    sweep = group.api.get(f"/runs/{run_id}").json()["sweep"]
    assert (sweep["swept"], sweep["recovered"], sweep["still_failing"], sweep["pending"]) == (5, 3, 2, 0)


def test_include_permanent_takes_permanent_rejections_and_named_services(
    aws_env: AwsEnv, group: Group, seeded: dict[str, SyncItem]
) -> None:
    body = SWEEPER | {
        "schedule": "rate(1 hour)",
        "sweeper": {"sweeps": ["orders", "products"], "include_permanent": True, "window_days": 1},
    }
    created = group.api.post("/services", body=body)
    assert created.status == 201, created.text
    assert created.json()["schedule"] == "rate(1 hour)"
    run_id = _trigger(group, "sweep-orders")
    now = _current(group, seeded)
    moved = {name for name, item in now.items() if item.run_id == run_id}
    # a day's window: the day-old auth failure is out of it, and so is the week-old one
    assert moved == (RETRYABLE - {"auth_fixed"}) | {"auth_unchanged", "rejected", "mapping", "other_service"}
    for name in ("ok", "sent", "fresh", "too_old", "auth_fixed"):
        assert now[name] == seeded[name], name
    run = group.api.get(f"/runs/{run_id}").json()
    assert run["sweep"]["services"] == ["orders", "products"] and run["sweep"]["swept"] == len(moved)
    entries = group.api.get("/reports", query={"run": run_id}).json()["items"]
    assert {e["service_id"] for e in entries} == {"orders", "products"} and len(entries) == len(moved)


def test_run_now_sweeps_into_the_run_it_opened(
    aws_env: AwsEnv, group: Group, seeded: dict[str, SyncItem]
) -> None:
    assert group.api.post("/services", body=SWEEPER | {"active": False}).status == 201
    started = group.api.post("/services/sweep-orders/run", body={})
    assert started.status == 202, started.text
    run_id = started.json()["run_id"]
    assert group.api.post("/services/sweep-orders/run", body={"since": "2025-01-01T00:00:00Z"}).status == 422
    (message,) = aws_env.drain(aws_env.trigger_queue)[-1:]
    request = TriggerRequest.model_validate(message)
    assert run_trigger(wiring.deps(), request, lambda: 60.0).run_id == run_id
    now = _current(group, seeded)
    assert {name for name, item in now.items() if item.run_id == run_id} == RETRYABLE
    run = group.api.get(f"/runs/{run_id}").json()
    assert run["trigger"] == "manual" and run["sweep"]["swept"] == len(RETRYABLE)
    # Delivered again: the run swept already, nothing moves twice.
    assert run_trigger(wiring.deps(), request, lambda: 60.0).reason == "swept already"


def test_a_standard_service_still_pulls(group: Group) -> None:
    """The sweep is for sweepers only: a standard service's run has no sweep figures."""
    config = wiring.config_store()
    assert config.require_service(group.tenant_id, "orders").type == "standard"
    seeded = _seed(group, "orders", {"x": (Status.FAILED, "transient", utcnow() - timedelta(hours=2))})
    view = group.api.get(f"/runs/{seeded.runs[0].run_id}").json()
    assert "sweep" not in view


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sweeper": {"sweeps": ["nope"]}}, "body.sweeper.sweeps.0"),
        ({"sweeper": {"sweeps": ["orders", "sweep-orders"]}}, "body.sweeper.sweeps.1"),
        ({"sweeper": {"sweeps": []}}, "body.sweeper.sweeps"),
        ({"sweeper": {"window_days": 16}}, "body.sweeper.window_days"),
        ({"sweeper": {"window_days": 0}}, "body.sweeper.window_days"),
        ({"sweeper": {"max_per_run": 0}}, "body.sweeper.max_per_run"),
        ({"sweeper": {"max_per_run": 100_001}}, "body.sweeper.max_per_run"),
        ({"sweeper": {"max_per_run": "10"}}, "body.sweeper.max_per_run"),
        ({"sweeper": {"include_permanent": "yes"}}, "body.sweeper.include_permanent"),
        ({"sweeper": {"window": 3}}, "body.sweeper.window"),
        ({"type": "standard", "sweeper": {"window_days": 3}}, "body.sweeper"),
    ],
)
def test_sweeper_settings_are_validated(group: Group, change: dict[str, Any], field: str) -> None:
    resp = group.api.post("/services", body=SWEEPER | change)
    assert resp.status == 422, resp.text
    fields = [f["field"] for f in resp.json()["error"]["fields"]]
    assert field in fields, fields
    assert group.api.get("/services/sweep-orders").status == 404


def test_a_sweeper_cannot_sweep_another_sweeper_and_patch_is_validated(group: Group) -> None:
    assert group.api.post("/services", body=SWEEPER).status == 201
    second = SWEEPER | {"service_id": "sweep-2", "sweeper": {"sweeps": ["sweep-orders"]}}
    resp = group.api.post("/services", body=second)
    assert resp.status == 422 and resp.json()["error"]["fields"][0]["field"] == "body.sweeper.sweeps.0"
    patched = group.api.patch("/services/sweep-orders", body={"sweeper": {"window_days": 15}})
    assert patched.status == 200, patched.text
    assert patched.json()["sweeper"]["window_days"] == 15
    bad = group.api.patch("/services/sweep-orders", body={"sweeper": {"sweeps": ["gone"]}})
    assert bad.status == 422 and bad.json()["error"]["fields"][0]["field"] == "body.sweeper.sweeps.0"


def test_max_per_run_leaves_the_rest_for_the_next_run_and_says_how_many(
    aws_env: AwsEnv, group: Group, seeded: dict[str, SyncItem]
) -> None:
    """Five qualify; two a run: 2 (2 left, counted up to max_per_run), 2 (1 left), 1 (none left)."""
    limited = {"sweeps": ["orders"], "max_per_run": 2}
    assert group.api.post("/services", body=SWEEPER | {"active": False, "sweeper": limited}).status == 201
    taken: set[str] = set()
    for expected_swept, expected_left in ((2, 2), (2, 1), (1, 0)):
        started = group.api.post("/services/sweep-orders/run", body={})
        assert started.status == 202, started.text
        run_id = started.json()["run_id"]
        (message,) = aws_env.drain(aws_env.trigger_queue)
        result = run_trigger(wiring.deps(), TriggerRequest.model_validate(message), lambda: 60.0)
        assert result.run_id == run_id and result.queued == expected_swept
        sweep = group.api.get(f"/runs/{run_id}").json()["sweep"]
        assert (sweep["swept"], sweep["left_for_next_run"]) == (expected_swept, expected_left)
        now = _current(group, seeded)
        moved = {name for name, item in now.items() if item.run_id == run_id}
        assert len(moved) == expected_swept and not moved & taken
        taken |= moved
        assert len(aws_env.drain(aws_env.sync_queue)) == expected_swept
    assert taken == RETRYABLE


def test_one_run_sweeps_in_slices_that_go_on_where_the_last_stopped(
    aws_env: AwsEnv, group: Group, seeded: dict[str, SyncItem], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slices of two (MAX_RESYNC_IDS made small): one run takes four in two slices, each going on
    from the last one's cursor (none taken twice, none skipped), and leaves the fifth."""
    monkeypatch.setattr("syncline.pipeline.sweep.MAX_RESYNC_IDS", 2)
    limited = {"sweeps": ["orders"], "max_per_run": 4}
    assert group.api.post("/services", body=SWEEPER | {"sweeper": limited}).status == 201
    run_id = _trigger(group, "sweep-orders")
    sweep = group.api.get(f"/runs/{run_id}").json()["sweep"]
    assert (sweep["swept"], sweep["left_for_next_run"]) == (4, 1)
    now = _current(group, seeded)
    moved = {name for name, item in now.items() if item.run_id == run_id}
    assert len(moved) == 4 and moved < RETRYABLE
    messages = aws_env.drain(aws_env.sync_queue)
    assert sorted(m["sync_id"] for m in messages) == sorted(now[n].sync_id for n in moved)
