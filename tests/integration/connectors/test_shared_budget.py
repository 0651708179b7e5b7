"""The rate budget shared by every container: a token bucket per connector in the config table
(moto), used through leases. Containers are separate RateStore objects (one lease pool each) on
one injected clock; nothing here is timed: requests are counted per slot of the fake clock."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from moto import mock_aws

from syncline import aws
from syncline.connectors.base import ConnectorContext, RateLimitedError
from syncline.connectors.bigcommerce import BigCommerceConnector
from syncline.connectors.ratelimit import Budget, ConcurrencyGate, SharedLimiter, lease_size
from syncline.connectors.rest import RestConnector
from syncline.connectors.shopify import ShopifyConnector, call_limit_pause
from syncline.store import METER
from syncline.store.rate_store import RATE_WRITES, RateStore
from syncline.tables import CONFIG, create_table_request
from tests.unit.connectors.helpers import FakeClock, Recorder

TENANT, CONNECTOR = "acme", "warehouse"


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        aws.reset_clients()
        aws.client("dynamodb").create_table(**create_table_request(CONFIG, "ratetest"))
        yield CONFIG.name("ratetest")
    aws.reset_clients()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def container(table: str, clock: FakeClock, rate: float = 10.0, burst: int = 5) -> SharedLimiter:
    """One container's view of the connector's budget: its own store object, so its own pool.
    (No wake-up jitter: on one thread of a fake clock, every container's sleep adds up.)"""
    return SharedLimiter(
        RateStore(table), TENANT, CONNECTOR, rate, burst, clock=clock, sleep=clock.sleep, jitter=lambda w: 0.0
    )


def test_two_containers_sharing_a_budget_never_exceed_it_together(table: str, clock: FakeClock) -> None:
    rate, burst = 10.0, 5
    a, b = container(table, clock, rate, burst), container(table, clock, rate, burst)
    started = clock.now
    sent: list[float] = []
    rng = random.Random(3)
    while len(sent) < 300:
        # a container's threads spend a lease together: a few requests in a row from one of them
        chosen = a if rng.random() < 0.5 else b
        for _ in range(lease_size(rate, burst)):
            chosen.acquire(max_wait=10.0)
            sent.append(clock.now - started)
    elapsed = clock.now - started
    # Every token handed out came from the one bucket: no more than its burst plus its rate.
    granted = a.stats.granted + b.stats.granted
    assert granted <= burst + rate * elapsed + 1e-6
    # Per one-second slot of the clock, together: at most the rate, plus the burst and one lease a
    # container may spend late (lease tokens expire after their own span).
    per_slot = Counter(int(t) for t in sent)
    assert max(per_slot.values()) <= rate + burst + lease_size(rate, burst)
    # ...and over the whole run at most the budget (each alone would have allowed twice as much).
    assert len(sent) <= burst + rate * elapsed + lease_size(rate, burst)
    # Driven near the limit, not far below it: 300 requests at 10/s take about 30 s of the clock
    # (one thread plays both containers here, so a refused container's wait is nobody's work).
    assert elapsed <= (300 - burst) / rate * 1.25
    # Both containers took part, and leases carried several tokens (fewer writes than requests).
    assert a.stats.used > 50 and b.stats.used > 50
    assert a.stats.leases + b.stats.leases < len(sent)
    state = RateStore(table).state(TENANT, CONNECTOR)
    assert state is not None and state.leases == a.stats.leases + b.stats.leases


def test_a_reservation_in_the_future_is_granted_and_honoured(table: str, clock: FakeClock) -> None:
    rate, burst = 10.0, 5
    store = RateStore(table)
    now = clock.now
    assert store.lease(TENANT, CONNECTOR, want=5, rate=rate, burst=burst, now=now).tokens == 5  # the burst
    # Without a horizon nothing more is usable now; with one, three tokens are reserved in the
    # future, each at its own slot.
    refused = store.lease(TENANT, CONNECTOR, want=3, rate=rate, burst=burst, now=now, busy=True)
    assert refused.tokens == 0 and refused.wait == pytest.approx(0.1)
    grant = store.lease(TENANT, CONNECTOR, want=3, rate=rate, burst=burst, now=now, horizon=1.0, busy=True)
    assert grant.tokens == 3
    assert [grant.slot(k, rate, burst, now) - now for k in (1, 2, 3)] == pytest.approx([0.1, 0.2, 0.3])
    # A lease whose first token lies beyond the horizon is refused with the wait for it.
    far = store.lease(TENANT, CONNECTOR, want=3, rate=rate, burst=burst, now=now, horizon=0.3, busy=True)
    assert far.tokens == 0 and far.wait == pytest.approx(0.4)
    state = store.state(TENANT, CONNECTOR)
    assert state is not None and state.tat == pytest.approx(now + 0.8)
    # A container sleeps until its reserved slot rather than sending early.
    a = container(table, clock, rate, burst)
    assert a.acquire(max_wait=2.0) == pytest.approx(0.4)
    assert clock.now == pytest.approx(now + 0.4)


def test_waiters_get_distinct_slots_one_write_per_lease(table: str, clock: FakeClock) -> None:
    """Threads of several containers asking at the same instant each get their own slot, 1/rate
    apart, one write per lease and none refused while the slots are within their wait."""
    rate, burst = 10.0, 5
    now = clock.now
    assert RateStore(table).lease(TENANT, CONNECTOR, want=burst, rate=rate, burst=burst, now=now).tokens
    writes: list[str] = []

    def observe(service: str, operation: str, params: dict[str, Any]) -> None:
        writes.append(operation)

    aws.add_observer(observe)
    try:
        containers = [container(table, clock, rate, burst) for _ in range(4)]
        for c in containers:
            c._sleep = lambda seconds: None  # nobody wakes up: every ask is at the same instant
        due = [now + c.acquire(max_wait=2.0) for _ in range(3) for c in containers]
        while True:  # one container takes what is left within the wait
            try:
                due.append(now + containers[0].acquire(max_wait=2.0))
            except RateLimitedError as exc:
                refused = exc
                break
    finally:
        aws.remove_observer(observe)
    leases = sum(c.stats.leases for c in containers)
    assert writes == ["UpdateItem"] * leases  # one write per lease: none refused, none raced
    assert leases <= len(due) / 3 + 1
    # the burst was taken: then one slot every 1/rate, each its own, all within the wait
    assert sorted(due) == pytest.approx([now + k / rate for k in range(1, int(2.0 * rate) + 1)])
    assert refused.retry_after == pytest.approx(2.1)


def test_a_slot_woken_up_to_too_late_is_void(table: str, clock: FakeClock) -> None:
    """A thread that oversleeps its slot (a stalled process) does not send on it: that request
    would bunch up with the ones of later slots. It takes a slot due now instead."""
    rate, burst = 10.0, 5
    now = clock.now
    assert RateStore(table).lease(TENANT, CONNECTOR, want=burst, rate=rate, burst=burst, now=now).tokens
    a = container(table, clock, rate, burst)
    a._sleep = lambda seconds: clock.sleep(seconds + 1.0)
    a.acquire(max_wait=5.0)  # its slot was due at +0.1 (expiring a lease span later), woke at +1.1
    assert clock.now == pytest.approx(now + 1.1)
    assert a.stats.late == 1 and a.stats.expired == 2  # the lease's other two expired unclaimed
    assert a.stats.leases == 2 and a.stats.used == 1
    state = RateStore(table).state(TENANT, CONNECTOR)
    assert state is not None and state.tat == pytest.approx(now + 1.1 + 1 / rate)  # one token, due now


def test_a_pause_one_container_learns_slows_the_other(table: str, clock: FakeClock) -> None:
    a, b = container(table, clock), container(table, clock)
    assert b.acquire(max_wait=0) == 0  # b holds a lease
    a.block_for(30.0, throttled=True)  # a saw a 429 with Retry-After: 30
    state = RateStore(table).state(TENANT, CONNECTOR)
    assert state is not None and state.throttled == 1
    assert state.paused_until == pytest.approx(clock.now + 30.0)
    # b's lease is spent or expired by the time it asks again; the bucket now says wait
    clock.now += 1.0
    with pytest.raises(RateLimitedError) as caught:
        b.acquire(max_wait=2.0)
    assert caught.value.retry_after == pytest.approx(29.0)
    assert b.ready(max_wait=2.0) == pytest.approx(29.0)  # known now, without another write
    clock.now += 29.0
    assert b.acquire(max_wait=0) == 0


def test_a_pause_only_moves_later(table: str, clock: FakeClock) -> None:
    store = RateStore(table)
    assert store.pause(TENANT, CONNECTOR, until=clock.now + 10, throttled=1)
    assert not store.pause(TENANT, CONNECTOR, until=clock.now + 5, throttled=1)
    state = store.state(TENANT, CONNECTOR)
    assert state is not None and state.paused_until == pytest.approx(clock.now + 10)
    assert state.throttled == 2


def rest(table: str, clock: FakeClock, recorder: Recorder) -> RestConnector:
    context = ConnectorContext(
        base_url="https://wh.example.com",
        credentials={"token": "s3cret-token"},
        settings={"auth": "bearer", "rate_limit": {"requests_per_second": 10, "burst": 5}},
        connector_id=CONNECTOR,
        tenant_id=TENANT,
    )
    budget = Budget(container(table, clock), ConcurrencyGate(4))
    return RestConnector(context, transport=recorder.transport, budget=budget, sleep=clock.sleep)


def test_a_429_seen_by_one_connector_pauses_another_container(table: str, clock: FakeClock) -> None:
    told = Recorder(httpx.Response(429, headers={"Retry-After": "30"}, json={"message": "slow down"}))
    other = Recorder(httpx.Response(201, json={"id": "1"}))
    a, b = rest(table, clock, told), rest(table, clock, other)
    with pytest.raises(RateLimitedError):
        a.push("orders", {"id": "1"}, idempotency_key="k1")
    with pytest.raises(RateLimitedError) as caught:
        b.push("orders", {"id": "2"}, idempotency_key="k2")
    assert caught.value.retry_after == pytest.approx(30.0)
    assert b.throttled_for() == pytest.approx(30.0)
    assert other.requests == []  # b sent nothing while the system is paused
    state = RateStore(table).state(TENANT, CONNECTOR)
    assert state is not None and state.throttled == 1


def test_bigcommerce_remaining_budget_headers_pause_every_container(table: str, clock: FakeClock) -> None:
    headers = {"X-Rate-Limit-Requests-Left": "0", "X-Rate-Limit-Time-Reset-Ms": "12000"}
    recorder = Recorder(httpx.Response(200, headers=headers, json={"id": 7}))

    def bigcommerce() -> BigCommerceConnector:
        context = ConnectorContext(
            base_url="https://api.bigcommerce.com/stores/abc",
            credentials={"access_token": "tok"},
            connector_id=CONNECTOR,
            tenant_id=TENANT,
        )
        budget = Budget(container(table, clock, rate=5, burst=10), ConcurrencyGate(4))
        return BigCommerceConnector(context, transport=recorder.transport, budget=budget, sleep=clock.sleep)

    a, b = bigcommerce(), bigcommerce()
    a.push("orders", {"id": 7, "status_id": 2})
    with pytest.raises(RateLimitedError) as caught:
        b.push("orders", {"id": 8, "status_id": 2})
    assert caught.value.retry_after == pytest.approx(12.0)
    assert len(recorder.requests) == 1  # only a's
    state = RateStore(table).state(TENANT, CONNECTOR)
    assert state is not None and state.throttled == 0  # a pause, not a 429


def test_shopify_throttle_status_pauses_every_container(table: str, clock: FakeClock) -> None:
    cost = {
        "requestedQueryCost": 10,
        "actualQueryCost": 10,
        "throttleStatus": {"maximumAvailable": 1000, "currentlyAvailable": 20, "restoreRate": 50},
    }
    body: dict[str, Any] = {
        "data": {"productUpdate": {"product": {"id": "gid://shopify/Product/1"}, "userErrors": []}},
        "extensions": {"cost": cost},
    }
    recorder = Recorder(httpx.Response(200, json=body))

    def shopify() -> ShopifyConnector:
        context = ConnectorContext(
            base_url="https://acme.myshopify.com",
            credentials={"access_token": "tok"},
            connector_id=CONNECTOR,
            tenant_id=TENANT,
        )
        budget = Budget(container(table, clock, rate=50, burst=1000), ConcurrencyGate(4))
        return ShopifyConnector(context, transport=recorder.transport, budget=budget, sleep=clock.sleep)

    a, b = shopify(), shopify()
    a.push("products", {"id": "1", "title": "x"})
    # the next query is expected to cost 50 (the default): (50 - 20) / 50 = 0.6 s for everybody
    with pytest.raises(RateLimitedError) as caught:
        b.client.budget.limiter.acquire(0)
    assert caught.value.retry_after == pytest.approx(0.6)


def test_shopify_rest_call_limit_header() -> None:
    assert call_limit_pause("32/40") is None
    assert call_limit_pause("39/40") == pytest.approx(0.5)
    assert call_limit_pause("40/40") == pytest.approx(1.0)
    assert call_limit_pause("garbage") is None


def test_budget_settings_are_validated_naming_the_field() -> None:
    from syncline.connectors import ConfigurationError, validate_connector_config

    with pytest.raises(ConfigurationError) as caught:
        validate_connector_config(
            "rest", "https://wh.example.com", {"auth": "none", "rate_limit": {"requests_per_second": 0}}
        )
    assert caught.value.field == "settings.rate_limit.requests_per_second"
    with pytest.raises(ConfigurationError) as caught:
        validate_connector_config("rest", "https://wh.example.com", {"rate_limit": {"burts": 3}})
    assert caught.value.field == "settings.rate_limit.burts"


def test_defaults_per_system_and_overrides() -> None:
    from syncline.connectors.http_client import HttpSettings
    from syncline.connectors.woocommerce import WooCommerceConnector, WooCommerceSettings

    shop = ShopifyConnector.effective_rate_limit(ShopifyConnector.settings_model.model_validate({}))
    assert (shop.requests_per_second, shop.burst) == (50.0, 1000)
    generic = RestConnector.effective_rate_limit(HttpSettings())
    assert (generic.requests_per_second, generic.burst) == (5.0, 10)
    woo = WooCommerceConnector.effective_rate_limit(
        WooCommerceSettings.model_validate({"rate_limit": {"requests_per_second": 2, "max_concurrency": 2}})
    )
    assert (woo.requests_per_second, woo.max_concurrency) == (2.0, 2)


def test_every_budget_write_is_metered_as_one_unit(table: str, clock: FakeClock) -> None:
    """Granted, refused and pause writes each cost one write unit (the item is far under 1 KB), so
    the benchmarks' cost figures include the budget."""
    store, now = RateStore(table), clock.now
    before = METER.write[RATE_WRITES]
    assert store.lease(TENANT, CONNECTOR, want=5, rate=10.0, burst=5, now=now).tokens == 5
    assert METER.write[RATE_WRITES] - before == 1  # the idle form, granted
    assert store.lease(TENANT, CONNECTOR, want=1, rate=10.0, burst=5, now=now, busy=True).tokens == 0
    assert METER.write[RATE_WRITES] - before == 2  # refused: its condition failed, still billed
    assert store.pause(TENANT, CONNECTOR, until=now + 5, throttled=1)
    assert not store.pause(TENANT, CONNECTOR, until=now + 1, throttled=1)  # shorter: only counted
    assert METER.write[RATE_WRITES] - before == 5
