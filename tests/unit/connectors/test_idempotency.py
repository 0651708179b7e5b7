"""Repeatable pushes in the kit, on MockTransports: keyed POSTs are retried, lookups match exactly."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from syncline.connectors.base import (
    ConfigurationError,
    Connector,
    ConnectorContext,
    Page,
    PermanentError,
    PushResult,
    UnreachableError,
)
from syncline.connectors.http import fill, path_id, same
from syncline.connectors.rest import RestConnector, RestSettings

from .helpers import FakeClock, Recorder, make

KEY = "65f0c3a9e1b2d4c6e8a0b1c2"
LOOKUP = {
    "idempotency_header": None,
    "lookup_path": "/{entity}",
    "lookup_param": "number",
    "lookup_field": "number",
}


def rest(recorder: Recorder, clock: FakeClock, **settings: Any) -> RestConnector:
    connector: RestConnector = make(
        RestConnector, recorder, clock, credentials={"token": "tok_abcdef"}, settings=settings
    )
    return connector


def created(request: httpx.Request) -> httpx.Response:
    return httpx.Response(201, json={"id": "new-1"})


def test_the_default_find_existing_finds_nothing() -> None:
    class Minimal(Connector):
        system = "minimal"

        def pull(self, entity: str, since: str | None, page: str | None, page_size: int) -> Page:
            raise NotImplementedError

        def push(
            self,
            entity: str,
            record: dict[str, Any],
            *,
            idempotency_key: str | None = None,
            ambiguous: bool = False,
        ) -> PushResult:
            raise NotImplementedError

    connector = Minimal(ConnectorContext(base_url=None, credentials={}))
    assert connector.find_existing("orders", {"id": 1}) is None


def test_a_keyed_post_is_retried_after_a_5xx_and_a_timeout(clock: FakeClock) -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    recorder = Recorder(httpx.Response(503, json={"message": "busy"}), created)
    assert rest(recorder, clock).push("orders", {"name": "x"}, idempotency_key=KEY).endpoint_id == "new-1"
    assert [r.headers["Idempotency-Key"] for r in recorder.requests] == [KEY, KEY]
    assert clock.sleeps == [0.25]
    recorder = Recorder(timeout, created)
    connector = rest(recorder, clock, idempotency_header="x-request-id")
    assert connector.push("orders", {"name": "x"}, idempotency_key=KEY).endpoint_id == "new-1"
    assert recorder.requests[1].headers["X-Request-Id"] == KEY


def test_an_unkeyed_post_is_not_retried_after_a_timeout(clock: FakeClock) -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    recorder = Recorder(timeout, created)
    with pytest.raises(UnreachableError):
        rest(recorder, clock, idempotency_header=None).push("orders", {"name": "x"}, idempotency_key=KEY)
    assert len(recorder.requests) == 1


def test_a_search_hit_that_does_not_match_exactly_is_not_taken(clock: FakeClock) -> None:
    rows = {
        "data": [{"id": "o7", "number": "R-10030"}, {"id": "o8", "number": "r-1003"}, {"number": "R-1003"}]
    }
    recorder = Recorder(httpx.Response(200, json=rows), created)
    result = rest(recorder, clock, **LOOKUP).push("orders", {"name": "x", "number": "R-1003"}, ambiguous=True)
    assert result.endpoint_id == "new-1"
    lookup, create = recorder.requests
    assert (lookup.method, lookup.url.path, lookup.url.params["number"]) == ("GET", "/orders", "R-1003")
    assert create.method == "POST"


def test_a_lookup_answering_one_object(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(200, json={"data": {"id": "o2", "number": "R-1003"}}))
    result = rest(recorder, clock, **LOOKUP).push("orders", {"name": "x", "number": "R-1003"}, ambiguous=True)
    assert result == PushResult(endpoint_id="o2")
    assert len(recorder.requests) == 1


def test_a_404_on_a_list_lookup_is_an_error_not_a_miss(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(404, json={"message": "no route"}))
    with pytest.raises(PermanentError, match="HTTP 404"):
        rest(recorder, clock, **LOOKUP).push("orders", {"name": "x", "number": "R-1"}, ambiguous=True)
    assert [r.method for r in recorder.requests] == ["GET"]


def test_no_lookup_unless_ambiguous_and_none_for_updates(clock: FakeClock) -> None:
    recorder = Recorder(created)
    connector = rest(recorder, clock, update_path="/{entity}/{id}", **LOOKUP)
    connector.push("orders", {"name": "x", "number": "R-1"}, idempotency_key=KEY)
    connector.push("orders", {"id": "o1", "number": "R-1"}, idempotency_key=KEY, ambiguous=True)
    assert [r.method for r in recorder.requests] == ["POST", "PUT"]


def test_lookup_errors_carry_no_secret(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(400, json={"message": "bad token tok_abcdef"}))
    with pytest.raises(PermanentError) as caught:
        rest(recorder, clock, **LOOKUP).push("orders", {"name": "x", "number": "R-1"}, ambiguous=True)
    assert "tok_abcdef" not in str(caught.value) and "***" in str(caught.value)


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"lookup_path": "/{entity}", "lookup_field": "number"}, "settings.lookup_param"),
        ({"lookup_path": "/{entity}/{value}"}, "settings.lookup_field"),
        ({"lookup_path": "{entity}", "lookup_param": "n", "lookup_field": "n"}, "settings.lookup_path"),
        ({"idempotency_header": "Bad Header"}, "settings.idempotency_header"),
    ],
)
def test_bad_idempotency_settings_name_the_field(settings: dict[str, object], field: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        RestConnector.parse_settings(settings)
    assert caught.value.field == field


def test_idempotency_settings_defaults() -> None:
    assert RestSettings().idempotency_header == "Idempotency-Key"
    assert RestSettings(idempotency_header="").idempotency_header is None
    parsed = RestConnector.parse_settings(
        {"lookup_path": "/{entity}/by-ref/{value}", "reference_field": "ref"}
    )
    assert isinstance(parsed, RestSettings) and parsed.lookup_field is None


def test_fill_and_same() -> None:
    record = {"order_id": "../7", "billing": {"email": "a@b.c"}, "empty": ""}
    assert fill("/orders/{order_id}/shipments", record, path_id) == "/orders/..%2F7/shipments"
    assert fill("{billing.email}", record, str) == "a@b.c"
    assert fill("{empty}", record, str) is None
    assert fill("{billing}", record, str) is None
    assert same(42, "42") and not same("A@b.c", "a@B.c") and same("A@b.c", "a@B.c", ignore_case=True)
    assert not same(None, "") and not same("", "")
