"""Fake Magento 2 REST API (`/rest/{store}/V1`).

Dialect: bearer integration token; lists take `searchCriteria[filter_groups][g][filters][f][field|
value|condition_type]`, `searchCriteria[pageSize]`, `searchCriteria[currentPage]` and
`searchCriteria[sortOrders]` and answer `{"items", "search_criteria", "total_count"}`; a page
past the end returns the last page again (as Magento does); times are UTC without an offset
(`2024-03-01 08:00:00`); errors are `{"message": "... %1 ...", "parameters": [...]}`.
`POST /order/{id}/ship` answers the new shipment's `entity_id`; `GET /shipments` searches them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from tests.fakes import specs
from tests.fakes.http import FakeRequest, FakeResponse, FakeServer, NotFound, moment

API = "/rest/default/V1"
CONDITIONS = {
    "eq": lambda a, b: a == b,
    "gteq": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "lteq": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
    "neq": lambda a, b: a != b,
}


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _error(status: int, message: str, parameters: Any = None) -> FakeResponse:
    body: dict[str, Any] = {"message": message}
    if parameters is not None:
        body["parameters"] = parameters
    return FakeResponse(status, body)


class FakeMagento2(FakeServer):
    system = "magento2"
    spec = specs.magento2()

    def __init__(self, access_token: str = "mg_integration_token_77aa", n: int = 7) -> None:
        super().__init__()
        self.access_token = access_token
        self.store: dict[str, list[dict[str, Any]]] = {"orders": [], "products": [], "customers": []}
        for i in range(n):
            stamp = _stamp(moment(i))
            self.store["orders"].append(
                {
                    "entity_id": 40 + i,
                    "increment_id": f"00000{100 + i}",
                    "state": "processing",
                    "customer_email": f"m{i}@example.com",
                    "grand_total": 20 + i,
                    "base_grand_total": 20 + i,
                    "items": [],
                    "updated_at": stamp,
                }
            )
            self.store["products"].append(
                {
                    "id": 50 + i,
                    "sku": f"MG-{i}",
                    "name": f"Product {i}",
                    "type_id": "simple",
                    "updated_at": stamp,
                }
            )
            self.store["customers"].append(
                {
                    "id": 60 + i,
                    "email": f"m{i}@example.com",
                    "firstname": "Maria",
                    "lastname": f"Customer {i}",
                    "updated_at": stamp,
                }
            )
        self.next_id = 900
        self.source_items: list[dict[str, Any]] = []
        self.shipments: list[dict[str, Any]] = []

    @property
    def url(self) -> str:
        return self.origin

    def authorized(self, request: FakeRequest) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.access_token}"

    def fault_response(self, kind: str, request: FakeRequest, retry_after: float | None) -> FakeResponse:
        if kind == "auth":
            return _error(
                401,
                "The consumer isn't authorized to access %resources.",
                {"resources": "Magento_Sales::actions_view"},
            )
        if kind == "rate_limit":
            response = _error(429, "Too many requests. Try again in %1 seconds.", [retry_after or 1])
            response.headers["Retry-After"] = str(retry_after if retry_after is not None else 1)
            return response
        if kind == "server_error":
            return _error(503, "Service temporarily unavailable. Try again later.")
        return _error(400, 'The "%1" attribute value is empty. Set the attribute and try again.', ["name"])

    def spec_refusal(self, request: FakeRequest, problems: list[str]) -> FakeResponse:
        return _error(400, "%1", ["; ".join(problems)])

    def not_found(self, request: FakeRequest) -> FakeResponse:
        return _error(404, "Request does not match any route.")

    def route(self, request: FakeRequest) -> FakeResponse:
        if not request.path.startswith(API):
            raise NotFound
        path, method = request.path[len(API) :], request.method
        if path == "/store/storeConfigs" and method == "GET":
            base = "https://shop.example.com/"
            config = {
                "id": 1,
                "code": "default",
                "website_id": 1,
                "locale": "en_US",
                "base_currency_code": "EUR",
                "default_display_currency_code": "EUR",
                "timezone": "UTC",
                "weight_unit": "kgs",
                **{
                    f"{s}base_{k}url": f"{base}{k}"
                    for s in ("", "secure_")
                    for k in ("", "link_", "static_", "media_")
                },
            }
            return FakeResponse(200, [config])
        lists = {"/orders": "orders", "/products": "products", "/customers/search": "customers"}
        if path in lists and method == "GET":
            return self._search(self.store[lists[path]], request)
        if path == "/shipments" and method == "GET":
            return self._search(self.shipments, request)
        match = re.fullmatch(r"/products/([^/]+)", path)
        if match and method == "PUT":
            return self._product(match.group(1), request.json())
        if path == "/products" and method == "POST":
            body = request.json()
            sku = (body or {}).get("product", {}).get("sku")
            if not sku:
                return _error(
                    400, 'The "%1" attribute value is empty. Set the attribute and try again.', ["sku"]
                )
            return self._product(sku, body)
        if path == "/customers" and method == "POST":
            return self._customer(None, request.json())
        match = re.fullmatch(r"/customers/(\d+)", path)
        if match and method == "PUT":
            return self._customer(int(match.group(1)), request.json())
        if match and method == "GET":
            found = next((c for c in self.store["customers"] if c["id"] == int(match.group(1))), None)
            if found is None:
                return _error(
                    404, "No such entity with %fieldName = %fieldValue", {"fieldName": "customerId"}
                )
            return FakeResponse(200, found)
        if path == "/inventory/source-items" and method == "POST":
            items = (request.json() or {}).get("sourceItems")
            if not items:
                return _error(
                    400, '"%fieldName" is required. Enter and try again.', {"fieldName": "sourceItems"}
                )
            self.source_items.extend(items)
            return FakeResponse(200, [])
        match = re.fullmatch(r"/order/(\d+)/ship", path)
        if match and method == "POST":
            order_id = int(match.group(1))
            if not any(o["entity_id"] == order_id for o in self.store["orders"]):
                return _error(
                    404, "The entity that was requested doesn't exist. Verify the entity and try again."
                )
            self.next_id += 1
            self.shipments.append({"entity_id": self.next_id, "order_id": order_id, **(request.json() or {})})
            return FakeResponse(200, self.next_id)
        raise NotFound

    def _search(self, rows: list[dict[str, Any]], request: FakeRequest) -> FakeResponse:
        groups: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
        for key, values in request.query.items():
            # Magento takes the swagger's camelCase (filterGroups, conditionType) and snake_case.
            match = re.fullmatch(
                r"searchCriteria\[(?:filter_groups|filterGroups)\]\[(\d+)\]\[filters\]\[(\d+)\]\[(\w+)\]", key
            )
            if match:
                name = "condition_type" if match.group(3) == "conditionType" else match.group(3)
                groups[match.group(1)][match.group(2)][name] = values[0]
        if "searchCriteria[pageSize]" not in request.query and not groups:
            return _error(
                400, '"%fieldName" is required. Enter and try again.', {"fieldName": "searchCriteria"}
            )
        selected = list(rows)
        for filters in groups.values():  # groups AND, filters within a group OR
            conditions = []
            for spec in filters.values():
                op = CONDITIONS.get(spec.get("condition_type", "eq"))
                if op is None or "field" not in spec:
                    return _error(
                        400, 'Invalid value of "%1" provided for the %2 field.', [spec, "condition_type"]
                    )
                conditions.append((spec["field"], op, spec.get("value", "")))
            selected = [r for r in selected if any(op(_field(r, f), v) for f, op, v in conditions)]
        sort_field = request.param("searchCriteria[sortOrders][0][field]")
        if sort_field:
            descending = request.param("searchCriteria[sortOrders][0][direction]", "ASC") == "DESC"
            selected.sort(key=lambda r: str(r.get(sort_field, "")), reverse=descending)
        size = int(request.param("searchCriteria[pageSize]", "0") or 0)
        current = int(request.param("searchCriteria[currentPage]", "1") or 1)
        items = selected
        if size:
            last = max(1, -(-len(selected) // size))
            current = min(current, last)  # Magento answers a page past the end with the last page
            items = selected[(current - 1) * size : current * size]
        criteria: dict[str, Any] = {"filter_groups": [], "current_page": current}
        if size:
            criteria["page_size"] = size
        return FakeResponse(200, {"items": items, "search_criteria": criteria, "total_count": len(selected)})

    def _product(self, sku: str, body: Any) -> FakeResponse:
        product = (body or {}).get("product") if isinstance(body, dict) else None
        if not isinstance(product, dict):
            return _error(400, '"%fieldName" is required. Enter and try again.', {"fieldName": "product"})
        found = next((p for p in self.store["products"] if p["sku"] == sku), None)
        now = _stamp(datetime.now(UTC))
        if found is None:
            if not product.get("name"):
                return _error(
                    400, 'The "%1" attribute value is empty. Set the attribute and try again.', ["name"]
                )
            self.next_id += 1
            found = {"id": self.next_id, "sku": sku}
            self.store["products"].append(found)
        found.update({k: v for k, v in product.items() if k != "id"})
        found["updated_at"] = now
        return FakeResponse(200, found)

    def _customer(self, ident: int | None, body: Any) -> FakeResponse:
        customer = (body or {}).get("customer") if isinstance(body, dict) else None
        if not isinstance(customer, dict):
            return _error(400, '"%fieldName" is required. Enter and try again.', {"fieldName": "customer"})
        if ident is None:
            for field in ("email", "firstname", "lastname"):
                if not customer.get(field):
                    return _error(400, '"%fieldName" is required. Enter and try again.', {"fieldName": field})
            self.next_id += 1
            row = {**customer, "id": self.next_id, "updated_at": _stamp(datetime.now(UTC))}
            self.store["customers"].append(row)
            return FakeResponse(200, row)
        found = next((c for c in self.store["customers"] if c["id"] == ident), None)
        if found is None:
            return _error(
                404,
                "No such entity with %fieldName = %fieldValue",
                {"fieldName": "customerId", "fieldValue": ident},
            )
        found.update(customer)
        return FakeResponse(200, found)


def _field(row: dict[str, Any], name: str) -> str:
    """A row's value for a search filter: products and customers answer `entity_id` as `id`."""
    if name == "entity_id" and name not in row:
        name = "id"
    return str(row.get(name, ""))
