"""The spec checks the fakes apply (tests/fakes/specs.py) find what the vendors' specs refuse."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes import specs

BC = specs.bigcommerce("abc")
V2, V3 = "/stores/abc/v2", "/stores/abc/v3"
MAGENTO = specs.magento2()
WOO = specs.WooCommerceDocs("/wp-json/wc/v3")
ORDER = {
    "products": [{"name": "Thing", "quantity": 1, "price_inc_tax": 5, "price_ex_tax": 5}],
    "billing_address": {"zip": "10115"},
}


@pytest.mark.parametrize(
    ("checker", "method", "path", "query", "body", "problem"),
    [
        (BC, "PUT", f"{V3}/catalog/products/11", {}, {"id": 11, "name": "x"}, "body id: not in the PUT"),
        (BC, "PUT", f"{V3}/catalog/products/abc", {}, {"name": "x"}, "is not integer"),
        (BC, "POST", f"{V3}/catalog/products", {}, {"name": "x"}, "'type' is a required property"),
        (
            BC,
            "POST",
            f"{V3}/catalog/products",
            {},
            {**dict.fromkeys(("name", "price", "weight"), 1), "type": "x"},
            "is not one of",
        ),
        (BC, "POST", f"{V2}/orders", {}, {"products": ORDER["products"]}, "billing_address: required"),
        (BC, "PUT", f"{V2}/orders/31", {}, {"id": 31}, "body id: not in the PUT"),
        (BC, "GET", f"{V2}/orders", {"sort": ["bogus:asc"]}, None, "is not one of"),
        (BC, "GET", f"{V2}/orders", {"nosuch": ["1"]}, None, "nosuch is not documented"),
        (BC, "DELETE", f"{V2}/store", {}, None, "no such method"),
        (BC, "GET", f"{V2}/nowhere", {}, None, "no such path"),
        (
            MAGENTO,
            "PUT",
            "/rest/default/V1/customers/61",
            {},
            {"customer": {"firstname": "x"}},
            "'email' is a required",
        ),
        (
            MAGENTO,
            "GET",
            "/rest/default/V1/orders",
            {"searchCriteria[pageSize]": ["ten"]},
            None,
            "is not integer",
        ),
        (WOO, "PUT", "/wp-json/wc/v3/orders/101", {}, {"id": 101}, "id is read-only"),
        (WOO, "POST", "/wp-json/wc/v3/products", {}, {"status": "bogus"}, "status is not one of draft"),
        (
            WOO,
            "POST",
            "/wp-json/wc/v3/customers",
            {},
            {"billing": {"nosuch": 1}},
            "billing.nosuch: not a documented",
        ),
        (WOO, "GET", "/wp-json/wc/v3/orders", {"modified_since": ["x"]}, None, "not a documented parameter"),
    ],
)
def test_a_request_the_spec_refuses_is_found(
    checker: Any, method: str, path: str, query: dict[str, list[str]], body: Any, problem: str
) -> None:
    found = checker.problems(method, path, query, body)
    assert any(problem in p for p in found), found


@pytest.mark.parametrize(
    ("checker", "method", "path", "query", "body"),
    [
        (BC, "POST", f"{V2}/orders", {}, ORDER),
        (BC, "GET", f"{V2}/orders", {"sort": ["date_modified:asc"], "page": ["2"]}, None),
        (
            MAGENTO,
            "GET",
            "/rest/default/V1/customers/search",
            {"searchCriteria[filterGroups][1][filters][2][field]": ["email"]},
            None,
        ),
        (
            WOO,
            "PUT",
            "/wp-json/wc/v3/orders/101",
            {},
            {"status": "completed", "meta_data": [{"key": "k", "value": "v"}]},
        ),
    ],
)
def test_a_documented_request_passes(
    checker: Any, method: str, path: str, query: dict[str, list[str]], body: Any
) -> None:
    assert checker.problems(method, path, query, body) == []


def test_an_undocumented_status_or_answer_is_found() -> None:
    assert BC.response_problems("POST", f"{V2}/orders", 201, {}) != []
    assert BC.response_problems("GET", f"{V2}/orders", 204, None) != []
    assert MAGENTO.response_problems("GET", "/rest/default/V1/store/storeConfigs", 200, [{"id": 1}]) != []
    assert WOO.response_problems("POST", "/wp-json/wc/v3/orders", 200, {}) != []
