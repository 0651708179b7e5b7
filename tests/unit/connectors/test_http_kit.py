"""The HTTP kit's behaviour, through the `rest` connector on a MockTransport."""

from __future__ import annotations

import email.utils
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from syncline.connectors.base import (
    AuthenticationError,
    PermanentError,
    RateLimitedError,
    TransientError,
    UnreachableError,
)
from syncline.connectors.http import decode_page, encode_page, path_id
from syncline.connectors.http_client import ResponseClassifier, parse_retry_after
from syncline.connectors.rest import RestConnector

from .helpers import FakeClock, Recorder, make

OK = httpx.Response(
    200, json={"data": [{"id": 1, "updated_at": "2024-03-01T08:00:00Z"}], "next_cursor": None}
)


def rest(recorder: Recorder, clock: FakeClock, **kwargs: object) -> RestConnector:
    kwargs.setdefault("credentials", {"token": "tok_abcdef"})
    connector: RestConnector = make(RestConnector, recorder, clock, **kwargs)  # type: ignore[arg-type]
    return connector


def test_retry_after_parsing() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (parse_retry_after(when) or 0) <= 31


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, PermanentError),
        (404, PermanentError),
        (409, PermanentError),
        (422, PermanentError),
        (401, AuthenticationError),
        (403, AuthenticationError),
        (408, TransientError),
        (429, RateLimitedError),
        (500, TransientError),
        (502, TransientError),
        (503, TransientError),
    ],
)
def test_classification(status: int, kind: type[Exception]) -> None:
    response = httpx.Response(status, json={"message": "nope"}, request=httpx.Request("GET", "https://x/y"))
    error = ResponseClassifier("demo").classify(response, method="GET", path="/y")
    assert type(error) is kind
    assert error is not None and "nope" in error.message and f"HTTP {status}" in error.message


def test_success_is_not_an_error() -> None:
    response = httpx.Response(204, request=httpx.Request("GET", "https://x/y"))
    assert ResponseClassifier("demo").classify(response, method="GET", path="/y") is None


def test_html_error_pages_do_not_flood_the_report() -> None:
    response = httpx.Response(
        502,
        text="<html>" + "x" * 5000 + "</html>",
        headers={"Content-Type": "text/html"},
        request=httpx.Request("GET", "https://x"),
    )
    error = ResponseClassifier("demo").classify(response, method="GET", path="/")
    assert error is not None and len(error.message) < 200


def test_short_retry_after_is_waited_within_the_bound(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "1"}, json={"message": "slow"}), OK)
    page = rest(recorder, clock).pull("orders", None, None, 10)
    assert len(page.records) == 1
    assert clock.slept == pytest.approx(1.0)


def test_long_retry_after_raises_at_once(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "120"}, json={"message": "slow"}))
    connector = rest(recorder, clock)
    with pytest.raises(RateLimitedError) as caught:
        connector.pull("orders", None, None, 10)
    assert caught.value.retry_after == 120
    assert clock.sleeps == []
    # The bucket stays blocked: the next call is refused without a request.
    with pytest.raises(RateLimitedError):
        connector.pull("orders", None, None, 10)
    assert len(recorder.requests) == 1


def test_a_429_without_retry_after_gets_a_default_wait(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(429, json={"message": "slow"}))
    with pytest.raises(RateLimitedError) as caught:
        rest(recorder, clock, settings={"max_wait_seconds": 0}).pull("orders", None, None, 10)
    assert caught.value.retry_after == 1.0


def test_client_side_budget_waits_briefly_then_hands_over(clock: FakeClock) -> None:
    recorder = Recorder(OK)
    connector = rest(recorder, clock, rate=1.0, burst=1, settings={"max_wait_seconds": 1.5})
    connector.pull("orders", None, None, 10)
    connector.pull("orders", None, None, 10)  # waits 1 s for its slot
    assert clock.slept == pytest.approx(1.0)
    clock.now -= 1.0  # pretend no time passed: the next slot is 2 s away
    with pytest.raises(RateLimitedError) as caught:
        connector.pull("orders", None, None, 10)
    assert caught.value.retry_after == pytest.approx(2.0)
    assert len(recorder.requests) == 2


def test_reads_are_retried_once_after_a_5xx_writes_are_not(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(503, json={"message": "busy"}), OK)
    assert rest(recorder, clock).pull("orders", None, None, 10).records
    assert clock.sleeps == [0.25]
    recorder = Recorder(httpx.Response(503, json={"message": "busy"}), httpx.Response(201, json={"id": 7}))
    with pytest.raises(TransientError):
        rest(recorder, clock).push("orders", {"name": "x"})
    assert len(recorder.requests) == 1


def test_connection_errors_are_unreachable_and_retried_for_any_method(clock: FakeClock) -> None:
    calls = 0

    def refuse(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(UnreachableError, match="cannot connect to api.example.com"):
        rest(Recorder(refuse), clock).push("orders", {"name": "x"})
    assert calls == 2


def test_read_timeouts_are_unreachable(clock: FakeClock) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(UnreachableError, match="ReadTimeout on GET /orders"):
        rest(Recorder(slow), clock, settings={"retries": 0}).pull("orders", None, None, 10)


def test_redirects_are_not_followed(clock: FakeClock) -> None:
    recorder = Recorder(
        httpx.Response(301, headers={"Location": "https://evil.example.com/?token=tok_abcdef"})
    )
    with pytest.raises(PermanentError) as caught:
        rest(recorder, clock).pull("orders", None, None, 10)
    assert "unexpected redirect" in str(caught.value)
    assert "tok_abcdef" not in str(caught.value)
    assert len(recorder.requests) == 1


def test_link_to_another_host_is_refused(clock: FakeClock) -> None:
    connector = rest(Recorder(OK), clock, settings={"paginator": "link"})
    with pytest.raises(PermanentError, match="another host"):
        connector.pull("orders", None, encode_page("https://evil.example.com/orders?page=2", None), 10)


def test_non_json_success_is_transient(clock: FakeClock) -> None:
    recorder = Recorder(
        httpx.Response(200, text="<html>maintenance</html>", headers={"Content-Type": "text/html"})
    )
    with pytest.raises(TransientError, match="expected JSON"):
        rest(recorder, clock).pull("orders", None, None, 10)


def test_malformed_records_are_permanent(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(200, json={"data": [{"name": "no id"}]}))
    with pytest.raises(PermanentError, match="has no 'id' field"):
        rest(recorder, clock).pull("orders", None, None, 10)
    recorder = Recorder(httpx.Response(200, json={"data": {"not": "a list"}}))
    with pytest.raises(PermanentError, match="expected a list"):
        rest(recorder, clock).pull("orders", None, None, 10)


def test_errors_and_logs_carry_no_secret(clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    recorder = Recorder(
        httpx.Response(400, json={"message": "bad token tok_abcdef given", "api_key": "tok_abcdef"})
    )
    with pytest.raises(PermanentError) as caught:
        rest(recorder, clock).pull("orders", None, None, 10)
    assert "tok_abcdef" not in str(caught.value)
    assert "***" in str(caught.value)
    assert "tok_abcdef" not in caplog.text


def test_page_state_round_trip() -> None:
    assert decode_page(encode_page("3", "2024-03-01T08:00:00.000Z")) == ("3", "2024-03-01T08:00:00.000Z")
    assert decode_page("plain-cursor") == ("plain-cursor", None)
    assert decode_page(None) == (None, None)


def test_path_ids_cannot_escape_their_segment() -> None:
    assert path_id("../admin") == "..%2Fadmin"
    assert path_id("..") == "%2E%2E"
    assert path_id(42) == "42"


def test_versions_without_updated_at_are_content_hashes(clock: FakeClock) -> None:
    body = {"data": [{"id": 1, "total": 5}, {"id": 2, "total": 6}], "next_cursor": None}
    page = rest(Recorder(httpx.Response(200, json=body)), clock).pull("orders", None, None, 10)
    first, second = page.records
    assert first.version.startswith("sha256:") and first.version != second.version
    assert page.cursor is None  # no timestamps: no watermark
