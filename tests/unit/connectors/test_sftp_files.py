"""SFTP file handling that needs no server: parsing, naming, serialising, confirmations."""

from __future__ import annotations

import json
from typing import Any

import pytest

from syncline.connectors import build_connector
from syncline.connectors.base import Confirmation, PermanentError
from syncline.connectors.sftp import SftpConnector, _confirmation


def sftp(**settings: Any) -> SftpConnector:
    connector = build_connector(
        "sftp",
        base_url="sftp://files.example.com:2222/home/drop",
        credentials={"username": "u", "password": "pw_123456"},
        settings=settings,
    )
    assert isinstance(connector, SftpConnector)
    return connector


def test_rows_by_extension() -> None:
    c = sftp(csv_delimiter=";")
    assert c.rows("a.csv", "id;qty\n1;2\n") == [{"id": "1", "qty": "2"}]
    assert c.rows("a.json", json.dumps({"records": [{"id": 1}]})) == [{"id": 1}]
    assert c.rows("a.json", json.dumps({"id": 1})) == [{"id": 1}]
    assert c.rows("a.jsonl", '{"id": 1}\n\n{"id": 2}\n') == [{"id": 1}, {"id": 2}]
    with pytest.raises(PermanentError, match="a.json cannot be read"):
        c.rows("a.json", "{nope")


def test_folders_are_relative_to_the_url_path() -> None:
    c = sftp(inbound_path="in/{entity}", outbound_path="/abs/{entity}")
    assert c.folder(c.config.inbound_path, "orders") == "/home/drop/in/orders"
    assert c.folder(c.config.outbound_path, "orders") == "/abs/orders"


def test_filenames_are_safe() -> None:
    name = sftp(filename_template="{entity}_{id}.{ext}").filename("orders", {"id": "../../etc/passwd"})
    assert "/" not in name and name.startswith("orders_")
    assert sftp().filename("orders", {}).startswith("orders-record-")
    assert not sftp(filename_template=".{id}").filename("orders", {"id": "x"}).startswith(".")


def test_filenames_come_from_the_idempotency_key() -> None:
    key = "65f0c3a9e1b2d4c6e8a0b1c2"
    c = sftp()
    assert c.filename("orders", {"id": "A-1"}, key) == f"orders-A-1-{key}.json"
    keyed = sftp(filename_template="{entity}-{key}.{ext}")
    assert keyed.filename("orders", {}, key) == f"orders-{key}.json"
    assert keyed.filename("orders", {}) != keyed.filename("orders", {})
    assert sftp(filename_template="{uuid}.{ext}").filename("orders", {}, key) == f"{key}.json"


def test_csv_output_flattens_nested_values() -> None:
    text = sftp(file_format="csv").serialize({"id": 1, "lines": [{"sku": "A"}]}).decode()
    assert text.splitlines() == ["id,lines", '1,"[{""sku"": ""A""}]"']


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"file": "out/a.json", "status": "OK"}, Confirmation("a.json", True, None)),
        (
            {"endpoint_id": "a.json", "status": "error", "message": "bad sku"},
            Confirmation("a.json", False, "bad sku"),
        ),
        ({"filename": "a.json", "success": False, "error": "x"}, Confirmation("a.json", False, "x")),
        ({"filename": "a.json", "ok": True}, Confirmation("a.json", True, None)),
        ({"name": "a.json"}, Confirmation("a.json", True, None)),
        ({"status": "ok"}, None),
        ("a.json", None),
    ],
)
def test_confirmation_entries(entry: Any, expected: Confirmation | None) -> None:
    assert _confirmation(entry) == expected


def test_describe_names_the_credential_alternatives() -> None:
    info = SftpConnector.describe()
    assert info["credential_fields"] == ["username"]
    assert info["credential_fields_one_of"] == ["password", "private_key"]
