"""Every request each connector can make, checked against the vendor's own API description.

Each connector pulls every entity it can pull (from the start, since a cursor, a second page,
one record by id) and pushes every entity it can push (a create, an update by id, an ambiguous
create that looks up first) against its fake. The fakes check each request against the vendor's
spec (tests/fakes/specs.py; Shopify: the GraphQL schema of the version in the path, with
graphql-core, variables included) and refuse what breaks it, so this test fails when a connector
sends a path, method, parameter, body field or GraphQL field the vendor does not document. A
pushable entity without samples here fails the test, so a new one cannot ship unchecked.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from syncline.connectors import RefetchUnsupported, build_connector
from tests.fakes.bigcommerce import FakeBigCommerce
from tests.fakes.magento2 import FakeMagento2
from tests.fakes.shopify import FakeShopify
from tests.fakes.woocommerce import FakeWooCommerce

KEY = "5b1d0c7e9f2a4c6e8a0b1c2d"
SINCE = "2024-03-01T11:00:00+00:00"
FAST = {"requests_per_second": 500.0, "burst": 100}

SHOPIFY_PUSHES: dict[str, list[dict[str, Any]]] = {
    "products": [
        {"title": "New product", "handle": "new-product", "vendor": "Syncline"},
        {"id": "gid://shopify/Product/801", "title": "Changed"},
    ],
    "inventory": [
        {"inventory_item_id": 601, "location_id": 1, "available": 7},
        {"inventory_item_id": 602, "location_id": 2, "delta": -1},
    ],
    "fulfilments": [
        {
            "fulfillment_order_id": 9001,
            "line_items": [{"id": 1, "quantity": 1}],
            "tracking_number": "1Z999",
            "tracking_company": "UPS",
            "tracking_url": "https://ups.example/1Z999",
        }
    ],
}
PUSHES: dict[str, dict[str, list[dict[str, Any]]]] = {
    "shopify-2025-10": SHOPIFY_PUSHES,
    "shopify-2026-10": SHOPIFY_PUSHES,
    "bigcommerce": {
        "products": [
            {"name": "New", "type": "physical", "weight": 1, "price": 5, "sku": "BC-NEW"},
            {"id": 11, "name": "Changed", "price": 6},
        ],
        "customers": [
            {"email": "new@example.com", "first_name": "Ada", "last_name": "Lovelace"},
            {"id": 21, "first_name": "Changed"},
        ],
        "orders": [
            {
                "external_order_id": "EXT-9",
                "status_id": 11,
                "billing_address": {"first_name": "Ada", "email": "ada@example.com", "zip": "10115"},
                "products": [{"name": "Thing", "quantity": 1, "price_inc_tax": 5, "price_ex_tax": 5}],
            },
            {"id": 31, "status_id": 10},
        ],
        "inventory": [{"location_id": 1, "sku": "BC-1", "quantity": 4}],
        "fulfilments": [
            {
                "order_id": 31,
                "order_address_id": 1,
                "tracking_number": "TN-1",
                "items": [{"order_product_id": 1, "quantity": 1}],
            }
        ],
    },
    "magento2": {
        "products": [
            {"sku": "MG-NEW", "name": "New", "attribute_set_id": 4, "price": 5, "type_id": "simple"},
            {"sku": "MG-1", "name": "Changed"},
        ],
        "customers": [
            {"email": "new@example.com", "firstname": "Ada", "lastname": "Lovelace"},
            {"id": 61, "firstname": "Changed"},
        ],
        "inventory": [{"sku": "MG-1", "quantity": 3}],
        "fulfilments": [
            {
                "order_id": 41,
                "items": [{"order_item_id": 1, "qty": 1}],
                "tracks": [{"track_number": "TN-1", "carrier_code": "ups", "title": "UPS"}],
            }
        ],
    },
    "woocommerce": {
        "orders": [
            {"status": "processing", "billing": {"email": "buyer@example.com"}, "line_items": []},
            {"id": 101, "status": "completed"},
        ],
        "products": [
            {"name": "New", "type": "simple", "status": "publish", "sku": "WC-NEW", "regular_price": "5"},
            {"id": 201, "name": "Changed"},
        ],
        "customers": [
            {"email": "new@example.com", "first_name": "Ada", "last_name": "Lovelace"},
            {"id": 301, "first_name": "Changed"},
        ],
        "inventory": [{"sku": "SKU-1", "stock_quantity": 5}, {"product_id": 201, "quantity": 2}],
        "fulfilments": [{"order_id": 101}],
    },
}


def start(case: str) -> tuple[Any, str, dict[str, str], dict[str, Any]]:
    """(started fake, system, credentials, settings)."""
    if case.startswith("shopify"):
        fake: Any = FakeShopify().start()
        return fake, "shopify", {"access_token": fake.access_token}, {"api_version": case[len("shopify-") :]}
    if case == "bigcommerce":
        fake = FakeBigCommerce().start()
        return fake, case, {"access_token": fake.access_token}, {}
    if case == "magento2":
        fake = FakeMagento2().start()
        return fake, case, {"access_token": fake.access_token}, {}
    fake = FakeWooCommerce().start()
    return fake, case, {"consumer_key": fake.consumer_key, "consumer_secret": fake.consumer_secret}, {}


def pull_since(connector: Any, entity: str) -> list[Any]:
    """The records changed since SINCE, page by page (a page may be empty: filtered after reading)."""
    records, page = [], None
    for _ in range(10):
        got = connector.pull(entity, SINCE, page, 2)
        records += got.records
        page = got.next_page
        if page is None:
            break
    return records


@pytest.mark.parametrize("case", list(PUSHES))
def test_every_request_the_connector_can_make_is_as_the_vendor_documents(case: str) -> None:
    fake, system, credentials, settings = start(case)
    connector = build_connector(
        system,
        base_url=fake.url,
        credentials=credentials,
        settings={**FAST, **settings},
        connector_id=uuid.uuid4().hex,
    )
    try:
        connector.check()
        directions = connector.entity_directions()
        pushable = {entity for entity, dirs in directions.items() if "push" in dirs}
        assert pushable == set(PUSHES[case]), "every pushable entity needs samples here"
        for entity, dirs in directions.items():
            if "pull" in dirs:
                first = connector.pull(entity, None, None, 2)
                assert first.records and first.next_page, entity
                connector.pull(entity, None, first.next_page, 2)
                assert pull_since(connector, entity), entity
                try:
                    assert connector.fetch_one(entity, first.records[0].source_id) is not None, entity
                except RefetchUnsupported:
                    pass
            for record in PUSHES[case].get(entity, []):
                connector.push(entity, dict(record), idempotency_key=KEY, ambiguous=True)
        assert not fake.spec_problems, "\n".join(fake.spec_problems)
        if fake.spec is not None:  # the answers too: documented status codes, bodies of the schema
            answered = [
                f"{r.method} {r.path}: {problem}"
                for r, a in fake.answers
                for problem in fake.spec.response_problems(r.method, r.path, a.status, a.body)
            ]
            assert not answered, "\n".join(answered)
    finally:
        connector.close()
        fake.stop()
