"""The config table's inbound API rows: OAuth clients, idempotency and webhook-id rows, ingests,
the inbound run a service's pushes join, and each client's token bucket."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from syncline.errors import Conflict, NotFound
from syncline.store.codec import marshal
from syncline.store.keys import tenant_pk
from syncline.store.table import _Table


class InboundRows(_Table):
    """The inbound API's rows (the config store's half that knows the inbound API)."""

    # inbound clients: OAuth clients of a company group, one row each under the group (the
    # secret only as its SHA-256); revoked ones stay for the audit trail.
    def put_inbound_client(self, tenant_id: str, client_id: str, attributes: Mapping[str, Any]) -> None:
        row = {**_inbound_client_key(tenant_id, client_id), **attributes}
        self._put(row, create=True, what=f"client {client_id}")

    def get_inbound_client(self, tenant_id: str, client_id: str) -> dict[str, Any] | None:
        row = self._get(_inbound_client_key(tenant_id, client_id), consistent=True)
        return _strip_config_keys(row) if row else None

    def update_inbound_client(self, tenant_id: str, client_id: str, changes: Mapping[str, Any]) -> None:
        names = {f"#a{n}": name for n, name in enumerate(changes)}
        values = {f":v{n}": value for n, value in enumerate(changes.values())}
        try:
            self.ddb.update_item(
                TableName=self.name,
                Key=marshal(_inbound_client_key(tenant_id, client_id)),
                UpdateExpression="SET " + ", ".join(f"#a{n} = :v{n}" for n in range(len(changes))),
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=marshal(values),
            )
        except self.ddb.exceptions.ConditionalCheckFailedException:
            raise NotFound(f"client {client_id!r} not found") from None

    def inbound_clients(self, tenant_id: str) -> list[dict[str, Any]]:
        rows = self._query_all(
            index=None,
            key_condition="PK = :pk AND begins_with(SK, :sk)",
            values={":pk": tenant_pk(tenant_id), ":sk": "ICLIENT#"},
        )
        return [_strip_config_keys(r) for r in rows]

    # inbound once-rows: an idempotency key or a webhook id seen (expiring), and what it answered
    def claim_once(
        self,
        tenant_id: str,
        scope: str,
        name: str,
        attributes: Mapping[str, Any],
        *,
        now: int,
        expires_at: int,
    ) -> dict[str, Any] | None:
        """Write the row unless a live one exists; None when written, else the existing row."""
        key = _once_key(tenant_id, scope, name)
        try:
            self.ddb.put_item(
                TableName=self.name,
                Item=marshal({**key, **attributes, "expires_at": expires_at}),
                ConditionExpression="attribute_not_exists(PK) OR expires_at < :now",
                ExpressionAttributeValues=marshal({":now": now}),
            )
        except self.ddb.exceptions.ConditionalCheckFailedException:
            row = self._get(key, consistent=True)
            return _strip_config_keys(row) if row else {}
        return None

    def settle_once(self, tenant_id: str, scope: str, name: str, attributes: Mapping[str, Any]) -> None:
        key = _once_key(tenant_id, scope, name)
        row = self._get(key, consistent=True) or key
        self.ddb.put_item(TableName=self.name, Item=marshal({**row, **attributes}))

    def drop_once(self, tenant_id: str, scope: str, name: str) -> None:
        self.ddb.delete_item(TableName=self.name, Key=marshal(_once_key(tenant_id, scope, name)))

    # ingests: what one inbound push accepted (its run and sync ids), for its status
    def put_ingest(self, tenant_id: str, ingest_id: str, body: Mapping[str, Any], *, expires_at: int) -> None:
        row = {**_ingest_key(tenant_id, ingest_id), **body, "expires_at": expires_at}
        self.ddb.put_item(TableName=self.name, Item=marshal(row))

    def get_ingest(self, tenant_id: str, ingest_id: str) -> dict[str, Any] | None:
        row = self._get(_ingest_key(tenant_id, ingest_id), consistent=True)
        return {k: v for k, v in row.items() if k not in ("PK", "SK", "expires_at")} if row else None

    # the inbound run a service's pushes join: (run id, epoch second it stops taking pushes)
    def inbound_run(self, tenant_id: str, service_id: str) -> tuple[str, float] | None:
        row = self._get(_inbound_run_key(tenant_id, service_id), consistent=True)
        return (str(row["run_id"]), float(row["open_until"])) if row else None

    def set_inbound_run(self, tenant_id: str, service_id: str, run_id: str, *, open_until: float) -> None:
        row = {
            **_inbound_run_key(tenant_id, service_id),
            "run_id": run_id,
            "open_until": open_until,
            "expires_at": int(open_until) + 86400,
        }
        self.ddb.put_item(TableName=self.name, Item=marshal(row))

    # rate limits: a token bucket per inbound client, kept as its "theoretical arrival time" (GCRA):
    # `tat` is when the bucket would be full again. A request is allowed while `tat` is at most
    # `burst - 1` intervals ahead of now, and pushes `tat` one interval on. Each take is one
    # conditional UpdateItem that adds to `tat` atomically, so concurrent requests never conflict
    # with each other; only the first request after an idle spell sets `tat` from now.
    def take_token(self, tenant_id: str, client_id: str, *, rate: float, burst: int, now: float) -> bool:
        """Take one token from the client's bucket (refilled at `rate` a second up to `burst`)."""
        key = marshal({"PK": tenant_pk(tenant_id), "SK": f"BUCKET#{client_id}"})
        step = 1.0 / rate
        limit = now + (burst - 1) * step
        expires = {":exp": {"N": str(int(now + burst * step) + 86400)}}
        busy = {
            "UpdateExpression": "SET tat = tat + :step, expires_at = :exp",
            "ConditionExpression": "tat >= :now AND tat <= :limit",
            "ExpressionAttributeValues": {
                ":step": {"N": repr(step)},
                ":now": {"N": repr(now)},
                ":limit": {"N": repr(limit)},
                **expires,
            },
        }
        idle = {
            "UpdateExpression": "SET tat = :next, expires_at = :exp",
            "ConditionExpression": "attribute_not_exists(tat) OR tat < :now",
            "ExpressionAttributeValues": {
                ":next": {"N": repr(now + step)},
                ":now": {"N": repr(now)},
                **expires,
            },
        }
        for _ in range(3):
            for request in (busy, idle):
                try:
                    self.ddb.update_item(TableName=self.name, Key=key, **request)
                    return True
                except self.ddb.exceptions.ConditionalCheckFailedException:
                    continue
            row = self._get({"PK": tenant_pk(tenant_id), "SK": f"BUCKET#{client_id}"}, consistent=True)
            if row is not None and "tat" in row and float(row["tat"]) > limit:
                return False
        return False

    def _put(self, row: dict[str, Any], *, create: bool, what: str) -> None:
        request: dict[str, Any] = {"TableName": self.name, "Item": marshal(row)}
        if create:
            request["ConditionExpression"] = "attribute_not_exists(PK)"
        try:
            self.ddb.put_item(**request)
        except self.ddb.exceptions.ConditionalCheckFailedException:
            raise Conflict(f"{what} already exists") from None


def _inbound_run_key(tenant_id: str, service_id: str) -> dict[str, str]:
    return {"PK": tenant_pk(tenant_id), "SK": f"INRUN#{service_id}"}


def _inbound_client_key(tenant_id: str, client_id: str) -> dict[str, str]:
    return {"PK": tenant_pk(tenant_id), "SK": f"ICLIENT#{client_id}"}


def _once_key(tenant_id: str, scope: str, name: str) -> dict[str, str]:
    return {"PK": f"{tenant_pk(tenant_id)}#ONCE", "SK": f"{scope}#{name}"}


def _ingest_key(tenant_id: str, ingest_id: str) -> dict[str, str]:
    return {"PK": tenant_pk(tenant_id), "SK": f"INGEST#{ingest_id}"}


def _strip_config_keys(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("PK", "SK")}
