"""Fixtures of the report API tests: moto (mock_aws) with Syncline's tables, queues, bucket and
schedule group, an API client that sends API Gateway proxy events through the real report_api
handler, and company groups seeded directly through the store."""

from __future__ import annotations

import json
import os
import random
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from moto import mock_aws

from syncline import aws, wiring
from syncline.api_keys import create_key
from syncline.local.http import proxy_event, response_parts
from syncline.local.lambdas import invoke
from syncline.models import (
    ConnectorConfig,
    Endpoint,
    ErrorInfo,
    Run,
    RunStatus,
    Service,
    Status,
    SyncItem,
    Tenant,
    Totals,
    Trigger,
    new_run_id,
    sync_id_for,
    utcnow,
)
from syncline.settings import ENV
from syncline.tables import QUEUES, TABLES, create_queue_attributes, create_table_request

PREFIX = "apitest"
SCHEDULE_GROUP = "apitest-schedules"
TRIGGER_ARN = "arn:aws:lambda:us-east-1:123456789012:function:apitest-trigger"
SCHEDULER_ROLE = "arn:aws:iam::123456789012:role/apitest-scheduler"
SECRET_TOKEN = "tok-S3CR3T-value-0042"


@dataclass
class AwsEnv:
    env: dict[str, str]

    @property
    def sync_queue(self) -> str:
        return self.env[ENV["sync_queue_url"]]

    @property
    def trigger_queue(self) -> str:
        return self.env[ENV["trigger_queue_url"]]

    @property
    def bucket(self) -> str:
        return self.env[ENV["bucket"]]

    def drain(self, queue_url: str) -> list[dict[str, Any]]:
        sqs = aws.client("sqs")
        out: list[dict[str, Any]] = []
        while True:
            got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0)
            messages = got.get("Messages", [])
            if not messages:
                return out
            for m in messages:
                out.append(json.loads(m["Body"]))
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])


@pytest.fixture(scope="module")
def aws_env() -> Iterator[AwsEnv]:
    saved = dict(os.environ)
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    with mock_aws():
        wiring.reset()
        ddb = aws.client("dynamodb")
        for table in TABLES:
            ddb.create_table(**create_table_request(table, PREFIX))
        sqs = aws.client("sqs")
        urls: dict[str, str] = {}
        arns: dict[str, str] = {}
        for queue in QUEUES:
            dead_letter = arns[queue.dead_letter.suffix] if queue.dead_letter else None
            url = sqs.create_queue(
                QueueName=queue.name(PREFIX), Attributes=create_queue_attributes(queue, dead_letter)
            )
            urls[queue.suffix] = url["QueueUrl"]
            arns[queue.suffix] = sqs.get_queue_attributes(
                QueueUrl=url["QueueUrl"], AttributeNames=["QueueArn"]
            )["Attributes"]["QueueArn"]
        aws.client("s3").create_bucket(Bucket=f"{PREFIX}-exports")
        aws.client("scheduler").create_schedule_group(Name=SCHEDULE_GROUP)
        env = {
            ENV["config_table"]: f"{PREFIX}-config",
            ENV["syncs_table"]: f"{PREFIX}-syncs",
            ENV["sync_queue_url"]: urls["sync"],
            ENV["sync_dlq_url"]: urls["sync-dlq"],
            ENV["trigger_queue_url"]: urls["trigger"],
            ENV["health_queue_url"]: urls["health"],
            ENV["bucket"]: f"{PREFIX}-exports",
            ENV["secrets_prefix"]: f"{PREFIX}/",
            ENV["schedule_group"]: SCHEDULE_GROUP,
            ENV["trigger_function_arn"]: TRIGGER_ARN,
            ENV["scheduler_role_arn"]: SCHEDULER_ROLE,
        }
        os.environ.update(env)
        wiring.reset()
        try:
            yield AwsEnv(env=env)
        finally:
            os.environ.clear()
            os.environ.update(saved)
            wiring.reset()


# ---------------------------------------------------------------------------------- the client


@dataclass
class Resp:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)

    def reads(self) -> dict[str, int]:
        return dict(json.loads(self.headers["x-syncline-reads"]))


class Api:
    """Sends API Gateway REST proxy events through functions/report_api/handler.py."""

    def __init__(self, key: str | None) -> None:
        self.key = key
        self.bodies: list[str] = []  # every response body, for "never in any response" checks
        self.first_page: dict[str, Any] = {}  # the first page of the last `pages` call

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | Sequence[tuple[str, str]] | None = None,
        body: Any = None,
        raw_body: str | None = None,
        headers: Mapping[str, str] | None = None,
        key: str | None | bool = True,
    ) -> Resp:
        pairs: list[tuple[str, str]] = []
        if isinstance(query, Mapping):
            for name, value in query.items():
                values = value if isinstance(value, list | tuple) else [value]
                pairs += [(name, str(v)) for v in values]
        elif query:
            pairs = list(query)
        sent = {"Content-Type": "application/json", **(headers or {})}
        api_key = self.key if key is True else key
        if isinstance(api_key, str):
            sent["x-api-key"] = api_key
        text = raw_body if raw_body is not None else (json.dumps(body) if body is not None else None)
        event = proxy_event(method, path, query=pairs, headers=sent, body=text)
        status, out_headers, out_body = response_parts(invoke("report_api", event, timeout_seconds=29))
        self.bodies.append(out_body.decode("utf-8", "replace"))
        return Resp(status=status, headers={k.lower(): v for k, v in out_headers}, body=out_body)

    def get(self, path: str, **kwargs: Any) -> Resp:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Resp:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Resp:
        return self.request("PATCH", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Resp:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Resp:
        return self.request("DELETE", path, **kwargs)

    def pages(self, path: str, query: Mapping[str, Any]) -> tuple[list[dict[str, Any]], dict[str, int], int]:
        """Every item over every page; the summed read figures; the page count."""
        items: list[dict[str, Any]] = []
        reads: dict[str, int] = {}
        cursor: str | None = None
        pages = 0
        while True:
            q = dict(query) | ({"cursor": cursor} if cursor else {})
            resp = self.get(path, query=q)
            assert resp.status == 200, resp.text
            pages += 1
            page = resp.json()
            if pages == 1:
                self.first_page = page
            items += page["items"]
            for name, value in resp.reads().items():
                reads[name] = reads.get(name, 0) + value
            cursor = page["next_cursor"]
            if not cursor:
                return items, reads, pages
            assert pages < 500


# ---------------------------------------------------------------------------------- company groups


@dataclass
class Group:
    """A seeded company group: its connectors, services, runs and items, and an API client."""

    tenant_id: str
    api: Api
    services: dict[str, Service] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)
    items: list[SyncItem] = field(default_factory=list)

    def by_id(self) -> dict[str, SyncItem]:
        return {i.sync_id: i for i in self.items}


CONNECTORS = (
    ("shop", "shopify", "https://shop.example.com"),
    ("wh", "rest", "https://wh.example.com"),
    ("erp", "magento2", "https://erp.example.com"),
)
SERVICES = (
    ("orders", "shop", "orders", "wh", "orders"),
    ("products", "shop", "products", "erp", "products"),
    ("stock", "erp", "stock", "shop", "stock"),
)


def new_group(prefix: str = "grp") -> Group:
    tenant_id = f"{prefix}-{uuid.uuid4().hex[:8]}"
    config = wiring.config_store()
    config.put_tenant(Tenant(tenant_id=tenant_id, name=f"Group {tenant_id}"))
    for connector_id, system, url in CONNECTORS:
        arn = wiring.store_credentials(tenant_id, connector_id, {"token": SECRET_TOKEN})
        config.put_connector(
            ConnectorConfig(
                tenant_id=tenant_id,
                connector_id=connector_id,
                system=system,
                name=connector_id.title(),
                base_url=url,
                credentials_secret_arn=arn,
            )
        )
    group = Group(tenant_id=tenant_id, api=Api(create_key(tenant_id)))
    for service_id, src, src_entity, dst, dst_entity in SERVICES:
        service = Service(
            tenant_id=tenant_id,
            service_id=service_id,
            name=f"{service_id.title()} sync",
            source=Endpoint(connector_id=src, entity=src_entity),
            destination=Endpoint(connector_id=dst, entity=dst_entity),
            active=False,
        )
        config.put_service(service)
        group.services[service_id] = service
    return group


SYSTEM_OF = {c[0]: c[1] for c in CONNECTORS}
STATUS_WEIGHTS = ((Status.OK, 75), (Status.FAILED, 10), (Status.PENDING, 5), (Status.SENT, 10))


def seed_items(
    group: Group,
    *,
    runs_per_service: int = 12,
    items_per_run: int = 10,
    days: float = 8.0,
    seed: int = 1,
    now: datetime | None = None,
) -> None:
    """Runs spread evenly over the last `days`, each with items of every status; run totals equal
    their items' statuses. Written with BatchWriteItem (25 a call)."""
    rng = random.Random(seed)
    now = now or utcnow()
    syncs = wiring.sync_store()
    statuses = [s for s, w in STATUS_WEIGHTS for _ in range(w)]
    rows: list[dict[str, Any]] = []
    counter = len(group.items)
    for service in group.services.values():
        for r in range(runs_per_service):
            started = (
                now
                - timedelta(days=days)
                + timedelta(days=days) * (r + rng.random() * 0.5) / runs_per_service
            )
            run = Run(
                tenant_id=group.tenant_id,
                run_id=new_run_id(started),
                service_id=service.service_id,
                trigger=Trigger.SCHEDULE,
                started_at=started,
                pull_done=True,
            )
            counts: Counter[str] = Counter()
            for n in range(items_per_run):
                counter += 1
                status = rng.choice(statuses)
                updated = started + timedelta(seconds=rng.randint(1, 1200))
                source_id = f"src-{counter:05d}"
                item = SyncItem(
                    tenant_id=group.tenant_id,
                    sync_id=sync_id_for(service.service_id, source_id, f"{group.tenant_id}-{r}-{n}"),
                    run_id=run.run_id,
                    service_id=service.service_id,
                    source_system=SYSTEM_OF[service.source.connector_id],
                    source_entity=service.source.entity,
                    destination_system=SYSTEM_OF[service.destination.connector_id],
                    destination_entity=service.destination.entity,
                    reference=f"#{1000 + counter}",
                    source_id=source_id,
                    endpoint_id=f"end-{counter:05d}" if status in (Status.OK, Status.SENT) else None,
                    status=status,
                    attempts=1 if status != Status.PENDING else 0,
                    last_error=ErrorInfo(code="rejected", message="=bad postcode")
                    if status == Status.FAILED
                    else None,
                    created_at=started,
                    updated_at=updated,
                    payload={"id": source_id, "number": 1000 + counter}
                    if status in (Status.FAILED, Status.PENDING)
                    else None,
                )
                counts[status.value] += 1
                group.items.append(item)
                rows.append(syncs.item_row(item))
            totals = Totals.model_validate(dict(counts))
            run.totals = totals
            run.status = (
                RunStatus.RUNNING if totals.Pending else (RunStatus.FAILED if totals.Failed else RunStatus.OK)
            )
            syncs.create_run(run)
            group.runs.append(run)
    syncs._batch_write(rows)
