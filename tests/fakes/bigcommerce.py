"""Fake BigCommerce REST API (`/stores/{hash}/v3/...`, `/stores/{hash}/v2/...`).

Dialect: `X-Auth-Token`; v3 lists `{"data": [...], "meta": {"pagination": {...}}}` with `page`/
`limit` and `date_modified:min`; v2 orders a plain list (`[]` when empty: the spec documents 200
only) with RFC 2822 dates and `min_date_modified`; requests are checked against BigCommerce's
OpenAPI files (tests/specs) and refused as BigCommerce does (v3: 422, v2: 400); every answer
carries `X-Rate-Limit-Requests-Left`, `X-Rate-Limit-Time-Reset-Ms`, `X-Rate-Limit-Requests-Quota`,
`X-Rate-Limit-Time-Window-Ms`; 429s
say when the window resets (no Retry-After); v3 errors `{"status", "title", "type", "errors"}`,
v2 errors `[{"status", "message"}]`. Exact list filters: products `sku`, customers `email:in`
(comma-separated, case-insensitive), v2 orders `external_order_id`; an order's shipments are
listed at `GET /v2/orders/{id}/shipments` (204 when there are none).
"""

from __future__ import annotations

import email.utils
import re
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from tests.fakes import specs
from tests.fakes.http import FakeRequest, FakeResponse, FakeServer, NotFound, iso_z, moment, paginate

STORE = "abc123"
ERROR_TYPE = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"


def _v3_error(status: int, title: str, errors: dict[str, str] | None = None) -> FakeResponse:
    body: dict[str, Any] = {"status": status, "title": title, "type": ERROR_TYPE}
    if errors:
        body["errors"] = errors
    return FakeResponse(status, body)


def _parse_when(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class FakeBigCommerce(FakeServer):
    system = "bigcommerce"
    spec = specs.bigcommerce(STORE)

    def __init__(self, access_token: str = "bc_token_5e7d1c9a", n: int = 7) -> None:
        super().__init__()
        self.access_token = access_token
        self.quota = 150
        self.window_ms = 30_000
        self._window_start = time.monotonic()
        self._used = 0
        self._window_lock = threading.Lock()
        self.products: list[dict[str, Any]] = []
        self.customers: list[dict[str, Any]] = []
        self.orders: list[dict[str, Any]] = []
        for i in range(n):
            stamp = moment(i)
            self.products.append(
                {
                    "id": 10 + i,
                    "name": f"Product {i}",
                    "sku": f"BC-{i}",
                    "type": "physical",
                    "date_modified": iso_z(stamp),
                }
            )
            self.customers.append({"id": 20 + i, "email": f"b{i}@example.com", "date_modified": iso_z(stamp)})
            self.orders.append(
                {
                    "id": 30 + i,
                    "status": "Awaiting Fulfillment",
                    "date_modified": email.utils.format_datetime(stamp, usegmt=False),
                    "total_inc_tax": f"{20 + i}.0000",
                }
            )
        self.next_id = 500
        self.adjustments: list[Any] = []
        self.shipments: list[dict[str, Any]] = []

    @property
    def url(self) -> str:
        return f"{self.origin}/stores/{STORE}"

    # -- rate window --------------------------------------------------------------------------

    def set_window(self, *, quota: int | None = None, window_ms: int | None = None, used: int = 0) -> None:
        with self._window_lock:
            if quota is not None:
                self.quota = quota
            if window_ms is not None:
                self.window_ms = window_ms
            self._window_start = time.monotonic()
            self._used = used

    def _rate_headers(self, count: bool = True) -> dict[str, str]:
        with self._window_lock:
            elapsed_ms = (time.monotonic() - self._window_start) * 1000
            if elapsed_ms >= self.window_ms:
                self._window_start, self._used, elapsed_ms = time.monotonic(), 0, 0
            if count:
                self._used += 1
            return {
                "X-Rate-Limit-Requests-Left": str(max(0, self.quota - self._used)),
                "X-Rate-Limit-Requests-Quota": str(self.quota),
                "X-Rate-Limit-Time-Reset-Ms": str(int(self.window_ms - elapsed_ms)),
                "X-Rate-Limit-Time-Window-Ms": str(self.window_ms),
            }

    def handle(self, request: FakeRequest) -> FakeResponse:
        response = super().handle(request)
        if response.status != 429:
            response.headers.update(self._rate_headers())
        return response

    # -- dialect ------------------------------------------------------------------------------

    def authorized(self, request: FakeRequest) -> bool:
        return request.headers.get("x-auth-token") == self.access_token

    def fault_response(self, kind: str, request: FakeRequest, retry_after: float | None) -> FakeResponse:
        v2 = "/v2/" in request.path
        if kind == "auth":
            if v2:
                return FakeResponse(
                    401, [{"status": 401, "message": "You are not authorized to access this resource."}]
                )
            return _v3_error(401, "You are not authorized to access this resource.")
        if kind == "rate_limit":
            reset_ms = int((retry_after if retry_after is not None else 1) * 1000)
            headers = {
                "X-Rate-Limit-Requests-Left": "0",
                "X-Rate-Limit-Requests-Quota": str(self.quota),
                "X-Rate-Limit-Time-Reset-Ms": str(reset_ms),
                "X-Rate-Limit-Time-Window-Ms": str(self.window_ms),
            }
            return FakeResponse(429, _v3_error(429, "Too many requests").body, headers)
        if kind == "server_error":
            return FakeResponse(500, {"status": 500, "title": "Internal Server Error", "type": ERROR_TYPE})
        return _v3_error(422, "JSON data is missing or invalid", {"name": "error.path.missing[name]"})

    def route(self, request: FakeRequest) -> FakeResponse:
        prefix = f"/stores/{STORE}"
        if not request.path.startswith(prefix):
            raise NotFound
        path, method = request.path[len(prefix) :], request.method
        if path == "/v2/store" and method == "GET":
            return FakeResponse(
                200, {"id": STORE, "name": "Fake BigCommerce store", "domain": "fake.example"}
            )
        if path == "/v3/catalog/products" and method == "GET":
            return self._v3_list(self.products, request)
        if path == "/v3/catalog/products" and method == "POST":
            return self._product(None, request.json())
        match = re.fullmatch(r"/v3/catalog/products/(\d+)", path)
        if match and method == "PUT":
            return self._product(int(match.group(1)), request.json())
        if path == "/v3/customers" and method == "GET":
            return self._v3_list(self.customers, request)
        if path == "/v3/customers" and method in ("POST", "PUT"):
            return self._customers(method, request.json())
        if path == "/v2/orders" and method == "GET":
            return self._v2_orders(request)
        if path == "/v2/orders" and method == "POST":
            return self._order(request.json())
        if path == "/v3/inventory/adjustments/absolute" and method == "PUT":
            return self._inventory(request.json())
        match = re.fullmatch(r"/v2/orders/(\d+)", path)
        if match and method in ("GET", "PUT"):
            order = next((o for o in self.orders if o["id"] == int(match.group(1))), None)
            gone = [{"status": 404, "message": "The requested resource was not found."}]
            if order and method == "PUT":
                order.update(request.json())
            return FakeResponse(200, order) if order else FakeResponse(404, gone)
        match = re.fullmatch(r"/v2/orders/(\d+)/shipments", path)
        if match and method == "POST":
            return self._shipment(int(match.group(1)), request.json())
        if match and method == "GET":
            shipments = [s for s in self.shipments if s["order_id"] == int(match.group(1))]
            return FakeResponse(200, shipments) if shipments else FakeResponse(204, None)
        raise NotFound

    def spec_refusal(self, request: FakeRequest, problems: list[str]) -> FakeResponse:
        if "/v2/" in request.path:
            return FakeResponse(400, [{"status": 400, "message": problem} for problem in problems])
        errors = {}
        for i, problem in enumerate(problems):  # BigCommerce names a missing field error.path.missing[x]
            missing = re.search(r"'(\w+)' is a required property", problem)
            errors[missing.group(1) if missing else str(i)] = (
                f"error.path.missing[{missing.group(1)}]" if missing else problem
            )
        return _v3_error(422, "JSON data is missing or invalid", errors)

    def not_found(self, request: FakeRequest) -> FakeResponse:
        if "/v2/" in request.path:
            return FakeResponse(404, [{"status": 404, "message": "The requested resource was not found."}])
        return _v3_error(404, "The requested resource was not found.")

    def _limit(self, request: FakeRequest, default: int = 50) -> tuple[int, int] | FakeResponse:
        try:
            limit = int(request.param("limit", str(default)) or default)
            page = int(request.param("page", "1") or 1)
        except ValueError:
            return _v3_error(422, "Invalid page or limit")
        if not 1 <= limit <= 250:
            return _v3_error(422, "The limit must be between 1 and 250.", {"limit": "out of range"})
        return page, limit

    def _v3_list(self, rows: list[dict[str, Any]], request: FakeRequest) -> FakeResponse:
        parsed = self._limit(request)
        if isinstance(parsed, FakeResponse):
            return parsed
        page, limit = parsed
        since = request.param("date_modified:min")
        selected = [r for r in rows if since is None or _parse_when(r["date_modified"]) >= _parse_when(since)]
        sku = request.param("sku")
        if sku is not None:
            selected = [r for r in selected if r.get("sku") == sku]
        ids = request.param("id:in")
        if ids is not None:
            wanted_ids = {i.strip() for i in ids.split(",")}
            selected = [r for r in selected if str(r.get("id")) in wanted_ids]
        emails = request.param("email:in")
        if emails is not None:
            wanted = {e.strip().casefold() for e in emails.split(",")}
            selected = [r for r in selected if str(r.get("email", "")).casefold() in wanted]
        chunk, pages = paginate(selected, page, limit)
        links: dict[str, str] = {"current": f"?page={page}&limit={limit}"}
        if page < pages:
            links["next"] = f"?page={page + 1}&limit={limit}"
        meta = {
            "pagination": {
                "total": len(selected),
                "count": len(chunk),
                "per_page": limit,
                "current_page": page,
                "total_pages": pages,
                "links": links,
            }
        }
        return FakeResponse(200, {"data": chunk, "meta": meta})

    def _v2_orders(self, request: FakeRequest) -> FakeResponse:
        parsed = self._limit(request)
        if isinstance(parsed, FakeResponse):
            return FakeResponse(400, [{"status": 400, "message": "The field 'limit' is invalid."}])
        page, limit = parsed
        since = request.param("min_date_modified")
        rows = [
            r for r in self.orders if since is None or _parse_when(r["date_modified"]) >= _parse_when(since)
        ]
        external = request.param("external_order_id")
        if external is not None:
            rows = [r for r in rows if r.get("external_order_id") == external]
        chunk, _ = paginate(rows, page, limit)
        return FakeResponse(200, chunk)  # the spec documents 200 only, an empty page included

    def _product(self, ident: int | None, body: Any) -> FakeResponse:
        if not isinstance(body, dict):
            return _v3_error(422, "JSON data is missing or invalid")
        if ident is None:
            self.next_id += 1
            row = {**body, "id": self.next_id, "date_modified": iso_z(datetime.now(UTC))}
            self.products.append(row)
            return FakeResponse(200, {"data": row, "meta": {}})
        found = next((p for p in self.products if p["id"] == ident), None)
        if found is None:
            return _v3_error(404, "The requested resource was not found.")
        found.update(body)
        return FakeResponse(200, {"data": found, "meta": {}})

    def _customers(self, method: str, body: Any) -> FakeResponse:
        if not isinstance(body, list) or not body:
            return _v3_error(422, "JSON data is missing or invalid", {"": "expected an array of customers"})
        out = []
        for item in body:
            if method == "POST":
                missing = {
                    f: f"error.path.missing[{f}]"
                    for f in ("email", "first_name", "last_name")
                    if f not in item
                }
                if missing:
                    return _v3_error(422, "JSON data is missing or invalid", missing)
                self.next_id += 1
                row = {**item, "id": self.next_id}
                self.customers.append(row)
            else:
                row = next((c for c in self.customers if c["id"] == item.get("id")), {})
                row.update(item)
            out.append(row)
        return FakeResponse(200, {"data": out, "meta": {}})

    def _order(self, body: Any) -> FakeResponse:
        if not isinstance(body, dict) or "products" not in body:
            return FakeResponse(
                400, [{"status": 400, "message": "The required field 'products' was not supplied."}]
            )
        self.next_id += 1
        products = {"url": f"{self.url}/v2/orders/{self.next_id}/products", "resource": "/products"}
        row = {**body, "id": self.next_id, "products": products}  # lines are a sub-resource
        self.orders.append(row)
        return FakeResponse(200, row)  # the spec documents 200 for a created order

    def _inventory(self, body: Any) -> FakeResponse:
        if not isinstance(body, dict) or not body.get("items"):
            return _v3_error(422, "JSON data is missing or invalid", {"items": "error.path.missing[items]"})
        self.adjustments.append(body)
        return FakeResponse(200, {"transaction_id": str(uuid.uuid4())})

    def _shipment(self, order_id: int, body: Any) -> FakeResponse:
        if not any(o["id"] == order_id for o in self.orders):
            return FakeResponse(404, [{"status": 404, "message": "The requested resource was not found."}])
        if not isinstance(body, dict) or "order_address_id" not in body:
            return FakeResponse(
                400, [{"status": 400, "message": "The required field 'order_address_id' was not supplied."}]
            )
        self.next_id += 1
        row = {**body, "id": self.next_id, "order_id": order_id}
        self.shipments.append(row)
        return FakeResponse(201, row)
