"""A resync with `refetch`: the record is fetched again from its source by its source id, so a fix
made in the source system is what gets pushed; without it the stored payload is sent. Run on the
local stack (demo shop and warehouse on 127.0.0.1) through the report API over HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from syncline.api_keys import create_key
from syncline.local.http import ApiServer
from syncline.local.stack import TENANT, StackOptions, local_stack
from syncline.models import RunStatus


def _entries(client: httpx.Client, run_id: str) -> dict[str, dict[str, Any]]:
    page = client.get("/reports", params={"run": run_id, "limit": 100, "fields": "additional"})
    assert page.status_code == 200, page.text
    return {e["source_id"]: e for e in page.json()["items"]}


def test_refetch_pushes_the_record_as_the_source_has_it_now() -> None:
    options = StackOptions(records=30, fail_rate=0.0, permanent_failures=True, retry_base_seconds=0)
    with local_stack(options) as stack, ApiServer() as server:
        run = stack.wait_for_run(stack.fire(), timeout=120)
        client = httpx.Client(base_url=server.url, headers={"x-api-key": create_key(TENANT)}, timeout=60)
        entries = _entries(client, run.run_id)
        # The warehouse refuses orders whose id ends in 7: 1007, 1017, 1027 failed.
        assert {s for s, e in entries.items() if e["status"] == "Failed"} == {"1007", "1017", "1027"}
        shop = {o["id"]: o for o in stack.shop.orders}
        pulled_city = {oid: shop[oid]["shipping_address"]["city"] for oid in ("1007", "1017")}

        bad_bodies = (({"refetch": "yes"}, "body.refetch"), ({"refetch": True, "refech": 1}, "body.refech"))
        for bad, field in bad_bodies:
            resp = client.post("/reports/resync", json={"sync_ids": [entries["1007"]["sync_id"]], **bad})
            assert resp.status_code == 422, resp.text
            assert field in resp.text

        # The fix is made in the shop: both orders now ship to Hull; 1027 is deleted there.
        for oid in ("1007", "1017"):
            shop[oid]["shipping_address"]["city"] = "Hull"
        stack.shop.orders.remove(shop["1027"])
        stack.warehouse.permanent = False
        before = stack.shop.requests.copy()

        refetched = client.post(
            "/reports/resync",
            json={"sync_ids": [entries["1007"]["sync_id"], entries["1027"]["sync_id"]], "refetch": True},
        )
        assert refetched.status_code == 200, refetched.text
        assert refetched.json()["queued"] == 2
        (refetch_run,) = refetched.json()["run_ids"]
        stored = client.post("/reports/resync", json={"sync_ids": [entries["1017"]["sync_id"]]})
        assert stored.status_code == 200 and stored.json()["queued"] == 1, stored.text
        (stored_run,) = stored.json()["run_ids"]

        done = stack.wait_for_run(refetch_run, timeout=120)
        assert done.status == RunStatus.FAILED and (done.totals.OK, done.totals.Failed) == (1, 1)
        assert stack.wait_for_run(stored_run, timeout=120).totals.OK == 1

        # With refetch: what the shop has now. Without: the payload pulled at first.
        assert stack.warehouse.received["1007"]["ship_to"]["city"] == "HULL"
        assert stack.warehouse.received["1017"]["ship_to"]["city"] == pulled_city["1017"].upper()
        assert pulled_city["1017"] != "Hull"
        assert "1027" not in stack.warehouse.received
        asked = stack.shop.requests - before
        assert asked["GET /orders/1007"] == 1 and asked["GET /orders/1027"] == 1
        assert asked["GET /orders/1017"] == 0  # the stored payload needs no call to the source

        gone = client.get(f"/reports/{entries['1027']['sync_id']}").json()
        assert gone["status"] == "Failed" and gone["run_id"] == refetch_run
        assert gone["latest"]["error"]["code"] == "source_not_found"
        assert "1027" in gone["latest"]["error"]["message"]
        assert gone["latest"]["payload_stored"]  # a resync without refetch can still send it
        fixed = client.get(f"/reports/{entries['1007']['sync_id']}").json()
        assert fixed["status"] == "OK" and fixed["run_id"] == refetch_run

        # The shop refuses the stack's token now: the refetch fails with the source's refusal.
        stack.shop.token = "rotated-token"
        again = client.post("/reports/resync", json={"sync_ids": [gone["sync_id"]], "refetch": True})
        assert again.status_code == 200 and again.json()["queued"] == 1, again.text
        stack.wait_for_run(again.json()["run_ids"][0], timeout=120)
        refused = client.get(f"/reports/{gone['sync_id']}").json()
        assert refused["status"] == "Failed"
        assert refused["latest"]["error"]["code"] == "authentication_failed"
        assert refused["latest"]["error"]["message"].startswith("refetch: ")
        assert "shop-token" not in refused["latest"]["error"]["message"]
