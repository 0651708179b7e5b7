"""Issue 10 at the API: credentials are refused in the wrong places, never follow a connector to
a new destination, and a failed PATCH leaves the secret and the row as they were."""

from __future__ import annotations

import json

import pytest

from syncline import aws, wiring

from .conftest import AwsEnv, Group, new_group

SECRET = "ZXQ-secret-value-never-echoed-0001"


@pytest.fixture
def group(aws_env: AwsEnv) -> Group:
    return new_group("sec")


def _create(group: Group, **overrides: object) -> tuple[int, dict]:
    body = {
        "connector_id": "dst",
        "system": "rest",
        "name": "Dest",
        "base_url": "https://dst.example.com/api",
        "settings": {"auth": "bearer"},
        "credentials": {"token": SECRET},
        **overrides,
    }
    resp = group.api.post("/connectors", body=body)
    assert SECRET not in resp.text
    return resp.status, resp.json()


def _fields(body: dict) -> list[str]:
    return [f["field"] for f in body["error"]["fields"]]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"credentials": {"token": SECRET + "\n"}}, "body.credentials.token"),
        ({"credentials": {"token": SECRET + "\x00"}}, "body.credentials.token"),
        ({"base_url": f"https://dst.example.com/?access_token={SECRET}"}, "body.base_url"),
        ({"base_url": f"https://dst.example.com/?api_key={SECRET}"}, "body.base_url"),
        ({"settings": {"auth": "bearer", "headers": {"Authorization": SECRET}}}, "body.settings.headers"),
        ({"settings": {"auth": "bearer", "headers": {"X-Api-Key": SECRET}}}, "body.settings.headers"),
        ({"base_url": f"https://dst.example.com:{SECRET}/"}, "body.base_url"),
        ({"timezone": f"Europe/{SECRET}"}, "body.timezone"),
    ],
)
def test_secrets_in_the_wrong_places_are_refused_without_echo(
    group: Group, overrides: dict, field: str
) -> None:
    status, body = _create(group, **overrides)
    assert status == 422 and field in _fields(body)
    assert "ZXQ" not in json.dumps(body)


def test_internal_destinations_are_refused_in_a_deployed_stage(
    group: Group, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYNCLINE_ALLOW_PRIVATE_NETWORKS", "false")
    for url in ("http://127.0.0.1:9000", "http://169.254.169.254/latest", "http://10.0.0.8", "http://[::1]"):
        status, body = _create(group, base_url=url)
        assert status == 422 and _fields(body) == ["body.base_url"], body


def test_a_new_destination_needs_the_credentials_again(group: Group) -> None:
    assert _create(group)[0] == 201
    for change in (
        {"base_url": "https://evil.example.net/api"},
        {"base_url": "http://dst.example.com/api"},
        {"base_url": "https://dst.example.com:8443/api"},
        {"base_url": "https://dst.example.com/other"},
    ):
        resp = group.api.patch("/connectors/dst", body=change)
        assert resp.status == 422 and _fields(resp.json()) == ["body.credentials"], resp.text
    # The same destination spelled differently, or other fields: the stored credentials stay.
    assert group.api.patch("/connectors/dst", body={"base_url": "https://DST.example.com/api/"}).status == 200
    assert group.api.patch("/connectors/dst", body={"name": "Renamed"}).status == 200
    moved = group.api.patch(
        "/connectors/dst",
        body={"base_url": "https://new.example.com/api", "credentials": {"token": "n3w-t0ken"}},
    )
    assert moved.status == 200, moved.text


def test_a_failed_patch_leaves_secret_and_row_as_they_were(group: Group) -> None:
    assert _create(group)[0] == 201
    arn = wiring.config_store().require_connector(group.tenant_id, "dst").credentials_secret_arn
    huge = {"auth": "bearer", "pull_path": "/" + "x" * 390_000}
    resp = group.api.patch(
        "/connectors/dst", body={"settings": huge, "credentials": {"token": "replacement-1"}}
    )
    assert resp.status in (413, 422), resp.status
    stored = aws.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
    assert json.loads(stored) == {"token": SECRET}
    # A row write failing after the secret was replaced puts the previous secret back.
    config = wiring.config_store()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("row write failed")

    original = config.put_connector
    config.put_connector = broken  # type: ignore[method-assign]
    try:
        with pytest.raises(RuntimeError):
            from syncline.api.management import update_connector
            from syncline.api.models import ConnectorUpdate
            from syncline.deps import Deps

            deps = Deps(config=config, syncs=wiring.sync_store(), sync_queue_url="")
            update_connector(
                deps, group.tenant_id, "dst", ConnectorUpdate(credentials={"token": "replacement-2"})
            )
    finally:
        config.put_connector = original  # type: ignore[method-assign]
    stored = aws.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
    assert json.loads(stored) == {"token": SECRET}
