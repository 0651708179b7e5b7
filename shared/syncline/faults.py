"""Named crash points for fault-injection tests and the chaos benchmark.

The pipeline calls `crash_point("sync_item.after_push")` (and its kin) at the steps where a real
Lambda can die: a timeout, an out-of-memory kill, a lost container. In production no injector is
installed and a crash point costs one global lookup. The chaos harness installs one that raises
`InjectedCrash` at chosen points, which unwinds the invocation exactly where a kill would stop it:
nothing after the point runs, and the event source sees a failed invocation.

The points:

- ``trigger.after_rows``: the page's rows are written, no message sent yet
- ``trigger.mid_enqueue``: some of the page's messages are on the queue
- ``trigger.before_cursor``: every page is on the queue, the cursor has not moved
- ``sync_item.before_push``: the item is claimed, the destination not called yet
- ``sync_item.after_push``: the destination accepted it, the outcome is not written
- ``sync_item.after_item_write``: the outcome is written, the run totals and the queue are not
- ``sync_item.before_flush``: every outcome of the batch is written, nothing else
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

Injector = Callable[[str], bool]

_injector: Injector | None = None


class InjectedCrash(BaseException):
    """Raised at a crash point. A BaseException, so no `except Exception` in the code under test
    can swallow it: a real kill cannot be caught either."""


def crash_point(name: str) -> None:
    injector = _injector
    if injector is not None and injector(name):
        raise InjectedCrash(name)


@contextmanager
def injected(injector: Injector) -> Iterator[None]:
    """Install `injector` (called with each point's name; True crashes there) for the block."""
    global _injector
    previous, _injector = _injector, injector
    try:
        yield
    finally:
        _injector = previous
