"""Secrets filtering: credential values never reach an error message or a log line.

A `Redactor` knows one connector's secret values (credentials, and tokens it obtains later, such
as an OAuth2 access token) and masks them in any text, in their raw, URL-encoded and Basic-auth
forms. Independently of the known values it masks the values of sensitive query parameters
(`?consumer_secret=...`, `&access_token=...`) and of `Authorization:` headers quoted in text.

Every live redactor is registered with one logging filter installed on the loggers the kit (and
httpx, which logs full request URLs at INFO) writes to, so a log line is filtered even when it
is produced outside the connector's own code.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
import weakref
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus

from syncline.connectors.base import ConnectorError

MASK = "***"
# Secrets shorter than this are not masked by value (masking "1" would garble every message);
# query parameters and headers are still masked by name.
MIN_SECRET_LENGTH = 4
LOGGER_NAME = "syncline.connectors"
FILTERED_LOGGERS = (LOGGER_NAME, "httpx", "httpcore", "asyncssh")
# Identifiers rather than secrets: not masked by value (a user name such as "admin" would
# garble every message), and never written into messages by the kit either.
NOT_SECRET_FIELDS = frozenset({"username", "user", "client_id", "login"})

_NAME_CHARS = r"[A-Za-z0-9_.\-\[\]]*"
_SENSITIVE_NAME = (
    _NAME_CHARS + r"(?:token|secret|password|passwd|pwd|key|signature|sig|auth|credential)" + _NAME_CHARS
)
_QUERY_RE = re.compile(rf"(?i)([?&;]{_SENSITIVE_NAME}=)[^&#\s\"'<>]*")
_HEADER_RE = re.compile(
    r"(?i)((?:authorization|proxy-authorization|x-auth-token|x-shopify-access-token|x-api-key)\s*[:=]\s*"
    r"(?:bearer\s+|basic\s+|token\s+)?)[^\s,;\"']+"
)
_JSON_FIELD_RE = re.compile(
    rf"(?i)(\"{_SENSITIVE_NAME}\"\s*:\s*\")[^\"]*(\")",
)


def _variants(secret: str) -> set[str]:
    out = {secret, quote(secret, safe=""), quote_plus(secret, safe="")}
    return {v for v in out if len(v) >= MIN_SECRET_LENGTH}


def basic_token(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode()


class Redactor:
    """Masks one connector's secrets. Thread-safe; secrets can be added after creation."""

    def __init__(self, secrets: Iterable[object] = ()) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._ordered: list[str] = []
        self.add(*secrets)
        _register(self)

    @classmethod
    def for_credentials(cls, credentials: Mapping[str, object]) -> Redactor:
        """A redactor for a connector's credential values (identifier fields excepted)."""
        return cls(value for name, value in credentials.items() if name not in NOT_SECRET_FIELDS)

    def add(self, *secrets: object) -> None:
        with self._lock:
            for secret in secrets:
                if isinstance(secret, str) and secret:
                    self._values.update(_variants(secret))
            self._ordered = sorted(self._values, key=len, reverse=True)

    def add_basic(self, username: str, password: str) -> None:
        """Also mask the Basic-auth header value of this pair."""
        self.add(basic_token(username, password))

    def redact(self, text: str) -> str:
        for secret in self._ordered:
            if secret in text:
                text = text.replace(secret, MASK)
        return redact_patterns(text)

    def scrub(self, error: ConnectorError) -> ConnectorError:
        """Redact a classified error in place (message and args) and return it."""
        error.message = self.redact(error.message)
        error.args = (error.message,)
        return error


def redact_patterns(text: str) -> str:
    """Mask sensitive query parameters, auth headers and JSON fields whatever their value."""
    text = _QUERY_RE.sub(lambda m: m.group(1) + MASK, text)
    text = _HEADER_RE.sub(lambda m: m.group(1) + MASK, text)
    return _JSON_FIELD_RE.sub(lambda m: m.group(1) + MASK + m.group(2), text)


def redact_url(url: str) -> str:
    return redact_patterns(url)


_ACTIVE: weakref.WeakSet[Redactor] = weakref.WeakSet()
_ACTIVE_LOCK = threading.Lock()


def _register(redactor: Redactor) -> None:
    with _ACTIVE_LOCK:
        _ACTIVE.add(redactor)
    install_log_filter()


def redact_all(text: str) -> str:
    """Mask the secrets of every live connector (used by the logging filter)."""
    with _ACTIVE_LOCK:
        redactors = list(_ACTIVE)
    for redactor in redactors:
        text = redactor.redact(text)
    return redact_patterns(text)


class SecretFilter(logging.Filter):
    """Rewrites each record's message with every known secret masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call: keep the raw template only
            message = str(record.msg)
        record.msg = redact_all(message)
        record.args = None
        return True


_FILTER = SecretFilter()


def install_log_filter() -> None:
    """Attach the secret filter to the kit's loggers (idempotent)."""
    for name in FILTERED_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def logger() -> logging.Logger:
    """The one logger the connector kit writes to (filtered)."""
    install_log_filter()
    return logging.getLogger(LOGGER_NAME)
