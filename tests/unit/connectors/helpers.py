"""Helpers of the connector unit tests: a fake clock, a recording MockTransport, a builder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from syncline.connectors.base import ConnectorContext
from syncline.connectors.ratelimit import Budget, ConcurrencyGate, RateLimiter


class FakeClock:
    """A monotonic clock that only moves when something sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    @property
    def slept(self) -> float:
        return sum(self.sleeps)


Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport handler that answers from a queue (or a function) and records requests."""

    def __init__(self, *responses: httpx.Response | Handler) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.responses:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        item = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        return item(request) if callable(item) else item

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def make(
    cls: Any,
    recorder: Recorder,
    clock: FakeClock,
    *,
    base_url: str = "https://api.example.com",
    credentials: dict[str, str] | None = None,
    settings: dict[str, Any] | None = None,
    timezone: str = "UTC",
    date_format: str = "%Y-%m-%dT%H:%M:%S%z",
    rate: float | None = None,
    burst: int | None = None,
) -> Any:
    """A connector on a MockTransport, with a private rate budget on the fake clock."""
    context = ConnectorContext(
        base_url=base_url,
        credentials=credentials or {},
        settings=settings or {},
        timezone=timezone,
        date_format=date_format,
        connector_id="unit",
    )
    budget = Budget(RateLimiter(rate, burst, clock=clock, sleep=clock.sleep), ConcurrencyGate(4))
    return cls(context, transport=recorder.transport, budget=budget, sleep=clock.sleep)
