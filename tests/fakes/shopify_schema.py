"""Shopify's Admin GraphQL schema for the fake and the tests, by API version.

The published schema the tests have is 2025-01 (tests/specs). For 2026-01 and later it is extended
with the additions the connector uses, declared here by hand from Shopify's changelog (no 2026
schema is available to check them against): `changeFromQuantity` on the inventory quantity and
change inputs, the `@idempotent(key:)` directive, and `Customer.defaultEmailAddress` (the field
the deprecation of `Customer.email` points to; its type `CustomerEmailAddress` is in 2025-01, the
field is not). What 2026-04 removed or made required (`ignoreCompareQuantity`/`compareQuantity`
gone; `changeFromQuantity` and `@idempotent` required on the inventory mutations, though the
schema shows them optional) is checked by `rules_2026_04`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from graphql import DocumentNode, GraphQLSchema, build_client_schema, extend_schema, parse

from tests.fakes.specs import load

ADDED_2026_01 = """
directive @idempotent(key: String!) on FIELD
extend type Customer { defaultEmailAddress: CustomerEmailAddress }
extend input InventoryQuantityInput { changeFromQuantity: Int }
extend input InventoryChangeInput { changeFromQuantity: Int }
"""
INVENTORY = {"inventorySetQuantities": "quantities", "inventoryAdjustQuantities": "changes"}


def at_least(version: str, other: str) -> bool:
    return version == "unstable" or version >= other


def _accepted(built: GraphQLSchema) -> GraphQLSchema:
    # Shopify's schema breaks one rule of the newest GraphQL spec that graphql-core checks (an
    # implementation field deprecated where its interface field is not: Customer.hasTimelineComment,
    # DiscountAutomaticBxgy.id); documents are validated against it as it is.
    built._validation_errors = []  # noqa: SLF001
    return built


@cache
def published() -> GraphQLSchema:
    """The 2025-01 schema as Shopify published it."""
    return _accepted(build_client_schema(load("shopify/admin_schema_2025-01.json.gz")["data"]))


@cache
def schema(version: str) -> GraphQLSchema:
    if at_least(version, "2026-01"):
        return _accepted(extend_schema(published(), parse(ADDED_2026_01), assume_valid=True))
    return published()


def rules_2026_04(version: str, document: DocumentNode, variables: dict[str, Any]) -> list[str]:
    """What 2026-04 requires of the inventory mutations beyond the schema."""
    if not at_least(version, "2026-04"):
        return []
    out = []
    for definition in document.definitions:
        for field in getattr(getattr(definition, "selection_set", None), "selections", []):
            name = getattr(getattr(field, "name", None), "value", "")
            if name not in INVENTORY:
                continue
            if not any(d.name.value == "idempotent" for d in field.directives or []):
                out.append(f"{name} requires the @idempotent directive from 2026-04")
            given = variables.get("input") or {}
            if "ignoreCompareQuantity" in given:
                out.append("InventorySetQuantitiesInput.ignoreCompareQuantity was removed in 2026-04")
            for entry in given.get(INVENTORY[name]) or []:
                if "changeFromQuantity" not in entry:
                    out.append(f"{name}: changeFromQuantity is required from 2026-04 (null: no check)")
                if "compareQuantity" in entry:
                    out.append("InventoryQuantityInput.compareQuantity was removed in 2026-04")
    return out
