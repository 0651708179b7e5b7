"""Dialect behaviours beyond the shared suite, against the fakes: token refresh, rate windows,
cost buckets, client-side budgets and the concurrency cap."""

from __future__ import annotations

import threading
import time

import pytest

from syncline.connectors import Connector
from tests.fakes.bigcommerce import FakeBigCommerce
from tests.fakes.rest import FakeRest
from tests.fakes.shopify import FakeShopify
from tests.fakes.woocommerce import FakeWooCommerce
from tests.integration.connectors.cases import build


def test_oauth2_token_is_cached_and_refreshed_once_after_a_401(built: list[Connector]) -> None:
    with FakeRest("link") as fake:
        settings = {
            "auth": "oauth2",
            "token_url": f"{fake.origin}/oauth/token",
            "paginator": "link",
            "page_size_param": "per_page",
            "pull_path": "/api/{entity}",
            "records_path": "",
            "updated_field": "modified",
        }
        creds = {"client_id": fake.client_id, "client_secret": fake.client_secret}
        connector = build(built, "rest", fake, creds, **settings)
        connector.pull("orders", None, None, 2)
        connector.pull("orders", None, None, 2)
        assert len(fake.calls("POST", "^/oauth/token$")) == 1, "token cached between calls"
        fake.revoke_tokens()
        page = connector.pull("orders", None, None, 2)
        assert len(page.records) == 2
        assert len(fake.calls("POST", "^/oauth/token$")) == 2, "one new token after the 401"
        # A second connector for the same client reuses the cached token (warm Lambda, new batch).
        build(built, "rest", fake, creds, **settings).pull("orders", None, None, 2)
        assert len(fake.calls("POST", "^/oauth/token$")) == 2


def test_bigcommerce_waits_for_its_window_when_requests_run_out(built: list[Connector]) -> None:
    with FakeBigCommerce() as fake:
        fake.set_window(quota=2, window_ms=400)
        connector = build(
            built, "bigcommerce", fake, {"access_token": fake.access_token}, requests_per_second=100
        )
        started = time.monotonic()
        connector.pull("products", None, None, 3)  # 1 left
        connector.pull("products", None, None, 3)  # 0 left -> pause until the window resets
        connector.pull("products", None, None, 3)
        assert time.monotonic() - started >= 0.3
        assert all(r.method == "GET" for r in fake.requests) and len(fake.requests) == 3


def test_shopify_cost_bucket_low_then_refilled(built: list[Connector]) -> None:
    with FakeShopify() as fake:
        connector = build(built, "shopify", fake, {"access_token": fake.access_token})
        fake.set_bucket(available=0.0, restore_rate=40.0)  # the query costs 12: 0.3 s to refill
        started = time.monotonic()
        page = connector.pull("products", None, None, 3)
        assert len(page.records) == 3
        assert 0.25 <= time.monotonic() - started < 2.0
        assert len(fake.requests) == 2  # throttled once, then served


def test_client_side_rate_budget_spaces_requests(built: list[Connector]) -> None:
    with FakeRest() as fake:
        connector = build(built, "rest", fake, {"token": fake.token}, requests_per_second=10, burst=1)
        started = time.monotonic()
        for _ in range(4):
            connector.pull("orders", None, None, 2)
        assert time.monotonic() - started >= 0.28
        # Request k leaves the client no earlier than k tenths of a second after the first could,
        # and arrives no earlier than it leaves: a lower bound that load cannot break (gaps between
        # arrivals can: a late first arrival shortens the next gap).
        assert len(fake.requests) == 4
        for k, request in enumerate(fake.requests):
            assert request.at - started >= k * 0.1 - 0.02, (k, request.at - started)


def test_concurrency_cap(built: list[Connector]) -> None:
    with FakeRest() as fake:
        connector = build(built, "rest", fake, {"token": fake.token}, max_concurrency=2, max_wait_seconds=5)
        fake.fail("slow", retry_after=0.15, times=None)
        threads = [threading.Thread(target=connector.pull, args=("orders", None, None, 2)) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(fake.requests) == 6
        assert fake.peak_in_flight == 2


def test_woocommerce_customers_are_filtered_after_reading(built: list[Connector]) -> None:
    with FakeWooCommerce() as fake:
        creds = {"consumer_key": fake.consumer_key, "consumer_secret": fake.consumer_secret}
        connector = build(built, "woocommerce", fake, creds, requests_per_second=100)
        page = connector.pull("customers", "2024-03-01T12:00:00.000Z", None, 10)
        assert [r.source_id for r in page.records] == ["304", "305", "306"]
        assert "modified_after" not in fake.requests[-1].query


def test_fakes_report_expected_calls_that_never_came() -> None:
    with FakeRest() as fake:
        fake.expect("GET", "^/orders$", updated_since=None)
        fake.expect("POST", "^/products$")
        assert fake.unmet() == ["GET ^/orders$ {'updated_since': None}", "POST ^/products$"]
        with pytest.raises(AssertionError, match="never received"):
            fake.assert_expectations()
