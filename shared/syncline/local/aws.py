"""An embedded moto server on 127.0.0.1, in a process of its own (`syncline.local.moto_server`),
with Syncline's tables, queues and bucket created from the one shared definition (syncline.tables).
Everything reaches it through its HTTP API (boto3), as it would reach AWS."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from syncline import aws, wiring
from syncline.settings import ENV
from syncline.tables import QUEUES, TABLES, create_queue_attributes, create_table_request

CREDENTIAL_ENV = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


ALERT_SENDER = "syncline-alerts@example.com"


@dataclass
class Resources:
    prefix: str
    endpoint: str
    env: dict[str, str]


class LocalAws:
    """Starts moto in a child process on a free port, sets this process's environment, creates the
    resources; `stop` ends the child (it also ends by itself when this process dies)."""

    READY_SECONDS = 120.0  # a loaded machine imports moto slowly

    def __init__(self, prefix: str | None = None) -> None:
        self.prefix = prefix or f"syncline-{secrets.token_hex(3)}"
        self._process: subprocess.Popen[bytes] | None = None
        self._saved_env: dict[str, str | None] = {}
        self.resources: Resources | None = None

    @property
    def pid(self) -> int | None:
        """The moto server's process id (None when not running)."""
        return self._process.pid if self._process is not None else None

    def start(self, extra_env: dict[str, str] | None = None) -> Resources:
        """`extra_env`: more SYNCLINE_* settings for the functions (set for the stack's lifetime)."""
        endpoint = self._start_server()
        env = {
            **CREDENTIAL_ENV,
            "AWS_ENDPOINT_URL": endpoint,
            ENV["allow_private_networks"]: "true",  # the demo systems listen on 127.0.0.1
            **(extra_env or {}),
        }
        self._apply_env(env)
        env.update(self._create())
        self._apply_env(env)
        wiring.reset()
        self.resources = Resources(prefix=self.prefix, endpoint=endpoint, env=env)
        return self.resources

    def _start_server(self) -> str:
        """Start the child and wait until it answers; its URL."""
        import syncline

        # The child imports this very syncline (a checkout run through PYTHONPATH included).
        root = str(Path(syncline.__file__).resolve().parents[1])
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "syncline.local.moto_server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
            start_new_session=True,  # Ctrl-C reaches this process, which then stops the child
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()  # the port, once it listens; EOF if it died
        if not line.strip().isdigit():
            self._stop_server()
            raise RuntimeError(f"the local moto server did not start (said {line[:200]!r})")
        endpoint = f"http://127.0.0.1:{int(line)}"
        deadline = time.monotonic() + self.READY_SECONDS
        while True:
            try:
                if httpx.get(f"{endpoint}/moto-api/data.json", timeout=5).status_code == 200:
                    return endpoint
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self._process.poll() is not None:
                self._stop_server()
                raise RuntimeError("the local moto server did not answer")
            time.sleep(0.1)

    def _create(self) -> dict[str, str]:
        ddb = aws.client("dynamodb")
        for table in TABLES:
            ddb.create_table(**create_table_request(table, self.prefix))
            if table.ttl_attribute:
                ddb.update_time_to_live(
                    TableName=table.name(self.prefix),
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
                )
        sqs = aws.client("sqs")
        urls: dict[str, str] = {}
        arns: dict[str, str] = {}
        for queue in QUEUES:  # dead-letter queues come first in QUEUES
            dlq_arn = arns[queue.dead_letter.suffix] if queue.dead_letter else None
            url = sqs.create_queue(
                QueueName=queue.name(self.prefix), Attributes=create_queue_attributes(queue, dlq_arn)
            )["QueueUrl"]
            urls[queue.suffix] = url
            arns[queue.suffix] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
                "Attributes"
            ]["QueueArn"]
        bucket = f"{self.prefix}-exports"
        aws.client("s3").create_bucket(Bucket=bucket)
        # Alert emails go through moto's SES: a verified sender and a configuration set, as deployed.
        ses = aws.client("sesv2")
        ses.create_email_identity(EmailIdentity=ALERT_SENDER)
        ses.create_configuration_set(ConfigurationSetName=f"{self.prefix}-alerts")
        return {
            ENV["alert_sender"]: ALERT_SENDER,
            ENV["alert_configuration_set"]: f"{self.prefix}-alerts",
            ENV["config_table"]: f"{self.prefix}-config",
            ENV["syncs_table"]: f"{self.prefix}-syncs",
            ENV["sync_queue_url"]: urls["sync"],
            ENV["sync_dlq_url"]: urls["sync-dlq"],
            ENV["trigger_queue_url"]: urls["trigger"],
            ENV["health_queue_url"]: urls["health"],
            ENV["bucket"]: bucket,
            ENV["secrets_prefix"]: f"{self.prefix}/",
        }

    def _apply_env(self, env: dict[str, str]) -> None:
        for key, value in env.items():
            self._saved_env.setdefault(key, os.environ.get(key))
            os.environ[key] = value

    def stop(self) -> None:
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env.clear()
        wiring.reset()
        self._stop_server()

    def _stop_server(self) -> None:
        """Close the child's stdin (it stops), then SIGTERM, then SIGKILL, each given a while."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        for signal_it in (lambda: None, process.terminate, process.kill):
            signal_it()
            try:
                process.wait(timeout=15)
                break
            except subprocess.TimeoutExpired:
                continue
        if process.stdout is not None:
            process.stdout.close()

    def __enter__(self) -> Resources:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
