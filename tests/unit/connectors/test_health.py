from __future__ import annotations

from typing import Any

import pytest

from syncline.connectors.base import (
    AuthenticationError,
    ConfigurationError,
    Connector,
    ConnectorContext,
    Page,
    PermanentError,
    PushResult,
    RateLimitedError,
    TransientError,
    UnreachableError,
)
from syncline.connectors.redact import Redactor
from syncline.health import HealthResult, check
from syncline.models import HealthStatus


class Stub(Connector):
    system = "stub"

    def __init__(self, error: BaseException | None) -> None:
        super().__init__(ConnectorContext(base_url=None, credentials={"token": "tok_secret_1"}))
        self.error = error
        self.redactor = Redactor(["tok_secret_1"])

    def pull(self, entity: str, since: str | None, page: str | None, page_size: int) -> Page:
        raise NotImplementedError

    def push(
        self,
        entity: str,
        record: dict[str, Any],
        *,
        idempotency_key: str | None = None,
        ambiguous: bool = False,
    ) -> PushResult:
        raise NotImplementedError

    def check(self) -> None:
        if self.error is not None:
            raise self.error


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (None, HealthStatus.OPERATIONAL),
        (AuthenticationError("HTTP 401: bad token"), HealthStatus.AUTH_FAILED),
        (UnreachableError("cannot connect (ConnectError)"), HealthStatus.UNREACHABLE),
        (TransientError("HTTP 503: down", status_code=503), HealthStatus.UNREACHABLE),
        (RateLimitedError("HTTP 429", retry_after=5), HealthStatus.UNREACHABLE),
        (PermanentError("HTTP 404: no such path"), HealthStatus.UNREACHABLE),
        (ConfigurationError("base_url", "malformed"), HealthStatus.UNREACHABLE),
        (RuntimeError("boom"), HealthStatus.UNREACHABLE),
    ],
)
def test_mapping(error: BaseException | None, status: HealthStatus) -> None:
    result = check(Stub(error))
    assert isinstance(result, HealthResult)
    assert result.status is status
    if error is None:
        assert result.reason is None
    else:
        assert result.reason


def test_reason_is_readable_and_secret_free() -> None:
    result = check(Stub(AuthenticationError("HTTP 401 (GET /x): token tok_secret_1 was revoked")))
    assert result.reason == "HTTP 401 (GET /x): token *** was revoked"
    result = check(Stub(RuntimeError("x" * 2000)))
    assert result.reason is not None and len(result.reason) <= 500
