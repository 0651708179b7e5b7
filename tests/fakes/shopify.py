"""Fake Shopify Admin GraphQL API (`POST /admin/api/{version}/graphql.json`).

Dialect: `X-Shopify-Access-Token`; any `/admin/api/{version}/graphql.json` (`versions` records
them); connections with `first`/`after`/`query` (search syntax `updated_at:>='...'`, which for
customers matches whole days, as Shopify's does) and `{nodes, pageInfo {hasNextPage endCursor}}`;
every answer has `extensions.cost` with `throttleStatus`, taken from a real leaky bucket (`maximumAvailable`,
refilled at `restoreRate` per second); a query that does not fit is answered
`{"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]}` with HTTP 200;
mutations report problems in `userErrors`; a bad token gets HTTP 401
`{"errors": "[API] Invalid API key or access token ..."}`.

Every request is parsed and validated against the schema of the version in its path
(tests/fakes/shopify_schema.py) with graphql-core, variables included, and executed: the answer
holds exactly the fields selected, and a non-null field the fake's data lacks is an error (so the
fake answers only schema-shaped data). Invalid documents and variables are answered as Shopify
does, HTTP 200 with `errors` (and no `data`). Lookups: `productByIdentifier(identifier: {handle})` (a created
product gets a handle from its title when it has none, as Shopify does) and
`fulfillmentOrder(id) { fulfillments { nodes { id trackingInfo { number } } } }`.
"""

from __future__ import annotations

import base64
import re
import threading
import time
from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLError, execute_sync, parse, validate

from tests.fakes import shopify_schema
from tests.fakes.http import FakeRequest, FakeResponse, FakeServer, NotFound, iso_z, moment

INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"


def _money(amount: str) -> dict[str, Any]:
    return {"shopMoney": {"amount": amount, "currencyCode": "EUR"}}


def _product(fields: dict[str, Any], stamp: str, item: str) -> dict[str, Any]:
    """A product with what Shopify fills in for one created with `fields` (a default variant)."""
    variant = {
        "id": item.replace("InventoryItem", "ProductVariant"),
        "title": "Default Title",
        "price": "10.00",
    }
    defaults = {"status": "ACTIVE", "vendor": "", "productType": "", "tags": [], "descriptionHtml": ""}
    return {
        **defaults,
        **fields,
        "createdAt": stamp,
        "updatedAt": stamp,
        "variants": {"nodes": [{**variant, "inventoryItem": {"id": item}}]},
    }


def _cursor(index: int) -> str:
    return base64.b64encode(f'{{"last_id":{index}}}'.encode()).decode()


def _index(cursor: str) -> int:
    text = base64.b64decode(cursor).decode()
    match = re.search(r"\d+", text)
    return int(match.group(0)) if match else -1


class FakeShopify(FakeServer):
    system = "shopify"

    def __init__(self, access_token: str = "shpat_fake_0123456789abcdef", n: int = 7) -> None:
        super().__init__()
        self.access_token = access_token
        self.maximum = 1000.0
        self.restore_rate = 100.0
        self.query_cost = 12.0
        self._available = self.maximum
        self._at = time.monotonic()
        self._bucket_lock = threading.Lock()
        self.nodes: dict[str, list[dict[str, Any]]] = {
            "orders": [],
            "products": [],
            "customers": [],
            "inventoryItems": [],
        }
        for i in range(n):
            stamp = iso_z(moment(i))
            self.nodes["orders"].append(
                {
                    "id": f"gid://shopify/Order/{700 + i}",
                    "name": f"#{1001 + i}",
                    "email": f"s{i}@example.com",
                    "createdAt": stamp,
                    "processedAt": stamp,
                    "updatedAt": stamp,
                    "displayFulfillmentStatus": "UNFULFILLED",
                    "tags": [],
                    "currentTotalPriceSet": _money(f"{20 + i}.00"),
                    "lineItems": {
                        "nodes": [
                            {
                                "id": f"gid://shopify/LineItem/{i}",
                                "sku": f"SH-{i}",
                                "title": f"Product {i}",
                                "quantity": 1,
                                "originalUnitPriceSet": _money(f"{20 + i}.00"),
                            }
                        ]
                    },
                }
            )
            self.nodes["products"].append(
                _product(
                    {
                        "id": f"gid://shopify/Product/{800 + i}",
                        "title": f"Product {i}",
                        "handle": f"product-{i}",
                    },
                    stamp,
                    f"gid://shopify/InventoryItem/{600 + i}",
                )
            )
            self.nodes["customers"].append(
                {
                    "id": f"gid://shopify/Customer/{900 + i}",
                    "defaultEmailAddress": {"emailAddress": f"s{i}@example.com"},
                    "state": "ENABLED",
                    "tags": [],
                    "createdAt": stamp,
                    "updatedAt": stamp,
                }
            )
            self.nodes["inventoryItems"].append(
                {
                    "id": f"gid://shopify/InventoryItem/{600 + i}",
                    "sku": f"SH-{i}",
                    "updatedAt": stamp,
                    "inventoryLevels": {
                        "nodes": [
                            {
                                "id": f"gid://shopify/InventoryLevel/{600 + i}?loc={loc}",
                                "updatedAt": stamp,
                                "location": {
                                    "id": f"gid://shopify/Location/{loc}",
                                    "name": f"Warehouse {loc}",
                                },
                                "quantities": [{"name": "available", "quantity": 10 * i + loc}],
                            }
                            for loc in (1, 2)
                        ]
                    },
                }
            )
        self.next_id = 5000
        self.versions: list[str] = []  # the API version of each request
        self.mutations: list[tuple[str, dict[str, Any]]] = []
        self.fulfillments: dict[str, list[dict[str, Any]]] = {}  # fulfillment order id -> fulfillments

    # -- the cost bucket ----------------------------------------------------------------------

    def set_bucket(
        self, *, available: float, restore_rate: float | None = None, maximum: float | None = None
    ) -> None:
        with self._bucket_lock:
            if maximum is not None:
                self.maximum = maximum
            if restore_rate is not None:
                self.restore_rate = restore_rate
            self._available = available
            self._at = time.monotonic()

    def _spend(self, cost: float) -> tuple[bool, dict[str, Any]]:
        with self._bucket_lock:
            now = time.monotonic()
            self._available = min(self.maximum, self._available + (now - self._at) * self.restore_rate)
            self._at = now
            fits = self._available >= cost
            if fits:
                self._available -= cost
            status = {
                "maximumAvailable": self.maximum,
                "currentlyAvailable": round(self._available, 1),
                "restoreRate": self.restore_rate,
            }
        return fits, {
            "requestedQueryCost": cost,
            "actualQueryCost": cost if fits else None,
            "throttleStatus": status,
        }

    # -- dialect ------------------------------------------------------------------------------

    def authorized(self, request: FakeRequest) -> bool:
        return request.headers.get("x-shopify-access-token") == self.access_token

    def fault_response(self, kind: str, request: FakeRequest, retry_after: float | None) -> FakeResponse:
        if kind == "auth":
            return FakeResponse(401, {"errors": INVALID_TOKEN})
        if kind == "rate_limit":
            # An empty bucket that refills the query's cost in exactly `retry_after` seconds.
            wait = retry_after if retry_after is not None else 1.0
            cost = self.query_cost
            status = {"maximumAvailable": self.maximum, "currentlyAvailable": 0.0, "restoreRate": cost / wait}
            throttled = {"requestedQueryCost": cost, "actualQueryCost": None, "throttleStatus": status}
            return FakeResponse(200, self._throttled(throttled))
        if kind == "server_error":
            return FakeResponse(503, {"errors": "Service Unavailable"})
        return FakeResponse(400, {"errors": [{"message": 'Parse error on "}" (RCURLY) at [1, 2]'}]})

    def _throttled(self, cost: dict[str, Any]) -> dict[str, Any]:
        return {
            "errors": [
                {
                    "message": "Throttled",
                    "extensions": {
                        "code": "THROTTLED",
                        "documentation": "https://shopify.dev/api/usage/rate-limits",
                    },
                }
            ],
            "extensions": {"cost": cost},
        }

    def route(self, request: FakeRequest) -> FakeResponse:
        path = re.fullmatch(r"/admin/api/(\d{4}-\d{2}|unstable)/graphql\.json", request.path)
        if not path or request.method != "POST":
            raise NotFound
        body = request.json()
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return FakeResponse(400, {"errors": {"query": "Required parameter missing or invalid"}})
        query, variables = body["query"], body.get("variables") or {}
        version = path.group(1)
        self.versions.append(version)
        schema = shopify_schema.schema(version)
        try:
            document = parse(query)
        except GraphQLError as exc:
            return self._invalid([exc.formatted])
        problems = [e.formatted for e in validate(schema, document)]
        problems += [{"message": m} for m in shopify_schema.rules_2026_04(version, document, variables)]
        if problems:
            return self._invalid(problems)
        fits, cost = self._spend(self.query_cost)
        if not fits:
            return FakeResponse(200, self._throttled(cost))
        roots = [t for t in (schema.query_type, schema.mutation_type) if t is not None]
        resolvers = {name: self._resolver(name) for root in roots for name in root.fields}
        result = execute_sync(schema, document, root_value=resolvers, variable_values=variables)
        answer: dict[str, Any] = {"extensions": {"cost": cost}}
        if result.errors:
            answer["errors"] = [e.formatted for e in result.errors]
            with self._lock:
                self.spec_problems += [str(e["message"]) for e in answer["errors"]]
        if result.data is not None:
            answer["data"] = result.data
        return FakeResponse(200, answer)

    def _invalid(self, errors: list[Any]) -> FakeResponse:
        with self._lock:
            self.spec_problems += [str(e["message"]) for e in errors]
        return FakeResponse(200, {"errors": errors})

    def _resolver(self, root: str) -> Any:
        def resolve(info: Any, **args: Any) -> Any:
            return self._resolve(root, args)

        return resolve

    def _resolve(self, root: str, variables: dict[str, Any]) -> Any:
        if root == "shop":
            return {"name": "Fake Shopify store"}
        if root in self.nodes:
            return self._connection(self.nodes[root], variables, whole_days=root == "customers")
        if root == "node":
            wanted = variables.get("id")
            found = next((n for nodes in self.nodes.values() for n in nodes if n.get("id") == wanted), None)
            return {**found, "__typename": found["id"].split("/")[3]} if found else None
        if root == "productByIdentifier":
            handle = (variables.get("identifier") or {}).get("handle")
            return next((p for p in self.nodes["products"] if p.get("handle") == handle), None)
        if root == "fulfillmentOrder":
            return {"fulfillments": {"nodes": self.fulfillments.get(str(variables.get("id")), [])}}
        if root in ("productCreate", "productUpdate"):
            return self._product(root, variables.get("product") or {})
        if root in ("inventoryAdjustQuantities", "inventorySetQuantities"):
            return self._inventory(root, variables.get("input") or {})
        if root == "fulfillmentCreate":
            return self._fulfillment(variables.get("fulfillment") or {})
        raise GraphQLError(f"the fake does not implement {root}")

    def _connection(
        self, nodes: list[dict[str, Any]], variables: dict[str, Any], whole_days: bool = False
    ) -> dict[str, Any]:
        first = int(variables.get("first") or 0)
        if not 1 <= first <= 250:
            raise ValueError("first must be 1..250")
        selected = list(enumerate(nodes))
        query = variables.get("query") or ""
        match = re.search(r"updated_at:(>=|>)'([^']+)'", query)
        if match:
            op, value = match.groups()
            limit = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if whole_days:  # Shopify's customer search compares dates, not times
                limit = limit.replace(hour=0, minute=0, second=0)

            def keep(node: dict[str, Any]) -> bool:
                at = datetime.fromisoformat(node["updatedAt"].replace("Z", "+00:00"))
                return at >= limit if op == ">=" else at > limit

            selected = [(i, n) for i, n in selected if keep(n)]
        after = variables.get("after")
        if after:
            last = _index(after)
            selected = [(i, n) for i, n in selected if i > last]
        chunk = selected[:first]
        has_next = len(selected) > first
        end = _cursor(chunk[-1][0]) if chunk else None
        return {"nodes": [n for _, n in chunk], "pageInfo": {"hasNextPage": has_next, "endCursor": end}}

    def _product(self, root: str, product: dict[str, Any]) -> dict[str, Any]:
        self.mutations.append((root, product))
        if root == "productCreate":
            if not product.get("title"):
                return {
                    "product": None,
                    "userErrors": [{"field": ["title"], "message": "Title can't be blank"}],
                }
            self.next_id += 1
            handle = re.sub(r"[^a-z0-9]+", "-", product["title"].lower()).strip("-")
            fields = {"handle": handle, **product, "id": f"gid://shopify/Product/{self.next_id}"}
            node = _product(fields, iso_z(datetime.now(UTC)), f"gid://shopify/InventoryItem/{self.next_id}")
            self.nodes["products"].append(node)
            return {"product": {"id": node["id"]}, "userErrors": []}
        found = next((p for p in self.nodes["products"] if p["id"] == product.get("id")), None)
        if found is None:
            return {"product": None, "userErrors": [{"field": ["id"], "message": "Product does not exist"}]}
        found.update(product)
        return {"product": {"id": found["id"]}, "userErrors": []}

    def _inventory(self, root: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.mutations.append((root, payload))
        entries = payload.get("changes") if root == "inventoryAdjustQuantities" else payload.get("quantities")
        if not payload.get("name") or not payload.get("reason") or not entries:
            return {
                "inventoryAdjustmentGroup": None,
                "userErrors": [
                    {
                        "field": ["input"],
                        "message": "The quantity name and reason are required.",
                        "code": "INVALID",
                    }
                ],
            }
        known = {item["id"] for item in self.nodes["inventoryItems"]}
        for entry in entries:
            if entry.get("inventoryItemId") not in known:
                return {
                    "inventoryAdjustmentGroup": None,
                    "userErrors": [
                        {
                            "field": ["input", "changes", "0", "inventoryItemId"],
                            "message": "The specified inventory item could not be found.",
                            "code": "INVALID_INVENTORY_ITEM",
                        }
                    ],
                }
        self.next_id += 1
        return {
            "inventoryAdjustmentGroup": {"id": f"gid://shopify/InventoryAdjustmentGroup/{self.next_id}"},
            "userErrors": [],
        }

    def _fulfillment(self, fulfillment: dict[str, Any]) -> dict[str, Any]:
        self.mutations.append(("fulfillmentCreate", fulfillment))
        groups = fulfillment.get("lineItemsByFulfillmentOrder") or []
        if not groups or not all(g.get("fulfillmentOrderId") for g in groups):
            return {
                "fulfillment": None,
                "userErrors": [{"field": ["fulfillment"], "message": "Fulfillment order does not exist."}],
            }
        self.next_id += 1
        node = {
            "id": f"gid://shopify/Fulfillment/{self.next_id}",
            "status": "SUCCESS",
            "trackingInfo": [fulfillment["trackingInfo"]] if fulfillment.get("trackingInfo") else [],
        }
        for group in groups:
            self.fulfillments.setdefault(group["fulfillmentOrderId"], []).append(node)
        return {"fulfillment": {"id": node["id"], "status": node["status"]}, "userErrors": []}
