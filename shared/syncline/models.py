"""Domain models: company group, connector, service, run and sync item."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AnyUrl, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

DEFAULT_MAX_ATTEMPTS = 5
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
_ID_RE = re.compile(ID_PATTERN)


MAX_EARLIER_RUNS = 20  # the runs an entry remembers having been in before its run


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(ts: datetime) -> str:
    """ISO 8601 UTC with millisecond precision and a Z suffix: sorts as text."""
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def new_run_id(now: datetime | None = None) -> str:
    """Time-ordered run id: runs sort by start time as text."""
    now = now or utcnow()
    return (
        now.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
        + f"{now.microsecond // 1000:03d}-{secrets.token_hex(3)}"
    )


def sync_id_for(service_id: str, source_id: str, version: str) -> str:
    """Deterministic sync id per (service, source record, record version).

    A record pulled again unchanged gets the same id, so it is not synced twice.
    """
    digest = hashlib.blake2b(f"{service_id}\x1f{source_id}\x1f{version}".encode(), digest_size=12)
    return digest.hexdigest()


MAX_TEXT_CHARS = 1000  # a reference or source id longer than this is kept cut short, marked


def clip(value: str, limit: int = MAX_TEXT_CHARS) -> str:
    """`value`, or its first characters and an ellipsis when it is longer than `limit`."""
    return value if len(value) <= limit else value[: limit - 1] + "\u2026"


def is_valid_id(value: str) -> bool:
    return bool(_ID_RE.match(value))


# ---------------------------------------------------------------------------------- size bounds
# DynamoDB refuses an item over 400 KB; a service is one item. Each free-form field has a bound on
# its serialized size, and the bounds together stay well under the item limit.
ITEM_LIMIT_BYTES = 400 * 1024
ITEM_BUDGET_BYTES = 350_000  # what a row's own fields may use (keys and index attributes aside)
MAX_RULES = 200  # filters, mappings
MAX_RULES_BYTES = 64_000
MAX_SETTINGS_BYTES = 16_000  # a connector's settings (headers included), credentials
MAX_RECORD_BYTES = 256_000  # a preview's sample record
MAX_SCRIPT_CHARS = 20_000
MAX_NOTES_CHARS = 10_000


def json_size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), default=str).encode())


def max_json_bytes(limit: int) -> AfterValidator:
    """A bound on a free-form value's serialized (JSON, UTF-8) size. The error names the bound,
    never the value."""

    def check(value: Any) -> Any:
        if value is not None and json_size(value) > limit:
            raise PydanticCustomError("too_large", "larger than {limit} bytes serialized", {"limit": limit})
        return value

    return AfterValidator(check)


Rules = Annotated[list[dict[str, Any]], Field(max_length=MAX_RULES), max_json_bytes(MAX_RULES_BYTES)]


class Status(StrEnum):
    OK = "OK"
    SENT = "Sent"
    PENDING = "Pending"
    FAILED = "Failed"


class RunStatus(StrEnum):
    RUNNING = "Running"
    OK = "OK"
    FAILED = "Failed"
    # Shown, never stored: a finished run every entry of which a resync moved to a new run.
    RESYNCED = "Resynced"


class Trigger(StrEnum):
    SCHEDULE = "schedule"
    MANUAL = "manual"
    INBOUND = "inbound"
    SWEEPER = "sweeper"
    RESYNC = "resync"


class HealthStatus(StrEnum):
    UNKNOWN = "Unknown"
    OPERATIONAL = "Connector Operational"
    UNREACHABLE = "System Unreachable"
    AUTH_FAILED = "Failed Authentication"


def known_timezone(value: str) -> str:
    """An IANA time zone name, or ValueError."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("unknown time zone (use an IANA name such as Europe/Berlin)") from exc
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class Tenant(_Model):
    """A company group: the isolation boundary."""

    tenant_id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    alert_emails: list[Annotated[str, Field(max_length=254)]] = Field(default_factory=list, max_length=50)
    # Where its days start: the report's and dashboard's Today, Yesterday, This week and Last week.
    timezone: str = "UTC"
    created_at: datetime = Field(default_factory=utcnow)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return known_timezone(value)


class ConnectorConfig(_Model):
    """A configured system instance. Credentials live in Secrets Manager, referenced by ARN."""

    tenant_id: str = Field(pattern=ID_PATTERN)
    connector_id: str = Field(pattern=ID_PATTERN)
    system: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    base_url: AnyUrl | None = None  # http(s) for APIs, sftp:// for file drops
    settings: dict[str, Any] = Field(default_factory=dict)
    credentials_secret_arn: str | None = None
    timezone: str = "UTC"
    date_format: str = "%Y-%m-%dT%H:%M:%S%z"
    health_status: HealthStatus = HealthStatus.UNKNOWN
    health_reason: str | None = None
    health_checked_at: datetime | None = None
    # Inbound connectors (nothing to check): the last push with a record accepted, and the last
    # push with a record refused (when, and the first problem: field and message, never a value).
    last_push_at: datetime | None = None
    last_rejection_at: datetime | None = None
    last_rejection: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return known_timezone(value)


class Endpoint(_Model):
    """One side of a service: a connector and an entity (orders, products, ...)."""

    connector_id: str = Field(pattern=ID_PATTERN)
    entity: str = Field(min_length=1, max_length=60)


class ServiceSettings(_Model):
    max_attempts: int = Field(default=DEFAULT_MAX_ATTEMPTS, ge=1, le=DEFAULT_MAX_ATTEMPTS)
    page_size: int = Field(default=100, ge=1, le=1000)
    concurrency: int = Field(default=10, ge=1, le=100)
    retry_base_seconds: int = Field(default=30, ge=0, le=3600)
    retry_max_seconds: int = Field(default=900, ge=0, le=43200)


# ---------------------------------------------------------------------------------- alerts
# An email address as recipients are checked: one @, a dotted domain, no spaces or brackets.
_EMAIL_RE = re.compile(
    r"^[^@\s<>(),;:\"\[\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$"
)
MAX_RECIPIENTS = 50  # SES takes at most 50 recipients a message
MAX_ALERT_GROUPS = 10
DEFAULT_ALERT_WINDOW_MINUTES = 15
MIN_ALERT_WINDOW_MINUTES = 5
MAX_ALERT_WINDOW_MINUTES = 24 * 60


def _email_address(value: str) -> str:
    if len(value) > 254 or not _EMAIL_RE.match(value):
        raise PydanticCustomError("email_address", "not an email address (name@example.com)")
    return value.lower()


EmailAddress = Annotated[str, AfterValidator(_email_address)]


class NotificationGroup(_Model):
    """Who gets a company group's alert emails: a named list of addresses."""

    tenant_id: str = Field(pattern=ID_PATTERN)
    group_id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    recipients: list[EmailAddress] = Field(min_length=1, max_length=MAX_RECIPIENTS)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @field_validator("recipients")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class AlertEvents(_Model):
    """What alerts: an item that failed, a run whose pull failed, a connector's status change."""

    item_failed: bool = True
    run_pull_failed: bool = True
    connector_status: bool = True


class AutoPause(_Model):
    """After `failed_runs` consecutive failed runs the service is deactivated (a warning at half)."""

    enabled: bool = False
    failed_runs: int = Field(default=6, ge=2, le=1000)


class AlertSettings(_Model):
    """A service's alerts: who, how often, for what, and whether it pauses itself."""

    enabled: bool = False
    groups: list[Annotated[str, Field(pattern=ID_PATTERN)]] = Field(
        default_factory=list, max_length=MAX_ALERT_GROUPS
    )
    mode: Literal["digest", "immediate"] = "digest"
    window_minutes: int = Field(
        default=DEFAULT_ALERT_WINDOW_MINUTES, ge=MIN_ALERT_WINDOW_MINUTES, le=MAX_ALERT_WINDOW_MINUTES
    )
    events: AlertEvents = Field(default_factory=AlertEvents)
    auto_pause: AutoPause = Field(default_factory=AutoPause)

    @model_validator(mode="after")
    def _groups_when_enabled(self) -> AlertSettings:
        if self.enabled and not self.groups:
            raise PydanticCustomError(
                "groups_required", "enabled alerts need at least one notification group"
            )
        self.groups = list(dict.fromkeys(self.groups))
        return self


def _stored_alerts(value: Any) -> Any:
    """A service row written before alerts were typed held any object: keep the known keys only."""
    if isinstance(value, dict):
        known = set(AlertSettings.model_fields)
        return {k: v for k, v in value.items() if k in known}
    return value


DEFAULT_SCHEDULE = "rate(5 minutes)"
SWEEPER_SCHEDULE = "rate(12 hours)"  # a sweeper's schedule when none is given
SWEEP_DEFAULT_DAYS = 5  # the report's default window
SWEEP_MAX_DAYS = 15
MAX_SWEPT_SERVICES = 50
SWEEP_DEFAULT_PER_RUN = 10_000
SWEEP_MAX_PER_RUN = 100_000


class SweeperSettings(_Model):
    """What a sweeper service sweeps. `sweeps` None: the services of the company group with the
    sweeper's source and destination connectors (resolved at each run)."""

    sweeps: list[Annotated[str, Field(pattern=ID_PATTERN)]] | None = Field(
        default=None, min_length=1, max_length=MAX_SWEPT_SERVICES
    )
    window_days: int = Field(default=SWEEP_DEFAULT_DAYS, ge=1, le=SWEEP_MAX_DAYS)
    include_permanent: bool = False
    # Entries one run re-queues at most; the rest are left for the next run (the run says how many).
    max_per_run: int = Field(default=SWEEP_DEFAULT_PER_RUN, ge=1, le=SWEEP_MAX_PER_RUN)


SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"


class Service(_Model):
    tenant_id: str = Field(pattern=ID_PATTERN)
    service_id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    type: str = Field(default="standard", pattern=r"^(standard|sweeper)$")
    active: bool = True
    schedule: str | None = Field(default="rate(5 minutes)", max_length=200)
    source: Endpoint
    destination: Endpoint
    filters: Rules = Field(default_factory=list)
    mappings: Rules = Field(default_factory=list)
    payload_script: str | None = Field(default=None, max_length=MAX_SCRIPT_CHARS)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    settings: ServiceSettings = Field(default_factory=ServiceSettings)
    sweeper: SweeperSettings | None = None  # type "sweeper" only (its defaults when None)
    # A service with an inbound source: the slug of its URL, POST /inbound/{tenant_id}/{inbound_path}
    inbound_path: str | None = Field(default=None, pattern=SLUG_PATTERN)
    notes: str = Field(default="", max_length=MAX_NOTES_CHARS)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @field_validator("alerts", mode="before")
    @classmethod
    def _known_alert_keys(cls, value: Any) -> Any:
        return _stored_alerts(value)

    @property
    def is_sweeper(self) -> bool:
        return self.type == "sweeper"

    @property
    def sweep_settings(self) -> SweeperSettings:
        return self.sweeper or SweeperSettings()

    @model_validator(mode="after")
    def _fits_one_item(self) -> Service:
        """Refused before any write: a service row over DynamoDB's item limit."""
        sizes = {name: json_size(value) for name, value in self.model_dump(mode="json").items()}
        if sum(sizes.values()) > ITEM_BUDGET_BYTES:
            largest = max(sizes, key=lambda name: sizes[name])
            raise PydanticCustomError(
                "too_large",
                "the service is larger than the store's item limit ({limit} bytes); the largest field "
                "is {field}",
                {"limit": ITEM_LIMIT_BYTES, "field": largest},
            )
        return self


class Totals(_Model):
    OK: int = 0
    Sent: int = 0
    Pending: int = 0
    Failed: int = 0


class ErrorInfo(_Model):
    code: str
    message: str


class ErrorGroup(_Model):
    """The errors of a run that share a code and a message: how many, and when first and last."""

    code: str
    message: str
    count: int = 1
    first_at: datetime | None = None
    last_at: datetime | None = None


def error_group_key(code: str, message: str) -> str:
    """The key of (code, message) in a run's `error_groups` map: short, and a valid map key."""
    return "g" + hashlib.blake2b(f"{code}\x1f{message}".encode(), digest_size=6).hexdigest()


class Run(_Model):
    tenant_id: str
    run_id: str
    service_id: str
    trigger: Trigger
    status: RunStatus = RunStatus.RUNNING
    started_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    pulled: int = 0
    filtered: int = 0
    skipped: int = 0
    queued: int = 0
    pushed: int = 0
    pull_done: bool = False
    pull_error: ErrorInfo | None = None  # the pull stopped early; the cursor did not move
    # While the pull is not done: when the trigger that owns it is known to be dead if it has
    # not finished (its timeout, or the trigger queue's redelivery window for a continuation).
    pull_deadline: datetime | None = None
    updated_at: datetime | None = None  # the last change to the run's counters
    totals: Totals = Field(default_factory=Totals)
    # What the run moves: its service's systems and entities when the run opened, and the data
    # window its pull covered (connector cursors: where it started, where it got to).
    source_system: str | None = None
    source_entity: str | None = None
    destination_system: str | None = None
    destination_entity: str | None = None
    since: str | None = None
    until: str | None = None
    # Errors grouped by (code, message), at most FIRST_ERROR_GROUPS groups (keyed by
    # `error_group_key`); errors of further groups are only counted, in `other_errors`.
    error_groups: dict[str, ErrorGroup] = Field(default_factory=dict)
    other_errors: int = 0
    # Runs written before errors were grouped: their first errors, one entry per error.
    first_errors: list[ErrorInfo] = Field(default_factory=list)
    # Resyncs that moved entries out of this run into new runs (their run ids).
    resynced_into: list[str] = Field(default_factory=list)
    # A sweeper's run: the services whose entries it swept into itself (its entries keep their
    # own service ids); None for every other run.
    swept_services: list[str] | None = None
    # A sweeper's run: qualifying entries it left for the next run (its per-run limit; counted up to
    # that limit again). None until its sweep is done, and for every other run.
    sweep_left: int | None = None

    @classmethod
    def opened(
        cls,
        service: Service,
        trigger: Trigger,
        *,
        started_at: datetime,
        pull_deadline: datetime,
        source_system: str | None,
        destination_system: str | None,
        **extra: Any,
    ) -> Run:
        """A new run of `service`, with what it moves (its systems and entities) and when its
        pull is known dead if it has not finished."""
        return cls(
            tenant_id=service.tenant_id,
            run_id=new_run_id(started_at),
            service_id=service.service_id,
            trigger=trigger,
            started_at=started_at,
            pull_deadline=pull_deadline,
            source_system=source_system,
            source_entity=service.source.entity,
            destination_system=destination_system,
            destination_entity=service.destination.entity,
            **extra,
        )

    @property
    def entry_services(self) -> list[str]:
        """The services whose entries this run holds: its own, and a sweeper run's swept ones."""
        return list(dict.fromkeys([self.service_id, *(self.swept_services or [])]))

    @field_validator("resynced_into", mode="before")
    @classmethod
    def _sorted_run_ids(cls, value: Any) -> Any:
        return sorted(value) if isinstance(value, set | frozenset | list | tuple) else value

    def error_summary(self) -> list[ErrorGroup]:
        """The run's errors grouped by (code, message), in the order they first happened; an older
        run's list of first errors is grouped the same way (without times)."""
        legacy: dict[tuple[str, str], ErrorGroup] = {}
        for error in self.first_errors:
            key = (error.code, error.message)
            if key in legacy:
                legacy[key].count += 1
            else:
                legacy[key] = ErrorGroup(code=error.code, message=error.message, count=1)
        stamped = sorted(
            self.error_groups.values(), key=lambda g: (g.first_at or self.started_at, g.code, g.message)
        )
        return [*legacy.values(), *stamped]

    @property
    def emptied_by_resync(self) -> bool:
        """Every entry of this finished run was resynced into another run: it holds none now."""
        return (
            self.status != RunStatus.RUNNING
            and bool(self.resynced_into)
            and self.pull_error is None
            and not any(self.totals.model_dump().values())
        )

    @property
    def shown_status(self) -> RunStatus:
        """The status the API shows: Resynced for a run a resync emptied, else the stored one."""
        return RunStatus.RESYNCED if self.emptied_by_resync else self.status


class SyncItem(_Model):
    """One record in one run: one row of the sync report."""

    tenant_id: str
    sync_id: str
    run_id: str
    service_id: str
    source_system: str
    source_entity: str
    destination_system: str
    destination_entity: str
    reference: str
    source_id: str
    endpoint_id: str | None = None
    status: Status = Status.PENDING
    attempts: int = 0
    last_error: ErrorInfo | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    payload: dict[str, Any] | None = None
    payload_ref: str | None = None
    # An attempt in progress: the delivery that claimed the item, until when its claim holds.
    # The outcome write clears both, so a claim still set on a later delivery means the last
    # attempt died between its claim and its outcome (it may have reached the destination).
    claim_id: str | None = None
    claimed_until: datetime | None = None
    # The last attempt ended without an answer (timeout, broken connection): the destination may
    # have the record, so the next push looks before it creates again where the system has no key.
    ambiguous: bool = False
    # The runs the entry was in before, oldest first (a resync moves it into a new run): the last
    # MAX_EARLIER_RUNS. Not stored while empty, so a row never resynced keeps its size.
    earlier_runs: list[str] = Field(default_factory=list)

    def moved_from(self) -> list[str]:
        """`earlier_runs` of this entry once it moves out of its run into another."""
        return [*self.earlier_runs, self.run_id][-MAX_EARLIER_RUNS:]
