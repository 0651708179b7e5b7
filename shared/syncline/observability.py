"""Logs, metrics and traces, imported by every handler.

- ``logger``: Powertools JSON logs.
- Metrics: Powertools' CloudWatch embedded metric format (EMF), namespace ``Syncline``
  (``POWERTOOLS_METRICS_NAMESPACE``). Library code calls :func:`put_metric` with its dimensions;
  the values are kept for the invocation and flushed when the handler returns (or raises) by
  :func:`instrumented`, one EMF document per dimension set. A batch pushes records of several
  services to several systems, and EMF gives one document a single dimension set, so each set gets
  its own (Powertools' shared ``Metrics`` object holds one set for the whole process). Outside a
  handler, ``put_metric`` does nothing; ``POWERTOOLS_METRICS_DISABLED=true`` prints nothing.
- ``tracer``: Powertools Tracer (X-Ray). It patches botocore (every AWS call) and httpx (every
  connector request); it is off outside Lambda and wherever ``POWERTOOLS_TRACE_DISABLED=true``.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from threading import Lock
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.metrics.base import MetricManager

SERVICE = "syncline"
NAMESPACE = "Syncline"

logger = Logger(service=SERVICE)
tracer = Tracer(service=SERVICE, patch_modules=("botocore", "httpx"))

Dimensions = tuple[tuple[str, str], ...]
_ValueKey = tuple[str, str]  # (metric name, unit)


class _Invocation:
    """The metrics one invocation recorded, by dimension set (library code may record from threads)."""

    def __init__(self) -> None:
        self._lock = Lock()
        self.values: dict[Dimensions, dict[_ValueKey, list[float]]] = {}

    def add(self, name: str, unit: str, value: float, dimensions: Dimensions) -> None:
        with self._lock:
            self.values.setdefault(dimensions, {}).setdefault((name, unit), []).append(float(value))

    def documents(self) -> list[dict[str, Any]]:
        namespace = os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or NAMESPACE
        out = []
        for dimensions, metrics in self.values.items():
            # service="": no default dimension; a Syncline `service` dimension means a service id.
            manager = MetricManager(namespace=namespace, service="")
            for key, label in dimensions:
                manager.add_dimension(key, label)
            for (name, unit), values in metrics.items():
                if name.endswith("Latency"):
                    for value in values:  # every sample: CloudWatch computes the percentiles
                        manager.add_metric(name=name, unit=unit, value=value)
                else:
                    manager.add_metric(name=name, unit=unit, value=sum(values))
            out.append(manager.serialize_metric_set())
        return out


_current: ContextVar[_Invocation | None] = ContextVar("syncline_metrics", default=None)
_sinks: list[Callable[[str], None]] = []


def put_metric(name: str, unit: str, value: float, **dimensions: str) -> None:
    """Record a value for the running invocation (units: Powertools' MetricUnit names)."""
    invocation = _current.get()
    if invocation is not None:
        invocation.add(name, unit, value, tuple(sorted(dimensions.items())))


def _write(line: str) -> None:
    if os.environ.get("POWERTOOLS_METRICS_DISABLED", "").lower() in ("1", "true"):
        return  # as Powertools' own switch does (the benchmarks print their own figures)
    if _sinks:
        _sinks[-1](line)
    else:  # Lambda sends stdout to CloudWatch Logs, which turns EMF documents into metrics
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


@contextmanager
def metrics_to(write: Callable[[str], None]) -> Iterator[None]:
    """Send the EMF documents to `write` instead of stdout (the local stack's log file)."""
    _sinks.append(write)
    try:
        yield
    finally:
        _sinks.remove(write)


@contextmanager
def collecting() -> Iterator[None]:
    """Keep the metrics recorded inside, and flush them on the way out."""
    invocation = _Invocation()
    token = _current.set(invocation)
    try:
        yield
    finally:
        _current.reset(token)
        for document in invocation.documents():
            _write(json.dumps(document, separators=(",", ":")))


def instrumented[F: Callable[..., Any]](handler: F) -> F:
    """A handler's metrics flushed when it returns or raises; its invocation traced."""
    # Neither responses nor error messages go into traces: both can carry customer data.
    traced = tracer.capture_lambda_handler(handler, capture_response=False, capture_error=False)

    @functools.wraps(handler)
    def wrapper(event: Any, context: Any) -> Any:
        with collecting():
            return traced(event, context)

    return wrapper  # type: ignore[return-value]
