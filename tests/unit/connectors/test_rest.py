"""`rest` keeps its original settings contract (the local demo relies on it) and adds auth/paginator kinds."""

from __future__ import annotations

import httpx
import pytest

from syncline.connectors.base import ConfigurationError
from syncline.connectors.rest import RestConnector, RestSettings

from .helpers import FakeClock, Recorder, make


def test_defaults_are_the_original_contract() -> None:
    s = RestSettings()
    assert (s.pull_path, s.push_path, s.records_path, s.id_field, s.reference_field) == (
        "/{entity}",
        "/{entity}",
        "data",
        "id",
        None,
    )
    assert (s.updated_field, s.since_param, s.next_page_field, s.page_size_param) == (
        "updated_at",
        "updated_since",
        "next_cursor",
        "limit",
    )
    assert (s.push_method, s.endpoint_id_field, s.check_path, s.auth, s.paginator) == (
        "POST",
        "id",
        "/",
        "auto",
        "cursor",
    )


def test_demo_style_pull_and_push(clock: FakeClock) -> None:
    pages = {
        None: {"data": [{"id": "a", "updated_at": "2024-03-01T08:00:00Z"}], "next_cursor": "c2"},
        "c2": {"data": [{"id": "b", "updated_at": "2024-03-01T09:00:00Z"}], "next_cursor": None},
    }

    def serve(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer tok_demo1"
        if request.method == "POST":
            return httpx.Response(201, json={"id": "dest-1"})
        if request.url.path == "/":
            return httpx.Response(200, json={})
        return httpx.Response(200, json=pages[request.url.params.get("cursor")])

    recorder = Recorder(serve)
    connector = make(RestConnector, recorder, clock, credentials={"token": "tok_demo1"})
    connector.check()
    first = connector.pull("orders", "2024-02-01T00:00:00.000Z", None, 50)
    params = recorder.requests[1].url.params
    assert params["limit"] == "50" and params["updated_since"] == "2024-02-01T00:00:00.000Z"
    assert "cursor" not in params
    second = connector.pull("orders", "2024-02-01T00:00:00.000Z", first.next_page, 50)
    assert recorder.requests[2].url.params["cursor"] == "c2"
    assert [r.source_id for r in first.records + second.records] == ["a", "b"]
    assert first.records[0].reference == "a"
    assert second.next_page is None
    assert second.cursor == "2024-03-01T09:00:00.000Z"
    result = connector.push("orders", {"name": "x"})
    assert (result.endpoint_id, result.status) == ("dest-1", "OK")
    assert recorder.requests[-1].url.path == "/orders"


def test_no_token_means_no_auth(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(200, json={"data": []}))
    make(RestConnector, recorder, clock, credentials={}).pull("orders", None, None, 10)
    assert "Authorization" not in recorder.requests[0].headers


def test_page_and_offset_paginators_with_totals(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(200, json={"items": [{"id": 1}, {"id": 2}], "total": 3}))
    settings = {
        "paginator": "offset",
        "records_path": "items",
        "total_field": "total",
        "page_size_param": "limit",
    }
    connector = make(RestConnector, recorder, clock, settings=settings)
    page = connector.pull("orders", None, None, 2)
    assert recorder.requests[0].url.params["offset"] == "0"
    connector.pull("orders", None, page.next_page, 2)
    assert recorder.requests[1].url.params["offset"] == "2"

    recorder = Recorder(httpx.Response(200, json={"data": [{"id": 1}]}, headers={"X-Total-Pages": "1"}))
    settings = {"paginator": "page", "total_pages_header": "X-Total-Pages", "page_param": "p"}
    page = make(RestConnector, recorder, clock, settings=settings).pull("orders", None, None, 5)
    assert recorder.requests[0].url.params["p"] == "1"
    assert page.next_page is None


def test_since_formats(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(200, json={"data": []}))
    make(
        RestConnector,
        recorder,
        clock,
        settings={"since_format": "local"},
        timezone="Europe/Berlin",
        date_format="%d.%m.%Y %H:%M",
    ).pull("orders", "2024-03-01T08:00:00.000Z", None, 5)
    assert recorder.requests[0].url.params["updated_since"] == "01.03.2024 09:00"
    make(RestConnector, recorder, clock, settings={"since_format": "epoch"}).pull(
        "orders", "2024-03-01T08:00:00Z", None, 5
    )
    assert recorder.requests[1].url.params["updated_since"] == "1709280000"


def test_api_key_in_query_and_update_path(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(200, json={"result": {"key": "k-9"}}))
    settings = {
        "auth": "api_key",
        "api_key_name": "apikey",
        "api_key_in": "query",
        "update_path": "/{entity}/{id}",
        "update_method": "PATCH",
        "endpoint_id_field": "result.key",
        "id_field": "code",
    }
    connector = make(RestConnector, recorder, clock, credentials={"api_key": "key_123456"}, settings=settings)
    result = connector.push("products", {"code": "A/1", "name": "x"})
    request = recorder.requests[0]
    assert request.method == "PATCH" and request.url.raw_path.startswith(b"/products/A%2F1")
    assert request.url.params["apikey"] == "key_123456"
    assert result.endpoint_id == "k-9"


def test_custom_entities_and_headers(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(200, json={"data": []}))
    connector = make(
        RestConnector, recorder, clock, settings={"entities": ["tickets"], "headers": {"X-Tenant": "t1"}}
    )
    connector.pull("tickets", None, None, 5)
    assert recorder.requests[0].headers["X-Tenant"] == "t1"
    assert set(connector.entity_directions()) == {"tickets"}


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"auth": "oauth2"}, "settings.token_url"),
        ({"auth": "oauth2", "token_url": "ftp://x/token"}, "settings.token_url"),
        ({"headers": {"Authorization": "Bearer x"}}, "settings.headers"),
        ({"pull_path": "orders"}, "settings.pull_path"),
        ({"paginator": "scroll"}, "settings.paginator"),
        ({"requests_per_second": 0}, "settings.requests_per_second"),
        ({"max_wait_seconds": 600}, "settings.max_wait_seconds"),
        ({"surprise": 1}, "settings.surprise"),
        ({"entities": ["bad name"]}, "settings.entities"),
        ({"fetch_path": "/orders/by-number"}, "settings.fetch_path"),
        ({"fetch_path": "orders/{id}"}, "settings.fetch_path"),
    ],
)
def test_bad_settings_name_the_field(settings: dict[str, object], field: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        RestConnector.parse_settings(settings)
    assert caught.value.field == field


def test_required_credentials_follow_the_auth_kind() -> None:
    assert RestConnector.required_credentials(RestSettings()) == ()
    assert RestConnector.required_credentials(RestSettings(auth="basic")) == ("username", "password")
    assert RestConnector.required_credentials(RestSettings(auth="oauth2", token_url="https://a/t")) == (
        "client_id",
        "client_secret",
    )


def test_fetch_one_by_id_with_a_fetch_path_and_a_wrapped_record(clock: FakeClock) -> None:
    """A resync's refetch: GET the record by its source id (percent-encoded); 404 means gone."""

    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.raw_path == b"/v1/orders/a%2Fb/detail":
            return httpx.Response(
                200, json={"order": {"id": "a/b", "total": 9, "updated_at": "2024-03-01T08:00:00Z"}}
            )
        return httpx.Response(404, json={"message": "no such order"})

    recorder = Recorder(serve)
    settings = {"fetch_path": "/v1/{entity}/{id}/detail", "fetch_record_field": "order"}
    connector = make(RestConnector, recorder, clock, settings=settings)
    found = connector.fetch_one("orders", "a/b")
    assert found is not None and found.source_id == "a/b" and found.data["total"] == 9
    assert found.version == "2024-03-01T08:00:00.000Z"
    assert connector.fetch_one("orders", "zz") is None
    plain = Recorder(serve)
    assert make(RestConnector, plain, clock).fetch_one("orders", "a/b") is None  # 404
    assert [(r.method, r.url.raw_path) for r in plain.requests] == [("GET", b"/orders/a%2Fb")]
