"""SFTP behaviours beyond the shared suite, against a real asyncssh server on 127.0.0.1."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from syncline.connectors import AuthenticationError, Connector, build_connector
from syncline.connectors.base import Confirmation
from syncline.connectors.sftp import SftpConnector
from tests.fakes.http import moment
from tests.fakes.sftp import FakeSftpServer

KEY = "65f0c3a9e1b2d4c6e8a0b1c2"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FakeSftpServer]:
    fake = FakeSftpServer(tmp_path / "root").start()
    try:
        yield fake
    finally:
        fake.stop()


def connect(
    built: list[Connector], fake: FakeSftpServer, credentials: dict[str, str] | None = None, **settings: Any
) -> SftpConnector:
    settings.setdefault("host_key", fake.host_key_line)
    connector = build_connector(
        "sftp",
        base_url=fake.url,
        credentials=credentials or fake.credentials(),
        settings=settings,
        connector_id=uuid.uuid4().hex,
    )
    assert isinstance(connector, SftpConnector)
    built.append(connector)
    return connector


def test_public_key_login_with_a_passphrase(tmp_path: Path, built: list[Connector]) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    pem = key.export_private_key("pkcs8-pem", passphrase="pass-phrase-1").decode()
    with FakeSftpServer(tmp_path / "k", password=None, client_key=key) as fake:
        connector = connect(
            built, fake, {"username": fake.username, "private_key": pem, "passphrase": "pass-phrase-1"}
        )
        connector.check()
        assert fake.logins[-1] == (fake.username, "publickey", True)


def test_a_different_host_key_is_refused(server: FakeSftpServer, built: list[Connector]) -> None:
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode().strip()
    with pytest.raises(AuthenticationError, match="host key"):
        connect(built, server, host_key=other).check()
    assert server.logins == [], "no credentials were offered to an unverified server"


def test_pages_split_inside_a_file(server: FakeSftpServer, built: list[Connector]) -> None:
    rows = [{"id": i, "updated_at": f"2024-03-01T0{i}:00:00Z"} for i in range(5)]
    server.write("inbound/products/all.json", json.dumps(rows), mtime=moment(0).timestamp())
    connector = connect(built, server)
    seen = []
    page_state = None
    while True:
        page = connector.pull("products", None, page_state, 2)
        seen += [r.source_id for r in page.records]
        page_state = page.next_page
        if page_state is None:
            break
    assert seen == ["0", "1", "2", "3", "4"]
    assert page.cursor == "2024-03-01T08:00:00.000Z"  # the file's time: the file was read completely


def test_records_without_an_updated_field_get_the_file_time(
    server: FakeSftpServer, built: list[Connector]
) -> None:
    server.write("inbound/orders/x.csv", "id,total\nA,1\nB,2\n", mtime=moment(1).timestamp())
    page = connect(built, server).pull("orders", None, None, 10)
    assert [r.version[:24] for r in page.records] == ["2024-03-01T09:00:00.000Z"] * 2
    assert page.records[0].version != page.records[1].version  # content tells them apart


def test_push_writes_whole_files_and_confirmations_move_them(
    server: FakeSftpServer, built: list[Connector]
) -> None:
    connector = connect(
        built, server, file_format="csv", confirmation_archive_path="confirmations/done/{entity}"
    )
    first = connector.push("orders", {"id": "A-1", "total": 5})
    second = connector.push("orders", {"id": "A-2", "total": 6})
    assert first.status == "Sent" and first.endpoint_id and first.endpoint_id.endswith(".csv")
    written = server.path(f"outbound/orders/{first.endpoint_id}").read_text()
    assert written.splitlines() == ["id,total", "A-1,5"]
    assert not list(server.path("outbound/orders").glob(".*")), "no partial files left"
    assert connector.confirmations("orders") == []  # nothing confirmed yet (no folder)
    verdicts = [
        {"file": first.endpoint_id, "status": "accepted"},
        {"file": second.endpoint_id, "status": "rejected", "message": "unknown SKU"},
    ]
    server.write("confirmations/orders/result-1.json", json.dumps(verdicts))
    assert connector.confirmations("orders") == [
        Confirmation(first.endpoint_id, True, None),
        Confirmation(second.endpoint_id or "", False, "unknown SKU"),
    ]
    assert connector.acknowledge_confirmations("orders") == 1
    assert server.path("confirmations/done/orders/result-1.json").exists()
    assert connector.confirmations("orders") == []


def test_confirmation_by_listing(server: FakeSftpServer, built: list[Connector]) -> None:
    connector = connect(
        built,
        server,
        confirmation_mode="listing",
        confirmation_path="outbound/{entity}/processed",
        rejected_path="outbound/{entity}/failed",
    )
    ok = connector.push("products", {"id": 1}).endpoint_id or ""
    bad = connector.push("products", {"id": 2}).endpoint_id or ""
    server.path("outbound/products/processed").mkdir()
    server.path("outbound/products/failed").mkdir()
    server.path(f"outbound/products/{ok}").rename(server.path(f"outbound/products/processed/{ok}"))
    server.path(f"outbound/products/{bad}").rename(server.path(f"outbound/products/failed/{bad}"))
    assert sorted(connector.confirmations("products")) == sorted(
        [Confirmation(ok, True, None), Confirmation(bad, False, "rejected by the destination")]
    )


@pytest.mark.parametrize("posix_rename", [True, False])
def test_a_repeated_push_with_the_same_key_replaces_its_file(
    server: FakeSftpServer, built: list[Connector], posix_rename: bool
) -> None:
    server.supports_posix_rename = posix_rename
    connector = connect(built, server)
    first = connector.push("orders", {"id": "A-1", "total": 5}, idempotency_key=KEY)
    again = connector.push("orders", {"id": "A-1", "total": 6}, idempotency_key=KEY, ambiguous=True)
    name = first.endpoint_id or ""
    assert again == first and name == f"orders-A-1-{KEY}.json"
    assert [p.name for p in server.path("outbound/orders").iterdir()] == [name], "one file, no partials"
    assert json.loads(server.path(f"outbound/orders/{name}").read_text())["total"] == 6
    other = connector.push("orders", {"id": "A-1", "total": 7}, idempotency_key="ab" * 12)
    assert other.endpoint_id != name
    server.write("confirmations/orders/r.json", json.dumps([{"file": name, "status": "accepted"}]))
    assert connector.confirmations("orders") == [Confirmation(name, True, None)]


def test_an_ambiguous_repeat_is_not_dropped_again_once_the_destination_took_it(
    server: FakeSftpServer, built: list[Connector]
) -> None:
    connector = connect(
        built,
        server,
        confirmation_mode="listing",
        confirmation_path="outbound/{entity}/processed",
        rejected_path="outbound/{entity}/failed",
    )
    name = connector.push("products", {"id": 1}, idempotency_key=KEY).endpoint_id or ""
    server.path("outbound/products/processed").mkdir()
    server.path(f"outbound/products/{name}").rename(server.path(f"outbound/products/processed/{name}"))
    writes = len(server.calls("write"))
    again = connector.push("products", {"id": 1}, idempotency_key=KEY, ambiguous=True)
    assert again.endpoint_id == name and again.status == "Sent"
    assert len(server.calls("write")) == writes, "the destination has it: not dropped again"
    assert not server.path(f"outbound/products/{name}").exists()
    assert connector.confirmations("products") == [Confirmation(name, True, None)]
    connector.push("products", {"id": 2}, idempotency_key="ab" * 12, ambiguous=True)  # not taken yet
    assert len(server.calls("write")) == writes + 1


def test_write_permission_denied(server: FakeSftpServer, built: list[Connector]) -> None:
    server.deny_writes = True
    with pytest.raises(AuthenticationError, match="permission denied"):
        connect(built, server).push("orders", {"id": 1})


def test_a_dropped_connection_is_reopened(server: FakeSftpServer, built: list[Connector]) -> None:
    server.write("inbound/orders/x.json", '[{"id": 1}]')
    connector = connect(built, server)
    connector.check()
    assert connector._conn is not None
    connector._conn.abort()  # e.g. a Lambda frozen past the server's idle timeout
    assert len(connector.pull("orders", None, None, 10).records) == 1
    assert len([login for login in server.logins if login[2]]) == 2


def test_missing_inbound_folder_is_a_permanent_error(server: FakeSftpServer, built: list[Connector]) -> None:
    from syncline.connectors import PermanentError

    with pytest.raises(PermanentError, match="no such file"):
        connect(built, server).pull("customers", None, None, 10)
