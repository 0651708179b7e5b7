"""The sync report on top of the store: search, CSV export, resync, runs and dashboard.

Search plans (every read is a GetItem, BatchGetItem or Query):

=============================================  ==============================================
request                                        plan (then every other filter is applied in memory)
=============================================  ==============================================
sync_id (one or more, exact)                   BatchGetItem of the item rows
reference, exact or prefix                     by_ref, the days of the window (back by the
                                               longest retry horizon), every shard,
                                               ``begins_with(<value>#)`` or ``(<prefix>)``
run                                            by_service ``begins_with(<run_id>#)`` on each
                                               service the run holds entries of; a run still
                                               open adds its listed, never-attempted records
Failed / Sent / Pending statuses only          by_status per status, service and shard (only
(with or without services, systems, entities)  Failed and Sent rows are there), key condition on
                                               the update-time window; Pending from the open
                                               runs (their rows and fan-out pages)
anything else (services, systems, entities,    by_service per matching service, run-id range
OK, no filter, source id, endpoint id)         from the window, streams merged newest run first
=============================================  ==============================================

Source and destination ids have no index of their own (an index entry per row costs a write
unit per record): they filter whatever plan the rest of the search picks, so search them with a
service, a run or a short window.

KEYS_ONLY indexes are followed by a BatchGetItem of the base rows, for the candidates the merge
actually examines (not for rows read ahead). The cursor is an opaque base64url JSON document
holding the position of every stream (the last examined sort key), the pinned time window and a
fingerprint of the search (company group included), so a page boundary is stable and a cursor
cannot be replayed against a different search. It is signed (HMAC-SHA256 over the whole document,
key from $SYNCLINE_CURSOR_KEY or a random one kept in the config table), then every field is
checked for type and bounds, and every position against its stream's key range, before use.

Time: an entry's time is its last update (``updated_at``). by_service keys carry the run id, which
starts with the run's start time; those plans read runs started up to the service's retry horizon
before the window and keep the entries updated inside it. by_ref partitions are days of creation,
read from the same horizon before the window.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from syncline.deps import Deps
from syncline.errors import Invalid, NotFound
from syncline.models import ConnectorConfig, Run, RunStatus, Service, Status, SyncItem, iso, utcnow
from syncline.reports.cursor import _pinned_window, decode_cursor, encode_cursor, resume_fields, resume_from
from syncline.reports.merge import ReadStats, StreamSpec, _item_base_key, _Merge, _Source
from syncline.reports.query import (
    CURSOR_VERSION,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_SYNC_IDS,
    RARE_STATUSES,
    RETRY_MARGIN,
    STATUS_ORDER,
    BadRequest,
    Match,
    ReportQuery,
    run_stamp,
)
from syncline.store import (
    ATTENTION,
    day_of,
    fields_of,
    item_key,
    ref_key,
    ref_partition,
    service_partition,
    status_partition,
)
from syncline.tables import BY_REF, BY_SERVICE, BY_STATUS, SHARDS

# Entries one page request examines at most: a search whose filters match little (an unindexed
# source id over a busy window) answers a short page with a cursor rather than reading on.
MAX_EXAMINED = 5000


@dataclass
class ReportPage:
    items: list[SyncItem]
    next_cursor: str | None
    plan: str
    start: datetime | None
    end: datetime | None
    stats: ReadStats


@dataclass
class _Plan:
    name: str
    specs: list[StreamSpec]
    keys_only: bool
    pre: Callable[[str], bool] | None = None
    # Streams read from memory (entries with no index entry: Pending ones of open runs), by key.
    lists: dict[str, list[dict[str, Any]]] | None = None


class _Context:
    """Per-search memo of what the planner needs from the config table."""

    def __init__(self, deps: Deps, tenant_id: str) -> None:
        self.deps = deps
        self.tenant_id = tenant_id
        self._services: dict[str, Service] | None = None
        self._connectors: dict[str, ConnectorConfig] | None = None
        self._runs: dict[str, Run | None] = {}
        self._open: list[Run] | None = None

    def open_runs(self) -> list[Run]:
        if self._open is None:
            self._open = self.deps.syncs.open_runs_of(self.tenant_id)
        return self._open

    def services(self) -> dict[str, Service]:
        if self._services is None:
            self._services = {s.service_id: s for s in self.deps.config.list_services(self.tenant_id)}
        return self._services

    def connectors(self) -> dict[str, ConnectorConfig]:
        if self._connectors is None:
            self._connectors = {c.connector_id: c for c in self.deps.config.list_connectors(self.tenant_id)}
        return self._connectors

    def run(self, run_id: str) -> Run | None:
        if run_id not in self._runs:
            self._runs[run_id] = self.deps.syncs.get_run(self.tenant_id, run_id)
        return self._runs[run_id]


def _item_from_row(row: Mapping[str, Any]) -> SyncItem:
    return SyncItem.model_validate(fields_of(row))


def _run_from_row(row: Mapping[str, Any]) -> Run:
    return Run.model_validate(fields_of(row))


def _lag(service: Service | None) -> timedelta:
    """How long after its run started an entry can still be updated by retries."""
    if service is None:
        return RETRY_MARGIN + timedelta(hours=1)
    settings = service.settings
    return timedelta(seconds=max(0, settings.max_attempts - 1) * settings.retry_max_seconds) + RETRY_MARGIN


def _matching_services(ctx: _Context, q: ReportQuery) -> list[str]:
    """Service ids to read for a service/system/entity search."""
    if q.services and not q.scoped_beyond_services():
        return list(q.services)
    services = ctx.services()
    needs_systems = bool(q.source_systems or q.destination_systems)
    connectors = ctx.connectors() if needs_systems else {}

    def fits(service: Service) -> bool:
        if q.entities and not {service.source.entity, service.destination.entity} & set(q.entities):
            return False
        if q.source_entities and service.source.entity not in q.source_entities:
            return False
        if q.destination_entities and service.destination.entity not in q.destination_entities:
            return False
        if q.source_systems:
            row = connectors.get(service.source.connector_id)
            if row is None or row.system not in q.source_systems:
                return False
        if q.destination_systems:
            row = connectors.get(service.destination.connector_id)
            if row is None or row.system not in q.destination_systems:
                return False
        return True

    if q.services:
        # A named service may be gone while its entries remain: read it unless it provably does not fit.
        return [s for s in q.services if s not in services or fits(services[s])]
    return [s.service_id for s in services.values() if fits(s)]


def _status_specs(ctx: _Context, statuses: Iterable[Status], q: ReportQuery) -> list[StreamSpec]:
    lo = iso(q.start) if q.start else None
    hi = iso(q.end) + "~" if q.end else None
    t = ctx.tenant_id
    base = _item_base_key(t)
    return [
        StreamSpec(
            key=f"S#{status.value}#{service_id}#{n}",
            index=BY_STATUS,
            pk=status_partition(t, status, service_id, n),
            base_key=base,
            lo=lo,
            hi=hi,
        )
        for status in statuses
        if status in ATTENTION
        for service_id in _matching_services(ctx, q)
        for n in range(SHARDS)
    ]


PENDING_STREAM = "PENDING"
LISTED_STREAM = "LISTED"


def _list_row(item: SyncItem, index: Any, sort_key: str) -> dict[str, Any]:
    return {**item_key(item.tenant_id, item.sync_id), index.sk: sort_key, "_item": item}


def _pending_stream(
    ctx: _Context, q: ReportQuery, stats: ReadStats
) -> tuple[StreamSpec, list[dict[str, Any]]]:
    """The Pending entries of the open runs the search can see, as one stream in by_status order."""
    runs = ctx.open_runs()
    if q.scoped:
        wanted = set(_matching_services(ctx, q))
        runs = [r for r in runs if wanted & set(r.entry_services)]
    entries = [e for run in runs for e in ctx.deps.syncs.run_entries(run)]
    stats.queried(len(entries))  # every entry of those runs is read to find the Pending ones
    items = [e for e in entries if e.status == Status.PENDING]
    rows = [_list_row(i, BY_STATUS, f"{iso(i.updated_at)}#{i.sync_id}") for i in items]
    spec = StreamSpec(
        key=PENDING_STREAM, index=BY_STATUS, pk=PENDING_STREAM, base_key=_item_base_key(ctx.tenant_id)
    )
    return spec, rows


def _service_specs(
    tenant_id: str,
    service_id: str,
    *,
    prefix: str | None = None,
    lo: str | None = None,
    hi: str | None = None,
) -> list[StreamSpec]:
    """One stream per shard of a service's by_service partitions."""
    return [
        StreamSpec(
            key=f"V#{service_id}#{n}",
            index=BY_SERVICE,
            pk=service_partition(tenant_id, service_id, n),
            base_key=_item_base_key(tenant_id),
            prefix=prefix,
            lo=lo,
            hi=hi,
        )
        for n in range(SHARDS)
    ]


def _ref_plan(ctx: _Context, q: ReportQuery, match: Match | None) -> _Plan:
    """by_ref over the creation days an entry updated in the window can have (no `match`: every
    reference, in reference order, for sort=reference)."""
    base = _item_base_key(ctx.tenant_id)
    # Keys hold references case-folded, long ones in a bounded form (a cut plus a hash): an exact
    # search uses the same form.
    match = match or Match(value="", prefix=True)
    wanted = match.value.casefold() if match.prefix else ref_key(match.value)
    prefix = wanted if match.prefix else f"{wanted}#"
    end = q.end or utcnow()
    lag = max((_lag(s) for s in ctx.services().values()), default=_lag(None))
    first = (q.start or end - ctx.deps.syncs.retention) - lag
    days = []
    day = first
    while day_of(day) <= day_of(end):
        days.append(day_of(day))
        day += timedelta(days=1)
    specs = [
        StreamSpec(
            key=f"REF#{d}#{n}",
            index=BY_REF,
            pk=ref_partition(ctx.tenant_id, d, n),
            base_key=base,
            prefix=prefix or None,  # every reference: the whole partition
        )
        for d in dict.fromkeys(days)
        for n in range(SHARDS)
    ]

    def pre(sort_key: str) -> bool:
        stored = sort_key.rpartition("#")[0]
        return stored.startswith(wanted) if match.prefix else stored == wanted

    return _Plan(name="by_ref.prefix" if match.prefix else "by_ref", specs=specs, keys_only=True, pre=pre)


def _plan(ctx: _Context, q: ReportQuery, statuses: tuple[Status, ...], stats: ReadStats) -> _Plan:
    t = ctx.tenant_id
    if q.sort == "reference" or (q.reference is not None and not q.reference.prefix):
        return _ref_plan(ctx, q, q.reference)
    if q.run_id:
        run = ctx.run(q.run_id)
        wanted = [s for s in run.entry_services if not q.services or s in q.services] if run else []
        if not wanted:
            return _Plan(name="by_service.run", specs=[], keys_only=True)
        # A sweeper run's entries keep their own services: one set of streams per service.
        specs = [spec for s in wanted for spec in _service_specs(t, s, prefix=f"{q.run_id}#")]
        lists = None
        if (
            run is not None
            and run.status == RunStatus.RUNNING
            and (not statuses or Status.PENDING in statuses)
        ):
            listed = [i for i, row in ctx.deps.syncs.listed_entries(run) if row is None]
            stats.queried(len(listed))
            specs.append(
                StreamSpec(key=LISTED_STREAM, index=BY_SERVICE, pk=LISTED_STREAM, base_key=_item_base_key(t))
            )
            lists = {LISTED_STREAM: [_list_row(i, BY_SERVICE, f"{i.run_id}#{i.sync_id}") for i in listed]}
        return _Plan(name="by_service.run", specs=specs, keys_only=True, lists=lists)
    if q.reference is not None:
        return _ref_plan(ctx, q, q.reference)
    if statuses and RARE_STATUSES.issuperset(statuses):
        specs = _status_specs(ctx, statuses, q)
        lists = None
        if Status.PENDING in statuses:
            spec, rows = _pending_stream(ctx, q, stats)
            specs.append(spec)
            lists = {PENDING_STREAM: rows}
        return _Plan(name="by_status", specs=specs, keys_only=True, lists=lists)
    services = ctx.services()
    specs = []
    for service_id in _matching_services(ctx, q):
        lo = hi = None
        if q.start is not None and q.end is not None:
            lo = run_stamp(q.start - _lag(services.get(service_id)))
            hi = run_stamp(q.end) + "~"
        specs += _service_specs(t, service_id, lo=lo, hi=hi)
    return _Plan(name="by_service", specs=specs, keys_only=True)


def _accept(ctx: _Context, q: ReportQuery, statuses: tuple[Status, ...]) -> Callable[[SyncItem], bool]:
    lo = iso(q.start) if q.start else None
    hi = iso(q.end) if q.end else None
    wanted_services = set(_matching_services(ctx, q)) if q.scoped else None

    def accept(item: SyncItem) -> bool:
        if statuses and item.status not in statuses:
            return False
        if wanted_services is not None and item.service_id not in wanted_services:
            return False
        if q.source_systems and item.source_system not in q.source_systems:
            return False
        if q.destination_systems and item.destination_system not in q.destination_systems:
            return False
        if q.entities and item.source_entity not in q.entities and item.destination_entity not in q.entities:
            return False
        if q.source_entities and item.source_entity not in q.source_entities:
            return False
        if q.destination_entities and item.destination_entity not in q.destination_entities:
            return False
        if q.run_id and item.run_id != q.run_id:
            return False
        if q.sync_ids and item.sync_id not in q.sync_ids:
            return False
        if q.reference and not q.reference.matches(item.reference):
            return False
        if q.source_id and not q.source_id.matches(item.source_id):
            return False
        if q.endpoint_id and not q.endpoint_id.matches(item.endpoint_id):
            return False
        if lo is not None and hi is not None and not lo <= iso(item.updated_at) <= hi:
            return False
        return True

    return accept


def _passes(ctx: _Context, q: ReportQuery) -> list[tuple[ReportQuery, tuple[Status, ...]]]:
    """The search as passes read one after another: one for most sorts; one per status for
    sort=status; one per service (by id) for sort=service."""
    if q.sort == "service":
        services = sorted(_matching_services(ctx, q), reverse=q.order == "desc")
        return [(q.model_copy(update={"services": (s,)}), tuple(q.statuses)) for s in services]
    if q.sort != "status":
        return [(q, tuple(q.statuses))]
    order = STATUS_ORDER if q.order == "desc" else tuple(reversed(STATUS_ORDER))
    return [(q, (s,)) for s in order if not q.statuses or s in q.statuses]


def search(
    deps: Deps,
    tenant_id: str,
    query: ReportQuery,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    stats: ReadStats | None = None,
) -> ReportPage:
    """One page of the report. Every read is a Query on an index or a GetItem/BatchGetItem."""
    stats = stats or ReadStats()
    limit = max(1, min(limit, MAX_LIMIT))
    ctx = _Context(deps, tenant_id)
    fingerprint = query.fingerprint(tenant_id)
    document: dict[str, Any] = {}
    if cursor:
        document = decode_cursor(cursor, fingerprint)
        query = _pinned_window(document, query)

    if query.sync_ids:
        return _search_ids(ctx, query, stats)

    passes = _passes(ctx, query)
    pass_index = int(document.get("p", 0))
    if not 0 <= pass_index < max(1, len(passes)):
        raise BadRequest(
            "cursor is not valid for this request", fields=[{"field": "query.cursor", "message": "invalid"}]
        )
    resumed: Mapping[str, Any] = document
    items: list[SyncItem] = []
    plan_names: list[str] = []
    next_fields: dict[str, Any] | None = None
    while pass_index < len(passes):
        merge = _pass_merge(ctx, *passes[pass_index], resumed, stats, limit - len(items), plan_names)
        items += merge.take(limit - len(items), budget=MAX_EXAMINED)
        if merge.stopped or (len(items) >= limit and merge.more()):
            # a short page when the merge read its share; the cursor goes on from here
            next_fields = resume_fields(merge.resume(), merge.specs)
            break
        if len(items) < limit:
            pass_index, resumed = pass_index + 1, {}
            continue
        # This pass ended exactly at the page end: the cursor moves to the next pass with rows.
        pass_index += 1
        while pass_index < len(passes):
            if _pass_merge(ctx, *passes[pass_index], {}, stats, 1, []).more():
                next_fields = {}
                break
            pass_index += 1
        break
    stats.returned += len(items)
    next_cursor = None
    if next_fields is not None:
        window = [iso(query.start), iso(query.end)] if query.start and query.end else None
        next_cursor = encode_cursor(
            {"v": CURSOR_VERSION, "f": fingerprint, "w": window, "p": pass_index} | next_fields
        )
    return ReportPage(
        items=items,
        next_cursor=next_cursor,
        plan="+".join(dict.fromkeys(plan_names)) or "none",
        start=query.start,
        end=query.end,
        stats=stats,
    )


def _pass_merge(
    ctx: _Context,
    query: ReportQuery,
    statuses: tuple[Status, ...],
    document: Mapping[str, Any],
    stats: ReadStats,
    need: int,
    plan_names: list[str],
) -> _Merge[SyncItem]:
    """The merge of one pass, resuming where a cursor `document` says (`{}`: from the start)."""
    plan = _plan(ctx, query, statuses, stats)
    plan_names.append(plan.name)
    resume = resume_from(document, plan.specs)
    source = _Source(
        keys_only=plan.keys_only, to_model=_item_from_row, accept=_accept(ctx, query, statuses), pre=plan.pre
    )
    return _Merge(ctx.deps.syncs, plan.specs, query.order == "asc", resume, source, stats, need, plan.lists)


def _search_ids(ctx: _Context, q: ReportQuery, stats: ReadStats) -> ReportPage:
    if len(q.sync_ids) > MAX_SYNC_IDS:
        raise Invalid(
            f"at most {MAX_SYNC_IDS} sync ids per search",
            fields=[{"field": "query.sync_id", "message": f"more than {MAX_SYNC_IDS} values"}],
        )
    found = ctx.deps.syncs.get_items(ctx.tenant_id, list(q.sync_ids), consistent=False)
    stats.batch_gets += math.ceil(len(q.sync_ids) / 100)
    stats.base_rows += len(found)
    accept = _accept(ctx, q, tuple(q.statuses))
    items = [i for i in found.values() if accept(i)]
    items.sort(key=lambda i: (iso(i.updated_at), i.sync_id), reverse=q.order == "desc")
    if q.sort == "status":
        rank = {s: n for n, s in enumerate(STATUS_ORDER if q.order == "desc" else reversed(STATUS_ORDER))}
        items.sort(key=lambda i: rank[i.status])
    stats.returned += len(items)
    return ReportPage(items=items, next_cursor=None, plan="get", start=q.start, end=q.end, stats=stats)


def get_entry(deps: Deps, tenant_id: str, sync_id: str) -> SyncItem:
    item = deps.syncs.get_item(tenant_id, sync_id)
    if item is None:
        raise NotFound(f"report entry {sync_id!r} not found")
    return item
