"""Requests the vendors' specs refuse, fixed (issue 18): each test failed before its fix."""

from __future__ import annotations

from typing import Any

import pytest

from syncline.connectors import Connector, PermanentError
from syncline.connectors.shopify import DEFAULT_API_VERSION, ShopifySettings
from tests.fakes.bigcommerce import FakeBigCommerce
from tests.fakes.magento2 import FakeMagento2
from tests.fakes.shopify import FakeShopify
from tests.fakes.woocommerce import FakeWooCommerce
from tests.integration.connectors import cases

FAST = {"requests_per_second": 200.0, "burst": 50}
KEY = "65f0c3a9e1b2d4c6e8a0b1c2"


def build(
    built: list[Connector], system: str, fake: Any, credentials: dict[str, str], **settings: Any
) -> Any:
    """A connector against `fake`, fast enough not to wait on its rate budget."""
    return cases.build(built, system, fake, credentials, **{**FAST, **settings})


def test_bigcommerce_updates_leave_out_the_id_the_update_schemas_lack(built: list[Connector]) -> None:
    with FakeBigCommerce() as fake:
        connector = build(built, "bigcommerce", fake, {"access_token": fake.access_token})
        assert connector.push("products", {"id": 11, "name": "Changed"}).endpoint_id == "11"
        assert connector.push("orders", {"id": 31, "status_id": 11}).endpoint_id == "31"
        bodies = [r.json() for r in fake.calls("PUT")]
        assert bodies == [{"name": "Changed"}, {"status_id": 11}]
        assert fake.spec_problems == []


def test_bigcommerce_new_order_without_billing_address_is_refused_before_sending(
    built: list[Connector],
) -> None:
    with FakeBigCommerce() as fake:
        connector = build(built, "bigcommerce", fake, {"access_token": fake.access_token})
        with pytest.raises(PermanentError, match="billing_address"):
            connector.push("orders", {"products": [{"name": "Thing", "quantity": 1}]})
        assert fake.calls("POST") == []


def test_woocommerce_updates_leave_out_the_read_only_id(built: list[Connector]) -> None:
    with FakeWooCommerce() as fake:
        credentials = {"consumer_key": fake.consumer_key, "consumer_secret": fake.consumer_secret}
        connector = build(built, "woocommerce", fake, credentials)
        for entity, ident in (("orders", 101), ("products", 201), ("customers", 301)):
            assert connector.push(entity, {"id": ident, "meta_data": []}).endpoint_id == str(ident)
        assert [r.json() for r in fake.calls("PUT")] == [{"meta_data": []}] * 3
        assert fake.spec_problems == []


def test_magento_customer_update_sends_a_whole_customer(built: list[Connector]) -> None:
    with FakeMagento2() as fake:
        connector = build(built, "magento2", fake, {"access_token": fake.access_token})
        assert connector.push("customers", {"id": 61, "firstname": "Changed"}).endpoint_id == "61"
        sent = fake.calls("PUT")[-1].json()["customer"]
        assert sent["firstname"] == "Changed"
        assert (sent["email"], sent["lastname"]) == ("m1@example.com", "Customer 1")
        assert fake.spec_problems == []


def test_magento_searches_use_the_swaggers_filter_groups(built: list[Connector]) -> None:
    with FakeMagento2() as fake:
        connector = build(built, "magento2", fake, {"access_token": fake.access_token})
        page = connector.pull("customers", "2024-03-01T12:00:00+00:00", None, 50)
        assert [r.source_id for r in page.records] == ["64", "65", "66"]
        assert fake.spec_problems == []


def test_shopify_defaults_to_a_supported_version(built: list[Connector]) -> None:
    # Supported on 2026-12-01: 2026-01, 2026-04, 2026-07, 2026-10 (each for 12 months).
    assert ShopifySettings().api_version == DEFAULT_API_VERSION == "2026-10"
    with pytest.raises(ValueError):
        ShopifySettings(api_version="2026-05")  # versions are quarterly


def test_shopify_customers_read_the_default_email_and_no_older_rows(built: list[Connector]) -> None:
    with FakeShopify() as fake:
        connector = build(built, "shopify", fake, {"access_token": fake.access_token})
        # The search filter matches the whole day of the cursor: rows 0-2 come back too.
        page = connector.pull("customers", "2024-03-01T11:00:00+00:00", None, 50)
        assert [r.reference for r in page.records] == [f"s{i}@example.com" for i in range(3, 7)]
        assert all(r.data["email"] == r.reference for r in page.records)
        assert " email " not in fake.calls("POST")[-1].json()["query"]  # Customer.email is deprecated


@pytest.mark.parametrize(
    ("version", "record", "field"),
    [
        ("2026-10", {"available": 4}, "quantities"),
        ("2026-01", {"delta": 2}, "changes"),
    ],
)
def test_shopify_inventory_from_2026_01_uses_change_from_quantity_and_a_key(
    built: list[Connector], version: str, record: dict[str, Any], field: str
) -> None:
    with FakeShopify() as fake:
        connector = build(built, "shopify", fake, {"access_token": fake.access_token}, api_version=version)
        where = {
            "inventory_item_id": "gid://shopify/InventoryItem/601",
            "location_id": "gid://shopify/Location/1",
        }
        connector.push("inventory", {**where, **record}, idempotency_key=KEY)
        request = fake.calls("POST")[-1]
        assert request.path == f"/admin/api/{version}/graphql.json"
        body = request.json()
        assert "@idempotent(key: $key)" in body["query"] and body["variables"]["key"] == KEY
        sent = body["variables"]["input"]
        assert "ignoreCompareQuantity" not in sent
        assert [entry["changeFromQuantity"] for entry in sent[field]] == [None]


def test_shopify_inventory_before_2026_01_ignores_the_compare_quantity(built: list[Connector]) -> None:
    with FakeShopify() as fake:
        connector = build(built, "shopify", fake, {"access_token": fake.access_token}, api_version="2025-10")
        where = {
            "inventory_item_id": "gid://shopify/InventoryItem/601",
            "location_id": "gid://shopify/Location/1",
        }
        connector.push("inventory", {**where, "available": 4}, idempotency_key=KEY)
        body = fake.calls("POST")[-1].json()
        assert "@idempotent" not in body["query"]
        assert body["variables"]["input"]["ignoreCompareQuantity"] is True
        assert "changeFromQuantity" not in body["variables"]["input"]["quantities"][0]
