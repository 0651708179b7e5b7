"""Bad input is a 4xx, never a 500: bodies (encoding, content type, depth, size), repeated filter
values, timestamps, cursors. Errors name the field and never echo the value."""

from __future__ import annotations

import base64
import json
import time
from datetime import datetime, timedelta
from typing import Any

import pytest

from syncline import wiring
from syncline.local.http import proxy_event, response_parts
from syncline.local.lambdas import invoke
from syncline.models import iso, utcnow
from syncline.reports import decode_cursor, encode_cursor
from syncline.reports.query import CURSOR_VERSION
from tests.integration.api.conftest import AwsEnv, Group, Resp, new_group, seed_items

MARKER = "ZZ-never-echo-ZZ"


@pytest.fixture(scope="module")
def group(aws_env: AwsEnv) -> Group:
    g = new_group("hard")
    seed_items(g, runs_per_service=4, items_per_run=10, days=3)
    return g


def _service(service_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "service_id": service_id,
        "name": "S",
        "active": False,
        "source": {"connector_id": "shop", "entity": "orders"},
        "destination": {"connector_id": "wh", "entity": "orders"},
    } | extra


def _raw(group: Group, method: str, path: str, body: bytes, content_type: str) -> Resp:
    headers = {"Content-Type": content_type, "x-api-key": str(group.api.key)}
    event = proxy_event(method, path, headers=headers, body=body)
    status, out_headers, out_body = response_parts(invoke("report_api", event, timeout_seconds=29))
    return Resp(status=status, headers={k.lower(): v for k, v in out_headers}, body=out_body)


def _error(resp: Resp, status: int, field: str) -> dict[str, Any]:
    assert resp.status == status, resp.text
    error: dict[str, Any] = resp.json()["error"]
    assert field in [f["field"] for f in error["fields"]], error
    assert MARKER not in resp.text
    return error


def test_a_body_that_is_not_utf8_is_400(group: Group) -> None:
    resp = _raw(
        group, "POST", "/services", b'{"service_id": "\xff\xfe' + MARKER.encode() + b'"}', "application/json"
    )
    assert "not UTF-8" in _error(resp, 400, "body")["message"]


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/x-www-form-urlencoded",
    ],
)
def test_a_body_that_is_not_json_is_415(group: Group, content_type: str) -> None:
    resp = group.api.post("/services", raw_body=f"a={MARKER}", headers={"Content-Type": content_type})
    assert _error(resp, 415, "body")["code"] == "unsupported_media_type"


def test_deeply_nested_json_is_400(group: Group) -> None:
    deep = '{"service_id": "x", "alerts": ' + '{"a": ' * 20_000 + "1" + "}" * 20_000 + "}"
    resp = group.api.post("/services", raw_body=deep)
    _error(resp, 400, "body")
    resp = group.api.post("/reports/resync", raw_body="[" * 20_000 + "]" * 20_000)
    _error(resp, 400, "body")


@pytest.mark.parametrize(
    ("extra", "field", "status"),
    [
        # serialized size over a bound, too many entries or characters: all 422, naming the field
        # alerts are typed now: an unknown key is refused by name, whatever its size
        ({"alerts": {"emails": [MARKER * 10] * 2000}}, "body.alerts.emails", 422),
        ({"filters": [{"field": "x", "op": "eq", "value": MARKER * 100}] * 150}, "body.filters", 422),
        ({"alerts": {f"k{n}": n for n in range(60)}}, "body.alerts.k0", 422),
        ({"mappings": [{"x": 1}] * 201}, "body.mappings", 422),
        ({"notes": MARKER * 1000}, "body.notes", 422),
        ({"payload_script": MARKER * 2000}, "body.payload_script", 422),
    ],
)
def test_oversized_service_fields_are_refused_and_nothing_is_written(
    group: Group, extra: dict[str, Any], field: str, status: int
) -> None:
    before = wiring.config_store().get_service(group.tenant_id, "orders")
    resp = group.api.post("/services", body=_service("too-big", **extra))
    _error(resp, status, field)
    assert wiring.config_store().get_service(group.tenant_id, "too-big") is None
    patch = group.api.patch("/services/orders", body=extra)
    _error(patch, status, field)
    assert wiring.config_store().get_service(group.tenant_id, "orders") == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"settings": {"headers": {f"H{n}": MARKER * 40 for n in range(50)}}}, "body.settings"),
        ({"credentials": {f"k{n}": MARKER * 200 for n in range(15)}}, "body.credentials"),
    ],
)
def test_oversized_connector_maps_are_422(group: Group, body: dict[str, Any], field: str) -> None:
    create = {"connector_id": "big", "system": "rest", "name": "Big", "base_url": "https://x.example.com"}
    _error(group.api.post("/connectors", body=create | body), 422, field)
    _error(group.api.patch("/connectors/shop", body=body), 422, field)
    assert wiring.config_store().get_connector(group.tenant_id, "big") is None


def test_a_preview_record_is_bounded(group: Group) -> None:
    resp = group.api.post("/services/orders/preview", body={"record": {"x": MARKER * 20_000}})
    _error(resp, 422, "body.record")


def test_the_service_model_refuses_a_row_over_the_item_limit(
    group: Group, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The field bounds keep a service under DynamoDB's item limit; the model checks the total too,
    before any write (here with a smaller budget, since the bounds cannot add up to the real one)."""
    from syncline import models

    monkeypatch.setattr(models, "ITEM_BUDGET_BYTES", 20_000)
    resp = group.api.post("/services", body=_service("huge", notes="x" * 9000, payload_script="y" * 15_000))
    assert resp.status == 422, resp.text
    assert "largest field is payload_script" in resp.text and "x" * 100 not in resp.text
    assert wiring.config_store().get_service(group.tenant_id, "huge") is None


def test_repeated_filter_values_count_once(group: Group) -> None:
    started = time.monotonic()
    resp = group.api.get("/reports", query=[("status", "OK")] * 1000 + [("days", "3")])
    assert resp.status == 200, resp.text
    assert time.monotonic() - started < 5
    assert resp.json()["items"] and {i["status"] for i in resp.json()["items"]} == {"OK"}
    assert group.api.get("/runs", query=[("status", "OK")] * 1000).status == 200
    body = {"filter": {"status": ["Failed"] * 1000, "days": 3}, "dry_run": True}
    assert group.api.post("/reports/resync", body=body).status == 200


@pytest.mark.parametrize("name", ["service", "source_system", "entity"])
def test_too_many_distinct_filter_values_is_422_naming_the_parameter(group: Group, name: str) -> None:
    resp = group.api.get("/reports", query=[(name, f"v{n}") for n in range(51)])
    error = _error(resp, 422, f"query.{name}")
    assert "at most 50" in error["message"]
    assert group.api.get("/reports/export", query=[(name, f"v{n}") for n in range(51)]).status == 422
    body = {"filter": {name: [f"v{n}" for n in range(51)]}, "dry_run": True}
    _error(group.api.post("/reports/resync", body=body), 422, f"body.filter.{name}")


@pytest.mark.parametrize("value", ["0.5", "1700000000", "-1", "1e3"])
@pytest.mark.parametrize("name", ["from", "to"])
def test_timestamps_are_iso_8601_only(group: Group, name: str, value: str) -> None:
    for path in ("/reports", "/runs", "/dashboard", "/reports/export"):
        resp = group.api.get(path, query={name: value})
        assert "ISO 8601" in _error(resp, 422, f"query.{name}")["message"], path
    resp = group.api.post("/reports/resync", body={"filter": {name: float(value)}, "dry_run": True})
    _error(resp, 422, f"body.filter.{name}")
    ok = group.api.get("/reports", query={name: iso(utcnow() - timedelta(days=1 if name == "from" else 0))})
    assert ok.status == 200, ok.text


def _next(group: Group, path: str, query: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    resp = group.api.get(path, query=query)
    assert resp.status == 200, resp.text
    cursor = resp.json()["next_cursor"]
    assert cursor
    return cursor, json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))


def _forge(document: dict[str, Any]) -> str:
    """A cursor re-encoded with the old signature: what a client can produce."""
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode().rstrip("=")


@pytest.mark.parametrize("path", ["/reports", "/runs"])
def test_tampered_cursors_never_lift_a_bound(group: Group, path: str) -> None:
    query = {"days": 3, "limit": 2}
    _, document = _next(group, path, query)
    assert "m" in document
    forged = [
        document | {"w": None},  # lifts the 15-day cap
        document | {"h": {"V#orders#0": 1000}},  # read hints
        document | {"g": "2000-01-01T00:00:00.000Z#" + "ab" * 12},  # a position before the window
        document | {"w": ["2000-01-01T00:00:00.000Z", document["w"][1]]},
        {k: v for k, v in document.items() if k != "m"},  # unsigned
        document | {"x": 1},
        document | {"y": 1},
    ]
    for doc in forged:
        resp = group.api.get(path, query=query | {"cursor": _forge(doc)})
        _error(resp, 400, "query.cursor")


def test_a_cursor_without_a_window_is_refused_even_when_validly_signed() -> None:
    """Defence in depth: the decoded document is checked whatever its signature."""
    from syncline.reports import BadRequest, ReportQuery
    from syncline.reports.cursor import _pinned_window

    now = utcnow()
    query = ReportQuery(start=now - timedelta(days=1), end=now)
    with pytest.raises(BadRequest):
        _pinned_window({"w": None}, query)
    cursor = encode_cursor({"v": CURSOR_VERSION, "f": "x", "h": {"S": 1001}})
    with pytest.raises(BadRequest):
        decode_cursor(cursor, "x")
    bad_fields = ({"p": True}, {"p": -1}, {"w": "x"}, {"s": {"k": 1}}, {"g": 5}, {"g": "a" * 3000}, {"x": 1})
    for bad in bad_fields:
        with pytest.raises(BadRequest):
            decode_cursor(encode_cursor({"v": CURSOR_VERSION, "f": "x"} | bad), "x")
    assert decode_cursor(encode_cursor({"v": CURSOR_VERSION, "f": "x", "g": "a"}), "x")["g"] == "a"


def test_datetime_window_still_works(group: Group) -> None:
    now = datetime.now().astimezone()
    resp = group.api.get(
        "/reports", query={"from": (now - timedelta(days=2)).isoformat(), "to": now.isoformat()}
    )
    assert resp.status == 200, resp.text
