"""The inbound API: OAuth client credentials, pushes (single, batch, envelope), schema checks,
idempotency, ingest status, client management, and secrets kept out of rows and answers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import pytest

from syncline import aws, cli, wiring
from syncline.inbound import clients, ingest, webhooks
from tests.integration.api.conftest import Api, AwsEnv, Group, Resp, new_group

SAMPLE = {"id": "A-1", "number": 1001, "total": 9.5, "paid": True, "customer": {"email": "a@example.com"}}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SETTINGS = {"entity": "orders", "sample": SAMPLE, "reference_field": "number"}


@pytest.fixture
def group(aws_env: AwsEnv) -> Iterator[Group]:
    g = new_group("inb")
    made = g.api.post(
        "/connectors",
        body={
            "connector_id": "in",
            "system": "inbound",
            "name": "Pushed orders",
            "settings": SETTINGS,
        },
    )
    assert made.status == 201, made.text
    service = g.api.post(
        "/services",
        body={
            "service_id": "pushed",
            "name": "Pushed orders",
            "source": {"connector_id": "in", "entity": "orders"},
            "destination": {"connector_id": "wh", "entity": "orders"},
            "inbound_path": "orders",
        },
    )
    assert service.status == 201, service.text
    aws_env.drain(aws_env.sync_queue)
    yield g
    aws_env.drain(aws_env.sync_queue)


def new_client(group: Group, **body: Any) -> tuple[str, str]:
    made = group.api.post("/inbound-clients", body=body)
    assert made.status == 201, made.text
    return made.json()["client_id"], made.json()["client_secret"]


def get_token(api: Api, client_id: str, secret: str) -> Resp:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return api.post(
        "/oauth/token",
        raw_body="grant_type=client_credentials",
        headers={**FORM, "Authorization": f"Basic {basic}"},
        key=False,
    )


def bearer(group: Group, **client: Any) -> dict[str, str]:
    client_id, secret = new_client(group, **client)
    got = get_token(group.api, client_id, secret)
    assert got.status == 200, got.text
    return {"Authorization": f"Bearer {got.json()['access_token']}"}


def push(group: Group, auth: dict[str, str], body: Any, *, path: str = "orders", **headers: str) -> Resp:
    return group.api.post(
        f"/inbound/{group.tenant_id}/{path}",
        raw_body=json.dumps(body),
        headers={**auth, **headers},
        key=False,
    )


def record(n: int) -> dict[str, Any]:
    return {**SAMPLE, "id": f"A-{n}", "number": 1000 + n}


# ---------------------------------------------------------------------------------- connector and service


def test_connector_view_shows_the_derived_schema(group: Group) -> None:
    shown = group.api.get("/connectors/in").json()
    schema = shown["schema"]
    assert schema["type"] == "object"
    assert schema["properties"]["customer"]["properties"]["email"] == {"type": "string"}
    assert set(schema["required"]) == set(SAMPLE)
    service = group.api.get("/services/pushed").json()
    assert service["inbound_path"] == "orders" and service["schedule"] is None


def test_inbound_path_clash_is_409(group: Group) -> None:
    clash = group.api.post(
        "/services",
        body={
            "service_id": "other",
            "name": "Other",
            "source": {"connector_id": "in", "entity": "orders"},
            "destination": {"connector_id": "wh", "entity": "orders"},
            "inbound_path": "orders",
        },
    )
    assert clash.status == 409, clash.text
    pulled = group.api.post(
        "/services",
        body={
            "service_id": "pulled",
            "name": "Pulled",
            "source": {"connector_id": "shop", "entity": "orders"},
            "destination": {"connector_id": "wh", "entity": "orders"},
            "inbound_path": "pulled",
        },
    )
    assert pulled.status == 422 and pulled.json()["error"]["fields"][0]["field"] == "body.inbound_path"


def test_the_path_is_claimed_so_a_race_cannot_give_it_twice_and_is_released_when_freed(group: Group) -> None:
    other = {
        "service_id": "other",
        "name": "Other",
        "source": {"connector_id": "in", "entity": "orders"},
        "destination": {"connector_id": "wh", "entity": "orders"},
    }
    # two saves close enough that neither sees the other in the list: the claim row still says no
    with mock.patch.object(wiring.config_store(), "list_services", return_value=[]):
        clash = group.api.post("/services", body=other | {"inbound_path": "orders"})
    assert clash.status == 409, clash.text
    assert group.api.get("/services/other").status == 404  # nothing half-written
    # a path given up (changed, then the service deleted) can be taken by another service
    assert group.api.patch("/services/pushed", body={"inbound_path": "orders-v2"}).status == 200
    assert group.api.post("/services", body=other | {"inbound_path": "orders"}).status == 201
    second = other | {"service_id": "x", "inbound_path": "orders-v2"}
    with mock.patch.object(wiring.config_store(), "list_services", return_value=[]):
        assert group.api.post("/services", body=second).status == 409
    assert group.api.delete("/services/pushed").status == 204
    assert group.api.post("/services", body=second).status == 201
    # a copy gets a path of its own
    copy = group.api.post("/services/other/clone", body={"service_id": "other-copy"})
    assert copy.status == 201, copy.text
    assert copy.json()["inbound_path"] == "other-copy"


def test_a_connector_needs_a_sample_or_schema(group: Group) -> None:
    bad = group.api.post(
        "/connectors",
        body={"connector_id": "in2", "system": "inbound", "name": "x", "settings": {"entity": "orders"}},
    )
    assert bad.status == 422 and "settings" in bad.json()["error"]["fields"][0]["field"]


# ---------------------------------------------------------------------------------- tokens


def test_token_flow(group: Group) -> None:
    client_id, secret = new_client(group, name="erp")
    ok = get_token(group.api, client_id, secret)
    assert ok.status == 200
    body = ok.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 86400 and body["scope"] == "inbound:write"
    assert ok.headers["cache-control"] == "no-store"

    in_body = group.api.post(
        "/oauth/token",
        raw_body=f"grant_type=client_credentials&client_id={client_id}&client_secret={secret}",
        headers=FORM,
        key=False,
    )
    assert in_body.status == 200

    bad = get_token(group.api, client_id, secret + "x")
    assert bad.status == 401 and bad.json()["error"] == "invalid_client"
    unknown = get_token(group.api, f"{group.tenant_id}~0000000000000000", secret)
    assert unknown.status == 401 and unknown.json()["error"] == "invalid_client"
    grant = group.api.post("/oauth/token", raw_body="grant_type=password", headers={**FORM}, key=False)
    assert grant.status == 400 and grant.json()["error"] == "unsupported_grant_type"
    missing = group.api.post("/oauth/token", raw_body="", headers={**FORM}, key=False)
    assert missing.status == 400 and missing.json()["error"] == "invalid_request"


def test_bad_expired_and_revoked_tokens_are_401(group: Group) -> None:
    client_id, secret = new_client(group)
    token = get_token(group.api, client_id, secret).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert push(group, auth, record(1)).status == 202
    assert push(group, {"Authorization": f"Bearer {token[:-2]}xx"}, record(2)).status == 401
    assert push(group, {}, record(2)).status == 401
    assert push(group, {"x-api-key": group.api.key or ""}, record(2)).status == 401  # report keys cannot push
    with mock.patch("syncline.inbound.clients.time.time", return_value=10**10):
        assert push(group, auth, record(2)).status == 401  # expired
    revoked = group.api.post(f"/inbound-clients/{client_id}/revoke")
    assert revoked.status == 200 and revoked.json()["revoked"] is True
    assert push(group, auth, record(3)).status == 401
    assert get_token(group.api, client_id, secret).status == 401
    listed = group.api.get("/inbound-clients").json()["items"]
    assert [c["client_id"] for c in listed if c["revoked"]] == [client_id]  # kept for the audit trail
    one = group.api.get(f"/inbound-clients/{client_id}")
    assert one.status == 200 and one.json()["revoked"] is True and "client_secret" not in one.json()
    assert one.json() == next(c for c in listed if c["client_id"] == client_id)
    other_id = client_id[:-1] + ("0" if client_id[-1] != "0" else "1")
    assert group.api.get(f"/inbound-clients/{other_id}").status == 404
    assert group.api.get("/inbound-clients/not-a-client-id").status == 422
    assert new_group("inb-other").api.get(f"/inbound-clients/{client_id}").status == 404  # not its client


def test_revocation_reaches_other_containers_within_the_cache_time(group: Group) -> None:
    client_id, secret = new_client(group)
    auth = {"Authorization": f"Bearer {get_token(group.api, client_id, secret).json()['access_token']}"}
    assert push(group, auth, record(1)).status == 202
    wiring.config_store().update_inbound_client(group.tenant_id, client_id, {"revoked": True})  # elsewhere
    later = clients.time.monotonic() + clients.CACHE_SECONDS + 1
    with mock.patch("syncline.inbound.clients.time.monotonic", return_value=later):
        assert push(group, auth, record(2)).status == 401


def test_rotation_ends_the_old_secret_and_its_tokens(group: Group) -> None:
    client_id, secret = new_client(group)
    auth = {"Authorization": f"Bearer {get_token(group.api, client_id, secret).json()['access_token']}"}
    rotated = group.api.post(f"/inbound-clients/{client_id}/rotate")
    assert rotated.status == 200
    fresh = rotated.json()["client_secret"]
    assert get_token(group.api, client_id, secret).status == 401
    assert push(group, auth, record(1)).status == 401
    assert get_token(group.api, client_id, fresh).status == 200


def test_other_groups_and_services_are_refused(group: Group) -> None:
    other = new_group("inb-other")
    foreign = bearer(other)
    assert push(group, foreign, record(1)).status == 403
    mine = bearer(group)
    assert push(group, mine, record(1), path="nope").status == 404
    limited = bearer(group, services=["orders"])  # another service of the group
    assert push(group, limited, record(1)).status == 403
    # a token cannot call the report API
    assert group.api.get("/connectors", headers=mine, key=False).status in (401, 403)


# ---------------------------------------------------------------------------------- pushes


def rows_of(group: Group, run_id: str) -> dict[str, Any]:
    got = group.api.get(f"/runs/{run_id}")
    assert got.status == 200, got.text
    return dict(got.json())


def test_single_push_becomes_a_run_of_trigger_inbound(group: Group, aws_env: AwsEnv) -> None:
    auth = bearer(group)
    got = push(group, auth, record(1))
    assert got.status == 202, got.text
    body = got.json()
    assert body["accepted"] == 1 and len(body["sync_ids"]) == 1
    assert body["status_url"] == f"/inbound/ingests/{body['ingest_id']}"
    run = rows_of(group, body["run_id"])
    assert run["trigger"] == "inbound" and run["totals"]["Pending"] == 1
    messages = aws_env.drain(aws_env.sync_queue)
    assert [m["sync_id"] for m in messages] == body["sync_ids"]
    assert messages[0]["record"]["number"] == 1001
    status = group.api.get(body["status_url"], headers=auth, key=False)
    assert status.status == 200
    assert status.json()["counts"] == {"Pending": 1}
    assert status.json()["records"][0]["sync_id"] == body["sync_ids"][0]
    assert group.api.get(body["status_url"], headers=bearer(group), key=False).status == 404  # another client


def test_pushes_within_the_window_join_the_open_run_and_later_ones_open_another(
    group: Group, aws_env: AwsEnv
) -> None:
    auth = bearer(group)
    first = push(group, auth, record(1)).json()
    second = push(group, auth, [record(2), record(3)]).json()
    assert second["run_id"] == first["run_id"]  # joined: one run, counted once per record
    run = rows_of(group, first["run_id"])
    assert run["pulled"] == 3 and run["totals"]["Pending"] == 3 and run["status"] == "Running"
    assert len(aws_env.drain(aws_env.sync_queue)) == 3
    later = datetime.now(UTC) + timedelta(seconds=61)
    with mock.patch("syncline.inbound.ingest.utcnow", return_value=later):
        third = push(group, auth, record(4)).json()
    assert third["run_id"] != first["run_id"]  # the window is over
    # a connector with no window: a run per push
    assert (
        group.api.patch("/connectors/in", body={"settings": {**SETTINGS, "run_window_seconds": 0}}).status
        == 200
    )
    answers = [push(group, auth, record(n)) for n in (5, 6)]
    assert [a.status for a in answers] == [202, 202], answers[0].text
    runs = {a.json()["run_id"] for a in answers}
    assert len(runs) == 2 and third["run_id"] not in runs
    bad = group.api.patch("/connectors/in", body={"settings": {**SETTINGS, "run_window_seconds": -1}})
    assert bad.status == 422 and "run_window_seconds" in bad.text


def test_a_run_does_not_close_over_a_push_that_joined_after_its_items_were_counted(group: Group) -> None:
    from collections import Counter

    auth = bearer(group)
    first = push(group, auth, record(1)).json()
    syncs = wiring.sync_store()
    seen = syncs.get_run(group.tenant_id, first["run_id"])
    assert seen is not None and seen.pull_done
    settled = Counter({"OK": 1})  # as counted before the joining push's page was written
    with mock.patch.object(type(syncs), "count_items", return_value=settled):
        assert push(group, auth, record(2)).json()["run_id"] == first["run_id"]
        closed = syncs.close_if_settled(seen)  # read before the join: refused
        assert closed.status.value == "Running" and closed.pulled == 2
        fresh = syncs.get_run(group.tenant_id, first["run_id"])
        assert fresh is not None
        assert syncs.close_if_settled(fresh).status.value == "OK"  # read after: nothing new, it closes


def test_a_batch_of_1000_is_one_run_sent_in_batches_of_ten(group: Group, aws_env: AwsEnv) -> None:
    auth = bearer(group)
    sqs = aws.client("sqs")
    real = sqs.send_message_batch
    sizes: list[int] = []

    def counting(**kwargs: Any) -> Any:
        sizes.append(len(kwargs["Entries"]))
        return real(**kwargs)

    with mock.patch.object(
        aws, "client", side_effect=lambda name, *a, **k: sqs if name == "sqs" else _orig(name, *a, **k)
    ):
        with mock.patch.object(sqs, "send_message_batch", side_effect=counting):
            got = push(group, auth, [record(n) for n in range(1000)])
    assert got.status == 202, got.text
    assert got.json()["accepted"] == 1000 and len(set(got.json()["sync_ids"])) == 1000
    assert sizes and set(sizes) == {10} and sum(sizes) == 1000
    run = rows_of(group, got.json()["run_id"])
    assert run["totals"]["Pending"] == 1000
    assert len(aws_env.drain(aws_env.sync_queue)) == 1000
    too_many = push(group, auth, [record(n) for n in range(1001)])
    assert too_many.status == 413


_orig = aws.client


def test_schema_rejection_names_index_and_field(group: Group, aws_env: AwsEnv) -> None:
    auth = bearer(group)
    bad = {**record(2), "total": "lots"}
    del bad["customer"]
    got = push(group, auth, [record(1), bad, record(3)])
    assert got.status == 202, got.text
    body = got.json()
    assert body["accepted"] == 2
    assert body["rejected"][0]["index"] == 1
    fields = {f["field"] for f in body["rejected"][0]["fields"]}
    assert fields == {"total", "customer"}
    assert len(aws_env.drain(aws_env.sync_queue)) == 2
    none = push(group, auth, [bad])
    assert none.status == 422 and none.json()["rejected"][0]["index"] == 0
    assert aws_env.drain(aws_env.sync_queue) == []


def test_envelope_and_bad_bodies(group: Group, aws_env: AwsEnv) -> None:
    auth = bearer(group)
    env = push(group, auth, {"payload": json.dumps([record(1), record(2)])})
    assert env.status == 202 and env.json()["accepted"] == 2
    text = push(group, auth, {"payload": "not json at all"})
    assert text.status == 422 and text.json()["error"]["fields"][0]["field"] == "body.payload"
    other = group.api.post(
        f"/inbound/{group.tenant_id}/orders",
        raw_body="a,b",
        headers={**auth, "Content-Type": "text/csv"},
        key=False,
    )
    assert other.status == 415
    with mock.patch.object(ingest, "MAX_REQUEST_BYTES", 100):
        assert push(group, auth, [record(n) for n in range(5)]).status == 413


def test_a_record_over_the_message_limit_is_kept_in_s3(group: Group, aws_env: AwsEnv) -> None:
    auth = bearer(group)
    big = {**record(1), "note": "x" * 300_000}
    with mock.patch.object(ingest, "MAX_RECORD_BYTES", 1_000_000):
        got = push(group, auth, big)
    assert got.status == 202, got.text  # the sample has no `note`: extra fields are allowed
    [message] = aws_env.drain(aws_env.sync_queue)
    assert "record" not in message and message["payload_ref"].startswith("payloads/")
    with mock.patch.object(ingest, "MAX_RECORD_BYTES", 200_000):
        too_big = push(group, auth, big)
    assert too_big.status == 422


# ---------------------------------------------------------------------------------- idempotency


def test_idempotency_key_replays_and_refuses(group: Group, aws_env: AwsEnv) -> None:
    auth = bearer(group)
    first = push(group, auth, [record(1), record(2)], **{"Idempotency-Key": "k-1"})
    assert first.status == 202
    again = push(group, auth, [record(1), record(2)], **{"Idempotency-Key": "k-1"})
    assert again.status == 202 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert len(aws_env.drain(aws_env.sync_queue)) == 2  # queued once
    changed = push(group, auth, [record(3)], **{"Idempotency-Key": "k-1"})
    assert changed.status == 422
    assert push(group, auth, record(1), **{"Idempotency-Key": "k" * 256}).status == 422


def test_a_duplicate_while_the_first_is_in_flight_is_409_then_replayed(group: Group, aws_env: AwsEnv) -> None:
    auth = bearer(group)
    answers: list[Resp] = []
    real = ingest.push

    def slow(*args: Any, **kwargs: Any) -> Any:
        answers.append(push(group, auth, record(1), **{"Idempotency-Key": "k-2"}))  # arrives meanwhile
        return real(*args, **kwargs)

    with mock.patch.object(ingest, "push", side_effect=slow):
        first = push(group, auth, record(1), **{"Idempotency-Key": "k-2"})
    assert first.status == 202
    assert answers[0].status == 409
    replay = push(group, auth, record(1), **{"Idempotency-Key": "k-2"})
    assert replay.status == 202 and replay.headers["idempotent-replayed"] == "true"
    assert len(aws_env.drain(aws_env.sync_queue)) == 1


def test_a_failed_first_attempt_can_be_retried_with_the_same_key(group: Group, aws_env: AwsEnv) -> None:
    auth = bearer(group)
    with mock.patch.object(ingest, "fan_out", side_effect=RuntimeError("boom")):
        assert push(group, auth, record(1), **{"Idempotency-Key": "k-3"}).status == 500
    retried = push(group, auth, record(1), **{"Idempotency-Key": "k-3"})
    assert retried.status == 202 and "idempotent-replayed" not in retried.headers


def test_a_key_left_in_flight_by_a_crash_is_free_again_but_a_finished_one_is_kept(
    group: Group, aws_env: AwsEnv
) -> None:
    client_id, secret = new_client(group)
    auth = {"Authorization": f"Bearer {get_token(group.api, client_id, secret).json()['access_token']}"}
    raw = json.dumps(record(1)).encode()
    now = int(time.time())
    # what a first request killed by its timeout leaves: the key claimed, nothing settled
    wiring.config_store().claim_once(
        group.tenant_id,
        f"IDEM#{client_id}",
        hashlib.sha256(b"k-4").hexdigest(),
        {"state": "pending", "fingerprint": hashlib.sha256(b"orders\n" + raw).hexdigest()},
        now=now,
        expires_at=now + ingest.IN_FLIGHT_SECONDS,
    )
    assert push(group, auth, record(1), **{"Idempotency-Key": "k-4"}).status == 409
    later = time.time() + ingest.IN_FLIGHT_SECONDS + 1
    with mock.patch.object(ingest.time, "time", return_value=later):
        taken = push(group, auth, record(1), **{"Idempotency-Key": "k-4"})
    assert taken.status == 202 and "idempotent-replayed" not in taken.headers
    with mock.patch.object(ingest.time, "time", return_value=later + ingest.IN_FLIGHT_SECONDS + 1):
        kept = push(group, auth, record(1), **{"Idempotency-Key": "k-4"})
    assert kept.status == 202 and kept.headers["idempotent-replayed"] == "true"
    assert len(aws_env.drain(aws_env.sync_queue)) == 1


# ---------------------------------------------------------------------------------- rate limit


def test_rate_limit_per_client(group: Group) -> None:
    auth = bearer(group, rate_per_second=0.001, burst=2)
    assert push(group, auth, record(1)).status == 202
    assert push(group, auth, record(2)).status == 202
    assert push(group, auth, record(3)).status == 429
    assert push(group, bearer(group), record(4)).status == 202  # another client's bucket


def test_the_bucket_allows_exactly_its_burst_then_refills_at_its_rate(group: Group) -> None:
    config = wiring.config_store()
    take = lambda at: config.take_token(group.tenant_id, "c1", rate=2.0, burst=5, now=at)  # noqa: E731
    assert [take(1000.0) for _ in range(6)] == [True] * 5 + [False]
    assert take(1000.4) is False  # 0.4 s at 2 a second: not one whole token yet
    assert [take(1000.5), take(1000.5)] == [True, False]
    assert [take(1010.0) for _ in range(6)] == [True] * 5 + [False]  # idle: full again, never more
    assert config.take_token(group.tenant_id, "c2", rate=2.0, burst=5, now=1000.0)  # its own bucket


def test_a_take_is_one_conditional_update_and_never_a_read_then_write(group: Group) -> None:
    """What keeps concurrent requests exact on DynamoDB: a take never reads the bucket and writes
    back what it read (two containers reading the same value would both be let through); it is
    one UpdateItem whose condition DynamoDB checks atomically with the write. (Moto does not
    apply a condition and its write atomically across threads, so this is counted, not raced.)"""
    config = wiring.config_store()
    calls: list[str] = []

    def count(model: Any, **_: Any) -> None:
        calls.append(model.name)

    config.ddb.meta.events.register("before-call.dynamodb", count)
    try:
        now = time.time()
        assert config.take_token(group.tenant_id, "busy", rate=0.001, burst=3, now=now)
        calls.clear()
        assert config.take_token(group.tenant_id, "busy", rate=0.001, burst=3, now=now)
        assert calls == ["UpdateItem"]  # a bucket in use: the atomic add, nothing else
        assert config.take_token(group.tenant_id, "busy", rate=0.001, burst=3, now=now)
        calls.clear()
        assert not config.take_token(group.tenant_id, "busy", rate=0.001, burst=3, now=now)
        assert "PutItem" not in calls and calls.count("GetItem") <= 3  # refused: nothing written
    finally:
        config.ddb.meta.events.unregister("before-call.dynamodb", count)


# ---------------------------------------------------------------------------------- secrets canary


def test_secrets_and_tokens_are_never_stored_logged_or_returned(
    group: Group, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    made = group.api.post("/inbound-clients", body={"name": "canary"})
    client_id, secret = made.json()["client_id"], made.json()["client_secret"]
    issued = get_token(group.api, client_id, secret)
    token = issued.json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    push(group, auth, record(1), **{"Idempotency-Key": "canary"})
    push(group, auth, {"payload": "{"})
    get_token(group.api, client_id, secret + "x")
    group.api.get("/inbound-clients")
    rotated = group.api.post(f"/inbound-clients/{client_id}/rotate").json()["client_secret"]
    issuing = {made.text, issued.text}
    bodies = [b for b in group.api.bodies if b not in issuing and rotated not in b]
    for value in (secret, token, rotated):
        assert not any(value in b for b in bodies)
        assert value not in caplog.text and value not in capsys.readouterr().out
    ddb = aws.client("dynamodb")
    for table in (wiring.config_store().name, wiring.sync_store().name):
        dump = json.dumps(ddb.scan(TableName=table)["Items"])
        for value in (secret, token, rotated):
            assert value not in dump


# ---------------------------------------------------------------------------------- signed webhooks

HOOK_SECRET = "whsec-canary-9f8e7d"


def hook_service(group: Group, kind: str) -> str:
    made = group.api.post(
        "/connectors",
        body={
            "connector_id": f"hook-{kind}",
            "system": "inbound",
            "name": f"{kind} webhooks",
            "settings": {"entity": "orders", "sample": SAMPLE, "webhook": kind},
            "credentials": {"webhook_secret": HOOK_SECRET},
        },
    )
    assert made.status == 201, made.text
    assert HOOK_SECRET not in made.text
    service = group.api.post(
        "/services",
        body={
            "service_id": f"hook-{kind}",
            "name": "Hooked",
            "source": {"connector_id": f"hook-{kind}", "entity": "orders"},
            "destination": {"connector_id": "wh", "entity": "orders"},
        },
    )
    assert service.status == 201, service.text
    return str(service.json()["inbound_path"])


def raw_push(group: Group, path: str, raw: str, headers: dict[str, str]) -> Resp:
    return group.api.post(f"/inbound/{group.tenant_id}/{path}", raw_body=raw, headers=headers, key=False)


def test_a_webhook_connector_needs_its_secret(group: Group) -> None:
    bad = group.api.post(
        "/connectors",
        body={
            "connector_id": "hook-x",
            "system": "inbound",
            "name": "x",
            "settings": {"entity": "orders", "sample": SAMPLE, "webhook": "shopify"},
        },
    )
    assert (
        bad.status == 422 and bad.json()["error"]["fields"][0]["field"] == "body.credentials.webhook_secret"
    )


def test_shopify_webhook_valid_tampered_and_replayed(group: Group, aws_env: AwsEnv) -> None:
    path = hook_service(group, "shopify")
    raw = json.dumps(record(1))
    signature = base64.b64encode(
        hmac.new(HOOK_SECRET.encode(), raw.encode(), hashlib.sha256).digest()
    ).decode()
    headers = {"X-Shopify-Hmac-Sha256": signature, "X-Shopify-Webhook-Id": "wh-1"}
    first = raw_push(group, path, raw, headers)
    assert first.status == 202, first.text
    tampered = raw_push(group, path, raw.replace("1001", "1002"), headers)
    assert tampered.status == 401
    wrong = raw_push(
        group, path, raw, {**headers, "X-Shopify-Hmac-Sha256": base64.b64encode(b"x" * 32).decode()}
    )
    assert wrong.status == 401
    again = raw_push(group, path, raw, headers)
    assert again.status == 202 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["run_id"] == first.json()["run_id"]
    assert len(aws_env.drain(aws_env.sync_queue)) == 1  # the redelivery queued nothing
    # the signature of another kind, or on a service without webhooks, is refused
    generic = webhooks.generic_sign(HOOK_SECRET, raw.encode(), int(time.time()))
    assert raw_push(group, path, raw, {"Syncline-Signature": generic}).status == 401
    assert raw_push(group, "orders", raw, headers).status == 401


def test_generic_webhook_signature_and_tolerance(group: Group, aws_env: AwsEnv) -> None:
    path = hook_service(group, "generic")
    raw = json.dumps([record(1), record(2)]).encode()
    now = int(time.time())
    ok = raw_push(
        group, path, raw.decode(), {"Syncline-Signature": webhooks.generic_sign(HOOK_SECRET, raw, now)}
    )
    assert ok.status == 202 and ok.json()["accepted"] == 2
    old = webhooks.generic_sign(HOOK_SECRET, raw, now - 600)
    assert raw_push(group, path, raw.decode(), {"Syncline-Signature": old}).status == 401
    future = webhooks.generic_sign(HOOK_SECRET, raw, now + 600)
    assert raw_push(group, path, raw.decode(), {"Syncline-Signature": future}).status == 401
    other = webhooks.generic_sign("another-secret", raw, now)
    assert raw_push(group, path, raw.decode(), {"Syncline-Signature": other}).status == 401
    assert len(aws_env.drain(aws_env.sync_queue)) == 2
    dump = json.dumps(aws.client("dynamodb").scan(TableName=wiring.config_store().name)["Items"])
    assert HOOK_SECRET not in dump  # the webhook secret lives in Secrets Manager only


# ---------------------------------------------------------------------------------- the CLI


def test_clients_cli_creates_lists_rotates_and_revokes(
    group: Group, capsys: pytest.CaptureFixture[str]
) -> None:
    table = ["--table", wiring.config_store().name]
    assert cli.main(["clients", "create", "--tenant", group.tenant_id, "--name", "erp", *table]) == 0
    out = capsys.readouterr().out
    client_id = re.search(r"client id:\s+(\S+)", out).group(1)  # type: ignore[union-attr]
    secret = re.search(r"^\s+(scs_\S+)$", out, re.M).group(1)  # type: ignore[union-attr]
    assert get_token(group.api, client_id, secret).status == 200
    row = wiring.config_store().get_inbound_client(group.tenant_id, client_id)
    assert row is not None and secret not in json.dumps(row)

    assert cli.main(["clients", "rotate", client_id, *table]) == 0
    fresh = re.search(r"^\s+(scs_\S+)$", capsys.readouterr().out, re.M).group(1)  # type: ignore[union-attr]
    assert get_token(group.api, client_id, secret).status == 401
    assert get_token(group.api, client_id, fresh).status == 200

    assert cli.main(["clients", "revoke", client_id, *table]) == 0
    capsys.readouterr()
    assert get_token(group.api, client_id, fresh).status == 401
    assert cli.main(["clients", "list", "--tenant", group.tenant_id, *table]) == 0
    listing = capsys.readouterr().out
    assert client_id in listing and "revoked" in listing and fresh not in listing
    assert cli.main(["clients", "revoke", f"{group.tenant_id}~0000000000000000", *table]) == 1
    assert cli.main(["clients", "list", "--tenant", "no-such-group", *table]) == 1
