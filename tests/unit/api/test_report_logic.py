"""Pure report logic: matches, windows, cursors, CSV cells, resync eligibility, transactions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from syncline import reports
from syncline.errors import Invalid
from syncline.models import Endpoint, ErrorInfo, Service, ServiceSettings, Status, SyncItem, iso
from syncline.reports import (
    STATUS_ORDER,
    BadRequest,
    Match,
    ReportQuery,
    decode_cursor,
    encode_cursor,
    resolve_window,
)
from syncline.reports.query import CURSOR_VERSION
from syncline.reports.resync import _transaction_chunks
from syncline.reports.search import _Context, _passes, _status_specs

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def test_match_exact_and_prefix() -> None:
    assert Match.parse("1001", "reference") == Match(value="1001")
    prefix = Match.parse("10*", "reference")
    assert (
        prefix.prefix and prefix.matches("1001") and not prefix.matches("2001") and not prefix.matches(None)
    )
    assert Match(value="1001").matches("1001") and not Match(value="1001").matches("10011")
    for bad in ("*", "a*b", "a**", ""):
        with pytest.raises(Invalid):
            Match.parse(bad, "reference")


def test_windows() -> None:
    start, end, spec = resolve_window(None, None, None, now=NOW)
    assert (start, end, spec) == (NOW - timedelta(days=5), NOW, "default")
    assert resolve_window(None, None, None, default=False, now=NOW) == (None, None, "none")
    assert resolve_window(3, None, None, now=NOW)[0] == NOW - timedelta(days=3)
    naive = datetime(2025, 3, 1)
    start, end, _ = resolve_window(None, naive, None, now=NOW)
    assert start == naive.replace(tzinfo=UTC) and end == NOW
    assert resolve_window(None, None, NOW - timedelta(days=1), now=NOW)[0] == NOW - timedelta(days=6)
    for days, frm, to in (
        (16, None, None),
        (0, None, None),
        (2, NOW, None),
        (None, NOW, NOW - timedelta(hours=1)),
        (None, NOW - timedelta(days=16), NOW),
    ):
        with pytest.raises(Invalid):
            resolve_window(days, frm, to, now=NOW)


def test_run_stamps_sort_like_run_ids() -> None:
    from syncline.models import new_run_id

    assert new_run_id(NOW).startswith(reports.run_stamp(NOW))
    assert reports.run_stamp(NOW) < reports.run_stamp(NOW + timedelta(milliseconds=1))


def test_cursor_round_trip_and_rejections() -> None:
    document = {"v": CURSOR_VERSION, "f": "abc", "g": "k", "x": "d.AQ", "p": 0}
    cursor = encode_cursor(document)
    assert "=" not in cursor and decode_cursor(cursor, "abc") == document
    for bad in (cursor + "x", "%%%", "e30", encode_cursor({"v": 1, "f": "abc"}), "A" * 9000):
        with pytest.raises(BadRequest):
            decode_cursor(bad, "abc")
    with pytest.raises(BadRequest):
        decode_cursor(cursor, "other")
    with pytest.raises(BadRequest):
        decode_cursor(encode_cursor(document | {"g": 5}), "abc")
    with pytest.raises(BadRequest):
        decode_cursor(encode_cursor(document | {"n": {"S#OK#0": 5}}), "abc")


def test_fingerprint_binds_tenant_and_filters_not_the_resolved_window() -> None:
    query = ReportQuery(statuses=(Status.FAILED,), window="default", start=NOW, end=NOW)
    assert query.fingerprint("a") != query.fingerprint("b")
    assert query.fingerprint("a") == query.model_copy(update={"start": None}).fingerprint("a")
    assert query.fingerprint("a") != query.model_copy(update={"statuses": ()}).fingerprint("a")


def test_stream_positions_must_fall_inside_the_stream() -> None:
    query = ReportQuery(services=("svc",), start=NOW - timedelta(days=1), end=NOW)
    spec = _status_specs(_Context(None, "t"), [Status.FAILED], query)[0]  # type: ignore[arg-type]
    inside = f"{iso(NOW - timedelta(hours=1))}#{'ab' * 12}"
    assert spec.admits(inside)
    assert not spec.admits(f"{iso(NOW - timedelta(days=2))}#{'ab' * 12}")
    assert not spec.admits(f"{iso(NOW - timedelta(hours=1))}#not-a-sync-id")
    assert spec.start_key(inside) == {
        "PK": f"t#I#{'ab' * 12}",
        "SK": "I",
        "GSI1PK": "t#S#Failed#svc#0",
        "GSI1SK": inside,
    }
    expression, values = spec.condition()
    assert "BETWEEN" in expression and values[":pk"] == "t#S#Failed#svc#0"


def _item(**changes: object) -> SyncItem:
    base = SyncItem(
        tenant_id="t",
        sync_id="ab" * 12,
        run_id="20250310T110000000-abcdef",
        service_id="s",
        source_system="shopify",
        source_entity="orders",
        destination_system="rest",
        destination_entity="orders",
        reference='=HYPERLINK("http://x")',
        source_id="-42",
        status=Status.FAILED,
        last_error=ErrorInfo(code="rejected", message="+bad"),
        created_at=NOW,
        updated_at=NOW,
        payload={"id": 1},
    )
    return base.model_copy(update=changes)


def test_csv_cells_never_start_a_formula() -> None:
    row = dict(zip(reports.CSV_COLUMNS, reports.csv_row(_item()), strict=True))
    assert row["reference"] == '\'=HYPERLINK("http://x")'
    assert row["source_id"] == "-42"  # a number stays a number
    assert row["error_message"] == "'+bad" and row["error_code"] == "rejected"
    assert row["updated_at"] == "2025-03-10T12:00:00.000Z" and row["endpoint_id"] == ""


def test_which_entries_may_be_resynced() -> None:
    service = Service(
        tenant_id="t",
        service_id="s",
        name="s",
        source=Endpoint(connector_id="a", entity="orders"),
        destination=Endpoint(connector_id="b", entity="orders"),
        settings=ServiceSettings(retry_max_seconds=3600),
    )
    later = NOW + timedelta(minutes=31)
    assert reports.refusal(_item(), service, later) is None
    assert reports.refusal(_item(status=Status.OK), service, later) == "already_ok"
    assert reports.refusal(_item(status=Status.SENT), service, later) == "sent"
    assert reports.refusal(_item(payload=None), service, later) == "no_payload"
    assert reports.refusal(_item(payload=None, payload_ref="payloads/t/x.json"), service, later) is None
    assert reports.refusal(_item(), None, later) == "service_not_found"
    pending = _item(status=Status.PENDING)
    # stuck only after the service's longest retry wait plus the circuit breaker's delay
    assert reports.refusal(pending, service, later) == "in_progress"
    assert reports.refusal(pending, service, NOW + timedelta(minutes=76)) is None
    assert reports.refusal(pending, None, later) == "service_not_found"


def test_transactions_stay_within_dynamodb_limits() -> None:
    many_runs = [_item(sync_id=f"{n:024x}", run_id=f"20250310T1100{n:05d}-abcdef") for n in range(300)]
    for chunk in _transaction_chunks(many_runs):
        assert len(chunk) + len({i.run_id for i in chunk}) + 1 <= 100
    big = [_item(sync_id=f"{n:024x}", payload={"blob": "x" * 200_000}) for n in range(40)]
    chunks = list(_transaction_chunks(big))
    assert all(sum(len(str(i.payload)) for i in c) < 4_000_000 for c in chunks) and len(chunks) > 1
    assert sum(len(c) for c in chunks) == 40


def test_sort_by_status_and_by_service_passes() -> None:
    ctx = _Context(None, "t")  # type: ignore[arg-type]  # named services need no lookup

    def statuses(query: ReportQuery) -> list[tuple[Status, ...]]:
        return [pass_statuses for _, pass_statuses in _passes(ctx, query)]

    assert statuses(ReportQuery(sort="status")) == [(s,) for s in STATUS_ORDER]
    asc = statuses(ReportQuery(sort="status", order="asc", statuses=(Status.OK, Status.FAILED)))
    assert asc == [(Status.OK,), (Status.FAILED,)]
    assert statuses(ReportQuery(statuses=(Status.OK,))) == [(Status.OK,)]
    by_service = _passes(ctx, ReportQuery(sort="service", order="asc", services=("stock", "orders")))
    assert [q.services for q, _ in by_service] == [("orders",), ("stock",)]


def test_named_periods_start_at_the_company_groups_midnights() -> None:
    """Issue 30: Today in Auckland (UTC+13 in March) starts at 11:00 UTC the day before; Last week
    in Berlin spans the change to summer time (a 167-hour week)."""
    now = datetime(2025, 3, 12, 15, 30, tzinfo=UTC)  # Thursday 04:30 in Auckland
    start, end, spec = resolve_window(None, None, None, period="today", now=now, zone="Pacific/Auckland")
    assert start == datetime(2025, 3, 12, 11, 0, tzinfo=UTC) and end == now
    assert spec == "period=today;tz=Pacific/Auckland"
    start, end, _ = resolve_window(None, None, None, period="yesterday", now=now, zone="Pacific/Auckland")
    assert start == datetime(2025, 3, 11, 11, tzinfo=UTC) and end == datetime(2025, 3, 12, 11, tzinfo=UTC)
    after_dst = datetime(2025, 4, 2, 12, 0, tzinfo=UTC)  # Berlin moved to summer time on 30 March
    start, end, _ = resolve_window(None, None, None, period="last_week", now=after_dst, zone="Europe/Berlin")
    assert start == datetime(2025, 3, 23, 23, 0, tzinfo=UTC)  # Monday 24 March, 00:00 CET
    assert end == datetime(2025, 3, 30, 22, 0, tzinfo=UTC)  # Monday 31 March, 00:00 CEST
    assert end - start == timedelta(hours=167)


def test_named_periods_are_utc_days_and_monday_weeks() -> None:
    wednesday = datetime(2025, 3, 12, 15, 30, tzinfo=UTC)  # 2025-03-10 is a Monday
    midnight = datetime(2025, 3, 12, tzinfo=UTC)
    monday = datetime(2025, 3, 10, tzinfo=UTC)
    expected = {
        "today": (midnight, wednesday),
        "yesterday": (midnight - timedelta(days=1), midnight),
        "this_week": (monday, wednesday),
        "last_week": (monday - timedelta(days=7), monday),
    }
    for period, window in expected.items():
        start, end, spec = resolve_window(None, None, None, period=period, now=wednesday)
        assert (start, end) == window and spec == f"period={period};tz=UTC"
    on_monday = resolve_window(None, None, None, period="this_week", now=monday + timedelta(hours=1))
    assert on_monday[0] == monday
    for days, frm in ((3, None), (None, NOW)):
        with pytest.raises(Invalid):
            resolve_window(days, frm, None, period="today", now=NOW)
    with pytest.raises(Invalid):
        resolve_window(None, None, None, period="fortnight", now=NOW)
