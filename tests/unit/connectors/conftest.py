"""Unit tests of the connector kit: pure logic, network blocked, httpx.MockTransport for HTTP."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from syncline.connectors.auth import clear_token_cache

from .helpers import FakeClock


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("network access in a unit test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield
    clear_token_cache()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
