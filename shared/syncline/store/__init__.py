"""DynamoDB access: the only package that knows table keys and calls DynamoDB. Reads are
GetItem, BatchGetItem or Query on a key or index; the one Scan is `syncline migrate`'s.

- `keys`: every table and index key (one place for all of them);
- `codec`: rows to and from DynamoDB's typed form, sizes by DynamoDB's rules;
- `meter`: capacity units as DynamoDB bills them (moto's figures are not real);
- `table`: the client (throttling becomes `Throttled`) and paged reads both stores share;
- `config_store` (with `inbound_rows`, its inbound API half), `sync_store` (with `run_rows`, its
  run half): the two tables;
- `migrate`: re-keying rows written by an older version.
"""

from syncline.store.codec import item_size, marshal, unmarshal
from syncline.store.config_store import ConfigStore
from syncline.store.keys import (
    ATTENTION,
    MAX_KEY_VALUE_BYTES,
    day_of,
    item_key,
    key_value,
    ref_key,
    ref_partition,
    run_key,
    runs_partition,
    service_partition,
    shard,
    status_partition,
    tenant_pk,
)
from syncline.store.meter import METER, Meter, _index_entry, _meter_item_write
from syncline.store.migrate import Rekeyed, rekey
from syncline.store.run_rows import RunChange
from syncline.store.sync_store import Claim, Existing, SyncStore
from syncline.store.table import fields_of

__all__ = [
    "ATTENTION",
    "MAX_KEY_VALUE_BYTES",
    "METER",
    "Claim",
    "ConfigStore",
    "Existing",
    "Meter",
    "Rekeyed",
    "RunChange",
    "SyncStore",
    "_index_entry",
    "_meter_item_write",
    "item_key",
    "day_of",
    "fields_of",
    "item_size",
    "key_value",
    "marshal",
    "ref_key",
    "ref_partition",
    "rekey",
    "run_key",
    "runs_partition",
    "service_partition",
    "shard",
    "status_partition",
    "tenant_pk",
    "unmarshal",
]
