"""The sync report on top of the store: search, CSV export, resync, runs and dashboard.

Search plans (DESIGN invariant 4: every read is a GetItem, BatchGetItem or Query):

=============================================  ==============================================
request                                        plan (then every other filter is applied in memory)
=============================================  ==============================================
sync_id (one or more, exact)                   BatchGetItem of the item rows
source_id / endpoint_id / reference, exact     by_source / by_endpoint / by_ref, every shard,
                                               ``begins_with(<value>#)``, streams merged
run                                            by_service ``begins_with(<run_id>#)`` on the
                                               run's service (the run row says which)
source_id / endpoint_id / reference, prefix    as exact, ``begins_with(<prefix>)``
service(s) (+ systems, entities)               by_service per service, run-id range from the
                                               window, streams merged newest run first
systems / entities without a service           the company group's services that match, then
                                               as above
status(es) only, or nothing                    by_status per status per shard, key condition on
                                               the update-time window, merged newest first
service/system filter + only Failed/Pending/   by_status as above (the rare statuses are the
Sent statuses                                  smaller set), service filtered in memory
=============================================  ==============================================

KEYS_ONLY indexes are followed by a BatchGetItem of the base rows, for the candidates the merge
actually examines (not for rows read ahead). The cursor is an opaque base64url JSON document
holding the position of every stream (the last examined sort key), the pinned time window and a
fingerprint of the search (company group included), so a page boundary is stable and a cursor
cannot be replayed against a different search. It is signed (HMAC-SHA256 over the whole document,
key from $SYNCLINE_CURSOR_KEY or a random one kept in the config table), then every field is
checked for type and bounds, and every position against its stream's key range, before use.

Time: an entry's time is its last update (``updated_at``). by_service keys carry the run id, which
starts with the run's start time; those plans read runs started up to the service's retry horizon
before the window and keep the entries updated inside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from syncline.deps import Deps
from syncline.errors import Invalid, NotFound
from syncline.models import Connector, Run, Service, Status, SyncItem, iso
from syncline.reports.cursor import _check_positions, _hints, _pinned_window, decode_cursor, encode_cursor
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
    key_value,
    match_partition,
    service_partition,
    status_partition,
    status_shards,
)
from syncline.tables import BY_ENDPOINT, BY_REF, BY_SERVICE, BY_SOURCE, BY_STATUS, SHARDS, SYNCS, Index


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


class _Context:
    """Per-search memo of what the planner needs from the config table."""

    def __init__(self, deps: Deps, tenant_id: str) -> None:
        self.deps = deps
        self.tenant_id = tenant_id
        self._services: dict[str, Service] | None = None
        self._connectors: dict[str, Connector] | None = None
        self._runs: dict[str, Run | None] = {}

    def services(self) -> dict[str, Service]:
        if self._services is None:
            self._services = {s.service_id: s for s in self.deps.config.list_services(self.tenant_id)}
        return self._services

    def connectors(self) -> dict[str, Connector]:
        if self._connectors is None:
            self._connectors = {c.connector_id: c for c in self.deps.config.list_connectors(self.tenant_id)}
        return self._connectors

    def run(self, run_id: str) -> Run | None:
        if run_id not in self._runs:
            self._runs[run_id] = self.deps.syncs.get_run(self.tenant_id, run_id)
        return self._runs[run_id]


def _item_from_row(row: Mapping[str, Any]) -> SyncItem:
    skip = {*SYNCS.key_attributes(), "PK", "SK", "expires_at"}
    return SyncItem.model_validate({k: v for k, v in row.items() if k not in skip})


def _run_from_row(row: Mapping[str, Any]) -> Run:
    skip = {*SYNCS.key_attributes(), "PK", "SK", "expires_at"}
    return Run.model_validate({k: v for k, v in row.items() if k not in skip})


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


def _status_specs(tenant_id: str, statuses: Iterable[Status], q: ReportQuery) -> list[StreamSpec]:
    lo = iso(q.start) if q.start else None
    hi = iso(q.end) + "~" if q.end else None
    base = _item_base_key(tenant_id)
    return [
        StreamSpec(
            key=f"S#{status.value}#{n}",
            index=BY_STATUS,
            pk=status_partition(tenant_id, status, n),
            base_key=base,
            lo=lo,
            hi=hi,
        )
        for status in statuses
        for n in range(status_shards(status))
    ]


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


def _match_plan(tenant_id: str, name: str, index: Index, tag: str, match: Match) -> _Plan:
    base = _item_base_key(tenant_id)
    # Keys hold long values in a bounded form (a cut plus a hash): an exact search uses the same form.
    wanted = match.value if match.prefix else key_value(match.value)
    prefix = wanted if match.prefix else f"{wanted}#"
    specs = [
        StreamSpec(
            key=f"{tag}#{n}", index=index, pk=match_partition(tenant_id, tag, n), base_key=base, prefix=prefix
        )
        for n in range(SHARDS)
    ]

    def pre(sort_key: str) -> bool:
        stored = sort_key.rpartition("#")[0]
        return stored.startswith(wanted) if match.prefix else stored == wanted

    return _Plan(name=name, specs=specs, keys_only=True, pre=pre)


def _plan(ctx: _Context, q: ReportQuery, statuses: tuple[Status, ...]) -> _Plan:
    t = ctx.tenant_id
    matches = (
        ("by_endpoint", BY_ENDPOINT, "END", q.endpoint_id),
        ("by_source", BY_SOURCE, "SRC", q.source_id),
        ("by_ref", BY_REF, "REF", q.reference),
    )
    for name, index, tag, match in matches:
        if match is not None and not match.prefix:
            return _match_plan(t, name, index, tag, match)
    if q.run_id:
        run = ctx.run(q.run_id)
        wanted = [s for s in run.entry_services if not q.services or s in q.services] if run else []
        if not wanted:
            return _Plan(name="by_service.run", specs=[], keys_only=True)
        # A sweeper run's entries keep their own services: one set of streams per service.
        specs = [spec for s in wanted for spec in _service_specs(t, s, prefix=f"{q.run_id}#")]
        return _Plan(name="by_service.run", specs=specs, keys_only=True)
    for name, index, tag, match in matches:
        if match is not None:
            return _match_plan(t, f"{name}.prefix", index, tag, match)
    if q.scoped and not (statuses and RARE_STATUSES.issuperset(statuses)):
        services = ctx.services()
        specs = []
        for service_id in _matching_services(ctx, q):
            lo = hi = None
            if q.start is not None and q.end is not None:
                lo = run_stamp(q.start - _lag(services.get(service_id)))
                hi = run_stamp(q.end) + "~"
            specs += _service_specs(t, service_id, lo=lo, hi=hi)
        return _Plan(name="by_service", specs=specs, keys_only=True)
    return _Plan(name="by_status", specs=_status_specs(t, statuses or STATUS_ORDER, q), keys_only=True)


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


def _passes(q: ReportQuery) -> list[tuple[Status, ...]]:
    if q.sort != "status":
        return [tuple(q.statuses)]
    order = STATUS_ORDER if q.order == "desc" else tuple(reversed(STATUS_ORDER))
    return [(s,) for s in order if not q.statuses or s in q.statuses]


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

    passes = _passes(query)
    pass_index = int(document.get("p", 0))
    if not 0 <= pass_index < max(1, len(passes)):
        raise BadRequest(
            "cursor is not valid for this request", fields=[{"field": "query.cursor", "message": "invalid"}]
        )
    state: dict[str, Any] = dict(document.get("s", {}))
    hints = _hints(document)
    peeks: dict[str, str] = dict(document.get("n", {}))
    items: list[SyncItem] = []
    plan_names: list[str] = []
    next_state: dict[str, Any] | None = None
    next_hints: dict[str, int] = {}
    next_peeks: dict[str, str] = {}
    while pass_index < len(passes):
        merge = _pass_merge(
            ctx, query, passes[pass_index], state, stats, limit - len(items), plan_names, hints, peeks
        )
        items += merge.take(limit - len(items))
        if len(items) < limit:
            pass_index, state, hints, peeks = pass_index + 1, {}, {}, {}
            continue
        if merge.more():
            next_state, next_hints, next_peeks = merge.state(), merge.hints(), merge.peeks()
            break
        # This pass ended exactly at the page end: the cursor moves to the next pass with rows.
        pass_index += 1
        while pass_index < len(passes):
            if _pass_merge(ctx, query, passes[pass_index], {}, stats, 1, [], {}, {}).more():
                next_state = {}
                break
            pass_index += 1
        break
    stats.returned += len(items)
    next_cursor = None
    if next_state is not None:
        window = [iso(query.start), iso(query.end)] if query.start and query.end else None
        document = {"v": CURSOR_VERSION, "f": fingerprint, "w": window, "p": pass_index, "s": next_state}
        if next_hints:
            document["h"] = next_hints
        if next_peeks:
            document["n"] = next_peeks
        next_cursor = encode_cursor(document)
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
    state: Mapping[str, Any],
    stats: ReadStats,
    need: int,
    plan_names: list[str],
    hints: Mapping[str, int],
    peeks: Mapping[str, str],
) -> _Merge[SyncItem]:
    plan = _plan(ctx, query, statuses)
    plan_names.append(plan.name)
    _check_positions(state, plan.specs)
    _check_positions(peeks, plan.specs)
    source = _Source(
        keys_only=plan.keys_only, to_model=_item_from_row, accept=_accept(ctx, query, statuses), pre=plan.pre
    )
    return _Merge(ctx.deps.syncs, plan.specs, query.order == "asc", state, source, stats, need, hints, peeks)


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
