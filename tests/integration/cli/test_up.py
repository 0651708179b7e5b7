"""`syncline up` as a new user drives it from two shells: the variables it prints are all the CLI
needs to reach its stack; a company group that does not exist is said so; a port in use is a
one-line error, not a traceback."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]


def _clean_env() -> dict[str, str]:
    """No AWS settings at all: what a fresh shell has."""
    keep = ("PATH", "HOME", "LANG", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "shared"), str(ROOT)])
    env["POWERTOOLS_LOG_LEVEL"] = "ERROR"
    return env


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syncline.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def up() -> Iterator[dict[str, str]]:
    """A running `syncline up`; the variables it printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "syncline.cli", "up", "--records", "5", "--api-port", "0"],
        env=_clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    printed: dict[str, str] = {}
    try:
        deadline = time.monotonic() + 120
        for line in process.stdout:
            api = re.match(r"^\s+report API (\S+)\s+\(header x-api-key: (\S+)\)$", line)
            if api:
                printed["_API"], printed["_KEY"] = api.group(1), api.group(2)
            found = re.match(r"^\s+export (\w+)=(\S*)$", line)
            if found:
                printed[found.group(1)] = found.group(2)
            elif any(not name.startswith("_") for name in printed):  # the block of exports is over
                break
            assert time.monotonic() < deadline, "up printed no variables"
        yield printed
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def test_the_variables_up_prints_are_all_the_cli_needs(up: dict[str, str]) -> None:
    up = {k: v for k, v in up.items() if not k.startswith("_")}
    assert {"SYNCLINE_CONFIG_TABLE", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID"} <= set(up)
    listed = _cli("keys", "list", "--tenant", "demo", env=_clean_env() | up)
    assert listed.returncode == 0, listed.stderr
    assert re.search(r"^[0-9a-f]{64}  scope admin ", listed.stdout, re.M), listed.stdout  # the key up made
    missing = _cli("keys", "list", "--tenant", "nosuch", env=_clean_env() | up)
    assert missing.returncode == 1 and missing.stderr.strip().startswith("syncline keys: no company group")
    assert "Traceback" not in missing.stderr


def test_without_the_variables_the_cli_says_what_to_set() -> None:
    bare = _cli("keys", "list", "--tenant", "demo", "--table", "t-config", env=_clean_env())
    assert bare.returncode == 2 and "Traceback" not in bare.stderr
    assert "set the variables it printed" in bare.stderr, bare.stderr


def test_a_port_in_use_is_a_one_line_error() -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        result = _cli("up", "--records", "2", "--api-port", str(port), env=_clean_env())
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("syncline up: a port it needs is in use"), result.stderr
    assert "Traceback" not in result.stderr


def test_up_plays_the_health_check_and_every_active_services_schedule(up: dict[str, str]) -> None:
    """As a deployed stack would: connectors are checked (not left Unknown), and a service added
    through the API runs on its own schedule without restarting anything."""
    client = httpx.Client(base_url=up["_API"], headers={"x-api-key": up["_KEY"]}, timeout=30)

    def status() -> str:
        return str(client.get("/connectors/demo-shop/status").json()["health_status"])

    assert _eventually(lambda: status() == "Connector Operational"), status()
    demo = client.get("/services/shop-orders-to-warehouse").json()
    service = {
        "service_id": "second",
        "name": "Second service",
        "schedule": "rate(1 hour)",
        "source": {"connector_id": demo["source"]["connector_id"], "entity": "orders"},
        "destination": {"connector_id": demo["destination"]["connector_id"], "entity": "orders"},
    }
    assert client.post("/services", json=service).status_code == 201
    assert client.post("/services/second/activate").status_code == 200

    def runs() -> list[dict[str, object]]:
        return list(client.get("/runs", params={"service": "second"}).json()["items"])

    assert _eventually(lambda: bool(runs())), "the new service never ran"
    assert runs()[0]["trigger"] == "schedule"


def _eventually(check: Callable[[], bool], seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return check()
