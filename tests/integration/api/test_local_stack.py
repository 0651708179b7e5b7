"""The report API served over HTTP by the local stack (requests become API Gateway proxy events),
on entries made by the real pipeline: search a run, resync its failures once the warehouse
accepts them, download the CSV, run the service now."""

from __future__ import annotations

import csv
import io

import httpx

from syncline.api_keys import create_key
from syncline.local.http import ApiServer
from syncline.local.stack import SERVICE, TENANT, StackOptions, local_stack
from syncline.models import RunStatus


def test_search_resync_export_and_run_now_over_http() -> None:
    options = StackOptions(records=30, fail_rate=0.0, permanent_failures=True, retry_base_seconds=0)
    with local_stack(options) as stack, ApiServer() as server:
        run = stack.wait_for_run(stack.fire(), timeout=120)
        assert run.totals.Failed > 0  # the warehouse refuses orders whose id ends in 7
        client = httpx.Client(base_url=server.url, headers={"x-api-key": create_key(TENANT)}, timeout=60)

        assert httpx.get(f"{server.url}/reports").status_code == 401
        page = client.get("/reports", params={"run": run.run_id, "limit": 100, "fields": "additional"})
        assert page.status_code == 200, page.text
        entries = page.json()["items"]
        assert len(entries) == sum(run.totals.model_dump().values())
        failed = [e for e in entries if e["status"] == "Failed"]
        assert len(failed) == run.totals.Failed
        assert all(e["latest"]["payload_stored"] for e in failed)
        view = client.get(f"/runs/{run.run_id}").json()
        assert view["totals"] == run.totals.model_dump() and view["status"] == "Failed"

        stack.warehouse.permanent = False
        resync = client.post("/reports/resync", json={"filter": {"run": run.run_id}})
        assert resync.status_code == 200, resync.text
        assert resync.json()["queued"] == len(failed)
        (resync_run_id,) = resync.json()["run_ids"]
        again = stack.wait_for_run(resync_run_id, timeout=120)
        assert (
            again.status == RunStatus.OK
            and again.totals.OK == len(failed)
            and again.trigger.value == "resync"
        )
        for entry in failed:
            now = client.get(f"/reports/{entry['sync_id']}").json()
            assert now["status"] == "OK" and now["run_id"] == resync_run_id
        old = client.get(f"/runs/{run.run_id}").json()
        assert old["totals"]["Failed"] == 0 and old["totals"]["OK"] == run.totals.OK

        exported = client.get("/reports/export", params={"run": resync_run_id})
        assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(exported.text, newline="")))
        assert sorted(r["sync_id"] for r in rows) == sorted(e["sync_id"] for e in failed)
        assert {r["status"] for r in rows} == {"OK"}

        started = client.post(f"/services/{SERVICE}/run", json={"page_size": 10})
        assert started.status_code == 202, started.text
        manual = stack.wait_for_run(started.json()["run_id"], timeout=120)
        assert manual.trigger.value == "manual" and manual.status != RunStatus.RUNNING
        assert client.get("/openapi.json").status_code == 200


def test_any_method_gets_the_apis_own_json_answer_over_http() -> None:
    """Every method reaches the handler (no HTML 501 from the HTTP server): a method a path does not
    have is the API's 405 with Allow; HEAD has no body; a body over API Gateway's limit is a 413."""
    with local_stack(StackOptions(records=1)), ApiServer() as server:
        headers = {"x-api-key": create_key(TENANT)}
        for method in ("PROPFIND", "TRACE", "PUT"):
            resp = httpx.request(method, f"{server.url}/reports", headers=headers)
            assert resp.status_code == 405, (method, resp.status_code, resp.text)
            assert resp.headers["content-type"].startswith("application/json")
            assert "GET" in resp.headers["allow"]
            assert resp.json()["error"]["code"] == "method_not_allowed"
        head = httpx.head(f"{server.url}/runs", headers=headers)
        assert head.content == b""
        big = httpx.post(f"{server.url}/services", headers=headers, content=b"x" * (10 * 1024 * 1024 + 1))
        assert big.status_code == 413 and big.json()["error"]["code"] == "too_large"
