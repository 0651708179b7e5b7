"""What both stores share: the DynamoDB client (throttling becomes `Throttled`) and paged reads."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any

from syncline import aws
from syncline.errors import Throttled
from syncline.store.codec import item_size, marshal, read_units, unmarshal, unpack_payload
from syncline.store.meter import METER
from syncline.tables import (
    RETIRED_INDEX_ATTRIBUTES,
    SYNCS,
)

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

    def _batch_write(self, rows: list[dict[str, Any]], *, delete: bool = False) -> None:
        """Put `rows` (or, with `delete`, delete the rows of these keys) with BatchWriteItem."""
        # BatchWriteItem takes 25 items a call (moto accepts more; DynamoDB does not).
        for start in range(0, len(rows), 25):
            pending: list[dict[str, Any]] = [
                {"DeleteRequest": {"Key": marshal(r)}} if delete else {"PutRequest": {"Item": marshal(r)}}
                for r in rows[start : start + 25]
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


_NOT_FIELDS = frozenset({*SYNCS.key_attributes(), *RETIRED_INDEX_ATTRIBUTES, "expires_at"})


def _strip_keys(row: dict[str, Any]) -> dict[str, Any]:
    return unpack_payload({k: v for k, v in row.items() if k not in _NOT_FIELDS})


def fields_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored item or run row's own fields: no table or index key, no expiry; a record kept
    on the row unpacked."""
    return unpack_payload({k: v for k, v in row.items() if k not in _NOT_FIELDS and k not in ("PK", "SK")})


def _old_row(exc: Exception) -> dict[str, Any] | None:
    """The row a failed conditional write was checked against (ReturnValuesOnConditionCheckFailure)."""
    raw = getattr(exc, "response", {}).get("Item")
    return unmarshal(raw) if raw else None


def _error_code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def _error_text(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Message", "")) or type(exc).__name__


def _body(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("PK", "SK")}
