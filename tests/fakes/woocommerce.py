"""Fake WooCommerce REST API v3 (`/wp-json/wc/v3`).

Dialect: Basic auth or `consumer_key`/`consumer_secret` query parameters; `page`/`per_page`
(1..100) with `X-WP-Total`/`X-WP-TotalPages` and `Link` headers; `modified_after` (exclusive) with
`dates_are_gmt`; `date_modified` in the site's time zone (naive) and `date_modified_gmt` (naive
UTC); errors as `{"code", "message", "data": {"status", "params"}}`. List filters: `sku`
(products), `email` (customers, case-insensitive as MySQL compares), `search` (orders: a fuzzy
substring match on the id, number and billing e-mail, as WooCommerce's order search is).
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.fakes import specs
from tests.fakes.http import FakeRequest, FakeResponse, FakeServer, NotFound, moment, paginate

API = "/wp-json/wc/v3"
SITE_TZ = ZoneInfo("Europe/Berlin")


def _local(value: datetime) -> str:
    return value.astimezone(SITE_TZ).strftime("%Y-%m-%dT%H:%M:%S")


def _gmt(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _error(status: int, code: str, message: str, **data: Any) -> FakeResponse:
    return FakeResponse(status, {"code": code, "message": message, "data": {"status": status, **data}})


def _searchable(row: dict[str, Any]) -> list[Any]:
    billing = row.get("billing")
    email = billing.get("email") if isinstance(billing, dict) else None
    return [row.get("id"), row.get("number"), row.get("email"), email]


class FakeWooCommerce(FakeServer):
    system = "woocommerce"
    spec = specs.WooCommerceDocs(API)

    def __init__(
        self, consumer_key: str = "ck_fake_key_4f1a", consumer_secret: str = "cs_fake_secret_9b2c", n: int = 7
    ):
        super().__init__()
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.store: dict[str, list[dict[str, Any]]] = {"orders": [], "products": [], "customers": []}
        for i in range(n):
            stamp = moment(i)
            dates = {
                "date_created": _local(stamp),
                "date_created_gmt": _gmt(stamp),
                "date_modified": _local(stamp),
                "date_modified_gmt": _gmt(stamp),
            }
            self.store["orders"].append(
                {
                    "id": 100 + i,
                    "number": str(1001 + i),
                    "status": "processing",
                    "total": f"{10 + i}.00",
                    **dates,
                }
            )
            self.store["products"].append(
                {
                    "id": 200 + i,
                    "name": f"Product {i}",
                    "sku": f"SKU-{i}",
                    "status": "publish",
                    "manage_stock": True,
                    "stock_quantity": i,
                    "stock_status": "instock",
                    **dates,
                }
            )
            self.store["customers"].append({"id": 300 + i, "email": f"c{i}@example.com", **dates})
        self.next_id = 1000
        self._auth_problem = "Consumer key is invalid."

    def authorized(self, request: FakeRequest) -> bool:
        key, secret = request.param("consumer_key"), request.param("consumer_secret")
        header = request.headers.get("authorization", "")
        if header.startswith("Basic "):
            decoded = base64.b64decode(header[6:]).decode()
            key, _, secret = decoded.partition(":")
        self._auth_problem = (
            "Consumer key is invalid." if key != self.consumer_key else "Consumer secret is invalid."
        )
        return key == self.consumer_key and secret == self.consumer_secret

    def fault_response(self, kind: str, request: FakeRequest, retry_after: float | None) -> FakeResponse:
        if kind == "auth":
            return _error(401, "woocommerce_rest_authentication_error", self._auth_problem)
        if kind == "rate_limit":
            response = _error(429, "woocommerce_rest_too_many_requests", "Too many requests. Please wait.")
            response.headers["Retry-After"] = str(retry_after if retry_after is not None else 1)
            return response
        if kind == "server_error":
            return _error(
                500, "internal_server_error", "<p>There has been a critical error on this website.</p>"
            )
        return _error(
            400,
            "rest_invalid_param",
            "Invalid parameter(s): status",
            params={"status": "status is not one of ..."},
        )

    def spec_refusal(self, request: FakeRequest, problems: list[str]) -> FakeResponse:
        return _error(
            400,
            "rest_invalid_param",
            "Invalid parameter(s): " + ", ".join(dict.fromkeys(p.split(":", 1)[0] for p in problems)),
            params=dict(p.split(": ", 1) for p in problems),
        )

    def route(self, request: FakeRequest) -> FakeResponse:
        if not request.path.startswith(API):
            raise NotFound
        path = request.path[len(API) :]
        match = re.fullmatch(r"/(orders|products|customers)(?:/(\d+))?", path)
        if not match:
            raise NotFound
        entity, ident = match.group(1), match.group(2)
        if request.method == "GET" and ident is None:
            return self._list(entity, request)
        if request.method == "POST" and ident is None:
            return self._save(entity, None, request.json())
        if request.method == "PUT" and ident is not None:
            return self._save(entity, int(ident), request.json())
        if request.method == "GET":
            row = self._find(entity, int(ident))
            return FakeResponse(200, row) if row else self._invalid_id(entity)
        raise NotFound

    def _invalid_id(self, entity: str) -> FakeResponse:
        return _error(404, f"woocommerce_rest_{entity[:-1]}_invalid_id", "Invalid ID.")

    def _find(self, entity: str, ident: int) -> dict[str, Any] | None:
        return next((r for r in self.store[entity] if r["id"] == ident), None)

    def _list(self, entity: str, request: FakeRequest) -> FakeResponse:
        try:
            per_page = int(request.param("per_page", "10") or 10)
            page = int(request.param("page", "1") or 1)
        except ValueError:
            return _error(400, "rest_invalid_param", "Invalid parameter(s): page")
        if not 1 <= per_page <= 100:
            return _error(
                400,
                "rest_invalid_param",
                "Invalid parameter(s): per_page",
                params={"per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)"},
            )
        rows = list(self.store[entity])
        after = request.param("modified_after")
        if after is not None:
            if entity == "customers":
                return _error(400, "rest_invalid_param", "Invalid parameter(s): modified_after")
            field = "date_modified_gmt" if request.param("dates_are_gmt") == "true" else "date_modified"
            rows = [r for r in rows if r[field] > after]
        sku = request.param("sku")
        if sku is not None:
            rows = [r for r in rows if r.get("sku") == sku]
        email = request.param("email")
        if email is not None:
            rows = [r for r in rows if str(r.get("email", "")).casefold() == email.casefold()]
        search = (request.param("search") or "").casefold()
        if search:
            rows = [r for r in rows if any(search in str(v).casefold() for v in _searchable(r))]
        rows.sort(key=lambda r: r["id"])
        chunk, pages = paginate(rows, page, per_page)
        headers = {"X-WP-Total": str(len(rows)), "X-WP-TotalPages": str(pages)}
        if page < pages:
            headers["Link"] = f'<{self.origin}{request.path}?page={page + 1}&per_page={per_page}>; rel="next"'
        return FakeResponse(200, chunk, headers)

    def _save(self, entity: str, ident: int | None, body: Any) -> FakeResponse:
        if not isinstance(body, dict):
            return _error(400, "rest_invalid_json", "Invalid JSON body passed.")
        if entity == "customers" and ident is None and not body.get("email"):
            return _error(400, "rest_missing_callback_param", "Missing parameter(s): email", params=["email"])
        now = datetime.now(UTC)
        if ident is None:
            self.next_id += 1
            stamps = {"date_modified": _local(now), "date_modified_gmt": _gmt(now)}
            created = {**body, "id": self.next_id, **stamps}
            if entity == "orders":
                created["number"] = str(self.next_id)  # read-only: WooCommerce numbers the order
            self.store[entity].append(created)
            return FakeResponse(201, created)
        row = self._find(entity, ident)
        if row is None:
            return self._invalid_id(entity)
        row.update({k: v for k, v in body.items() if k != "id"})
        row.update({"date_modified": _local(now), "date_modified_gmt": _gmt(now)})
        return FakeResponse(200, row)
