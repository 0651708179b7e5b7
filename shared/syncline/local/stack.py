"""The whole local stack in one object: AWS (moto), the demo shop and warehouse, a company group
with two connectors and a service, and the driver that plays the event sources."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syncline import aws, wiring
from syncline.aws import CallCounter
from syncline.local.aws import LocalAws, Resources
from syncline.local.demo_systems import DemoShop, DemoWarehouse
from syncline.local.driver import Driver, wait_until
from syncline.models import (
    AlertSettings,
    ConnectorConfig,
    Endpoint,
    NotificationGroup,
    Run,
    RunStatus,
    Service,
    ServiceSettings,
    Tenant,
)
from syncline.store import METER

TENANT = "demo"
SERVICE = "shop-orders-to-warehouse"
ALERT_GROUP = "demo-ops"
ALERT_RECIPIENT = "ops@example.com"


# What the demo warehouse wants: its own field names, line items mapped to lines.
DEMO_MAPPING: list[dict[str, Any]] = [
    {"source": "id", "target": "id", "required": True},
    {"source": "number", "target": "reference", "required": True},
    {"source": "email", "target": "customer.email", "transforms": [{"function": "lower"}]},
    {"source": "shipping_address.city", "target": "ship_to.city", "transforms": [{"function": "upper"}]},
    {"source": "shipping_address.country", "target": "ship_to.country"},
    {"source": "line_items[*].sku", "target": "lines[*].item_code"},
    {"source": "line_items[*].quantity", "target": "lines[*].quantity"},
    {"source": "currency", "target": "currency"},
    {"source": "total", "target": "total"},
]


@dataclass
class StackOptions:
    records: int = 1000
    fail_rate: float = 0.1
    permanent_failures: bool = True
    always_down: set[str] = field(default_factory=set)
    retry_base_seconds: int = 1
    retry_max_seconds: int = 4
    max_attempts: int = 5
    page_size: int = 100
    sync_concurrency: int = 4
    shop_rate_limit: float = 50.0
    # The warehouse's own limit (a leaky bucket answering 429 above it; None: none) and the
    # destination connector's `settings.rate_limit` (None: a budget well above the demo's pace).
    warehouse_rate_limit: float | None = None
    warehouse_burst: int = 10
    warehouse_budget: dict[str, Any] | None = None
    schedule: str = "rate(5 minutes)"
    filters: list[dict[str, Any]] = field(default_factory=list)
    mappings: list[dict[str, Any]] = field(default_factory=lambda: list(DEMO_MAPPING))
    payload_script: str | None = None
    # Pushes the warehouse accepts only after `slow_seconds` (past the client's timeout when
    # `push_timeout_seconds` is shorter): the client sees a timeout, the warehouse has the order.
    slow_rate: float = 0.0
    slow_seconds: float = 2.0
    fail_first_pushes: int = 0  # the warehouse refuses every order's first pushes (transient)
    push_timeout_seconds: float | None = None
    # Fire the reconciler this often (seconds), as its schedule would; None: only when asked.
    reconcile_every: float | None = None
    # Run the health check this often (seconds), as its fixed-rate rule would; None: only when asked.
    health_every: float | None = None
    # Run the alerts tick this often (seconds), as its one-minute rule would; None: only when asked.
    alerts_every: float | None = None
    # Where each alert email sent (through moto's SES) is also written as an .eml file.
    alert_eml_dir: Path | None = None
    # The sync queue's visibility timeout, when not the deployed one (set before any poller runs).
    sync_visibility_seconds: int | None = None
    # sync_item's timeout, when not the deployed one: a claim lasts as long as its invocation can,
    # so a second delivery of a record being pushed comes back after that.
    sync_timeout_seconds: float | None = None
    # More function settings (SYNCLINE_* variables), e.g. a shorter reconcile grace.
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class LocalStack:
    aws: Resources
    shop: DemoShop
    warehouse: DemoWarehouse
    driver: Driver
    options: StackOptions
    calls: CallCounter

    def fire(self, trigger: str = "schedule", **extra: Any) -> str:
        """Invoke the trigger; the run it opened (a scheduled pull that finds nothing opens none)."""
        run_id = self.pull(trigger, **extra)
        if run_id is None:
            raise AssertionError("the trigger opened no run: the pull found nothing")
        return run_id

    def pull(self, trigger: str = "schedule", **extra: Any) -> str | None:
        result = self.driver.fire(TENANT, SERVICE, trigger, **extra)
        run_id: str | None = result["runs"][0]["run_id"]
        return run_id

    def run(self, run_id: str, tenant_id: str = TENANT) -> Run:
        with aws.unobserved():
            run = wiring.sync_store().get_run(tenant_id, run_id)
        assert run is not None, run_id
        return run

    def wait_for_run(self, run_id: str, timeout: float = 300.0, progress: Any = None) -> Run:
        return self.wait_for_run_of(TENANT, run_id, timeout, progress)

    def wait_for_run_of(
        self, tenant_id: str, run_id: str, timeout: float = 300.0, progress: Any = None
    ) -> Run:
        def finished() -> bool:
            run = self.run(run_id, tenant_id)
            if progress is not None:
                progress(run)
            return run.status != RunStatus.RUNNING

        if not wait_until(finished, timeout, interval=0.5):
            raise TimeoutError(
                f"run {run_id} did not finish within {timeout:.0f} s: {self.run(run_id, tenant_id)}"
            )
        return self.run(run_id, tenant_id)

    def write_report(self, run_id: str, path: Path) -> int:
        """The run's report rows as CSV, in the same format as the API's export."""
        from syncline.reports import CSV_COLUMNS, csv_row

        path.parent.mkdir(parents=True, exist_ok=True)
        count = 0
        with aws.unobserved(), path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(CSV_COLUMNS)
            for item in wiring.sync_store().items_of_run(TENANT, SERVICE, run_id):
                writer.writerow(csv_row(item))
                count += 1
        return count

    def dlq_depth(self) -> int:
        from syncline.settings import settings

        with aws.unobserved():
            attrs = aws.client("sqs").get_queue_attributes(
                QueueUrl=settings().sync_dlq_url, AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"])


def seed(shop: DemoShop, warehouse: DemoWarehouse, options: StackOptions) -> None:
    from syncline.mapping import validate_rules

    problems = validate_rules(options.filters, options.mappings, options.payload_script)
    if problems:
        raise ValueError("invalid demo service rules: " + "; ".join(str(p) for p in problems))
    config = wiring.config_store()
    config.put_tenant(Tenant(tenant_id=TENANT, name="Demo company group"))
    config.put_notification_group(
        NotificationGroup(
            tenant_id=TENANT, group_id=ALERT_GROUP, name="Demo ops", recipients=[ALERT_RECIPIENT]
        )
    )
    for connector_id, name, server in (
        ("demo-shop", "Demo shop", shop),
        ("demo-warehouse", "Demo warehouse", warehouse),
    ):
        settings: dict[str, Any] = {"records_path": "data", "reference_field": "number", "check_path": "/"}
        if server is warehouse and options.push_timeout_seconds is not None:
            settings["timeout_seconds"] = options.push_timeout_seconds
        if server is shop:  # the shop answers 429 above its limit in any one-second window
            rate = min(1000.0, options.shop_rate_limit) / 2
            settings["rate_limit"] = {"requests_per_second": rate, "burst": max(1, int(rate / 4))}
        else:
            settings["rate_limit"] = options.warehouse_budget or {"requests_per_second": 1000, "burst": 1000}
        arn = wiring.store_credentials(TENANT, connector_id, {"token": server.token})
        config.put_connector(
            ConnectorConfig(
                tenant_id=TENANT,
                connector_id=connector_id,
                system="rest",
                name=name,
                base_url=server.url,
                credentials_secret_arn=arn,
                settings=settings,
            )
        )
    config.put_service(
        Service(
            tenant_id=TENANT,
            service_id=SERVICE,
            name="Shop orders to warehouse",
            schedule=options.schedule,
            source=Endpoint(connector_id="demo-shop", entity="orders"),
            destination=Endpoint(connector_id="demo-warehouse", entity="orders"),
            filters=options.filters,
            mappings=options.mappings,
            payload_script=options.payload_script,
            alerts=AlertSettings(enabled=True, groups=[ALERT_GROUP]),
            settings=ServiceSettings(
                max_attempts=options.max_attempts,
                page_size=options.page_size,
                retry_base_seconds=options.retry_base_seconds,
                retry_max_seconds=options.retry_max_seconds,
            ),
        )
    )


def _queue_visibility(env: dict[str, str], options: StackOptions) -> None:
    """Shorter visibility timeouts than the deployed ones, set before any poller runs: the sync
    queue's when asked, the trigger queue's from a shorter trigger timeout (6x, as deployed)."""
    from syncline.settings import ENV
    from syncline.tables import VISIBILITY_PER_TIMEOUT

    wanted = {ENV["sync_queue_url"]: options.sync_visibility_seconds}
    timeout = options.env.get(ENV["trigger_timeout_seconds"])
    if timeout:
        wanted[ENV["trigger_queue_url"]] = int(VISIBILITY_PER_TIMEOUT * float(timeout))
    for name, seconds in wanted.items():
        if seconds is not None:
            aws.client("sqs").set_queue_attributes(
                QueueUrl=env[name], Attributes={"VisibilityTimeout": str(seconds)}
            )


@contextmanager
def local_stack(options: StackOptions | None = None) -> Iterator[LocalStack]:
    """Start everything; stop every thread and server on the way out."""
    options = options or StackOptions()
    calls = CallCounter()
    local = LocalAws()
    shop = DemoShop(options.records, rate_limit=options.shop_rate_limit)
    warehouse = DemoWarehouse(
        fail_rate=options.fail_rate,
        permanent=options.permanent_failures,
        always_down=options.always_down,
        slow_rate=options.slow_rate,
        slow_seconds=options.slow_seconds,
        fail_first_pushes=options.fail_first_pushes,
        rate_limit=options.warehouse_rate_limit,
        rate_burst=options.warehouse_burst,
    )
    driver: Driver | None = None
    try:
        from syncline.settings import ENV

        env = dict(options.env)
        if options.alert_eml_dir is not None:
            env[ENV["alert_eml_dir"]] = str(options.alert_eml_dir)
        resources = local.start(env)
        shop.start()
        warehouse.start()
        seed(shop, warehouse, options)
        _queue_visibility(resources.env, options)
        aws.add_observer(calls)  # count from here on: the pipeline's calls, not the set-up's
        METER.write.clear()
        METER.read.clear()
        driver = Driver(
            resources.env,
            sync_concurrency=options.sync_concurrency,
            reconcile_every=options.reconcile_every,
            health_every=options.health_every,
            alerts_every=options.alerts_every,
        )
        if options.sync_timeout_seconds is not None:
            driver.sync.timeout_seconds = options.sync_timeout_seconds
        driver.start()
        yield LocalStack(
            aws=resources, shop=shop, warehouse=warehouse, driver=driver, options=options, calls=calls
        )
    finally:
        if driver is not None:
            driver.stop()
        aws.remove_observer(calls)
        shop.stop()
        warehouse.stop()
        local.stop()
