from __future__ import annotations

from collections import Counter
from threading import Lock
from typing import Any

import pytest

from syncline import aws


class TableCalls:
    """Counts AWS calls by (operation, table or queue) for assertions on access patterns."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self.run_updates: Counter[tuple[str, str]] = Counter()
        self._lock = Lock()

    def __call__(self, service: str, operation: str, params: dict[str, Any]) -> None:
        target = str(params.get("TableName") or params.get("QueueUrl") or "")
        on_run = "#R#" in str(params.get("Key", {}).get("PK", {}).get("S", ""))
        with self._lock:
            self.calls[(operation, target)] += 1
            if on_run:
                self.run_updates[(operation, target)] += 1

    def count(self, operation: str, target_contains: str = "") -> int:
        return sum(
            n for (op, target), n in self.calls.items() if op == operation and target_contains in target
        )

    def operations(self) -> set[str]:
        return {op for op, _ in self.calls}


@pytest.fixture
def table_calls() -> Any:
    counter = TableCalls()
    aws.add_observer(counter)
    yield counter
    aws.remove_observer(counter)


def run_updates(calls: TableCalls, table: str) -> int:
    """UpdateItem calls on run rows (their keys hold `#R#`), to tell them from item claims."""
    with calls._lock:
        return sum(
            n for (op, target), n in calls.run_updates.items() if op == "UpdateItem" and table in target
        )
