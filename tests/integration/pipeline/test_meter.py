"""The store's capacity meter against DynamoDB's documented billing rules, worked out here
independently on the rows as moto stores them (never with the meter's own size function):

- an item's size is the UTF-8 length of each attribute name plus its value: a string its UTF-8
  bytes, binary its length, a number one byte per two significant digits plus one, a boolean or
  null one byte, a map or list three bytes plus one per element;
- a write costs 1 unit per KB (rounded up, per item); a write over an existing row is billed at
  the larger of the two; a write whose condition fails still costs the existing row's units;
- each global secondary index costs a put of its new entry, a delete of its old entry when the
  entry's key changed or went away, and nothing when neither the key nor a projected attribute
  changed; an entry is the table and index keys plus the projected attributes;
- a read costs 1 unit per 4 KB (strongly consistent) or half that (eventually consistent); a
  key not found still costs the minimum; BatchGetItem rounds each item up, Query rounds the
  page's total.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from moto import mock_aws

from syncline import aws
from syncline.models import Run, Status, SyncItem, Trigger, new_run_id, utcnow
from syncline.store import METER, RunChange, SyncStore, _meter_item_write, item_key, run_key, shard
from syncline.tables import BY_REF, BY_SERVICE, BY_STATUS, SYNCS, create_table_request

TENANT, SERVICE = "t1", "svc"
KB, READ_BLOCK = 1024, 4096


# ---------------------------------------------------------------------- the rules, on stored rows


def value_size(value: Mapping[str, Any]) -> int:
    ((kind, data),) = value.items()
    if kind == "S":
        return len(data.encode("utf-8"))
    if kind == "N":
        significant = data.lstrip("-").split("E")[0].replace(".", "").strip("0") or "0"
        return (len(significant) + 1) // 2 + 1
    if kind == "B":
        return len(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(name.encode("utf-8")) + value_size(v) + 1 for name, v in data.items())
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in data)
    raise AssertionError(f"no rule here for {kind}")


def size(raw: Mapping[str, Any]) -> int:
    return sum(len(name.encode("utf-8")) + value_size(v) for name, v in raw.items())


def wcu(raw: Mapping[str, Any] | None) -> int:
    return max(1, -(-size(raw or {}) // KB))


def rcu(raw: Mapping[str, Any] | None, consistent: bool) -> float:
    blocks = max(1, -(-size(raw or {}) // READ_BLOCK))
    return float(blocks) if consistent else blocks / 2


def keys_only(raw: Mapping[str, Any], index: Any) -> dict[str, Any]:
    return {name: raw[name] for name in (SYNCS.pk, SYNCS.sk, index.pk, index.sk)}


# ---------------------------------------------------------------------- moto, rows, the meter


@pytest.fixture
def syncs(monkeypatch: pytest.MonkeyPatch) -> Iterator[SyncStore]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        aws.reset_clients()
        aws.client("dynamodb").create_table(**create_table_request(SYNCS, "metertest"))
        yield SyncStore(SYNCS.name("metertest"))
    aws.reset_clients()


def stored(syncs: SyncStore, key: Mapping[str, str]) -> dict[str, Any]:
    """A row as DynamoDB holds it (AttributeValue form), read past the meter."""
    got = syncs.ddb.get_item(
        TableName=syncs.name, Key={k: {"S": v} for k, v in key.items()}, ConsistentRead=True
    )
    raw: dict[str, Any] = got["Item"]
    return raw


class Delta:
    """Units the meter counted inside the block, by what."""

    def __enter__(self) -> Delta:
        self._write, self._read = dict(METER.write), dict(METER.read)
        return self

    def __exit__(self, *exc: object) -> None:
        self.write = _diff(METER.write, self._write)
        self.read = _diff(METER.read, self._read)


def _diff(now: Mapping[str, float], before: Mapping[str, float]) -> dict[str, float]:
    return {k: v - before.get(k, 0) for k, v in now.items() if v != before.get(k, 0)}


def new_item(sync_id: str, run_id: str, pad_bytes: int = 0, at: datetime | None = None) -> SyncItem:
    """An item whose source id is padded by `pad_bytes` (a stored record would be compressed)."""
    now = at or utcnow()
    return SyncItem(
        tenant_id=TENANT,
        sync_id=sync_id,
        run_id=run_id,
        service_id=SERVICE,
        source_system="shop",
        source_entity="orders",
        destination_system="warehouse",
        destination_entity="orders",
        reference=f"R-{sync_id[:6]}",
        source_id=f"S-{sync_id[:6]}" + "x" * pad_bytes,
        created_at=now,
        updated_at=now,
    )


# ---------------------------------------------------------------------- writes


def test_an_item_through_fan_out_claim_and_outcome(syncs: SyncStore) -> None:
    run_id = new_run_id()
    item = new_item("a1" * 12, run_id)
    key = item_key(TENANT, item.sync_id)

    with Delta() as listed:
        syncs.put_page([item])
    (page,) = syncs.ddb.query(
        TableName=syncs.name,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"{TENANT}#P#{run_id}"}},
    )["Items"]
    assert listed.write == {"syncs.page": wcu(page)}  # no row yet: the page lists the record

    now = utcnow()
    with Delta() as claim:
        taken = syncs.claim(
            TENANT,
            item.sync_id,
            attempt=1,
            token="c1",
            until=now + timedelta(seconds=30),
            now=now,
            fresh=item,
        )
    claimed = stored(syncs, key)
    assert taken.claimed and taken.item is not None
    # The first claim creates the row with the keys of by_service and by_ref (never changed after);
    # a Pending row has no by_status entry.
    assert BY_STATUS.pk not in claimed
    assert claim.write == {
        "syncs.item": wcu(claimed),
        "syncs.item.by_service": wcu(keys_only(claimed, BY_SERVICE)),
        "syncs.item.by_ref": wcu(keys_only(claimed, BY_REF)),
    }

    with Delta() as refused:
        again = syncs.claim(
            TENANT,
            item.sync_id,
            attempt=1,
            token="c2",
            until=now + timedelta(seconds=30),
            now=now,
            fresh=item,
        )
    assert not again.claimed
    assert refused.write == {"syncs.item": wcu(claimed)}  # the condition failed: the row's units

    done = taken.item.model_copy(
        update={"status": Status.OK, "endpoint_id": "W-1", "payload": None, "updated_at": utcnow()}
    )
    with Delta() as outcome:
        assert syncs.record_attempt(taken.item, done)
    ok = stored(syncs, key)
    # OK on the first attempt: no index entry changes; the row is billed at the larger size.
    assert outcome.write == {"syncs.item": max(wcu(claimed), wcu(ok))}
    assert sum(claim.write.values()) + sum(outcome.write.values()) == 4  # 4 units in all

    with Delta() as late:
        assert not syncs.record_attempt(taken.item, done)
    assert late.write == {"syncs.item": wcu(ok)}


def test_a_failed_outcome_enters_by_status_and_keeps_its_record(syncs: SyncStore) -> None:
    item = new_item("a2" * 12, new_run_id())
    now = utcnow()
    taken = syncs.claim(
        TENANT, item.sync_id, attempt=1, token="c1", until=now + timedelta(seconds=30), now=now, fresh=item
    )
    assert taken.item is not None
    claimed = stored(syncs, item_key(TENANT, item.sync_id))
    record = {"id": "1001", "lines": [{"sku": f"SKU-{n}", "qty": n, "price": "9.99"} for n in range(60)]}
    failed = taken.item.model_copy(
        update={"status": Status.FAILED, "payload": record, "updated_at": utcnow()}
    )
    with Delta() as outcome:
        assert syncs.record_attempt(taken.item, failed)
    row = stored(syncs, item_key(TENANT, item.sync_id))
    # the record is kept compressed (binary): its 2.5 KB of JSON fit the row's first unit
    assert "payload" not in row and len(json.dumps(record)) > 2 * KB and size(row) <= KB
    assert syncs.get_item(TENANT, item.sync_id).payload == record  # type: ignore[union-attr]
    assert outcome.write == {
        "syncs.item": max(wcu(claimed), wcu(row)),
        "syncs.item.by_status": wcu(keys_only(row, BY_STATUS)),
    }


def test_a_row_of_1024_bytes_is_one_unit_and_of_1025_two(syncs: SyncStore) -> None:
    at = datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=UTC)  # fixed: every row the same but its note
    run_id = new_run_id(at)
    probe = new_item("10" * 12, run_id, pad_bytes=1, at=at)
    syncs.put_rows([probe])
    note = 1 + 1024 - size(stored(syncs, item_key(TENANT, probe.sync_id)))
    for sync_id, length, units in (("11" * 12, note, 1), ("12" * 12, note + 1, 2)):
        item = new_item(sync_id, run_id, pad_bytes=length, at=at)
        with Delta() as put:
            syncs.put_rows([item])
        assert size(stored(syncs, item_key(TENANT, sync_id))) == 1023 + units
        assert put.write["syncs.item"] == units
        assert put.write["syncs.item.by_service"] == 1  # its entry holds keys only


def test_an_index_attribute_removed_deletes_its_entry(syncs: SyncStore) -> None:
    item = new_item("b2" * 12, new_run_id()).model_copy(update={"status": Status.FAILED})
    syncs.put_rows([item])
    old = syncs._get(item_key(TENANT, item.sync_id), consistent=True)
    raw = stored(syncs, item_key(TENANT, item.sync_id))
    assert old is not None
    new = {k: v for k, v in old.items() if k not in (BY_STATUS.pk, BY_STATUS.sk)}

    with Delta() as removed:
        _meter_item_write(new, old)
    assert removed.write == {
        "syncs.item": wcu(raw),
        "syncs.item.by_status": wcu(keys_only(raw, BY_STATUS)),  # sized by the old entry
    }
    with Delta() as unchanged:
        _meter_item_write(old, old)
    assert unchanged.write == {"syncs.item": wcu(raw)}  # no index entry changed


def test_a_run_and_its_counters(syncs: SyncStore) -> None:
    run = Run(tenant_id=TENANT, run_id=new_run_id(), service_id=SERVICE, trigger=Trigger.MANUAL)
    with Delta() as created:
        syncs.create_run(run)
    row = stored(syncs, run_key(TENANT, run.run_id))
    marker = syncs.ddb.query(
        TableName=syncs.name,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "OPENRUNS"}},
    )["Items"]
    assert len(marker) == 1
    assert created.write == {
        "syncs.run": wcu(marker[0]) + wcu(row),
        "syncs.run.by_status": wcu(keys_only(row, BY_STATUS)),
        "syncs.run.by_service": wcu(keys_only(row, BY_SERVICE)),
    }

    change = RunChange(pulled=3, queued=3)
    change.totals[Status.PENDING.value] += 3
    with Delta() as counted:
        syncs.apply_run_change(TENANT, run.run_id, change)
    after = stored(syncs, run_key(TENANT, run.run_id))
    # The counters are in no index key: only the row is written.
    assert counted.write == {"syncs.run": max(wcu(row), wcu(after))}


# ---------------------------------------------------------------------- reads


def test_reads_count_keys_not_found_and_round_like_dynamodb(syncs: SyncStore) -> None:
    run_id = new_run_id()
    small = new_item("c3" * 12, run_id)
    large = new_item("d4" * 12, run_id, pad_bytes=5000)
    syncs.put_rows([small, large])
    small_raw = stored(syncs, item_key(TENANT, small.sync_id))
    large_raw = stored(syncs, item_key(TENANT, large.sync_id))
    assert READ_BLOCK < size(large_raw) <= 2 * READ_BLOCK
    absent = "e5" * 12
    table = syncs.name

    with Delta() as strong:
        got = syncs.get_items(TENANT, [small.sync_id, large.sync_id, absent], consistent=True)
    assert set(got) == {small.sync_id, large.sync_id}
    assert strong.read == {
        f"{table}.batch_get": rcu(small_raw, True) + rcu(large_raw, True) + rcu(None, True)
    }

    with Delta() as dedupe:  # fan-out's duplicate check: eventually consistent, mostly new ids
        found = syncs.existing(TENANT, [small.sync_id, absent, "f6" * 12])
    assert set(found) == {small.sync_id}
    assert dedupe.read == {f"{table}.batch_get": rcu(small_raw, False) + 2 * rcu(None, False)}

    with Delta() as single:
        assert syncs.get_item(TENANT, absent) is None
    assert single.read == {f"{table}.get": rcu(None, True)}


def test_query_rounds_the_page_not_each_entry(syncs: SyncStore) -> None:
    run_id = new_run_id()
    items = [new_item(f"{n:02x}" + "7" * 22, run_id) for n in range(40)]
    syncs.put_rows(items)
    raws = [stored(syncs, item_key(TENANT, i.sync_id)) for i in items]
    entries = [keys_only(r, BY_SERVICE) for r in raws]
    total = sum(size(e) for e in entries)
    assert READ_BLOCK < total <= 2 * READ_BLOCK  # each entry far under 4 KB
    table = syncs.name

    per_shard: dict[int, int] = {}
    for item, entry in zip(items, entries, strict=True):
        per_shard[shard(item.sync_id)] = per_shard.get(shard(item.sync_id), 0) + size(entry)
    with Delta() as listed:
        got = list(syncs.items_of_run(TENANT, SERVICE, run_id))
    assert len(got) == len(items)
    # One Query per shard of the run's service, each page rounded up once (not 40 x 0.5).
    assert listed.read == {
        f"{table}.query.{BY_SERVICE.name}": sum(max(1, -(-n // READ_BLOCK)) / 2 for n in per_shard.values()),
        f"{table}.batch_get": sum(rcu(r, False) for r in raws),
    }
