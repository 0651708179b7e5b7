"""Connectors and services management: validation on save, credentials write-only, schedules kept
in step, delete refused while in use, clone, activate/deactivate, run now, notes, preview."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from syncline import aws, wiring
from syncline.models import HealthStatus, RunStatus, Status, Trigger, utcnow
from syncline.schedules import schedule_name
from tests.integration.api.conftest import SCHEDULE_GROUP, SECRET_TOKEN, AwsEnv, Group, new_group, seed_items

NEW_TOKEN = "rotated-T0KEN-9f8e7d"


@pytest.fixture
def group(aws_env: AwsEnv) -> Group:
    return new_group("mg")


def _schedule(group: Group, service_id: str) -> dict[str, Any] | None:
    scheduler = aws.client("scheduler")
    try:
        got: dict[str, Any] = scheduler.get_schedule(
            Name=schedule_name(group.tenant_id, service_id), GroupName=SCHEDULE_GROUP
        )
    except scheduler.exceptions.ResourceNotFoundException:
        return None
    return got


def _secret(group: Group, connector_id: str) -> dict[str, str]:
    arn = wiring.config_store().require_connector(group.tenant_id, connector_id).credentials_secret_arn
    value: dict[str, str] = json.loads(
        aws.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
    )
    return value


CONNECTOR = {
    "connector_id": "shop2",
    "system": "rest",
    "name": "Second shop",
    "base_url": "https://shop2.example.com",
    "credentials": {"token": SECRET_TOKEN},
    "settings": {"records_path": "data"},
}


def test_connector_lifecycle_and_credentials_are_write_only(group: Group) -> None:
    api = group.api
    created = api.post("/connectors", body=CONNECTOR)
    assert created.status == 201, created.text
    assert created.headers["location"] == "/connectors/shop2"
    body = created.json()
    assert (
        body["has_credentials"] is True and "credentials" not in body and "credentials_secret_arn" not in body
    )
    assert _secret(group, "shop2") == {"token": SECRET_TOKEN}
    assert api.post("/connectors", body=CONNECTOR).status == 409
    assert {c["connector_id"] for c in api.get("/connectors").json()["items"]} >= {
        "shop",
        "wh",
        "erp",
        "shop2",
    }
    assert api.get("/connectors/shop2").json()["name"] == "Second shop"

    updated = api.patch("/connectors/shop2", body={"name": "Shop 2", "credentials": {"token": NEW_TOKEN}})
    assert updated.status == 200, updated.text
    assert updated.json()["name"] == "Shop 2"
    assert _secret(group, "shop2") == {"token": NEW_TOKEN}
    assert api.patch("/connectors/shop2", body={"settings": {"records_path": "items"}}).json()[
        "settings"
    ] == {"records_path": "items"}
    assert _secret(group, "shop2") == {"token": NEW_TOKEN}  # untouched when not sent

    # status and history
    config = wiring.config_store()
    config.record_health(group.tenant_id, "shop2", HealthStatus.UNREACHABLE, "timeout", utcnow())
    config.record_health(group.tenant_id, "shop2", HealthStatus.OPERATIONAL, None, utcnow())
    status = api.get("/connectors/shop2/status").json()
    assert status["health_status"] == "Connector Operational"
    history = api.get("/connectors/shop2/status/history", query={"limit": 10}).json()["items"]
    assert [h["status"] for h in history] == ["Connector Operational", "System Unreachable"]

    deleted = api.delete("/connectors/shop2")
    assert deleted.status == 204 and deleted.body == b""
    assert api.get("/connectors/shop2").status == 404
    for text in api.bodies:  # never a credential in any answer, errors included
        assert SECRET_TOKEN not in text and NEW_TOKEN not in text


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"system": "nosuch"}, 422, "body.system"),
        ({"base_url": "ftp://shop.example.com"}, 422, "body.base_url"),
        ({"base_url": "https://user:pw@shop.example.com"}, 422, "body.base_url"),
        ({"settings": {"no_such_setting": 1}}, 422, "body.settings"),
        (
            {"settings": {"rate_limit": {"requests_per_second": -1}}},
            422,
            "body.settings.rate_limit.requests_per_second",
        ),
        ({"settings": {"rate_limit": {"burst": 0}}}, 422, "body.settings.rate_limit.burst"),
        ({"settings": {"rate_limit": {"per_day": 9}}}, 422, "body.settings.rate_limit.per_day"),
        ({"settings": {"auth": "bearer"}, "credentials": {}}, 422, "body.credentials.token"),
        ({"credentials": {"token": 12345}}, 422, "body.credentials.token"),
        ({"timezone": "Mars/Olympus"}, 422, "body.timezone"),
        ({"connector_id": "bad id"}, 422, "body.connector_id"),
        ({"extra": True}, 422, "body.extra"),
    ],
)
def test_bad_connectors_are_refused_naming_the_field(
    group: Group, change: dict[str, Any], status: int, field: str
) -> None:
    resp = group.api.post("/connectors", body=CONNECTOR | change)
    assert resp.status == status, resp.text
    fields = [f["field"] for f in resp.json()["error"]["fields"]]
    assert any(f.startswith(field) for f in fields), fields
    assert SECRET_TOKEN not in resp.text
    assert group.api.get("/connectors/shop2").status == 404


@pytest.mark.parametrize(
    ("connector", "field"),
    [
        ({"system": "shopify", "base_url": "https://demo.myshopify.com"}, "body.credentials.access_token"),
        ({"system": "woocommerce", "base_url": "https://shop.example.com"}, "body.credentials.consumer_key"),
        (
            {"system": "rest", "base_url": "https://api.example.com", "settings": {"auth": "bearer"}},
            "body.credentials.token",
        ),
    ],
)
def test_a_connector_without_its_systems_credentials_is_refused(
    group: Group, connector: dict[str, Any], field: str
) -> None:
    body = {"connector_id": "nocreds", "name": "No credentials", **connector}
    resp = group.api.post("/connectors", body=body)
    assert resp.status == 422, resp.text
    assert [f["field"] for f in resp.json()["error"]["fields"]] == [field]
    assert group.api.get("/connectors/nocreds").status == 404
    # a connector whose new settings need a credential it does not have: the same 422
    assert group.api.post("/connectors", body=CONNECTOR | {"connector_id": "bearer"}).status == 201
    switched = group.api.patch("/connectors/bearer", body={"settings": {"auth": "basic"}})
    assert switched.status == 422 and "body.credentials.username" in switched.text, switched.text
    assert group.api.delete("/connectors/bearer").status == 204


SERVICE = {
    "service_id": "orders2",
    "name": "Orders to warehouse, again",
    "schedule": "rate(10 minutes)",
    "source": {"connector_id": "shop", "entity": "orders"},
    "destination": {"connector_id": "wh", "entity": "orders"},
    "mappings": [{"source": "number", "target": "reference"}, {"source": "total", "target": "amount"}],
}


def test_service_lifecycle_keeps_the_schedule_in_step(group: Group) -> None:
    api = group.api
    created = api.post("/services", body=SERVICE)
    assert created.status == 201, created.text
    schedule = _schedule(group, "orders2")
    assert schedule is not None and schedule["ScheduleExpression"] == "rate(10 minutes)"
    assert json.loads(schedule["Target"]["Input"]) == {
        "tenant_id": group.tenant_id,
        "service_id": "orders2",
        "trigger": "schedule",
    }
    assert api.post("/services", body=SERVICE).status == 409

    assert (
        api.patch("/services/orders2", body={"schedule": "rate(1 hour)"}).json()["schedule"] == "rate(1 hour)"
    )
    assert _schedule(group, "orders2")["ScheduleExpression"] == "rate(1 hour)"  # type: ignore[index]
    assert api.post("/services/orders2/deactivate").json()["active"] is False
    assert _schedule(group, "orders2") is None
    assert api.post("/services/orders2/activate").json()["active"] is True
    assert _schedule(group, "orders2") is not None
    patched = api.patch("/services/orders2", body={"settings": {"page_size": 50}}).json()
    assert patched["settings"]["page_size"] == 50 and patched["settings"]["max_attempts"] == 5

    notes = api.put("/services/orders2/notes", body={"notes": "Owned by the warehouse team"})
    assert notes.json()["notes"] == "Owned by the warehouse team"

    clone = api.post("/services/orders2/clone", body={"service_id": "orders3"})
    assert (
        clone.status == 201
        and clone.json()["active"] is False
        and clone.json()["mappings"] == SERVICE["mappings"]
    )
    assert _schedule(group, "orders3") is None
    assert api.post("/services/orders2/clone", body={"service_id": "orders3"}).status == 409

    assert api.delete("/connectors/shop").status == 409  # still used
    assert api.delete("/services/orders2").status == 204
    assert _schedule(group, "orders2") is None
    assert api.get("/services/orders2").status == 404


def test_rules_and_references_are_validated_on_save_with_every_problem_listed(group: Group) -> None:
    bad = SERVICE | {
        "schedule": "every 5 minutes",
        "source": {"connector_id": "nope", "entity": "orders"},
        "destination": {"connector_id": "wh", "entity": "orders"},
        "mappings": [
            {"source": "number", "target": "reference"},
            {"source": "total", "target": "amount", "transforms": [{"fn": "no_such_function"}]},
        ],
        "filters": [{"field": "status", "operator": "is_like_totally", "value": "x"}],
    }
    resp = group.api.post("/services", body=bad)
    assert resp.status == 422, resp.text
    fields = resp.json()["error"]["fields"]
    named = {f["field"] for f in fields}
    assert "body.schedule" in named and "body.source.connector_id" in named
    assert any(f.get("section") == "mappings" and f.get("index") == 1 for f in fields), fields
    assert any(f.get("section") == "filters" and f.get("index") == 0 for f in fields), fields
    assert group.api.get("/services/orders2").status == 404
    for schedule in ("cron(foo bar baz qux quux corge)", "cron(0 8 * * * *)", "cron(0 25 ? * MON *)"):
        resp = group.api.post("/services", body=SERVICE | {"schedule": schedule})
        assert resp.status == 422 and [f["field"] for f in resp.json()["error"]["fields"]] == [
            "body.schedule"
        ]
    assert group.api.get("/services/orders2").status == 404
    wrong_entity = SERVICE | {"destination": {"connector_id": "erp", "entity": "warp_drives"}}
    resp = group.api.post("/services", body=wrong_entity)
    assert resp.status == 422 and "body.destination.entity" in resp.text


def test_list_services_searches_and_filters(group: Group) -> None:
    api = group.api
    names = lambda query: sorted(s["service_id"] for s in api.get("/services", query=query).json()["items"])  # noqa: E731
    assert names({}) == ["orders", "products", "stock"]
    assert names({"q": "ORDERS"}) == ["orders"]
    assert names({"q": "standard"}) == ["orders", "products", "stock"]
    assert names({"q": "Stock SYNC"}) == ["stock"]
    assert names({"source_system": "shopify"}) == ["orders", "products"]
    assert names({"source_entity": "stock"}) == ["stock"]
    assert names({"status": "active"}) == []
    assert names({"status": "inactive"}) == ["orders", "products", "stock"]
    assert api.get("/services", query={"status": "paused"}).status == 422
    assert api.get("/services", query={"sort": "name"}).status == 422
    # each end says its system and connector name, in the list and for one service
    listed = {s["service_id"]: s for s in api.get("/services").json()["items"]}
    connectors = {c["connector_id"]: c for c in api.get("/connectors").json()["items"]}
    for view in [*listed.values(), api.get("/services/stock").json()]:
        for end in ("source", "destination"):
            row = connectors[view[end]["connector_id"]]
            assert (view[end]["system"], view[end]["connector_name"]) == (row["system"], row["name"])
    assert listed["orders"]["source"]["system"] == "shopify"
    # and when it last pulled, with the pulls since its last run that found nothing (no run each)
    assert listed["orders"]["last_pull"] == {"last_pull_at": None, "empty_pulls": 0}
    when = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    for _ in range(3):
        wiring.config_store().note_pull(group.tenant_id, "stock", at=when, empty=True)
    pulled = api.get("/services/stock").json()["last_pull"]
    assert pulled == {"last_pull_at": "2026-11-30T12:00:00.000Z", "empty_pulls": 3}
    wiring.config_store().note_pull(group.tenant_id, "stock", at=when, empty=False)
    assert api.get("/services/stock").json()["last_pull"]["empty_pulls"] == 0


def test_run_now_opens_a_manual_run_and_queues_it_for_the_trigger(aws_env: AwsEnv, group: Group) -> None:
    aws_env.drain(aws_env.trigger_queue)
    wiring.config_store().set_cursor(group.tenant_id, "orders", "2025-01-01T00:00:00Z")
    resp = group.api.post("/services/orders/run")
    assert resp.status == 202, resp.text
    run_id = resp.json()["run_id"]
    assert resp.headers["location"] == f"/runs/{run_id}"
    run = wiring.sync_store().get_run(group.tenant_id, run_id)
    assert run is not None and run.trigger == Trigger.MANUAL and run.status == RunStatus.RUNNING
    override = group.api.post("/services/orders/run", body={"since": "2024-06-01T00:00:00Z", "page_size": 20})
    assert override.status == 202
    messages = aws_env.drain(aws_env.trigger_queue)
    assert messages == [
        {
            "tenant_id": group.tenant_id,
            "service_id": "orders",
            "trigger": "manual",
            "run_id": run_id,
            "since": "2025-01-01T00:00:00Z",
        },
        {
            "tenant_id": group.tenant_id,
            "service_id": "orders",
            "trigger": "manual",
            "run_id": override.json()["run_id"],
            "since": "2024-06-01T00:00:00Z",
            "page_size": 20,
        },
    ]
    assert group.api.post("/services/orders/run", body={"page_size": 0}).status == 422
    for since in ("yesterday", "2024-13-01T00:00:00Z", "1717200000"):  # not a time: not a silent re-pull
        refused = group.api.post("/services/orders/run", body={"since": since})
        assert refused.status == 422 and refused.json()["error"]["fields"][0]["field"] == "body.since", since
    assert aws_env.drain(aws_env.trigger_queue) == []  # and nothing queued
    assert group.api.post("/services/nope/run").status == 404


def test_preview_runs_saved_or_unsaved_rules_on_a_sample(group: Group) -> None:
    api = group.api
    api.patch("/services/orders", body={"mappings": SERVICE["mappings"], "filters": []})
    record = {"number": "1001", "total": 12.5, "status": "paid"}
    saved = api.post("/services/orders/preview", body={"record": record})
    assert saved.status == 200, saved.text
    assert saved.json()["kept"] is True and saved.json()["output"] == {"reference": "1001", "amount": 12.5}
    assert len(saved.json()["trace"]) == 2
    unsaved = api.post(
        "/services/orders/preview",
        body={"record": record, "mappings": [{"source": "status", "target": "state"}]},
    ).json()
    assert unsaved["output"] == {"state": "paid"}
    bad = api.post(
        "/services/orders/preview", body={"record": record, "mappings": [{"source": "x", "target": "1bad["}]}
    )
    assert bad.status == 422 and bad.json()["error"]["fields"][0]["index"] == 0


def test_connector_summary(group: Group) -> None:
    seed_items(group, runs_per_service=2, items_per_run=6, days=2)
    body = group.api.get("/connectors/wh/summary", query={"days": 5}).json()
    assert [s["service_id"] for s in body["services"]] == ["orders"]
    orders = [i for i in group.items if i.service_id == "orders"]
    assert sum(body["totals"].values()) == len(orders)
    # transactions a day: every day of the window, each run counted on the (UTC) day it started
    assert [d["date"] for d in body["days"]] == [
        (utcnow() - timedelta(days=n)).date().isoformat() for n in range(5, -1, -1)
    ]
    per_day: dict[str, Counter[str]] = {}
    for item in orders:
        run = next(r for r in group.runs if r.run_id == item.run_id)
        per_day.setdefault(run.started_at.date().isoformat(), Counter())[item.status.value] += 1
    for day in body["days"]:
        counts = per_day.get(day["date"], Counter())
        assert day["totals"] == {s.value: counts[s.value] for s in Status}, day
    assert sum(d["runs"] for d in body["days"]) == len({i.run_id for i in orders})
    failed = {i.sync_id for i in orders if i.status == Status.FAILED}
    assert {e["sync_id"] for e in body["recent_failed"]} == set(list(failed)[:10]) or len(failed) > 10
    assert "credentials_secret_arn" not in json.dumps(body) and SECRET_TOKEN not in json.dumps(body)


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("text/plain", "hello", 415),
        ("application/x-www-form-urlencoded", "a=b", 415),
        ("application/json", "[1, 2]", 422),
    ],
)
def test_bodies_that_are_not_a_json_object_are_refused(
    group: Group, content_type: str, body: str, status: int
) -> None:
    """Another content type is 415 (Unsupported Media Type); JSON that is not an object is 422 (it
    reads, but is not what the route takes)."""
    resp = group.api.post("/services", raw_body=body, headers={"Content-Type": content_type})
    assert resp.status == status and resp.json()["error"]["fields"][0]["field"].startswith("body")


def test_a_connector_can_be_checked_now(group: Group) -> None:
    """POST /connectors/{id}/check runs the health check against the system itself and records it
    (history on each change); a wrong token is Failed Authentication, a system that is down is
    System Unreachable; never the credential in any answer."""
    from syncline.local.demo_systems import DemoWarehouse

    warehouse = DemoWarehouse(token="right-T0KEN-5a4b3c")
    warehouse.start()
    try:
        api = group.api
        body = CONNECTOR | {
            "connector_id": "wh-now",
            "base_url": warehouse.url,
            "credentials": {"token": "wrong-T0KEN-1a2b3c"},
            "settings": {"records_path": "data", "check_path": "/"},
        }
        assert api.post("/connectors", body=body).status == 201
        assert api.get("/connectors/wh-now/status").json()["health_status"] == "Unknown"
        wrong = api.post("/connectors/wh-now/check")
        assert wrong.status == 200 and wrong.json()["health_status"] == "Failed Authentication", wrong.text
        fixed = api.patch("/connectors/wh-now", body={"credentials": {"token": "right-T0KEN-5a4b3c"}})
        assert fixed.status == 200
        ok = api.post("/connectors/wh-now/check").json()
        assert ok["health_status"] == "Connector Operational" and ok["health_checked_at"]
        assert api.post("/connectors/wh-now/check").json()["health_status"] == "Connector Operational"
    finally:
        warehouse.stop()
    down = api.post("/connectors/wh-now/check").json()
    assert down["health_status"] == "System Unreachable" and down["health_reason"]
    history = api.get("/connectors/wh-now/status/history", query={"limit": 10}).json()["items"]
    assert [h["status"] for h in history] == [
        "System Unreachable",
        "Connector Operational",
        "Failed Authentication",
    ]  # newest first; checking twice while Operational added no row
    assert api.post("/connectors/nope/check").status == 404
    assert new_group("mg-other").api.post("/connectors/wh-now/check").status == 404
    assert not any("T0KEN" in text for text in api.bodies)


def test_connector_summary_shows_the_rate_budget_and_its_counts(group: Group) -> None:
    from syncline import wiring
    from syncline.store.rate_store import RateStore

    body = group.api.get("/connectors/wh/summary", query={"days": 1}).json()
    assert body["rate_limit"] == {
        "budget": {"requests_per_second": 5.0, "burst": 10, "max_concurrency": 4, "unit": "requests"},
        "requests": 0,
        "throttled": 0,
        "paused_until": None,
    }
    changed = group.api.patch(
        "/connectors/wh", body={"settings": {"rate_limit": {"requests_per_second": 2, "burst": 3}}}
    )
    assert changed.status == 200, changed.text
    store = RateStore(wiring.config_store().name)
    grant = store.lease(group.tenant_id, "wh", want=1, rate=2, burst=3, now=utcnow().timestamp(), used=7)
    assert grant.tokens == 1
    store.pause(group.tenant_id, "wh", until=utcnow().timestamp() + 60, throttled=1)
    rate = group.api.get("/connectors/wh/summary", query={"days": 1}).json()["rate_limit"]
    assert rate["budget"]["requests_per_second"] == 2.0 and rate["budget"]["burst"] == 3
    assert rate["requests"] == 7 and rate["throttled"] == 1
    assert rate["paused_until"] is not None
