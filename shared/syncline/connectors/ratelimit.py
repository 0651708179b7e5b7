"""Client-side rate budget: a leaky bucket per connector plus a concurrency cap.

The bucket (GCRA form of the leaky bucket) lets `burst` requests through at once and then one
every `1 / rate` seconds, so a connector never trips the destination's limit in the first place.
Inside a Lambda nothing may sleep for long: a caller says how long it may wait (`max_wait`); if
the next slot is further away than that, `RateLimitedError(retry_after=...)` is raised instead
and the pipeline puts the message back with that delay.

Servers that announce their own state (BigCommerce's `X-Rate-Limit-Requests-Left`, a 429 with
`Retry-After`) block the bucket until the announced time through `block_for`, so every thread
sharing the budget waits, not only the one that got the 429.

Budgets are shared per connector within a process (`shared_budget`), so a function that builds
a connector per batch still has one bucket per connector. Given a rate store (the deployed
functions get one through `syncline.wiring`), the budget holds across every container and
function instead: `SharedLimiter` leases a few tokens at a time from the connector's token-bucket
item in DynamoDB (`syncline.store.rate_store`), and a pause one container learns (a 429, a system
saying its budget is low) is written there, so every container slows down.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from syncline.connectors.base import RateLimitedError

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class RateLimiter:
    """A leaky bucket: `rate` requests per second with bursts of `burst`; rate None = unlimited."""

    def __init__(
        self,
        rate: float | None,
        burst: int | None = None,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if rate is not None and rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = max(1, burst if burst is not None else int(rate or 1))
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tat = 0.0  # theoretical arrival time of the next request
        self._blocked_until = 0.0

    @property
    def interval(self) -> float:
        return 1.0 / self.rate if self.rate else 0.0

    def delay(self) -> float:
        """Seconds until the next request may go, without reserving it."""
        with self._lock:
            return self._delay(self._clock())

    def _delay(self, now: float) -> float:
        wait = max(0.0, self._blocked_until - now)
        if self.rate:
            tolerance = (self.burst - 1) * self.interval
            wait = max(wait, max(self._tat, now) - tolerance - now)
        return wait

    def reserve(self, max_wait: float, cost: float = 1) -> float:
        """Reserve the next slot and return how long to wait for it (<= max_wait).

        Raises RateLimitedError(retry_after=wait) and reserves nothing when the wait is longer.
        """
        with self._lock:
            now = self._clock()
            wait = self._delay(now)
            if wait > max_wait:
                raise RateLimitedError(
                    f"client-side rate budget exhausted; next request possible in {wait:.2f}s",
                    retry_after=round(wait, 3),
                )
            if self.rate:
                self._tat = max(self._tat, now) + self.interval * cost
            return wait

    def acquire(self, max_wait: float, cost: float = 1) -> float:
        """Wait (at most `max_wait`) for the next slot; return the time slept."""
        wait = self.reserve(max_wait, cost)
        if wait > 0:
            self._sleep(wait)
        return wait

    def ready(self, max_wait: float) -> float:
        """Seconds until a request could go (reserving nothing)."""
        return self.delay()

    def block_for(self, seconds: float, throttled: bool = False) -> None:
        """No request may go for `seconds` (a server told us so)."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + max(0.0, seconds))


class ConcurrencyGate:
    """At most `limit` requests in flight for one connector across threads."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._semaphore = threading.BoundedSemaphore(limit)

    @contextmanager
    def slot(self, timeout: float) -> Iterator[None]:
        if not self._semaphore.acquire(timeout=timeout):
            raise RateLimitedError(
                f"concurrency cap of {self.limit} requests in flight reached", retry_after=round(timeout, 3)
            )
        try:
            yield
        finally:
            self._semaphore.release()


class Limiter(Protocol):
    rate: float | None

    def acquire(self, max_wait: float, cost: float = 1) -> float: ...

    def ready(self, max_wait: float) -> float: ...

    def block_for(self, seconds: float, throttled: bool = False) -> None: ...


class RateStoreLike(Protocol):
    """What SharedLimiter needs of `syncline.store.rate_store.RateStore`."""

    pools: dict[tuple[Any, ...], Any]

    def lease(
        self,
        tenant_id: str,
        connector_id: str,
        *,
        want: int,
        rate: float,
        burst: int,
        now: float,
        used: int = 0,
        throttled: int = 0,
        busy: bool | None = None,
    ) -> Any: ...

    def pause(
        self, tenant_id: str, connector_id: str, *, until: float, throttled: int = 0, used: int = 0
    ) -> bool: ...


def lease_size(rate: float, burst: int) -> int:
    """Tokens one lease takes: a quarter second of the rate, at least 1, at most the burst."""
    return max(1, min(burst, math.ceil(rate / 4)))


@dataclass
class LimiterStats:
    leases: int = 0  # conditional writes that granted tokens
    refused: int = 0  # lease requests that got none (a wait)
    pauses: int = 0  # pause writes
    granted: int = 0
    used: int = 0
    waited: float = 0.0  # seconds threads slept for the budget


class SharedLimiter:
    """A token bucket held in DynamoDB and shared by every container, used through leases.

    A lease takes `lease_size` tokens (a quarter second of the rate) in one conditional write; the
    container spends them locally until they run out or expire (after the lease's own span, so a
    container cannot hoard tokens and burst later than the bucket allowed). `cost` lets a system
    with a cost model spend several tokens per request (Shopify GraphQL query points).
    """

    def __init__(
        self,
        store: RateStoreLike,
        tenant_id: str,
        connector_id: str,
        rate: float,
        burst: int,
        *,
        clock: Clock = time.time,
        sleep: Sleep = time.sleep,
        jitter: Callable[[float], float] = lambda window: random.uniform(0, window),
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._jitter = jitter
        self.store = store
        self.tenant_id = tenant_id
        self.connector_id = connector_id
        self.rate: float | None = rate
        self._rate = rate
        self.burst = max(1, int(burst))
        self.lease_tokens = lease_size(rate, self.burst)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = 0.0
        self._expires = 0.0
        self._blocked_until = 0.0
        self._used = 0  # requests not yet counted on the item
        self._throttled = 0  # 429s not yet counted on the item
        # The bucket's `tat` as last seen: other containers only ever move it later, so until
        # a full lease fits by this, asking DynamoDB would be a write wasted on a refusal.
        self._known_tat = 0.0
        self._refusals = 0  # lease requests refused in a row: the wake-up spread doubles with each
        self._waiting = 0  # threads of this container sleeping for the budget
        self.stats = LimiterStats()

    def _take(self, now: float, cost: float, consume: bool, spread: bool = True) -> float:
        """Under the lock: 0 when `cost` tokens are at hand (taken when `consume`), else the wait."""
        if self._blocked_until > now:
            return self._blocked_until - now
        if now >= self._expires:
            self._tokens = 0.0
        if self._tokens + 1e-9 >= cost:
            if consume:
                self._tokens -= cost
                self._used += 1
                self.stats.used += 1
            return 0.0
        want = max(self.lease_tokens, math.ceil(cost))
        not_before = self._known_tat - (self.burst - min(want, self.burst)) / self._rate
        if not_before > now:
            # Wake spread over a lease's span, doubled per refusal in a row (busy with many other
            # containers), so containers waiting for the same moment do not all write for it.
            jitter = 0.0
            if spread and self._refusals:
                window = min(want, self.burst) / self._rate * min(2 ** (self._refusals - 1), 8)
                jitter = self._jitter(window)
            return not_before - now + jitter
        grant = self.store.lease(
            self.tenant_id,
            self.connector_id,
            want=want,
            rate=self._rate,
            burst=self.burst,
            now=now,
            used=self._used,
            throttled=self._throttled,
            busy=self._known_tat >= now if self._known_tat else None,
        )
        if grant.tat is not None:
            self._known_tat = max(self._known_tat, grant.tat)
        if grant.tokens > 0:
            self._refusals = 0
            self._used = self._throttled = 0
            self.stats.leases += 1
            self.stats.granted += grant.tokens
            self._tokens = float(grant.tokens)  # what was left of an older lease has expired
            self._expires = now + max(grant.tokens, 1) / self._rate
            if self._tokens + 1e-9 >= cost:
                return self._take(now, cost, consume, spread)
            return max(cost - self._tokens, 1) / self._rate
        self.stats.refused += 1
        self._refusals += 1
        if grant.paused:
            self._blocked_until = max(self._blocked_until, now + grant.wait)
        return max(grant.wait, 1e-3)

    def ready(self, max_wait: float) -> float:
        """Seconds until a request could go, estimated without a write: what this container knows
        of the bucket (a pause, its `tat`) plus a turn for each of its threads already waiting."""
        with self._lock:
            now = self._clock()
            if self._blocked_until > now:
                return self._blocked_until - now
            if now < self._expires and self._tokens >= 1 + self._waiting:
                return 0.0
            not_before = self._known_tat - (self.burst - self.lease_tokens) / self._rate
            return max(0.0, not_before - now) + self._waiting / self._rate

    def acquire(self, max_wait: float, cost: float = 1) -> float:
        cost = min(float(cost), float(self.burst))
        waited = 0.0
        while True:
            with self._lock:
                wait = self._take(self._clock(), cost, consume=True)
            if wait <= 0:
                return waited
            if waited + wait > max_wait:
                raise RateLimitedError(
                    f"rate budget exhausted; next request possible in {wait:.2f}s",
                    retry_after=round(wait, 3),
                )
            with self._lock:
                self._waiting += 1
            try:
                self._sleep(wait)
            finally:
                with self._lock:
                    self._waiting -= 1
                    self.stats.waited += wait
            waited += wait

    def block_for(self, seconds: float, throttled: bool = False) -> None:
        """Nobody (in any container) takes tokens for `seconds`: written to the shared bucket
        unless this container already knows of a pause as long."""
        with self._lock:
            now = self._clock()
            until = now + max(0.0, seconds)
            if throttled:
                self._throttled += 1
            self._tokens = 0.0
            if until <= self._blocked_until + 0.05:
                return
            self._blocked_until = until
            used, thr = self._used, self._throttled
            self._used = self._throttled = 0
            self.stats.pauses += 1
            self.store.pause(self.tenant_id, self.connector_id, until=until, throttled=thr, used=used)


@dataclass
class Budget:
    limiter: Limiter
    gate: ConcurrencyGate
    unit: str = field(default="requests")


_BUDGETS: dict[tuple[object, ...], Budget] = {}
_BUDGETS_LOCK = threading.Lock()


def shared_budget(
    key: tuple[object, ...],
    rate: float | None,
    burst: int | None,
    max_concurrency: int,
    *,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    store: RateStoreLike | None = None,
    tenant_id: str = "",
    connector_id: str = "",
    unit: str = "requests",
) -> Budget:
    """The budget of one connector (same key and limits -> same bucket): per process, or, given a
    rate store and a rate, one bucket in DynamoDB for every container (a lease pool per store)."""
    full_key = (*key, rate, burst, max_concurrency, unit)
    with _BUDGETS_LOCK:
        pools = store.pools if store is not None and rate else _BUDGETS
        budget: Budget | None = pools.get(full_key)
        if budget is None:
            limiter: Limiter
            if store is not None and rate:
                limiter = SharedLimiter(
                    store, tenant_id, connector_id, rate, burst or max(1, int(rate)), sleep=sleep
                )
            else:
                limiter = RateLimiter(rate, burst, clock=clock, sleep=sleep)
            budget = Budget(limiter, ConcurrencyGate(max_concurrency), unit)
            pools[full_key] = budget
        return budget
