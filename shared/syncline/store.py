"""DynamoDB access: the only module that knows table keys. Reads are GetItem, BatchGetItem or
Query on a key or index; nothing here scans.

Write and read units are metered here, by DynamoDB's own sizing rules, because moto's consumed
capacity figures are not real. The benchmark reads the meter.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from threading import Lock
from typing import Any

from syncline import aws
from syncline.errors import Conflict, NotFound, Throttled
from syncline.models import (
    Connector,
    ErrorInfo,
    HealthStatus,
    Run,
    RunStatus,
    Service,
    Status,
    SyncItem,
    Tenant,
    Totals,
    iso,
    utcnow,
)
from syncline.tables import (
    BY_ENDPOINT,
    BY_REF,
    BY_SERVICE,
    BY_SOURCE,
    BY_STATUS,
    PENDING_SHARDS,
    SHARDS,
    SYNCS,
    Index,
)

FIRST_ERRORS = 10  # a run keeps its first few errors for the run view

# ---------------------------------------------------------------- keys (one place for all of them)


# A value that goes into an index key (reference, source id, endpoint id) is kept to this many
# bytes: longer ones are cut on a character boundary and end in a hash of the whole value, so an
# exact search still finds them and no record can exceed DynamoDB's 1,024-byte sort key limit.
MAX_KEY_VALUE_BYTES = 200
_KEY_HASH_CHARS = 16


def key_value(value: str) -> str:
    data = value.encode()
    if len(data) <= MAX_KEY_VALUE_BYTES:
        return value
    import hashlib

    digest = hashlib.blake2b(data, digest_size=_KEY_HASH_CHARS // 2).hexdigest()
    head = data[: MAX_KEY_VALUE_BYTES - _KEY_HASH_CHARS - 1].decode(errors="ignore")
    return f"{head}~{digest}"


def item_key(tenant_id: str, sync_id: str) -> dict[str, str]:
    return {"PK": f"{tenant_id}#I#{sync_id}", "SK": "I"}


def shard(sync_id: str, shards: int = SHARDS) -> int:
    return int(sync_id[:2], 16) % shards


def status_shards(status: Status) -> int:
    """How many partitions of by_status hold one status of a company group."""
    return PENDING_SHARDS if status == Status.PENDING else SHARDS


def status_partition(tenant_id: str, status: Status, n: int) -> str:
    return f"{tenant_id}#S#{status.value}#{n}"


def service_partition(tenant_id: str, service_id: str, n: int) -> str:
    return f"{tenant_id}#V#{service_id}#{n}"


def match_partition(tenant_id: str, tag: str, n: int) -> str:
    """A partition of by_ref ("REF"), by_source ("SRC") or by_endpoint ("END")."""
    return f"{tenant_id}#{tag}#{n}"


def runs_partition(tenant_id: str, service_id: str | None = None) -> str:
    """by_status holds a company group's runs by start time; by_service a service's by run id."""
    return f"{tenant_id}#RUNS" if service_id is None else f"{tenant_id}#RUNS#{service_id}"


def item_index_keys(item: SyncItem) -> dict[str, str]:
    t, n, sid = item.tenant_id, shard(item.sync_id), item.sync_id
    keys = {
        BY_STATUS.pk: status_partition(t, item.status, shard(sid, status_shards(item.status))),
        BY_STATUS.sk: f"{iso(item.updated_at)}#{sid}",
        BY_SERVICE.pk: service_partition(t, item.service_id, n),
        BY_SERVICE.sk: f"{item.run_id}#{sid}",
        BY_REF.pk: match_partition(t, "REF", n),
        BY_REF.sk: f"{key_value(item.reference)}#{sid}",
        BY_SOURCE.pk: match_partition(t, "SRC", n),
        BY_SOURCE.sk: f"{key_value(item.source_id)}#{sid}",
    }
    if item.endpoint_id:
        keys[BY_ENDPOINT.pk] = match_partition(t, "END", n)
        keys[BY_ENDPOINT.sk] = f"{key_value(item.endpoint_id)}#{sid}"
    return keys


def run_key(tenant_id: str, run_id: str) -> dict[str, str]:
    return {"PK": f"{tenant_id}#R#{run_id}", "SK": "R"}


# Every run that is not closed has a marker row in one partition, so the reconciler finds the
# open runs of every company group with one Query (a few rows), not by reading runs.
OPEN_RUNS_PK = "OPENRUNS"


def open_run_key(tenant_id: str, run_id: str) -> dict[str, str]:
    return {"PK": OPEN_RUNS_PK, "SK": f"{tenant_id}#{run_id}"}


def run_index_keys(run: Run) -> dict[str, str]:
    return {
        BY_STATUS.pk: runs_partition(run.tenant_id),
        BY_STATUS.sk: f"{iso(run.started_at)}#{run.run_id}",
        BY_SERVICE.pk: runs_partition(run.tenant_id, run.service_id),
        BY_SERVICE.sk: run.run_id,
    }


def tenant_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}"


# ---------------------------------------------------------------- (de)serialisation


def _serializer() -> Any:
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


def _deserializer() -> Any:
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer()


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    return value


def marshal(row: Mapping[str, Any]) -> dict[str, Any]:
    s = _serializer()
    return {k: s.serialize(_to_dynamo(v)) for k, v in row.items() if v is not None}


def unmarshal(row: Mapping[str, Any]) -> dict[str, Any]:
    d = _deserializer()
    return {k: _from_dynamo(d.deserialize(v)) for k, v in row.items()}


def item_size(row: Mapping[str, Any]) -> int:
    """An item's size in bytes by DynamoDB's documented rules: attribute names plus values; a
    number takes one byte per two significant digits plus one; a map or list three bytes plus one
    per element. None values are not stored (at the top or in a map), so they do not count."""

    def size(value: Any) -> int:
        if value is None or isinstance(value, bool):
            return 1
        if isinstance(value, int | float | Decimal):
            digits = Decimal(str(value)).normalize().as_tuple().digits
            return 1 + math.ceil(len(digits) / 2)
        if isinstance(value, str):
            return len(value.encode())
        if isinstance(value, dict):
            return 3 + sum(len(k.encode()) + size(v) + 1 for k, v in value.items() if v is not None)
        if isinstance(value, list | tuple):
            return 3 + sum(size(v) + 1 for v in value)
        return len(str(value).encode())

    return sum(len(k.encode()) + size(v) for k, v in row.items() if v is not None)


def write_units(size_bytes: int) -> int:
    return max(1, math.ceil(size_bytes / 1024))


def read_units(size_bytes: int, consistent: bool) -> float:
    units = max(1, math.ceil(size_bytes / 4096))
    return float(units) if consistent else units / 2


@dataclass
class Meter:
    """Counts DynamoDB capacity units the way DynamoDB bills them (base table plus each index)."""

    write: Counter[str] = field(default_factory=Counter)
    read: Counter[str] = field(default_factory=Counter)
    # Write units by partition key ("<table or index> <partition key value>"), for hot-key figures.
    partitions: Counter[str] = field(default_factory=Counter)
    _lock: Lock = field(default_factory=Lock, repr=False)

    def wrote(self, what: str, units: float, partition: str | None = None) -> None:
        if not aws.observed():
            return
        with self._lock:
            self.write[what] += units  # type: ignore[assignment]
            if partition is not None:
                self.partitions[partition] += units  # type: ignore[assignment]

    def read_(self, what: str, units: float) -> None:
        if not aws.observed():
            return
        with self._lock:
            self.read[what] += units  # type: ignore[assignment]

    def total_write(self) -> float:
        return float(sum(self.write.values()))

    def total_read(self) -> float:
        return float(sum(self.read.values()))


METER = Meter()


def _index_entry(index: Index, row: dict[str, Any] | None) -> dict[str, Any] | None:
    """What `index` holds of a stored row: the table's and the index's keys plus the projected
    attributes; None when the row has no entry there (an index key is missing)."""
    if row is None or index.pk not in row or index.sk not in row:
        return None
    if index.projection == "ALL":
        return row
    return {k: row[k] for k in (SYNCS.pk, SYNCS.sk, index.pk, index.sk)}


def _index_units(index: Index, new: dict[str, Any] | None, old: dict[str, Any] | None) -> dict[str, int]:
    """Write units one write costs `index`, by the index partition they land on: an entry put is
    billed by the new entry's size, an entry deleted (its key changed, or the row lost an index
    key) by the old entry's; a write that changes neither the entry's key nor a projected
    attribute costs the index nothing."""
    after, before = _index_entry(index, new), _index_entry(index, old)
    units: Counter[str] = Counter()
    if after == before:
        return {}
    if after is not None:
        units[str(after[index.pk])] += write_units(item_size(after))
    if before is not None and (after is None or any(after[k] != before[k] for k in (index.pk, index.sk))):
        units[str(before[index.pk])] += write_units(item_size(before))  # the old entry is deleted
    return dict(units)


def _meter_write(what: str, new: Mapping[str, Any] | None, old: Mapping[str, Any] | None) -> None:
    """Meter one successful write of a syncs row: `new` the row after it (None: deleted), `old` the
    row before (None: there was none). The row is billed at the larger of the two (1 KB a unit),
    every index of SYNCS by what it stores of the row (`_index_units`)."""
    if not aws.observed():
        return
    after, before = (None if r is None else _from_dynamo(_to_dynamo(dict(r))) for r in (new, old))
    partition = str((after or before or {}).get(SYNCS.pk, ""))
    units = write_units(max(item_size(after or {}), item_size(before or {})))
    METER.wrote(what, units, partition=f"syncs {partition}")
    for index in SYNCS.indexes:
        for key, n in _index_units(index, after, before).items():
            METER.wrote(f"{what}.{index.name}", n, partition=f"syncs.{index.name} {key}")


def _meter_item_write(row: Mapping[str, Any], old: Mapping[str, Any] | None) -> None:
    """An item row written over `old` (the row as it was; None: there was none)."""
    _meter_write("syncs.item", row, old)


def _meter_update(what: str, row: Mapping[str, Any], changed: Iterable[str]) -> None:
    """An UpdateItem whose old row is not at hand: `row` is the row after it and `changed` the
    attributes it set (never an index key), so the row is billed at its new size."""
    names = set(changed)
    _meter_write(what, row, {k: v for k, v in row.items() if k not in names})


def _meter_failed_write(what: str, existing: Mapping[str, Any] | None) -> None:
    """A write whose condition failed costs the units of the row it was checked against (one
    when there is none); no index is written."""
    partition = f"syncs {existing[SYNCS.pk]}" if existing and SYNCS.pk in existing else None
    METER.wrote(what, write_units(item_size(existing or {})), partition=partition)


# ---------------------------------------------------------------- the tables


# What DynamoDB answers when a table or partition takes more than it can (after the SDK's own
# retries): callers see `Throttled`, which the API answers with 429.
THROTTLING_CODES = frozenset(
    {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}
)


class _Guarded:
    """The DynamoDB client, with throttling turned into `Throttled` (everything else unchanged)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name in ("exceptions", "meta") or not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return attribute(*args, **kwargs)
            except self._client.exceptions.ClientError as exc:
                if _error_code(exc) in THROTTLING_CODES:
                    raise Throttled(
                        "the report store is busy (DynamoDB throttled the request); retry shortly"
                    ) from exc
                raise

        return call


class _Table:
    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def ddb(self) -> Any:
        return _Guarded(aws.client("dynamodb"))

    def _get(self, key: Mapping[str, str], consistent: bool = False) -> dict[str, Any] | None:
        got = self.ddb.get_item(TableName=self.name, Key=marshal(key), ConsistentRead=consistent)
        row = got.get("Item")
        if row is None:
            METER.read_(f"{self.name}.get", read_units(0, consistent))
            return None
        out = unmarshal(row)
        METER.read_(f"{self.name}.get", read_units(item_size(out), consistent))
        return out

    def get_rows(
        self,
        keys: list[dict[str, str]],
        consistent: bool = False,
        projection: str | None = None,
        names: Mapping[str, str] | None = None,
    ) -> list[dict[str, Any]]:
        """The rows found (any order). With a projection the meter sizes what came back: DynamoDB
        bills the whole row, so a projected read of a row over 4 KB is metered low."""
        rows: list[dict[str, Any]] = []
        for start in range(0, len(keys), 100):
            request: dict[str, Any] = {"Keys": [marshal(k) for k in keys[start : start + 100]]}
            request["ConsistentRead"] = consistent
            if projection:
                request["ProjectionExpression"] = projection
            if names:
                request["ExpressionAttributeNames"] = dict(names)
            pending = {self.name: request}
            delay = 0.05
            while pending:
                asked = len(pending[self.name]["Keys"])
                got = self.ddb.batch_get_item(RequestItems=pending)
                found = got.get("Responses", {}).get(self.name, [])
                for raw in found:
                    row = unmarshal(raw)
                    rows.append(row)
                    METER.read_(f"{self.name}.batch_get", read_units(item_size(row), consistent))
                pending = got.get("UnprocessedKeys") or {}
                # A key that is not found costs a read all the same.
                missing = asked - len(found) - len(pending.get(self.name, {}).get("Keys", []))
                METER.read_(f"{self.name}.batch_get", missing * read_units(0, consistent))
                if pending:
                    time.sleep(delay)
                    delay = min(delay * 2, 1.0)
        return rows

    def _batch_write(self, rows: list[dict[str, Any]]) -> None:
        # BatchWriteItem takes 25 items a call (moto accepts more; DynamoDB does not).
        for start in range(0, len(rows), 25):
            pending: list[dict[str, Any]] = [
                {"PutRequest": {"Item": marshal(r)}} for r in rows[start : start + 25]
            ]
            delay = 0.05
            while pending:
                got = self.ddb.batch_write_item(RequestItems={self.name: pending})
                pending = got.get("UnprocessedItems", {}).get(self.name, [])
                if pending:
                    time.sleep(delay)
                    delay = min(delay * 2, 1.0)

    def query_page(
        self,
        *,
        index: str | None,
        key_condition: str,
        values: Mapping[str, Any],
        names: Mapping[str, str] | None = None,
        forward: bool = True,
        limit: int | None = None,
        start_key: Mapping[str, Any] | None = None,
        consistent: bool = False,
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        request: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": key_condition,
            "ExpressionAttributeValues": marshal(values),
            "ScanIndexForward": forward,
        }
        if index:
            request["IndexName"] = index
        if names:
            request["ExpressionAttributeNames"] = dict(names)
        if limit:
            request["Limit"] = limit
        if start_key:
            request["ExclusiveStartKey"] = marshal(start_key)
        if consistent and not index:
            request["ConsistentRead"] = True
        got = self.ddb.query(**request)
        rows = [unmarshal(r) for r in got.get("Items", [])]
        METER.read_(
            f"{self.name}.query{'.' + index if index else ''}",
            read_units(sum(item_size(r) for r in rows), consistent and not index),
        )
        last = got.get("LastEvaluatedKey")
        return rows, unmarshal(last) if last else None

    def _query_all(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        start: dict[str, Any] | None = None
        while True:
            rows, start = self.query_page(start_key=start, **kwargs)
            yield from rows
            if not start:
                return


def _strip_keys(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in SYNCS.key_attributes() and k != "expires_at"}


class ConfigStore(_Table):
    """Company groups, connectors, services, cursors."""

    def put_tenant(self, tenant: Tenant) -> None:
        row = {"PK": tenant_pk(tenant.tenant_id), "SK": "TENANT", **tenant.model_dump(mode="json")}
        listing = {"PK": "TENANTS", "SK": tenant.tenant_id}
        self.ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": self.name, "Item": marshal(row)}},
                {"Put": {"TableName": self.name, "Item": marshal(listing)}},
            ]
        )

    def get_tenant(self, tenant_id: str) -> Tenant | None:
        row = self._get({"PK": tenant_pk(tenant_id), "SK": "TENANT"})
        return Tenant.model_validate(_body(row)) if row else None

    def list_tenant_ids(self) -> list[str]:
        return [
            r["SK"] for r in self._query_all(index=None, key_condition="PK = :pk", values={":pk": "TENANTS"})
        ]

    # connectors ------------------------------------------------------------------------------
    def put_connector(self, connector: Connector, *, create: bool = False) -> None:
        row = {
            "PK": tenant_pk(connector.tenant_id),
            "SK": f"CONNECTOR#{connector.connector_id}",
            **connector.model_dump(mode="json"),
        }
        self._put(row, create=create, what=f"connector {connector.connector_id}")

    def get_connector(self, tenant_id: str, connector_id: str) -> Connector | None:
        row = self._get({"PK": tenant_pk(tenant_id), "SK": f"CONNECTOR#{connector_id}"})
        return Connector.model_validate(_body(row)) if row else None

    def require_connector(self, tenant_id: str, connector_id: str) -> Connector:
        found = self.get_connector(tenant_id, connector_id)
        if found is None:
            raise NotFound(f"connector {connector_id!r} not found")
        return found

    def list_connectors(self, tenant_id: str) -> list[Connector]:
        rows = self._query_all(
            index=None,
            key_condition="PK = :pk AND begins_with(SK, :sk)",
            values={":pk": tenant_pk(tenant_id), ":sk": "CONNECTOR#"},
        )
        return [Connector.model_validate(_body(r)) for r in rows]

    def delete_connector(self, tenant_id: str, connector_id: str) -> None:
        self.ddb.delete_item(
            TableName=self.name, Key=marshal({"PK": tenant_pk(tenant_id), "SK": f"CONNECTOR#{connector_id}"})
        )

    # services --------------------------------------------------------------------------------
    def put_service(self, service: Service, *, create: bool = False) -> None:
        row = {
            "PK": tenant_pk(service.tenant_id),
            "SK": f"SERVICE#{service.service_id}",
            **service.model_dump(mode="json"),
        }
        self._put(row, create=create, what=f"service {service.service_id}")

    def get_service(self, tenant_id: str, service_id: str) -> Service | None:
        row = self._get({"PK": tenant_pk(tenant_id), "SK": f"SERVICE#{service_id}"})
        return Service.model_validate(_body(row)) if row else None

    def require_service(self, tenant_id: str, service_id: str) -> Service:
        found = self.get_service(tenant_id, service_id)
        if found is None:
            raise NotFound(f"service {service_id!r} not found")
        return found

    def list_services(self, tenant_id: str) -> list[Service]:
        rows = self._query_all(
            index=None,
            key_condition="PK = :pk AND begins_with(SK, :sk)",
            values={":pk": tenant_pk(tenant_id), ":sk": "SERVICE#"},
        )
        return [Service.model_validate(_body(r)) for r in rows]

    def delete_service(self, tenant_id: str, service_id: str) -> None:
        self.ddb.transact_write_items(
            TransactItems=[
                {"Delete": {"TableName": self.name, "Key": marshal({"PK": tenant_pk(tenant_id), "SK": sk})}}
                for sk in (f"SERVICE#{service_id}", f"CURSOR#{service_id}")
            ]
        )

    # cursors ---------------------------------------------------------------------------------
    def get_cursor(self, tenant_id: str, service_id: str) -> str | None:
        row = self._get({"PK": tenant_pk(tenant_id), "SK": f"CURSOR#{service_id}"}, consistent=True)
        return row.get("cursor") if row else None

    def set_cursor(self, tenant_id: str, service_id: str, cursor: str) -> None:
        row = {
            "PK": tenant_pk(tenant_id),
            "SK": f"CURSOR#{service_id}",
            "cursor": cursor,
            "updated_at": iso(utcnow()),
        }
        self.ddb.put_item(TableName=self.name, Item=marshal(row))

    # health ----------------------------------------------------------------------------------
    def record_health(
        self, tenant_id: str, connector_id: str, status: HealthStatus, reason: str | None, at: datetime
    ) -> bool:
        """Store a health check's result on the connector; keep a history row when it changed.
        Returns True when the status changed."""
        connector = self.get_connector(tenant_id, connector_id)
        if connector is None:
            return False
        changed = connector.health_status != status
        values = {":s": status.value, ":r": reason, ":at": at.isoformat()}
        self.ddb.update_item(
            TableName=self.name,
            Key=marshal({"PK": tenant_pk(tenant_id), "SK": f"CONNECTOR#{connector_id}"}),
            UpdateExpression="SET health_status = :s, health_reason = :r, health_checked_at = :at",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues=marshal(values) | ({":r": {"NULL": True}} if reason is None else {}),
        )
        if changed:
            history = {
                "PK": tenant_pk(tenant_id),
                "SK": f"HEALTH#{connector_id}#{iso(at)}",
                "status": status.value,
                "previous": connector.health_status.value,
                "reason": reason,
                "at": at.isoformat(),
                "expires_at": int((at + timedelta(days=90)).timestamp()),
            }
            self.ddb.put_item(TableName=self.name, Item=marshal(history))
        return changed

    def health_history(self, tenant_id: str, connector_id: str, limit: int = 50) -> list[dict[str, Any]]:
        rows, _ = self.query_page(
            index=None,
            key_condition="PK = :pk AND begins_with(SK, :sk)",
            values={":pk": tenant_pk(tenant_id), ":sk": f"HEALTH#{connector_id}#"},
            forward=False,
            limit=limit,
        )
        return [{k: r.get(k) for k in ("status", "previous", "reason", "at")} for r in rows]

    # lookup tables ---------------------------------------------------------------------------
    def put_lookup(self, tenant_id: str, table: Any) -> None:
        row = {
            "PK": tenant_pk(tenant_id),
            "SK": f"LOOKUP#{table.name}",
            "table": table.model_dump(mode="json"),
        }
        self.ddb.put_item(TableName=self.name, Item=marshal(row))

    def lookups(self, tenant_id: str) -> dict[str, Any]:
        from syncline.mapping import LookupTable

        rows = self._query_all(
            index=None,
            key_condition="PK = :pk AND begins_with(SK, :sk)",
            values={":pk": tenant_pk(tenant_id), ":sk": "LOOKUP#"},
        )
        tables = [LookupTable.model_validate(r["table"]) for r in rows]
        return {t.name: t for t in tables}

    def delete_lookup(self, tenant_id: str, name: str) -> None:
        self.ddb.delete_item(
            TableName=self.name, Key=marshal({"PK": tenant_pk(tenant_id), "SK": f"LOOKUP#{name}"})
        )

    # signing keys ----------------------------------------------------------------------------
    # API keys: one row by the key's digest (what authentication reads), one under the company
    # group (what listing and revoking read), written together.
    def put_api_key(self, digest: str, tenant_id: str, attributes: Mapping[str, Any]) -> None:
        key_row = {**_api_key_key(digest), "tenant_id": tenant_id, **attributes}
        listing = {**_api_key_listing_key(tenant_id, digest), **attributes}
        self.ddb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": self.name,
                        "Item": marshal(key_row),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
                {"Put": {"TableName": self.name, "Item": marshal(listing)}},
            ]
        )

    def get_api_key(self, digest: str) -> dict[str, Any] | None:
        """The key's row (tenant_id, scope, created_at, expires_at, revoked...), or None."""
        row = self._get(_api_key_key(digest), consistent=True)
        return _strip_config_keys(row) if row else None

    def revoke_api_key(self, digest: str, tenant_id: str, at: str) -> None:
        values = marshal({":true": True, ":at": at})
        self.ddb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": self.name,
                        "Key": marshal(key),
                        "UpdateExpression": "SET revoked = :true, revoked_at = :at",
                        "ExpressionAttributeValues": values,
                    }
                }
                for key in (_api_key_key(digest), _api_key_listing_key(tenant_id, digest))
            ]
        )

    def api_keys(self, tenant_id: str) -> list[tuple[str, dict[str, Any]]]:
        """A company group's keys: (digest, attributes) each."""
        rows = self._query_all(
            index=None,
            key_condition="PK = :pk AND begins_with(SK, :sk)",
            values={":pk": tenant_pk(tenant_id), ":sk": "APIKEY#"},
        )
        return [(str(r["SK"]).split("#", 1)[1], _strip_config_keys(r)) for r in rows]

    def shared_secret(self, name: str) -> str:
        """A random secret every container shares (e.g. the key report cursors are signed with),
        created on first use; of two containers creating it at once, the first one's wins."""
        import secrets

        key = {"PK": "SECRET", "SK": name}
        row = self._get(key, consistent=True)
        if row is None:
            try:
                self.ddb.put_item(
                    TableName=self.name,
                    Item=marshal({**key, "value": secrets.token_hex(32)}),
                    ConditionExpression="attribute_not_exists(PK)",
                )
            except self.ddb.exceptions.ConditionalCheckFailedException:
                pass
            row = self._get(key, consistent=True)
        assert row is not None
        return str(row["value"])

    # ---------------------------------------------------------------------------------------------
    def _put(self, row: dict[str, Any], *, create: bool, what: str) -> None:
        request: dict[str, Any] = {"TableName": self.name, "Item": marshal(row)}
        if create:
            request["ConditionExpression"] = "attribute_not_exists(PK)"
        try:
            self.ddb.put_item(**request)
        except self.ddb.exceptions.ConditionalCheckFailedException:
            raise Conflict(f"{what} already exists") from None


def _api_key_key(digest: str) -> dict[str, str]:
    return {"PK": f"KEY#{digest}", "SK": "KEY"}


def _api_key_listing_key(tenant_id: str, digest: str) -> dict[str, str]:
    return {"PK": tenant_pk(tenant_id), "SK": f"APIKEY#{digest}"}


def _strip_config_keys(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("PK", "SK")}


def _body(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("PK", "SK")}


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


class SyncStore(_Table):
    """Sync items (the report) and runs."""

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
        row = {**run_key(run.tenant_id, run.run_id), **run_index_keys(run), **run.model_dump(mode="json")}
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
    ) -> Run:
        """Add counter deltas atomically; close the run once the pull is done and nothing is Pending.

        A closed run's totals were counted from its items when it closed, so deltas that arrive
        later (a batch that flushed after the close) are dropped, except `closed_ok` ones: a
        destination confirming or rejecting a Sent item after the run ended.
        """
        sets: list[str] = ["updated_at = :now"]
        values: dict[str, Any] = {":now": utcnow().isoformat()}
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
        condition = "attribute_exists(PK)"
        if not closed_ok:
            condition += " AND #status = :running"
            names["#status"] = "status"
            values[":running"] = RunStatus.RUNNING.value
        expression = "SET " + ", ".join(sets)
        if adds:
            expression += " ADD " + ", ".join(adds)
        try:
            got = self.ddb.update_item(
                TableName=self.name,
                Key=marshal(run_key(tenant_id, run_id)),
                UpdateExpression=expression,
                **({"ExpressionAttributeNames": names} if names else {}),
                ExpressionAttributeValues=marshal(values),
                ConditionExpression=condition,
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self.ddb.exceptions.ConditionalCheckFailedException as exc:
            _meter_failed_write("syncs.run", _old_row(exc))
            run = self.get_run(tenant_id, run_id)
            if run is None:
                raise NotFound(f"run {run_id!r} not found") from None
            return run  # closed already: its totals were counted from its items
        row = unmarshal(got["Attributes"])
        _meter_update("syncs.run", row, ["updated_at"])
        run = Run.model_validate(_strip_keys(_body(row)))
        if change.errors and len(run.first_errors) < FIRST_ERRORS:
            self._add_first_errors(tenant_id, run_id, change.errors[: FIRST_ERRORS - len(run.first_errors)])
        if run.status == RunStatus.RUNNING and run.pull_done and run.totals.Pending <= 0:
            return self.close_if_settled(run)
        if run.status == RunStatus.OK and run.totals.Failed:
            return self._fail_finished_run(run)  # a destination rejected a Sent item later
        return run

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

    def _add_first_errors(self, tenant_id: str, run_id: str, errors: list[ErrorInfo]) -> None:
        try:
            got = self.ddb.update_item(
                TableName=self.name,
                Key=marshal(run_key(tenant_id, run_id)),
                UpdateExpression="SET first_errors = list_append(first_errors, :errors)",
                ConditionExpression="size(first_errors) < :max",
                ExpressionAttributeValues=marshal(
                    {":errors": [e.model_dump() for e in errors], ":max": FIRST_ERRORS}
                ),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self.ddb.exceptions.ConditionalCheckFailedException as exc:
            _meter_failed_write("syncs.run", _old_row(exc))
            return
        _meter_update("syncs.run", unmarshal(got["Attributes"]), ["first_errors"])

    def count_items(self, run: Run) -> Counter[str]:
        """The run's items by status, read now (strongly consistent item reads)."""
        counts: Counter[str] = Counter({s.value: 0 for s in Status})
        for item in self.items_of_run(run.tenant_id, run.service_id, run.run_id, consistent=True):
            counts[item.status.value] += 1
        return counts

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
                ConditionExpression="#status = :running AND pull_done = :true",
                ExpressionAttributeNames={"#status": "status", "#totals": "totals"},
                ExpressionAttributeValues=marshal(
                    {
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

    def _runs_from_keys(self, keys: list[dict[str, str]]) -> list[Run]:
        rows = {r["PK"]: r for r in self.get_rows(keys)}
        return [Run.model_validate(_strip_keys(_body(rows[k["PK"]]))) for k in keys if k["PK"] in rows]

    # items -----------------------------------------------------------------------------------
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
        row["expires_at"] = int((item.created_at + self.retention).timestamp())
        return row

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

    def put_pending_items(self, items: list[SyncItem]) -> list[tuple[SyncItem, str]]:
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
        self, tenant_id: str, sync_id: str, *, attempt: int, token: str, until: datetime, now: datetime
    ) -> Claim:
        """Take attempt `attempt` of a Pending item for one delivery, before anything is pushed.

        Conditional on the item being Pending, not yet past this attempt, and not held by a live
        claim of another delivery: of two deliveries of one message, at most one pushes.
        """
        try:
            got = self.ddb.update_item(
                TableName=self.name,
                Key=marshal(item_key(tenant_id, sync_id)),
                UpdateExpression="SET attempts = :attempt, claim_id = :token, claimed_until = :until",
                ConditionExpression=(
                    "#status = :pending AND attempts < :attempt"
                    " AND (attribute_not_exists(claimed_until) OR claimed_until < :now)"
                ),
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=marshal(
                    {
                        ":pending": Status.PENDING.value,
                        ":attempt": attempt,
                        ":token": token,
                        ":until": iso(until),
                        ":now": iso(now),
                    }
                ),
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self.ddb.exceptions.ConditionalCheckFailedException as exc:
            current = _old_row(exc)
            _meter_failed_write("syncs.item", current)
            item = SyncItem.model_validate(_strip_keys(_body(current))) if current else None
            return Claim(claimed=False, item=item, previous=item)
        old_row = unmarshal(got["Attributes"])
        previous = SyncItem.model_validate(_strip_keys(_body(old_row)))
        claimed = previous.model_copy(update={"attempts": attempt, "claim_id": token, "claimed_until": until})
        _meter_item_write(
            {**old_row, "attempts": attempt, "claim_id": token, "claimed_until": iso(until)}, old_row
        )
        return Claim(claimed=True, item=claimed, previous=previous)

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
            names = {"#totals": "totals", **{f"#{s}": s for s in counts}}
            sets = ", ".join(f"#totals.#{s} = #totals.#{s} - :{s}" for s in counts)
            actions.append(
                {
                    "Update": {
                        "TableName": self.name,
                        "Key": marshal(run_key(tenant_id, old_run)),
                        "UpdateExpression": f"SET {sets}",
                        "ConditionExpression": "attribute_exists(PK)",
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": marshal({f":{s}": n for s, n in counts.items()}),
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

    def pending_not_updated_since(self, tenant_id: str, before: datetime) -> Iterator[SyncItem]:
        """Pending items last written before `before`, from every status shard (read as they are
        now: one that moved on since the index was read is left out)."""
        for n in range(PENDING_SHARDS):
            keys = self._query_all(
                index=BY_STATUS.name,
                key_condition=f"{BY_STATUS.pk} = :pk AND {BY_STATUS.sk} < :before",
                values={":pk": status_partition(tenant_id, Status.PENDING, n), ":before": iso(before)},
            )
            yield from (i for i in self._items_in_chunks(keys) if i.status == Status.PENDING)

    def oldest_pending(self, tenant_id: str) -> SyncItem | None:
        """The Pending item updated longest ago: the first entry of each status shard."""
        keys: list[dict[str, str]] = []
        for n in range(PENDING_SHARDS):
            rows, _ = self.query_page(
                index=BY_STATUS.name,
                key_condition=f"{BY_STATUS.pk} = :pk",
                values={":pk": status_partition(tenant_id, Status.PENDING, n)},
                forward=True,
                limit=1,
            )
            keys += [{"PK": r["PK"], "SK": r["SK"]} for r in rows]
        pending = [i for i in self._items_from_keys(keys) if i.status == Status.PENDING] if keys else []
        return min(pending, key=lambda i: i.updated_at, default=None)

    def items_by_endpoint(self, tenant_id: str, endpoint_id: str) -> list[SyncItem]:
        """Items pushed under this destination id (exact), from every shard of by_endpoint."""
        keys: list[dict[str, str]] = []
        for n in range(SHARDS):
            keys += [
                {"PK": r["PK"], "SK": r["SK"]}
                for r in self._query_all(
                    index=BY_ENDPOINT.name,
                    key_condition=f"{BY_ENDPOINT.pk} = :pk AND begins_with({BY_ENDPOINT.sk}, :id)",
                    values={":pk": match_partition(tenant_id, "END", n), ":id": f"{key_value(endpoint_id)}#"},
                )
            ]
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


def _old_row(exc: Exception) -> dict[str, Any] | None:
    """The row a failed conditional write was checked against (ReturnValuesOnConditionCheckFailure)."""
    raw = getattr(exc, "response", {}).get("Item")
    return unmarshal(raw) if raw else None


@dataclass
class Rekeyed:
    scanned: int = 0
    rewritten: int = 0
    moved_on: int = 0  # rewritten meanwhile by a writer (with the current keys): left alone


def rekey(syncs: SyncStore, *, dry_run: bool = False, page_size: int = 500) -> Rekeyed:
    """Bring every item and run row's index keys to the current layout (one-off, after an upgrade
    changed how keys are built; safe to run again and while the service runs).

    A row is read by Scan and its index attributes compared with what the current code would
    write; a row that differs gets them with one UpdateItem, conditional on the row being as read
    (its `updated_at`), so a writer that changed it meanwhile wins: it wrote current keys anyway.
    """
    result = Rekeyed()
    index_attributes = [name for index in SYNCS.indexes for name in (index.pk, index.sk)]
    start: dict[str, Any] | None = None
    while True:
        page = syncs.ddb.scan(
            TableName=syncs.name, Limit=page_size, **({"ExclusiveStartKey": start} if start else {})
        )
        for raw in page.get("Items", []):
            row = unmarshal(raw)
            wanted = _current_index_keys(row)
            if wanted is None:
                continue
            result.scanned += 1
            stale = {a for a in index_attributes if row.get(a) != wanted.get(a)}
            if not stale:
                continue
            if dry_run:
                result.rewritten += 1
                continue
            sets = [a for a in sorted(stale) if a in wanted]
            removes = [a for a in sorted(stale) if a not in wanted]
            expression = ("SET " + ", ".join(f"{a} = :{a}" for a in sets)) if sets else ""
            if removes:
                expression += " REMOVE " + ", ".join(removes)
            values: dict[str, Any] = {f":{a}": wanted[a] for a in sets}
            condition = "attribute_not_exists(updated_at)"
            if row.get("updated_at") is not None:
                condition, values[":u"] = "updated_at = :u", row["updated_at"]
            try:
                syncs.ddb.update_item(
                    TableName=syncs.name,
                    Key=marshal({"PK": row["PK"], "SK": row["SK"]}),
                    UpdateExpression=expression.strip(),
                    ConditionExpression=condition,
                    **({"ExpressionAttributeValues": marshal(values)} if values else {}),
                )
            except syncs.ddb.exceptions.ConditionalCheckFailedException:
                result.moved_on += 1
                continue
            result.rewritten += 1
        start = page.get("LastEvaluatedKey")
        if not start:
            return result


def _current_index_keys(row: Mapping[str, Any]) -> dict[str, str] | None:
    """The index keys the current code writes for a stored item or run row (None: neither)."""
    body = _strip_keys(_body(dict(row)))
    if row.get("SK") == "I":
        return item_index_keys(SyncItem.model_validate(body))
    if row.get("SK") == "R":
        return run_index_keys(Run.model_validate(body))
    return None


def _error_code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def _error_text(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Message", "")) or type(exc).__name__
