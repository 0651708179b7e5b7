"""The reconciler: items that lost their message are queued again or settled Failed, items someone
holds are left alone, and runs whose trigger or batches died are closed with counted totals."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from syncline import aws, wiring
from syncline.deps import Deps
from syncline.local.stack import SERVICE, TENANT, LocalStack, StackOptions, local_stack
from syncline.models import Run, RunStatus, Status, SyncItem, Trigger, new_run_id, utcnow
from syncline.pipeline.messages import SyncMessage
from syncline.pipeline.reconcile import reconcile
from syncline.store import RunChange


@pytest.fixture
def stack() -> Iterator[LocalStack]:
    with local_stack(StackOptions(records=3, fail_rate=0.0, permanent_failures=False)) as running:
        running.driver.stop()  # nothing consumes the queue: the test reads what lands on it
        yield running


def deps(**overrides: object) -> Deps:
    settings: dict[str, object] = {"grace_seconds": 60, **overrides}
    return dataclasses.replace(wiring.deps(), **settings)  # type: ignore[arg-type]


def open_run(deadline: datetime | None = None) -> Run:
    run = Run(
        tenant_id=TENANT,
        run_id=new_run_id(),
        service_id=SERVICE,
        trigger=Trigger.SCHEDULE,
        pull_deadline=deadline,
    )
    wiring.sync_store().create_run(run)
    return run


def pull_done(run: Run) -> None:
    wiring.sync_store().apply_run_change(TENANT, run.run_id, RunChange(), pull_done=True)


def pending(run: Run, n: int, **fields: object) -> SyncItem:
    """A Pending row last touched ten minutes ago, counted in its run."""
    then = utcnow() - timedelta(minutes=10)
    item = SyncItem(
        tenant_id=TENANT,
        sync_id=f"{n:024x}",
        run_id=run.run_id,
        service_id=SERVICE,
        source_system="rest",
        source_entity="orders",
        destination_system="rest",
        destination_entity="orders",
        reference=f"#{n}",
        source_id=str(n),
        created_at=then,
        updated_at=then,
    ).model_copy(update=fields)
    syncs = wiring.sync_store()
    assert syncs.put_rows([item]) == []
    change = RunChange()
    change.totals[Status.PENDING.value] += 1
    syncs.apply_run_change(TENANT, run.run_id, change)
    return item


def queued(stack: LocalStack) -> list[SyncMessage]:
    with aws.unobserved():
        got = aws.client("sqs").receive_message(
            QueueUrl=stack.aws.env["SYNCLINE_SYNC_QUEUE_URL"], MaxNumberOfMessages=10
        )
    return [SyncMessage.model_validate_json(m["Body"]) for m in got.get("Messages", [])]


def test_an_item_that_lost_its_message_is_queued_again_keeping_its_attempts(stack: LocalStack) -> None:
    run = open_run()
    item = pending(run, 1, attempts=2, payload={"id": "1", "number": "#1"})
    pull_done(run)
    result = reconcile(deps())
    assert result.queue_idle and result.items_requeued == 1
    (message,) = queued(stack)
    assert message.sync_id == item.sync_id and message.attempt_offset == 2  # next receive: attempt 3
    assert message.record == {"id": "1", "number": "#1"}
    stored = wiring.sync_store().get_item(TENANT, item.sync_id)
    assert stored is not None and stored.status == Status.PENDING and stored.updated_at > item.updated_at
    # touched: the next pass leaves it alone while its new message is on its way
    assert reconcile(deps()).items_requeued == 0


def test_an_item_whose_last_attempt_died_is_failed_and_its_run_closed(stack: LocalStack) -> None:
    run = open_run()
    item = pending(run, 2, attempts=5)
    pull_done(run)
    result = reconcile(deps())
    assert result.items_failed == 1 and result.by_reason["attempts_exhausted"] == 1
    stored = wiring.sync_store().get_item(TENANT, item.sync_id)
    assert stored is not None and stored.status == Status.FAILED
    assert stored.last_error is not None and stored.last_error.code == "attempts_exhausted"
    closed = wiring.sync_store().get_run(TENANT, run.run_id)
    assert closed is not None and closed.status == RunStatus.FAILED
    assert closed.totals.model_dump() == {"OK": 0, "Sent": 0, "Pending": 0, "Failed": 1}
    assert wiring.sync_store().open_runs() == []


def test_items_someone_holds_or_may_still_reach_are_left_alone(stack: LocalStack) -> None:
    run = open_run()
    claimed = pending(run, 3, attempts=1, claim_id="c", claimed_until=utcnow() + timedelta(minutes=5))
    fresh = pending(run, 4, updated_at=utcnow())
    never_tried = pending(run, 5)
    pull_done(run)
    # something is still on the queue: a never-attempted record may be waiting in a backlog
    with aws.unobserved():
        aws.client("sqs").send_message(QueueUrl=stack.aws.env["SYNCLINE_SYNC_QUEUE_URL"], MessageBody="{}")
    result = reconcile(deps())
    assert not result.queue_idle and result.items_requeued == result.items_failed == 0
    got = wiring.sync_store().get_items(TENANT, [claimed.sync_id, fresh.sync_id, never_tried.sync_id])
    assert {i.status for i in got.values()} == {Status.PENDING}
    assert wiring.sync_store().get_run(TENANT, run.run_id).status == RunStatus.RUNNING  # type: ignore[union-attr]


def test_a_never_attempted_item_without_its_payload_is_failed_once_the_queue_is_empty(
    stack: LocalStack,
) -> None:
    run = open_run()
    item = pending(run, 6)
    pull_done(run)
    result = reconcile(deps())
    assert result.items_failed == 1 and result.by_reason["stranded"] == 1
    stored = wiring.sync_store().get_item(TENANT, item.sync_id)
    assert stored is not None and stored.status == Status.FAILED and stored.last_error is not None
    assert "pull it again" in stored.last_error.message


def test_a_pull_whose_trigger_died_is_marked_interrupted_and_closed(stack: LocalStack) -> None:
    run = open_run(deadline=utcnow() + timedelta(minutes=5))
    assert reconcile(deps()).pulls_interrupted == 0  # its trigger may still be pulling
    # past the deadline, but a page was counted within the grace period: a slow trigger, not a dead one
    wiring.sync_store().apply_run_change(TENANT, run.run_id, RunChange(pulled=1))
    alive = reconcile(deps(grace_seconds=600), now=utcnow() + timedelta(minutes=6))
    assert alive.pulls_interrupted == 0
    result = reconcile(deps(), now=utcnow() + timedelta(minutes=6))
    assert result.pulls_interrupted == 1 and result.runs_closed == 1
    closed = wiring.sync_store().get_run(TENANT, run.run_id)
    assert closed is not None and closed.status == RunStatus.FAILED
    assert closed.pull_error is not None and closed.pull_error.code == "pull_interrupted"


def test_a_run_now_whose_message_never_reaches_the_trigger_is_closed(stack: LocalStack) -> None:
    """The API opens the run before queueing it; if the trigger never takes it, the run is closed
    once the queue's redelivery window and the trigger's timeout have passed, not left Running."""
    from syncline.api.management import run_now

    run = run_now(wiring.deps(), TENANT, SERVICE, None)
    assert run.pull_deadline is not None
    assert reconcile(deps(), now=run.pull_deadline - timedelta(seconds=1)).pulls_interrupted == 0
    result = reconcile(deps(), now=run.pull_deadline + timedelta(minutes=2))
    assert result.pulls_interrupted == 1 and result.runs_closed == 1
    closed = wiring.sync_store().get_run(TENANT, run.run_id)
    assert closed is not None and closed.status == RunStatus.FAILED and closed.trigger == Trigger.MANUAL


def test_a_run_whose_flush_was_lost_is_closed_with_counted_totals(stack: LocalStack) -> None:
    run = open_run()
    item = pending(run, 7)
    pull_done(run)
    syncs = wiring.sync_store()
    # the batch wrote the outcome and died before adding it to the run's totals
    done = item.model_copy(update={"status": Status.OK, "attempts": 1, "updated_at": utcnow()})
    assert syncs.record_attempt(item, done)
    assert syncs.get_run(TENANT, run.run_id).totals.Pending == 1  # type: ignore[union-attr]
    result = reconcile(deps(grace_seconds=0))
    assert result.runs_closed == 1
    closed = syncs.get_run(TENANT, run.run_id)
    assert closed is not None and closed.status == RunStatus.OK
    assert closed.totals.model_dump() == {"OK": 1, "Sent": 0, "Pending": 0, "Failed": 0}
    # a late flush of that delta cannot count it twice
    late = RunChange()
    late.totals[Status.PENDING.value] -= 1
    late.totals[Status.OK.value] += 1
    assert syncs.apply_run_change(TENANT, run.run_id, late).totals == closed.totals


def test_a_trigger_whose_run_was_closed_under_it_writes_no_rows(stack: LocalStack) -> None:
    from syncline.connectors import SourceRecord
    from syncline.pipeline.fanout import RunClosed, fan_out

    run = open_run(deadline=utcnow() - timedelta(minutes=1))
    reconcile(deps(grace_seconds=0))  # taken for dead: interrupted and closed (it has no items)
    assert wiring.sync_store().get_run(TENANT, run.run_id).status != RunStatus.RUNNING  # type: ignore[union-attr]
    service = wiring.config_store().require_service(TENANT, SERVICE)
    record = SourceRecord(source_id="42", reference="#42", version="v1", data={"id": "42"})
    with pytest.raises(RunClosed):
        fan_out(wiring.deps(), service, run, [record], "rest", "rest")
    from syncline.models import sync_id_for

    assert wiring.sync_store().get_item(TENANT, sync_id_for(SERVICE, "42", "v1")) is None
    assert list(wiring.sync_store().items_of_run(TENANT, SERVICE, run.run_id)) == []


def listed(run: Run, n: int, **fields: object) -> SyncItem:
    """A record a fan-out page listed ten minutes ago whose message never arrived: no row."""
    then = utcnow() - timedelta(minutes=10)
    entry = SyncItem(
        tenant_id=TENANT,
        sync_id=f"{n:024x}",
        run_id=run.run_id,
        service_id=SERVICE,
        source_system="rest",
        source_entity="orders",
        destination_system="rest",
        destination_entity="orders",
        reference=f"#{n}",
        source_id=str(n),
        created_at=then,
        updated_at=then,
    ).model_copy(update=fields)
    syncs = wiring.sync_store()
    syncs.put_page([entry])
    change = RunChange(queued=1)
    change.totals[Status.PENDING.value] += 1
    syncs.apply_run_change(TENANT, run.run_id, change)
    return entry


def test_a_listed_record_whose_message_was_lost_is_failed_with_a_row_and_its_run_closed(
    stack: LocalStack,
) -> None:
    run = open_run()
    entry = listed(run, 21)
    pull_done(run)
    syncs = wiring.sync_store()
    assert syncs.get_item(TENANT, entry.sync_id) is None
    assert [i.sync_id for i in syncs.pending_entries(TENANT)] == [entry.sync_id]
    result = reconcile(deps())
    assert result.items_failed == 1 and result.by_reason["stranded"] == 1
    stored = syncs.get_item(TENANT, entry.sync_id)
    assert stored is not None and stored.status == Status.FAILED and stored.reference == "#21"
    closed = syncs.get_run(TENANT, run.run_id)
    assert closed is not None and closed.status == RunStatus.FAILED
    assert closed.totals.model_dump() == {"OK": 0, "Sent": 0, "Pending": 0, "Failed": 1}
    assert list(syncs.pending_entries(TENANT)) == []


def test_a_listed_record_kept_in_s3_is_queued_again(stack: LocalStack) -> None:
    run = open_run()
    entry = listed(run, 22, payload_ref="payloads/t/22.json")
    pull_done(run)
    result = reconcile(deps())
    assert result.items_requeued == 1
    (message,) = queued(stack)
    assert message.sync_id == entry.sync_id and message.payload_ref == "payloads/t/22.json"
    stored = wiring.sync_store().get_item(TENANT, entry.sync_id)  # the row exists from now on
    assert stored is not None and stored.status == Status.PENDING and stored.attempts == 0
    assert reconcile(deps()).items_requeued == 0  # touched: left alone while its message travels


def test_a_record_listed_by_two_runs_counts_in_the_run_that_claimed_it(stack: LocalStack) -> None:
    """A record re-pulled while its first message waits is queued twice; the run whose delivery
    claims it first owns the row, and the other run closes without it."""
    first, second = open_run(), open_run()
    entry = listed(first, 23)
    listed(second, 23)
    syncs = wiring.sync_store()
    now = utcnow()
    claim = syncs.claim(TENANT, entry.sync_id, attempt=1, token="t", until=now, now=now, fresh=entry)
    assert claim.claimed and claim.item is not None
    assert syncs.record_attempt(claim.item, claim.item.model_copy(update={"status": Status.OK}))
    for run in (first, second):
        pull_done(run)
    reconcile(deps(grace_seconds=0))
    totals = {r.run_id: syncs.get_run(TENANT, r.run_id).totals.model_dump() for r in (first, second)}  # type: ignore[union-attr]
    assert totals[first.run_id] == {"OK": 1, "Sent": 0, "Pending": 0, "Failed": 0}
    assert totals[second.run_id] == {"OK": 0, "Sent": 0, "Pending": 0, "Failed": 0}
