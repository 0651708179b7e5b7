"""What a request runs with: the authenticated company group and the report dependencies."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from syncline.deps import Deps

# API Gateway waits 29 s for the function; work that can continue later (exports) stops well before.
WORK_BUDGET_SECONDS = 20.0
RESPONSE_MARGIN_SECONDS = 4.0

_tenant: ContextVar[str | None] = ContextVar("syncline_tenant", default=None)


def tenant() -> str:
    """The company group of the request's API key. Every store call is scoped by it."""
    value = _tenant.get()
    if value is None:  # routes run only after authentication; this is a programming error
        raise RuntimeError("no authenticated company group")
    return value


def tenant_timezone() -> str:
    """The company group's time zone (its named periods start at its midnights)."""
    group = deps().config.get_tenant(tenant())
    return group.timezone if group else "UTC"


def deps() -> Deps:
    from syncline import wiring

    return wiring.deps()


def time_left(lambda_context: Any) -> Callable[[], float]:
    """Seconds of work left in this request: the smaller of a fixed budget and the invocation's
    remaining time less a margin for the response."""
    started = time.monotonic()
    remaining = getattr(lambda_context, "get_remaining_time_in_millis", None)

    def left() -> float:
        budget = WORK_BUDGET_SECONDS - (time.monotonic() - started)
        if callable(remaining):
            budget = min(budget, remaining() / 1000 - RESPONSE_MARGIN_SECONDS)
        return budget

    return left
