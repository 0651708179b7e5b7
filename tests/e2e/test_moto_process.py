"""The local stack's moto server runs in a process of its own and never outlives the stack: it
stops with the stack on Ctrl-C, and by itself when the stack's process is killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from syncline.tables import QUEUES

# A stack's AWS part, started the way `syncline demo` / `up` start it, waiting for Ctrl-C.
SCRIPT = """
import sys, time, boto3
from syncline.local.aws import LocalAws
local = LocalAws()
local.start()
try:
    queues = boto3.client("sqs").list_queues()["QueueUrls"]
    print(local.pid, len(queues), "moto" in sys.modules, flush=True)
    while True:
        time.sleep(0.2)
except KeyboardInterrupt:
    local.stop()
    print("stopped", flush=True)
"""


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's exit may be reaped late by the container's init)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def _gone(pid: int, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _running(pid):
            return True
        time.sleep(0.2)
    return False


def _start() -> tuple[subprocess.Popen[str], int]:
    stack = subprocess.Popen(
        [sys.executable, "-c", SCRIPT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        start_new_session=True,  # its own process group, as a terminal's foreground job
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert stack.stdout is not None
    line = stack.stdout.readline().split()
    assert len(line) == 3, stack.stderr.read() if stack.stderr else line
    moto_pid, queues, moto_in_stack = int(line[0]), int(line[1]), line[2]
    assert queues == len(QUEUES)  # the stack's queues, created over HTTP in the other process
    assert moto_in_stack == "False"  # moto is not even imported by the stack's process
    assert moto_pid != stack.pid and _running(moto_pid)
    return stack, moto_pid


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
def test_ctrl_c_stops_the_moto_process() -> None:
    stack, moto_pid = _start()
    os.killpg(stack.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
    out, err = stack.communicate(timeout=120)
    assert stack.returncode == 0, err[-2000:]
    assert "stopped" in out
    assert _gone(moto_pid), "the moto server outlived the stack"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
def test_a_killed_stack_leaves_no_moto_process_behind() -> None:
    stack, moto_pid = _start()
    stack.kill()  # SIGKILL: no clean-up code runs in the stack's process
    stack.communicate(timeout=60)
    assert _gone(moto_pid), "the moto server outlived its killed stack"
