"""Repeatable pushes beyond the shared suite, against the fakes: the `rest` idempotency header,
lookups by each system's documented filter, and pushes that are idempotent without either."""

from __future__ import annotations

from typing import Any

import pytest

from syncline.connectors import Connector, TransientError
from tests.fakes.bigcommerce import FakeBigCommerce
from tests.fakes.magento2 import FakeMagento2
from tests.fakes.rest import FakeRest
from tests.fakes.shopify import FakeShopify
from tests.fakes.woocommerce import FakeWooCommerce
from tests.integration.connectors.cases import build

KEY = "65f0c3a9e1b2d4c6e8a0b1c2"
OTHER_KEY = "7d1e5b3f9a2c4e6a8b0d1f3e"
FAST = {"requests_per_second": 200.0, "burst": 50}


def lookups(fake: Any) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.calls("GET")]


# -- rest: the idempotency header ----------------------------------------------------------------


def rest(built: list[Connector], fake: FakeRest, **settings: Any) -> Any:
    return build(built, "rest", fake, {"token": fake.token}, **settings)


def test_rest_sends_the_key_in_the_default_header_on_every_push(built: list[Connector]) -> None:
    with FakeRest() as fake:
        connector = rest(built, fake, update_path="/{entity}/{id}")
        connector.push("orders", {"name": "new"}, idempotency_key=KEY)
        connector.push("orders", {"id": "o1", "name": "changed"}, idempotency_key=OTHER_KEY)
        connector.push("orders", {"name": "no key"})
        (post, unkeyed), (put,) = fake.calls("POST"), fake.calls("PUT")
        assert post.headers["idempotency-key"] == KEY
        assert put.headers["idempotency-key"] == OTHER_KEY
        assert "idempotency-key" not in unkeyed.headers


def test_rest_header_name_is_configurable(built: list[Connector]) -> None:
    with FakeRest(idempotency_header="X-Request-Id") as fake:
        connector = rest(built, fake, idempotency_header="X-Request-Id")
        first = connector.push("orders", {"name": "new"}, idempotency_key=KEY)
        second = connector.push("orders", {"name": "new"}, idempotency_key=KEY, ambiguous=True)
        assert [r.headers.get("x-request-id") for r in fake.calls("POST")] == [KEY, KEY]
        assert "idempotency-key" not in fake.calls("POST")[0].headers
        assert second.endpoint_id == first.endpoint_id and len(fake.created) == 1
        assert lookups(fake) == [], "the destination de-duplicates: no lookup"


@pytest.mark.parametrize("disabled", [None, ""])
def test_rest_header_can_be_disabled(built: list[Connector], disabled: str | None) -> None:
    with FakeRest() as fake:
        rest(built, fake, idempotency_header=disabled).push("orders", {"name": "new"}, idempotency_key=KEY)
        assert "idempotency-key" not in fake.calls("POST")[0].headers


def test_rest_keyed_post_is_retried_after_a_server_error(built: list[Connector]) -> None:
    with FakeRest() as fake:
        fake.fail("server_error", times=1, method="POST")
        result = rest(built, fake).push("orders", {"name": "new"}, idempotency_key=KEY)
        assert len(fake.calls("POST")) == 2 and len(fake.created) == 1
        assert result.endpoint_id == "new-1"


def test_rest_keyed_post_that_timed_out_is_retried_without_a_duplicate(built: list[Connector]) -> None:
    with FakeRest() as fake:
        fake.fail("slow", retry_after=0.6, times=1, method="POST")  # created, but the answer comes late
        connector = rest(built, fake, timeout_seconds=0.2, max_wait_seconds=5)
        result = connector.push("orders", {"name": "new"}, idempotency_key=KEY)
        assert len(fake.calls("POST")) == 2
        assert len(fake.created) == 1 and result.endpoint_id == "new-1"


def test_rest_unkeyed_post_that_timed_out_is_not_retried(built: list[Connector]) -> None:
    with FakeRest() as fake:
        fake.fail("slow", retry_after=0.6, times=1, method="POST")
        connector = rest(built, fake, timeout_seconds=0.2, max_wait_seconds=5)
        with pytest.raises(TransientError):
            connector.push("orders", {"name": "new"})
        assert len(fake.calls("POST")) == 1


def test_rest_lookup_by_key_path(built: list[Connector]) -> None:
    with FakeRest() as fake:
        connector = rest(
            built,
            fake,
            idempotency_header=None,
            lookup_path="/{entity}/by-number/{value}",
            lookup_field="number",
        )
        found = connector.push(
            "orders", {"name": "again", "number": "R-1003"}, idempotency_key=KEY, ambiguous=True
        )
        assert found.endpoint_id == "o2" and fake.created == []
        assert lookups(fake) == ["GET /orders/by-number/R-1003"]
        created = connector.push(
            "orders", {"name": "new", "number": "R/9 1"}, ambiguous=True
        )  # 404: not there
        assert created.endpoint_id == "new-1"
        assert fake.calls("GET")[-1].path == "/orders/by-number/R%2F9%201"


def test_rest_header_on_means_no_lookup(built: list[Connector]) -> None:
    with FakeRest() as fake:
        connector = rest(built, fake, lookup_path="/{entity}", lookup_param="number", lookup_field="number")
        connector.push("orders", {"name": "again", "number": "R-1003"}, idempotency_key=KEY, ambiguous=True)
        assert lookups(fake) == [] and len(fake.created) == 1
        connector.push("orders", {"name": "again", "number": "R-1003"}, ambiguous=True)  # no key: look up
        assert lookups(fake) == ["GET /orders"] and len(fake.created) == 1


def test_a_failing_lookup_raises_and_nothing_is_created(built: list[Connector]) -> None:
    with FakeRest() as fake:
        connector = rest(
            built,
            fake,
            idempotency_header=None,
            lookup_path="/{entity}",
            lookup_param="number",
            lookup_field="number",
            retries=0,
        )
        fake.fail("server_error", times=None, method="GET")
        with pytest.raises(TransientError):
            connector.push("orders", {"name": "new", "number": "R-1"}, idempotency_key=KEY, ambiguous=True)
        assert fake.calls("POST") == []


def test_a_record_without_the_lookup_field_is_created(built: list[Connector]) -> None:
    with FakeRest() as fake:
        connector = rest(
            built,
            fake,
            idempotency_header=None,
            lookup_path="/{entity}",
            lookup_param="n",
            lookup_field="number",
        )
        connector.push("orders", {"name": "no number"}, ambiguous=True)
        assert lookups(fake) == [] and len(fake.created) == 1


# -- woocommerce ---------------------------------------------------------------------------------


def woo(built: list[Connector], fake: FakeWooCommerce) -> Any:
    creds = {"consumer_key": fake.consumer_key, "consumer_secret": fake.consumer_secret}
    return build(built, "woocommerce", fake, creds, **FAST)


def test_woocommerce_products_by_sku(built: list[Connector]) -> None:
    with FakeWooCommerce() as fake:
        found = woo(built, fake).push("products", {"name": "Again", "sku": "SKU-2"}, ambiguous=True)
        assert found.endpoint_id == "202"
        assert fake.calls("POST") == []
        assert fake.calls("GET", "/products$")[0].param("sku") == "SKU-2"


def test_woocommerce_orders_carry_the_key_and_are_found_by_it(built: list[Connector]) -> None:
    with FakeWooCommerce() as fake:
        connector = woo(built, fake)
        order = {"status": "processing", "billing": {"email": "buyer@example.com"}}
        other = connector.push("orders", dict(order), idempotency_key=OTHER_KEY)  # same buyer, another order
        first = connector.push("orders", dict(order), idempotency_key=KEY)
        sent = fake.calls("POST")[-1].json()
        assert {"key": "syncline_sync_id", "value": KEY} in sent["meta_data"]
        again = connector.push("orders", dict(order), idempotency_key=KEY, ambiguous=True)
        assert again.endpoint_id == first.endpoint_id != other.endpoint_id
        assert len(fake.calls("POST")) == 2
        search = fake.calls("GET", "/orders$")[-1]
        assert search.param("search") == "buyer@example.com"


def test_woocommerce_orders_match_the_key_not_the_search_hit(built: list[Connector]) -> None:
    with FakeWooCommerce() as fake:
        connector = woo(built, fake)
        order = {"status": "processing", "billing": {"email": "buyer@example.com"}}
        connector.push("orders", dict(order), idempotency_key=OTHER_KEY)
        connector.push("orders", dict(order), idempotency_key=KEY, ambiguous=True)  # a hit, not ours
        assert len(fake.calls("POST")) == 2
        connector.push("orders", {"status": "processing"}, idempotency_key="ab" * 12, ambiguous=True)
        assert len(fake.calls("GET")) == 1, "no billing e-mail: nothing to search by"


def test_woocommerce_stock_and_fulfilments_need_no_lookup(built: list[Connector]) -> None:
    with FakeWooCommerce() as fake:
        connector = woo(built, fake)
        connector.push("inventory", {"id": 201, "stock_quantity": 4}, idempotency_key=KEY, ambiguous=True)
        connector.push("fulfilments", {"order_id": 101}, idempotency_key=KEY, ambiguous=True)
        assert [f"{r.method} {r.path}" for r in fake.calls()] == [
            "PUT /wp-json/wc/v3/products/201",
            "PUT /wp-json/wc/v3/orders/101",
        ]


# -- bigcommerce ---------------------------------------------------------------------------------


def bigcommerce(built: list[Connector], fake: FakeBigCommerce) -> Any:
    return build(built, "bigcommerce", fake, {"access_token": fake.access_token}, **FAST)


def test_bigcommerce_customers_by_email(built: list[Connector]) -> None:
    with FakeBigCommerce() as fake:
        record = {"email": "B2@example.com", "first_name": "B", "last_name": "Two"}
        found = bigcommerce(built, fake).push("customers", record, ambiguous=True)
        assert found.endpoint_id == "22" and fake.calls("POST") == []
        assert fake.calls("GET", "/v3/customers$")[0].param("email:in") == "B2@example.com"


def test_bigcommerce_orders_by_external_order_id(built: list[Connector]) -> None:
    with FakeBigCommerce() as fake:
        connector = bigcommerce(built, fake)
        order = {
            "products": [{"name": "Thing", "quantity": 1, "price_inc_tax": 5, "price_ex_tax": 5}],
            "billing_address": {"first_name": "A", "email": "a@example.com", "zip": "10115"},
            "external_order_id": "EXT-1",
        }
        first = connector.push("orders", dict(order), ambiguous=True)  # 204: none yet
        again = connector.push("orders", dict(order), ambiguous=True)
        assert again.endpoint_id == first.endpoint_id and len(fake.calls("POST")) == 1
        assert fake.calls("GET", "/v2/orders$")[-1].param("external_order_id") == "EXT-1"
        connector.push("orders", {k: v for k, v in order.items() if k != "external_order_id"}, ambiguous=True)
        assert len(fake.calls("GET")) == 2, "no external_order_id: nothing to look up by"


def test_bigcommerce_shipments_by_tracking_number(built: list[Connector]) -> None:
    with FakeBigCommerce() as fake:
        connector = bigcommerce(built, fake)
        shipment = {"order_id": 31, "order_address_id": 1, "tracking_number": "1Z1", "items": []}
        first = connector.push("fulfilments", dict(shipment), ambiguous=True)
        other = connector.push("fulfilments", {**shipment, "tracking_number": "1Z2"}, ambiguous=True)
        again = connector.push("fulfilments", dict(shipment), ambiguous=True)
        assert again.endpoint_id == first.endpoint_id != other.endpoint_id
        assert len(fake.shipments) == 2


def test_bigcommerce_absolute_inventory_needs_no_lookup(built: list[Connector]) -> None:
    with FakeBigCommerce() as fake:
        bigcommerce(built, fake).push(
            "inventory", {"location_id": 1, "sku": "BC-1", "quantity": 4}, idempotency_key=KEY, ambiguous=True
        )
        assert [r.method for r in fake.calls()] == ["PUT"]


# -- magento2 ------------------------------------------------------------------------------------


def magento(built: list[Connector], fake: FakeMagento2) -> Any:
    return build(built, "magento2", fake, {"access_token": fake.access_token}, **FAST)


def test_magento_products_are_put_by_sku_without_a_lookup(built: list[Connector]) -> None:
    with FakeMagento2() as fake:
        connector = magento(built, fake)
        product = {"sku": "NEW-1", "name": "New", "price": 5}
        first = connector.push("products", dict(product), idempotency_key=KEY, ambiguous=True)
        again = connector.push("products", dict(product), idempotency_key=KEY, ambiguous=True)
        assert first.endpoint_id and again.endpoint_id == first.endpoint_id
        assert [r.method for r in fake.calls()] == ["PUT", "PUT"]
        assert [p["sku"] for p in fake.store["products"]].count("NEW-1") == 1


def test_magento_customers_by_email_through_search_criteria(built: list[Connector]) -> None:
    with FakeMagento2() as fake:
        record = {"email": "m2@example.com", "firstname": "M", "lastname": "Two"}
        assert magento(built, fake).push("customers", record, ambiguous=True).endpoint_id == "62"
        (search,) = fake.calls("GET")
        filters = "searchCriteria[filterGroups][0][filters][0]"
        assert search.path.endswith("/customers/search")
        assert (search.param(f"{filters}[field]"), search.param(f"{filters}[conditionType]")) == (
            "email",
            "eq",
        )
        assert fake.calls("POST") == []


def test_magento_shipments_by_track_number(built: list[Connector]) -> None:
    with FakeMagento2() as fake:
        connector = magento(built, fake)
        ship = {
            "order_id": 41,
            "items": [{"order_item_id": 1, "qty": 1}],
            "tracks": [{"track_number": "TN-1", "carrier_code": "ups", "title": "UPS"}],
        }
        first = connector.push("fulfilments", dict(ship), ambiguous=True)
        again = connector.push("fulfilments", dict(ship), ambiguous=True)
        assert first.endpoint_id and again.endpoint_id == first.endpoint_id
        assert len(fake.shipments) == 1
        connector.push("fulfilments", {"order_id": 41, "items": []}, ambiguous=True)  # no track: no lookup
        assert len(fake.shipments) == 2 and len(fake.calls("GET")) == 2


def test_magento_stock_is_set_without_a_lookup(built: list[Connector]) -> None:
    with FakeMagento2() as fake:
        magento(built, fake).push(
            "inventory", {"sku": "MG-1", "quantity": 3}, idempotency_key=KEY, ambiguous=True
        )
        assert [r.method for r in fake.calls()] == ["POST"]


# -- shopify -------------------------------------------------------------------------------------


def shopify(built: list[Connector], fake: FakeShopify) -> Any:
    return build(built, "shopify", fake, {"access_token": fake.access_token})


def operations(fake: FakeShopify) -> list[str]:
    return [r.json()["query"].split("(")[0].split()[-1] for r in fake.calls("POST")]


def test_shopify_product_lookup_uses_the_handle(built: list[Connector]) -> None:
    with FakeShopify() as fake:
        connector = shopify(built, fake)
        found = connector.push("products", {"title": "Again", "handle": "product-3"}, ambiguous=True)
        assert found.endpoint_id == "gid://shopify/Product/803"
        assert fake.calls("POST")[0].json()["variables"] == {"identifier": {"handle": "product-3"}}
        connector.push("products", {"title": "No handle"}, ambiguous=True)
        assert operations(fake) == ["SynclineProductByHandle", "SynclineProductCreate"]


def test_shopify_fulfilments_by_tracking_number(built: list[Connector]) -> None:
    with FakeShopify() as fake:
        connector = shopify(built, fake)
        record = {"fulfillment_order_id": 9001, "tracking_number": "1Z999"}
        first = connector.push("fulfilments", dict(record), ambiguous=True)
        again = connector.push("fulfilments", dict(record), ambiguous=True)
        assert again.endpoint_id == first.endpoint_id
        assert [name for name, _ in fake.mutations] == ["fulfillmentCreate"]


def test_shopify_inventory_set_needs_no_lookup(built: list[Connector]) -> None:
    with FakeShopify() as fake:
        record = {"inventory_item_id": "gid://shopify/InventoryItem/601", "location_id": 1, "available": 5}
        shopify(built, fake).push("inventory", record, idempotency_key=KEY, ambiguous=True)
        assert operations(fake) == ["SynclineInventorySet"]


def test_shopify_lookup_failure_is_transient_and_nothing_is_created(built: list[Connector]) -> None:
    with FakeShopify() as fake:
        fake.fail("server_error", times=1)
        with pytest.raises(TransientError):
            shopify(built, fake).push("products", {"title": "X", "handle": "x"}, ambiguous=True)
        assert fake.mutations == []
