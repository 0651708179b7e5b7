"""boto3 clients, built lazily and cached, plus an optional call observer.

Nothing here runs at import time: tests start moto and set variables first, and cold starts
stay short. boto3 honours AWS_ENDPOINT_URL, which is how the local stack points every client
at its embedded moto server.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from threading import Lock, local
from typing import Any

Observer = Callable[[str, str, dict[str, Any]], None]
_observers: list[Observer] = []
_quiet = local()


@contextmanager
def unobserved() -> Iterator[None]:
    """Calls made inside are not reported to observers (the local driver's own bookkeeping)."""
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = False


def observed() -> bool:
    return not getattr(_quiet, "on", False)


def notify(service: str, operation: str, params: dict[str, Any]) -> None:
    """Report a call made under `unobserved()` after all (e.g. a receive that returned messages)."""
    for observer in list(_observers):
        observer(service, operation, params)


def add_observer(observer: Observer) -> None:
    """Called as observer(service, operation, params) before every AWS call (clients made later)."""
    _observers.append(observer)
    client.cache_clear()


def remove_observer(observer: Observer) -> None:
    if observer in _observers:
        _observers.remove(observer)
    client.cache_clear()


def reset_clients() -> None:
    client.cache_clear()


@cache
def client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    made = boto3.session.Session().client(
        service,  # type: ignore[call-overload]
        config=Config(retries={"mode": "standard", "max_attempts": 5}, max_pool_connections=64),
    )
    if _observers:
        observers = list(_observers)

        def before_build(params: dict[str, Any], model: Any, **_: Any) -> None:
            if not observed():
                return
            for observer in observers:
                observer(service, model.name, params)

        made.meta.events.register("before-parameter-build", before_build)
    return made


class CallCounter:
    """Counts AWS requests by operation, e.g. {"sqs.SendMessageBatch": 100}."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self._lock = Lock()

    def __call__(self, service: str, operation: str, params: dict[str, Any]) -> None:
        with self._lock:
            self.calls[f"{service}.{operation}"] += 1

    def total(self) -> int:
        return sum(self.calls.values())
