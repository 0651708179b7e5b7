"""Every key of the two tables, and the index keys of report rows and runs: the one place that builds them."""

from __future__ import annotations

from datetime import UTC, datetime

from syncline.models import (
    Run,
    Status,
    SyncItem,
    iso,
)
from syncline.tables import (
    BY_REF,
    BY_SERVICE,
    BY_STATUS,
    SHARDS,
)

# ---------------------------------------------------------------- keys (one place for all of them)


# A value that goes into an index key (reference, source id, endpoint id) is kept to this many
# bytes: longer ones are cut on a character boundary and end in a hash of the whole value, so an
# exact search still finds them and no record can exceed DynamoDB's 1,024-byte sort key limit.
MAX_KEY_VALUE_BYTES = 200
_KEY_HASH_CHARS = 16


def key_value(value: str) -> str:
    data = value.encode()
    if len(data) <= MAX_KEY_VALUE_BYTES:
        return value
    import hashlib

    digest = hashlib.blake2b(data, digest_size=_KEY_HASH_CHARS // 2).hexdigest()
    head = data[: MAX_KEY_VALUE_BYTES - _KEY_HASH_CHARS - 1].decode(errors="ignore")
    return f"{head}~{digest}"


def ref_key(reference: str) -> str:
    """A reference as by_ref holds it: case-folded (searches ignore case) and bounded."""
    return key_value(reference.casefold())


def item_key(tenant_id: str, sync_id: str) -> dict[str, str]:
    return {"PK": f"{tenant_id}#I#{sync_id}", "SK": "I"}


def shard(sync_id: str, shards: int = SHARDS) -> int:
    return int(sync_id[:2], 16) % shards


def status_partition(tenant_id: str, status: Status, service_id: str, n: int) -> str:
    return f"{tenant_id}#S#{status.value}#{service_id}#{n}"


def service_partition(tenant_id: str, service_id: str, n: int) -> str:
    return f"{tenant_id}#V#{service_id}#{n}"


def ref_partition(tenant_id: str, day: str, n: int) -> str:
    """A partition of by_ref: the rows created on `day` (yyyymmdd, UTC) of one shard."""
    return f"{tenant_id}#REF#{day}#{n}"


def day_of(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%d")


def runs_partition(tenant_id: str, service_id: str | None = None) -> str:
    """by_status holds a company group's runs by start time; by_service a service's by run id."""
    return f"{tenant_id}#RUNS" if service_id is None else f"{tenant_id}#RUNS#{service_id}"


# Statuses whose rows enter by_status: the ones a person (or the sweeper, or a confirmation) looks
# for. OK rows never do (the common case stays the cheap one); Pending is found through the runs
# still open (their fan-out pages and rows), so a retry moves no index entry.
ATTENTION = frozenset({Status.FAILED, Status.SENT})


def item_index_keys(item: SyncItem) -> dict[str, str]:
    t, n, sid = item.tenant_id, shard(item.sync_id), item.sync_id
    keys = {
        BY_SERVICE.pk: service_partition(t, item.service_id, n),
        BY_SERVICE.sk: f"{item.run_id}#{sid}",
        BY_REF.pk: ref_partition(t, day_of(item.created_at), n),
        BY_REF.sk: f"{ref_key(item.reference)}#{sid}",
    }
    if item.status in ATTENTION:
        keys[BY_STATUS.pk] = status_partition(t, item.status, item.service_id, n)
        keys[BY_STATUS.sk] = f"{iso(item.updated_at)}#{sid}"
    return keys


def page_key(tenant_id: str, run_id: str, sync_ids: list[str]) -> dict[str, str]:
    """A fan-out page's key: the same page fanned out again (a retried trigger) has the same key."""
    import hashlib

    digest = hashlib.blake2b("\n".join(sync_ids).encode(), digest_size=8).hexdigest()
    return {"PK": pages_partition(tenant_id, run_id), "SK": f"P#{digest}"}


def pages_partition(tenant_id: str, run_id: str) -> str:
    return f"{tenant_id}#P#{run_id}"


def run_key(tenant_id: str, run_id: str) -> dict[str, str]:
    return {"PK": f"{tenant_id}#R#{run_id}", "SK": "R"}


# Every run that is not closed has a marker row in one partition, so the reconciler finds the
# open runs of every company group with one Query (a few rows), not by reading runs.
OPEN_RUNS_PK = "OPENRUNS"


def open_run_key(tenant_id: str, run_id: str) -> dict[str, str]:
    return {"PK": OPEN_RUNS_PK, "SK": f"{tenant_id}#{run_id}"}


def run_index_keys(run: Run) -> dict[str, str]:
    return {
        BY_STATUS.pk: runs_partition(run.tenant_id),
        BY_STATUS.sk: f"{iso(run.started_at)}#{run.run_id}",
        BY_SERVICE.pk: runs_partition(run.tenant_id, run.service_id),
        BY_SERVICE.sk: run.run_id,
    }


def tenant_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}"


def rate_key(tenant_id: str, connector_id: str) -> dict[str, str]:
    """A connector's shared rate budget (token bucket) in the config table."""
    return {"PK": tenant_pk(tenant_id), "SK": f"RATE#{connector_id}"}


def holds_partition(tenant_id: str, connector_id: str) -> str:
    """The records the circuit breaker holds for one destination connector (config table)."""
    return f"{tenant_pk(tenant_id)}#HOLD#{connector_id}"


def hold_key(tenant_id: str, connector_id: str, sync_id: str) -> dict[str, str]:
    return {"PK": holds_partition(tenant_id, connector_id), "SK": sync_id}
