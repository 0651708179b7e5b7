"""The connectors the conformance suite runs, each with its fake and its dialect's expectations."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syncline.connectors import Connector, build_connector
from syncline.connectors.timeutil import to_iso
from tests.fakes.bigcommerce import FakeBigCommerce
from tests.fakes.http import FakeServer, moment
from tests.fakes.magento2 import FakeMagento2
from tests.fakes.rest import FakeRest
from tests.fakes.sftp import FakeSftpServer
from tests.fakes.shopify import FakeShopify
from tests.fakes.woocommerce import FakeWooCommerce

N = 7
Build = Callable[..., Connector]
VERSIONS = [to_iso(moment(i)) for i in range(N)]


@dataclass
class Repeats:
    """Repeatable pushes of one entity, each with an idempotency key and `ambiguous=True`: a new
    create pushed twice, a create of a record the fake already has, an update by id."""

    entity: str
    count: Callable[[Any], int]  # records of `entity` the fake holds (SFTP: files dropped)
    new: dict[str, Any]
    existing: tuple[dict[str, Any], str] | None = None  # a create the fake already has, and its id
    update: dict[str, Any] | None = None
    settings: dict[str, Any] = field(default_factory=dict)  # for `existing`/`update` (rest: a lookup)


@dataclass
class Case:
    id: str
    system: str
    start: Callable[[Path], Any]  # tmp_path -> a started fake
    credentials: Callable[[Any], dict[str, str]]
    settings: Callable[[Any], dict[str, Any]]
    pull_entity: str
    ids: list[str]
    push_samples: dict[str, dict[str, Any]]
    invalid: tuple[str, dict[str, Any]]  # a push the system rejects as invalid
    validation_message: str
    wrong_credentials: Callable[[dict[str, str]], dict[str, str]]
    auth_message: str
    pull_path: str  # regex of the path a pull must reach (HTTP) or folder it lists (SFTP)
    secret_fields: tuple[str, ...]
    timezone: str = "UTC"
    date_format: str = "%Y-%m-%dT%H:%M:%S%z"
    http: bool = True
    versions: list[str] = field(default_factory=lambda: list(VERSIONS))
    fault_path: str | None = None  # restrict injected faults to this path regex (skip token endpoints)
    trigger_validation: Callable[[Connector, Any], None] | None = None
    since_marker: str | None = None  # text a request must carry when a pull has a since cursor
    covers_all_pushes: bool = True  # push_samples holds every entity the connector can push
    repeats: Repeats | None = None

    def __str__(self) -> str:
        return self.id


def _http(fake: FakeServer) -> FakeServer:
    return fake.start()


def _seed_sftp(tmp: Path) -> FakeSftpServer:
    fake = FakeSftpServer(tmp / "sftp-root").start()
    rows = [{"id": f"S{i}", "ref": f"SO-{i}", "updated_at": VERSIONS[i], "qty": i} for i in range(N)]
    mtime = [moment(i).timestamp() for i in range(N)]
    csv_lines = ["id,ref,updated_at,qty"] + [
        f"{r['id']},{r['ref']},{r['updated_at']},{r['qty']}" for r in rows[:3]
    ]
    fake.write("inbound/orders/a-first.csv", "\n".join(csv_lines) + "\n", mtime=mtime[2])
    fake.write("inbound/orders/b-second.json", json.dumps(rows[3:5]), mtime=mtime[4])
    fake.write(
        "inbound/orders/c-third.jsonl", "\n".join(json.dumps(r) for r in rows[5:]) + "\n", mtime=mtime[6]
    )
    fake.write("inbound/orders/.hidden.json", "not json", mtime=mtime[6])
    fake.write("inbound/orders/upload.json.part", "{", mtime=mtime[6])
    return fake


def _sftp_bad_file(connector: Connector, fake: Any) -> None:
    fake.write("inbound/orders/d-broken.json", '{"id": "X", ', mtime=moment(N).timestamp())
    connector.pull("orders", None, None, 100)


def _wrong(field_name: str) -> Callable[[dict[str, str]], dict[str, str]]:
    def change(creds: dict[str, str]) -> dict[str, str]:
        return {**creds, field_name: "wrong_" + creds[field_name][::-1]}

    return change


FAST = {"requests_per_second": 200.0, "burst": 50}


def _rest_repeats(prefix: str) -> Repeats:
    return Repeats(
        entity="orders",
        count=lambda fake: len(fake.created),
        new={"name": "new order", "number": "R-9001"},
        existing=({"name": "again", "number": "R-1003"}, "o2"),
        update={"id": "o1", "name": "changed", "number": "R-1002"},
        settings={  # no idempotency header: a lookup by number instead
            "idempotency_header": None,
            "lookup_path": prefix + "/{entity}",
            "lookup_param": "number",
            "lookup_field": "number",
            "update_path": prefix + "/{entity}/{id}",
        },
    )


def _sftp_files(fake: Any) -> int:
    return len([p for p in fake.path("outbound/orders").glob("*") if not p.name.startswith(".")])


CASES = [
    Case(
        id="rest",
        since_marker="updated_since=2024-03-01T11:00:00.000Z",
        system="rest",
        start=lambda tmp: _http(FakeRest("cursor")),
        credentials=lambda fake: {"token": fake.token},
        settings=lambda fake: {},  # the defaults the local demo relies on
        pull_entity="orders",
        ids=[f"o{i}" for i in range(N)],
        push_samples={
            e: {"name": f"new {e}"} for e in ("orders", "products", "inventory", "customers", "fulfilments")
        },
        invalid=("products", {"sku": "no-name"}),
        validation_message="Validation failed: name is required",
        wrong_credentials=_wrong("token"),
        auth_message="The access token is missing, expired or invalid",
        pull_path=r"^/orders$",
        secret_fields=("token",),
        repeats=_rest_repeats(""),
    ),
    Case(
        id="rest-oauth2-link",
        since_marker="updated_since=2024-03-01 06:00:00",
        system="rest",
        start=lambda tmp: _http(FakeRest("link")),
        credentials=lambda fake: {"client_id": fake.client_id, "client_secret": fake.client_secret},
        settings=lambda fake: {
            "auth": "oauth2",
            "token_url": f"{fake.origin}/oauth/token",
            "paginator": "link",
            "page_size_param": "per_page",
            "pull_path": "/api/{entity}",
            "push_path": "/api/{entity}",
            "records_path": "",
            "updated_field": "modified",
            "reference_field": "number",
            "since_format": "local",
            "check_path": "/api/",
        },
        timezone="America/New_York",
        date_format="%Y-%m-%d %H:%M:%S",
        pull_entity="orders",
        ids=[f"o{i}" for i in range(N)],
        push_samples={
            e: {"name": f"new {e}"} for e in ("orders", "products", "inventory", "customers", "fulfilments")
        },
        invalid=("orders", {"number": "no-name"}),
        validation_message="name is required",
        wrong_credentials=_wrong("client_secret"),
        auth_message="Client authentication failed",
        pull_path=r"^/api/orders$",
        secret_fields=("client_secret",),
        fault_path=r"^/api/",
        repeats=_rest_repeats("/api"),
    ),
    Case(
        id="shopify",
        since_marker="updated_at:>='2024-03-01T11:00:00Z'",
        system="shopify",
        start=lambda tmp: _http(FakeShopify()),
        credentials=lambda fake: {"access_token": fake.access_token},
        settings=lambda fake: {},
        pull_entity="products",
        ids=[f"gid://shopify/Product/{800 + i}" for i in range(N)],
        push_samples={
            "products": {"title": "New product", "vendor": "Syncline"},
            "inventory": {
                "inventory_item_id": "gid://shopify/InventoryItem/601",
                "location_id": "gid://shopify/Location/1",
                "delta": 3,
            },
            "fulfilments": {
                "fulfillment_order_id": 9001,
                "tracking_number": "1Z999",
                "tracking_company": "UPS",
            },
        },
        invalid=("products", {"vendor": "no title"}),
        validation_message="title: Title can't be blank",
        wrong_credentials=_wrong("access_token"),
        auth_message="[API] Invalid API key or access token",
        pull_path=r"^/admin/api/2026-10/graphql\.json$",
        secret_fields=("access_token",),
        repeats=Repeats(
            entity="products",
            count=lambda fake: sum(1 for name, _ in fake.mutations if name == "productCreate"),
            new={"title": "New product", "handle": "new-product"},
            existing=({"title": "Product 2", "handle": "product-2"}, "gid://shopify/Product/802"),
            update={"id": "gid://shopify/Product/801", "title": "Changed", "handle": "product-1"},
        ),
    ),
    Case(
        id="woocommerce",
        since_marker="modified_after=2024-03-01T10:59:59",
        system="woocommerce",
        start=lambda tmp: _http(FakeWooCommerce()),
        credentials=lambda fake: {"consumer_key": fake.consumer_key, "consumer_secret": fake.consumer_secret},
        settings=lambda fake: dict(FAST),
        timezone="Europe/Berlin",
        pull_entity="orders",
        ids=[str(100 + i) for i in range(N)],
        push_samples={
            "orders": {"status": "processing", "line_items": []},
            "products": {"name": "New product", "status": "publish"},
            "customers": {"email": "new@example.com"},
            "inventory": {"sku": "SKU-2", "stock_quantity": 9},
            "fulfilments": {"order_id": 101},
        },
        invalid=("products", {"name": "Bad", "status": "bogus"}),
        validation_message="Invalid parameter(s): status (status: status is not one of draft",
        wrong_credentials=_wrong("consumer_secret"),
        auth_message="Consumer secret is invalid.",
        pull_path=r"^/wp-json/wc/v3/orders$",
        secret_fields=("consumer_key", "consumer_secret"),
        repeats=Repeats(
            entity="customers",
            count=lambda fake: len(fake.store["customers"]),
            new={"email": "new.customer@example.com"},
            existing=({"email": "C2@Example.com"}, "302"),
            update={"id": 301, "email": "c1@example.com", "first_name": "Changed"},
        ),
    ),
    Case(
        id="woocommerce-query-auth",
        since_marker="modified_after=2024-03-01T10:59:59",
        covers_all_pushes=False,
        system="woocommerce",
        start=lambda tmp: _http(FakeWooCommerce()),
        credentials=lambda fake: {"consumer_key": fake.consumer_key, "consumer_secret": fake.consumer_secret},
        settings=lambda fake: {**FAST, "auth_in_query": True},
        pull_entity="products",
        ids=[str(200 + i) for i in range(N)],
        push_samples={"products": {"name": "New product"}, "inventory": {"id": 201, "stock_quantity": 1}},
        invalid=("products", {"name": "Bad", "status": "bogus"}),
        validation_message="status is not one of",
        wrong_credentials=_wrong("consumer_key"),
        auth_message="Consumer key is invalid.",
        pull_path=r"^/wp-json/wc/v3/products$",
        secret_fields=("consumer_key", "consumer_secret"),
        repeats=Repeats(  # orders: no unique field; the push's key in a meta entry decides
            entity="orders",
            count=lambda fake: len(fake.store["orders"]),
            new={"status": "processing", "billing": {"email": "buyer@example.com"}},
            update={"id": 101, "status": "completed"},
        ),
    ),
    Case(
        id="bigcommerce",
        since_marker="date_modified:min=2024-03-01T11:00:00Z",
        system="bigcommerce",
        start=lambda tmp: _http(FakeBigCommerce()),
        credentials=lambda fake: {"access_token": fake.access_token},
        settings=lambda fake: dict(FAST),
        pull_entity="products",
        ids=[str(10 + i) for i in range(N)],
        push_samples={
            "products": {"name": "New", "type": "physical", "weight": 1, "price": 5},
            "customers": {"email": "new@example.com", "first_name": "New", "last_name": "Customer"},
            "orders": {
                "products": [{"name": "Thing", "quantity": 1, "price_inc_tax": 5, "price_ex_tax": 5}],
                "billing_address": {"first_name": "Ada", "email": "ada@example.com", "zip": "10115"},
            },
            "inventory": {"location_id": 1, "sku": "BC-1", "quantity": 4},
            "fulfilments": {
                "order_id": 31,
                "order_address_id": 1,
                "items": [{"order_product_id": 1, "quantity": 1}],
            },
        },
        invalid=("products", {"name": "Incomplete"}),
        validation_message="type: error.path.missing[type]",
        wrong_credentials=_wrong("access_token"),
        auth_message="You are not authorized to access this resource.",
        pull_path=r"^/stores/abc123/v3/catalog/products$",
        secret_fields=("access_token",),
        repeats=Repeats(
            entity="products",
            count=lambda fake: len(fake.products),
            new={"name": "New", "type": "physical", "weight": 1, "price": 5, "sku": "BC-NEW"},
            existing=(
                {"name": "Product 2", "type": "physical", "weight": 1, "price": 5, "sku": "BC-2"},
                "12",
            ),
            update={"id": 11, "sku": "BC-1", "name": "Changed"},
        ),
    ),
    Case(
        id="magento2",
        since_marker="[value]=2024-03-01 11:00:00",
        system="magento2",
        start=lambda tmp: _http(FakeMagento2()),
        credentials=lambda fake: {"access_token": fake.access_token},
        settings=lambda fake: dict(FAST),
        timezone="Europe/Paris",  # Magento's times are UTC whatever the connector's zone
        pull_entity="products",
        ids=[str(50 + i) for i in range(N)],
        push_samples={
            "products": {"sku": "NEW-1", "name": "New", "price": 5, "attribute_set_id": 4},
            "customers": {"email": "new@example.com", "firstname": "New", "lastname": "Customer"},
            "inventory": {"sku": "MG-1", "quantity": 3},
            "fulfilments": {"order_id": 41, "items": [{"order_item_id": 1, "qty": 1}], "notify": False},
        },
        invalid=("products", {"sku": "NEW-2", "price": 1}),
        validation_message='The "name" attribute value is empty. Set the attribute and try again.',
        wrong_credentials=_wrong("access_token"),
        auth_message="The consumer isn't authorized to access Magento_Sales::actions_view.",
        pull_path=r"^/rest/default/V1/products$",
        secret_fields=("access_token",),
        repeats=Repeats(
            entity="customers",
            count=lambda fake: len(fake.store["customers"]),
            new={"email": "new@example.com", "firstname": "New", "lastname": "Customer"},
            existing=({"email": "m2@example.com", "firstname": "M", "lastname": "Two"}, "62"),
            update={"id": 61, "email": "m1@example.com", "firstname": "Changed"},
        ),
    ),
    Case(
        id="sftp",
        system="sftp",
        start=_seed_sftp,
        credentials=lambda fake: fake.credentials(),
        settings=lambda fake: {"host_key": fake.host_key_line, "reference_field": "ref"},
        pull_entity="orders",
        ids=[f"S{i}" for i in range(N)],
        push_samples={
            e: {"id": f"{e}-1", "value": 1}
            for e in ("orders", "products", "inventory", "customers", "fulfilments")
        },
        invalid=("orders", {}),
        validation_message="d-broken.json cannot be read",
        wrong_credentials=_wrong("password"),
        auth_message="authentication failed",
        pull_path=r"inbound/orders$",
        secret_fields=("password",),
        http=False,
        trigger_validation=_sftp_bad_file,
        repeats=Repeats(entity="orders", count=_sftp_files, new={"id": "A-1", "value": 1}),
    ),
]


def build(
    built: list[Connector], system: str, fake: Any, credentials: dict[str, str], **settings: Any
) -> Any:
    """A `system` connector against `fake`, added to `built` (the fixture closes it)."""
    connector = build_connector(
        system, base_url=fake.url, credentials=credentials, settings=settings, connector_id=uuid.uuid4().hex
    )
    built.append(connector)
    return connector
