"""The config table: company groups, connectors, services, cursors, API keys, lookups, health
(and, through `InboundRows`, the inbound API's clients, idempotency rows, ingests and buckets)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from syncline.errors import Conflict, NotFound
from syncline.models import (
    ConnectorConfig,
    HealthStatus,
    NotificationGroup,
    Service,
    Tenant,
    iso,
    utcnow,
)
from syncline.store.codec import item_size, marshal, unmarshal, write_units
from syncline.store.inbound_rows import InboundRows, _strip_config_keys
from syncline.store.keys import hold_key, holds_partition, tenant_pk
from syncline.store.meter import METER
from syncline.store.table import _body


class ConfigStore(InboundRows):
    """Company groups, connectors, services, cursors, keys, lookups, health, alerts, exports, leases;
    the inbound API's rows through `InboundRows`."""

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
    def put_connector(self, connector: ConnectorConfig, *, create: bool = False) -> None:
        row = {
            "PK": tenant_pk(connector.tenant_id),
            "SK": f"CONNECTOR#{connector.connector_id}",
            **connector.model_dump(mode="json"),
        }
        self._put(row, create=create, what=f"connector {connector.connector_id}")

    def get_connector(self, tenant_id: str, connector_id: str) -> ConnectorConfig | None:
        row = self._get({"PK": tenant_pk(tenant_id), "SK": f"CONNECTOR#{connector_id}"})
        return ConnectorConfig.model_validate(_body(row)) if row else None

    def require_connector(self, tenant_id: str, connector_id: str) -> ConnectorConfig:
        found = self.get_connector(tenant_id, connector_id)
        if found is None:
            raise NotFound(f"connector {connector_id!r} not found")
        return found

    def list_connectors(self, tenant_id: str) -> list[ConnectorConfig]:
        rows = self._query_all(
            index=None,
            key_condition="PK = :pk AND begins_with(SK, :sk)",
            values={":pk": tenant_pk(tenant_id), ":sk": "CONNECTOR#"},
        )
        return [ConnectorConfig.model_validate(_body(r)) for r in rows]

    def delete_connector(self, tenant_id: str, connector_id: str) -> None:
        self.ddb.delete_item(
            TableName=self.name, Key=marshal({"PK": tenant_pk(tenant_id), "SK": f"CONNECTOR#{connector_id}"})
        )

    # services --------------------------------------------------------------------------------
    def put_service(
        self, service: Service, *, create: bool = False, previous_path: str | None = None
    ) -> None:
        """Save a service. One with an inbound path also holds that path's claim row
        (`INPATH#<path>`) in the same transaction, so two services can never take one path, however
        close together they are saved; `previous_path` is released when the path changes."""
        row = {
            "PK": tenant_pk(service.tenant_id),
            "SK": f"SERVICE#{service.service_id}",
            **service.model_dump(mode="json"),
        }
        path = service.inbound_path
        if path is None and previous_path is None:
            self._put(row, create=create, what=f"service {service.service_id}")
            return
        mine = {
            "ConditionExpression": "attribute_not_exists(PK) OR service_id = :sid",
            "ExpressionAttributeValues": marshal({":sid": service.service_id}),
        }
        put: dict[str, Any] = {"TableName": self.name, "Item": marshal(row)}
        if create:
            put["ConditionExpression"] = "attribute_not_exists(PK)"
        items: list[dict[str, Any]] = [{"Put": put}]
        if path is not None:
            claim = _inbound_path_key(service.tenant_id, path) | {"service_id": service.service_id}
            items.append({"Put": {"TableName": self.name, "Item": marshal(claim), **mine}})
        if previous_path is not None and previous_path != path:
            old = marshal(_inbound_path_key(service.tenant_id, previous_path))
            items.append({"Delete": {"TableName": self.name, "Key": old, **mine}})
        try:
            self.ddb.transact_write_items(TransactItems=items)
        except self.ddb.exceptions.TransactionCanceledException as exc:
            reasons = exc.response.get("CancellationReasons") or []
            if create and reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                raise Conflict(f"service {service.service_id} already exists") from None
            raise Conflict(f"inbound path {path!r} is taken by another service") from None

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

    def delete_service(self, tenant_id: str, service_id: str, *, inbound_path: str | None = None) -> None:
        keys = [
            {"PK": tenant_pk(tenant_id), "SK": sk}
            for sk in (f"SERVICE#{service_id}", f"CURSOR#{service_id}", f"ALERTSTATE#S#{service_id}")
        ]
        items: list[dict[str, Any]] = [{"Delete": {"TableName": self.name, "Key": marshal(k)}} for k in keys]
        if inbound_path is not None:  # its path's claim, unless another service holds it
            items.append(
                {
                    "Delete": {
                        "TableName": self.name,
                        "Key": marshal(_inbound_path_key(tenant_id, inbound_path)),
                        "ConditionExpression": "attribute_not_exists(PK) OR service_id = :sid",
                        "ExpressionAttributeValues": marshal({":sid": service_id}),
                    }
                }
            )
        self.ddb.transact_write_items(TransactItems=items)

    # cursors ---------------------------------------------------------------------------------
    def get_cursor(self, tenant_id: str, service_id: str) -> str | None:
        row = self._get({"PK": tenant_pk(tenant_id), "SK": f"CURSOR#{service_id}"}, consistent=True)
        return row.get("cursor") if row else None

    def set_cursor(self, tenant_id: str, service_id: str, cursor: str) -> None:
        self.ddb.update_item(
            TableName=self.name,
            Key=marshal({"PK": tenant_pk(tenant_id), "SK": f"CURSOR#{service_id}"}),
            UpdateExpression="SET #cursor = :cursor, updated_at = :now",
            ExpressionAttributeNames={"#cursor": "cursor"},
            ExpressionAttributeValues=marshal({":cursor": cursor, ":now": iso(utcnow())}),
        )

    def note_pull(self, tenant_id: str, service_id: str, *, at: datetime, empty: bool) -> None:
        """A scheduled pull happened: one that found nothing opens no run and is counted here
        (`empty_pulls`, since the last pull that opened a run)."""
        expression = "SET last_pull_at = :at, " + (
            "empty_pulls = if_not_exists(empty_pulls, :zero) + :one" if empty else "empty_pulls = :zero"
        )
        values: dict[str, Any] = {":at": iso(at), ":zero": 0}
        if empty:
            values[":one"] = 1
        self.ddb.update_item(
            TableName=self.name,
            Key=marshal({"PK": tenant_pk(tenant_id), "SK": f"CURSOR#{service_id}"}),
            UpdateExpression=expression,
            ExpressionAttributeValues=marshal(values),
        )

    def pulls(self, tenant_id: str) -> dict[str, dict[str, Any]]:
        """Each service's last pull and the empty pulls since its last run (one Query)."""
        rows = self._query_all(
            index=None,
            key_condition="PK = :pk AND begins_with(SK, :prefix)",
            values={":pk": tenant_pk(tenant_id), ":prefix": "CURSOR#"},
        )
        return {
            str(r["SK"]).removeprefix("CURSOR#"): {
                "last_pull_at": r.get("last_pull_at"),
                "empty_pulls": int(r.get("empty_pulls", 0)),
            }
            for r in rows
        }

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

    def record_push(
        self, tenant_id: str, connector_id: str, at: datetime, *, accepted: bool, rejection: str | None
    ) -> None:
        """An inbound connector's push: when a record was last accepted, and the last refusal."""
        sets, values = [], {}
        if accepted:
            sets.append("last_push_at = :at")
        if rejection is not None:
            sets += ["last_rejection_at = :at", "last_rejection = :why"]
            values[":why"] = rejection
        if not sets:
            return
        try:
            self.ddb.update_item(
                TableName=self.name,
                Key=marshal({"PK": tenant_pk(tenant_id), "SK": f"CONNECTOR#{connector_id}"}),
                UpdateExpression="SET " + ", ".join(sets),
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues=marshal({":at": at.isoformat(), **values}),
            )
        except self.ddb.exceptions.ConditionalCheckFailedException:
            pass  # deleted meanwhile

    def health_history(self, tenant_id: str, connector_id: str, limit: int = 50) -> list[dict[str, Any]]:
        rows, _ = self.query_page(
            index=None,
            key_condition="PK = :pk AND begins_with(SK, :sk)",
            values={":pk": tenant_pk(tenant_id), ":sk": f"HEALTH#{connector_id}#"},
            forward=False,
            limit=limit,
        )
        return [{k: r.get(k) for k in ("status", "previous", "reason", "at")} for r in rows]

    # records the circuit breaker holds ----------------------------------------------------------
    # While a destination is unreachable, sync_item puts its records back on the queue with a long
    # delay and notes each here (the delayed message's body), so they can be sent again as soon as
    # the connector is Operational instead of waiting out the delay. A row expires with its delay.
    def hold_records(
        self, tenant_id: str, connector_id: str, bodies: Mapping[str, str], until: datetime
    ) -> None:
        """Note the messages (sync id -> body) put back for this connector until `until`."""
        rows = [
            {**hold_key(tenant_id, connector_id, sync_id), "body": body, "expires_at": int(until.timestamp())}
            for sync_id, body in bodies.items()
        ]
        self._batch_write(rows)
        for row in rows:
            METER.wrote("config.hold", write_units(item_size(row)))

    def held_records(self, tenant_id: str, connector_id: str) -> list[tuple[str, str, int]]:
        """The messages held for this connector: (sync id, body, when its delay runs out)."""
        rows = self._query_all(
            index=None, key_condition="PK = :pk", values={":pk": holds_partition(tenant_id, connector_id)}
        )
        return [(str(r["SK"]), str(r["body"]), int(r.get("expires_at", 0))) for r in rows]

    def drop_held_records(self, tenant_id: str, connector_id: str, sync_ids: list[str]) -> None:
        self._batch_write([hold_key(tenant_id, connector_id, s) for s in sync_ids], delete=True)
        METER.wrote("config.hold", len(sync_ids))

    # notification groups, alert state and alert history --------------------------------------
    # A group: `NGROUP#<group_id>`. Alerting keeps one small state row per service
    # (`ALERTSTATE#S#<service_id>`: last email, what it counted, consecutive failed runs) and per
    # connector (`ALERTSTATE#C#<connector_id>`: the status last emailed), and one history row per
    # email and service (`ALERTLOG#<service_id>#<sent_at>`, kept 90 days; no bodies).
    def put_notification_group(self, group: NotificationGroup, *, create: bool = False) -> None:
        row = {
            "PK": tenant_pk(group.tenant_id),
            "SK": f"NGROUP#{group.group_id}",
            **group.model_dump(mode="json"),
        }
        self._put(row, create=create, what=f"notification group {group.group_id}")

    def get_notification_group(self, tenant_id: str, group_id: str) -> NotificationGroup | None:
        row = self._get({"PK": tenant_pk(tenant_id), "SK": f"NGROUP#{group_id}"})
        return NotificationGroup.model_validate(_body(row)) if row else None

    def require_notification_group(self, tenant_id: str, group_id: str) -> NotificationGroup:
        found = self.get_notification_group(tenant_id, group_id)
        if found is None:
            raise NotFound(f"notification group {group_id!r} not found")
        return found

    def list_notification_groups(self, tenant_id: str) -> list[NotificationGroup]:
        rows = self._query_all(
            index=None,
            key_condition="PK = :pk AND begins_with(SK, :sk)",
            values={":pk": tenant_pk(tenant_id), ":sk": "NGROUP#"},
        )
        return [NotificationGroup.model_validate(_body(r)) for r in rows]

    def delete_notification_group(self, tenant_id: str, group_id: str) -> None:
        self.ddb.delete_item(
            TableName=self.name, Key=marshal({"PK": tenant_pk(tenant_id), "SK": f"NGROUP#{group_id}"})
        )

    def alert_states(self, tenant_id: str) -> dict[tuple[str, str], dict[str, Any]]:
        """Every alert state row of a company group (one Query): (kind "S" or "C", id) -> state."""
        rows = self._query_all(
            index=None,
            key_condition="PK = :pk AND begins_with(SK, :sk)",
            values={":pk": tenant_pk(tenant_id), ":sk": "ALERTSTATE#"},
        )
        out: dict[tuple[str, str], dict[str, Any]] = {}
        for row in rows:
            _, kind, ident = str(row["SK"]).split("#", 2)
            out[(kind, ident)] = _body(row)
        return out

    def put_alert_state(self, tenant_id: str, kind: str, ident: str, state: Mapping[str, Any]) -> None:
        """Replace one alert state row (kind "S": a service, "C": a connector)."""
        row = {"PK": tenant_pk(tenant_id), "SK": f"ALERTSTATE#{kind}#{ident}", **state}
        self.ddb.put_item(TableName=self.name, Item=marshal(row))

    def reset_alert_runs(self, tenant_id: str, service_id: str, runs_after: str) -> None:
        """Start counting a service's consecutive failed runs again, from runs after `runs_after`
        (a reactivated service). Nothing to do for a service without alert state."""
        try:
            self.ddb.update_item(
                TableName=self.name,
                Key=marshal({"PK": tenant_pk(tenant_id), "SK": f"ALERTSTATE#S#{service_id}"}),
                UpdateExpression="SET failed_runs = :zero, warned = :no, runs_after = :after",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues=marshal({":zero": 0, ":no": False, ":after": runs_after}),
            )
        except self.ddb.exceptions.ConditionalCheckFailedException:
            pass

    def add_alert_log(self, tenant_id: str, service_id: str, at: datetime, entry: Mapping[str, Any]) -> None:
        row = {
            "PK": tenant_pk(tenant_id),
            "SK": f"ALERTLOG#{service_id}#{iso(at)}#{entry.get('kind', '')}",
            **entry,
            "sent_at": iso(at),
            "expires_at": int((at + timedelta(days=90)).timestamp()),
        }
        self.ddb.put_item(TableName=self.name, Item=marshal(row))

    def alert_history(self, tenant_id: str, service_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """A service's alert emails, newest first."""
        rows, _ = self.query_page(
            index=None,
            key_condition="PK = :pk AND begins_with(SK, :sk)",
            values={":pk": tenant_pk(tenant_id), ":sk": f"ALERTLOG#{service_id}#"},
            forward=False,
            limit=limit,
        )
        return [{k: v for k, v in _body(r).items() if k != "expires_at"} for r in rows]

    # lookup tables ---------------------------------------------------------------------------
    # One item per table (the whole table: lookups are read whole, once per batch).
    @staticmethod
    def lookup_row(tenant_id: str, table: Any) -> dict[str, Any]:
        """The item a table is stored as (for sizing it before a write)."""
        return {
            "PK": tenant_pk(tenant_id),
            "SK": f"LOOKUP#{table.name}",
            "table": table.model_dump(mode="json"),
        }

    def put_lookup(self, tenant_id: str, table: Any, *, create: bool = False, replace: bool = False) -> None:
        """Store a table: `create` only if the name is free (Conflict), `replace` only if it exists
        (NotFound), otherwise either way. One conditional put: all of it or nothing."""
        request: dict[str, Any] = {"TableName": self.name, "Item": marshal(self.lookup_row(tenant_id, table))}
        if create:
            request["ConditionExpression"] = "attribute_not_exists(PK)"
        elif replace:
            request["ConditionExpression"] = "attribute_exists(PK)"
        try:
            self.ddb.put_item(**request)
        except self.ddb.exceptions.ConditionalCheckFailedException:
            if create:
                raise Conflict(f"lookup table {table.name!r} already exists") from None
            raise NotFound(f"lookup table {table.name!r} not found") from None

    def get_lookup(self, tenant_id: str, name: str) -> Any:
        """The table (a syncline.mapping.LookupTable), or None."""
        from syncline.mapping import LookupTable

        row = self._get({"PK": tenant_pk(tenant_id), "SK": f"LOOKUP#{name}"}, consistent=True)
        return LookupTable.model_validate(row["table"]) if row else None

    def require_lookup(self, tenant_id: str, name: str) -> Any:
        found = self.get_lookup(tenant_id, name)
        if found is None:
            raise NotFound(f"lookup table {name!r} not found")
        return found

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
        """Delete a table; NotFound when there is none."""
        try:
            self.ddb.delete_item(
                TableName=self.name,
                Key=marshal({"PK": tenant_pk(tenant_id), "SK": f"LOOKUP#{name}"}),
                ConditionExpression="attribute_exists(PK)",
            )
        except self.ddb.exceptions.ConditionalCheckFailedException:
            raise NotFound(f"lookup table {name!r} not found") from None

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

    # export jobs: one row per large export under its company group, expiring with the export;
    # `version` orders its saves and `lease_until` (epoch seconds) says who may work on it.
    def put_export_job(
        self,
        tenant_id: str,
        export_id: str,
        body: Mapping[str, Any],
        *,
        previous_version: int | None,
        lease_until: float,
        expires_at: int,
    ) -> None:
        """Save a job: new (`previous_version` None) or over the version it was read at; Conflict
        when another request has saved it since (its lease ran out and someone took over)."""
        row = {
            **_export_key(tenant_id, export_id),
            **body,
            "lease_until": lease_until,
            "expires_at": expires_at,
        }
        request: dict[str, Any] = {"TableName": self.name, "Item": marshal(row)}
        if previous_version is None:
            request["ConditionExpression"] = "attribute_not_exists(PK)"
        else:
            request["ConditionExpression"] = "version = :v"
            request["ExpressionAttributeValues"] = marshal({":v": previous_version})
        try:
            self.ddb.put_item(**request)
        except self.ddb.exceptions.ConditionalCheckFailedException:
            raise Conflict(f"export {export_id!r} was saved by another request") from None

    def get_export_job(self, tenant_id: str, export_id: str) -> dict[str, Any] | None:
        row = self._get(_export_key(tenant_id, export_id), consistent=True)
        return _export_body(row) if row else None

    def lease_export_job(
        self, tenant_id: str, export_id: str, version: int, *, now: float, until: float
    ) -> dict[str, Any] | None:
        """Take the job's lease if it is still at `version` and nobody holds it; the job as leased
        (its version one up), or None."""
        try:
            got = self.ddb.update_item(
                TableName=self.name,
                Key=marshal(_export_key(tenant_id, export_id)),
                UpdateExpression="SET lease_until = :until, version = version + :one",
                ConditionExpression="version = :v AND lease_until < :now",
                ExpressionAttributeValues=marshal({":until": until, ":one": 1, ":v": version, ":now": now}),
                ReturnValues="ALL_NEW",
            )
        except self.ddb.exceptions.ConditionalCheckFailedException:
            return None
        return _export_body(unmarshal(got["Attributes"]))

    # leases: one holder at a time for a scheduled job (the alerts tick), until it ends or its time is up
    def take_lease(self, name: str, holder: str, *, now: float, until: float) -> bool:
        try:
            self.ddb.put_item(
                TableName=self.name,
                Item=marshal({"PK": "LEASE", "SK": name, "holder": holder, "lease_until": until}),
                ConditionExpression="attribute_not_exists(PK) OR lease_until < :now",
                ExpressionAttributeValues=marshal({":now": now}),
            )
        except self.ddb.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def release_lease(self, name: str, holder: str) -> None:
        try:
            self.ddb.delete_item(
                TableName=self.name,
                Key=marshal({"PK": "LEASE", "SK": name}),
                ConditionExpression="holder = :holder",
                ExpressionAttributeValues=marshal({":holder": holder}),
            )
        except self.ddb.exceptions.ConditionalCheckFailedException:
            pass

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


def _api_key_key(digest: str) -> dict[str, str]:
    return {"PK": f"KEY#{digest}", "SK": "KEY"}


def _api_key_listing_key(tenant_id: str, digest: str) -> dict[str, str]:
    return {"PK": tenant_pk(tenant_id), "SK": f"APIKEY#{digest}"}


def _inbound_path_key(tenant_id: str, path: str) -> dict[str, str]:
    return {"PK": tenant_pk(tenant_id), "SK": f"INPATH#{path}"}


def _export_key(tenant_id: str, export_id: str) -> dict[str, str]:
    return {"PK": tenant_pk(tenant_id), "SK": f"EXPORT#{export_id}"}


def _export_body(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("PK", "SK", "expires_at", "lease_until")}
