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
a connector per batch still has one bucket per connector.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

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

    def reserve(self, max_wait: float) -> float:
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
                self._tat = max(self._tat, now) + self.interval
            return wait

    def acquire(self, max_wait: float) -> float:
        """Wait (at most `max_wait`) for the next slot; return the time slept."""
        wait = self.reserve(max_wait)
        if wait > 0:
            self._sleep(wait)
        return wait

    def block_for(self, seconds: float) -> None:
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


@dataclass
class Budget:
    limiter: RateLimiter
    gate: ConcurrencyGate


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
) -> Budget:
    """The process-wide budget of one connector (same key and limits -> same bucket)."""
    full_key = (*key, rate, burst, max_concurrency)
    with _BUDGETS_LOCK:
        budget = _BUDGETS.get(full_key)
        if budget is None:
            budget = Budget(
                RateLimiter(rate, burst, clock=clock, sleep=sleep), ConcurrencyGate(max_concurrency)
            )
            _BUDGETS[full_key] = budget
        return budget
