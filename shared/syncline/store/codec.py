"""Rows to and from DynamoDB's typed form, and their size in DynamoDB's sizing rules."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

# ---------------------------------------------------------------- (de)serialisation


def _serializer() -> Any:
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


def _deserializer() -> Any:
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer()


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    from boto3.dynamodb.types import Binary

    if isinstance(value, Binary):
        return bytes(value)  # type: ignore[call-overload]  # Binary has __bytes__
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    return value


def marshal(row: Mapping[str, Any]) -> dict[str, Any]:
    s = _serializer()
    return {k: s.serialize(_to_dynamo(v)) for k, v in row.items() if v is not None}


def unmarshal(row: Mapping[str, Any]) -> dict[str, Any]:
    d = _deserializer()
    return {k: _from_dynamo(d.deserialize(v)) for k, v in row.items()}


def item_size(row: Mapping[str, Any]) -> int:
    """An item's size in bytes by DynamoDB's documented rules: attribute names plus values; a
    number takes one byte per two significant digits plus one; binary its length; a map or list
    three bytes plus one per element. None values are not stored (at the top or in a map), so they
    do not count."""

    def size(value: Any) -> int:
        if value is None or isinstance(value, bool):
            return 1
        if isinstance(value, int | float | Decimal):
            digits = Decimal(str(value)).normalize().as_tuple().digits
            return 1 + math.ceil(len(digits) / 2)
        if isinstance(value, str):
            return len(value.encode())
        if isinstance(value, bytes | bytearray):
            return len(value)
        if isinstance(value, dict):
            return 3 + sum(len(k.encode()) + size(v) + 1 for k, v in value.items() if v is not None)
        if isinstance(value, list | tuple):
            return 3 + sum(size(v) + 1 for v in value)
        return len(str(value).encode())

    return sum(len(k.encode()) + size(v) for k, v in row.items() if v is not None)


def write_units(size_bytes: int) -> int:
    return max(1, math.ceil(size_bytes / 1024))


def read_units(size_bytes: int, consistent: bool) -> float:
    units = max(1, math.ceil(size_bytes / 4096))
    return float(units) if consistent else units / 2


# ---------------------------------------------------------------- a record kept on its row

# A record kept on a report row (one that did not go through: a resync sends it again) is stored
# compressed, as binary: an order of a few KB of JSON takes a fraction of that, and a write unit
# is 1 KB. Rows written before this keep a plain `payload` map, read as before.
PAYLOAD_Z = "payload_z"


def pack_payload(row: dict[str, Any]) -> dict[str, Any]:
    import json
    import zlib

    payload = row.pop("payload", None)
    if payload is not None:
        row[PAYLOAD_Z] = zlib.compress(json.dumps(payload, separators=(",", ":")).encode(), 6)
    return row


def unpack_payload(row: dict[str, Any]) -> dict[str, Any]:
    import json
    import zlib

    packed = row.pop(PAYLOAD_Z, None)
    if packed is not None:
        row["payload"] = json.loads(zlib.decompress(packed))
    return row
