"""An embedded moto server on 127.0.0.1 with Syncline's tables, queues and bucket created from
the one shared definition (syncline.tables)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from typing import Any

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


def _speed_up_moto() -> None:
    """moto 5.2 recomputes every queue attribute (counting all messages) for each message it
    receives, which makes a receive O(queue depth) and a demo of 10,000 records O(n^2). Same
    semantics, O(1): compare the message's age with the queue's retention period."""
    import time as _time

    from moto.sqs import models

    # moto's clock goes through datetime objects; the queue code asks it once per message per call.
    def seconds(dt: Any = None) -> float:
        return float(dt.timestamp()) if dt is not None else _time.time()

    def millis(dt: Any = None) -> float:
        return seconds(dt) * 1000

    models.unix_time_millis = millis
    models.unix_time = seconds
    SQSBackend = models.SQSBackend

    def retained(self: Any, queue_name: str, message: Any) -> bool:
        queue = self.get_queue(queue_name)
        return bool(int(queue.message_retention_period) + message.sent_timestamp / 1000 > _time.time())

    SQSBackend.is_message_valid_based_on_retention_period = retained  # type: ignore[method-assign]


def _serialise_moto_dynamodb_writes() -> None:
    """DynamoDB applies each write to an item atomically; moto's threaded server does not lock,
    so two concurrent UpdateItems on one run row can interleave attribute by attribute and lose
    a counter delta (seen under CPU load: OK 1000 with Pending 10 left over). One lock around
    moto's item operations restores DynamoDB's per-item atomicity. Idempotent."""
    import functools
    import threading

    from moto.dynamodb.models import DynamoDBBackend

    if getattr(DynamoDBBackend, "_syncline_locked", False):
        return
    lock = threading.RLock()
    for name in ("put_item", "get_item", "update_item", "delete_item", "transact_write_items"):
        original = getattr(DynamoDBBackend, name)

        def locked(*args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return __original(*args, **kwargs)

        setattr(DynamoDBBackend, name, functools.wraps(original)(locked))
    DynamoDBBackend._syncline_locked = True  # type: ignore[attr-defined]


class LocalAws:
    """Starts moto on a free port, sets the process environment, creates the resources."""

    def __init__(self, prefix: str | None = None) -> None:
        self.prefix = prefix or f"syncline-{secrets.token_hex(3)}"
        self._server: Any = None
        self._saved_env: dict[str, str | None] = {}
        self.resources: Resources | None = None

    def start(self, extra_env: dict[str, str] | None = None) -> Resources:
        """`extra_env`: more SYNCLINE_* settings for the functions (set for the stack's lifetime)."""
        import logging

        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        _speed_up_moto()
        _serialise_moto_dynamodb_writes()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
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
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> Resources:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
