"""`syncline demo`, run the way a user runs it: the console script, in its own process."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
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


def test_demo_rejects_bad_flags() -> None:
    syncline = Path(sys.executable).parent / "syncline"
    done = subprocess.run(
        [str(syncline), "demo", "--fail-rate", "2"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "--fail-rate" in done.stderr
