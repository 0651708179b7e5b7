"""Invariant 5 over the whole API: walk every route in the OpenAPI document with a second
company group's key and the first group's ids. Ids of another group answer 404 (or are refused,
or simply not found by a search), and nothing of the first group is read or changed."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

import pytest

from syncline import wiring
from syncline.inbound import clients as inbound_clients
from syncline.mapping import LookupTable
from syncline.models import ConnectorConfig, Endpoint, NotificationGroup, Service
from syncline.reports import export as report_export
from tests.integration.api.conftest import Api, AwsEnv, Group, new_group, seed_items

LISTS = {
    ("GET", "/reports"),
    ("GET", "/reports/export"),
    ("GET", "/runs"),
    ("GET", "/dashboard"),
    ("GET", "/connectors"),
    ("GET", "/services"),
    ("GET", "/lookups"),
    ("GET", "/notification-groups"),
    ("GET", "/inbound-clients"),
    ("GET", "/reports/errors"),
    ("GET", "/company-group"),
}
GLOBAL = {
    ("GET", "/openapi.json"),
    ("GET", "/systems"),
    ("GET", "/systems/{system}"),
    ("GET", "/transforms"),
    ("GET", "/errors"),
}
BODIES: dict[tuple[str, str], Any] = {
    ("PATCH", "/connectors/{connector_id}"): {"name": "taken over"},
    ("PATCH", "/services/{service_id}"): {"name": "taken over", "active": False},
    ("POST", "/services/{service_id}/clone"): {"service_id": "stolen"},
    ("PUT", "/services/{service_id}/notes"): {"notes": "taken over"},
    ("POST", "/services/{service_id}/preview"): {"record": {"number": "1"}},
    ("PUT", "/lookups/{name}"): {"rows": [["taken", "over"]]},
    ("PATCH", "/notification-groups/{group_id}"): {"name": "taken over"},
}
CSV_BODIES = {("PUT", "/lookups/{name}/rows"): "left_value,right_value\r\ntaken,over\r\n"}


@pytest.fixture(scope="module")
def groups(aws_env: AwsEnv) -> tuple[Group, Group, dict[str, str]]:
    a = new_group("iso-a")
    seed_items(a, runs_per_service=2, items_per_run=5, days=2)
    config = wiring.config_store()
    config.put_connector(
        ConnectorConfig(tenant_id=a.tenant_id, connector_id="a-only", system="rest", name="A only")
    )
    config.put_service(
        Service(
            tenant_id=a.tenant_id,
            service_id="a-svc",
            name="A only",
            source=Endpoint(connector_id="a-only", entity="orders"),
            destination=Endpoint(connector_id="wh", entity="orders"),
        )
    )
    config.put_lookup(a.tenant_id, LookupTable(name="a-table", rows=[("x", "y")]))
    config.put_notification_group(
        NotificationGroup(tenant_id=a.tenant_id, group_id="a-ops", name="A ops", recipients=["a@example.com"])
    )
    a_client, _ = inbound_clients.create_client(a.tenant_id, name="a-client")
    original = report_export.INLINE_MAX_ROWS
    report_export.INLINE_MAX_ROWS = 3
    try:
        export = a.api.get("/reports/export", query={"days": 15}).json()
    finally:
        report_export.INLINE_MAX_ROWS = original
    ids = {
        "connector_id": "a-only",
        "service_id": "a-svc",
        "run_id": a.runs[0].run_id,
        "sync_id": a.items[0].sync_id,
        "export_id": export["export_id"],
        "system": "rest",
        "name": "a-table",
        "group_id": "a-ops",
        "client_id": a_client["client_id"],
    }
    return a, new_group("iso-b"), ids


def _routes() -> set[tuple[str, str]]:
    from syncline.api.app import openapi
    from syncline.inbound.http import ROUTES as INBOUND  # OAuth tokens: tests/integration/api/test_inbound.py

    return {(method.upper(), path) for path, ops in openapi()["paths"].items() for method in ops} - set(
        INBOUND
    )


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


def _snapshot(a: Group) -> str:
    config, syncs = wiring.config_store(), wiring.sync_store()
    group = config.get_tenant(a.tenant_id)
    state = {
        "company_group": group.model_dump(mode="json") if group else None,
        "connectors": [c.model_dump(mode="json") for c in config.list_connectors(a.tenant_id)],
        "services": [s.model_dump(mode="json") for s in config.list_services(a.tenant_id)],
        "items": {
            k: v.model_dump(mode="json")
            for k, v in syncs.get_items(a.tenant_id, [i.sync_id for i in a.items]).items()
        },
        "lookups": {k: v.model_dump(mode="json") for k, v in config.lookups(a.tenant_id).items()},
        "groups": [g.model_dump(mode="json") for g in config.list_notification_groups(a.tenant_id)],
        "clients": config.inbound_clients(a.tenant_id),
        "runs": [syncs.get_run(a.tenant_id, r.run_id).model_dump(mode="json") for r in a.runs],  # type: ignore[union-attr]
    }
    return json.dumps(state, sort_keys=True)


def test_every_route_keeps_company_groups_apart(groups: tuple[Group, Group, dict[str, str]]) -> None:
    a, b, ids = groups
    before = _snapshot(a)
    a_markers = [a.tenant_id, ids["run_id"], ids["sync_id"], ids["export_id"]]
    walked: set[tuple[str, str]] = set()
    for method, path in sorted(_routes()):
        walked.add((method, path))
        url = _fill(path, ids)
        if (method, path) in GLOBAL:
            assert b.api.request(method, url).status == 200, path
            continue
        if (method, path) in LISTS:
            resp = b.api.request(method, url, query={"days": 15} if path in ("/reports", "/runs") else None)
            assert resp.status == 200, (path, resp.text)
            assert not any(marker in resp.text for marker in a_markers), path
            assert "a-only" not in resp.text and "a-svc" not in resp.text, path
            assert "a-table" not in resp.text and "a-ops" not in resp.text, path
            assert "a-client" not in resp.text and a.tenant_id not in resp.text, path
            continue
        if (method, path) == ("POST", "/connectors"):
            # ids are per company group: b may use the same id; a's connector is untouched
            body = {
                "connector_id": "a-only",
                "system": "rest",
                "name": "B's own",
                "base_url": "https://b.example.com",
            }
            assert b.api.post(url, body=body).status == 201
            assert b.api.delete(f"{url}/a-only").status == 204  # its own; a's is untouched
            continue
        if (method, path) == ("POST", "/services"):
            service_body: dict[str, Any] = {
                "service_id": "a-svc",
                "name": "B",
                "source": {"connector_id": "erp-of-a", "entity": "orders"},
                "destination": {"connector_id": "a-svc-conn", "entity": "orders"},
            }
            resp = b.api.post(url, body=service_body)
            assert resp.status == 422 and "body.source.connector_id" in resp.text
            continue
        if (method, path) == ("POST", "/lookups"):  # the same name is b's own table
            assert b.api.post(url, body={"name": "a-table", "rows": [["b", "c"]]}).status == 201
            assert b.api.delete(f"{url}/a-table").status == 204  # its own; a's is untouched
            continue
        if (method, path) == ("POST", "/inbound-clients"):  # a client of b's own
            made = b.api.post(url, body={"name": "b-client"})
            assert made.status == 201 and made.json()["client_id"].startswith(f"{b.tenant_id}~")
            continue
        if (method, path) == ("POST", "/notification-groups"):  # the same id is b's own group
            group_body: dict[str, Any] = {"group_id": "a-ops", "name": "B", "recipients": ["b@example.com"]}
            assert b.api.post(url, body=group_body).status == 201
            assert b.api.delete(f"{url}/a-ops").status == 204  # its own; a's is untouched
            continue
        if (method, path) == ("PATCH", "/company-group"):  # the key's own group; a's is untouched
            assert b.api.patch(url, body={"timezone": "Europe/Berlin"}).json()["tenant_id"] == b.tenant_id
            continue
        if (method, path) == ("POST", "/reports/resync"):
            resp = b.api.post(url, body={"sync_ids": [i.sync_id for i in a.items]})
            assert resp.status == 200 and resp.json()["queued"] == 0
            assert set(resp.json()["refused_counts"]) == {"not_found"}
            continue
        if (method, path) == ("GET", "/config/export"):  # b's own configuration, nothing of a's
            resp = b.api.get(url, headers={"Accept": "application/zip"})
            assert resp.status == 200
            with zipfile.ZipFile(io.BytesIO(resp.body)) as archive:
                text = "".join(archive.read(name).decode() for name in archive.namelist())
            assert "services/orders.yaml" in archive.namelist()
            assert not any(marker in text for marker in ("a-only", "a-svc", "a-table", "a-ops", a.tenant_id))
            continue
        if (method, path) in (("POST", "/config/diff"), ("POST", "/config/apply")):
            # an empty directory with prune: every object it would delete is b's own
            resp = b.api.post(
                url,
                body={"files": {}, "prune": True, "dry_run": True}
                if "apply" in path
                else {"files": {}, "prune": True},
            )
            assert resp.status == 200, resp.text
            assert {c["id"] for c in resp.json()["changes"]} == {
                "shop",
                "wh",
                "erp",
                "orders",
                "products",
                "stock",
            }
            assert not any(
                marker in resp.text for marker in ("a-only", "a-svc", "a-table", "a-ops", a.tenant_id)
            )
            continue
        if (method, path) in CSV_BODIES:
            csv_headers = {"Content-Type": "text/csv"}
            resp = b.api.request(method, url, raw_body=CSV_BODIES[(method, path)], headers=csv_headers)
        else:
            resp = b.api.request(method, url, body=BODIES.get((method, path)))
        assert resp.status == 404, (method, path, resp.status, resp.text)
        assert resp.json()["error"]["code"] == "not_found"
    assert walked == _routes() and len(walked) >= 28
    assert _snapshot(a) == before


def test_the_first_groups_own_key_does_reach_those_ids(groups: tuple[Group, Group, dict[str, str]]) -> None:
    """So the 404s above are about the company group, not about the ids."""
    a, _, ids = groups
    for method, path in sorted(_routes()):
        if method == "GET" and "{" in path:
            resp = a.api.get(_fill(path, ids))
            assert resp.status in (200, 202), (path, resp.text)


def test_every_route_needs_a_valid_key(groups: tuple[Group, Group, dict[str, str]]) -> None:
    _, b, ids = groups
    nobody = Api(None)
    stranger = Api("sl_" + "x" * 43)
    for method, path in sorted(_routes()):
        url = _fill(path, ids)
        if path == "/openapi.json":
            assert nobody.get(url).status == 200
            continue
        missing = nobody.request(method, url, body=BODIES.get((method, path)))
        assert missing.status == 401 and missing.json()["error"]["code"] == "unauthorized", path
        unknown = stranger.request(method, url, body=BODIES.get((method, path)))
        assert unknown.status == 403 and unknown.json()["error"]["code"] == "forbidden", path
    bearer = b.api.get("/connectors", key=False, headers={"Authorization": f"Bearer {b.api.key}"})
    assert bearer.status == 200
