"""A sweeper service end to end, through the report API over HTTP on the local stack: a service's
pushes fail transiently until their attempts run out (Failed), the warehouse is fixed, a sweeper
naming the service is created and run now. Its runs re-queue the retryable failures (at most
`max_per_run` each, saying what they left for the next run), which then end OK; permanent
rejections stay until `include_permanent`; nothing already OK is pushed again (the warehouse
counts every push)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx

from syncline.api_keys import create_key
from syncline.local.http import ApiServer
from syncline.local.stack import SERVICE, TENANT, StackOptions, local_stack

DOWN = {"1003", "1005", "1013", "1021"}  # the warehouse answers 503 to these, every time
REFUSED = {"1007", "1017", "1027"}  # ids ending in 7: 422, a permanent rejection
SWEEPER = {
    "service_id": "orders-sweeper",
    "name": "Orders sweeper",
    "type": "sweeper",
    "source": {"connector_id": "demo-shop", "entity": "orders"},
    "destination": {"connector_id": "demo-warehouse", "entity": "orders"},
    "sweeper": {"sweeps": [SERVICE], "max_per_run": 3},
}


def _entries(client: httpx.Client, **params: Any) -> dict[str, dict[str, Any]]:
    page = client.get("/reports", params={"limit": 100, "fields": "additional", **params})
    assert page.status_code == 200, page.text
    return {e["source_id"]: e for e in page.json()["items"]}


def test_a_sweeper_recovers_transient_failures_once_the_destination_is_fixed() -> None:
    options = StackOptions(
        records=30,
        fail_rate=0.0,
        permanent_failures=True,
        always_down=set(DOWN),
        max_attempts=3,
        retry_base_seconds=0,
        retry_max_seconds=0,
    )
    with local_stack(options) as stack, ApiServer() as server:
        client = httpx.Client(base_url=server.url, headers={"x-api-key": create_key(TENANT)}, timeout=60)
        first = stack.wait_for_run(stack.fire(), timeout=180)
        before = _entries(client, run=first.run_id)
        failed = {oid: e["latest"]["error"]["code"] for oid, e in before.items() if e["status"] == "Failed"}
        assert failed == {**dict.fromkeys(DOWN, "transient"), **dict.fromkeys(REFUSED, "rejected")}
        stack.warehouse.always_down.clear()  # the destination is fixed
        pushes = Counter(stack.warehouse.pushes)

        bad = client.post("/services", json={**SWEEPER, "sweeper": {"sweeps": [SERVICE], "max_per_run": 0}})
        assert bad.status_code == 422 and "body.sweeper.max_per_run" in bad.text, bad.text
        created = client.post("/services", json=SWEEPER)
        assert created.status_code == 201, created.text

        def sweep() -> dict[str, Any]:
            started = client.post(f"/services/{SWEEPER['service_id']}/run", json={})
            assert started.status_code == 202, started.text
            run_id = started.json()["run_id"]
            stack.wait_for_run(run_id, timeout=180)
            view = client.get(f"/runs/{run_id}").json()
            assert view["service_id"] == SWEEPER["service_id"]
            return {"run_id": run_id, **view["sweep"]}

        # max_per_run 3: three of the four now, one left for the next run.
        one, two = sweep(), sweep()
        figures = ("swept", "recovered", "still_failing", "left_for_next_run")
        assert [one[f] for f in figures] == [3, 3, 0, 1]
        assert [two[f] for f in figures] == [1, 1, 0, 0]
        assert one["services"] == [SERVICE]

        now = _entries(client, service=SERVICE)
        swept = set(DOWN)
        for oid in swept:  # each ended OK, and its entry links to the sweeper run that took it
            assert now[oid]["status"] == "OK" and now[oid]["service_id"] == SERVICE
            assert now[oid]["run_id"] in (one["run_id"], two["run_id"])
        in_one = _entries(client, run=one["run_id"])
        assert set(in_one) <= swept and len(in_one) == 3
        for oid in REFUSED:  # permanent rejections are not swept without include_permanent
            assert now[oid]["status"] == "Failed" and now[oid]["run_id"] == first.run_id
        for oid in set(before) - swept:  # nothing else was pushed again
            assert stack.warehouse.pushes[oid] == pushes[oid], oid
        assert all(stack.warehouse.accepted[oid] == 1 for oid in swept)
        old = client.get(f"/runs/{first.run_id}").json()
        assert old["totals"]["Failed"] == len(REFUSED)

        # include_permanent: the rejections, once the warehouse takes them, are swept too.
        settings = {"sweeps": [SERVICE], "include_permanent": True, "max_per_run": 10}
        patched = client.patch(f"/services/{SWEEPER['service_id']}", json={"sweeper": settings})
        assert patched.status_code == 200, patched.text
        stack.warehouse.permanent = False
        three = sweep()
        assert (three["swept"], three["recovered"], three["still_failing"]) == (3, 3, 0)
        assert three["left_for_next_run"] == 0
        final = _entries(client, service=SERVICE)
        assert {e["status"] for e in final.values()} == {"OK"} and len(final) == 30
        assert all(final[oid]["run_id"] == three["run_id"] for oid in REFUSED)
        assert all(n == 1 for n in stack.warehouse.accepted.values())  # every order created once
        assert len(stack.warehouse.accepted) == 30
        assert stack.dlq_depth() == len(DOWN)  # the exhausted messages went to the DLQ, as on AWS
