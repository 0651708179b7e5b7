"""GET /reports/export: RFC 4180 CSV inline when small; otherwise an S3 multipart upload written
one bounded part at a time, continued by polls when a request's time runs out, ending in a
presigned link. Every row exactly once, whatever the slicing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from syncline import aws, reports
from syncline.api.routes import reports as report_routes
from syncline.reports import export as report_export
from tests.integration.api.conftest import AwsEnv, Group, new_group, seed_items


@pytest.fixture(scope="module")
def group(aws_env: AwsEnv) -> Group:
    g = new_group("ex")
    seed_items(g, runs_per_service=6, items_per_run=10, days=4)
    return g


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Tiny thresholds so a few hundred rows exercise the large-export path; records part sizes."""
    monkeypatch.setattr(report_export, "INLINE_MAX_ROWS", 20)
    monkeypatch.setattr(report_export, "PART_BYTES", 4096)
    monkeypatch.setattr(report_export, "EXPORT_PAGE", 30)
    monkeypatch.setattr("moto.s3.models.S3_UPLOAD_PART_MIN_SIZE", 1024)
    sizes: list[int] = []
    real = aws.client

    class Recording:
        def __init__(self, client: Any) -> None:
            self.client = client

        def upload_part(self, **kwargs: Any) -> Any:
            sizes.append(len(kwargs["Body"]))
            return self.client.upload_part(**kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.client, name)

    monkeypatch.setattr(
        aws, "client", lambda service: Recording(real(service)) if service == "s3" else real(service)
    )
    yield sizes


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
    assert text.startswith(",".join(reports.CSV_COLUMNS) + "\r\n")
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
    aws_env: AwsEnv, group: Group, small_parts: list[int]
) -> None:
    query = {"days": 15}
    expected = _expected(group, query)
    resp = group.api.get("/reports/export", query=query)
    polls = 0
    while resp.status == 202:  # a busy machine can run out of the request's time budget: poll on
        polls += 1
        assert polls < 100, resp.text
        resp = group.api.get(resp.json()["poll"])
    assert resp.status == 200, resp.text
    body = resp.json()
    assert body["status"] == "done" and body["rows"] == len(expected)
    assert body["url"].startswith("https://") and "Signature" in body["url"] and body["expires_at"]
    assert len(small_parts) > 3
    page_bytes = 30 * 400  # one page of rows at most past the threshold
    assert all(4096 <= size <= 4096 + page_bytes for size in small_parts[:-1])
    assert _object_ids(aws_env, group, body["export_id"]) == expected


def _object_ids(aws_env: AwsEnv, group: Group, export_id: str) -> list[str]:
    key = f"exports/{group.tenant_id}/{export_id}.csv"
    got = aws.client("s3").get_object(Bucket=aws_env.bucket, Key=key)
    assert got["ContentDisposition"].startswith("attachment;")
    text = got["Body"].read().decode("utf-8")
    assert text.count("sync_id,run_id") == 1
    return [r["sync_id"] for r in _rows(text)]


def test_an_export_longer_than_a_request_is_continued_by_polls(
    aws_env: AwsEnv, group: Group, small_parts: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each request may read only a few pages; the job resumes from the last uploaded part."""
    budget = {"calls": 0}

    def short(_: Any) -> Any:
        budget["calls"] = 0

        def left() -> float:
            budget["calls"] += 1
            return 100.0 if budget["calls"] <= 2 else 0.0

        return left

    monkeypatch.setattr(report_routes, "time_left", short)
    query = {"days": 15, "sort": "status"}
    expected = _expected(group, query)
    first = group.api.get("/reports/export", query=query)
    assert first.status == 202, first.text
    job = first.json()
    assert job["status"] == "running" and first.headers["location"] == job["poll"]
    polls = 0
    while True:
        polls += 1
        resp = group.api.get(job["poll"])
        assert resp.status in (200, 202), resp.text
        if resp.status == 200:
            break
        assert polls < 100
    done = resp.json()
    assert polls >= 2 and done["rows"] == len(expected)
    assert _object_ids(aws_env, group, job["export_id"]) == expected  # every row once, in order
    again = group.api.get(job["poll"]).json()
    assert again["status"] == "done" and again["url"]


def test_exports_are_scoped_to_their_company_group(
    aws_env: AwsEnv, group: Group, small_parts: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_routes, "time_left", lambda _: lambda: 0.0)
    started = group.api.get("/reports/export", query={"days": 15})
    assert started.status == 202
    export_id = started.json()["export_id"]
    other = new_group("ex-other")
    assert other.api.get(f"/reports/export/{export_id}").status == 404
    assert group.api.get(f"/reports/export/{'0' * 24}").status == 404
    assert group.api.get("/reports/export/not-an-id").status == 400
    assert group.api.get("/reports/export", query={"limit": 5}).status == 400  # not an export parameter
