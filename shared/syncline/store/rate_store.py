"""Connector rate budgets shared by every container: one token-bucket item per connector in the
config table (`PK=T#<tenant>`, `SK=RATE#<connector_id>`).

The bucket is kept in GCRA form: `tat` (theoretical arrival time, epoch seconds) moves `n / rate`
later for every `n` tokens granted, and token k of a grant is usable `burst / rate` before its own
place in that line (`Grant.slot`): `burst` tokens at once, then one every `1 / rate` seconds.

A lease is a reservation: it grants `want` tokens in one conditional UpdateItem whenever they are
usable within the caller's `horizon` (the longest it may wait), even if that is in the future;
the caller sleeps until each token's slot. Concurrent leases never race for the same
moment: each adds its tokens to the end of the line atomically and gets its own slots, so a busy
bucket costs one write per lease and no retries.

- busy bucket (`tat >= now`): `SET tat = tat + n/rate`, conditional on
  `tat <= now + horizon + (burst-n)/rate` (the last token due within the horizon).
- idle bucket (`tat < now`, or no item yet): `SET tat = now + n/rate`, conditional on `tat < now`.

Both are also conditional on no pause (`paused_until` in the past). A refused write returns the
item as it was (ReturnValuesOnConditionCheckFailure=ALL_OLD): from it the caller learns the wait
(the bucket is booked beyond its horizon, or paused) without a read, or that the other form
applies or fewer tokens fit (then a second write). A pause (a 429, or a system saying its budget
is low) is one conditional write that only moves `paused_until` later. Request and 429 counts ride
along on the next grant or pause (ADD), so they cost no write of their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from syncline.store.codec import marshal, unmarshal
from syncline.store.keys import rate_key
from syncline.store.meter import METER
from syncline.store.table import _old_row, _Table


@dataclass(frozen=True)
class Grant:
    """What a lease request got: `tokens` (0 when none) or, failing that, `wait` seconds.
    Granted tokens may lie in the future (a reservation): `slot` says when each becomes usable."""

    tokens: int
    wait: float = 0.0
    paused: bool = False
    tat: float | None = None  # the bucket's `tat` as this write left or found it
    base: float = 0.0  # the `tat` the granted tokens were stacked on (or now, when it was behind)

    def slot(self, k: int, rate: float, burst: int, now: float) -> float:
        """When token `k` (1-based) of the grant may be used: GCRA's own time for it, `burst`
        tokens early, and never before the grant was made."""
        return max(now, self.base + (k - burst) / rate)


@dataclass(frozen=True)
class RateState:
    tat: float | None
    paused_until: float | None
    requests: int
    throttled: int
    leases: int
    rate: float | None
    burst: int | None


RATE_WRITES = "config.rate"  # what the meter calls the budget's writes


class RateStore(_Table):
    """Token buckets of connectors, in the config table. The only code that builds their keys."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        # Per-process lease pools (syncline.connectors.ratelimit) keyed by connector: one pool per
        # store object, so a process with one store is one "container" of the shared budget.
        self.pools: dict[tuple[Any, ...], Any] = {}

    def lease(
        self,
        tenant_id: str,
        connector_id: str,
        *,
        want: int,
        rate: float,
        burst: int,
        now: float,
        horizon: float = 0.0,
        used: int = 0,
        throttled: int = 0,
        busy: bool | None = None,
    ) -> Grant:
        """Reserve up to `want` tokens (at least one, at most the burst), all usable within
        `horizon` seconds, or learn the wait. Token k (1-based) of a grant is usable from
        `grant.slot(k, rate, burst, now)`.

        `used`: requests made since the last write of this container, added to the counters.
        `busy`: whether the caller expects the bucket ahead of now (picks the form tried first;
        None: the idle form, which also creates the item). At most two writes: what a refused
        write found (ALL_OLD) says whether the other form applies, or fewer tokens fit."""
        key = marshal(rate_key(tenant_id, connector_id))
        want = max(1, min(want, burst))
        horizon = max(0.0, horizon) + 1e-9
        for _ in range(2):
            values: dict[str, Any] = {
                ":now": now,
                ":used": used,
                ":thr": throttled,
                ":one": 1,
                ":rate": rate,
                ":burst": burst,
            }
            not_paused = "(attribute_not_exists(paused_until) OR paused_until <= :now)"
            if busy:
                values[":limit"] = now + horizon + (burst - want) / rate  # the last token due by then
                values[":d"] = want / rate
                update = "SET tat = tat + :d"
                condition = f"tat >= :now AND tat <= :limit AND {not_paused}"
            else:
                values[":new"] = now + want / rate
                update = "SET tat = :new"
                condition = f"(attribute_not_exists(tat) OR tat < :now) AND {not_paused}"
            update += ", rate = :rate, burst = :burst ADD requests :used, throttled :thr, leases :one"
            # The bucket item is far under 1 KB: every write, granted or refused, is one unit.
            METER.wrote(RATE_WRITES, 1)
            try:
                got = self.ddb.update_item(
                    TableName=self.name,
                    Key=key,
                    UpdateExpression=update,
                    ConditionExpression=condition,
                    ExpressionAttributeValues=marshal(values),
                    ReturnValues="UPDATED_NEW",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
                new_tat = _float(unmarshal(got.get("Attributes") or {}).get("tat"))
                base = new_tat - want / rate if new_tat is not None else now
                return Grant(tokens=want, tat=new_tat, base=max(now, base))
            except self.ddb.exceptions.ConditionalCheckFailedException as exc:
                current = _old_row(exc) or {}
            paused_until = _float(current.get("paused_until"))
            if paused_until is not None and paused_until > now:
                return Grant(tokens=0, wait=paused_until - now, paused=True)
            tat = _float(current.get("tat"))
            if tat is None or tat < now:
                busy = False
                continue
            fits = math.floor((now + horizon + burst / rate - tat) * rate)
            if fits < 1:  # refused: the wait until a first token would be usable
                return Grant(tokens=0, wait=max(0.0, tat + (1 - burst) / rate - now), tat=tat)
            busy, want = True, min(want, fits)
        return Grant(tokens=0, wait=1 / rate)  # the bucket changed form twice: try again shortly

    def pause(
        self, tenant_id: str, connector_id: str, *, until: float, throttled: int = 0, used: int = 0
    ) -> bool:
        """No container may take tokens before `until` (epoch seconds); only ever moves it later.
        Returns False when a longer pause was already in force (then only nothing is written)."""
        values = {":until": until, ":t": throttled, ":used": used}
        METER.wrote(RATE_WRITES, 1)
        try:
            self.ddb.update_item(
                TableName=self.name,
                Key=marshal(rate_key(tenant_id, connector_id)),
                UpdateExpression="SET paused_until = :until ADD throttled :t, requests :used",
                ConditionExpression="attribute_not_exists(paused_until) OR paused_until < :until",
                ExpressionAttributeValues=marshal(values),
            )
            return True
        except self.ddb.exceptions.ConditionalCheckFailedException:
            if throttled or used:  # still count them
                METER.wrote(RATE_WRITES, 1)
                self.ddb.update_item(
                    TableName=self.name,
                    Key=marshal(rate_key(tenant_id, connector_id)),
                    UpdateExpression="ADD throttled :t, requests :used",
                    ExpressionAttributeValues=marshal({":t": throttled, ":used": used}),
                )
            return False

    def state(self, tenant_id: str, connector_id: str) -> RateState | None:
        got = self.ddb.get_item(
            TableName=self.name, Key=marshal(rate_key(tenant_id, connector_id)), ConsistentRead=True
        )
        raw = got.get("Item")
        if raw is None:
            return None
        row = unmarshal(raw)
        burst = row.get("burst")
        return RateState(
            tat=_float(row.get("tat")),
            paused_until=_float(row.get("paused_until")),
            requests=int(row.get("requests", 0)),
            throttled=int(row.get("throttled", 0)),
            leases=int(row.get("leases", 0)),
            rate=_float(row.get("rate")),
            burst=int(burst) if burst is not None else None,
        )

    def delete(self, tenant_id: str, connector_id: str) -> None:
        self.ddb.delete_item(TableName=self.name, Key=marshal(rate_key(tenant_id, connector_id)))


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None
