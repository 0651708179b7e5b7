"""Traces: in a Lambda environment, a handler's invocation, every AWS call (botocore) and every HTTP
request (httpx) reach the X-Ray daemon as subsegments of the invocation's trace; the query string
(where a WooCommerce key can be) stays out; with tracing disabled, nothing is sent.

The probe runs in a process of its own (the Tracer patches botocore and httpx for the whole
process), with the variables Lambda sets and a UDP socket standing in for the X-Ray daemon."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
TRACE_ROOT = "1-5759e988-bd862e3fe1be46a994272793"

PROBE = """
import json, os, socket, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

daemon = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
daemon.bind(("127.0.0.1", 0))
daemon.settimeout(0.5)
os.environ["AWS_XRAY_DAEMON_ADDRESS"] = "127.0.0.1:%d" % daemon.getsockname()[1]


class Shop(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


shop = ThreadingHTTPServer(("127.0.0.1", 0), Shop)
threading.Thread(target=shop.serve_forever, daemon=True).start()

from moto.server import ThreadedMotoServer

aws = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
aws.start()
host, port = aws.get_host_and_port()

import boto3, httpx
from syncline.local.lambdas import FakeContext
from syncline.observability import instrumented


@instrumented
def handler(event, context):
    boto3.client("sqs", endpoint_url="http://%s:%d" % (host, port), region_name="us-east-1").list_queues()
    httpx.Client().get("http://127.0.0.1:%d/orders?consumer_secret=cs_SECRET" % shop.server_port)
    return {}


handler({}, FakeContext(function_name="probe"))
sent = []
try:
    while True:
        sent.append(json.loads(daemon.recv(65536).decode().split("\\n", 1)[1]))
except socket.timeout:
    pass
aws.stop()
print(json.dumps(sent))
"""


def probe(tmp_path: Path, **extra: str) -> list[dict[str, Any]]:
    script = tmp_path / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))},
        "PYTHONPATH": os.pathsep.join([str(ROOT / "shared"), str(ROOT)]),
        "LAMBDA_TASK_ROOT": str(tmp_path),  # what Lambda sets: the Tracer is on
        "AWS_LAMBDA_FUNCTION_NAME": "syncline-probe",
        "_X_AMZN_TRACE_ID": f"Root={TRACE_ROOT};Parent=53995c3f42cd8ad8;Sampled=1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        **extra,
    }
    done = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    sent: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return sent


def test_the_invocation_its_aws_calls_and_its_http_requests_are_traced(tmp_path: Path) -> None:
    sent = {segment["name"]: segment for segment in probe(tmp_path)}
    handler = sent["## handler"]
    assert handler["annotations"] == {"ColdStart": True, "Service": "syncline"}
    assert "metadata" not in handler  # no response captured: it can carry customer data
    sqs, shop = sent["sqs"], sent["127.0.0.1"]
    assert sqs["namespace"] == "aws" and sqs["aws"]["operation"] == "ListQueues"
    assert shop["namespace"] == "remote" and shop["http"]["response"]["status"] == 200
    assert shop["http"]["request"]["method"] == "GET"
    assert shop["http"]["request"]["url"].endswith("/orders")  # no query string
    for segment in (sqs, shop, handler):
        assert segment["trace_id"] == TRACE_ROOT
    assert sqs["parent_id"] == shop["parent_id"] == handler["id"]
    assert "cs_SECRET" not in json.dumps(list(sent.values()))


@pytest.mark.parametrize("off", [{"POWERTOOLS_TRACE_DISABLED": "true"}, {"LAMBDA_TASK_ROOT": ""}])
def test_nothing_is_sent_with_tracing_disabled_or_outside_lambda(tmp_path: Path, off: dict[str, str]) -> None:
    assert probe(tmp_path, **off) == []
