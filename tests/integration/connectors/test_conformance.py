"""The shared connector conformance suite: every connector, against a fake speaking its dialect.

Each test runs once per case in `cases.py`. The fakes record what they receive and fail the test
(at fixture teardown) when a call a test relies on never came.
"""

from __future__ import annotations

import logging
import re
import socket
import time
from typing import Any

import pytest

from syncline.connectors import (
    AuthenticationError,
    ConnectorError,
    PermanentError,
    RateLimitedError,
    RefetchUnsupported,
    TransientError,
    UnreachableError,
)
from syncline.health import check as health_check
from syncline.models import HealthStatus

from .cases import Build, Case, Repeats

PAGE = 3
KEY = "65f0c3a9e1b2d4c6e8a0b1c2"  # sync ids: 24 hex characters
OTHER_KEY = "7d1e5b3f9a2c4e6a8b0d1f3e"


def expect_pull(case: Case, fake: Any) -> None:
    if not case.http:
        fake.expect("list", case.pull_path)
    else:
        fake.expect("POST" if case.system == "shopify" else "GET", case.pull_path)


def pull_requests(case: Case, fake: Any) -> list[Any]:
    if not case.http:
        return fake.calls("list", case.pull_path)
    return fake.calls("POST" if case.system == "shopify" else "GET", case.pull_path)


def needs_http(case: Case) -> None:
    if not case.http:
        pytest.skip(f"{case.system} has no HTTP status codes or rate limits")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_check_succeeds(case: Case, fake: Any, connect: Build) -> None:
    connect().check()
    if case.http:
        assert fake.requests, "check() made no request"
    else:
        assert any(ok for _, _, ok in fake.logins)


def test_reads_first_page(case: Case, fake: Any, connect: Build) -> None:
    expect_pull(case, fake)
    page = connect().pull(case.pull_entity, None, None, PAGE)
    assert [r.source_id for r in page.records] == case.ids[:PAGE]
    assert [r.version for r in page.records] == case.versions[:PAGE]
    assert all(r.reference for r in page.records)
    assert all(isinstance(r.data, dict) for r in page.records)
    assert page.next_page is not None


def test_paginates_to_the_end(case: Case, fake: Any, connect: Build) -> None:
    expect_pull(case, fake)
    connector = connect()
    seen: list[str] = []
    versions: list[str] = []
    page_state: str | None = None
    pages = 0
    cursor = None
    while True:
        page = connector.pull(case.pull_entity, None, page_state, PAGE)
        pages += 1
        seen += [r.source_id for r in page.records]
        versions += [r.version for r in page.records]
        cursor = page.cursor
        page_state = page.next_page
        if page_state is None:
            break
        assert pages < 10, "pagination does not end"
    assert seen == case.ids
    assert versions == case.versions
    assert pages == -(-len(case.ids) // PAGE), "one request per page, none wasted"
    assert len(pull_requests(case, fake)) == pages
    assert cursor == case.versions[-1]


def test_since_cursor_filters(case: Case, fake: Any, connect: Build) -> None:
    expect_pull(case, fake)
    connector = connect()
    since = case.versions[3]
    seen: list[str] = []
    page_state: str | None = None
    cursor = None
    for _ in range(10):
        page = connector.pull(case.pull_entity, since, page_state, PAGE)
        seen += [r.source_id for r in page.records]
        cursor, page_state = page.cursor, page.next_page
        if page_state is None:
            break
    assert seen == case.ids[3:]
    assert cursor == case.versions[-1]
    if case.since_marker:
        assert any(case.since_marker in r.raw for r in fake.requests), (
            "the since filter never reached the server"
        )


def test_since_after_everything_returns_nothing_and_keeps_the_cursor(
    case: Case, fake: Any, connect: Build
) -> None:
    page = connect().pull(case.pull_entity, "2030-01-01T00:00:00.000Z", None, PAGE)
    assert page.records == []
    assert page.next_page is None
    assert page.cursor == "2030-01-01T00:00:00.000Z"


def test_rate_limit_short_wait_then_success(case: Case, fake: Any, connect: Build) -> None:
    needs_http(case)
    connector = connect()
    fake.fail("rate_limit", retry_after=0.3, path=case.fault_path)
    started = time.monotonic()
    page = connector.pull(case.pull_entity, None, None, PAGE)
    elapsed = time.monotonic() - started
    assert [r.source_id for r in page.records] == case.ids[:PAGE]
    assert 0.25 <= elapsed < 2.0, f"waited {elapsed:.2f}s"
    assert len(pull_requests(case, fake)) == 2


def test_rate_limit_long_wait_raises_with_retry_after(case: Case, fake: Any, connect: Build) -> None:
    needs_http(case)
    connector = connect()
    fake.fail("rate_limit", retry_after=30, times=None, path=case.fault_path)
    started = time.monotonic()
    with pytest.raises(RateLimitedError) as caught:
        connector.pull(case.pull_entity, None, None, PAGE)
    assert time.monotonic() - started < 1.5, "slept instead of handing the wait to the queue"
    assert caught.value.retry_after is not None and 25 <= caught.value.retry_after <= 31
    # The next call does not hammer the server while the wait lasts.
    before = len(fake.requests)
    with pytest.raises(RateLimitedError):
        connector.pull(case.pull_entity, None, None, PAGE)
    assert len(fake.requests) == before


def test_wrong_credentials_fail_authentication(case: Case, fake: Any, connect: Build) -> None:
    connector = connect(credentials=case.wrong_credentials(case.credentials(fake)))
    with pytest.raises(AuthenticationError) as caught:
        connector.pull(case.pull_entity, None, None, PAGE)
    assert case.auth_message in str(caught.value)
    with pytest.raises(AuthenticationError):
        connector.check()


def test_rejected_token_fails_authentication(case: Case, fake: Any, connect: Build) -> None:
    needs_http(case)
    connector = connect()
    fake.fail("auth", times=None, path=case.fault_path)
    with pytest.raises(AuthenticationError) as caught:
        connector.pull(case.pull_entity, None, None, PAGE)
    assert caught.value.status_code in (401, 403)


def test_server_error_is_transient(case: Case, fake: Any, connect: Build) -> None:
    needs_http(case)
    connector = connect()
    fake.fail("server_error", times=None, path=case.fault_path)
    with pytest.raises(TransientError) as caught:
        connector.pull(case.pull_entity, None, None, PAGE)
    assert not isinstance(caught.value, RateLimitedError)
    assert caught.value.status_code is not None and caught.value.status_code >= 500


def test_one_server_error_on_a_read_is_retried(case: Case, fake: Any, connect: Build) -> None:
    needs_http(case)
    if case.system == "shopify":
        pytest.skip("GraphQL reads are POSTs: not retried inside the call")
    fake.fail("server_error", times=1, path=case.fault_path)
    page = connect().pull(case.pull_entity, None, None, PAGE)
    assert len(page.records) == PAGE
    assert len(pull_requests(case, fake)) == 2


def test_validation_error_is_permanent_with_the_systems_message(
    case: Case, fake: Any, connect: Build
) -> None:
    connector = connect()
    with pytest.raises(PermanentError) as caught:
        if case.trigger_validation is not None:
            case.trigger_validation(connector, fake)
        else:
            entity, record = case.invalid
            connector.push(entity, record)
    assert not isinstance(caught.value, AuthenticationError)
    assert case.validation_message in str(caught.value)


def test_push_returns_the_endpoint_id(case: Case, fake: Any, connect: Build) -> None:
    connector = connect()
    pushable = {e for e, dirs in connector.entity_directions().items() if "push" in dirs}
    assert set(case.push_samples) <= pushable
    if case.covers_all_pushes:
        assert set(case.push_samples) == pushable, "every pushable entity has a sample"
    for entity, record in case.push_samples.items():
        result = connector.push(entity, dict(record))
        assert result.endpoint_id, f"{entity}: no endpoint id"
        assert result.status == ("Sent" if connector.asynchronous else "OK")
    if case.http:
        assert any(r.method in ("POST", "PUT") for r in fake.requests)
    else:
        assert fake.calls("rename", r"^outbound/")


def repeats_of(case: Case) -> Repeats:
    assert case.repeats is not None, f"{case.id} declares no Repeats"
    return case.repeats


def test_a_repeated_push_with_the_same_key_makes_one_record(case: Case, fake: Any, connect: Build) -> None:
    """The first push reached the destination but its answer was lost: the repeat adds nothing."""
    r = repeats_of(case)
    connector = connect()
    before = r.count(fake)
    first = connector.push(r.entity, dict(r.new), idempotency_key=KEY)
    assert r.count(fake) == before + 1
    second = connector.push(r.entity, dict(r.new), idempotency_key=KEY, ambiguous=True)
    assert r.count(fake) == before + 1, "the repeat created a second record"
    assert first.endpoint_id and second.endpoint_id == first.endpoint_id


def test_an_ambiguous_create_finds_the_existing_record(case: Case, fake: Any, connect: Build) -> None:
    r = repeats_of(case)
    connector = connect(**r.settings)
    before = r.count(fake)
    if r.existing is not None:
        record, ident = r.existing
        found = connector.push(r.entity, dict(record), idempotency_key=KEY, ambiguous=True)
        assert found.endpoint_id == ident
        assert r.count(fake) == before, "a record the destination has was created again"
    created = connector.push(r.entity, dict(r.new), idempotency_key=OTHER_KEY, ambiguous=True)
    assert r.count(fake) == before + 1, "nothing to find: the create goes ahead"
    again = connector.push(r.entity, dict(r.new), idempotency_key=OTHER_KEY, ambiguous=True)
    assert r.count(fake) == before + 1
    assert created.endpoint_id and again.endpoint_id == created.endpoint_id


def test_an_ambiguous_update_makes_no_lookup(case: Case, fake: Any, connect: Build) -> None:
    r = repeats_of(case)
    if r.update is None:
        pytest.skip(f"{case.system} pushes no updates by id")
    connector = connect(**r.settings)
    before, seen = r.count(fake), len(fake.calls())
    result = connector.push(r.entity, dict(r.update), idempotency_key=KEY, ambiguous=True)
    sent = [q for q in fake.calls()[seen:] if not case.fault_path or re.search(case.fault_path, q.path)]
    # One write; a read of the record itself by its id (Magento's whole-customer update) is no lookup.
    writes = [q for q in sent if q.method != "GET"]
    searches = [q for q in sent if q.method == "GET" and q.query]
    assert len(writes) == 1 and not searches, [f"{q.method} {q.path}" for q in sent]
    assert r.count(fake) == before
    assert result.endpoint_id


def test_every_declared_pull_entity_reads(case: Case, fake: Any, connect: Build) -> None:
    connector = connect()
    for entity, dirs in connector.entity_directions().items():
        if "pull" in dirs:
            if not case.http:
                fake.write(f"inbound/{entity}/one.json", f'[{{"id": "{entity}-1"}}]')
            page = connector.pull(entity, None, None, PAGE)
            assert page.records, f"{entity}: nothing read"


def test_unknown_entity_is_permanent(case: Case, fake: Any, connect: Build) -> None:
    connector = connect()
    with pytest.raises(PermanentError, match="cannot pull 'nonsense'"):
        connector.pull("nonsense", None, None, PAGE)
    with pytest.raises(PermanentError, match="cannot push 'nonsense'"):
        connector.push("nonsense", {})


def test_unreachable_system(case: Case, fake: Any, connect: Build) -> None:
    port = free_port()
    url = (
        fake.url.replace(fake.origin, f"http://127.0.0.1:{port}") if case.http else f"sftp://127.0.0.1:{port}"
    )
    connector = connect(base_url=url)
    started = time.monotonic()
    with pytest.raises(UnreachableError):
        connector.pull(case.pull_entity, None, None, PAGE)
    assert time.monotonic() - started < 3
    result = health_check(connector)
    assert result.status is HealthStatus.UNREACHABLE
    assert result.reason


def test_timeout_is_unreachable(case: Case, fake: Any, connect: Build) -> None:
    needs_http(case)
    connector = connect(timeout_seconds=0.3, retries=0)
    fake.fail("slow", retry_after=1.0, times=None, path=case.fault_path)
    with pytest.raises(UnreachableError):
        connector.pull(case.pull_entity, None, None, PAGE)


def test_health(case: Case, fake: Any, connect: Build) -> None:
    assert health_check(connect()).status is HealthStatus.OPERATIONAL
    failed = health_check(connect(credentials=case.wrong_credentials(case.credentials(fake))))
    assert failed.status is HealthStatus.AUTH_FAILED
    assert failed.reason and case.auth_message in failed.reason


def test_secrets_never_in_errors_or_logs(
    case: Case, fake: Any, connect: Build, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    creds = case.credentials(fake)
    wrong = case.wrong_credentials(creds)
    secrets = [creds[f] for f in case.secret_fields] + [wrong[f] for f in case.secret_fields]
    messages: list[str] = []

    def attempt(call: Any) -> None:
        try:
            call()
        except ConnectorError as exc:
            messages.append(str(exc))
            messages.append(repr(exc.args))

    connector = connect()
    connector.pull(case.pull_entity, None, None, PAGE)
    if case.http:
        for kind in ("auth", "rate_limit", "server_error", "validation"):
            fake.fail(kind, times=None, retry_after=30, path=case.fault_path)
            attempt(lambda: connect().pull(case.pull_entity, None, None, PAGE))
            attempt(lambda: connect().push(*case.invalid))
            fake.clear_faults()
        assert "HTTP Request" in caplog.text, "httpx request lines were logged (and filtered)"
    entity, record = case.invalid
    attempt(lambda: connect().push(entity, record))
    attempt(lambda: connect(credentials=wrong).check())
    attempt(lambda: connect(credentials=wrong).pull(case.pull_entity, None, None, PAGE))
    reasons = [health_check(connect(credentials=wrong)).reason or ""]
    assert len(messages) >= 3
    issued = list(getattr(fake, "issued", []))  # OAuth2 access tokens the fake handed out
    text = "\n".join(messages + reasons)
    for secret in secrets + issued:
        assert secret not in text, "a credential leaked into an error message"
        assert secret not in caplog.text, "a credential leaked into a log line"


def test_fetch_one_by_source_id(case: Case, fake: Any, connect: Build) -> None:
    """A resync with refetch asks the source for one record by its source id: the same record a
    pull reads, None once the source no longer has it; a file drop cannot (RefetchUnsupported)."""
    connector = connect()
    pulled = connector.pull(case.pull_entity, None, None, PAGE).records[1]
    if not case.http:
        with pytest.raises(RefetchUnsupported) as raised:
            connector.fetch_one(case.pull_entity, pulled.source_id)
        assert raised.value.code == "refetch_unsupported"
        return
    fetched = connector.fetch_one(case.pull_entity, pulled.source_id)
    assert fetched == pulled
    missing = re.sub(r"\d+$", "999999", pulled.source_id)
    assert missing != pulled.source_id
    assert connector.fetch_one(case.pull_entity, missing) is None
