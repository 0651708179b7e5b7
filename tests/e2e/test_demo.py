"""`syncline demo`, run the way a user runs it: the console script, in its own process."""

from __future__ import annotations

import csv
import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path


def test_demo_runs_end_to_end_and_writes_the_report(tmp_path: Path) -> None:
    syncline = Path(sys.executable).parent / "syncline"
    done = subprocess.run(
        [str(syncline), "demo", "--records", "40", "--fail-rate", "0.2", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert re.search(r"records pulled\s+40\b", out)
    ok = int(re.search(r"^  OK\s+(\d+)$", out, re.M).group(1))  # type: ignore[union-attr]
    failed = int(re.search(r"^  Failed\s+(\d+)$", out, re.M).group(1))  # type: ignore[union-attr]
    assert re.search(r"^  Pending\s+0$", out, re.M)
    assert ok + failed == 40 and failed >= 4  # ids ending in 7 are refused by the warehouse
    assert "AWS calls made" in out and "sqs.SendMessageBatch" in out
    with (tmp_path / "report.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 40
    assert {r["status"] for r in rows} <= {"OK", "Failed"}
    assert sum(r["status"] == "OK" for r in rows) == ok
    # the functions' log lines go to a file in the run's folder, not the terminal
    logs = (tmp_path / "logs.jsonl").read_text(encoding="utf-8").splitlines()
    assert any('"function_name":"syncline-sync_item"' in line and "HTTP 503" in line for line in logs)
    assert f"function logs: {tmp_path / 'logs.jsonl'}" in out
    done_lines = [line for line in logs if '"message":"trigger done"' in line]  # each under its own name
    assert done_lines and all('"function_name":"syncline-trigger"' in line for line in done_lines)
    assert '"level"' not in out and '"level"' not in done.stderr
    # the metrics (EMF documents, as Lambda prints them) go beside the log lines, not to the terminal
    assert any(line.startswith('{"_aws"') and '"RecordsPushed"' in line for line in logs)
    assert '"_aws"' not in out
    # one digest for the run's failures, sent through moto's SES and kept as an .eml file
    assert f"alert emails: 1 sent through SES (moto), as .eml files in {tmp_path / 'emails'}" in out
    (eml,) = sorted((tmp_path / "emails").glob("*.eml"))
    assert eml.name in out
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message["Subject"] == f"[Syncline] shop-orders-to-warehouse: {failed} failed syncs in 15 min"
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    assert f"New failures: {failed}" in str(text.get_content())
    assert "not a deliverable postcode" in str(html.get_content())


def test_demo_rejects_bad_flags() -> None:
    syncline = Path(sys.executable).parent / "syncline"
    done = subprocess.run(
        [str(syncline), "demo", "--fail-rate", "2"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "--fail-rate" in done.stderr


def test_two_demos_on_one_machine_do_not_collide(tmp_path: Path) -> None:
    syncline = Path(sys.executable).parent / "syncline"
    runs = [
        subprocess.Popen(
            [str(syncline), "demo", "--records", "15", "--fail-rate", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=240) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err[-2000:] for _, err in outputs]
    reports = [re.search(r"^report: (\S+) \(15 rows\)$", out, re.M) for out, _ in outputs]
    assert all(reports)
    assert reports[0].group(1) != reports[1].group(1)  # type: ignore[union-attr]
    endpoints = [re.search(r"local AWS \(moto\) at (\S+),", out).group(1) for out, _ in outputs]  # type: ignore[union-attr]
    assert endpoints[0] != endpoints[1]


def test_up_fires_on_schedule_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    syncline = Path(sys.executable).parent / "syncline"
    up = subprocess.Popen(
        [str(syncline), "up", "--records", "10", "--fail-rate", "0", "--schedule", "rate(1 minute)"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        # Ctrl-C reaches it even when this suite was started in the background of a script (which
        # starts with SIGINT ignored, and a child inherits that).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert up.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = up.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("run "):
            break
    # order 1007 is refused by the demo warehouse (422): the run is Failed, the other nine OK
    finished = r"run \S+ \(shop-orders-to-warehouse\): Failed pulled 10 OK 9 Failed 1$"
    assert any(re.match(finished, line) for line in lines), lines
    # the web console's URL, on the API's port, with the key to sign in with
    console = r"  web console (http://127\.0\.0\.1:\d+)/console/  \(sign in with the key sl_\S+\)$"
    api_line = next(line for line in lines if line.startswith("  report API "))
    console_match = next(m for line in lines if (m := re.match(console, line)))
    assert console_match.group(1) in api_line
    up.send_signal(signal.SIGINT)
    out, err = up.communicate(timeout=120)  # a clean exit, however busy the machine
    assert up.returncode == 0, err[-2000:]
    assert "stopping" in out
