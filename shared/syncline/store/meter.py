"""Counts DynamoDB capacity units the way DynamoDB bills them (base table plus each index, by
partition key), because moto's consumed-capacity figures are not real. The benchmarks read it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

from syncline import aws
from syncline.store.codec import _from_dynamo, _to_dynamo, item_size, write_units
from syncline.tables import (
    SYNCS,
    Index,
)


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
