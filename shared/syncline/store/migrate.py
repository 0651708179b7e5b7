"""`syncline migrate`: bring rows written by an older version to this version's index keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from syncline.models import (
    Run,
    SyncItem,
)
from syncline.store.codec import marshal, unmarshal
from syncline.store.keys import item_index_keys, run_index_keys
from syncline.store.sync_store import SyncStore
from syncline.store.table import _body, _strip_keys
from syncline.tables import (
    RETIRED_INDEX_ATTRIBUTES,
    SYNCS,
)


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
    # The current indexes' keys, and those of indexes earlier versions had (removed from rows).
    index_attributes = [name for index in SYNCS.indexes for name in (index.pk, index.sk)]
    index_attributes += RETIRED_INDEX_ATTRIBUTES
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
