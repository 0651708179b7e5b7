"""The syncs table: report rows (sync items), fan-out pages, and (through `RunRows`) runs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from syncline.errors import NotFound
from syncline.models import (
    Run,
    RunStatus,
    Status,
    SyncItem,
    Totals,
    iso,
    utcnow,
)
from syncline.store.codec import marshal, pack_payload, unmarshal
from syncline.store.keys import (
    OPEN_RUNS_PK,
    item_index_keys,
    item_key,
    open_run_key,
    page_key,
    pages_partition,
    run_key,
    service_partition,
    status_partition,
)
from syncline.store.meter import METER, _meter_failed_write, _meter_item_write, _meter_update, _meter_write
from syncline.store.run_rows import RunRows
from syncline.store.table import _body, _error_code, _error_text, _old_row, _strip_keys
from syncline.tables import (
    BY_SERVICE,
    BY_STATUS,
    SHARDS,
)

# A fan-out page record stays well under DynamoDB's 400 KB item limit: a page whose references are
# long is kept in several records.
PAGE_RECORD_BYTES = 300 * 1024


@dataclass(frozen=True)
class Existing:
    """What fan-out needs to know of a sync id that already has a row."""

    run_id: str
    status: Status
    attempts: int
    claimed: bool


@dataclass(frozen=True)
class Claim:
    """The answer to a claim: whether this delivery owns the attempt, and the row as it stands
    (after the claim when claimed; None when there is no row). `previous` is the row before the
    claim: its own `claim_id` still set means the attempt before this one died unrecorded."""

    claimed: bool
    item: SyncItem | None
    previous: SyncItem | None = None


class SyncStore(RunRows):
    """Sync items (the report), fan-out pages and runs."""

    def count_items(self, run: Run) -> Counter[str]:
        """The run's entries by status, read now (strongly consistent item reads)."""
        counts: Counter[str] = Counter({s.value: 0 for s in Status})
        for item in self.run_entries(run, consistent=True):
            counts[item.status.value] += 1
        return counts

    def run_entries(self, run: Run, *, consistent: bool = False) -> Iterator[SyncItem]:
        """Every entry of a run: its rows (by_service, for each service it holds entries of) and
        the records its fan-out pages list that have no row yet (Pending, never attempted). A
        listed record whose row belongs to another run (queued twice; the other delivery claimed
        it first) is that run's entry, not this one's."""
        seen: set[str] = set()
        for service_id in run.entry_services:
            for item in self.items_of_run(run.tenant_id, service_id, run.run_id, consistent=consistent):
                seen.add(item.sync_id)
                yield item
        for entry, row in self.listed_entries(run, consistent=consistent, skip=seen):
            if row is None:
                yield entry
            elif row.run_id == run.run_id and row.sync_id not in seen:
                seen.add(row.sync_id)
                yield row

    def listed_entries(
        self, run: Run, *, consistent: bool = False, skip: set[str] | frozenset[str] = frozenset()
    ) -> Iterator[tuple[SyncItem, SyncItem | None]]:
        """The records a run's fan-out pages list (but those in `skip`), each with its row as it
        stands now (None: never attempted; a row may belong to another run)."""
        listed = [e for e in self.run_pages(run.tenant_id, run.run_id) if e.sync_id not in skip]
        for start in range(0, len(listed), 100):
            chunk = listed[start : start + 100]
            rows = self.get_items(run.tenant_id, [e.sync_id for e in chunk], consistent=consistent)
            for entry in chunk:
                yield entry, rows.get(entry.sync_id)

    def pending_entries(self, tenant_id: str, runs: Iterable[Run] | None = None) -> Iterator[SyncItem]:
        """The Pending entries of a company group: those of its open runs (a closed run has none),
        or of `runs` when given. Rows are read as they are now."""
        for run in self.open_runs_of(tenant_id) if runs is None else runs:
            yield from (i for i in self.run_entries(run) if i.status == Status.PENDING)

    def close_if_settled(self, run: Run) -> Run:
        """Close a run whose pull is done once none of its items is Pending, with its totals
        counted from the items themselves: a delta lost to a crash (or counted twice) cannot
        outlive the run. Returns the run unchanged while an item is still Pending."""
        if run.status != RunStatus.RUNNING or not run.pull_done:
            return run
        counts = self.count_items(run)
        if counts[Status.PENDING.value]:
            return run
        totals = Totals.model_validate(dict(counts))
        status = RunStatus.FAILED if totals.Failed or run.pull_error else RunStatus.OK
        ended = utcnow()
        try:
            got = self.ddb.update_item(
                TableName=self.name,
                Key=marshal(run_key(run.tenant_id, run.run_id)),
                UpdateExpression=(
                    "SET #status = :status, ended_at = :ended, updated_at = :ended, #totals = :totals"
                ),
                # Nothing counted since the run was read: a push that joined an inbound run
                # (or a page counted) meanwhile raised `pulled`, and its items were not counted.
                ConditionExpression=(
                    "#status = :running AND pull_done = :true"
                    " AND (attribute_not_exists(pulled) OR pulled = :pulled)"
                ),
                ExpressionAttributeNames={"#status": "status", "#totals": "totals"},
                ExpressionAttributeValues=marshal(
                    {
                        ":pulled": run.pulled,
                        ":status": status.value,
                        ":ended": ended.isoformat(),
                        ":totals": totals.model_dump(),
                        ":running": RunStatus.RUNNING.value,
                        ":true": True,
                    }
                ),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self.ddb.exceptions.ConditionalCheckFailedException as exc:
            _meter_failed_write("syncs.run", _old_row(exc))
            return self.get_run(run.tenant_id, run.run_id) or run  # someone else closed it
        _meter_update(
            "syncs.run", unmarshal(got["Attributes"]), ["status", "ended_at", "updated_at", "totals"]
        )
        self.ddb.delete_item(TableName=self.name, Key=marshal(open_run_key(run.tenant_id, run.run_id)))
        METER.wrote(
            "syncs.run", 1, partition=f"syncs {OPEN_RUNS_PK}"
        )  # the open-run marker: a few dozen bytes
        return run.model_copy(update={"status": status, "ended_at": ended, "totals": totals})

    def item_row(self, item: SyncItem) -> dict[str, Any]:
        row = {
            **item_key(item.tenant_id, item.sync_id),
            **item_index_keys(item),
            **item.model_dump(mode="json", exclude={"claimed_until"}),
        }
        if item.claimed_until is not None:
            row["claimed_until"] = iso(item.claimed_until)
        if not item.ambiguous:
            row.pop("ambiguous", None)
        if not item.earlier_runs:  # never resynced: the row as it was before the field existed
            row.pop("earlier_runs", None)
        row["expires_at"] = int((item.created_at + self.retention).timestamp())
        return pack_payload(row)

    # fan-out pages ---------------------------------------------------------------------------
    def put_page(self, entries: list[SyncItem]) -> None:
        """Record the entries one fan-out page queued (all of one run, one service and one moment),
        before their messages are sent: the run's Pending entries until each is attempted, and
        what recovery reads. Written again unchanged when a retried trigger fans out the same page."""
        if not entries:
            return
        first = entries[0]
        chunks: list[list[SyncItem]] = [[]]
        size = 0
        for entry in entries:
            entry_size = 64 + len(entry.reference.encode()) + len(entry.source_id.encode())
            if chunks[-1] and size + entry_size > PAGE_RECORD_BYTES:
                chunks.append([])
                size = 0
            chunks[-1].append(entry)
            size += entry_size
        expires = int((first.created_at + self.retention).timestamp())
        for chunk in chunks:
            row: dict[str, Any] = {
                **page_key(first.tenant_id, first.run_id, [e.sync_id for e in chunk]),
                "service_id": first.service_id,
                "source_system": first.source_system,
                "source_entity": first.source_entity,
                "destination_system": first.destination_system,
                "destination_entity": first.destination_entity,
                "created_at": iso(first.created_at),
                "ids": [e.sync_id for e in chunk],
                "refs": [e.reference for e in chunk],
                "srcs": [e.source_id for e in chunk],
                "expires_at": expires,
            }
            stored = {e.sync_id: e.payload_ref for e in chunk if e.payload_ref}
            if stored:
                row["payload_refs"] = stored
            self.ddb.put_item(TableName=self.name, Item=marshal(row))
            _meter_write("syncs.page", row, None)

    def run_pages(self, tenant_id: str, run_id: str) -> list[SyncItem]:
        """The entries a run's fan-out pages list, as never-attempted Pending entries."""
        out: list[SyncItem] = []
        rows = self._query_all(
            index=None, key_condition="PK = :pk", values={":pk": pages_partition(tenant_id, run_id)}
        )
        for row in rows:
            stored = row.get("payload_refs") or {}
            created = row["created_at"]
            for sync_id, reference, source_id in zip(row["ids"], row["refs"], row["srcs"], strict=True):
                out.append(
                    SyncItem(
                        tenant_id=tenant_id,
                        sync_id=sync_id,
                        run_id=run_id,
                        service_id=row["service_id"],
                        source_system=row["source_system"],
                        source_entity=row["source_entity"],
                        destination_system=row["destination_system"],
                        destination_entity=row["destination_entity"],
                        reference=reference,
                        source_id=source_id,
                        status=Status.PENDING,
                        created_at=created,
                        updated_at=created,
                        payload_ref=stored.get(sync_id),
                    )
                )
        return out

    def existing(self, tenant_id: str, sync_ids: Iterable[str]) -> dict[str, Existing]:
        """The sync ids that already have a row, with what fan-out needs to repair a crashed one."""
        keys = [item_key(tenant_id, s) for s in dict.fromkeys(sync_ids)]
        rows = self.get_rows(
            keys, projection="PK, #status, attempts, run_id, claim_id", names={"#status": "status"}
        )
        return {
            r["PK"].rsplit("#I#", 1)[1]: Existing(
                run_id=r["run_id"],
                status=Status(r["status"]),
                attempts=int(r.get("attempts", 0)),
                claimed=bool(r.get("claim_id")),
            )
            for r in rows
        }

    def put_rows(self, items: list[SyncItem]) -> list[tuple[SyncItem, str]]:
        """Write new rows (BatchWriteItem of 25). A chunk DynamoDB refuses is written one row at a
        time, so one row that cannot be stored does not take the others with it; the rows that
        still fail are returned with the reason, and nothing about them is left half-written."""
        rejected: list[tuple[SyncItem, str]] = []
        for start in range(0, len(items), 25):
            chunk = items[start : start + 25]
            rows = [self.item_row(i) for i in chunk]
            try:
                self._batch_write(rows)
            except self.ddb.exceptions.ClientError as exc:
                if _error_code(exc) != "ValidationException":
                    raise
                for item, row in zip(chunk, rows, strict=True):
                    try:
                        self.ddb.put_item(TableName=self.name, Item=marshal(row))
                    except self.ddb.exceptions.ClientError as one:
                        if _error_code(one) != "ValidationException":
                            raise
                        rejected.append((item, _error_text(one)))
                        continue
                    _meter_item_write(row, None)
                continue
            for row in rows:
                _meter_item_write(row, None)
        return rejected

    def get_items(self, tenant_id: str, sync_ids: list[str], consistent: bool = True) -> dict[str, SyncItem]:
        keys = [item_key(tenant_id, s) for s in dict.fromkeys(sync_ids)]
        rows = self.get_rows(keys, consistent=consistent)
        items = [SyncItem.model_validate(_strip_keys(_body(r))) for r in rows]
        return {i.sync_id: i for i in items}

    def get_item(self, tenant_id: str, sync_id: str) -> SyncItem | None:
        row = self._get(item_key(tenant_id, sync_id), consistent=True)
        return SyncItem.model_validate(_strip_keys(_body(row))) if row else None

    def claim(
        self,
        tenant_id: str,
        sync_id: str,
        *,
        attempt: int,
        token: str,
        until: datetime,
        now: datetime,
        fresh: SyncItem | None = None,
    ) -> Claim:
        """Take attempt `attempt` of a Pending item for one delivery, before anything is pushed.

        Conditional on the item being Pending, not yet past this attempt, and not held by a live
        claim of another delivery: of two deliveries of one message, at most one pushes. A record
        that has no row yet (queued by a fan-out page, never attempted) gets its row here, from
        `fresh` (what the message says of it), in the same write: one write per attempt start.
        """
        sets = ["attempts = :attempt", "claim_id = :token", "claimed_until = :until"]
        values: dict[str, Any] = {
            ":pending": Status.PENDING.value,
            ":attempt": attempt,
            ":token": token,
            ":until": iso(until),
            ":now": iso(now),
        }
        names = {"#status": "status"}
        condition = (
            "#status = :pending AND attempts < :attempt"
            " AND (attribute_not_exists(claimed_until) OR claimed_until < :now)"
        )
        new_row: dict[str, Any] | None = None
        if fresh is not None:
            new_row = self.item_row(fresh)
            for n, (name, value) in enumerate(new_row.items()):
                if name in ("PK", "SK", "attempts", "claim_id", "claimed_until") or value is None:
                    continue
                names[f"#f{n}"] = name
                sets.append(f"#f{n} = if_not_exists(#f{n}, :f{n})")
                values[f":f{n}"] = value
            condition = f"attribute_not_exists(PK) OR ({condition})"
        try:
            got = self.ddb.update_item(
                TableName=self.name,
                Key=marshal(item_key(tenant_id, sync_id)),
                UpdateExpression="SET " + ", ".join(sets),
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=marshal(values),
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self.ddb.exceptions.ConditionalCheckFailedException as exc:
            current = _old_row(exc)
            _meter_failed_write("syncs.item", current)
            item = SyncItem.model_validate(_strip_keys(_body(current))) if current else None
            return Claim(claimed=False, item=item, previous=item)
        old_raw = got.get("Attributes")
        old_row = unmarshal(old_raw) if old_raw else None
        base = old_row if old_row is not None else new_row
        if base is None:  # no row and nothing to create it from: the condition cannot pass
            raise NotFound(f"report entry {sync_id!r} not found")
        previous = SyncItem.model_validate(_strip_keys(_body(base)))
        claimed = previous.model_copy(update={"attempts": attempt, "claim_id": token, "claimed_until": until})
        _meter_item_write(
            {**base, "attempts": attempt, "claim_id": token, "claimed_until": iso(until)}, old_row
        )
        return Claim(claimed=True, item=claimed, previous=previous)

    def release(self, claimed: SyncItem, previous_attempts: int) -> bool:
        """Give a claim back without using its attempt (the rate budget, or the system's 429, kept
        the push from going): attempts back to what they were, no claim. Conditional on the claim
        still being this one. False when the row moved on meanwhile."""
        try:
            self.ddb.update_item(
                TableName=self.name,
                Key=marshal(item_key(claimed.tenant_id, claimed.sync_id)),
                UpdateExpression="SET attempts = :prev REMOVE claim_id, claimed_until",
                ConditionExpression="claim_id = :claim",
                ExpressionAttributeValues=marshal({":prev": previous_attempts, ":claim": claimed.claim_id}),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self.ddb.exceptions.ConditionalCheckFailedException as exc:
            _meter_failed_write("syncs.item", _old_row(exc))
            return False
        released = claimed.model_copy(update={"attempts": previous_attempts})
        _meter_update("syncs.item", self.item_row(released), ("attempts",))
        return True

    def put_if_absent(self, item: SyncItem) -> bool:
        """Write the row of a listed record that has none (recovery), unless one exists by now."""
        row = self.item_row(item)
        try:
            self.ddb.put_item(
                TableName=self.name,
                Item=marshal(row),
                ConditionExpression="attribute_not_exists(PK)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self.ddb.exceptions.ConditionalCheckFailedException as exc:
            _meter_failed_write("syncs.item", _old_row(exc))
            return False
        _meter_item_write(row, None)
        return True

    def record_attempt(self, before: SyncItem, after: SyncItem) -> bool:
        """Write one attempt's outcome, once. False if the row moved on meanwhile.

        `before` is the claimed row: the write is conditional on that claim still being the one on
        the row, so an attempt whose claim was taken over (it outlived its lease) cannot overwrite
        a newer attempt's outcome. The outcome row carries no claim.
        """
        return self._transition(before, after)

    def confirm_sent(self, before: SyncItem, after: SyncItem) -> bool:
        """Sent -> OK or Failed when the destination confirms an asynchronous push; once."""
        return self._transition(before, after)

    def settle_unowned(self, before: SyncItem, after: SyncItem, now: datetime) -> bool:
        """Write a Pending item that no delivery holds (the reconciler): conditional on the row
        being as read and on no live claim, so a delivery working on it meanwhile wins."""
        return self._transition(before, after, unclaimed_at=now)

    def _transition(self, before: SyncItem, after: SyncItem, unclaimed_at: datetime | None = None) -> bool:
        row = self.item_row(after.model_copy(update={"claim_id": None, "claimed_until": None}))
        values: dict[str, Any] = {":status": before.status.value, ":prev": before.attempts}
        condition = "#status = :status AND attempts = :prev"
        if before.claim_id:
            condition += " AND claim_id = :claim"
            values[":claim"] = before.claim_id
        if unclaimed_at is not None:
            condition += " AND (attribute_not_exists(claimed_until) OR claimed_until < :now)"
            values[":now"] = iso(unclaimed_at)
        try:
            self.ddb.put_item(
                TableName=self.name,
                Item=marshal(row),
                ConditionExpression=condition,
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=marshal(values),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self.ddb.exceptions.ConditionalCheckFailedException as exc:
            _meter_failed_write("syncs.item", _old_row(exc))
            return False
        _meter_item_write(row, self.item_row(before))
        return True

    def move_items(
        self,
        tenant_id: str,
        moves: list[tuple[SyncItem, SyncItem]],
        leaving: Mapping[str, Counter[str]],
        run_id: str,
        now: datetime,
    ) -> set[int]:
        """Resync's one transaction: each (item as read, item as moved) written conditional on the
        row still being as read, the statuses leaving each old run taken off its totals, and the
        moved items added to run `run_id` as Pending. Returns the positions of moves whose row
        changed meanwhile (then nothing was written); raises if a run row is missing."""
        actions: list[dict[str, Any]] = []
        rows: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for before, after in moves:
            row = self.item_row(after)
            row["expires_at"] = max(int(row["expires_at"]), int((now + self.retention).timestamp()))
            rows.append((row, self.item_row(before)))
            actions.append(
                {
                    "Put": {
                        "TableName": self.name,
                        "Item": marshal(row),
                        "ConditionExpression": "#status = :status AND attempts = :attempts AND run_id = :run",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": marshal(
                            {
                                ":status": before.status.value,
                                ":attempts": before.attempts,
                                ":run": before.run_id,
                            }
                        ),
                    }
                }
            )
        for old_run, counts in leaving.items():
            # The old run also notes the run its entries went to (a string set: a run id once),
            # so a run a resync emptied says so; no write of its own.
            names = {"#totals": "totals", **{f"#{s}": s for s in counts}}
            sets = ", ".join(f"#totals.#{s} = #totals.#{s} - :{s}" for s in counts)
            actions.append(
                {
                    "Update": {
                        "TableName": self.name,
                        "Key": marshal(run_key(tenant_id, old_run)),
                        "UpdateExpression": f"SET {sets} ADD resynced_into :into",
                        "ConditionExpression": "attribute_exists(PK)",
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": marshal(
                            {**{f":{s}": n for s, n in counts.items()}, ":into": {run_id}}
                        ),
                    }
                }
            )
        actions.append(
            {
                "Update": {
                    "TableName": self.name,
                    "Key": marshal(run_key(tenant_id, run_id)),
                    "UpdateExpression": "SET #totals.#Pending = #totals.#Pending + :n ADD queued :n",
                    "ConditionExpression": "attribute_exists(PK)",
                    "ExpressionAttributeNames": {"#totals": "totals", "#Pending": "Pending"},
                    "ExpressionAttributeValues": marshal({":n": len(moves)}),
                }
            }
        )
        try:
            self.ddb.transact_write_items(TransactItems=actions)
        except self.ddb.exceptions.TransactionCanceledException as exc:
            reasons = exc.response.get("CancellationReasons") or []
            failed = {
                n
                for n, reason in enumerate(reasons[: len(moves)])
                if reason.get("Code") == "ConditionalCheckFailed"
            }
            if not failed and any(r.get("Code") not in (None, "None") for r in reasons[len(moves) :]):
                raise  # a run row is missing: not something to retry
            return failed
        for row, old in rows:  # a transactional write costs twice the units
            _meter_item_write(row, old)
            _meter_item_write(row, old)
        METER.wrote("syncs.run", 2 * (len(leaving) + 1))  # each run row, transactional
        return set()

    def oldest_pending(self, tenant_id: str) -> SyncItem | None:
        """The Pending entry untouched longest, of the oldest open run that has one."""
        for run in self.open_runs_of(tenant_id):
            pending = list(self.pending_entries(tenant_id, [run]))
            if pending:
                return min(pending, key=lambda i: (i.updated_at, i.sync_id))
        return None

    def attention_items(self, tenant_id: str, status: Status, service_id: str) -> Iterator[SyncItem]:
        """A service's Failed or Sent items (by_status holds only those), every shard, read as
        they are now (one that moved on since the index was read is left out)."""
        for n in range(SHARDS):
            keys = self._query_all(
                index=BY_STATUS.name,
                key_condition=f"{BY_STATUS.pk} = :pk",
                values={":pk": status_partition(tenant_id, status, service_id, n)},
            )
            yield from (i for i in self._items_in_chunks(keys) if i.status == status)

    def failed_keys(
        self, tenant_id: str, service_id: str, *, after: datetime | None = None, until: datetime | None = None
    ) -> list[tuple[str, dict[str, str]]]:
        """A service's by_status Failed entries whose time (the row's last update) is in
        (`after`, `until`]: (time, table key) each, oldest first, every shard. Keys only: what
        alerting counts and lists without reading a row (it reads the first few it shows)."""
        low = iso(after) + "~" if after else "0"
        high = iso(until) + "~" if until else "~"
        found: list[tuple[str, dict[str, str]]] = []
        for n in range(SHARDS):
            for row in self._query_all(
                index=BY_STATUS.name,
                key_condition=f"{BY_STATUS.pk} = :pk AND {BY_STATUS.sk} BETWEEN :lo AND :hi",
                values={
                    ":pk": status_partition(tenant_id, Status.FAILED, service_id, n),
                    ":lo": low,
                    ":hi": high,
                },
            ):
                found.append((str(row[BY_STATUS.sk]).partition("#")[0], {"PK": row["PK"], "SK": row["SK"]}))
        found.sort(key=lambda pair: pair[0])
        return found

    def items_by_keys(self, keys: list[dict[str, str]]) -> list[SyncItem]:
        """The rows of these table keys that exist, in the keys' order (BatchGetItem)."""
        return self._items_from_keys(keys) if keys else []

    def items_of_run(
        self, tenant_id: str, service_id: str, run_id: str, *, consistent: bool = False
    ) -> Iterator[SyncItem]:
        """A run's items, shard by shard (in no particular order)."""
        for n in range(SHARDS):
            keys = self._query_all(
                index=BY_SERVICE.name,
                key_condition=f"{BY_SERVICE.pk} = :pk AND begins_with({BY_SERVICE.sk}, :run)",
                values={":pk": service_partition(tenant_id, service_id, n), ":run": f"{run_id}#"},
            )
            yield from self._items_in_chunks(keys, consistent)

    def _items_in_chunks(
        self, keys: Iterable[Mapping[str, Any]], consistent: bool = False
    ) -> Iterator[SyncItem]:
        batch: list[dict[str, str]] = []
        for row in keys:
            batch.append({"PK": row["PK"], "SK": row["SK"]})
            if len(batch) == 100:
                yield from self._items_from_keys(batch, consistent)
                batch = []
        if batch:
            yield from self._items_from_keys(batch, consistent)

    def _items_from_keys(self, keys: list[dict[str, str]], consistent: bool = False) -> list[SyncItem]:
        rows = self.get_rows(keys, consistent=consistent)
        order = {k["PK"]: n for n, k in enumerate(keys)}
        rows.sort(key=lambda r: order[r["PK"]])
        return [SyncItem.model_validate(_strip_keys(_body(r))) for r in rows]
