"""System-specific dialect details, on MockTransports."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from syncline.connectors.base import PermanentError, RateLimitedError
from syncline.connectors.bigcommerce import BigCommerceClassifier, BigCommerceConnector
from syncline.connectors.magento2 import Magento2Classifier, Magento2Connector, fill_placeholders
from syncline.connectors.shopify import CostBucket, ShopifyConnector, fulfilment_input, gid, throttle_wait
from syncline.connectors.woocommerce import WooCommerceClassifier, WooCommerceConnector

from .helpers import FakeClock, Recorder, make


def req() -> httpx.Request:
    return httpx.Request("GET", "https://x/y")


# -- shopify ---------------------------------------------------------------------------------


def cost(available: float, rate: float = 50.0, requested: float = 100.0) -> dict[str, Any]:
    status = {"maximumAvailable": 1000.0, "currentlyAvailable": available, "restoreRate": rate}
    return {"requestedQueryCost": requested, "actualQueryCost": requested, "throttleStatus": status}


def test_throttle_wait_from_the_cost_block() -> None:
    assert throttle_wait(cost(available=40.0)) == pytest.approx(1.2)
    assert throttle_wait(cost(available=500.0)) == 0
    assert throttle_wait({"requestedQueryCost": 10}) is None


def test_cost_bucket_estimates_the_refill(clock: FakeClock) -> None:
    bucket = CostBucket(clock)
    assert bucket.wait_for(100) == 0  # nothing known yet
    bucket.update("q", cost(available=0.0))
    assert bucket.expected_cost("q", 50) == 100
    assert bucket.wait_for(100) == pytest.approx(2.0)
    clock.now += 1.0
    assert bucket.wait_for(100) == pytest.approx(1.0)
    clock.now += 5.0
    assert bucket.wait_for(100) == 0


def graphql(
    data: dict[str, Any] | None = None, errors: Any = None, available: float = 900.0, rate: float = 50.0
) -> httpx.Response:
    body: dict[str, Any] = {"extensions": {"cost": cost(available, rate)}}
    if data is not None:
        body["data"] = data
    if errors is not None:
        body["errors"] = errors
    return httpx.Response(200, json=body)


THROTTLED = [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]
PRODUCTS = {
    "products": {
        "nodes": [{"id": "gid://shopify/Product/1", "handle": "p", "updatedAt": "2024-03-01T08:00:00Z"}],
        "pageInfo": {"hasNextPage": False, "endCursor": "c1"},
    }
}


def shopify(recorder: Recorder, clock: FakeClock, **settings: Any) -> ShopifyConnector:
    connector: ShopifyConnector = make(
        ShopifyConnector,
        recorder,
        clock,
        base_url="https://demo.myshopify.com",
        credentials={"access_token": "shpat_1"},
        settings=settings,
    )
    connector.bucket = CostBucket(clock)
    return connector


def test_shopify_throttled_then_retried_within_the_bound(clock: FakeClock) -> None:
    recorder = Recorder(graphql(errors=THROTTLED, available=60.0), graphql(PRODUCTS))
    page = shopify(recorder, clock).pull("products", None, None, 10)
    assert [r.source_id for r in page.records] == ["gid://shopify/Product/1"]
    assert clock.slept == pytest.approx(0.8)  # (100 - 60) / 50
    sent = json.loads(recorder.requests[0].content)
    assert sent["variables"]["first"] == 10 and "sortKey: UPDATED_AT" in sent["query"]
    assert recorder.requests[0].headers["X-Shopify-Access-Token"] == "shpat_1"


def test_shopify_throttle_beyond_the_bound_raises_with_the_computed_wait(clock: FakeClock) -> None:
    recorder = Recorder(graphql(errors=THROTTLED, available=0.0, rate=10.0))
    with pytest.raises(RateLimitedError) as caught:
        shopify(recorder, clock).pull("products", None, None, 10)
    assert caught.value.retry_after == pytest.approx(10.0)
    assert clock.sleeps == []


def test_shopify_waits_before_a_query_when_the_bucket_is_low(clock: FakeClock) -> None:
    recorder = Recorder(graphql(PRODUCTS, available=20.0, rate=50.0))
    connector = shopify(recorder, clock)
    connector.pull("products", None, None, 10)  # learns cost 100, bucket at 20
    connector.pull("products", None, None, 10)  # waits (100 - 20) / 50 = 1.6 s first
    assert clock.slept == pytest.approx(1.6)
    connector.bucket.update("pull:products", cost(available=0.0, rate=1.0))
    with pytest.raises(RateLimitedError) as caught:
        connector.pull("products", None, None, 10)
    assert caught.value.retry_after == pytest.approx(100.0)
    assert len(recorder.requests) == 2


def test_shopify_page_size_respects_the_query_cost_limit(clock: FakeClock) -> None:
    recorder = Recorder(graphql({"orders": {"nodes": [], "pageInfo": {"hasNextPage": False}}}))
    shopify(recorder, clock).pull("orders", "2024-03-01T08:00:00.000Z", None, 250)
    variables = json.loads(recorder.requests[0].content)["variables"]
    assert variables["first"] * (3 + 2 * variables["nested"]) <= 1000
    assert variables["query"] == "updated_at:>='2024-03-01T08:00:00Z'"


def test_shopify_access_denied_and_user_errors(clock: FakeClock) -> None:
    denied = [{"message": "Access denied for products field.", "extensions": {"code": "ACCESS_DENIED"}}]
    from syncline.connectors.base import AuthenticationError

    with pytest.raises(AuthenticationError, match="Access denied"):
        shopify(Recorder(graphql(errors=denied)), clock).pull("products", None, None, 10)
    rejected = {
        "productCreate": {
            "product": None,
            "userErrors": [{"field": ["title"], "message": "Title can't be blank"}],
        }
    }
    with pytest.raises(PermanentError, match="title: Title can't be blank"):
        shopify(Recorder(graphql(rejected)), clock).push("products", {})


def test_shopify_inventory_and_fulfilment_inputs(clock: FakeClock) -> None:
    group = {"inventoryAdjustmentGroup": {"id": "gid://shopify/InventoryAdjustmentGroup/9"}, "userErrors": []}
    recorder = Recorder(graphql({"inventorySetQuantities": group}))
    result = shopify(recorder, clock).push(
        "inventory", {"inventory_item_id": 5, "location_id": 7, "available": 3}
    )
    assert result.endpoint_id == "gid://shopify/InventoryAdjustmentGroup/9"
    sent = json.loads(recorder.requests[0].content)["variables"]["input"]
    assert sent["quantities"] == [  # the default version (2026-10): changeFromQuantity null, no compare
        {
            "inventoryItemId": "gid://shopify/InventoryItem/5",
            "locationId": "gid://shopify/Location/7",
            "quantity": 3,
            "changeFromQuantity": None,
        }
    ]
    assert "ignoreCompareQuantity" not in sent
    assert gid("Order", "gid://shopify/Order/1") == "gid://shopify/Order/1"
    built = fulfilment_input(
        {"fulfillment_order_id": 3, "line_items": [{"id": 4, "quantity": 2}], "tracking_number": "1Z"}
    )
    assert built["lineItemsByFulfillmentOrder"][0]["fulfillmentOrderLineItems"] == [
        {"id": "gid://shopify/FulfillmentOrderLineItem/4", "quantity": 2}
    ]
    assert built["trackingInfo"] == {"number": "1Z"}


def test_shopify_inventory_levels_become_records(clock: FakeClock) -> None:
    item = {
        "id": "gid://shopify/InventoryItem/1",
        "sku": "A",
        "updatedAt": "2024-03-01T08:00:00Z",
        "inventoryLevels": {
            "nodes": [
                {
                    "id": "gid://shopify/InventoryLevel/1?loc=1",
                    "updatedAt": "2024-03-01T09:00:00Z",
                    "location": {"id": "gid://shopify/Location/1", "name": "Main"},
                    "quantities": [{"name": "available", "quantity": 4}],
                }
            ]
        },
    }
    data = {"inventoryItems": {"nodes": [item], "pageInfo": {"hasNextPage": False}}}
    page = shopify(Recorder(graphql(data)), clock).pull("inventory", None, None, 10)
    (record,) = page.records
    assert record.reference == "A@Main"
    assert record.data["available"] == 4
    assert record.version == "2024-03-01T09:00:00.000Z"


# -- bigcommerce -------------------------------------------------------------------------------


def test_bigcommerce_rate_headers() -> None:
    classifier = BigCommerceClassifier("bigcommerce", reserve=1)
    low = httpx.Response(
        200, headers={"X-Rate-Limit-Requests-Left": "1", "X-Rate-Limit-Time-Reset-Ms": "1500"}, request=req()
    )
    assert classifier.pause_after(low) == 1.5
    plenty = httpx.Response(
        200, headers={"X-Rate-Limit-Requests-Left": "90", "X-Rate-Limit-Time-Reset-Ms": "1500"}, request=req()
    )
    assert classifier.pause_after(plenty) is None
    limited = httpx.Response(429, headers={"X-Rate-Limit-Time-Reset-Ms": "4000"}, request=req())
    assert classifier.retry_after(limited) == 4.0
    broken = httpx.Response(500, headers={"X-Rate-Limit-Time-Reset-Ms": "4000"}, request=req())
    assert classifier.retry_after(broken) is None


def test_bigcommerce_pauses_when_the_window_is_used_up(clock: FakeClock) -> None:
    body = {
        "data": [{"id": 1, "date_modified": "2024-03-01T08:00:00+00:00"}],
        "meta": {"pagination": {"total_pages": 1}},
    }
    headers = {"X-Rate-Limit-Requests-Left": "0", "X-Rate-Limit-Time-Reset-Ms": "1200"}
    recorder = Recorder(httpx.Response(200, json=body, headers=headers))
    connector = make(BigCommerceConnector, recorder, clock, credentials={"access_token": "bc_1"})
    connector.pull("products", None, None, 10)
    connector.pull("products", None, None, 10)
    assert clock.slept == pytest.approx(1.2)
    assert recorder.requests[0].headers["X-Auth-Token"] == "bc_1"


def test_bigcommerce_v2_orders_end_on_204(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(204))
    page = make(BigCommerceConnector, recorder, clock, credentials={"access_token": "bc_1"}).pull(
        "orders", None, None, 10
    )
    assert page.records == [] and page.next_page is None


def test_bigcommerce_rfc2822_dates(clock: FakeClock) -> None:
    order = {"id": 7, "date_modified": "Fri, 01 Mar 2024 09:00:00 +0100"}
    recorder = Recorder(httpx.Response(200, json=[order]))
    page = make(BigCommerceConnector, recorder, clock, credentials={"access_token": "bc_1"}).pull(
        "orders", None, None, 10
    )
    assert page.records[0].version == "2024-03-01T08:00:00.000Z"


# -- magento2 ----------------------------------------------------------------------------------


def test_magento_placeholders() -> None:
    assert (
        fill_placeholders('The "%1" attribute value is empty.', ["name"])
        == 'The "name" attribute value is empty.'
    )
    assert fill_placeholders('"%fieldName" is required.', {"fieldName": "email"}) == '"email" is required.'
    body = {
        "message": "%1 errors",
        "parameters": [2],
        "errors": [{"message": "bad %field", "parameters": {"field": "sku"}}],
    }
    assert Magento2Classifier("magento2").message_from_body(body) == "2 errors; bad sku"


def test_magento_search_criteria_and_utc_times(clock: FakeClock) -> None:
    body = {
        "items": [{"entity_id": 5, "increment_id": "000000005", "updated_at": "2024-03-01 08:00:00"}],
        "total_count": 1,
    }
    recorder = Recorder(httpx.Response(200, json=body))
    connector = make(
        Magento2Connector, recorder, clock, credentials={"access_token": "mg_1"}, timezone="America/New_York"
    )
    page = connector.pull("orders", "2024-02-01T00:00:00.000Z", None, 10)
    params = recorder.requests[0].url.params
    assert recorder.requests[0].url.path == "/rest/default/V1/orders"
    assert params["searchCriteria[filterGroups][0][filters][0][field]"] == "updated_at"
    assert params["searchCriteria[filterGroups][0][filters][0][value]"] == "2024-02-01 00:00:00"
    assert params["searchCriteria[filterGroups][0][filters][0][conditionType]"] == "gteq"
    assert params["searchCriteria[pageSize]"] == "10" and params["searchCriteria[currentPage]"] == "1"
    assert page.records[0].version == "2024-03-01T08:00:00.000Z"  # UTC, not New York
    assert page.records[0].reference == "000000005"
    assert page.next_page is None


# -- woocommerce -------------------------------------------------------------------------------


def test_woocommerce_error_messages() -> None:
    body = {
        "code": "rest_invalid_param",
        "message": "Invalid parameter(s): status",
        "data": {"params": {"status": "bad"}},
    }
    assert WooCommerceClassifier("woocommerce").message_from_body(body) == (
        "Invalid parameter(s): status (status: bad) [rest_invalid_param]"
    )


def test_woocommerce_local_dates_when_gmt_missing(clock: FakeClock) -> None:
    rows = [{"id": 1, "number": "1001", "date_modified": "2024-03-01T09:00:00"}]
    recorder = Recorder(httpx.Response(200, json=rows, headers={"X-WP-TotalPages": "1"}))
    connector = make(
        WooCommerceConnector,
        recorder,
        clock,
        credentials={"consumer_key": "ck_1", "consumer_secret": "cs_1"},
        timezone="Europe/Berlin",
    )
    page = connector.pull("orders", None, None, 10)
    assert page.records[0].version == "2024-03-01T08:00:00.000Z"
    assert recorder.requests[0].headers["Authorization"].startswith("Basic ")


def test_woocommerce_page_size_is_capped_at_100(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(200, json=[], headers={"X-WP-TotalPages": "0"}))
    make(
        WooCommerceConnector, recorder, clock, credentials={"consumer_key": "ck_1", "consumer_secret": "cs_1"}
    ).pull("products", None, None, 500)
    assert recorder.requests[0].url.params["per_page"] == "100"


def test_bad_record_values_are_permanent_not_crashes(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(200, json=[]))
    connector = make(Magento2Connector, recorder, clock, credentials={"access_token": "mg_1"})
    with pytest.raises(PermanentError, match="unexpected inventory record"):
        connector.push("inventory", {"sku": "A", "quantity": "lots"})
    assert recorder.requests == []
