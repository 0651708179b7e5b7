"""Connector health: one cheap authenticated call, mapped to the status the console shows.

Pure logic: the health Lambda builds each connector, calls `check`, and stores the result.
"""

from __future__ import annotations

from dataclasses import dataclass

from syncline.connectors.base import (
    AuthenticationError,
    ConfigurationError,
    Connector,
    ConnectorError,
    TransientError,
)
from syncline.connectors.redact import Redactor, safe_message
from syncline.models import HealthStatus

MAX_REASON_LENGTH = 500


@dataclass(frozen=True)
class HealthResult:
    status: HealthStatus
    reason: str | None = None


def _reason(connector: Connector, text: str) -> str:
    redactor = getattr(connector, "redactor", None)
    if isinstance(redactor, Redactor):  # redacted before it is squashed and cut, never after
        text = redactor.clean(text, MAX_REASON_LENGTH)
    return safe_message(text, MAX_REASON_LENGTH)


def check(connector: Connector) -> HealthResult:
    """Operational; Failed Authentication (401/403); System Unreachable (DNS, connect, timeout, 5xx...)."""
    try:
        with connector.time_budget(connector.max_check_seconds):
            connector.check()
    except AuthenticationError as exc:
        return HealthResult(HealthStatus.AUTH_FAILED, _reason(connector, exc.message))
    except TransientError as exc:  # UnreachableError and RateLimitedError included
        return HealthResult(HealthStatus.UNREACHABLE, _reason(connector, exc.message))
    except ConnectorError as exc:
        return HealthResult(HealthStatus.UNREACHABLE, _reason(connector, exc.message))
    except ConfigurationError as exc:
        return HealthResult(HealthStatus.UNREACHABLE, _reason(connector, f"configuration: {exc}"))
    except Exception as exc:  # a bug or an unexpected library error must not stop the other checks
        return HealthResult(HealthStatus.UNREACHABLE, _reason(connector, f"{type(exc).__name__}: {exc}"))
    return HealthResult(HealthStatus.OPERATIONAL, None)
