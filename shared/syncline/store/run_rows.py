"""The syncs table's run rows: a run's counters, its error groups, its close, the open-run markers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from syncline.errors import NotFound
from syncline.models import ErrorInfo, Run, RunStatus, error_group_key, iso, utcnow
from syncline.store.codec import marshal, unmarshal
from syncline.store.keys import OPEN_RUNS_PK, open_run_key, run_index_keys, run_key, runs_partition
from syncline.store.meter import METER, _meter_failed_write, _meter_update, _meter_write
from syncline.store.table import _body, _old_row, _strip_keys, _Table
from syncline.tables import BY_SERVICE, BY_STATUS

FIRST_ERROR_GROUPS = 10  # a run keeps this many groups of errors (by code and message) for its view


@dataclass
class RunChange:
    """Counter deltas for one run, applied in one UpdateItem."""

    pulled: int = 0
    filtered: int = 0
    skipped: int = 0
    queued: int = 0
    pushed: int = 0
    totals: Counter[str] = field(default_factory=Counter)
    errors: list[ErrorInfo] = field(default_factory=list)


class RunRows(_Table):
    """Run rows and their open-run markers (the sync store's half that knows runs)."""

    def __init__(self, name: str, retention_days: int = 30) -> None:
        super().__init__(name)
        self.retention = timedelta(days=retention_days)

    # runs ------------------------------------------------------------------------------------
    def create_run(self, run: Run) -> None:
        """The run row and its open-run marker (the marker first: a run is never open unseen)."""
        expires = int((run.started_at + self.retention).timestamp())
        marker = {**open_run_key(run.tenant_id, run.run_id), "expires_at": expires}
        self.ddb.put_item(TableName=self.name, Item=marshal(marker))
        _meter_write("syncs.run", marker, None)
        run = run.model_copy(update={"updated_at": run.updated_at or run.started_at})
        # `resynced_into` is a string set, added to by resyncs: never written as a list.
        body = run.model_dump(mode="json", exclude={"resynced_into"})
        row = {**run_key(run.tenant_id, run.run_id), **run_index_keys(run), **body}
        row["expires_at"] = expires
        self.ddb.put_item(
            TableName=self.name, Item=marshal(row), ConditionExpression="attribute_not_exists(PK)"
        )
        _meter_write("syncs.run", row, None)

    def get_run(self, tenant_id: str, run_id: str) -> Run | None:
        row = self._get(run_key(tenant_id, run_id), consistent=True)
        return Run.model_validate(_strip_keys(_body(row))) if row else None

    def apply_run_change(
        self,
        tenant_id: str,
        run_id: str,
        change: RunChange,
        *,
        pull_done: bool = False,
        pull_error: ErrorInfo | None = None,
        pull_deadline: datetime | None = None,
        closed_ok: bool = False,
        details: Mapping[str, str | int] | None = None,
    ) -> Run:
        """Add counter deltas atomically; close the run once the pull is done and nothing is Pending.

        A closed run's totals were counted from its items when it closed, so deltas that arrive
        later (a batch that flushed after the close) are dropped, except `closed_ok` ones: a
        destination confirming or rejecting a Sent item after the run ended.

        The change's errors are counted in the same write, grouped by (code, message): a group
        the run has gets its count raised, a new one is added while the run has fewer than
        FIRST_ERROR_GROUPS, the rest are counted in `other_errors`. Which groups the run has is
        read first (a GetItem, only when there are errors); the write is conditional on what it
        read, and when another batch added a group meanwhile it is made again on the run as it
        then stood. `details` are further run fields to set (text or numbers: the pull's window,
        what a sweep left).
        """
        now = utcnow()
        sets: list[str] = ["updated_at = :now"]
        values: dict[str, Any] = {":now": now.isoformat()}
        names: dict[str, str] = {}
        adds = []
        for name in ("pulled", "filtered", "skipped", "queued", "pushed"):
            delta = getattr(change, name)
            if delta:
                adds.append(f"{name} :{name}")
                values[f":{name}"] = delta
        for status, delta in change.totals.items():
            if delta:
                names["#totals"] = "totals"
                names[f"#{status}"] = status
                sets.append(f"#totals.#{status} = #totals.#{status} + :t{status}")
                values[f":t{status}"] = delta
        if pull_done:
            sets.append("pull_done = :true")
            values[":true"] = True
        if pull_error is not None:
            sets.append("pull_error = :pull_error")
            values[":pull_error"] = pull_error.model_dump()
        if pull_deadline is not None:
            sets.append("pull_deadline = :deadline")
            values[":deadline"] = pull_deadline.isoformat()
        for n, (name, value) in enumerate((details or {}).items()):
            names[f"#d{n}"] = name
            sets.append(f"#d{n} = :d{n}")
            values[f":d{n}"] = value
        condition = "attribute_exists(PK)"
        if not closed_ok:
            condition += " AND #status = :running"
            names["#status"] = "status"
            values[":running"] = RunStatus.RUNNING.value
        groups = _group_errors(change.errors)
        stood = self._get(run_key(tenant_id, run_id)) if groups else None
        for attempt in range(3):
            errors = _ErrorUpdate(groups, stood, now, allow_new=attempt < 2)
            expression = "SET " + ", ".join(sets + errors.sets)
            if adds or errors.adds:
                expression += " ADD " + ", ".join(adds + errors.adds)
            all_names = names | errors.names
            try:
                got = self.ddb.update_item(
                    TableName=self.name,
                    Key=marshal(run_key(tenant_id, run_id)),
                    UpdateExpression=expression,
                    **({"ExpressionAttributeNames": all_names} if all_names else {}),
                    ExpressionAttributeValues=marshal(values | errors.values),
                    ConditionExpression=" AND ".join([condition, *errors.conditions]),
                    ReturnValues="ALL_NEW",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
            except self.ddb.exceptions.ConditionalCheckFailedException as exc:
                old = _old_row(exc)
                _meter_failed_write("syncs.run", old)
                still_open = old is not None and (closed_ok or old.get("status") == RunStatus.RUNNING.value)
                if errors.conditions and still_open:
                    stood = old  # another batch added a group meanwhile: again, on the run as it is
                    continue
                run = self.get_run(tenant_id, run_id)
                if run is None:
                    raise NotFound(f"run {run_id!r} not found") from None
                return run  # closed already: its totals were counted from its items
            break
        row = unmarshal(got["Attributes"])
        _meter_update("syncs.run", row, ["updated_at"])
        run = Run.model_validate(_strip_keys(_body(row)))
        if run.status == RunStatus.RUNNING and run.pull_done and run.totals.Pending <= 0:
            return self.close_if_settled(run)
        if run.status == RunStatus.OK and run.totals.Failed:
            return self._fail_finished_run(run)  # a destination rejected a Sent item later
        return run

    def close_if_settled(self, run: Run) -> Run:
        """Close a settled run (the sync store counts its entries to know)."""
        raise NotImplementedError

    def _fail_finished_run(self, run: Run) -> Run:
        try:
            got = self.ddb.update_item(
                TableName=self.name,
                Key=marshal(run_key(run.tenant_id, run.run_id)),
                UpdateExpression="SET #status = :failed",
                ConditionExpression="#status = :ok",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=marshal(
                    {":failed": RunStatus.FAILED.value, ":ok": RunStatus.OK.value}
                ),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self.ddb.exceptions.ConditionalCheckFailedException as exc:
            _meter_failed_write("syncs.run", _old_row(exc))
            return run
        _meter_update("syncs.run", unmarshal(got["Attributes"]), ["status"])
        return run.model_copy(update={"status": RunStatus.FAILED})

    def open_runs_of(self, tenant_id: str) -> list[Run]:
        """A company group's runs that are not closed, oldest first."""
        rows = self._query_all(
            index=None,
            key_condition="PK = :pk AND begins_with(SK, :tenant)",
            values={":pk": OPEN_RUNS_PK, ":tenant": f"{tenant_id}#"},
        )
        keys = [run_key(tenant_id, str(r["SK"]).partition("#")[2]) for r in rows]
        runs = self._runs_from_keys(keys) if keys else []
        return sorted((r for r in runs if r.status == RunStatus.RUNNING), key=lambda r: r.run_id)

    def open_runs(self) -> list[tuple[str, str]]:
        """(company group, run id) of every run not closed yet, from the open-run markers."""
        rows = self._query_all(index=None, key_condition="PK = :pk", values={":pk": OPEN_RUNS_PK})
        pairs = [str(r["SK"]).partition("#") for r in rows]
        return [(tenant_id, run_id) for tenant_id, _, run_id in pairs]

    def forget_open_run(self, tenant_id: str, run_id: str) -> None:
        """Drop the marker of a run that is closed (or expired)."""
        self.ddb.delete_item(TableName=self.name, Key=marshal(open_run_key(tenant_id, run_id)))
        METER.wrote("syncs.run", 1)

    def runs_started_between(self, tenant_id: str, start: datetime, end: datetime) -> Iterator[Run]:
        """A company group's runs started in [start, end], newest first."""
        keys = self._query_all(
            index=BY_STATUS.name,
            key_condition=f"{BY_STATUS.pk} = :pk AND {BY_STATUS.sk} BETWEEN :lo AND :hi",
            values={":pk": runs_partition(tenant_id), ":lo": iso(start), ":hi": iso(end) + "~"},
            forward=False,
        )
        batch: list[dict[str, str]] = []
        for row in keys:
            batch.append({"PK": row["PK"], "SK": row["SK"]})
            if len(batch) == 100:
                yield from self._runs_from_keys(batch)
                batch = []
        if batch:
            yield from self._runs_from_keys(batch)

    def runs_of_service_after(self, tenant_id: str, service_id: str, after_run_id: str) -> list[Run]:
        """A service's runs whose id sorts after `after_run_id` (run ids are time ordered), oldest
        first: alerting's pull failures, successful runs and consecutive failed runs."""
        keys = [
            {"PK": row["PK"], "SK": row["SK"]}
            for row in self._query_all(
                index=BY_SERVICE.name,
                key_condition=f"{BY_SERVICE.pk} = :pk AND {BY_SERVICE.sk} > :after",
                values={":pk": runs_partition(tenant_id, service_id), ":after": after_run_id},
            )
        ]
        return self._runs_from_keys(keys) if keys else []

    def runs_from_keys(self, keys: list[dict[str, str]]) -> list[Run]:
        """The runs of these table keys that exist, in the keys' order (BatchGetItem)."""
        return self._runs_from_keys(keys)

    def _runs_from_keys(self, keys: list[dict[str, str]]) -> list[Run]:
        rows = {r["PK"]: r for r in self.get_rows(keys)}
        return [Run.model_validate(_strip_keys(_body(rows[k["PK"]]))) for k in keys if k["PK"] in rows]

    # items -----------------------------------------------------------------------------------


def _group_errors(errors: Iterable[ErrorInfo]) -> dict[tuple[str, str], int]:
    """A change's errors counted by (code, message), in the order they came."""
    return dict(Counter((e.code, e.message) for e in errors))


class _ErrorUpdate:
    """The part of a run's counters write that counts a change's errors in the run's groups.

    `stood` is the run row as last read (None when there are no errors to count). A group the run
    has gets `count` and `last_at` raised (groups are never removed, so no condition is needed);
    a new group, while there is room (`allow_new`), is written whole, conditional on no other
    write having added it and on the room still being there; the rest go to `other_errors`.
    """

    def __init__(
        self,
        groups: Mapping[tuple[str, str], int],
        stood: Mapping[str, Any] | None,
        now: datetime,
        *,
        allow_new: bool,
    ) -> None:
        self.sets: list[str] = []
        self.adds: list[str] = []
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}
        self.conditions: list[str] = []
        if not groups:
            return
        existing = dict((stood or {}).get("error_groups") or {})
        stamp = now.isoformat()
        new: dict[str, dict[str, Any]] = {}
        other = 0
        for n, ((code, message), count) in enumerate(groups.items()):
            key = error_group_key(code, message)
            if key in existing:
                self.names |= {"#eg": "error_groups", f"#g{n}": key, "#count": "count"}
                self.sets += [
                    f"#eg.#g{n}.#count = #eg.#g{n}.#count + :gc{n}",
                    f"#eg.#g{n}.last_at = :gnow",
                ]
                self.values |= {f":gc{n}": count, ":gnow": stamp}
            elif allow_new and len(existing) + len(new) < FIRST_ERROR_GROUPS:
                new[key] = {
                    "code": code,
                    "message": message,
                    "count": count,
                    "first_at": stamp,
                    "last_at": stamp,
                }
            else:
                other += count
        if new and "error_groups" not in (stood or {}):
            self.names["#eg"] = "error_groups"
            self.sets.append("#eg = :groups")
            self.values[":groups"] = new
            self.conditions.append("attribute_not_exists(#eg)")
        elif new:
            self.names["#eg"] = "error_groups"
            for n, (key, group) in enumerate(new.items()):
                self.names[f"#n{n}"] = key
                self.sets.append(f"#eg.#n{n} = :n{n}")
                self.values[f":n{n}"] = group
                self.conditions.append(f"attribute_not_exists(#eg.#n{n})")
            self.conditions.append("size(#eg) <= :room")
            self.values[":room"] = FIRST_ERROR_GROUPS - len(new)
        if other:
            self.adds.append("other_errors :other")
            self.values[":other"] = other
