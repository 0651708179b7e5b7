"""Secrets filtering: credential values never reach an error message or a log line.

A `Redactor` knows one connector's secret values (credentials, and tokens it obtains later, such
as an OAuth2 access token) and masks them in any text, in their raw, URL-encoded and Basic-auth
forms, and in the forms a library may have transformed them into before they reach a message:
escaped (`\\n` for a newline, `repr()` and bytes-repr quoting, JSON escaping), whitespace
collapsed, HTML-escaped, CSV-quoted. A secret longer than `FRAGMENT_LENGTH` is also masked
piecewise: any run of `FRAGMENT_LENGTH` or more of its characters is masked wherever it appears,
so a secret that was cut short (a message bounded to 500 characters) cannot leak a long piece.
Independently of the known values it masks the values of sensitive query parameters
(`?consumer_secret=...`, `&access_token=...`) and of `Authorization:` headers quoted in text.

Order matters: text is redacted first and only then squashed and cut (`Redactor.clean`,
`safe_message`), so no transformation can hide a secret from the redactor.

Every live redactor is registered with one logging filter installed on the loggers the kit (and
httpx, which logs full request URLs at INFO) writes to, so a log line is filtered even when it
is produced outside the connector's own code.
"""

from __future__ import annotations

import base64
import html
import json
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
# A secret longer than this is also masked piecewise: every run of this many of its characters.
FRAGMENT_LENGTH = 16
# The longest error message kept (run errors, item errors, health reasons): cut after redaction.
MAX_MESSAGE_LENGTH = 500
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
    """The secret as it may appear in a message: raw, and every transformed form we know of."""
    bases = {secret, secret.strip(), " ".join(secret.split())}
    out: set[str] = set()
    for form in bases:
        out.update(
            {
                form,
                quote(form, safe=""),
                quote(form),
                quote_plus(form, safe=""),
                quote_plus(form),
                repr(form)[1:-1],  # str repr: newline as backslash-n, quotes escaped
                repr(form.encode("utf-8"))[2:-1],  # bytes repr (h11's "Illegal header value b'...'")
                form.encode("unicode_escape").decode("ascii"),
                json.dumps(form)[1:-1],
                json.dumps(form, ensure_ascii=False)[1:-1],
                html.escape(form),
                form.replace('"', '""'),  # CSV quoting
            }
        )
    return {v for v in out if len(v) >= MIN_SECRET_LENGTH}


def _fragments(value: str) -> set[str]:
    if len(value) <= FRAGMENT_LENGTH:
        return set()
    return {value[i : i + FRAGMENT_LENGTH] for i in range(len(value) - FRAGMENT_LENGTH + 1)}


def _mask_fragments(text: str, fragments: frozenset[str]) -> str:
    """Mask every run of text made of overlapping secret fragments."""
    n = FRAGMENT_LENGTH
    if not fragments or len(text) < n:
        return text
    spans: list[list[int]] = []
    for i in range(len(text) - n + 1):
        if text[i : i + n] in fragments:
            if spans and i <= spans[-1][1]:
                spans[-1][1] = i + n
            else:
                spans.append([i, i + n])
    if not spans:
        return text
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(MASK)
        last = end
    out.append(text[last:])
    return "".join(out)


def squash(text: str) -> str:
    """Whitespace (newlines included) collapsed to single spaces."""
    return " ".join(text.split())


def bound(text: str, limit: int = MAX_MESSAGE_LENGTH) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 3)] + "..."


def basic_token(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode()


class Redactor:
    """Masks one connector's secrets. Thread-safe; secrets can be added after creation."""

    def __init__(self, secrets: Iterable[object] = ()) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._ordered: list[str] = []
        self._fragments: frozenset[str] = frozenset()
        self.add(*secrets)
        _register(self)

    @classmethod
    def for_credentials(cls, credentials: Mapping[str, object]) -> Redactor:
        """A redactor for a connector's credential values (identifier fields excepted)."""
        return cls(value for name, value in credentials.items() if name not in NOT_SECRET_FIELDS)

    def add(self, *secrets: object) -> None:
        with self._lock:
            fragments = set(self._fragments)
            for secret in secrets:
                if isinstance(secret, str) and secret:
                    variants = _variants(secret)
                    self._values.update(variants)
                    for variant in variants:
                        fragments.update(_fragments(variant))
            self._ordered = sorted(self._values, key=len, reverse=True)
            self._fragments = frozenset(fragments)

    def add_basic(self, username: str, password: str) -> None:
        """Also mask the Basic-auth header value of this pair."""
        self.add(basic_token(username, password))

    def redact(self, text: str) -> str:
        with self._lock:
            ordered, fragments = self._ordered, self._fragments
        for secret in ordered:
            if secret in text:
                text = text.replace(secret, MASK)
        text = _mask_fragments(text, fragments)
        return redact_patterns(text)

    def clean(self, text: str, limit: int = MAX_MESSAGE_LENGTH) -> str:
        """Text fit for a stored message: redacted, then whitespace squashed, redacted again (a
        squashed form of a secret), and only then cut to `limit`."""
        return bound(self.redact(squash(self.redact(text))), limit)

    def scrub(self, error: ConnectorError) -> ConnectorError:
        """Redact a classified error in place (message and args), bound it, and return it."""
        error.message = self.clean(error.message)
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


def safe_message(text: str, limit: int = MAX_MESSAGE_LENGTH) -> str:
    """Any error text fit to store or show: every live connector's secrets masked before the
    whitespace is squashed and the text is cut."""
    return bound(redact_all(squash(redact_all(text))), limit)


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
