"""The kit's HTTP client: httpx with authentication, rate budget, bounded waits, retries,
response classification and redaction. `HttpConnector` (`http.py`) sends every request through it.

Classification (drives Pending vs Failed in sync_item and the report's reason):

* timeouts and connection errors -> `UnreachableError` (retriable)
* 5xx and 408 -> `TransientError` (retriable)
* 429 -> `RateLimitedError` with `retry_after` from `Retry-After` or the system's own headers
* 401 / 403 -> `AuthenticationError`
* other 4xx -> `PermanentError` with the system's own error message
* a redirect -> `PermanentError` (a wrong base URL; credentials are never sent to another host)

A GET (HEAD, OPTIONS) is retried on transient errors; so is a POST carrying the connector's
idempotency header, since the destination de-duplicates it.

Waiting is bounded: one call sleeps at most `max_wait_seconds` in total (rate budget,
`Retry-After`, retry backoff). A longer wait raises `RateLimitedError(retry_after=...)` so the
pipeline puts the message back with that delay instead of a Lambda sleeping.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field

from syncline.connectors.auth import Authenticator
from syncline.connectors.base import (
    AuthenticationError,
    ConnectorError,
    PermanentError,
    RateLimitedError,
    TransientError,
    UnreachableError,
)
from syncline.connectors.network import GuardedTransport, blocked
from syncline.connectors.ratelimit import Budget, Sleep
from syncline.connectors.redact import Redactor, logger, redact_url

log = logger()

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# When a 429 names no wait, try again after this long (within the wait budget).
DEFAULT_RETRY_AFTER = 1.0
MAX_RATE_LIMIT_RETRIES = 3
MAX_MESSAGE_LENGTH = 500  # applied after redaction (Redactor.clean), never before
# The most of a system's own error message read before redaction (a bound on work, not on what is
# stored: a secret straddling it is still masked piecewise, and the message is cut far shorter).
RAW_MESSAGE_LIMIT = 16_384


class RateLimitSettings(BaseModel):
    """A connector's rate budget (`settings.rate_limit`), held across every container and function
    calling it. Unset fields take the system's documented defaults."""

    model_config = ConfigDict(extra="forbid")

    requests_per_second: float | None = Field(
        default=None,
        gt=0,
        le=1000,
        description="Sustained rate (requests, or cost points for a system with a cost model, per second).",
    )
    burst: int | None = Field(
        default=None,
        ge=1,
        le=10000,
        description="Tokens that may go at once. Keep it a quarter second of the rate below the "
        "system's own burst: a container may spend a lease up to that late.",
    )
    max_concurrency: int | None = Field(default=None, ge=1, le=64, description="Requests in flight at most.")


class HttpSettings(BaseModel):
    """Settings every HTTP connector takes: timeouts and the client-side rate budget."""

    model_config = ConfigDict(extra="forbid")

    rate_limit: RateLimitSettings | None = Field(
        default=None, description="The connector's rate budget; unset fields take the system's defaults."
    )

    requests_per_second: float | None = Field(
        default=None,
        gt=0,
        le=1000,
        description="Client-side rate budget (leaky bucket). None: no client-side limit.",
    )
    burst: int | None = Field(
        default=None, ge=1, le=1000, description="Requests that may go at once before the rate applies."
    )
    max_concurrency: int = Field(default=4, ge=1, le=64, description="Requests in flight at most.")
    max_wait_seconds: float = Field(
        default=2.0,
        ge=0,
        le=30,
        description="The longest one call sleeps in total (rate budget, Retry-After, backoff) "
        "before it raises RateLimitedError/TransientError for the queue to retry later.",
    )
    # Upper limits: a push (connect, answer, waits) stays within syncline.tables.MAX_PUSH_SECONDS.
    timeout_seconds: float = Field(default=10.0, gt=0, le=90)
    connect_timeout_seconds: float = Field(default=5.0, gt=0, le=30)
    retries: int = Field(
        default=1, ge=0, le=5, description="Quick retries of a GET after a 5xx or connection error."
    )


class ResponseClassifier:
    """Maps a response to a classified error; systems override the message and rate hooks."""

    def __init__(self, system: str) -> None:
        self.system = system

    # -- hooks -------------------------------------------------------------------------------

    def message_from_body(self, body: Any) -> str | None:
        """The system's own error message in a JSON error body."""
        return generic_message(body)

    def retry_after(self, response: httpx.Response) -> float | None:
        """Seconds to wait before retrying a 429/503 (Retry-After, or the system's own headers)."""
        return parse_retry_after(response.headers.get("Retry-After"))

    def pause_after(self, response: httpx.Response) -> float | None:
        """Seconds no request should go after this (successful) response; None: no pause."""
        return None

    # -- classification ----------------------------------------------------------------------

    def error_message(self, response: httpx.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            body = None
        message = self.message_from_body(body) if body is not None else None
        if not message:
            # A non-JSON error page (HTML, plain text, a proxy's page) is never reflected: it may
            # echo the request (its headers, so the credentials) or expose an internal service.
            return response.reason_phrase or "no error message"
        # Not squashed nor cut here: the error is redacted first, then squashed and cut (scrub).
        return message[:RAW_MESSAGE_LIMIT]

    def classify(self, response: httpx.Response, *, method: str, path: str) -> ConnectorError | None:
        status = response.status_code
        if 200 <= status < 300:
            return None
        where = f"{self.system} HTTP {status} ({method} {path})"
        if 300 <= status < 400:
            target = redact_url(response.headers.get("Location", "?"))
            return PermanentError(
                f"{where}: unexpected redirect to {target}; check the base URL", status_code=status
            )
        detail = self.error_message(response)
        if status == 429:
            return RateLimitedError(
                f"{where}: {detail}", status_code=status, retry_after=self.retry_after(response)
            )
        if status in (401, 403):
            return AuthenticationError(f"{where}: {detail}", status_code=status)
        if status == 408 or status >= 500:
            return TransientError(
                f"{where}: {detail}", status_code=status, retry_after=self.retry_after(response)
            )
        return PermanentError(f"{where}: {detail}", status_code=status)


def generic_message(body: Any) -> str | None:
    """Best-effort message from common error body shapes.

    `{"message": ...}`, `{"error": ..., "error_description": ...}` (OAuth2), `{"title": ...,
    "errors": {field: problem}}` (RFC 7807 style), `{"errors": [{"field": ..., "message": ...}]}`,
    a list of such objects, or a plain string. A headline and its per-field details are joined.
    """
    if isinstance(body, str):
        return body
    if isinstance(body, list):
        parts = [m for m in (generic_message(item) for item in body) if m]
        return "; ".join(parts) or None
    if not isinstance(body, dict):
        return None
    headline = None
    for key in ("message", "error_description", "error", "detail", "title", "msg"):
        value = body.get(key)
        if value not in (None, "", [], {}):
            headline = generic_message(value)
            if headline:
                break
    details = _details(body.get("errors"))
    if headline and details and details not in headline:
        return f"{headline}: {details}"
    return headline or details


def _details(errors: Any) -> str | None:
    if isinstance(errors, dict) and errors:
        return "; ".join(f"{k}: {generic_message(v) or v}" for k, v in errors.items())
    if isinstance(errors, list) and errors:
        parts = []
        for item in errors:
            if isinstance(item, dict):
                text = generic_message(item)
                field_name = item.get("field") or item.get("path")
                if isinstance(field_name, list):
                    field_name = ".".join(str(f) for f in field_name)
                if text and field_name and str(field_name) not in text:
                    text = f"{field_name}: {text}"
            else:
                text = str(item)
            if text:
                parts.append(text)
        return "; ".join(parts) or None
    if isinstance(errors, str) and errors:
        return errors
    return None


def parse_retry_after(value: str | None) -> float | None:
    """`Retry-After` as seconds: delta-seconds (fractions accepted) or an HTTP date."""
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class HttpClient:
    """httpx with authentication, rate budget, bounded waits, retries, classification, redaction."""

    def __init__(
        self,
        *,
        system: str,
        base_url: str,
        auth: Authenticator,
        classifier: ResponseClassifier,
        settings: HttpSettings,
        redactor: Redactor,
        budget: Budget,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Sleep = time.sleep,
        idempotency_header: str | None = None,
        time_left: Callable[[], float | None] = lambda: None,
    ) -> None:
        self.system = system
        # What is left of the connector's time budget (a push, a check): every request fits in it.
        self._time_left = time_left
        # A POST carrying this header is de-duplicated by the destination: safe to send again.
        self.idempotency_header = idempotency_header
        self.base_url = httpx.URL(base_url)
        self.classifier = classifier
        self.settings = settings
        self.redactor = redactor
        self.budget = budget
        self._sleep = sleep
        limits = httpx.Limits(
            max_connections=settings.max_concurrency, max_keepalive_connections=settings.max_concurrency
        )
        if transport is None:  # internal addresses refused at connect time (DNS rebinding)
            transport = GuardedTransport(limits=limits)
        self._client = httpx.Client(
            base_url=self.base_url,
            auth=auth,
            headers=dict(headers or {}),
            timeout=httpx.Timeout(settings.timeout_seconds, connect=settings.connect_timeout_seconds),
            limits=limits,
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def _path(self, url: str) -> str:
        return urlsplit(url).path or "/" if "://" in url else url.split("?", 1)[0]

    def _check_origin(self, url: str) -> None:
        if "://" not in url:
            return
        target = httpx.URL(url)
        if (target.scheme, target.host, target.port) != (
            self.base_url.scheme,
            self.base_url.host,
            self.base_url.port,
        ):
            raise PermanentError(
                f"{self.system}: refusing to send credentials to another host ({target.host})"
            )

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        max_wait: float | None = None,
        cost: float = 1,
    ) -> httpx.Response:
        """Send one logical request; return a 2xx response or raise a classified, redacted error.

        `cost`: tokens of the rate budget the request spends (1, or a system's query cost)."""
        method = method.upper()
        keyed = bool(
            self.idempotency_header and headers and self.idempotency_header in httpx.Headers(headers)
        )
        self._check_origin(url)
        wait_left = self.settings.max_wait_seconds if max_wait is None else max(0.0, max_wait)
        path = self._path(url)
        attempt = 0
        slot = self.settings.max_wait_seconds + self.settings.timeout_seconds
        try:
            with self.budget.gate.slot(timeout=self._within(slot, method, path)):
                while True:
                    wait_left -= self.budget.limiter.acquire(self._within(wait_left, method, path), cost)
                    timeout = self._timeout(method, path)
                    response, error, safe = self._send(
                        method, url, path, params, json, data, headers, timeout
                    )
                    if error is None and response is not None:
                        return response
                    assert error is not None
                    wait = self._retry_wait(error, attempt, method, safe or keyed)
                    self.redactor.scrub(error)
                    left = self._time_left()
                    if wait is not None and wait <= wait_left and (left is None or wait < left):
                        attempt += 1
                        log.warning("%s; retry %d in %.2fs", error.message, attempt, wait)
                        if isinstance(error, RateLimitedError):
                            # every thread (and container) of this connector waits
                            self.budget.limiter.block_for(wait, throttled=error.status_code == 429)
                        else:
                            self._sleep(wait)
                            wait_left -= wait
                        continue
                    if isinstance(error, RateLimitedError):
                        if error.retry_after is None:
                            error.retry_after = DEFAULT_RETRY_AFTER
                        self.budget.limiter.block_for(error.retry_after, throttled=error.status_code == 429)
                    raise error
        except ConnectorError as exc:
            raise self.redactor.scrub(exc) from None

    def _within(self, seconds: float, method: str, path: str) -> float:
        """`seconds`, or what is left of the time budget when that is less; none left: raise."""
        left = self._time_left()
        if left is None:
            return seconds
        if left <= 0:
            raise UnreachableError(f"{self.system}: the time budget ran out before {method} {path}")
        return min(seconds, left)

    def _timeout(self, method: str, path: str) -> httpx.Timeout:
        """The request's timeouts, cut to what is left of the time budget."""
        answer = self._within(self.settings.timeout_seconds, method, path)
        connect = min(self.settings.connect_timeout_seconds, answer)
        return httpx.Timeout(answer, connect=connect)

    def _retry_wait(self, error: ConnectorError, attempt: int, method: str, safe: bool) -> float | None:
        if isinstance(error, RateLimitedError):
            if attempt >= MAX_RATE_LIMIT_RETRIES:
                return None
            return error.retry_after if error.retry_after is not None else DEFAULT_RETRY_AFTER
        if isinstance(error, TransientError) and (safe or method in IDEMPOTENT_METHODS):
            if attempt >= self.settings.retries:
                return None
            return error.retry_after if error.retry_after is not None else 0.25 * (2**attempt)
        return None

    def _send(
        self,
        method: str,
        url: str,
        path: str,
        params: Mapping[str, Any] | None,
        json: Any,
        data: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        timeout: httpx.Timeout,
    ) -> tuple[httpx.Response | None, ConnectorError | None, bool]:
        """(response, None, _) on success, else (None, error, safe to resend whatever the method)."""
        started = time.monotonic()
        try:
            response = self._client.request(
                method,
                url,
                params=dict(params) if params else None,
                json=json,
                data=data,
                headers=headers,
                timeout=timeout,
            )
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            host = self.base_url.host
            if blocked(exc):
                return (
                    None,
                    PermanentError(f"{self.system}: refusing to connect to {host}: an internal address"),
                    False,
                )
            return (
                None,
                UnreachableError(f"{self.system}: cannot connect to {host} ({type(exc).__name__})"),
                True,
            )
        except httpx.TimeoutException as exc:
            return None, UnreachableError(f"{self.system}: {type(exc).__name__} on {method} {path}"), False
        except httpx.TransportError as exc:
            return (
                None,
                TransientError(f"{self.system}: {type(exc).__name__} on {method} {path}: {exc}"),
                False,
            )
        except ConnectorError as exc:  # raised inside the auth flow (OAuth2 token endpoint)
            return None, exc, False
        elapsed_ms = (time.monotonic() - started) * 1000
        log.debug(
            "%s %s %s -> %d (%.0f ms)",
            self.system,
            method,
            redact_url(str(response.request.url)),
            response.status_code,
            elapsed_ms,
        )
        pause = self.classifier.pause_after(response)
        if pause:
            self.budget.limiter.block_for(pause)
        error = self.classifier.classify(response, method=method, path=path)
        if error is None:
            return response, None, False
        return None, error, False

    def json(self, response: httpx.Response) -> Any:
        """The body as JSON (None when empty); a non-JSON 2xx body is a transient failure."""
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            content_type = response.headers.get("Content-Type", "?")
            raise self.redactor.scrub(
                TransientError(
                    f"{self.system}: expected JSON, got {content_type} (HTTP {response.status_code})",
                    status_code=response.status_code,
                )
            ) from None
