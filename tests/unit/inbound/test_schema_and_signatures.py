"""The derived JSON Schema, its validator, and the webhook signatures (pure functions)."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from syncline.inbound import webhooks
from syncline.inbound.schema import check_schema, derive, errors

SAMPLE = {
    "id": "A-1",
    "qty": 2,
    "price": 9.5,
    "paid": True,
    "note": None,
    "customer": {"email": "a@b.c", "tags": ["x"]},
    "lines": [{"sku": "S1", "qty": 1}, {"sku": "S2", "qty": 2, "gift": True}],
}


def test_derive_types_required_and_items() -> None:
    schema = derive(SAMPLE)
    assert schema["type"] == "object"
    props = schema["properties"]
    assert props["id"] == {"type": "string"}
    assert props["qty"] == {"type": "number"}  # an integer sample may be fractional later
    assert props["paid"] == {"type": "boolean"}
    assert props["note"] == {}  # null in the sample: anything, not required
    assert "note" not in schema["required"] and "customer" in schema["required"]
    assert props["customer"]["properties"]["tags"] == {"type": "array", "items": {"type": "string"}}
    lines = props["lines"]["items"]
    assert lines["required"] == ["qty", "sku"]  # gift is in only one line
    assert set(lines["properties"]) == {"sku", "qty", "gift"}
    check_schema(schema)


def test_valid_records_pass_and_extra_fields_are_allowed() -> None:
    schema = derive(SAMPLE)
    assert errors(SAMPLE, schema) == []
    assert errors({**SAMPLE, "qty": 2.5, "extra": [1], "note": "hi"}, schema) == []


def test_errors_name_each_field() -> None:
    schema = derive(SAMPLE)
    record = {**SAMPLE, "price": "9.50", "customer": {"email": 5, "tags": ["x", 1]}}
    del record["id"]
    record["lines"] = [{"sku": "S1"}]
    found = {e["field"]: e["message"] for e in errors(record, schema)}
    assert found == {
        "id": "required",
        "price": "must be number",
        "customer.email": "must be string",
        "customer.tags[1]": "must be string",
        "lines[0].qty": "required",
    }
    assert errors([], schema) == [{"field": "(record)", "message": "must be object"}]


def test_given_schemas_outside_the_subset_are_refused() -> None:
    check_schema({"type": ["string", "null"]})
    with pytest.raises(ValueError, match="pattern"):
        check_schema({"type": "string", "pattern": "^a"})
    with pytest.raises(ValueError, match=r"properties\.a\.type"):
        check_schema({"type": "object", "properties": {"a": {"type": "date"}}})
    with pytest.raises(ValueError, match="required"):
        check_schema({"required": "a"})


def test_shopify_signature() -> None:
    body = b'{"id": 1}'
    good = base64.b64encode(hmac.new(b"k", body, hashlib.sha256).digest()).decode()
    assert webhooks.shopify_valid("k", body, good)
    assert not webhooks.shopify_valid("k", body + b" ", good)
    assert not webhooks.shopify_valid("other", body, good)
    assert not webhooks.shopify_valid("k", body, None)
    assert not webhooks.shopify_valid("", body, good)


def test_generic_signature_and_its_tolerance() -> None:
    body = b"[1]"
    header = webhooks.generic_sign("k", body, 1_000_000)
    assert webhooks.generic_valid("k", body, header, 1_000_000 + 300)
    assert webhooks.generic_valid("k", body, header, 1_000_000 - 300)
    assert not webhooks.generic_valid("k", body, header, 1_000_000 + 301)
    assert not webhooks.generic_valid("k", body, header, 1_000_000 - 301)
    assert not webhooks.generic_valid("k", body + b" ", header, 1_000_000)
    rolled = f"{header},v1={'0' * 64}"
    assert webhooks.generic_valid("k", body, rolled, 1_000_000)
    assert not webhooks.generic_valid("k", body, "v1=abc", 1_000_000)
    assert not webhooks.generic_valid("k", body, "t=x,v1=abc", 1_000_000)


def test_a_company_group_called_ingests_can_still_push(monkeypatch: pytest.MonkeyPatch) -> None:
    from syncline.inbound import http
    from syncline.inbound.ingest import Answer

    pushed: list[tuple[str, str]] = []

    def fake_push(event: dict[str, object], tenant_id: str, path: str) -> Answer:
        pushed.append((tenant_id, path))
        return Answer(202, {"accepted": 1})

    monkeypatch.setattr(http, "push", fake_push)
    answer = http.handle({"httpMethod": "POST", "path": "/inbound/ingests/orders", "headers": {}}, None)
    assert answer["statusCode"] == 202 and pushed == [("ingests", "orders")]
    # a GET there is still the status of an ingest, and another method is 405 naming GET
    put = http.handle({"httpMethod": "PUT", "path": "/inbound/ingests/ing_1", "headers": {}}, None)
    assert put["statusCode"] == 405 and put["headers"]["Allow"] == "GET"
