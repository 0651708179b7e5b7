"""GET /reports/export: RFC 4180 CSV inline when small; otherwise an S3 multipart upload written
one bounded part at a time, continued by polls when a request's time runs out, ending in a
presigned link. Every poll saves what it read (the rows short of a part as a tail object), so every
poll makes progress, and every row is written exactly once, whatever the slicing and wherever a
request stops."""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from syncline import aws
from syncline.api.routes import reports as report_routes
from syncline.models import ErrorInfo, Status, SyncItem, new_run_id, sync_id_for, utcnow
from syncline.reports import ReadStats, ReportPage
from syncline.reports import export as report_export
from tests.integration.api.conftest import AwsEnv, Group, Resp, new_group, seed_items


@pytest.fixture(scope="module")
def group(aws_env: AwsEnv) -> Group:
    g = new_group("ex")
    seed_items(g, runs_per_service=6, items_per_run=10, days=4)
    return g


class Crash(Exception):
    """A fault right after an S3 write succeeded (the request fails: a 500)."""


class Killed(BaseException):
    """The invocation stopped right after an S3 write succeeded (a timeout: nothing else runs)."""


class S3Spy:
    """Wraps the S3 client: records the size of every part and tail written, and can make the
    n-th call of one method crash right after it succeeded."""

    def __init__(self) -> None:
        self.parts: list[int] = []
        self.tails: list[int] = []
        self.calls: Counter[str] = Counter()
        self.crash_after: tuple[str, set[int]] = ("", set())
        self.crash_with: type[BaseException] = Crash
        self.completed: set[str] = set()

    def wrap(self, client: Any) -> Any:
        spy = self

        class Spied:
            def __getattr__(self, name: str) -> Any:
                real = getattr(client, name)
                if name not in ("upload_part", "put_object", "complete_multipart_upload"):
                    return real

                def call(**kwargs: Any) -> Any:
                    spy.calls[name] += 1
                    if name == "complete_multipart_upload" and kwargs["UploadId"] in spy.completed:
                        # S3 may not know an upload once completed: the export must not need it to
                        error = {"Error": {"Code": "NoSuchUpload", "Message": "no such upload"}}
                        raise client.exceptions.NoSuchUpload(error, "CompleteMultipartUpload")
                    out = real(**kwargs)
                    if name == "complete_multipart_upload":
                        spy.completed.add(kwargs["UploadId"])
                    elif name == "upload_part":
                        spy.parts.append(len(kwargs["Body"]))
                    else:
                        spy.tails.append(len(kwargs["Body"]))
                    method, calls = spy.crash_after
                    if name == method and spy.calls[name] in calls:
                        raise spy.crash_with(f"{name} #{spy.calls[name]}")
                    return out

                return call

        return Spied()


@pytest.fixture
def s3_spy(monkeypatch: pytest.MonkeyPatch) -> S3Spy:
    spy = S3Spy()
    real = aws.client
    monkeypatch.setattr(
        aws, "client", lambda service: spy.wrap(real(service)) if service == "s3" else real(service)
    )
    return spy


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch, s3_spy: S3Spy) -> S3Spy:
    """Tiny thresholds so a few hundred rows exercise the large-export path."""
    monkeypatch.setattr(report_export, "INLINE_MAX_ROWS", 20)
    monkeypatch.setattr(report_export, "PART_BYTES", 4096)
    monkeypatch.setattr(report_export, "EXPORT_PAGE", 30)
    monkeypatch.setattr("moto.s3.models.S3_UPLOAD_PART_MIN_SIZE", 1024)
    return s3_spy


def _pages_per_request(monkeypatch: pytest.MonkeyPatch, pages: int) -> None:
    """Each request reads `pages` pages: it reads one before it asks how much time is left (so that
    every request makes progress), and its time runs out once it has `pages`."""

    def per_request(_: Any) -> Callable[[], float]:
        asked = iter(range(pages - 1))
        return lambda: 100.0 if next(asked, None) is not None else 0.0

    monkeypatch.setattr(report_routes, "time_left", per_request)


def _poll(group: Group, poll: str, *, most: int, crashes: int = 0) -> tuple[dict[str, Any], list[Resp]]:
    """Poll as a client does (again after a 500) until the export is done; every answer on the way.
    Exactly `crashes` of them are 500s."""
    answers: list[Resp] = []
    while True:
        assert len(answers) < most
        resp = group.api.get(poll)
        answers.append(resp)
        if resp.status == 200:
            assert [a.status for a in answers].count(500) == crashes
            return resp.json(), answers
        assert resp.status in (202, 500), resp.text
        assert resp.status == 202 or resp.json()["error"]["code"] == "internal_error", resp.text


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _expected(group: Group, query: dict[str, Any]) -> list[str]:
    items, _, _ = group.api.pages("/reports", query | {"limit": 500})
    return [i["sync_id"] for i in items]


def test_small_exports_come_back_inline_as_rfc4180_csv(group: Group) -> None:
    query = {"days": 15, "service": "orders"}
    resp = group.api.get("/reports/export", query=query)
    assert resp.status == 200, resp.text
    assert resp.headers["content-type"] == "text/csv; charset=utf-8"
    assert resp.headers["content-disposition"].startswith('attachment; filename="syncline-report-')
    text = resp.text
    assert text.startswith(",".join(report_export.CSV_COLUMNS) + "\r\n")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    rows = _rows(text)
    assert [r["sync_id"] for r in rows] == _expected(group, query)
    by_id = group.by_id()
    for row in rows:
        item = by_id[row["sync_id"]]
        assert row["status"] == item.status.value and row["reference"] == item.reference
        assert row["updated_at"].endswith("Z") and row["created_at"][10] == "T"
        if item.last_error:  # "=bad postcode" must not become a spreadsheet formula
            assert row["error_message"] == "'=bad postcode" and row["error_code"] == "rejected"


def test_large_exports_go_to_s3_in_bounded_parts(
    aws_env: AwsEnv, group: Group, small_parts: S3Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_routes, "time_left", lambda _: lambda: 100.0)  # all in one request
    query = {"days": 15}
    expected = _expected(group, query)
    resp = group.api.get("/reports/export", query=query)
    assert resp.status == 200, resp.text
    body = resp.json()
    assert body["status"] == "done" and body["rows"] == len(expected)
    assert body["url"].startswith("https://") and "Signature" in body["url"] and body["expires_at"]
    assert len(small_parts.parts) > 3
    page_bytes = 30 * 400  # one page of rows at most past the threshold
    assert all(4096 <= size <= 4096 + page_bytes for size in small_parts.parts[:-1])
    assert _object_ids(aws_env, group, body["export_id"]) == expected


def _object_ids(aws_env: AwsEnv, group: Group, export_id: str) -> list[str]:
    key = f"exports/{group.tenant_id}/{export_id}.csv"
    got = aws.client("s3").get_object(Bucket=aws_env.bucket, Key=key)
    assert got["ContentDisposition"].startswith("attachment;")
    text = got["Body"].read().decode("utf-8")
    assert text.count("sync_id,run_id") == 1
    return [r["sync_id"] for r in _rows(text)]


def test_an_export_longer_than_a_request_is_continued_by_polls(
    aws_env: AwsEnv, group: Group, small_parts: S3Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each request may read only a few pages; the job resumes where the last request saved it."""
    _pages_per_request(monkeypatch, 2)
    query = {"days": 15, "sort": "status"}
    expected = _expected(group, query)
    first = group.api.get("/reports/export", query=query)
    assert first.status == 202, first.text
    job = first.json()
    assert job["status"] == "running" and first.headers["location"] == job["poll"]
    done, answers = _poll(group, job["poll"], most=100)
    assert len(answers) >= 2 and done["rows"] == len(expected)
    assert _object_ids(aws_env, group, job["export_id"]) == expected  # every row once, in order
    again = group.api.get(job["poll"]).json()
    assert again["status"] == "done" and again["url"]


def test_a_poll_that_starts_out_of_time_still_saves_a_page(
    aws_env: AwsEnv, group: Group, small_parts: S3Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every request is out of time from its start: each still reads and saves one page, so the
    export advances by one page a poll and finishes."""
    monkeypatch.setattr(report_routes, "time_left", lambda _: lambda: 0.0)
    query = {"days": 15}
    expected = _expected(group, query)
    first = group.api.get("/reports/export", query=query)
    assert first.status == 202 and first.json()["rows"] == report_export.EXPORT_PAGE
    done, answers = _poll(group, first.json()["poll"], most=100)
    rows = [first.json()["rows"]] + [a.json()["rows"] for a in answers]
    assert [b - a for a, b in zip(rows, rows[1:], strict=False)][:-1] == [report_export.EXPORT_PAGE] * (
        len(rows) - 2
    )
    assert 0 < rows[-1] - rows[-2] <= report_export.EXPORT_PAGE and done["rows"] == len(expected)
    assert _object_ids(aws_env, group, first.json()["export_id"]) == expected


def test_exports_are_scoped_to_their_company_group(
    aws_env: AwsEnv, group: Group, small_parts: S3Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_routes, "time_left", lambda _: lambda: 0.0)
    started = group.api.get("/reports/export", query={"days": 15})
    assert started.status == 202
    export_id = started.json()["export_id"]
    other = new_group("ex-other")
    assert other.api.get(f"/reports/export/{export_id}").status == 404
    assert group.api.get(f"/reports/export/{'0' * 24}").status == 404
    assert group.api.get("/reports/export/not-an-id").status == 422
    assert group.api.get("/reports/export", query={"limit": 5}).status == 422  # not an export parameter


def test_the_first_request_keeps_to_its_time_budget(
    aws_env: AwsEnv, group: Group, small_parts: S3Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Out of time after its first page, the first request saves that page and answers 202,
    without reading on to the inline limit."""
    monkeypatch.setattr(report_export, "INLINE_MAX_ROWS", 100)
    monkeypatch.setattr(report_export, "EXPORT_PAGE", 10)
    _pages_per_request(monkeypatch, 1)
    searches: list[int] = []
    real = report_export.search

    def counted(*args: Any, **kwargs: Any) -> Any:
        page = real(*args, **kwargs)
        searches.append(len(page.items))
        return page

    monkeypatch.setattr(report_export, "search", counted)
    query = {"days": 15}
    first = group.api.get("/reports/export", query=query)
    assert first.status == 202, first.text
    assert searches == [10] and first.json()["rows"] == 10
    assert small_parts.tails and not small_parts.parts  # the page is saved, short of a part
    _pages_per_request(monkeypatch, 3)
    done, _ = _poll(group, first.json()["poll"], most=100)
    expected = _expected(group, query)
    assert done["rows"] == len(expected)
    assert _object_ids(aws_env, group, first.json()["export_id"]) == expected


def _one_page_a_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of 10 rows (some 2.3 KB), parts of 4 KB: a part every other request, a tail between."""
    monkeypatch.setattr(report_export, "EXPORT_PAGE", 10)
    _pages_per_request(monkeypatch, 1)


@pytest.mark.parametrize(
    ("method", "nth"),
    [("upload_part", 2), ("put_object", 3), ("complete_multipart_upload", 1)],
    ids=["after-a-part", "after-a-tail", "after-completing"],
)
def test_a_request_failing_after_an_s3_write_loses_and_repeats_no_row(
    aws_env: AwsEnv,
    group: Group,
    small_parts: S3Spy,
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    nth: int,
) -> None:
    """The write is done but the job not saved: the next poll carries on from the job as last saved,
    uploading the same part numbers again; the file has every row once, in order."""
    _one_page_a_request(monkeypatch)
    small_parts.crash_after = (method, {nth})
    query = {"days": 15}
    expected = _expected(group, query)
    first = group.api.get("/reports/export", query=query)
    assert first.status == 202, first.text
    done, answers = _poll(group, first.json()["poll"], most=100, crashes=1)
    assert small_parts.calls[method] > nth  # the write the failed request did is done again
    rows = [a.json()["rows"] for a in answers if a.status == 202]
    assert rows == sorted(rows) and done["rows"] == len(expected)
    assert _object_ids(aws_env, group, first.json()["export_id"]) == expected


def test_a_request_killed_after_uploading_a_part_is_resumed_once_its_lease_runs_out(
    aws_env: AwsEnv, group: Group, small_parts: S3Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request stopped dead keeps the job's lease: polls meanwhile do nothing; after the lease
    the next poll carries on from the job as last saved."""
    _one_page_a_request(monkeypatch)
    small_parts.crash_after, small_parts.crash_with = ("upload_part", {2}), Killed
    query = {"days": 15}
    expected = _expected(group, query)
    first = group.api.get("/reports/export", query=query)
    poll = first.json()["poll"]
    saved = first.json()["rows"]
    for _ in range(100):
        try:
            resp = group.api.get(poll)
        except Killed:
            break
        assert resp.status == 202, resp.text
        saved = resp.json()["rows"]
    else:
        pytest.fail("no request uploaded a second part")
    parts = len(small_parts.parts)
    held = group.api.get(poll)
    assert held.status == 202 and held.json()["rows"] == saved and len(small_parts.parts) == parts
    later = SimpleNamespace(time=lambda: time.time() + report_export.LEASE_SECONDS + 1, sleep=time.sleep)
    monkeypatch.setattr(report_export, "time", later)
    done, _ = _poll(group, poll, most=100)
    assert done["rows"] == len(expected)
    assert _object_ids(aws_env, group, first.json()["export_id"]) == expected


def test_an_export_whose_requests_keep_failing_fails(
    aws_env: AwsEnv, group: Group, small_parts: S3Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    _one_page_a_request(monkeypatch)
    small_parts.crash_after = ("upload_part", set(range(2, 2 + report_export.MAX_FAILURES)))
    first = group.api.get("/reports/export", query={"days": 15})
    codes = []
    for _ in range(20):
        resp = group.api.get(first.json()["poll"])
        assert resp.status in (202, 500), resp.text
        codes.append(resp.json()["error"]["code"] if resp.status == 500 else "running")
        if codes[-1] == "export_failed":
            break
    failures = report_export.MAX_FAILURES
    assert codes[-1 - failures :] == ["internal_error"] * failures + ["export_failed"]
    assert "internal_error" not in codes[: -1 - failures]


def _report_of(rows: int) -> list[SyncItem]:
    """`rows` entries of one run, every status, Failed ones with an error message to quote."""
    started = utcnow() - timedelta(hours=2)
    run_id = new_run_id(started)
    statuses = list(Status)
    return [
        SyncItem(
            tenant_id="t",
            sync_id=sync_id_for("orders", f"src-{n:06d}", "1"),
            run_id=run_id,
            service_id="orders",
            source_system="shopify",
            source_entity="orders",
            destination_system="rest",
            destination_entity="orders",
            reference=f"#{100000 + n}",
            source_id=f"src-{n:06d}",
            endpoint_id=f"end-{n:06d}" if statuses[n % 4] == Status.OK else None,
            status=statuses[n % 4],
            attempts=1,
            last_error=ErrorInfo(code="rejected", message='=bad, "postcode"')
            if statuses[n % 4] == Status.FAILED
            else None,
            created_at=started,
            updated_at=started + timedelta(milliseconds=n),
        )
        for n in range(rows)
    ]


BIG_ROWS = 50_000


def test_a_50000_row_export_finishes_over_many_polls_every_row_once_in_bounded_memory(
    aws_env: AwsEnv, group: Group, s3_spy: S3Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real part size, through the API, the config store and S3; the rows come from a report held
    in memory in place of the report search (reading 50,000 rows back from moto takes minutes:
    bench/export.py runs the same export against the local stack's tables). Each request reads
    one page of 5,000 rows (some 1.2 MB of CSV, a quarter of a part), so parts fill over several
    polls and the rows between live in tails. Memory: a request holds its buffer, and what it
    uploads (a part, or the tail) is that buffer, so the sizes uploaded bound it."""
    report = _report_of(BIG_ROWS)
    page_rows = 5000

    def from_memory(_deps: Any, _tenant: str, query: Any, *, limit: int, cursor: str | None) -> ReportPage:
        assert query.run_id == report[0].run_id and limit == page_rows
        start = int(cursor or 0)
        end = min(start + limit, len(report))
        after = str(end) if end < len(report) else None
        return ReportPage(report[start:end], after, "memory", query.start, query.end, ReadStats())

    monkeypatch.setattr(report_export, "search", from_memory)
    monkeypatch.setattr(report_export, "EXPORT_PAGE", page_rows)
    _pages_per_request(monkeypatch, 1)
    first = group.api.get("/reports/export", query={"run": report[0].run_id})
    assert first.status == 202, first.text
    answers = [first]
    while answers[-1].status == 202:
        assert len(answers) < 100
        answers.append(group.api.get(first.json()["poll"]))
    assert answers[-1].status == 200, answers[-1].text
    rows = [a.json()["rows"] for a in answers]
    assert rows == [min(n * page_rows, BIG_ROWS) for n in range(1, len(rows) + 1)]  # a page a poll

    key = f"exports/{group.tenant_id}/{first.json()['export_id']}.csv"
    text = aws.client("s3").get_object(Bucket=aws_env.bucket, Key=key)["Body"].read().decode("utf-8")
    ids = [r["sync_id"] for r in _rows(text)]
    assert ids == [item.sync_id for item in report]  # every row exactly once, in order

    part, page_bytes = report_export.PART_BYTES, page_rows * 400  # a CSV row is some 250 bytes
    assert len(s3_spy.parts) >= 2 and all(part <= size <= part + page_bytes for size in s3_spy.parts[:-1])
    assert len(s3_spy.tails) > len(s3_spy.parts) and max(s3_spy.tails) < part
