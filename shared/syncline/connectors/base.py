"""The connector interface the pipeline talks to.

A connector pulls records changed since a cursor, page by page, and pushes records to a
destination entity. Failures are classified as exceptions so sync_item can decide between
Pending (retry) and Failed.
"""

from __future__ import annotations

import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, NamedTuple
from urllib.parse import quote, urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError


def admin_id(record_id: str) -> str | None:
    """The numeric id admin pages link by: the id itself, or the number ending a GraphQL global id
    (gid://shopify/Order/123). None for anything else (a SKU, a file name)."""
    tail = record_id.rsplit("/", 1)[-1] if record_id.startswith("gid://") else record_id
    return tail if tail.isdigit() else None


class ConnectorError(Exception):
    """Base of every classified connector failure. `code` goes to the report's last error."""

    code = "connector_error"

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        # Born safe: the secrets of every live connector masked before the text is squashed and
        # cut (the connector's own redactor scrubs it again), so no path stores a raw secret.
        from syncline.connectors.redact import safe_message

        message = safe_message(message)
        super().__init__(message)
        self.message = message
        self.status_code = status_code


class TransientError(ConnectorError):
    """Retriable: timeout, connection error, 5xx, 429. `retry_after` in seconds when known."""

    code = "transient"

    def __init__(self, message: str, *, status_code: int | None = None, retry_after: float | None = None):
        super().__init__(message, status_code=status_code)
        self.retry_after = retry_after


class UnreachableError(TransientError):
    """DNS, connect or timeout failure: the system could not be reached at all."""

    code = "unreachable"


class RateLimitedError(TransientError):
    code = "rate_limited"


class PermanentError(ConnectorError):
    """Retrying cannot fix it: a 4xx other than 401/403/408/429, or invalid data."""

    code = "rejected"


class RefetchUnsupported(PermanentError):
    """The source cannot fetch one record by its id (a file drop, or an entity it has no GET for)."""

    code = "refetch_unsupported"


class AuthenticationError(PermanentError):
    """401/403: the credentials are wrong or lack permission."""

    code = "authentication_failed"


class ConfigurationError(ValueError):
    """Bad connector configuration. `field` names the offending field."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


class NoSettings(BaseModel):
    """Settings model of a connector that takes none: any key is rejected."""

    model_config = ConfigDict(extra="forbid")


def load_settings[SettingsT: BaseModel](
    model: type[SettingsT], settings: Mapping[str, Any] | None
) -> SettingsT:
    """Parse connector settings with `model`; a problem becomes ConfigurationError("settings.<name>")."""
    try:
        return model.model_validate(dict(settings or {}))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(part) for part in err["loc"])
        name = f"settings.{loc}" if loc else "settings"
        message = "unknown setting" if err["type"] == "extra_forbidden" else str(err["msg"])
        raise ConfigurationError(name, message) from None


def has_control_characters(value: str) -> bool:
    """Control characters (newline, tab, NUL, DEL, C1) and line/paragraph separators."""
    return any(ord(ch) < 32 or 127 <= ord(ch) < 160 or ch in "\u2028\u2029" for ch in value)


def check_url(value: str | None, *, field_name: str, schemes: tuple[str, ...], required: bool = True) -> None:
    """Reject a missing, malformed or wrong-scheme URL, and one that carries credentials (a user
    name or password, or any query string: `?access_token=...` would be stored and shown in plain
    text). Messages never repeat the value."""
    if not value:
        if required:
            raise ConfigurationError(field_name, "required")
        return
    if any(ch.isspace() for ch in value) or has_control_characters(value):
        raise ConfigurationError(field_name, "must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ConfigurationError(field_name, "malformed URL (check the host and port)") from None
    if parts.scheme.lower() not in schemes:
        allowed = " or ".join(f"{s}://" for s in schemes)
        raise ConfigurationError(field_name, f"must start with {allowed}")
    if not parts.hostname:
        raise ConfigurationError(field_name, "malformed URL: no host")
    if parts.username or parts.password:
        raise ConfigurationError(field_name, "must not contain a user name or password; use credentials")
    if port == 0:
        raise ConfigurationError(field_name, "malformed URL: port 0")
    if parts.fragment or "#" in value:
        raise ConfigurationError(field_name, "must not contain a #fragment")
    if parts.query or "?" in value:
        raise ConfigurationError(
            field_name,
            "must not contain a query string: put keys, tokens and signatures in credentials "
            "(write-only), never in the URL",
        )


class Confirmation(NamedTuple):
    """A destination's verdict on an asynchronous push (a file drop): Sent -> OK or Failed."""

    endpoint_id: str  # the endpoint_id the push returned (for file drops: the file name)
    ok: bool
    message: str | None = None


@dataclass(frozen=True)
class SourceRecord:
    source_id: str
    reference: str
    version: str  # the record's updated-at (or a content hash): part of the deterministic sync id
    data: dict[str, Any]


@dataclass(frozen=True)
class Page:
    records: list[SourceRecord]
    next_page: str | None  # opaque pagination state; None when this was the last page
    cursor: str | None = None  # the service cursor to store once every page is on the queue


@dataclass(frozen=True)
class PushResult:
    endpoint_id: str | None
    status: Literal["OK", "Sent"] = "OK"


@dataclass
class ConnectorContext:
    """What a connector gets besides its own row: its credentials and connector-level settings."""

    base_url: str | None
    credentials: Mapping[str, str]
    settings: Mapping[str, Any] = field(default_factory=dict)
    timezone: str = "UTC"
    date_format: str = "%Y-%m-%dT%H:%M:%S%z"
    connector_id: str = ""
    tenant_id: str = ""
    # Where the connector's rate budget is shared across containers (a RateStore); None: this
    # process only.
    rate_store: Any = None


class Connector(ABC):
    """A system Syncline can pull from and/or push to."""

    system: ClassVar[str]
    # entity -> the directions it supports, e.g. {"orders": {"pull"}, "products": {"pull", "push"}}
    entities: ClassVar[Mapping[str, frozenset[str]]] = {}
    # Credential fields the secret must hold.
    credential_fields: ClassVar[tuple[str, ...]] = ()
    # Pushes to this system end as Sent (file drops, async endpoints) rather than OK.
    asynchronous: ClassVar[bool] = False
    # The pydantic model of `ConnectorContext.settings`; unknown keys are rejected.
    settings_model: ClassVar[type[BaseModel]] = NoSettings
    # URL schemes the base URL may use.
    url_schemes: ClassVar[tuple[str, ...]] = ("http", "https")
    base_url_required: ClassVar[bool] = True
    # The system can fetch one record by its source id (`fetch_one`): a resync can refetch.
    can_refetch: ClassVar[bool] = False

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context
        self._clock: Callable[[], float] = time.monotonic
        self._deadline = threading.local()  # a batch pushes on several threads at once

    @contextmanager
    def time_budget(self, seconds: float) -> Iterator[None]:
        """Every request this thread makes inside shares `seconds`: a push that looks the record
        up and then creates it, a request retried after a timeout, waits for the rate budget. Each
        request is given what is left, and none starts once it is spent (`TransientError`). The
        pipeline gives a push `max_push_seconds`, a check `max_check_seconds`."""
        outer: float | None = getattr(self._deadline, "at", None)
        at = self._clock() + seconds
        self._deadline.at = at if outer is None else min(outer, at)
        try:
            yield
        finally:
            self._deadline.at = outer

    def time_left(self) -> float | None:
        """Seconds left of the current `time_budget` on this thread (None: no budget)."""
        at: float | None = getattr(self._deadline, "at", None)
        return None if at is None else at - self._clock()

    def out_of_time(self, what: str) -> UnreachableError:
        return UnreachableError(f"{self.system}: the time budget ran out before {what}")

    # -- configuration, validated before a connector is built (also by the management API) --

    @classmethod
    def parse_settings(cls, settings: Mapping[str, Any] | None) -> BaseModel:
        return load_settings(cls.settings_model, settings)

    @classmethod
    def required_credentials(cls, settings: BaseModel) -> tuple[str, ...]:
        """Credential fields the secret must hold with these settings (default: `credential_fields`)."""
        return cls.credential_fields

    @classmethod
    def check_credentials(cls, settings: BaseModel, credentials: Mapping[str, Any]) -> None:
        for name in cls.required_credentials(settings):
            value = credentials.get(name)
            if not isinstance(value, str) or not value:
                raise ConfigurationError(f"credentials.{name}", "required credential field is missing")

    @classmethod
    def check_base_url(cls, base_url: str | None, settings: BaseModel) -> None:
        check_url(base_url, field_name="base_url", schemes=cls.url_schemes, required=cls.base_url_required)

    @classmethod
    def entities_for(cls, settings: BaseModel) -> Mapping[str, frozenset[str]]:
        """The entities these settings expose: a configurable connector's `settings.entities` (each
        pulled and pushed) replaces the default set."""
        names: list[str] | None = getattr(settings, "entities", None)
        if names is None:
            return cls.entities
        return {name: frozenset({"pull", "push"}) for name in names}

    # The admin page of a record, per entity: a path template under `admin_root` with {id}.
    admin_paths: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def admin_root(cls, base_url: str, settings: BaseModel) -> str | None:
        """Where this system's admin pages start, from the connector's base URL and settings."""
        return None

    @classmethod
    def record_url(cls, base_url: str | None, settings: BaseModel, entity: str, record_id: str) -> str | None:
        """The page of a record in the system's own admin (None when the system has none for the
        entity, or the id is not one it links by). Computed when shown, never stored."""
        template = cls.admin_paths.get(entity)
        ident = admin_id(record_id)
        root = cls.admin_root(base_url.rstrip("/"), settings) if base_url else None
        if template is None or root is None or ident is None:
            return None
        return root + template.replace("{id}", quote(ident, safe=""))

    @classmethod
    def describe(cls) -> dict[str, Any]:
        return {
            "system": cls.system,
            "entities": {name: sorted(dirs) for name, dirs in sorted(cls.entities.items())},
            "credential_fields": list(cls.credential_fields),
            "settings_schema": cls.settings_model.model_json_schema(),
            "asynchronous": cls.asynchronous,
            "base_url_schemes": list(cls.url_schemes),
        }

    def entity_directions(self) -> Mapping[str, frozenset[str]]:
        """This instance's entities (configurable connectors derive them from their settings)."""
        return self.entities

    def supports(self, entity: str, direction: Literal["pull", "push"]) -> bool:
        return direction in self.entity_directions().get(entity, frozenset())

    def require(self, entity: str, direction: Literal["pull", "push"]) -> None:
        """Raise PermanentError when `entity` cannot be pulled/pushed: retrying cannot fix that."""
        if not self.supports(entity, direction):
            can = sorted(name for name, dirs in self.entity_directions().items() if direction in dirs)
            allowed = ", ".join(can) or "nothing"
            raise PermanentError(
                f"{self.system} cannot {direction} {entity!r}; it can {direction}: {allowed}"
            )

    @abstractmethod
    def pull(self, entity: str, since: str | None, page: str | None, page_size: int) -> Page:
        """One page of records of `entity` changed since the cursor `since`."""

    @abstractmethod
    def push(
        self,
        entity: str,
        record: dict[str, Any],
        *,
        idempotency_key: str | None = None,
        ambiguous: bool = False,
    ) -> PushResult:
        """Create or update one record; return the destination's id.

        idempotency_key: a stable key for this record's sync (the pipeline passes its sync id, a 24-char
        hex string) sent on every push where the system accepts one, so a repeat is de-duplicated by the
        destination.
        ambiguous: an earlier attempt of this very push may have reached the destination without us
        seeing the answer (timeout, crash after sending). A connector whose system has no idempotency key
        then looks the record up at the destination first (find_existing) and returns the existing
        record's id instead of creating it again.
        """

    def fetch_one(self, entity: str, source_id: str) -> SourceRecord | None:
        """The record of `entity` with this source id as the source has it now, or None when the
        source no longer has it. Default: RefetchUnsupported (a resync with refetch then fails)."""
        raise RefetchUnsupported(f"{self.system} cannot fetch one {entity} record by its id")

    def find_existing(self, entity: str, record: dict[str, Any]) -> PushResult | None:
        """The record as the destination already has it (created by an earlier push), or None.
        Default: None (the system offers no way to look it up)."""
        return None

    @property
    def max_push_seconds(self) -> float:
        """How long one push can take at most: the pipeline starts a push only with this much
        time left in the invocation."""
        return 30.0

    @property
    def max_check_seconds(self) -> float:
        """How long `check` can take at most (one request, like a push): the API runs a check
        itself only when this fits its own time."""
        return self.max_push_seconds

    def throttled_for(self) -> float | None:
        """Seconds the connector's rate budget keeps the next request waiting, when that is longer
        than the connector waits in-process (the pipeline then puts the record back on the queue
        without an attempt); None: a request can go (or there is no budget)."""
        return None

    def check(self) -> None:  # noqa: B027 - optional override
        """A cheap authenticated call; raises a ConnectorError when the system is not usable."""

    def close(self) -> None:  # noqa: B027 - optional override
        """Release connections."""

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


ENTITY_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,59}")


def entity_names(value: list[str] | None) -> list[str] | None:
    """Validator for a connector's configurable entity list (settings.entities)."""
    if value is not None:
        if not value:
            raise ValueError("must name at least one entity")
        for name in value:
            if not ENTITY_NAME.fullmatch(name):
                raise ValueError(
                    "invalid entity name: letters, digits, _ and -, starting with a letter, at most 60"
                )
    return value
