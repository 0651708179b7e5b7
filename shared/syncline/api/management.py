"""Connectors and services behind the API: validation, storage, secrets, schedules.

Every function takes the authenticated company group and reads and writes only its rows, so an
id of another group is simply not found. Credentials go to Secrets Manager only
(wiring.store_credentials); they are never stored in DynamoDB, returned, or logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import ValidationError

from syncline import schedules
from syncline.api.models import (
    CloneBody,
    ConnectorCreate,
    ConnectorUpdate,
    PreviewBody,
    RunNowBody,
    ServiceCreate,
    ServiceListParams,
    ServiceUpdate,
)
from syncline.deps import Deps
from syncline.errors import Conflict, Invalid, NotFound
from syncline.models import (
    DEFAULT_SCHEDULE,
    SWEEPER_SCHEDULE,
    ConnectorConfig,
    Run,
    Service,
    Status,
    Trigger,
    iso,
    utcnow,
)
from syncline.observability import logger
from syncline.reports import ReportQuery, dashboard, entry, search, validation_fields

# ---------------------------------------------------------------------------------- connectors


# What only an inbound connector has: its status comes from its pushes.
_PUSH_FIELDS = frozenset({"last_push_at", "last_rejection_at", "last_rejection"})


def connector_view(connector: ConnectorConfig) -> dict[str, Any]:
    """A connector as the API shows it: never the credentials, nor where they are kept."""
    hidden = {"tenant_id", "credentials_secret_arn"}
    if connector.system != "inbound":
        hidden |= _PUSH_FIELDS
    out = connector.model_dump(mode="json", exclude=hidden)
    out["has_credentials"] = connector.credentials_secret_arn is not None
    if connector.system == "inbound":
        from syncline.inbound.ingest import record_schema

        try:
            out["schema"] = record_schema(connector)
        except ValueError:
            out["schema"] = None
    return out


def _configuration_error(exc: Exception) -> Invalid:
    field = getattr(exc, "field", "body")
    message = getattr(exc, "message", "invalid configuration")
    return Invalid(f"{field}: {message}", fields=[{"field": f"body.{field}", "message": message}])


def _check_connector(
    system: str,
    base_url: str | None,
    settings: Mapping[str, Any],
    credentials: Mapping[str, Any] | None,
    timezone: str,
    date_format: str,
) -> None:
    from syncline.connectors import ConfigurationError
    from syncline.connectors.registry import validate_connector_config

    try:
        validate_connector_config(
            system, base_url, settings, credentials, timezone=timezone, date_format=date_format
        )
    except ConfigurationError as exc:
        raise _configuration_error(exc) from None


# A connector row must fit in one DynamoDB item (400 KB) with room for its secret's ARN.
MAX_CONNECTOR_ROW_BYTES = 380_000
_ARN_ALLOWANCE = 2048


def _connector(tenant_id: str, values: Mapping[str, Any]) -> ConnectorConfig:
    from syncline.store import item_size

    try:
        connector = ConnectorConfig.model_validate({"tenant_id": tenant_id, **values})
    except ValidationError as exc:
        raise Invalid("the connector is not valid", fields=validation_fields(exc)) from None
    row = connector.model_dump(mode="json")
    if item_size(row) + _ARN_ALLOWANCE > MAX_CONNECTOR_ROW_BYTES:
        sizes = {name: item_size({name: row.get(name)}) for name in ("settings", "name", "base_url")}
        biggest = max(sizes, key=lambda name: sizes[name])
        raise Invalid(
            "the connector is too large to store",
            fields=[
                {
                    "field": f"body.{biggest}",
                    "message": f"too large (at most {MAX_CONNECTOR_ROW_BYTES // 1000} KB in all)",
                }
            ],
        )
    return connector


def _destination(url: str | None) -> tuple[str, str, int | None, str] | None:
    """Where requests to `url` go: scheme, host, port (the scheme's default spelled out), path."""
    from urllib.parse import urlsplit

    if not url:
        return None
    try:
        parts = urlsplit(str(url))
        port = parts.port
    except ValueError:
        return ("?", str(url), None, "")
    scheme = parts.scheme.lower()
    if port is None:
        port = {"http": 80, "https": 443, "sftp": 22}.get(scheme)
    return scheme, (parts.hostname or "").lower().rstrip("."), port, parts.path.rstrip("/")


def _destinations(base_url: Any, settings: Mapping[str, Any] | None) -> tuple[Any, ...]:
    """Every place the connector sends its credentials: the base URL and an OAuth2 token URL."""
    token_url = (settings or {}).get("token_url")
    return (
        _destination(str(base_url) if base_url else None),
        _destination(token_url if isinstance(token_url, str) else None),
    )


def moves(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """Whether a connector's new `base_url` and `settings` send its credentials somewhere else."""
    return _destinations(before.get("base_url"), before.get("settings")) != _destinations(
        after.get("base_url"), after.get("settings")
    )


def create_connector(deps: Deps, tenant_id: str, body: ConnectorCreate) -> ConnectorConfig:
    from syncline import wiring

    # No credentials are no credentials: a system that needs some gets a 422 naming each missing
    # field now, not a connector that fails its first pull.
    _check_connector(
        body.system, body.base_url, body.settings, body.credentials or {}, body.timezone, body.date_format
    )
    values = body.model_dump(exclude={"credentials"})
    connector = _connector(tenant_id, values)  # the full row, its size included, before any write
    deps.config.put_connector(connector, create=True)  # 409 when the id is taken
    if body.credentials is not None:
        arn: str | None = None
        try:
            arn = wiring.store_credentials(tenant_id, connector.connector_id, body.credentials)
            connector = connector.model_copy(update={"credentials_secret_arn": arn})
            deps.config.put_connector(connector)
        except Exception:
            deps.config.delete_connector(tenant_id, connector.connector_id)
            if arn is not None:
                wiring.delete_credentials(arn)
            raise
    return connector


def get_connector(deps: Deps, tenant_id: str, connector_id: str) -> ConnectorConfig:
    return deps.config.require_connector(tenant_id, connector_id)


def update_connector(deps: Deps, tenant_id: str, connector_id: str, body: ConnectorUpdate) -> ConnectorConfig:
    from syncline import wiring

    current = deps.config.require_connector(tenant_id, connector_id)
    changes = body.model_dump(exclude_unset=True, exclude={"credentials"})
    merged = current.model_dump(mode="json") | changes | {"updated_at": utcnow().isoformat()}
    credentials = body.credentials
    moved = moves(current.model_dump(mode="json"), merged)
    if moved and credentials is None and current.credentials_secret_arn:
        # Stored credentials never follow a connector to a new destination: whoever points it
        # elsewhere must know them (else any API key of the group could collect the token).
        message = "required when base_url (or another destination: host, scheme, port, path) changes"
        raise Invalid(
            f"credentials: {message}",
            fields=[{"field": "body.credentials", "message": message}],
        )
    if credentials is None and current.credentials_secret_arn:
        credentials = dict(wiring.credentials(current.credentials_secret_arn))
    base_url = merged.get("base_url")
    _check_connector(
        current.system,
        str(base_url) if base_url is not None else None,
        merged.get("settings") or {},
        credentials or {},  # settings that now need a credential the connector lacks: 422
        merged["timezone"],
        merged["date_format"],
    )
    merged.pop("tenant_id", None)
    connector = _connector(tenant_id, merged)  # the full new row, its size included, first
    if body.credentials is None:
        deps.config.put_connector(connector)
        return connector
    # The secret and the row change together: a failed row write puts the previous secret back.
    previous = wiring.secret_value(tenant_id, connector_id)
    arn = wiring.store_credentials(tenant_id, connector_id, body.credentials)
    connector = connector.model_copy(update={"credentials_secret_arn": arn})
    try:
        deps.config.put_connector(connector)
    except Exception:
        try:
            wiring.restore_credentials(tenant_id, connector_id, previous)
        except Exception as exc:  # the original error matters more; this one is logged
            logger.error("could not restore a connector secret", extra={"error_type": type(exc).__name__})
        raise
    return connector


def stored_credentials(connector: ConnectorConfig) -> dict[str, str]:
    """The connector's credentials as its secret holds them (empty: none), to compare with a new set
    and to name its fields; never to be returned, stored elsewhere or logged."""
    from syncline import wiring

    return dict(wiring.credentials(connector.credentials_secret_arn))


def services_using(deps: Deps, tenant_id: str, connector_id: str) -> list[Service]:
    return [
        s
        for s in deps.config.list_services(tenant_id)
        if connector_id in (s.source.connector_id, s.destination.connector_id)
    ]


def delete_connector(deps: Deps, tenant_id: str, connector_id: str) -> None:
    from syncline import aws

    connector = deps.config.require_connector(tenant_id, connector_id)
    users = services_using(deps, tenant_id, connector_id)
    if users:
        names = ", ".join(s.service_id for s in users)
        raise Conflict(
            f"connector {connector_id!r} is used by {len(users)} service(s): {names}",
            fields=[{"field": "connector_id", "message": f"used by service {s.service_id}"} for s in users],
        )
    deps.config.delete_connector(tenant_id, connector_id)
    if connector.credentials_secret_arn:
        try:  # without a recovery window, so the id can be used again at once
            aws.client("secretsmanager").delete_secret(
                SecretId=connector.credentials_secret_arn, ForceDeleteWithoutRecovery=True
            )
        except Exception as exc:  # the connector is gone; an orphan secret is logged, not fatal
            logger.warning("could not delete a connector secret", extra={"error_type": type(exc).__name__})


def connector_status(connector: ConnectorConfig) -> dict[str, Any]:
    """The health status; an inbound connector's is what its pushes say (nothing is checked):
    Unknown until a push has a record accepted, and its last push and last refusal."""
    out: dict[str, Any] = {
        "connector_id": connector.connector_id,
        "health_status": connector.health_status.value,
        "health_reason": connector.health_reason,
        "health_checked_at": _when(connector.health_checked_at),
    }
    if connector.system == "inbound":
        out |= {
            "last_push_at": _when(connector.last_push_at),
            "last_rejection_at": _when(connector.last_rejection_at),
            "last_rejection": connector.last_rejection,
        }
    return out


def _when(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def check_connector_now(deps: Deps, tenant_id: str, connector_id: str) -> tuple[int, dict[str, Any]]:
    """Check one connector now and record it as the scheduled check would (a history row when the
    status changed): 200 with the status; or, when the connector's longest check outlives the
    API's time, 202 with the status URL to follow (the health function checks it)."""
    from syncline.monitor import request_check

    asked = request_check(deps, deps.config.require_connector(tenant_id, connector_id))
    status = connector_status(deps.config.require_connector(tenant_id, connector_id))
    if asked is None:
        return 200, status
    follow = {"check_requested_at": asked.isoformat(), "status_url": f"/connectors/{connector_id}/status"}
    return 202, status | follow


def connector_summary(
    deps: Deps, tenant_id: str, connector_id: str, start: datetime, end: datetime
) -> dict[str, Any]:
    connector = deps.config.require_connector(tenant_id, connector_id)
    users = services_using(deps, tenant_id, connector_id)
    ids = [s.service_id for s in users]
    totals = dashboard(deps, tenant_id, start, end, service_ids=ids)
    failed: list[dict[str, Any]] = []
    if ids:
        query = ReportQuery(
            statuses=(Status.FAILED,), services=tuple(ids), start=start, end=end, window="summary"
        )
        failed = [entry(i, additional=True) for i in search(deps, tenant_id, query, limit=10).items]
    return {
        "connector": connector_view(connector),
        "status": connector_status(connector),
        "services": [
            {
                "service_id": s.service_id,
                "name": s.name,
                "role": "source" if s.source.connector_id == connector_id else "destination",
                "active": s.active,
            }
            for s in users
        ],
        "from": totals["from"],
        "to": totals["to"],
        "totals": totals["totals"],
        "days": totals["days"],
        "failure_rate": totals["failure_rate"],
        "recent_failed": failed,
        "rate_limit": rate_limit_view(deps, connector),
    }


def rate_limit_view(deps: Deps, connector: ConnectorConfig) -> dict[str, Any] | None:
    """The budget in force (settings over the system's defaults), and what the shared bucket
    counted: requests made through it and throttled responses (429s). None for a system without
    an HTTP budget (SFTP) or settings that no longer parse."""
    from syncline.connectors import ConfigurationError
    from syncline.connectors.http import HttpConnector
    from syncline.connectors.registry import connector_class
    from syncline.store.rate_store import RateStore

    try:
        cls = connector_class(connector.system)
        if not issubclass(cls, HttpConnector):
            return None
        budget = cls.effective_rate_limit(cls.parse_settings(connector.settings))  # type: ignore[arg-type]
    except ConfigurationError:
        return None
    state = RateStore(deps.config.name).state(connector.tenant_id, connector.connector_id)
    paused = state.paused_until if state else None
    return {
        "budget": {**budget.model_dump(), "unit": cls.rate_unit},
        "requests": state.requests if state else 0,
        "throttled": state.throttled if state else 0,
        "paused_until": iso(datetime.fromtimestamp(paused, UTC)) if paused else None,
    }


def systems_catalog() -> list[dict[str, Any]]:
    from syncline.connectors.registry import describe, systems

    return [describe(name) for name in systems()]


# ---------------------------------------------------------------------------------- services


def service_view(
    service: Service,
    connectors: Mapping[str, ConnectorConfig] | None = None,
    pulls: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """A service as the API shows it; given the company group's connectors, each end also says
    its system and connector name (null when the connector is gone); given its pulls, when it last
    pulled and how many pulls since its last run found nothing (those open no run). `alerts_on`
    is the list's alert indicator: whether a failure of this service emails anyone."""
    out = service.model_dump(mode="json", exclude={"tenant_id"})
    if not out.get("schedule"):
        out["schedule"] = None
    out["alerts_on"] = service.alerts.enabled
    if connectors is not None:
        for end in ("source", "destination"):
            row = connectors.get(out[end]["connector_id"])
            out[end] |= {"system": row.system if row else None, "connector_name": row.name if row else None}
    if pulls is not None:
        out["last_pull"] = dict(pulls.get(service.service_id) or {"last_pull_at": None, "empty_pulls": 0})
    return out


def service_views(deps: Deps, tenant_id: str, services: list[Service]) -> list[dict[str, Any]]:
    """Services with their systems and pulls: the company group's connectors and pulls read once
    (a Query each)."""
    if not services:
        return []
    connectors = {c.connector_id: c for c in deps.config.list_connectors(tenant_id)}
    pulls = deps.config.pulls(tenant_id)
    return [service_view(s, connectors, pulls) for s in services]


def _service(tenant_id: str, values: Mapping[str, Any]) -> Service:
    try:
        return Service.model_validate({**values, "tenant_id": tenant_id})
    except ValidationError as exc:
        raise Invalid("the service is not valid", fields=validation_fields(exc)) from None


def _entities(connector: ConnectorConfig) -> Mapping[str, frozenset[str]] | None:
    from syncline.connectors import ConfigurationError
    from syncline.connectors.registry import connector_class

    try:
        cls = connector_class(connector.system)
        return cls.entities_for(cls.parse_settings(connector.settings))
    except ConfigurationError:
        return None


def validate_service(deps: Deps, service: Service) -> ConnectorConfig | None:
    """Every problem of a service, in one 422: schedule, connectors of this company group, entity
    directions, and the mapping validator's findings with their rule index. Returns the source
    connector (its time zone is the rules' and the schedule's)."""
    from syncline.mapping import validate_rules

    problems: list[dict[str, Any]] = []
    if service.schedule:
        problem = schedules.check_expression(service.schedule)
        if problem:
            problems.append({"field": "body.schedule", "message": problem})
    ends: dict[str, ConnectorConfig | None] = {}
    for side, direction in (("source", "pull"), ("destination", "push")):
        endpoint = service.source if side == "source" else service.destination
        connector = deps.config.get_connector(service.tenant_id, endpoint.connector_id)
        ends[side] = connector
        if connector is None:
            problems.append(
                {"field": f"body.{side}.connector_id", "message": f"no connector {endpoint.connector_id!r}"}
            )
            continue
        entities = _entities(connector)
        if entities and direction not in entities.get(endpoint.entity, frozenset()):
            can = sorted(name for name, dirs in entities.items() if direction in dirs)
            problems.append(
                {
                    "field": f"body.{side}.entity",
                    "message": f"{connector.system} cannot {direction} {endpoint.entity!r}; "
                    f"it can {direction}: {', '.join(can) or 'nothing'}",
                }
            )
    source = ends["source"]
    timezone = source.timezone if source else "UTC"
    lookups = deps.config.lookups(service.tenant_id)
    for error in validate_rules(service.filters, service.mappings, service.payload_script, lookups, timezone):
        problems.append(
            {
                "field": f"body.{error.location}",
                "message": error.reason,
                "section": error.section,
                "index": error.index,
            }
        )
    problems += _sweeper_problems(deps, service)
    groups = (
        {g.group_id for g in deps.config.list_notification_groups(service.tenant_id)}
        if service.alerts.groups
        else set()
    )
    for n, group_id in enumerate(service.alerts.groups):
        if group_id not in groups:
            problems.append(
                {"field": f"body.alerts.groups.{n}", "message": f"no notification group {group_id!r}"}
            )
    if problems:
        raise Invalid(f"the service has {len(problems)} problem(s)", fields=problems)
    return source


def _sweeper_problems(deps: Deps, service: Service) -> list[dict[str, Any]]:
    """Sweeper settings on a standard service, and swept services that do not exist (in this
    company group), are sweepers, or are the sweeper itself."""
    from syncline.pipeline.sweep import unknown_swept

    if not service.is_sweeper:
        if service.sweeper is not None:
            message = "only a service of type sweeper has sweeper settings"
            return [{"field": "body.sweeper", "message": message}]
        return []
    return [
        {"field": f"body.sweeper.sweeps.{n}", "message": message}
        for n, _, message in unknown_swept(deps, service)
    ]


def _schedule(service: Service, source: ConnectorConfig | None) -> None:
    schedules.apply(service, timezone=source.timezone if source else "UTC")


def _inbound(deps: Deps, service: Service, source: ConnectorConfig | None) -> Service:
    """An inbound source's service: no schedule, a slug path unique in the company group (409 when
    another service has it). Any other service has no inbound path."""
    if source is None or source.system != "inbound":
        if service.inbound_path is not None:
            message = "only a service with an inbound source has an inbound path"
            raise Invalid(message, fields=[{"field": "body.inbound_path", "message": message}])
        return service
    path = service.inbound_path or service.service_id.lower()
    for other in deps.config.list_services(service.tenant_id):
        if other.service_id != service.service_id and other.inbound_path == path:
            raise Conflict(f"inbound path {path!r} is taken by service {other.service_id!r}")
    # "" (stored, unlike None, which would read back as the default): no schedule, ever
    return service.model_copy(update={"schedule": "", "inbound_path": path})


def create_service(deps: Deps, tenant_id: str, body: ServiceCreate) -> Service:
    values = body.model_dump()
    if body.type == "sweeper" and "schedule" not in body.model_fields_set:
        values["schedule"] = SWEEPER_SCHEDULE  # twice a day, unless told otherwise
    service = _service(tenant_id, values)
    source = validate_service(deps, service)
    service = _inbound(deps, service, source)
    deps.config.put_service(service, create=True)
    try:
        _schedule(service, source)
    except Exception:  # all or nothing: no service left without the schedule it asked for
        deps.config.delete_service(tenant_id, service.service_id, inbound_path=service.inbound_path)
        raise
    return service


def get_service(deps: Deps, tenant_id: str, service_id: str) -> Service:
    return deps.config.require_service(tenant_id, service_id)


def update_service(deps: Deps, tenant_id: str, service_id: str, body: ServiceUpdate) -> Service:
    current = deps.config.require_service(tenant_id, service_id)
    values = current.model_dump()
    changes = body.model_dump(exclude_unset=True)
    if "settings" in changes:
        values["settings"] = values["settings"] | {
            k: v for k, v in (changes.pop("settings") or {}).items() if v is not None
        }
    becomes_sweeper = changes.get("type") == "sweeper" and current.type != "sweeper"
    if becomes_sweeper and "schedule" not in changes and current.schedule == DEFAULT_SCHEDULE:
        changes["schedule"] = SWEEPER_SCHEDULE  # the standard default becomes the sweeper's
    if changes.get("type") == "standard" and "sweeper" not in changes:
        changes["sweeper"] = None  # no sweeper settings left on a standard service
    values.update(changes)
    values["updated_at"] = utcnow()
    service = _service(tenant_id, values)
    source = validate_service(deps, service)
    service = _inbound(deps, service, source)
    deps.config.put_service(service, previous_path=current.inbound_path)
    try:
        _schedule(service, source)
    except Exception:  # all or nothing: the service as it was, with the schedule it had
        deps.config.put_service(current, previous_path=service.inbound_path)
        raise
    return service


def delete_service(deps: Deps, tenant_id: str, service_id: str) -> None:
    current = deps.config.require_service(tenant_id, service_id)
    schedules.delete(tenant_id, service_id)
    deps.config.delete_service(tenant_id, service_id, inbound_path=current.inbound_path)


def clone_service(deps: Deps, tenant_id: str, service_id: str, body: CloneBody) -> Service:
    """A copy under a new id, inactive so it never runs next to the original until switched on.
    A copy of an inbound service gets its own path (its id), never the original's."""
    current = deps.config.require_service(tenant_id, service_id)
    now = utcnow()
    values = current.model_dump() | {
        "service_id": body.service_id,
        "inbound_path": None,
        "name": body.name or f"{current.name} (copy)"[:200],
        "active": False,
        "created_at": now,
        "updated_at": now,
    }
    clone = _service(tenant_id, values)
    clone = _inbound(deps, clone, validate_service(deps, clone))
    deps.config.put_service(clone, create=True)
    return clone


def set_active(deps: Deps, tenant_id: str, service_id: str, active: bool) -> Service:
    from syncline.alerts.engine import run_marker

    current = deps.config.require_service(tenant_id, service_id)
    now = utcnow()
    service = current.model_copy(update={"active": active, "updated_at": now})
    source = validate_service(deps, service) if active else None
    deps.config.put_service(service)
    _schedule(service, source)
    if active and not current.active:  # auto-pause counts failed runs afresh from here
        deps.config.reset_alert_runs(tenant_id, service_id, run_marker(now))
    return service


def set_notes(deps: Deps, tenant_id: str, service_id: str, notes: str) -> Service:
    current = deps.config.require_service(tenant_id, service_id)
    service = current.model_copy(update={"notes": notes, "updated_at": utcnow()})
    deps.config.put_service(service)
    return service


def run_now(deps: Deps, tenant_id: str, service_id: str, body: RunNowBody | None) -> Run:
    """Open a manual run and hand it to the trigger through its queue; the trigger continues the
    run from `since` (the override, else the service's stored cursor)."""
    from syncline.pipeline.fanout import enqueue
    from syncline.pipeline.messages import TriggerRequest
    from syncline.pipeline.sweep import swept_services

    service = deps.config.require_service(tenant_id, service_id)
    systems: list[str] = []
    for endpoint in (service.source, service.destination):
        connector = deps.config.get_connector(tenant_id, endpoint.connector_id)
        if connector is None:
            raise Conflict(
                f"connector {endpoint.connector_id!r} of this service no longer exists",
                fields=[{"field": "service", "message": f"missing connector {endpoint.connector_id}"}],
            )
        systems.append(connector.system)
    body = body or RunNowBody()
    if service.is_sweeper and body.since is not None:
        message = "a sweeper pulls nothing: it sweeps its window (sweeper.window_days)"
        raise Invalid(f"since: {message}", fields=[{"field": "body.since", "message": message}])
    since = (
        None
        if service.is_sweeper
        else body.since
        if body.since is not None
        else deps.config.get_cursor(tenant_id, service_id)
    )
    now = utcnow()
    # Dead if the trigger has not taken it by then (its queue's redelivery window, then its timeout):
    # the reconciler closes it instead of leaving it Running.
    deadline = now + timedelta(seconds=deps.continuation_seconds + deps.invocation_seconds)
    run = Run.opened(
        service,
        Trigger.MANUAL,
        started_at=now,
        pull_deadline=deadline,
        source_system=systems[0],
        destination_system=systems[1],
        since=since,
        swept_services=swept_services(deps, service) if service.is_sweeper else None,
    )
    deps.syncs.create_run(run)
    request = TriggerRequest(
        tenant_id=tenant_id,
        service_id=service_id,
        trigger=Trigger.MANUAL,
        run_id=run.run_id,
        since=since,
        page_size=body.page_size,
    )
    enqueue(deps.trigger_queue_url, [request.model_dump_json(exclude_none=True)])
    return run


def preview(deps: Deps, tenant_id: str, service_id: str, body: PreviewBody) -> dict[str, Any]:
    """Run the service's rules (or the unsaved ones given) on a sample record: whether the filters
    keep it, the output, and a per-rule trace."""
    from syncline.mapping import compile_filters, compile_mapping, first_dropping, validate_rules

    service = deps.config.require_service(tenant_id, service_id)
    given = body.model_fields_set
    filters = body.filters if "filters" in given and body.filters is not None else service.filters
    mappings = body.mappings if "mappings" in given and body.mappings is not None else service.mappings
    script = body.payload_script if "payload_script" in given else service.payload_script
    source = deps.config.get_connector(tenant_id, service.source.connector_id)
    timezone = source.timezone if source else "UTC"
    lookups = deps.config.lookups(tenant_id)
    errors = validate_rules(filters, mappings, script, lookups, timezone)
    if errors:
        problems: list[dict[str, Any]] = [
            {"field": f"body.{e.location}", "message": e.reason, "section": e.section, "index": e.index}
            for e in errors
        ]
        raise Invalid(f"the rules have {len(errors)} problem(s)", fields=problems)
    kept = bool(compile_filters(filters, timezone=timezone)(body.record))
    result = compile_mapping(mappings, script, lookups=lookups, timezone=timezone).preview(body.record)
    dropped = None if kept else first_dropping(filters, body.record, timezone=timezone)
    dropped_by = None if dropped is None else {"index": dropped, "filter": filters[dropped]}
    return {"kept": kept, "dropped_by": dropped_by, **result}


def list_services(deps: Deps, tenant_id: str, params: ServiceListParams) -> list[Service]:
    services = deps.config.list_services(tenant_id)
    connectors: dict[str, ConnectorConfig] = {}
    if params.source_system or params.destination_system:
        connectors = {c.connector_id: c for c in deps.config.list_connectors(tenant_id)}

    def system(connector_id: str) -> str | None:
        row = connectors.get(connector_id)
        return row.system if row else None

    needle = params.q.casefold() if params.q else None
    out = []
    for s in services:
        if needle and not any(needle in text.casefold() for text in (s.service_id, s.type, s.name)):
            continue
        if params.status and s.active != (params.status == "active"):
            continue
        if params.type and s.type != params.type:
            continue
        if params.alerts and s.alerts.enabled != (params.alerts == "on"):
            continue
        if params.source_entity and s.source.entity != params.source_entity:
            continue
        if params.destination_entity and s.destination.entity != params.destination_entity:
            continue
        if params.source_system and system(s.source.connector_id) != params.source_system:
            continue
        if params.destination_system and system(s.destination.connector_id) != params.destination_system:
            continue
        out.append(s)
    return sorted(out, key=lambda s: s.service_id)


def run_started(run: Run) -> dict[str, Any]:
    return {
        "run_id": run.run_id,
        "service_id": run.service_id,
        "trigger": run.trigger.value,
        "status": run.status.value,
        "started_at": iso(run.started_at),
        "run": f"/runs/{run.run_id}",
    }


def not_found(kind: Literal["service", "connector"], ident: str) -> NotFound:
    return NotFound(f"{kind} {ident!r} not found")
