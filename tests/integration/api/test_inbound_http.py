"""The inbound API end to end over real HTTP against the local stack: a client, a token, a push
that the real pipeline delivers to the warehouse, and the ingest's status showing the outcome."""

from __future__ import annotations

import httpx

from syncline.api_keys import create_key
from syncline.local.http import ApiServer
from syncline.local.stack import TENANT, StackOptions, local_stack
from syncline.models import RunStatus


def test_token_push_and_status_over_http() -> None:
    options = StackOptions(records=1, fail_rate=0.0, retry_base_seconds=0)
    with local_stack(options) as stack, ApiServer() as server:
        admin = httpx.Client(base_url=server.url, headers={"x-api-key": create_key(TENANT)}, timeout=60)
        sample = {"id": "P-1", "total": 5.0, "customer": {"email": "a@example.com"}}
        made = admin.post(
            "/connectors",
            json={
                "connector_id": "erp-push",
                "system": "inbound",
                "name": "ERP",
                "settings": {"entity": "orders", "sample": sample},
            },
        )
        assert made.status_code == 201, made.text
        service = admin.post(
            "/services",
            json={
                "service_id": "erp-orders",
                "name": "ERP orders",
                "inbound_path": "erp",
                "source": {"connector_id": "erp-push", "entity": "orders"},
                "destination": {"connector_id": "demo-warehouse", "entity": "orders"},
            },
        )
        assert service.status_code == 201, service.text
        client = admin.post("/inbound-clients", json={"name": "erp"}).json()

        token = httpx.post(
            f"{server.url}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client["client_id"], client["client_secret"]),
        )
        assert token.status_code == 200, token.text
        auth = {"authorization": f"Bearer {token.json()['access_token']}"}
        assert httpx.post(f"{server.url}/inbound/{TENANT}/erp", json=sample).status_code == 401

        records = [{**sample, "id": f"P-{n}"} for n in range(1, 4)]
        pushed = httpx.post(f"{server.url}/inbound/{TENANT}/erp", json=records, headers=auth)
        assert pushed.status_code == 202, pushed.text
        body = pushed.json()
        assert body["accepted"] == 3

        run = stack.wait_for_run(body["run_id"], timeout=120)
        assert run.status == RunStatus.OK and run.totals.OK == 3 and run.trigger.value == "inbound"
        status = httpx.get(f"{server.url}{body['status_url']}", headers=auth)
        assert status.status_code == 200
        assert status.json()["counts"] == {"OK": 3}
        assert [r["status"] for r in status.json()["records"]] == ["OK", "OK", "OK"]
        assert admin.get(f"/reports/{body['sync_ids'][0]}").json()["status"] == "OK"

        # That run has closed: a push inside its minute does not join it, it opens a run of its own
        later = httpx.post(f"{server.url}/inbound/{TENANT}/erp", json={**sample, "id": "P-9"}, headers=auth)
        assert later.status_code == 202, later.text
        assert later.json()["run_id"] != body["run_id"]
        second = stack.wait_for_run(later.json()["run_id"], timeout=120)
        assert second.status == RunStatus.OK and second.totals.OK == 1
        assert stack.wait_for_run(body["run_id"], timeout=5).totals.OK == 3  # the closed one untouched
