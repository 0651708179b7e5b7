"""The API's pure parts: key extraction, error shapes, request models, schedules, proxy events."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from pydantic import ValidationError

from syncline import schedules
from syncline.api.app import api_key
from syncline.api.errors import _location, error_body, proxy_error
from syncline.api.models import FilterParams, ResyncBody
from syncline.api_keys import authenticate, key_id
from syncline.local.http import proxy_event, response_parts


def test_api_key_from_header_or_bearer() -> None:
    assert api_key({"headers": {"X-Api-Key": " sl_abc "}}) == "sl_abc"
    assert api_key({"multiValueHeaders": {"x-api-key": ["sl_a", "sl_b"]}}) == "sl_b"
    assert api_key({"headers": {"Authorization": "Bearer sl_tok"}}) == "sl_tok"
    assert api_key({"headers": {"Authorization": "Basic abc"}}) is None
    assert api_key({"headers": None}) is None


def test_error_shapes() -> None:
    assert error_body("not_found", "gone") == {
        "error": {"code": "not_found", "message": "gone", "fields": []}
    }
    result = proxy_error(401, "unauthorized", "no key")
    assert result["statusCode"] == 401 and json.loads(result["body"])["error"]["code"] == "unauthorized"
    assert _location(("query", "params", "days")) == "query.days"
    assert _location(("body", "mappings", 2, "target")) == "body.mappings[2].target"
    assert _location(("body", 17)) == "body"
    assert _location(("path", "service_id")) == "path.service_id"


def test_filter_params_accept_repeated_and_comma_separated_values() -> None:
    params = FilterParams.model_validate({"status": ["Failed,Pending", "OK"], "service": "a,b"})
    assert [s.value for s in params.status or []] == ["Failed", "Pending", "OK"]
    assert params.service == ["a", "b"]
    query = FilterParams.model_validate({"run": "20250101T000000000-abcdef"}).to_query()
    assert query.start is None and query.window == "none"  # a run names its entries: no default window
    assert FilterParams.model_validate({}).to_query().window == "default"
    with pytest.raises(ValidationError):
        FilterParams.model_validate({"colour": "red"})


def test_resync_body_needs_exactly_one_selection() -> None:
    ResyncBody.model_validate({"sync_ids": ["ab" * 12]})
    ResyncBody.model_validate({"filter": {"days": 2}})
    for bad in ({}, {"sync_ids": ["ab" * 12], "filter": {}}, {"sync_ids": ["nope"]}):
        with pytest.raises(ValidationError):
            ResyncBody.model_validate(bad)


@pytest.mark.parametrize(
    ("expression", "ok"),
    [
        ("rate(5 minutes)", True),
        ("rate(1 hour)", True),
        ("rate(1 hours)", False),
        ("rate(2 day)", False),
        ("rate(0 minutes)", False),
        ("cron(0 8 * * ? *)", True),
        ("cron(0 8 * *)", False),
        ("every 5 minutes", False),
        ("at(2025-01-01T00:00:00)", False),
        # cron, field by field, as EventBridge Scheduler takes it
        ("cron(foo bar baz qux quux corge)", False),
        ("cron(0 8 * * * *)", False),  # ? in neither day field
        ("cron(0 8 ? * ? *)", False),  # ? in both
        ("cron(0  8 * * ? *)", False),  # two spaces: an empty field
        ("cron(0/15 9-17 ? * MON-FRI *)", True),
        ("cron(*/5 * * * ? *)", True),
        ("cron(0 8 1,15 JAN,jul ? 2025-2030)", True),
        ("cron(0 12 L * ? *)", True),
        ("cron(0 12 LW * ? *)", True),
        ("cron(0 12 L-3 * ? *)", True),
        ("cron(0 12 L-31 * ? *)", False),
        ("cron(0 12 15W * ? *)", True),
        ("cron(0 12 W * ? *)", False),
        ("cron(0 12 ? * 6#3 *)", True),
        ("cron(0 12 ? * 6#6 *)", False),
        ("cron(0 12 ? * 6L *)", True),
        ("cron(0 12 ? * L *)", True),
        ("cron(60 8 * * ? *)", False),
        ("cron(0 24 * * ? *)", False),
        ("cron(0 8 0 * ? *)", False),
        ("cron(0 8 * 13 ? *)", False),
        ("cron(0 8 ? * 8 *)", False),
        ("cron(0 8 ? * FUN *)", False),
        ("cron(0 8 * * ? 1969)", False),
        ("cron(0 8 * * ? */0)", False),
        ("cron(0 8 * ? * *)", False),  # ? only in the day fields
        ("cron(0 8 1W-5 * ? *)", False),
    ],
)
def test_schedule_expressions(expression: str, ok: bool) -> None:
    assert (schedules.check_expression(expression) is None) == ok


def test_schedule_names_are_short_stable_and_distinct() -> None:
    long_tenant, long_service = "t" * 64, "s" * 64
    name = schedules.schedule_name(long_tenant, long_service)
    assert len(name) <= 64 and name == schedules.schedule_name(long_tenant, long_service)
    assert name != schedules.schedule_name(long_tenant, long_service[:-1] + "x")
    assert schedules.schedule_name("acme", "orders").startswith("acme.orders.")


def test_schedules_do_nothing_without_their_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from syncline.models import Endpoint, Service
    from syncline.settings import ENV, settings

    for name, value in {
        "config_table": "t-config",
        "syncs_table": "t-syncs",
        "sync_queue_url": "q",
        "sync_dlq_url": "d",
        "trigger_queue_url": "t",
    }.items():
        monkeypatch.setenv(ENV[name], value)
    for name in ("schedule_group", "trigger_function_arn", "scheduler_role_arn"):
        monkeypatch.delenv(ENV[name], raising=False)
    settings.cache_clear()
    service = Service(
        tenant_id="t",
        service_id="s",
        name="s",
        source=Endpoint(connector_id="a", entity="orders"),
        destination=Endpoint(connector_id="b", entity="orders"),
    )
    try:
        assert schedules.apply(service) == "skipped"
        assert schedules.delete("t", "s") == "skipped"
    finally:
        settings.cache_clear()


def test_malformed_keys_never_reach_the_store() -> None:
    class NoStore:
        def _get(self, *args: Any, **kwargs: Any) -> Any:
            raise AssertionError("looked up")

    for key in (None, "", "abc", "sl_short", "sl_" + "a" * 200, "sl_" + "a" * 40 + "!"):
        assert authenticate(key, store=NoStore()) is None  # type: ignore[arg-type]
    assert key_id("sl_x") == key_id("sl_x") and len(key_id("sl_x")) == 64


def test_proxy_events_and_results() -> None:
    event = proxy_event(
        "post",
        "/reports/resync",
        query=[("status", "Failed"), ("status", "OK")],
        headers={"x-api-key": "k"},
        body=b"\xff\x00",
    )
    assert event["httpMethod"] == "POST" and event["resource"] == "/{proxy+}"
    assert event["queryStringParameters"] == {"status": "OK"}
    assert event["multiValueQueryStringParameters"] == {"status": ["Failed", "OK"]}
    assert event["pathParameters"] == {"proxy": "reports/resync"} and event["requestContext"]["stage"] == "v1"
    assert event["isBase64Encoded"] and base64.b64decode(event["body"]) == b"\xff\x00"
    assert proxy_event("GET", "/")["pathParameters"] is None
    status, headers, body = response_parts(
        {
            "statusCode": 202,
            "headers": {"Location": "/x"},
            "multiValueHeaders": {"Set-Cookie": ["a", "b"]},
            "body": "ok",
        }
    )
    assert (
        status == 202 and ("Location", "/x") in headers and ("Set-Cookie", "b") in headers and body == b"ok"
    )
