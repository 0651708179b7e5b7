"""Unit tests of the API parts run without AWS: cursors are signed with a fixed key, set the way a
deployment would set it (the function settings; table and queue names are never used here)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from syncline.settings import ENV, settings

QUEUES = ("sync_queue_url", "sync_dlq_url", "trigger_queue_url")
UNUSED = dict.fromkeys(("config_table", "syncs_table"), "unit-tests-use-no-aws")
UNUSED |= dict.fromkeys(QUEUES, "https://sqs.invalid/unused")


@pytest.fixture(autouse=True)
def cursor_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for field, value in UNUSED.items():
        monkeypatch.setenv(ENV[field], value)
    monkeypatch.setenv(ENV["cursor_key"], "unit-test-cursor-key")
    settings.cache_clear()
    yield
    settings.cache_clear()
