"""The Shopify connector's GraphQL documents against Shopify's schema, and the fake's strictness.

The only published schema the tests have is 2025-01. Documents sent to versions before 2026-01
are validated against it as they are. Documents for 2026-01 and later use three things 2025-01
does not have (`@idempotent`, `changeFromQuantity`, `Customer.defaultEmailAddress`): they are
validated against 2025-01 extended with exactly those, declared by hand in
tests/fakes/shopify_schema.py; that these are the only differences is asserted below, so nothing
else goes unchecked. Variables are checked by the fake, which executes every request with
graphql-core (test_spec_requests.py makes every request the connector can make).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import parse, validate

from syncline.connectors import shopify
from tests.fakes import shopify_schema
from tests.fakes.shopify import FakeShopify


def documents(version: str) -> dict[str, str]:
    """Every document the connector sends to `version`."""
    found = {f"pull:{entity}": query for entity, (_, query) in shopify.PULL_QUERIES.items()}
    found |= {f"fetch:{entity}": query for entity, (_, query) in shopify.NODE_QUERIES.items()}
    found |= {f"lookup:{entity}": query for entity, query in shopify.LOOKUP_QUERIES.items()}
    found |= {
        name: query for name, query in shopify.MUTATIONS.items() if name not in shopify_schema.INVENTORY
    }
    found |= {name: shopify.inventory_mutation(name, version) for name in shopify_schema.INVENTORY}
    found["check"] = shopify.CHECK_QUERY
    return {name: shopify.for_version(query, version) for name, query in found.items()}


def messages(schema: Any, query: str) -> list[str]:
    return [error.message for error in validate(schema, parse(query))]


@pytest.mark.parametrize("version", ["2025-07", "2025-10"])
def test_documents_for_versions_before_2026_01_validate_against_the_published_schema(version: str) -> None:
    for name, query in documents(version).items():
        assert messages(shopify_schema.published(), query) == [], name


@pytest.mark.parametrize("version", ["2026-01", "2026-04", "2026-07", "2026-10"])
def test_documents_from_2026_01_differ_from_2025_01_only_by_the_declared_additions(version: str) -> None:
    declared = {
        "Unknown directive '@idempotent'.",
        "Cannot query field 'defaultEmailAddress' on type 'Customer'."
        " Did you mean 'defaultAddress' or 'validEmailAddress'?",
    }
    for name, query in documents(version).items():
        assert messages(shopify_schema.schema(version), query) == [], name
        assert set(messages(shopify_schema.published(), query)) <= declared, name
    # changeFromQuantity is in the variables, not the documents: the fake coerces them against the
    # extended schema, and 2026-04's rules (it is required, ignoreCompareQuantity gone) by hand.


def post(
    fake: FakeShopify, query: str, variables: dict[str, Any] | None = None, version: str = "2026-10"
) -> Any:
    response = httpx.post(
        f"{fake.url}/admin/api/{version}/graphql.json",
        json={"query": query, "variables": variables or {}},
        headers={"X-Shopify-Access-Token": fake.access_token},
    )
    assert response.status_code == 200
    return response.json()


def test_the_fake_answers_a_valid_literal_query_with_exactly_the_fields_selected() -> None:
    with FakeShopify() as fake:
        body = post(fake, "{ products(first: 1) { nodes { id title } } }")
        assert body["data"] == {
            "products": {"nodes": [{"id": "gid://shopify/Product/800", "title": "Product 0"}]}
        }


@pytest.mark.parametrize(
    ("query", "variables", "message"),
    [
        ("{ products(first: 1) { nodes { id nosuch } } }", None, "Cannot query field 'nosuch'"),
        ("{ products(first: 1, sortKey: BOGUS) { nodes { id } } }", None, "'BOGUS' does not exist"),
        (
            "mutation M($p: ProductCreateInput!) { productCreate(product: $p) { product { id } } }",
            {"p": {"title": "x", "bogus": 1}},
            "bogus",
        ),
        ("query Q($n: Int!) { products(first: $n) { nodes { id } } }", {}, "$n"),
    ],
)
def test_the_fake_refuses_what_the_schema_refuses(query: str, variables: Any, message: str) -> None:
    with FakeShopify() as fake:
        body = post(fake, query, variables)
        assert "data" not in body or body["data"] is None
        assert message in " ".join(error["message"] for error in body["errors"])
        assert fake.spec_problems


def test_the_fake_holds_2026_04_to_its_inventory_rules() -> None:
    set_quantities = shopify.inventory_mutation("inventorySetQuantities", "2025-10")
    entry = {"inventoryItemId": "gid://shopify/InventoryItem/601", "locationId": "gid://shopify/Location/1"}
    old_input = {"reason": "correction", "name": "available", "ignoreCompareQuantity": True}
    with FakeShopify() as fake:
        variables = {"input": {**old_input, "quantities": [{**entry, "quantity": 1}]}}
        assert "errors" not in post(fake, set_quantities, variables, version="2025-10")
        refused = post(fake, set_quantities, variables, version="2026-04")
        text = " ".join(error["message"] for error in refused["errors"])
        assert "@idempotent" in text and "ignoreCompareQuantity" in text and "changeFromQuantity" in text
