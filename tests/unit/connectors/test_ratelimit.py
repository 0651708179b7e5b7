from __future__ import annotations

import threading

import pytest

from syncline.connectors.base import RateLimitedError
from syncline.connectors.ratelimit import ConcurrencyGate, RateLimiter, shared_budget

from .helpers import FakeClock


def test_bucket_allows_a_burst_then_the_rate(clock: FakeClock) -> None:
    limiter = RateLimiter(2.0, burst=3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        assert limiter.acquire(max_wait=2.0) == 0
    assert limiter.acquire(max_wait=2.0) == pytest.approx(0.5)
    assert limiter.acquire(max_wait=2.0) == pytest.approx(0.5)
    assert clock.slept == pytest.approx(1.0)


def test_bucket_refills_over_time(clock: FakeClock) -> None:
    limiter = RateLimiter(1.0, burst=2, clock=clock, sleep=clock.sleep)
    limiter.acquire(2.0)
    limiter.acquire(2.0)
    clock.now += 10
    assert limiter.acquire(0) == 0
    assert limiter.acquire(0) == 0


def test_a_wait_beyond_the_bound_raises_instead_of_sleeping(clock: FakeClock) -> None:
    limiter = RateLimiter(0.1, burst=1, clock=clock, sleep=clock.sleep)
    limiter.acquire(2.0)
    with pytest.raises(RateLimitedError) as caught:
        limiter.acquire(max_wait=2.0)
    assert caught.value.retry_after == pytest.approx(10.0)
    assert clock.sleeps == []
    # Nothing was reserved by the refused call.
    clock.now += 10
    assert limiter.acquire(0) == 0


def test_server_announced_pause_blocks_even_an_unlimited_bucket(clock: FakeClock) -> None:
    limiter = RateLimiter(None, clock=clock, sleep=clock.sleep)
    assert limiter.acquire(0) == 0
    limiter.block_for(1.5)
    assert limiter.delay() == pytest.approx(1.5)
    assert limiter.acquire(2.0) == pytest.approx(1.5)
    limiter.block_for(30)
    with pytest.raises(RateLimitedError) as caught:
        limiter.acquire(2.0)
    assert caught.value.retry_after == pytest.approx(30)


def test_concurrency_gate_caps_requests_in_flight() -> None:
    gate = ConcurrencyGate(2)
    inside = 0
    peak = 0
    lock = threading.Lock()
    release = threading.Event()

    def work() -> None:
        nonlocal inside, peak
        with gate.slot(timeout=5):
            with lock:
                inside += 1
                peak = max(peak, inside)
            release.wait(0.05)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 2


def test_gate_refuses_after_its_timeout() -> None:
    gate = ConcurrencyGate(1)
    with gate.slot(timeout=1), pytest.raises(RateLimitedError), gate.slot(timeout=0.01):
        pass


def test_budgets_are_shared_per_connector() -> None:
    a = shared_budget(("rest", "c1", "https://x"), 5.0, 5, 4)
    b = shared_budget(("rest", "c1", "https://x"), 5.0, 5, 4)
    c = shared_budget(("rest", "c2", "https://x"), 5.0, 5, 4)
    assert a is b
    assert a is not c
