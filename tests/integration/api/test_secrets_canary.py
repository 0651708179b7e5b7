"""Issue 10, "secrets never leak": connectors whose credentials carry a canary string fail against
a hostile destination that echoes the request's Authorization header in every error (a 401 on
pull and on the health check, a 400 and a 500 on push, a plain-text 502 page); then every API
route, the CSV export, every DynamoDB item of both tables, every S3 object and the captured logs
are searched for the canary: it must appear nowhere."""

from __future__ import annotations

import io
import json
import logging
import threading
import uuid
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from syncline import aws, wiring
from syncline.connectors import ConnectorError
from syncline.models import Status, SyncItem, Trigger, new_run_id, sync_id_for
from syncline.monitor import check_all
from syncline.pipeline.messages import TriggerRequest
from syncline.pipeline.sync import _error
from syncline.pipeline.trigger import run_trigger

from .conftest import AwsEnv, Group, new_group

CANARY = "CANARY" + uuid.uuid4().hex[:12].upper()


class Echo(BaseHTTPRequestHandler):
    """Answers every request with an error that quotes the credentials it was sent."""

    def _answer(self) -> None:
        auth = self.headers.get("Authorization", "")
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?", 1)[0]
        if self.command == "POST" and path.startswith("/products"):
            status, ctype, body = 500, "application/json", json.dumps({"message": f"crashed on {auth}"})
        elif self.command == "POST" and path.startswith("/stock"):
            status, ctype, body = 502, "text/plain", f"bad gateway for {auth}"
        elif self.command == "POST":
            status, ctype, body = 400, "application/json", json.dumps({"error": f"rejected {auth}"})
        else:
            status, ctype, body = 401, "application/json", json.dumps({"message": f"invalid token {auth}"})
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = _answer  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def echo() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _jwt() -> str:
    payload = ("x" * 300 + CANARY + "y" * 300 + CANARY + "z" * 300)[:960]
    return "eyJhbGciOiJIUzI1NiJ9." + payload + ".sig" + CANARY


SECRETS = {
    "plain": f"tok-{CANARY}-plain-value",
    "spaces": f"tok-{CANARY}  two-spaces-value",
    "jwt": _jwt(),
}


def _connector(ident: str, url: str, token: str) -> dict[str, Any]:
    return {
        "connector_id": ident,
        "system": "rest",
        "name": ident,
        "base_url": url,
        "settings": {"auth": "bearer", "retries": 0, "max_wait_seconds": 0},
        "credentials": {"token": token},
    }


def _everything(aws_env: AwsEnv, group: Group) -> list[str]:
    """Every API response, every DynamoDB item, every S3 object."""
    api = group.api
    paths = ["/connectors", "/services", "/runs", "/dashboard", "/systems", "/systems/rest"]
    paths += ["/reports?days=30", "/reports?days=30&status=Failed", "/reports/export?days=30"]
    connectors = [c["connector_id"] for c in _items(api.get("/connectors").json())]
    for cid in connectors:
        paths += [f"/connectors/{cid}", f"/connectors/{cid}/status", f"/connectors/{cid}/status/history"]
        paths += [f"/connectors/{cid}/summary"]
    for sid in [s["service_id"] for s in _items(api.get("/services").json())]:
        paths.append(f"/services/{sid}")
    for run in _items(api.get("/runs", query={"days": 30}).json()):
        paths.append(f"/runs/{run['run_id']}")
    for item in _items(api.get("/reports", query={"days": 30}).json()):
        paths.append(f"/reports/{item['sync_id']}")
    for path in paths:
        route, _, query = path.partition("?")
        api.get(route, query=dict(q.split("=") for q in query.split("&")) if query else None)
    texts = list(api.bodies)
    # config as code: the export (a zip: its files read out), and a diff and a dry-run apply given new
    # credentials, whose answers name the change and never a value
    exported = api.get("/config/export", headers={"Accept": "application/zip"})
    assert exported.status == 200, exported.text
    with zipfile.ZipFile(io.BytesIO(exported.body)) as archive:
        files = {name: archive.read(name).decode() for name in archive.namelist()}
    assert "connectors/c-plain.yaml" in files
    texts += list(files.values())
    rotated = {"c-plain": {"token": f"tok-{CANARY}-rotated"}}
    for route in ("/config/diff", "/config/apply"):
        answer = api.post(
            route,
            body={"files": files, "credentials": rotated, "dry_run": True}
            if "apply" in route
            else {"files": files, "credentials": rotated},
        )
        assert answer.status == 200, answer.text
        assert "(replaced; values not shown)" in answer.text
        texts.append(answer.text)
    ddb = aws.client("dynamodb")
    for table in ddb.list_tables()["TableNames"]:
        for page in ddb.get_paginator("scan").paginate(TableName=table):
            texts += [json.dumps(item) for item in page["Items"]]
    s3 = aws.client("s3")
    for bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            texts.append(
                s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read().decode("utf-8", "replace")
            )
    return texts


def _items(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, list):
        return body
    for key in ("items", "connectors", "services", "runs"):
        if isinstance(body.get(key), list):
            return list(body[key])
    return []


def _leaks(text: str) -> bool:
    return CANARY in text or CANARY.lower() in text.lower()


def test_the_canary_appears_nowhere(
    aws_env: AwsEnv, echo: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    # Syncline's own loggers and the HTTP client's at DEBUG, everything else at INFO (botocore's
    # DEBUG wire dumps are never enabled in a function; they would show the Secrets Manager calls).
    caplog.set_level(logging.INFO)
    for name in ("syncline", "httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)
    group = new_group("canary")
    api = group.api
    # A credential with a trailing newline is refused, and the refusal does not echo it.
    refused = api.post("/connectors", body=_connector("nl", echo, f"tok-{CANARY}-newline\n"))
    assert refused.status == 422, refused.text
    assert refused.json()["error"]["fields"][0]["field"] == "body.credentials.token"
    for name, token in SECRETS.items():
        created = api.post("/connectors", body=_connector(f"c-{name}", echo, token))
        assert created.status == 201, created.text
    # One stored before the fix (a newline made h11 raise "Illegal header value b'...\\n'"): it
    # is now refused when the connector is built, and the health reason says so without the value.
    assert api.post("/connectors", body=_connector("c-legacy", echo, SECRETS["plain"])).status == 201
    wiring.store_credentials(group.tenant_id, "c-legacy", {"token": f"tok-{CANARY}-legacy\n"})

    # Health checks: a 401 echoing the token (and the h11 error for the legacy secret).
    check_all(wiring.config_store(), wiring.open_connector)

    # Runs whose pull fails with a 401 echoing the token.
    config = wiring.config_store()
    for name in SECRETS:
        service = {
            "service_id": f"s-{name}",
            "name": f"pull {name}",
            "active": False,
            "source": {"connector_id": f"c-{name}", "entity": "orders"},
            "destination": {"connector_id": f"c-{name}", "entity": "orders"},
        }
        assert api.post("/services", body=service).status == 201
        result = run_trigger(
            wiring.deps(),
            TriggerRequest(tenant_id=group.tenant_id, service_id=f"s-{name}", trigger=Trigger.MANUAL),
            lambda: 60.0,
        )
        assert "pull failed" in (result.reason or "")

    # Pushes failing with a 400, a 500 and a non-JSON 502 page, all quoting the token: their
    # errors go on items exactly as sync_item stores them.
    syncs = wiring.sync_store()
    rows = []
    for name in SECRETS:
        service_id = f"s-{name}"
        connector = wiring.open_connector(config.require_connector(group.tenant_id, f"c-{name}"))
        with connector:
            for entity in ("orders", "products", "stock"):
                with pytest.raises(ConnectorError) as caught:
                    connector.push(entity, {"id": "1", "number": 1})
                error = _error(caught.value.code, caught.value.message)
                assert not _leaks(error.message), error.message
                item = SyncItem(
                    tenant_id=group.tenant_id,
                    sync_id=sync_id_for(service_id, f"{entity}-1", name),
                    run_id=new_run_id(),
                    service_id=service_id,
                    source_system="rest",
                    source_entity="orders",
                    destination_system="rest",
                    destination_entity=entity,
                    reference=f"#{entity}",
                    source_id=f"{entity}-1",
                    status=Status.FAILED,
                    attempts=1,
                    last_error=error,
                )
                rows.append(syncs.item_row(item))
    syncs._batch_write(rows)

    texts = _everything(aws_env, group)
    assert texts
    found = [t[:200] for t in texts if _leaks(t)]
    assert found == []
    logged = caplog.text + "".join(json.dumps(r.__dict__, default=str) for r in caplog.records)
    out = capsys.readouterr()
    assert not _leaks(logged)
    assert not _leaks(out.out + out.err)
    # The failures did happen and were reported (redacted), so the search had something to read.
    health = api.get("/connectors/c-jwt/status").json()
    assert health["health_status"] != "Operational"
