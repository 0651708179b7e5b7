"""Key scopes (read < operate < admin), declared per route in one table; key expiry; `keys` CLI."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from syncline import api_keys, cli, wiring
from syncline.api.app import SCOPES, app, scope_of
from syncline.models import iso, utcnow
from syncline.store import marshal, tenant_pk
from tests.integration.api.conftest import Api, AwsEnv, Group, new_group

IDS = {
    "connector_id": "shop",
    "service_id": "orders",
    "run_id": "20250101T120000000-a1b2c3",
    "sync_id": "ab" * 12,
    "export_id": "cd" * 12,
    "system": "rest",
    "name": "carriers",
    "group_id": "ops",
    "client_id": "scope~0123456789abcdef",
}
READ_ROUTES = {
    ("GET", "/reports"),
    ("GET", "/reports/export"),
    ("GET", "/reports/export/{export_id}"),
    ("GET", "/reports/{sync_id}"),
    ("GET", "/runs"),
    ("GET", "/runs/{run_id}"),
    ("GET", "/dashboard"),
    ("GET", "/services/{service_id}/alerts/history"),
    # issue 30: a read key reads services and connectors (never a credential) and the catalog
    ("GET", "/services"),
    ("GET", "/services/{service_id}"),
    ("POST", "/services/{service_id}/preview"),
    ("GET", "/connectors"),
    ("GET", "/connectors/{connector_id}"),
    ("GET", "/connectors/{connector_id}/status"),
    ("GET", "/connectors/{connector_id}/status/history"),
    ("GET", "/connectors/{connector_id}/summary"),
    ("GET", "/reports/errors"),
    ("GET", "/errors"),
    ("GET", "/company-group"),
}
OPERATE_ROUTES = {
    ("POST", "/reports/resync"),
    ("POST", "/services/{service_id}/run"),
    ("POST", "/services/{service_id}/activate"),
    ("POST", "/services/{service_id}/deactivate"),
}


def _routes() -> list[tuple[str, str]]:
    return sorted(
        (r.method, r.openapi_path)
        for r in app._static_routes + app._dynamic_routes
        if r.openapi_path != "/openapi.json"
    )


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: IDS[m.group(1)], path)


@pytest.fixture(scope="module")
def group(aws_env: AwsEnv) -> Group:
    return new_group("scope")


def _key(group: Group, scope: api_keys.Scope) -> Api:
    return Api(api_keys.create_key(group.tenant_id, scope=scope))


def test_the_scope_table_names_only_real_routes_and_matches_the_issue() -> None:
    routes = set(_routes())
    assert set(SCOPES) <= routes
    assert {k for k, v in SCOPES.items() if v == "read"} == READ_ROUTES
    assert {k for k, v in SCOPES.items() if v == "operate"} == OPERATE_ROUTES
    for route in app._static_routes + app._dynamic_routes:  # everything else: admin
        if (route.method, route.openapi_path) not in READ_ROUTES | OPERATE_ROUTES:
            assert scope_of(route) == "admin"


@pytest.mark.parametrize("scope", ["read", "operate"])
def test_a_key_gets_403_exactly_on_the_routes_beyond_its_scope(group: Group, scope: api_keys.Scope) -> None:
    api = _key(group, scope)
    allowed = READ_ROUTES | (OPERATE_ROUTES if scope == "operate" else set())
    walked = 0
    for method, path in _routes():
        walked += 1
        # bodies are left out on purpose: the scope is checked before anything else
        resp = api.request(method, _url(path))
        if (method, path) in allowed:
            assert resp.status != 403, (method, path, resp.text)
        else:
            assert resp.status == 403, (method, path, resp.status, resp.text)
            error = resp.json()["error"]
            needed = "admin" if scope == "operate" or (method, path) not in OPERATE_ROUTES else "operate"
            assert error["code"] == "forbidden"
            assert error["message"] == f"this API key lacks the '{needed}' scope"
    assert walked >= 28


def test_an_admin_key_is_never_refused_for_scope(group: Group) -> None:
    api = _key(group, "admin")
    for method, path in _routes():
        resp = api.request(method, _url(path))
        assert resp.status != 403, (method, path, resp.text)


def test_an_operate_key_can_resync_and_a_read_key_cannot(group: Group) -> None:
    body: dict[str, Any] = {"sync_ids": ["ab" * 12], "dry_run": True}
    assert _key(group, "operate").post("/reports/resync", body=body).status == 200
    assert _key(group, "read").post("/reports/resync", body=body).status == 403
    assert _key(group, "read").get("/reports").status == 200


def test_an_expired_key_is_refused_like_a_revoked_one(group: Group) -> None:
    key = api_keys.create_key(group.tenant_id, scope="read", expires_in_days=1)
    assert Api(key).get("/reports").status == 200
    config = wiring.config_store()
    past = iso(utcnow() - timedelta(seconds=1))
    config.ddb.update_item(
        TableName=config.name,
        Key=marshal({"PK": f"KEY#{api_keys.key_id(key)}", "SK": "KEY"}),
        UpdateExpression="SET expires_at = :at",
        ExpressionAttributeValues=marshal({":at": past}),
    )
    resp = Api(key).get("/reports")
    assert resp.status == 403 and resp.json()["error"]["code"] == "forbidden"
    assert "expired" in resp.json()["error"]["message"]


def test_a_key_stored_before_scopes_works_as_admin(group: Group) -> None:
    key = api_keys.KEY_PREFIX + "legacy" + "x" * 40
    digest = api_keys.key_id(key)
    config = wiring.config_store()
    created = iso(utcnow())
    for row in (
        {"PK": f"KEY#{digest}", "SK": "KEY", "tenant_id": group.tenant_id, "created_at": created},
        {"PK": tenant_pk(group.tenant_id), "SK": f"APIKEY#{digest}", "created_at": created},
    ):
        config.ddb.put_item(TableName=config.name, Item=marshal(row | {"revoked": False}))
    assert Api(key).get("/connectors").status == 200
    listed = {k["key_id"]: k for k in api_keys.list_keys(group.tenant_id)}
    assert listed[digest]["scope"] == "admin" and listed[digest]["expires_at"] is None


def test_keys_cli_takes_scope_and_expiry_and_lists_them(
    aws_env: AwsEnv, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        cli.main(["keys", "create", "--tenant", "scope-cli", "--scope", "read", "--expires-in-days", "7"])
        == 0
    )
    out = capsys.readouterr().out
    key = re.search(r"^\s+(sl_\S+)$", out, re.M).group(1)  # type: ignore[union-attr]
    assert "scope read" in out
    api = Api(key)
    assert api.get("/reports").status == 200
    refused = api.get("/notification-groups").json()["error"]["message"]
    assert refused == "this API key lacks the 'admin' scope"
    assert cli.main(["keys", "create", "--tenant", "scope-cli"]) == 0  # default: admin
    default_key = re.search(r"^\s+(sl_\S+)$", capsys.readouterr().out, re.M).group(1)  # type: ignore[union-attr]
    assert Api(default_key).get("/connectors").status == 200
    assert cli.main(["keys", "list", "--tenant", "scope-cli"]) == 0
    listing = capsys.readouterr().out
    line = next(row for row in listing.splitlines() if row.startswith(api_keys.key_id(key)))
    assert "scope read" in line and "expires 20" in line and "active" in line
    default_line = next(row for row in listing.splitlines() if row.startswith(api_keys.key_id(default_key)))
    assert "scope admin" in default_line and "no expiry" in default_line
    with pytest.raises(SystemExit):
        cli.main(["keys", "create", "--tenant", "scope-cli", "--scope", "root"])
    with pytest.raises(SystemExit):
        cli.main(["keys", "create", "--tenant", "scope-cli", "--expires-in-days", "0"])
