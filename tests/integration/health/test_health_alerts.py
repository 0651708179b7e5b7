"""Connector status emails end to end in the local stack: the real health and alerts handlers,
moto's SES, the .eml copies. A status change is one email, however often the health check runs."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path
from typing import Any

import pytest

from syncline.local.lambdas import invoke
from syncline.local.stack import ALERT_RECIPIENT, StackOptions, local_stack


def _subjects(folder: Path) -> list[str]:
    out = []
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert ALERT_RECIPIENT in str(message["To"])
        out.append(str(message["Subject"]))
    return out


def test_operational_unreachable_operational_is_two_emails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "emails"
    with local_stack(StackOptions(records=1, alert_eml_dir=folder)) as stack:
        stack.driver.stop()
        warehouse = stack.warehouse
        healthy = warehouse.handle

        def down(method: str, path: str, *args: Any) -> Any:
            if method == "GET" and path == "/":
                return 503, {}, {"message": "maintenance"}
            return healthy(method, path, *args)

        for _ in range(3):  # Operational: noted, not emailed
            stack.driver.health()
            invoke("alerts", {})
        assert _subjects(folder) == []
        monkeypatch.setattr(warehouse, "handle", down)
        for _ in range(4):
            stack.driver.health()
            invoke("alerts", {})
        monkeypatch.setattr(warehouse, "handle", healthy)
        for _ in range(4):
            stack.driver.health()
            invoke("alerts", {})
        assert _subjects(folder) == [
            "[Syncline] connector demo-warehouse: System Unreachable",
            "[Syncline] connector demo-warehouse: back to Connector Operational",
        ]
