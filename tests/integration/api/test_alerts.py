"""Failure alerts by email: notification groups, per-service settings, the alerts tick and what
it sends through (moto's) SESv2. Every email is read back from moto's SES store and parsed."""

from __future__ import annotations

import email
import email.policy
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

import pytest

from syncline import aws, wiring
from syncline.alerts import tick
from syncline.models import (
    ErrorInfo,
    HealthStatus,
    Run,
    RunStatus,
    Status,
    SyncItem,
    Totals,
    Trigger,
    iso,
    new_run_id,
    sync_id_for,
    utcnow,
)
from syncline.settings import ENV

from .conftest import SECRET_TOKEN, AwsEnv, Group, new_group

SENDER = "alerts@example.com"
CONFIG_SET = "apitest-alerts"
CONSOLE = "https://console.example.com/"


@pytest.fixture(scope="module")
def ses(aws_env: AwsEnv) -> Iterator[None]:
    ses = aws.client("sesv2")
    ses.create_email_identity(EmailIdentity=SENDER)
    ses.create_configuration_set(ConfigurationSetName=CONFIG_SET)
    saved = {
        name: os.environ.get(name)
        for name in (ENV["alert_sender"], ENV["alert_configuration_set"], ENV["alert_link_base"])
    }
    os.environ[ENV["alert_sender"]] = SENDER
    os.environ[ENV["alert_configuration_set"]] = CONFIG_SET
    os.environ[ENV["alert_link_base"]] = CONSOLE
    wiring.reset()
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    wiring.reset()


def sent_to(address: str) -> list[EmailMessage]:
    """Every email moto's SES accepted for `address`, parsed."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    backend = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    out = []
    for raw in backend.sent_messages:
        if address in " ".join(getattr(raw, "destinations", []) or []):
            message = email.message_from_string(raw.raw_data, policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            out.append(message)
    return out


def parts(message: EmailMessage) -> tuple[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content_charset() == "utf-8" and html.get_content_charset() == "utf-8"
    return str(text.get_content()), str(html.get_content())


def ops_group(group: Group, group_id: str = "ops") -> str:
    address = f"ops-{group.tenant_id}@example.com"
    resp = group.api.post(
        "/notification-groups",
        body={"group_id": group_id, "name": "Ops", "recipients": [address, "Lead@Example.com"]},
    )
    assert resp.status == 201, resp.text
    return address


def enable(group: Group, service_id: str, **alerts: Any) -> None:
    body: dict[str, Any] = {"alerts": {"enabled": True, "groups": ["ops"], **alerts}}
    if service_id == "stock":  # the seeded one moves entities its systems do not take
        body |= {"source": {"connector_id": "erp", "entity": "products"}}
        body |= {"destination": {"connector_id": "shop", "entity": "inventory"}}
    resp = group.api.patch(f"/services/{service_id}", body=body)
    assert resp.status == 200, resp.text


def seed_failures(
    group: Group,
    service_id: str,
    count: int,
    start: datetime,
    span: timedelta,
    message: str = "bad postcode",
    seed: int = 0,
) -> None:
    service = group.services[service_id]
    run_id = new_run_id(start)
    syncs = wiring.sync_store()
    rows = []
    for n in range(count):
        at = start + span * n / max(1, count)
        item = SyncItem(
            tenant_id=group.tenant_id,
            sync_id=sync_id_for(service_id, f"src-{n}", f"{run_id}-{n}-{seed}"),
            run_id=run_id,
            service_id=service_id,
            source_system="shopify",
            source_entity=service.source.entity,
            destination_system="rest",
            destination_entity=service.destination.entity,
            reference=f"#{n:05d}",
            source_id=f"src-{n}",
            status=Status.FAILED,
            attempts=5,
            last_error=ErrorInfo(code="rejected", message=f"{message} {n}"),
            created_at=at,
            updated_at=at,
            payload={"id": n, "note": SECRET_TOKEN},
        )
        rows.append(syncs.item_row(item))
    syncs._batch_write(rows)


def seed_run(
    group: Group, service_id: str, started: datetime, status: RunStatus, pull_error: str | None = None
) -> Run:
    run = Run(
        tenant_id=group.tenant_id,
        run_id=new_run_id(started),
        service_id=service_id,
        trigger=Trigger.SCHEDULE,
        started_at=started,
        ended_at=started + timedelta(seconds=30),
        pull_done=True,
        status=status,
        totals=Totals(OK=1) if status == RunStatus.OK else Totals(Failed=1),
        pull_error=ErrorInfo(code="pull_failed", message=pull_error) if pull_error else None,
    )
    wiring.sync_store().create_run(run)
    return run


def alerts_tick(now: datetime) -> Any:
    return tick(wiring.deps(), now=now)


# ---------------------------------------------------------------------------------- digests


def test_a_thousand_failures_across_three_services_make_exactly_three_digests(ses: None) -> None:
    group = new_group("alerts")
    address = ops_group(group)
    t0 = utcnow() - timedelta(hours=2)
    counts = {"orders": 400, "products": 350, "stock": 250}
    alerts_tick(t0 - timedelta(minutes=11))  # nothing on yet: notes nothing, sends nothing
    for service_id in counts:
        enable(group, service_id)
    alerts_tick(t0 - timedelta(minutes=11))  # first sight: counting starts a window back
    for service_id, count in counts.items():
        seed_failures(group, service_id, count, t0 - timedelta(minutes=10), timedelta(minutes=9))
    for minutes in (0, 3):  # the window since the first failure is not over: nothing yet
        alerts_tick(t0 + timedelta(minutes=minutes))
    assert sent_to(address) == []
    for minutes in (6, 7, 8, 12, 20, 40, 60):  # however often it ticks
        alerts_tick(t0 + timedelta(minutes=minutes))
    messages = sent_to(address)
    assert len(messages) == 3
    by_service = {str(m["Subject"]).split(":")[0].removeprefix("[Syncline] "): m for m in messages}
    assert set(by_service) == set(counts)
    for service_id, count in counts.items():
        message = by_service[service_id]
        assert message["Subject"] == f"[Syncline] {service_id}: {count} failed syncs in 15 min"
        assert message["From"] == SENDER
        assert "lead@example.com" in str(message["To"])
        text, html = parts(message)
        for body in (text, html):
            # one error, one group: its count, the catalog's note and three examples (the newest)
            assert group.tenant_id in body and f"({service_id})" in body
            listed = [n for n in range(count) if f"#{n:05d}" in body]
            assert listed == list(range(count - 3, count))
            assert "postcode (or another address field) is not valid" in body  # what it means
            assert "Correct the address in the source record" in body  # what to do
        assert f"{count} x rejected: bad postcode {count - 1}" in text
        assert f"{count} &times; rejected: bad postcode {count - 1}" in html
        assert text.count("  e.g. ") == 3
        assert f"New failures: {count}" in text
        # the links open the console's views of the service's failures, never the API (a 401)
        assert f"{CONSOLE}#/reports?service={service_id}&status=Failed&from=" in text
        assert f"{CONSOLE}#/failures?service={service_id}" in text
        assert "/reports/export" not in text
        # the links and the window start at the first failure (the report takes at most 15 days)
        assert "from=" + quote(iso(t0 - timedelta(minutes=10))) + "&" in text
        assert f"Window: {iso(t0 - timedelta(minutes=10))} to " in text
    history = group.api.get("/services/orders/alerts/history").json()["items"]
    assert len(history) == 1
    (entry,) = history
    assert entry["kind"] == "failures" and entry["counts"]["new"] == 400
    assert sorted(entry["recipients"]) == sorted([address, "lead@example.com"])
    assert "body" not in entry and "#00399" not in str(entry)


def test_immediate_mode_sends_the_first_failure_at_once_then_one_digest_per_window(ses: None) -> None:
    group = new_group("alerts")
    address = ops_group(group)
    t0 = utcnow() - timedelta(hours=2)
    enable(group, "orders", mode="immediate", window_minutes=10)
    assert group.api.patch("/services/orders", body={"name": "Bestellungen → Lager (Müller)"}).status == 200
    alerts_tick(t0)
    seed_failures(group, "orders", 1, t0 + timedelta(minutes=1), timedelta(seconds=1))
    alerts_tick(t0 + timedelta(minutes=2))
    assert [str(m["Subject"]) for m in sent_to(address)] == ["[Syncline] orders: 1 failed sync in 10 min"]
    seed_failures(group, "orders", 30, t0 + timedelta(minutes=3), timedelta(minutes=5), message="later")
    for minutes in (4, 6, 9, 11):  # within the window of the first email: held back
        alerts_tick(t0 + timedelta(minutes=minutes))
    assert len(sent_to(address)) == 1
    alerts_tick(t0 + timedelta(minutes=13))
    assert [str(m["Subject"]) for m in sent_to(address)][1] == "[Syncline] orders: 30 failed syncs in 10 min"
    text, html = parts(sent_to(address)[1])
    assert "Still failing: 1" in text
    assert "Bestellungen → Lager (Müller) (orders)" in text and "Bestellungen → Lager (Müller)" in html


def test_a_digest_groups_failures_by_error_with_counts_and_examples(ses: None) -> None:
    """Issue 30: a hundred identical failures are one line with a count, not a hundred lines; two
    different errors are two groups, the larger first, each with what it means and what to do."""
    group = new_group("alerts")
    address = ops_group(group)
    t0 = utcnow() - timedelta(hours=2)
    enable(group, "orders", mode="immediate")
    alerts_tick(t0)
    seed_failures(
        group, "orders", 100, t0 + timedelta(minutes=1), timedelta(seconds=30), message="bad postcode"
    )
    seed_failures(
        group,
        "orders",
        7,
        t0 + timedelta(minutes=2),
        timedelta(seconds=30),
        message="mapping: no sku at line",
        seed=1,
    )
    alerts_tick(t0 + timedelta(minutes=5))
    (message,) = sent_to(address)
    text, _ = parts(message)
    lines = text.splitlines()
    headings = [line for line in lines if " x rejected: " in line]
    assert [h.split(":")[0] for h in headings] == ["100 x rejected", "7 x rejected"]
    assert text.count("  e.g. ") == 6
    assert sum(1 for line in lines if "bad postcode" in line) == 1  # one line for the hundred


def test_an_immediate_alert_reports_failures_that_reach_the_index_late(ses: None) -> None:
    """Issue 30 (8 of 13 emailed): a failure whose time is before what a tick covered, but that
    reached the by_status index after that tick (the index lagging, a reconciler pass that settles
    entries with its start time), was never emailed: the tick's cursor had moved past its time.
    Now every tick looks back over what it covered and reports what was never reported, once."""
    group = new_group("alerts")
    address = ops_group(group)
    t0 = utcnow() - timedelta(hours=2)
    enable(group, "orders", mode="immediate", window_minutes=5)
    alerts_tick(t0)
    seed_failures(group, "orders", 8, t0 + timedelta(minutes=1), timedelta(seconds=10))
    alerts_tick(t0 + timedelta(minutes=2))  # the 8 so far: emailed at once
    # five more, with times before that tick's cursor, only now in the index
    seed_failures(group, "orders", 5, t0 + timedelta(minutes=1, seconds=30), timedelta(seconds=5), seed=1)
    for minutes in (3, 4, 8, 9, 15, 30):
        alerts_tick(t0 + timedelta(minutes=minutes))
    subjects = [str(m["Subject"]) for m in sent_to(address)]
    assert subjects == [
        "[Syncline] orders: 8 failed syncs in 5 min",
        "[Syncline] orders: 5 failed syncs in 5 min",
    ]


# ---------------------------------------------------------------------------------- recovery


def test_a_recovery_email_after_a_clean_window_and_none_for_a_service_that_never_alerted(ses: None) -> None:
    group = new_group("alerts")
    address = ops_group(group)
    t0 = utcnow() - timedelta(hours=3)
    enable(group, "orders")
    enable(group, "products")
    alerts_tick(t0)
    seed_failures(group, "orders", 3, t0 + timedelta(minutes=1), timedelta(minutes=1))
    seed_run(group, "products", t0 + timedelta(minutes=2), RunStatus.OK)  # never failed
    alerts_tick(t0 + timedelta(minutes=17))
    assert len(sent_to(address)) == 1
    # a clean window passes, but without a successful run: no recovery yet
    alerts_tick(t0 + timedelta(minutes=40))
    assert len(sent_to(address)) == 1
    seed_run(group, "orders", t0 + timedelta(minutes=45), RunStatus.OK)
    for minutes in (50, 55, 70, 90):
        alerts_tick(t0 + timedelta(minutes=minutes))
    messages = sent_to(address)
    assert [str(m["Subject"]) for m in messages][1:] == ["[Syncline] orders: recovered"]
    parts(messages[1])
    assert not any("products" in str(m["Subject"]) for m in messages)
    kinds = [e["kind"] for e in group.api.get("/services/orders/alerts/history").json()["items"]]
    assert kinds == ["recovered", "failures"]
    assert group.api.get("/services/products/alerts/history").json()["items"] == []


def test_a_failed_pull_alerts_too(ses: None) -> None:
    group = new_group("alerts")
    address = ops_group(group)
    t0 = utcnow() - timedelta(hours=2)
    enable(group, "stock")
    alerts_tick(t0)
    seed_run(group, "stock", t0 + timedelta(minutes=1), RunStatus.FAILED, pull_error="shop said 500")
    alerts_tick(t0 + timedelta(minutes=17))
    alerts_tick(t0 + timedelta(minutes=40))
    (message,) = sent_to(address)
    assert message["Subject"] == "[Syncline] stock: 1 failed pull"
    text, html = parts(message)
    assert "shop said 500" in text and "shop said 500" in html


# ---------------------------------------------------------------------------------- connectors


def test_connector_down_and_back_is_two_emails_however_often_health_runs(ses: None) -> None:
    group = new_group("alerts")
    address = ops_group(group)
    enable(group, "orders")  # shop -> wh
    config = wiring.config_store()
    t0 = utcnow() - timedelta(hours=1)
    steps = [HealthStatus.OPERATIONAL] * 3 + [HealthStatus.UNREACHABLE] * 4 + [HealthStatus.OPERATIONAL] * 3
    for n, status in enumerate(steps):
        at = t0 + timedelta(minutes=5 * n)
        reason = "connect timeout" if status == HealthStatus.UNREACHABLE else None
        config.record_health(group.tenant_id, "wh", status, reason, at)
        config.record_health(group.tenant_id, "shop", HealthStatus.OPERATIONAL, None, at)
        alerts_tick(at)
        alerts_tick(at + timedelta(minutes=1))
    subjects = [str(m["Subject"]) for m in sent_to(address)]
    assert subjects == [
        "[Syncline] connector wh: System Unreachable",
        "[Syncline] connector wh: back to Connector Operational",
    ]
    text, _ = parts(sent_to(address)[0])
    assert "connect timeout" in text and "orders" in text


# ---------------------------------------------------------------------------------- auto-pause


def test_auto_pause_after_n_failed_runs_then_reactivation_resets_the_count(ses: None) -> None:
    group = new_group("alerts")
    address = ops_group(group)
    api = group.api
    enable(group, "orders", auto_pause={"enabled": True, "failed_runs": 4})
    assert api.post("/services/orders/activate").status == 200
    scheduler = aws.client("scheduler")
    from syncline.schedules import schedule_name

    name = schedule_name(group.tenant_id, "orders")
    group_name = os.environ[ENV["schedule_group"]]
    assert scheduler.get_schedule(Name=name, GroupName=group_name)["State"] == "ENABLED"
    t0 = utcnow() - timedelta(hours=1)
    alerts_tick(t0)
    seed_run(group, "orders", t0 + timedelta(minutes=1), RunStatus.FAILED)
    seed_run(group, "orders", t0 + timedelta(minutes=2), RunStatus.OK)  # breaks the streak
    for n in range(2):
        seed_run(group, "orders", t0 + timedelta(minutes=3 + n), RunStatus.FAILED)
    alerts_tick(t0 + timedelta(minutes=6))
    alerts_tick(t0 + timedelta(minutes=7))
    assert [str(m["Subject"]) for m in sent_to(address)] == [
        "[Syncline] orders: 2 failed runs in a row (pauses at 4)"
    ]
    assert api.get("/services/orders").json()["active"] is True
    for n in range(2):
        seed_run(group, "orders", t0 + timedelta(minutes=8 + n), RunStatus.FAILED)
    alerts_tick(t0 + timedelta(minutes=11))
    subjects = [str(m["Subject"]) for m in sent_to(address)]
    assert subjects[1:] == ["[Syncline] orders: paused after 4 failed runs in a row"]
    text, _ = parts(sent_to(address)[1])
    assert "inactive" in text
    assert api.get("/services/orders").json()["active"] is False
    with pytest.raises(scheduler.exceptions.ResourceNotFoundException):
        scheduler.get_schedule(Name=name, GroupName=group_name)

    assert api.post("/services/orders/activate").status == 200
    assert scheduler.get_schedule(Name=name, GroupName=group_name)["State"] == "ENABLED"
    state = wiring.config_store().alert_states(group.tenant_id)[("S", "orders")]
    assert state["failed_runs"] == 0
    later = utcnow()
    seed_run(group, "orders", later + timedelta(seconds=1), RunStatus.FAILED)
    alerts_tick(later + timedelta(minutes=5))
    assert wiring.config_store().alert_states(group.tenant_id)[("S", "orders")]["failed_runs"] == 1
    assert api.get("/services/orders").json()["active"] is True
    assert len(sent_to(address)) == 2


# ---------------------------------------------------------------------------------- secrets


def test_a_credential_canary_never_reaches_an_email(ses: None) -> None:
    group = new_group("alerts")
    address = ops_group(group)
    t0 = utcnow() - timedelta(hours=2)
    enable(group, "orders", mode="immediate")
    alerts_tick(t0)
    # a destination echoed the token back and it got into stored errors (the worst case)
    seed_failures(
        group,
        "orders",
        60,
        t0 + timedelta(minutes=1),
        timedelta(minutes=1),
        message=f"token {SECRET_TOKEN} refused",
    )
    seed_run(
        group, "orders", t0 + timedelta(minutes=1), RunStatus.FAILED, pull_error=f"Bearer {SECRET_TOKEN}"
    )
    config = wiring.config_store()
    config.record_health(group.tenant_id, "wh", HealthStatus.OPERATIONAL, None, t0)
    alerts_tick(t0 + timedelta(minutes=3))
    config.record_health(group.tenant_id, "wh", HealthStatus.AUTH_FAILED, f"401 for {SECRET_TOKEN}", t0)
    alerts_tick(t0 + timedelta(minutes=4))
    messages = sent_to(address)
    assert len(messages) == 2
    for message in messages:
        raw = message.as_string()
        text, html = parts(message)
        for body in (raw, text, html):
            assert SECRET_TOKEN not in body
            assert "S3CR3T" not in body
    text, _ = parts(messages[0])
    assert "token *** refused" in text  # the failure is there, its secret masked
    assert '"note"' not in text  # never a payload


# ---------------------------------------------------------------------------------- settings


def test_bad_settings_are_422_naming_the_field_and_nothing_is_stored(ses: None) -> None:
    group = new_group("alerts")
    ops_group(group)
    api = group.api
    before = api.get("/services/orders").json()
    cases = [
        ({"enabled": True, "groups": ["nope"]}, "body.alerts.groups.0"),
        ({"enabled": True, "groups": ["ops"], "window_minutes": 4}, "body.alerts.window_minutes"),
        ({"enabled": True, "groups": ["ops"], "window_minutes": 1441}, "body.alerts.window_minutes"),
        ({"banana": 42}, "body.alerts.banana"),
        ({"enabled": True, "groups": ["ops"], "mode": "often"}, "body.alerts.mode"),
        ({"enabled": True}, "body.alerts"),
        (
            {"enabled": True, "groups": ["ops"], "auto_pause": {"enabled": True, "failed_runs": 1}},
            "body.alerts.auto_pause.failed_runs",
        ),
    ]
    for alerts, field in cases:
        resp = api.patch("/services/orders", body={"alerts": alerts})
        assert resp.status == 422, (alerts, resp.text)
        assert field in [f["field"] for f in resp.json()["error"]["fields"]], (field, resp.text)
        assert api.get("/services/orders").json() == before
    resp = api.post(
        "/notification-groups",
        body={"group_id": "bad", "name": "Bad", "recipients": ["ok@example.com", "not an address"]},
    )
    assert resp.status == 422
    assert "body.recipients[1]" in [f["field"] for f in resp.json()["error"]["fields"]]
    assert api.get("/notification-groups/bad").status == 404
    resp = api.patch("/notification-groups/ops", body={"recipients": ["x@"]})
    assert resp.status == 422 and "body.recipients[0]" in resp.text
    assert api.get("/notification-groups/ops").json()["recipients"][0].startswith("ops-")


def test_notification_groups_crud_and_a_group_in_use_cannot_be_deleted(ses: None) -> None:
    group = new_group("alerts")
    api = group.api
    ops_group(group)
    assert [g["group_id"] for g in api.get("/notification-groups").json()["items"]] == ["ops"]
    assert (
        api.post(
            "/notification-groups", body={"group_id": "ops", "name": "x", "recipients": ["a@b.co"]}
        ).status
        == 409
    )
    resp = api.patch("/notification-groups/ops", body={"name": "Operations"})
    assert resp.status == 200 and resp.json()["name"] == "Operations"
    enable(group, "orders")
    enable(group, "stock")
    resp = api.delete("/notification-groups/ops")
    assert resp.status == 409
    assert "orders" in resp.text and "stock" in resp.text
    assert api.patch("/services/orders", body={"alerts": {"enabled": False}}).status == 200
    assert api.patch("/services/stock", body={"alerts": {}}).status == 200
    assert api.delete("/notification-groups/ops").status == 204
    assert api.get("/notification-groups/ops").status == 404


def test_the_services_list_shows_the_alert_indicator_and_filters_by_it(ses: None) -> None:
    group = new_group("alerts")
    api = group.api

    def indicators(query: dict[str, str] | None = None) -> dict[str, bool]:
        resp = api.get("/services", query=query or {})
        assert resp.status == 200, resp.text
        return {s["service_id"]: s["alerts_on"] for s in resp.json()["items"]}

    assert indicators() == {"orders": False, "products": False, "stock": False}
    ops_group(group)
    enable(group, "orders")
    assert indicators() == {"orders": True, "products": False, "stock": False}
    assert api.get("/services/orders").json()["alerts_on"] is True
    assert indicators({"alerts": "on"}) == {"orders": True}
    assert indicators({"alerts": "off"}) == {"products": False, "stock": False}
    resp = api.get("/services", query={"alerts": "maybe"})
    assert resp.status == 422 and "alerts" in resp.text
    # off again: the settings stay, the indicator follows `enabled`
    assert api.patch("/services/orders", body={"alerts": {"enabled": False, "groups": ["ops"]}}).status == 200
    assert indicators({"alerts": "on"}) == {}
    assert api.get("/services/orders").json()["alerts"]["groups"] == ["ops"]


def test_a_service_stored_with_free_form_alerts_still_reads(ses: None) -> None:
    group = new_group("alerts")
    config = wiring.config_store()
    from syncline.store import marshal, tenant_pk

    row = {
        "PK": tenant_pk(group.tenant_id),
        "SK": "SERVICE#orders",
        **group.services["orders"].model_dump(mode="json"),
        "alerts": {"banana": 42},
    }
    aws.client("dynamodb").put_item(TableName=config.name, Item=marshal(row))
    resp = group.api.get("/services/orders")
    assert resp.status == 200
    assert resp.json()["alerts"]["enabled"] is False and "banana" not in resp.json()["alerts"]


def test_a_send_that_fails_is_tried_again_on_the_next_tick(
    ses: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from syncline.alerts import send

    group = new_group("alerts")
    address = ops_group(group)
    t0 = utcnow() - timedelta(hours=2)
    enable(group, "orders", mode="immediate")
    alerts_tick(t0)
    seed_failures(group, "orders", 5, t0 + timedelta(minutes=1), timedelta(minutes=1))
    real = send.send

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("SES is down")

    monkeypatch.setattr(send, "send", broken)
    result = alerts_tick(t0 + timedelta(minutes=3))
    assert result.send_failures == 1 and result.errors == 0
    assert sent_to(address) == []
    monkeypatch.setattr(send, "send", real)
    alerts_tick(t0 + timedelta(minutes=4))
    alerts_tick(t0 + timedelta(minutes=5))
    assert [str(m["Subject"]) for m in sent_to(address)] == ["[Syncline] orders: 5 failed syncs in 15 min"]


def test_a_tick_while_another_runs_skips_so_nothing_is_sent_twice(ses: None) -> None:
    import time

    from syncline.alerts.engine import LEASE

    group = new_group("alerts")
    address = ops_group(group)
    t0 = utcnow() - timedelta(hours=2)
    enable(group, "orders", mode="immediate")
    alerts_tick(t0)
    seed_failures(group, "orders", 2, t0 + timedelta(minutes=1), timedelta(minutes=1))
    config = wiring.config_store()
    assert config.take_lease(LEASE, "other-tick", now=time.time(), until=time.time() + 60)
    result = alerts_tick(t0 + timedelta(minutes=3))
    assert result.skipped and sent_to(address) == []
    config.release_lease(LEASE, "other-tick")
    assert not alerts_tick(t0 + timedelta(minutes=3)).skipped
    assert len(sent_to(address)) == 1
