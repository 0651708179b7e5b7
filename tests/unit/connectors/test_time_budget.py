"""A push's time budget covers every request of the push: a lookup then a create (after a timeout),
a request retried after a timeout, the waits. Each request gets what is left, none starts once it
is spent. On MockTransports whose requests move a fake clock by the time they take."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from syncline.connectors.base import ConnectorContext, UnreachableError
from syncline.connectors.ratelimit import Budget, ConcurrencyGate, RateLimiter
from syncline.connectors.rest import RestConnector
from syncline.connectors.shopify import CostBucket, ShopifyConnector

from .helpers import FakeClock
from .test_systems import graphql

CREATED = {"productCreate": {"product": {"id": "gid://shopify/Product/9"}, "userErrors": []}}


class Slow:
    """Answers in order; each request takes `takes[n]` seconds of the fake clock, or its whole read
    timeout when that is shorter (then it times out), and the timeouts it was given are kept."""

    def __init__(self, clock: FakeClock, takes: list[float], answers: list[httpx.Response]) -> None:
        self.clock, self.takes, self.answers = clock, takes, answers
        self.timeouts: list[float] = []
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        n = len(self.requests)
        self.requests.append(request)
        read = float(request.extensions["timeout"]["read"])
        self.timeouts.append(read)
        if self.takes[n] > read:
            self.clock.now += read
            raise httpx.ReadTimeout("no answer in time", request=request)
        self.clock.now += self.takes[n]
        return self.answers[n]


def _build(cls: Any, slow: Slow, clock: FakeClock, **context: Any) -> Any:
    budget = Budget(RateLimiter(None, None, clock=clock, sleep=clock.sleep), ConcurrencyGate(4))
    connector = cls(
        ConnectorContext(connector_id="unit", **context),
        transport=httpx.MockTransport(slow),
        budget=budget,
        sleep=clock.sleep,
        clock=clock,
    )
    if isinstance(connector, ShopifyConnector):
        connector.bucket = CostBucket(clock)
    return connector


def _shopify(slow: Slow, clock: FakeClock) -> ShopifyConnector:
    connector: ShopifyConnector = _build(
        ShopifyConnector,
        slow,
        clock,
        base_url="https://demo.myshopify.com",
        credentials={"access_token": "shpat_1"},
        settings={},
    )
    return connector


def _push(connector: Any, record: dict[str, Any], entity: str = "products") -> Any:
    """As sync_item pushes: under the connector's time budget."""
    with connector.time_budget(connector.max_push_seconds):
        return connector.push(entity, record, idempotency_key="k" * 24, ambiguous=True)


def test_a_lookup_then_a_create_fit_one_push_budget() -> None:
    """Shopify, after a timeout: it looks the product up by handle, then creates it. The lookup took
    9 s of the 17 s a push may take, so the create is given 8 s, not its own 10 s, and the push
    ends within its 17 s when the create gets no answer."""
    clock = FakeClock()
    nothing = graphql({"productByIdentifier": None})
    slow = Slow(clock, [9.0, 60.0], [nothing, graphql(CREATED)])
    connector = _shopify(slow, clock)
    budget = connector.max_push_seconds
    assert budget == 17.0  # 5 s to connect, 10 s to answer, 2 s of waits
    started = clock.now
    with pytest.raises(UnreachableError):
        _push(connector, {"title": "T", "handle": "t"})
    assert "productByIdentifier" in json.loads(slow.requests[0].content)["query"]
    assert "productCreate" in json.loads(slow.requests[1].content)["query"]
    assert slow.timeouts == [10.0, pytest.approx(budget - 9.0)]
    assert clock.now - started <= budget  # the whole push, both requests


def test_no_request_starts_once_the_budget_is_spent() -> None:
    clock = FakeClock()
    slow = Slow(clock, [1.0], [graphql({"productByIdentifier": None})])
    connector = _shopify(slow, clock)
    with connector.time_budget(connector.max_push_seconds):
        clock.now += connector.max_push_seconds  # spent waiting, before the first request
        with pytest.raises(UnreachableError, match="time budget ran out before POST"):
            connector.push("products", {"title": "T", "handle": "t"}, ambiguous=True)
    assert slow.requests == []


def test_retries_after_timeouts_stop_at_the_budget() -> None:
    """A GET is retried after a timeout (REST's lookup, `retries: 2`): three tries of 10 s would
    be 30 s; within the push's 17 s the second try gets what is left and there is no third."""
    clock = FakeClock()
    slow = Slow(clock, [60.0, 60.0, 60.0], [httpx.Response(200, json=[])] * 3)
    connector: RestConnector = _build(
        RestConnector,
        slow,
        clock,
        base_url="https://api.example.com",
        credentials={"token": "tok_abcdef"},
        settings={
            "idempotency_header": None,
            "lookup_path": "/{entity}",
            "lookup_param": "number",
            "lookup_field": "number",
            "retries": 2,
        },
    )
    started = clock.now
    with pytest.raises(UnreachableError):
        _push(connector, {"number": "R-1"}, entity="orders")
    assert slow.timeouts[0] == 10.0 and slow.timeouts[1] < 10.0
    assert len(slow.requests) == 2 and all(r.method == "GET" for r in slow.requests)
    assert clock.now - started <= connector.max_push_seconds


def test_without_a_budget_each_request_has_its_own_timeouts() -> None:
    clock = FakeClock()
    slow = Slow(clock, [1.0, 1.0], [graphql({"productByIdentifier": None}), graphql(CREATED)])
    connector = _shopify(slow, clock)
    assert connector.time_left() is None
    connector.push("products", {"title": "T", "handle": "t"}, ambiguous=True)
    assert slow.timeouts == [10.0, 10.0]
