"""Unit tests of the API parts run without AWS: cursors are signed with a fixed key."""

from __future__ import annotations

import pytest

from syncline.reports import CURSOR_KEY_ENV


@pytest.fixture(autouse=True)
def cursor_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CURSOR_KEY_ENV, "unit-test-cursor-key")
