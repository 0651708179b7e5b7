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
function instead: `SharedLimiter` reserves a few tokens at a time from the connector's
token-bucket item in DynamoDB (`syncline.store.rate_store`), each due at its own slot (possibly a
little in the future: the thread that claims it sleeps until then, within its `max_wait`), and a
pause one container learns (a 429, a system saying its budget is low) is written there, so every
container slows down. A wait longer than `max_wait` is never slept: the record goes back to the
queue for that long (`syncline.pipeline.sync`).
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
        horizon: float = 0.0,
        used: int = 0,
        throttled: int = 0,
        busy: bool | None = None,
    ) -> Any: ...

    def pause(
        self, tenant_id: str, connector_id: str, *, until: float, throttled: int = 0, used: int = 0
    ) -> bool: ...


EPSILON = 1e-9  # seconds: slots computed in floating point compare equal within this

# Pools used up in a row before a container's lease grows by one token (after tokens expired).
GROW_AFTER = 4

# How long a bucket counts as shared after this container saw another one move it.
CROWDED_SECONDS = 5.0


def lease_size(rate: float, burst: int) -> int:
    """Tokens one lease takes: a quarter second of the rate, at least 1, at most the burst."""
    return max(1, min(burst, math.ceil(rate / 4)))


@dataclass
class LimiterStats:
    leases: int = 0  # conditional writes that granted tokens
    refused: int = 0  # lease requests that got none (a wait)
    pauses: int = 0  # pause writes
    granted: int = 0
    expired: int = 0  # granted tokens no thread claimed in time
    late: int = 0  # claimed tokens given up: the thread woke up too long after they were due
    used: int = 0
    waited: float = 0.0  # seconds threads slept for the budget


class SharedLimiter:
    """A token bucket held in DynamoDB and shared by every container, used through reservations.

    A lease reserves up to `lease_size` tokens (a quarter second of the rate) in one conditional
    write, granted whenever they are all usable within the caller's `max_wait`: the tokens may lie
    in the future, spaced `1 / rate` apart at the times GCRA gives them (`Grant.slot`). They go to
    this container's pool as slots; a thread claims the earliest free ones and sleeps until they
    are due, so waiters hold distinct slots instead of waking together to race for the same write,
    and a busy bucket costs one write per lease. When no token would be due within `max_wait` the
    caller raises `RateLimitedError` (the queue brings the record back that much later): known from
    the bucket's `tat` this container last saw (then without a write), or from the refused write.

    Unclaimed slots expire a full lease's span after they were due, so a container cannot hoard
    tokens and burst later than the bucket allowed, and a thread that wakes up much later than its
    slot (a stalled process) gives it up rather than send in a bunch. A container whose tokens
    expire (more containers than work for them) leases one token at a time, and grows its leases
    again by one after `GROW_AFTER` of them in a row were used up. `cost` lets a system with a cost
    model spend several tokens per request (Shopify GraphQL query points).
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
        # Tokens this container holds and no thread has claimed yet: (usable from, expires at),
        # earliest first.
        self._slots: list[tuple[float, float]] = []
        self._blocked_until = 0.0
        self._used = 0  # requests not yet counted on the item
        self._throttled = 0  # 429s not yet counted on the item
        # The bucket's `tat` as last seen: other containers only ever move it later, so until a
        # lease would fit by this, asking DynamoDB would be a write wasted on a refusal.
        self._known_tat = 0.0
        self._refusals = 0  # lease requests refused in a row
        # How late a token may still be claimed: a full lease's span (a quarter second of the
        # rate), whatever the lease it came with; a thread that claimed it in time and wakes up
        # later than twice that for its slot gives it up.
        self._grace = self.lease_tokens / rate
        # Tokens the next lease asks for: `lease_tokens`, down to one whenever granted tokens
        # expire unclaimed (this container cannot use that many in their span), one more after
        # GROW_AFTER pools in a row used up.
        self._size = self.lease_tokens
        self._used_up = 0  # pools used up in a row since the last growth or expiry
        # Until when the bucket counts as shared with other containers (they moved `tat` since this
        # one last saw it): a `tat` seen behind now is then most likely stale, not an idle bucket.
        self._crowded_until = 0.0
        self.stats = LimiterStats()

    def _lease_wait(self, now: float) -> float:
        """Seconds until the first token of a new lease would be usable, by what this container
        last saw of the bucket (a lower bound: others only move `tat` later)."""
        return max(0.0, self._known_tat + (1 - self.burst) / self._rate - now)

    def _lease(self, now: float, short: int, horizon: float) -> float | None:
        """Under the lock: reserve tokens usable within `horizon` into the pool (None), or return
        the wait when the bucket has none that soon (written only when it might have).
        `short`: tokens the caller lacks; the last of them has to be usable within `horizon`."""
        wait = self._lease_wait(now) + (short - 1) / self._rate
        if wait > horizon + EPSILON:
            return wait
        # as many as are due within the horizon by what this container knows (a write asking for
        # more would be refused, then repeated for fewer)
        fits = math.floor((now + horizon - self._known_tat) * self._rate + self.burst + EPSILON)
        want = max(short, min(self._size, fits))
        grant = self.store.lease(
            self.tenant_id,
            self.connector_id,
            want=want,
            rate=self._rate,
            burst=self.burst,
            now=now,
            horizon=horizon,
            used=self._used,
            throttled=self._throttled,
            # Which form of the write to try first. Unknown: busy (a container starting up most
            # likely joins others at work; on a new or idle bucket that guess costs one refused
            # write). A wrong guess costs a refused write, then the other form.
            busy=not self._known_tat or self._known_tat >= now or now < self._crowded_until,
        )
        before = grant.base if grant.tokens > 0 else grant.tat  # `tat` as the write found it
        if before is not None and before > max(self._known_tat, now) + 1e-6:
            self._crowded_until = now + CROWDED_SECONDS
        if grant.tat is not None:
            self._known_tat = max(self._known_tat, grant.tat)
        if grant.tokens > 0:
            self._refusals = 0
            self._used = self._throttled = 0
            self.stats.leases += 1
            self.stats.granted += grant.tokens
            for k in range(1, grant.tokens + 1):
                due = grant.slot(k, self._rate, self.burst, now)
                self._slots.append((due, due + self._grace))
            self._slots.sort()
            return None
        self.stats.refused += 1
        self._refusals += 1
        if grant.paused:
            self._blocked_until = max(self._blocked_until, now + grant.wait)
        return max(grant.wait, 1e-3)

    def _expire(self, now: float) -> None:
        kept = [s for s in self._slots if s[1] > now]
        if len(kept) < len(self._slots):
            self.stats.expired += len(self._slots) - len(kept)
            self._size, self._used_up = 1, 0
        self._slots = kept

    def _claim(self, now: float, need: int, horizon: float) -> tuple[float, float | None]:
        """Under the lock: claim the earliest `need` slots if due within `horizon`, leasing more
        when the pool is short. Returns the wait, and when the claimed slots expire (None: none
        claimed; wait that long and ask again; a wait beyond `horizon` means none that soon)."""
        if self._blocked_until > now:
            return self._blocked_until - now, None
        self._expire(now)
        if len(self._slots) < need:
            wait = self._lease(now, need - len(self._slots), horizon)
            if wait is not None:
                return wait, None
            if len(self._slots) < need:  # granted fewer than asked for: ask again
                return 0.0, None
        due, expires = self._slots[need - 1]
        wait = max(0.0, due - now)
        if wait > horizon + EPSILON:
            return wait, None
        del self._slots[:need]
        if not self._slots:
            self._used_up += 1
            if self._used_up >= GROW_AFTER:
                self._size, self._used_up = min(self.lease_tokens, self._size + 1), 0
        return wait, expires

    def ready(self, max_wait: float) -> float:
        """Seconds until a request could go, estimated without a write: the next free slot of this
        container's pool, else what it knows of the bucket (a pause, its `tat`). After refusals
        in a row the estimate grows by a random share of a few lease spans (doubling with each),
        so that the containers refused together do not all come back for the same moment."""
        with self._lock:
            now = self._clock()
            if self._blocked_until > now:
                return self._blocked_until - now
            self._expire(now)
            if self._slots:
                return max(0.0, self._slots[0][0] - now)
            wait = self._lease_wait(now)
            if self._refusals:  # spread out: the containers refused together come back apart
                span = self._size / self._rate
                wait += self._jitter(span * min(2 ** (self._refusals - 1), 8))
            return wait

    def acquire(self, max_wait: float, cost: float = 1) -> float:
        """Claim a slot (`cost` tokens) due within `max_wait`, sleep until it, return the time slept.
        Raises RateLimitedError(retry_after=wait), claiming nothing, when there is none that soon."""
        need = max(1, min(self.burst, math.ceil(float(cost) - 1e-9)))
        waited = 0.0
        while True:
            left = max(0.0, max_wait - waited)
            with self._lock:
                wait, expires = self._claim(self._clock(), need, left)
            if wait > left + EPSILON:
                raise RateLimitedError(
                    f"rate budget exhausted; next request possible in {wait:.2f}s",
                    retry_after=round(wait, 3),
                )
            if wait > 0:
                self._sleep(wait)
                with self._lock:
                    self.stats.waited += wait
                waited += wait
            if expires is None:
                continue
            with self._lock:
                if self._clock() <= expires + self._grace:
                    self._used += 1
                    self.stats.used += 1
                    return waited
                # Woke up two lease spans after the slot was due (a stalled process): sending now
                # could bunch up with the requests of later slots, so the slot is void.
                self.stats.late += need

    def block_for(self, seconds: float, throttled: bool = False) -> None:
        """Nobody (in any container) takes tokens for `seconds`: written to the shared bucket
        unless this container already knows of a pause as long."""
        with self._lock:
            now = self._clock()
            until = now + max(0.0, seconds)
            if throttled:
                self._throttled += 1
            self._slots = []
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
