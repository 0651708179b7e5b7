"""POST /reports/resync: Failed and stuck Pending entries go back to Pending in a new resync run
and onto the queue with their stored payload; everything else is refused with a reason; run totals
stay equal to their items' statuses (invariant 3), also when an entry changes meanwhile."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from syncline import wiring
from syncline.models import RunStatus, Status, SyncItem, Trigger, utcnow
from syncline.store import SyncStore
from tests.integration.api.conftest import AwsEnv, Group, new_group, seed_items


@pytest.fixture
def group(aws_env: AwsEnv) -> Group:
    aws_env.drain(aws_env.sync_queue)
    g = new_group("rs")
    seed_items(g, runs_per_service=3, items_per_run=10, days=3)
    return g


def _current(group: Group) -> dict[str, SyncItem]:
    return wiring.sync_store().get_items(group.tenant_id, [i.sync_id for i in group.items])


def assert_totals_match_items(group: Group, extra_runs: list[str] = ()) -> None:  # type: ignore[assignment]
    """Invariant 3 for every run of the group, old and new."""
    syncs = wiring.sync_store()
    runs = {r.run_id: r.service_id for r in group.runs}
    for run_id in extra_runs:
        run = syncs.get_run(group.tenant_id, run_id)
        assert run is not None
        runs[run_id] = run.service_id
    for run_id, service_id in runs.items():
        run = syncs.get_run(group.tenant_id, run_id)
        assert run is not None
        counts = Counter(i.status.value for i in syncs.items_of_run(group.tenant_id, service_id, run_id))
        assert run.totals.model_dump() == {s.value: counts.get(s.value, 0) for s in Status}, run_id


def _by_status(group: Group, status: Status) -> list[SyncItem]:
    return [i for i in group.items if i.status == status]


def test_failed_entries_go_back_to_pending_in_a_resync_run_with_their_payload(
    aws_env: AwsEnv, group: Group
) -> None:
    failed = _by_status(group, Status.FAILED)
    ok = _by_status(group, Status.OK)[0]
    unknown = "f" * 24
    resp = group.api.post(
        "/reports/resync", body={"sync_ids": [i.sync_id for i in failed] + [ok.sync_id, unknown]}
    )
    assert resp.status == 200, resp.text
    body = resp.json()
    assert body["queued"] == len(failed)
    reasons = {r["sync_id"]: r["reason"] for r in body["refused"]}
    assert reasons == {ok.sync_id: "already_ok", unknown: "not_found"}
    assert body["refused_counts"] == {"already_ok": 1, "not_found": 1}
    services = {i.service_id for i in failed}
    assert len(body["run_ids"]) == len(services)

    now = _current(group)
    new_runs = set(body["run_ids"])
    for item in failed:
        moved = now[item.sync_id]
        assert moved.status == Status.PENDING and moved.attempts == 0 and moved.last_error is None
        assert moved.run_id in new_runs and moved.payload == item.payload
    assert now[ok.sync_id].status == Status.OK

    messages = aws_env.drain(aws_env.sync_queue)
    assert sorted(m["sync_id"] for m in messages) == sorted(i.sync_id for i in failed)
    for message in messages:
        item = now[message["sync_id"]]
        assert message["run_id"] == item.run_id
        assert message["record"] == item.payload
        assert message["tenant_id"] == group.tenant_id

    syncs = wiring.sync_store()
    for run_id in body["run_ids"]:
        run = syncs.get_run(group.tenant_id, run_id)
        assert run is not None and run.trigger == Trigger.RESYNC and run.pull_done
        assert run.totals.Pending == run.queued == sum(1 for i in failed if now[i.sync_id].run_id == run_id)
        assert run.status == RunStatus.RUNNING
    assert_totals_match_items(group, body["run_ids"])

    again = group.api.post("/reports/resync", body={"sync_ids": [failed[0].sync_id]}).json()
    assert again["queued"] == 0 and again["refused"][0]["reason"] == "in_progress"


def test_only_failed_and_stuck_pending_entries_with_a_payload_qualify(aws_env: AwsEnv, group: Group) -> None:
    syncs = wiring.sync_store()
    stuck = next(i for i in _by_status(group, Status.PENDING) if utcnow() - i.updated_at > timedelta(hours=1))
    sent = _by_status(group, Status.SENT)[0]
    recent, no_payload = _by_status(group, Status.FAILED)[:2]
    recent_pending = recent.model_copy(update={"status": Status.PENDING, "updated_at": utcnow()})
    _rewrite(syncs, recent, recent_pending)
    bare = no_payload.model_copy(update={"payload": None})
    _rewrite(syncs, no_payload, bare)
    other = new_group("other")
    seed_items(other, runs_per_service=1, items_per_run=5, days=1, seed=9)
    foreign = _by_status(other, Status.FAILED) or other.items

    ids = [stuck.sync_id, sent.sync_id, recent.sync_id, no_payload.sync_id, foreign[0].sync_id]
    body = group.api.post("/reports/resync", body={"sync_ids": ids}).json()
    reasons = {r["sync_id"]: r["reason"] for r in body["refused"]}
    assert body["queued"] == 1
    assert reasons == {
        sent.sync_id: "sent",
        recent.sync_id: "in_progress",
        no_payload.sync_id: "no_payload",
        foreign[0].sync_id: "not_found",
    }
    assert _current(group)[stuck.sync_id].status == Status.PENDING
    assert wiring.sync_store().get_item(other.tenant_id, foreign[0].sync_id) == foreign[0]
    # the stuck entry left its old (Running) run: totals still equal the items
    group.items = [recent_pending if i.sync_id == recent.sync_id else i for i in group.items]
    assert_totals_match_items(group, body["run_ids"])


def _rewrite(syncs: SyncStore, before: SyncItem, after: SyncItem) -> None:
    """Change an item in place (same run), keeping its run's totals equal to its items."""
    from syncline.store import RunChange

    syncs._batch_write([syncs.item_row(after)])
    if before.status != after.status:
        change = RunChange()
        change.totals[before.status.value] -= 1
        change.totals[after.status.value] += 1
        syncs.apply_run_change(before.tenant_id, before.run_id, change)


def test_resync_by_filter_in_slices_with_more(aws_env: AwsEnv, group: Group) -> None:
    counts = Counter(i.service_id for i in _by_status(group, Status.FAILED))
    service, _ = counts.most_common(1)[0]
    failed = [i for i in _by_status(group, Status.FAILED) if i.service_id == service]
    assert len(failed) >= 2
    query = {"service": [service], "days": 15}
    dry = group.api.post("/reports/resync", body={"filter": query, "dry_run": True}).json()
    assert (
        dry["dry_run"]
        and dry["queued"] == 0
        and sorted(dry["would_queue"]) == sorted(i.sync_id for i in failed)
    )
    assert all(i.status == Status.FAILED for i in _current(group).values() if i.sync_id in dry["would_queue"])

    first = group.api.post("/reports/resync", body={"filter": query, "limit": 1}).json()
    assert first["queued"] == 1 and first["more"] is True
    rest = group.api.post("/reports/resync", body={"filter": query}).json()
    assert rest["queued"] == len(failed) - 1 and rest["more"] is False
    now = _current(group)
    assert all(now[i.sync_id].status == Status.PENDING for i in failed)
    assert_totals_match_items(group, first["run_ids"] + rest["run_ids"])
    assert len(aws_env.drain(aws_env.sync_queue)) == len(failed)


def test_an_entry_that_changes_meanwhile_is_refused_and_totals_stay_right(
    aws_env: AwsEnv, group: Group, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed = _by_status(group, Status.FAILED)
    victim = failed[0]
    real = SyncStore.get_items

    def racing(self: SyncStore, tenant_id: str, sync_ids: list[str], consistent: bool = True) -> Any:
        got = real(self, tenant_id, sync_ids, consistent)
        # a late outcome lands between the read and the write: the entry is OK now
        _rewrite(
            self, victim, victim.model_copy(update={"status": Status.OK, "attempts": victim.attempts + 1})
        )
        return got

    monkeypatch.setattr(SyncStore, "get_items", racing)
    body = group.api.post("/reports/resync", body={"sync_ids": [i.sync_id for i in failed]}).json()
    monkeypatch.undo()
    assert body["queued"] == len(failed) - 1
    assert body["refused"] == [
        {"sync_id": victim.sync_id, "reason": "changed", "message": body["refused"][0]["message"]}
    ]
    assert _current(group)[victim.sync_id].status == Status.OK
    group.items = [
        i.model_copy(update={"status": Status.OK}) if i.sync_id == victim.sync_id else i for i in group.items
    ]
    assert_totals_match_items(group, body["run_ids"])
    assert len(aws_env.drain(aws_env.sync_queue)) == len(failed) - 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"sync_ids": []}, 422),
        ({"sync_ids": ["a" * 24], "filter": {"days": 1}}, 422),
        ({"sync_ids": [f"{n:024x}" for n in range(1001)]}, 422),
        ({"sync_ids": ["not-a-sync-id"]}, 422),
        ({"filter": {"status": ["OK"]}}, 422),
        ({"filter": {"days": 99}}, 422),
        ({"filter": {"colour": "red"}}, 422),
        ({"sync_ids": ["a" * 24], "refetch": "true"}, 422),
        ({"sync_ids": ["a" * 24], "refetch": 1}, 422),
    ],
)
def test_bad_resync_requests_change_nothing(
    aws_env: AwsEnv, group: Group, body: dict[str, Any], status: int
) -> None:
    before = _current(group)
    resp = group.api.post("/reports/resync", body=body)
    assert resp.status == status, resp.text
    assert set(resp.json()) == {"error"}
    assert _current(group) == before
    assert aws_env.drain(aws_env.sync_queue) == []


def test_an_entry_whose_old_run_has_expired_is_still_resynced(aws_env: AwsEnv, group: Group) -> None:
    from syncline.store import marshal, run_key

    failed = _by_status(group, Status.FAILED)[0]
    syncs = wiring.sync_store()
    syncs.ddb.delete_item(TableName=syncs.name, Key=marshal(run_key(group.tenant_id, failed.run_id)))
    body = group.api.post("/reports/resync", body={"sync_ids": [failed.sync_id]}).json()
    assert body["queued"] == 1
    assert _current(group)[failed.sync_id].run_id == body["run_ids"][0]
    assert len(aws_env.drain(aws_env.sync_queue)) == 1


def test_refetch_queues_a_refetch_message_and_needs_no_payload_but_a_source_that_can(
    aws_env: AwsEnv, group: Group
) -> None:
    syncs = wiring.sync_store()
    orders = [i for i in _by_status(group, Status.FAILED) if i.service_id == "orders"]
    bare = orders[0].model_copy(update={"payload": None})
    _rewrite(syncs, orders[0], bare)
    body = group.api.post("/reports/resync", body={"sync_ids": [bare.sync_id], "refetch": True}).json()
    assert body["queued"] == 1 and body["refused"] == []
    (message,) = aws_env.drain(aws_env.sync_queue)
    assert message["sync_id"] == bare.sync_id and message["refetch"] is True

    # A file-drop source cannot fetch one record: refused, nothing changes; without refetch it goes.
    config = wiring.config_store()
    shop = config.get_connector(group.tenant_id, "shop")
    assert shop is not None
    config.put_connector(shop.model_copy(update={"system": "sftp"}))
    before = _current(group)
    ids = [i.sync_id for i in orders[1:]]
    body = group.api.post("/reports/resync", body={"sync_ids": ids, "refetch": True}).json()
    assert body["queued"] == 0
    assert body["refused_counts"] == {"cannot_refetch": len(ids)}
    assert "refetch" in body["refused"][0]["message"]
    assert _current(group) == before and aws_env.drain(aws_env.sync_queue) == []
    body = group.api.post("/reports/resync", body={"sync_ids": ids}).json()
    assert body["queued"] == len(ids)
    assert all("refetch" not in m for m in aws_env.drain(aws_env.sync_queue))


def test_a_resync_records_the_runs_the_entry_was_in(aws_env: AwsEnv, group: Group) -> None:
    from syncline.store import item_key, marshal

    syncs = wiring.sync_store()
    failed = _by_status(group, Status.FAILED)[0]
    first_run = failed.run_id

    def stored_row() -> dict[str, Any]:
        got = syncs.ddb.get_item(
            TableName=syncs.name, Key=marshal(item_key(group.tenant_id, failed.sync_id)), ConsistentRead=True
        )
        row: dict[str, Any] = got["Item"]
        return row

    # Never resynced: no attribute at all (the row keeps its size), an empty list in the API.
    assert "earlier_runs" not in stored_row()
    assert _current(group)[failed.sync_id].earlier_runs == []
    entry = group.api.get(f"/reports/{failed.sync_id}").json()
    assert entry["earlier_runs"] == [] and entry["run_id"] == first_run

    body = group.api.post("/reports/resync", body={"sync_ids": [failed.sync_id]}).json()
    (second_run,) = body["run_ids"]
    moved = _current(group)[failed.sync_id]
    assert moved.run_id == second_run and moved.earlier_runs == [first_run]
    assert stored_row()["earlier_runs"] == {"L": [{"S": first_run}]}
    entry = group.api.get(f"/reports/{failed.sync_id}").json()
    assert entry["run_id"] == second_run and entry["earlier_runs"] == [first_run]
    listed = group.api.get("/reports", query={"sync_id": failed.sync_id, "fields": "additional"}).json()
    assert listed["items"][0]["earlier_runs"] == [first_run]

    # It fails again in its new run; a second resync appends that run, oldest first.
    _rewrite(syncs, moved, moved.model_copy(update={"status": Status.FAILED, "attempts": 1}))
    body = group.api.post("/reports/resync", body={"sync_ids": [failed.sync_id]}).json()
    (third_run,) = body["run_ids"]
    entry = group.api.get(f"/reports/{failed.sync_id}").json()
    assert entry["run_id"] == third_run and entry["earlier_runs"] == [first_run, second_run]
    assert_totals_match_items(group, [second_run, third_run])
    aws_env.drain(aws_env.sync_queue)


def test_an_entry_remembers_its_last_20_runs() -> None:
    from syncline.models import MAX_EARLIER_RUNS

    item = SyncItem(
        tenant_id="t",
        sync_id="a" * 24,
        run_id="r0",
        service_id="s",
        source_system="x",
        source_entity="orders",
        destination_system="y",
        destination_entity="orders",
        reference="#1",
        source_id="1",
    )
    for n in range(1, 30):
        item = item.model_copy(update={"run_id": f"r{n}", "earlier_runs": item.moved_from()})
    assert MAX_EARLIER_RUNS == 20
    assert item.earlier_runs == [f"r{n}" for n in range(9, 29)]
