"""Request models of the report API: query parameters and bodies, validated by Powertools.

Every model forbids unknown fields; unknown query parameters are rejected by the app's
middleware (query models only see their own fields).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from syncline.models import (
    ID_PATTERN,
    MAX_NOTES_CHARS,
    MAX_RECIPIENTS,
    MAX_RECORD_BYTES,
    MAX_SCRIPT_CHARS,
    MAX_SETTINGS_BYTES,
    SLUG_PATTERN,
    AlertEvents,
    AlertSettings,
    AutoPause,
    EmailAddress,
    Endpoint,
    Rules,
    RunStatus,
    ServiceSettings,
    Status,
    SweeperSettings,
    Trigger,
    known_timezone,
    max_json_bytes,
)
from syncline.reports import (
    DEFAULT_LIMIT,
    MAX_DAYS,
    MAX_LIMIT,
    MAX_RESYNC_IDS,
    MAX_SYNC_IDS,
    RUN_ID_PATTERN,
    SYNC_ID_PATTERN,
    Match,
    Period,
    ReportQuery,
    Sort,
    resolve_window,
)

Id = Annotated[str, Field(pattern=ID_PATTERN, description="an id: letters, digits, '_', '.', '-' (max 64)")]
SyncId = Annotated[str, Field(pattern=SYNC_ID_PATTERN, description="a sync id (24 hex digits)")]
RunId = Annotated[str, Field(pattern=RUN_ID_PATTERN, description="a run id, e.g. 20250101T120000000-a1b2c3")]
Name = Annotated[str, Field(min_length=1, max_length=64)]
SearchText = Annotated[str, Field(min_length=1, max_length=200)]
Settings = Annotated[dict[str, Any], Field(max_length=100), max_json_bytes(MAX_SETTINGS_BYTES)]
Credentials = Annotated[
    dict[Annotated[str, Field(max_length=100)], Annotated[str, Field(max_length=4096)]],
    Field(max_length=20),
    max_json_bytes(MAX_SETTINGS_BYTES),
]
Record = Annotated[dict[str, Any], max_json_bytes(MAX_RECORD_BYTES)]
MAX_FILTER_VALUES = 50  # distinct values of one filter parameter (sync ids: MAX_SYNC_IDS)
ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def _splitter(limit: int | None) -> Callable[[Any], Any]:
    """Accept repeated parameters and comma-separated values alike; repeats count once, and a
    parameter carries at least one value and at most `limit` distinct values (422 otherwise)."""

    def split(value: Any) -> Any:
        if value is None:
            return None
        values = value if isinstance(value, list) else [value]
        out: list[Any] = []
        for v in values:
            if isinstance(v, str):
                out.extend(p.strip() for p in v.split(",") if p.strip())
            elif v not in out:  # not a string: the model refuses it; keep it unhashed
                out.append(v)
        out = list(dict.fromkeys(out)) if all(isinstance(v, str) for v in out) else out
        if limit is not None and len(out) > limit:
            raise PydanticCustomError("too_many_values", "at most {limit} distinct values", {"limit": limit})
        if not out:  # `?sync_id=`: a filter with no value must not widen to everything
            raise PydanticCustomError("empty_filter", "give at least one value, or leave the parameter out")
        return out

    return split


_split = _splitter(MAX_FILTER_VALUES)


NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


def _iso_only(value: Any) -> Any:
    """Times are ISO 8601 text only. A number (which the parser would read as an epoch) is 422;
    text that is no time at all is left to the parser (400, malformed)."""
    if value is None or isinstance(value, datetime):
        return value
    if (
        not isinstance(value, str)
        or NUMBER.match(value)
        or (value[:1].isdigit() and not ISO_8601.match(value))
    ):
        raise PydanticCustomError("iso_timestamp", "an ISO 8601 time is required, e.g. 2025-01-31T12:00:00Z")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Body(_Strict):
    """A JSON body: types as the schema says (no "5" for 5, no 0 for false)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class WindowParams(_Strict):
    days: int | None = Field(default=None, ge=1, le=MAX_DAYS, description="the last N days (default 5)")
    period: Period | None = Field(
        default=None,
        description="today, yesterday, this_week or last_week, in the company group's time zone "
        "(GET /company-group; weeks start on Monday)",
    )
    from_: datetime | None = Field(default=None, alias="from", description="window start, ISO 8601")
    to: datetime | None = Field(default=None, description="window end, ISO 8601 (default now)")

    _iso_times = field_validator("from_", "to", mode="before")(_iso_only)

    def window(self, *, default: bool = True) -> tuple[datetime | None, datetime | None, str]:
        from syncline.api.context import tenant_timezone

        zone = tenant_timezone() if self.period else "UTC"  # read only when a period needs it
        return resolve_window(self.days, self.from_, self.to, period=self.period, default=default, zone=zone)


class FilterParams(WindowParams):
    """What selects report entries; the same in search, export and resync-by-filter."""

    status: list[Status] | None = Field(default=None, description="OK, Sent, Pending, Failed (several)")
    service: list[Id] | None = Field(
        default=None, max_length=MAX_FILTER_VALUES, description="service ids (several)"
    )
    source_system: list[Name] | None = Field(
        default=None, max_length=MAX_FILTER_VALUES, description="source systems (several)"
    )
    destination_system: list[Name] | None = Field(
        default=None, max_length=MAX_FILTER_VALUES, description="destination systems (several)"
    )
    entity: list[Name] | None = Field(
        default=None, max_length=MAX_FILTER_VALUES, description="entity on either side (several)"
    )
    source_entity: list[Name] | None = Field(default=None, max_length=MAX_FILTER_VALUES)
    destination_entity: list[Name] | None = Field(default=None, max_length=MAX_FILTER_VALUES)
    run: RunId | None = Field(default=None, description="one run's entries (no default window)")
    sync_id: list[SyncId] | None = Field(
        default=None, max_length=MAX_SYNC_IDS, description="sync ids, exact (no default window)"
    )
    reference: SearchText | None = Field(default=None, description="exact, or a prefix ending in '*'")
    source_id: SearchText | None = Field(default=None, description="exact, or a prefix ending in '*'")
    endpoint_id: SearchText | None = Field(default=None, description="exact, or a prefix ending in '*'")

    _split_lists = field_validator(
        "status",
        "service",
        "source_system",
        "destination_system",
        "entity",
        "source_entity",
        "destination_entity",
        mode="before",
    )(_split)
    # sync ids: de-duplicated here; more than MAX_SYNC_IDS is a 400 (the field's max_length)
    _split_ids = field_validator("sync_id", mode="before")(_splitter(None))

    def to_query(self, sort: Sort = "time", order: Literal["desc", "asc"] = "desc") -> ReportQuery:
        # A run or sync id names its entries: no default window, unless one is asked for.
        start, end, window = self.window(default=not (self.run or self.sync_id))
        return ReportQuery(
            statuses=tuple(self.status or ()),
            services=tuple(self.service or ()),
            source_systems=tuple(self.source_system or ()),
            destination_systems=tuple(self.destination_system or ()),
            entities=tuple(self.entity or ()),
            source_entities=tuple(self.source_entity or ()),
            destination_entities=tuple(self.destination_entity or ()),
            run_id=self.run,
            sync_ids=tuple(dict.fromkeys(self.sync_id or ())),
            reference=Match.parse(self.reference, "reference") if self.reference else None,
            source_id=Match.parse(self.source_id, "source_id") if self.source_id else None,
            endpoint_id=Match.parse(self.endpoint_id, "endpoint_id") if self.endpoint_id else None,
            start=start,
            end=end,
            window=window,
            sort=sort,
            order=order,
        )


class ReportParams(FilterParams):
    sort: Sort = Field(
        default="time",
        description="time; status (then time); service (by id, then newest run); reference (A to Z)",
    )
    order: Literal["desc", "asc"] = Field(default="desc", description="desc: newest (or Failed) first")
    fields: Literal["default", "additional"] = Field(
        default="default", description="additional: source and endpoint ids and the latest attempt"
    )
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(default=None, max_length=8192, description="next_cursor of the previous page")


class ExportParams(FilterParams):
    sort: Sort = "time"
    order: Literal["desc", "asc"] = "desc"


class ResyncBody(_Body):
    """Exactly one of `sync_ids` and `filter` (said in the OpenAPI document too)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "oneOf": [
                {"required": ["sync_ids"], "properties": {"sync_ids": {"type": "array"}}},
                {"required": ["filter"], "properties": {"filter": {"type": "object"}}},
            ]
        },
    )

    sync_ids: list[SyncId] | None = Field(default=None, min_length=1, max_length=MAX_RESYNC_IDS)
    filter: FilterParams | None = Field(
        default=None, description="entries matching it (default status Failed)"
    )
    limit: int = Field(
        default=MAX_RESYNC_IDS, ge=1, le=MAX_RESYNC_IDS, description="filter: at most this many"
    )
    dry_run: bool = Field(default=False, description="say what would be queued, change nothing")
    refetch: bool = Field(
        default=False,
        description="fetch each record again from its source by its source id and push that, not the "
        "stored payload (refused as cannot_refetch where the source connector cannot: SFTP)",
    )

    @model_validator(mode="after")
    def _one_selection(self) -> ResyncBody:
        if (self.sync_ids is None) == (self.filter is None):
            raise ValueError("give exactly one of sync_ids and filter")
        return self


class RunsParams(WindowParams):
    service: Id | None = None
    status: list[RunStatus] | None = Field(
        default=None, description="Running, OK, Failed, Resynced (a finished run a resync emptied)"
    )
    trigger: list[Trigger] | None = Field(
        default=None, description="schedule, manual, inbound, sweeper, resync"
    )
    sort: Literal["started", "duration", "failures"] = Field(
        default="started", description="started (default), duration, or failures (Failed entries)"
    )
    order: Literal["desc", "asc"] = Field(default="desc", description="desc: newest, longest, most first")
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(default=None, max_length=8192)

    _split_lists = field_validator("status", "trigger", mode="before")(_split)


class DashboardParams(WindowParams):
    pass


class DashboardFilterParams(DashboardParams):
    status: list[Status] | None = Field(
        default=None, description="only these entry statuses in the totals (several)"
    )
    service: list[Id] | None = Field(
        default=None, max_length=MAX_FILTER_VALUES, description="only these services (several)"
    )

    _split_lists = field_validator("status", "service", mode="before")(_split)


class FailuresParams(_Strict):
    days: int = Field(default=7, ge=1, le=MAX_DAYS, description="the last N days (default 7)")
    service: list[Id] | None = Field(default=None, max_length=MAX_FILTER_VALUES, description="service ids")

    _split_lists = field_validator("service", mode="before")(_split)


class CompanyGroupUpdate(_Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    timezone: str | None = Field(
        default=None, max_length=64, description="an IANA time zone name, e.g. Europe/Berlin"
    )

    @field_validator("timezone")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        return None if value is None else known_timezone(value)


class HistoryParams(_Strict):
    limit: int = Field(default=50, ge=1, le=200)


class ServiceListParams(_Strict):
    q: SearchText | None = Field(default=None, description="matches id, type and name, case insensitive")
    status: Literal["active", "inactive"] | None = None
    type: Literal["standard", "sweeper"] | None = None
    alerts: Literal["on", "off"] | None = Field(default=None, description="whether its alerts are enabled")
    source_system: Name | None = None
    source_entity: Name | None = None
    destination_system: Name | None = None
    destination_entity: Name | None = None


# ---------------------------------------------------------------------------------- connectors


class ConnectorCreate(_Body):
    connector_id: Id
    system: Name
    name: str = Field(min_length=1, max_length=200)
    base_url: str | None = Field(default=None, max_length=2000)
    settings: Settings = Field(default_factory=dict)
    credentials: Credentials | None = Field(default=None, description="write-only: stored in Secrets Manager")
    timezone: str = Field(default="UTC", max_length=64)
    date_format: str = Field(default="%Y-%m-%dT%H:%M:%S%z", max_length=64)


class ConnectorUpdate(_Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    base_url: str | None = Field(default=None, max_length=2000)
    settings: Settings | None = None
    credentials: Credentials | None = Field(default=None, description="write-only: replaces the stored set")
    timezone: str | None = Field(default=None, max_length=64)
    date_format: str | None = Field(default=None, max_length=64)


# ---------------------------------------------------------------------------------- services


class SweeperBody(SweeperSettings):
    """A sweeper's settings as a JSON body gives them: types as the schema says."""

    model_config = ConfigDict(extra="forbid", strict=True)


class AlertEventsBody(AlertEvents):
    model_config = ConfigDict(extra="forbid", strict=True)


class AutoPauseBody(AutoPause):
    model_config = ConfigDict(extra="forbid", strict=True)


class AlertsBody(AlertSettings):
    """A service's alert settings as a JSON body gives them (the whole set: what is not given takes
    its default)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    events: AlertEventsBody = Field(default_factory=AlertEventsBody)
    auto_pause: AutoPauseBody = Field(default_factory=AutoPauseBody)


class ServiceCreate(_Body):
    service_id: Id
    name: str = Field(min_length=1, max_length=200)
    type: Literal["standard", "sweeper"] = "standard"
    active: bool = True
    schedule: str | None = Field(default="rate(5 minutes)", max_length=200)
    source: Endpoint
    destination: Endpoint
    filters: Rules = Field(default_factory=list)
    mappings: Rules = Field(default_factory=list)
    payload_script: str | None = Field(default=None, max_length=MAX_SCRIPT_CHARS)
    alerts: AlertsBody = Field(
        default_factory=AlertsBody,
        description="enabled, groups (notification group ids), mode (digest or immediate), window_minutes "
        "(5 to 1440), events, auto_pause",
    )
    settings: ServiceSettings = Field(default_factory=ServiceSettings)
    sweeper: SweeperBody | None = Field(
        default=None,
        description="type sweeper only: what it sweeps (sweeps, window_days, include_permanent, max_per_run)",
    )
    inbound_path: str | None = Field(
        default=None,
        pattern=SLUG_PATTERN,
        description="inbound source only: the slug of POST /inbound/{tenant_id}/{path} "
        "(default: the service id)",
    )
    notes: str = Field(default="", max_length=MAX_NOTES_CHARS)


class ServiceSettingsPatch(_Body):
    max_attempts: int | None = Field(default=None, ge=1, le=5)
    page_size: int | None = Field(default=None, ge=1, le=1000)
    concurrency: int | None = Field(default=None, ge=1, le=100)
    retry_base_seconds: int | None = Field(default=None, ge=0, le=3600)
    retry_max_seconds: int | None = Field(default=None, ge=0, le=43200)


class ServiceUpdate(_Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    type: Literal["standard", "sweeper"] | None = None
    active: bool | None = None
    schedule: str | None = Field(default=None, max_length=200)
    source: Endpoint | None = None
    destination: Endpoint | None = None
    filters: Rules | None = None
    mappings: Rules | None = None
    payload_script: str | None = Field(default=None, max_length=MAX_SCRIPT_CHARS)
    alerts: AlertsBody | None = Field(default=None, description="replaces the service's alert settings")
    settings: ServiceSettingsPatch | None = None
    sweeper: SweeperBody | None = Field(default=None, description="type sweeper only: replaces the set")
    inbound_path: str | None = Field(default=None, pattern=SLUG_PATTERN)
    notes: str | None = Field(default=None, max_length=MAX_NOTES_CHARS)


class NotificationGroupCreate(_Body):
    group_id: Id
    name: str = Field(min_length=1, max_length=200)
    recipients: list[EmailAddress] = Field(min_length=1, max_length=MAX_RECIPIENTS)


class NotificationGroupUpdate(_Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    recipients: list[EmailAddress] | None = Field(default=None, min_length=1, max_length=MAX_RECIPIENTS)


class AlertHistoryParams(_Strict):
    limit: int = Field(default=50, ge=1, le=200)


class CloneBody(_Body):
    service_id: Id
    name: str | None = Field(default=None, min_length=1, max_length=200)


class RunNowBody(_Body):
    since: str | None = Field(
        default=None, min_length=1, max_length=64, description="pull from this ISO 8601 time, not the cursor"
    )
    page_size: int | None = Field(default=None, ge=1, le=1000)

    @field_validator("since")
    @classmethod
    def _since_is_a_time(cls, value: str | None) -> str | None:
        """A time, or the run would start from whatever the connector makes of the text (a
        full re-pull, for most)."""
        if value is None:
            return value
        try:
            if ISO_8601.match(value):
                datetime.fromisoformat(value.replace("Z", "+00:00"))
                return value
        except ValueError:
            pass
        raise PydanticCustomError("iso_timestamp", "an ISO 8601 time is required, e.g. 2025-01-31T12:00:00Z")


class NotesBody(_Body):
    notes: str = Field(max_length=MAX_NOTES_CHARS)


class PreviewBody(_Body):
    """A sample source record, and optionally unsaved rules to try instead of the saved ones."""

    record: Record
    filters: Rules | None = None
    mappings: Rules | None = None
    payload_script: str | None = Field(default=None, max_length=MAX_SCRIPT_CHARS)


# ---------------------------------------------------------------------------------- lookup tables

LOOKUP_COLUMN_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$"
LookupColumn = Annotated[
    str,
    Field(pattern=LOOKUP_COLUMN_PATTERN, description="a column name: letters, digits, ' ', '_', '.', '-'"),
]
# A row is [left, right]. Row count, value length and repeated left values are checked by the
# library (422 naming the row), not here.
LookupRow = Annotated[list[str], Field(min_length=2, max_length=2, description="[left value, right value]")]


class _LookupTable(_Body):
    left_column: LookupColumn = "left"
    right_column: LookupColumn = "right"
    rows: list[LookupRow] = Field(default_factory=list, description="[left, right] pairs")
    default_left: str | None = Field(
        default=None, description="the answer when a right-to-left lookup misses"
    )
    default_right: str | None = Field(
        default=None, description="the answer when a left-to-right lookup misses"
    )


class LookupCreate(_LookupTable):
    """A new lookup table. Rows are [left, right]; left values are unique."""

    name: Id


class LookupReplace(_LookupTable):
    """A lookup table's new content (everything not given takes its default)."""

    name: Id | None = Field(default=None, description="if given, the name in the path")


# ---------------------------------------------------------------------------------- responses


class ErrorField(BaseModel):
    field: str
    message: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: list[ErrorField]


class ErrorResponse(BaseModel):
    error: ErrorDetail


class ReportEntry(BaseModel):
    sync_id: str
    run_id: str
    service_id: str
    status: Status
    reference: str
    source_system: str
    source_entity: str
    destination_system: str
    destination_entity: str
    created_at: str
    updated_at: str
    source_id: str | None = Field(default=None, description="with fields=additional")
    endpoint_id: str | None = Field(default=None, description="with fields=additional")
    earlier_runs: list[str] | None = Field(
        default=None,
        description="with fields=additional: the runs the entry was in before its run_id (a resync "
        "moved it), oldest first, the last 20; empty if never resynced",
    )
    latest: dict[str, Any] | None = Field(default=None, description="with fields=additional")


class ReportPageResponse(BaseModel):
    items: list[ReportEntry]
    next_cursor: str | None
    window: dict[str, str | None]
    plan: str


class ResyncResponse(BaseModel):
    queued: int
    run_ids: list[str]
    refused: list[dict[str, str]]
    refused_counts: dict[str, int]
    more: bool
    dry_run: bool
    would_queue: list[str] | None = None


class ExportStatus(BaseModel):
    export_id: str
    status: Literal["running", "done", "failed"]
    rows: int
    url: str | None = None
    expires_at: str | None = None
    poll: str | None = None


class InboundClientCreate(_Body):
    name: str = Field(default="", max_length=200)
    services: list[Annotated[str, Field(pattern=ID_PATTERN)]] | None = Field(
        default=None, min_length=1, max_length=100, description="the services it may push to (default: all)"
    )
    rate_per_second: float = Field(default=50.0, gt=0, le=10_000, description="token bucket refill rate")
    burst: int = Field(default=100, ge=1, le=100_000, description="token bucket size")


# ---------------------------------------------------------------------------------- config as code

ConfigPath = Annotated[str, Field(min_length=1, max_length=300, description="a path inside the directory")]
ConfigText = Annotated[str, Field(max_length=1_000_000)]


class ConfigFilesBody(_Body):
    """A configuration directory as {relative path: text} (`syncline config` sends it so)."""

    files: dict[ConfigPath, ConfigText] = Field(
        max_length=1000,
        description="connectors/<id>.yaml, lookups/<name>.yaml and .csv, notification-groups/<id>.yaml, "
        "services/<id>.yaml; other paths are ignored",
    )
    prune: bool = Field(
        default=False, description="also delete what the company group has and the files do not"
    )
    credentials: dict[Id, Credentials] | None = Field(
        default=None,
        description="write-only: {connector_id: {credential name: value}} for the credentials the connector "
        "files name (never stored but in Secrets Manager, never returned)",
    )


class ConfigApplyBody(ConfigFilesBody):
    dry_run: bool = Field(default=False, description="answer the plan, change nothing")
