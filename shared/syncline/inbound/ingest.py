"""Inbound pushes: records posted to a service's inbound path become a run of trigger `inbound`.

A push is read (one JSON object, an array of up to MAX_BATCH, or {"payload": "<JSON text>"}),
each record checked against the connector's schema, and the valid ones fanned out exactly as a
pulled page is (syncline.pipeline.fanout: one fan-out page record, one SQS message per record sent
in batches of ten, a record over the message limit kept in S3). So report rows, run totals,
alerts and resync work unchanged. A push joins the service's latest inbound run when that run
started less than the connector's `run_window_seconds` ago (60 by default; 0: a run per push) and
is still open; otherwise it opens a new one. Joining is safe against the run's close: fan-out
counts the records as Pending on the run in one write conditional on the run still running, so
a run that closed meanwhile refuses them (RunClosed) and the push opens a run of its own.

With an Idempotency-Key, a conditional put on a once-row (per client, 24 h) comes first: the same
key again replays the first answer, with another body it is refused (422), and while the first is
still being handled it is a conflict (409). Nothing is queued twice.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from syncline.connectors.base import SourceRecord
from syncline.deps import Deps
from syncline.inbound.clients import Caller
from syncline.inbound.schema import errors as schema_errors
from syncline.models import ConnectorConfig, HealthStatus, Run, RunStatus, Service, Trigger, iso, utcnow
from syncline.pipeline.fanout import RunClosed, fan_out
from syncline.store import RunChange

MAX_REQUEST_BYTES = 6 * 1024 * 1024
MAX_RECORD_BYTES = 1024 * 1024
MAX_BATCH = 1000
MAX_IDEMPOTENCY_KEY = 255
IDEMPOTENCY_SECONDS = 24 * 3600
# A key whose first request never finished (its function timed out, 30 s at most) is free again
# after this long, so a crash cannot block a key for a day.
IN_FLIGHT_SECONDS = 120
INGEST_DAYS = 7
# An inbound connector's last push and last refusal are written at most this often (each).
PUSH_NOTE_SECONDS = 60


@dataclass
class Answer:
    """An HTTP answer of the inbound API: status, JSON body, extra headers."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class InboundError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = fields or []

    def answer(self) -> Answer:
        return Answer(
            self.status, {"error": {"code": self.code, "message": self.message, "fields": self.fields}}
        )


def record_schema(connector: ConnectorConfig) -> dict[str, Any]:
    from syncline.connectors.inbound import InboundSettings

    settings = InboundSettings.model_validate(connector.settings)
    return settings.record_schema()


def parse_records(text: str) -> list[Any]:
    """The records of a push body (already known to be at most MAX_REQUEST_BYTES)."""
    try:
        body = json.loads(text)
    except ValueError:
        raise InboundError(
            400, "bad_request", "the body is not valid JSON", [_field("body", "not JSON")]
        ) from None
    if isinstance(body, dict) and set(body) == {"payload"}:
        payload = body["payload"]
        if not isinstance(payload, str):
            raise InboundError(
                422,
                "invalid",
                "payload: must be a string holding JSON",
                [_field("body.payload", "must be a string")],
            )
        try:
            body = json.loads(payload)
        except ValueError:
            raise InboundError(
                422, "invalid", "payload: the string is not JSON", [_field("body.payload", "not JSON")]
            ) from None
    records = body if isinstance(body, list) else [body]
    if not records:
        raise InboundError(422, "invalid", "no records", [_field("body", "an empty batch")])
    if len(records) > MAX_BATCH:
        raise InboundError(
            413,
            "too_large",
            f"at most {MAX_BATCH} records a request",
            [_field("body", f"{len(records)} records")],
        )
    return records


def _field(name: str, message: str) -> dict[str, Any]:
    return {"field": name, "message": message}


def _source_record(record: dict[str, Any], settings: Any, fallback_id: str) -> SourceRecord:
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"))
    version = hashlib.blake2b(canonical.encode(), digest_size=12).hexdigest()
    raw_id = record.get(settings.id_field)
    source_id = (
        str(raw_id) if isinstance(raw_id, str | int | float) and not isinstance(raw_id, bool) else fallback_id
    )
    raw_ref = record.get(settings.reference_field) if settings.reference_field else None
    reference = str(raw_ref) if isinstance(raw_ref, str | int | float) and raw_ref != "" else source_id
    return SourceRecord(source_id=source_id, reference=reference, version=version, data=record)


def find_service(deps: Deps, tenant_id: str, path: str) -> Service:
    for service in deps.config.list_services(tenant_id):
        if service.inbound_path == path:
            return service
    raise InboundError(404, "not_found", "no such inbound path")


def push(deps: Deps, service: Service, records: list[Any], *, client_id: str) -> Answer:
    """Check every record and fan out the valid ones in one new run."""
    from syncline.connectors.inbound import InboundSettings

    source = deps.config.require_connector(service.tenant_id, service.source.connector_id)
    destination = deps.config.require_connector(service.tenant_id, service.destination.connector_id)
    settings = InboundSettings.model_validate(source.settings)
    schema = settings.record_schema()
    ingest_id = "ing_" + secrets.token_hex(12)
    accepted: list[tuple[int, SourceRecord]] = []
    rejected: list[dict[str, Any]] = []
    for index, record in enumerate(records):
        if len(json.dumps(record).encode()) > MAX_RECORD_BYTES:
            rejected.append({"index": index, "fields": [_field("(record)", "larger than 1 MB")]})
            continue
        if not isinstance(record, dict):
            rejected.append({"index": index, "fields": [_field("(record)", "must be an object")]})
            continue
        problems = schema_errors(record, schema)
        if problems:
            rejected.append({"index": index, "fields": problems})
            continue
        accepted.append((index, _source_record(record, settings, f"{ingest_id}-{index}")))
    where = None
    if rejected:
        first = rejected[0]["fields"][0]
        where = f"record {rejected[0]['index']}: {first['field']}: {first['message']}"[:500]
    note_push(deps, source, accepted=bool(accepted), rejection=where)
    if not accepted:
        return Answer(
            422,
            {
                "error": {
                    "code": "invalid",
                    "message": f"no record is valid; {where}",
                    "fields": [
                        {"field": f"body[{r['index']}].{f['field']}", "message": f["message"]}
                        for r in rejected
                        for f in r["fields"]
                    ][:100],
                },
                "rejected": rejected,
            },
        )
    now = utcnow()
    wanted = [r for _, r in accepted]
    run = _fan_out_joined(deps, service, settings.run_window_seconds, source, destination, wanted)
    from syncline.models import sync_id_for

    sync_ids = [sync_id_for(service.service_id, r.source_id, r.version) for r in wanted]
    deps.config.put_ingest(
        service.tenant_id,
        ingest_id,
        {
            "ingest_id": ingest_id,
            "client_id": client_id,
            "service_id": service.service_id,
            "run_id": run.run_id,
            "sync_ids": sync_ids,
            "indexes": [i for i, _ in accepted],
            "rejected": len(rejected),
            "created_at": iso(now),
        },
        expires_at=int(time.time()) + INGEST_DAYS * 86400,
    )
    body: dict[str, Any] = {
        "ingest_id": ingest_id,
        "run_id": run.run_id,
        "accepted": len(accepted),
        "sync_ids": sync_ids,
        "status_url": f"/inbound/ingests/{ingest_id}",
    }
    if rejected:
        body["rejected"] = rejected
    return Answer(202, body)


def note_push(deps: Deps, source: ConnectorConfig, *, accepted: bool, rejection: str | None) -> None:
    """What a push says about its inbound connector, whose status comes from pushes (there is
    nothing to check): the first push with a record accepted makes it Connector Operational; the
    connector keeps when a record was last accepted and the last refusal (its first problem). At
    most one write a minute each, unless the refusal changes, so a busy stream costs no more."""
    now = utcnow()

    def recent(at: datetime | None) -> bool:
        return at is not None and (now - at).total_seconds() < PUSH_NOTE_SECONDS

    note_accepted = accepted and not recent(source.last_push_at)
    note_rejection = rejection is not None and not (
        recent(source.last_rejection_at) and source.last_rejection == rejection
    )
    if note_accepted or note_rejection:
        deps.config.record_push(
            source.tenant_id,
            source.connector_id,
            now,
            accepted=note_accepted,
            rejection=rejection if note_rejection else None,
        )
    if accepted and source.health_status != HealthStatus.OPERATIONAL:
        deps.config.record_health(source.tenant_id, source.connector_id, HealthStatus.OPERATIONAL, None, now)


def _fan_out_joined(
    deps: Deps,
    service: Service,
    window: int,
    source: ConnectorConfig,
    destination: ConnectorConfig,
    records: list[SourceRecord],
) -> Run:
    """Fan the records out into the service's open inbound run if one started within the window,
    else into a new run (then the one later pushes join)."""
    tenant_id, service_id = service.tenant_id, service.service_id
    now = utcnow()
    current = deps.config.inbound_run(tenant_id, service_id) if window else None
    if current is not None and current[1] > now.timestamp():
        run = deps.syncs.get_run(tenant_id, current[0])
        if run is not None and run.status == RunStatus.RUNNING:
            try:
                fan_out(
                    deps,
                    service,
                    run,
                    records,
                    source.system,
                    destination.system,
                    RunChange(pulled=len(records)),
                )
                return run
            except RunClosed:
                pass  # it closed since we looked: a run of our own
    run = Run.opened(
        service,
        Trigger.INBOUND,
        started_at=now,
        pull_deadline=now + timedelta(seconds=deps.invocation_seconds),
        source_system=source.system,
        destination_system=destination.system,
    )
    deps.syncs.create_run(run)
    if window:
        deps.config.set_inbound_run(tenant_id, service_id, run.run_id, open_until=now.timestamp() + window)
    fan_out(deps, service, run, records, source.system, destination.system, RunChange(pulled=len(records)))
    # Nothing more is pulled for it, so it closes as soon as everything it holds has settled. A
    # push that joins it later counts its records on it first (fan_out), and a close only goes
    # through when nothing was counted since the run was read (`pulled` unchanged).
    deps.syncs.apply_run_change(tenant_id, run.run_id, RunChange(), pull_done=True)
    return run


def with_idempotency(deps: Deps, caller: Caller, key: str | None, fingerprint: str, work: Any) -> Answer:
    """Run `work()` once per (client, key): replay, refuse a different body, or report in-flight."""
    if key is None:
        answer: Answer = work()
        return answer
    if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise InboundError(
            422,
            "invalid",
            "Idempotency-Key: 1 to 255 printable characters",
            [_field("header.Idempotency-Key", "invalid")],
        )
    name = hashlib.sha256(key.encode()).hexdigest()
    now = int(time.time())
    existing = deps.config.claim_once(
        caller.tenant_id,
        f"IDEM#{caller.client_id}",
        name,
        {"state": "pending", "fingerprint": fingerprint},
        now=now,
        expires_at=now + IN_FLIGHT_SECONDS,
    )
    if existing is not None:
        if existing.get("fingerprint") != fingerprint:
            raise InboundError(
                422,
                "idempotency_key_reused",
                "this Idempotency-Key was used with another request",
                [_field("header.Idempotency-Key", "used with another body")],
            )
        if existing.get("state") != "done":
            raise InboundError(409, "conflict", "a request with this Idempotency-Key is still being handled")
        return Answer(
            int(existing["status"]), json.loads(str(existing["body"])), {"Idempotent-Replayed": "true"}
        )
    try:
        answer = work()
    except InboundError as exc:
        answer = exc.answer()
    except BaseException:
        deps.config.drop_once(caller.tenant_id, f"IDEM#{caller.client_id}", name)
        raise
    deps.config.settle_once(
        caller.tenant_id,
        f"IDEM#{caller.client_id}",
        name,
        {
            "state": "done",
            "status": answer.status,
            "body": json.dumps(answer.body),
            "expires_at": int(time.time()) + IDEMPOTENCY_SECONDS,
        },
    )
    return answer


def status(deps: Deps, caller: Caller, ingest_id: str) -> Answer:
    """An ingest's progress: counts by status and each record's outcome once known."""
    row = deps.config.get_ingest(caller.tenant_id, ingest_id) if ingest_id.startswith("ing_") else None
    if row is None or row.get("client_id") != caller.client_id:
        raise InboundError(404, "not_found", "no such ingest")
    sync_ids = [str(s) for s in row.get("sync_ids", [])]
    items = deps.syncs.get_items(caller.tenant_id, sync_ids, consistent=False)
    counts: dict[str, int] = {}
    records = []
    for index, sync_id in zip(row.get("indexes", []), sync_ids, strict=False):
        item = items.get(sync_id)
        state = item.status.value if item else "Pending"
        counts[state] = counts.get(state, 0) + 1
        out: dict[str, Any] = {"index": int(index), "sync_id": sync_id, "status": state}
        if item is not None and item.endpoint_id:
            out["endpoint_id"] = item.endpoint_id
        if item is not None and item.last_error:
            out["error"] = item.last_error.model_dump(mode="json")
        records.append(out)
    return Answer(
        200,
        {
            "ingest_id": ingest_id,
            "run_id": row.get("run_id"),
            "service_id": row.get("service_id"),
            "accepted": len(sync_ids),
            "rejected": int(row.get("rejected", 0)),
            "counts": counts,
            "records": records,
        },
    )
