"""`bigcommerce`: BigCommerce REST API (v3 catalog, customers and inventory; v2 orders and shipments).

Base URL: `https://api.bigcommerce.com/stores/{store_hash}`. Credential `access_token`, sent as
`X-Auth-Token`. v3 lists page with `page`/`limit` and `meta.pagination.total_pages`; v2 orders
page until a short page (or 204). Every response carries `X-Rate-Limit-Requests-Left` and
`X-Rate-Limit-Time-Reset-Ms`: when the window is (nearly) used up, the connector's bucket is
blocked until the reset, and a 429 waits for the reset (bounded) or raises RateLimitedError.

The API takes no idempotency key. Updates by id and absolute inventory adjustments are
idempotent; before an ambiguous create the connector looks the record up with a documented
filter and matches exactly: products by `sku` (v3 catalog), customers by `email:in` (v3), orders
by `external_order_id` (v2; writable on create, so map the source order's id to it: an order
without one is not looked up), shipments among the order's shipments by `tracking_number`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, Field

from syncline.connectors.auth import Authenticator, BearerAuth
from syncline.connectors.base import PermanentError, PushResult
from syncline.connectors.http import HttpConnector, LookupSpec, PullSpec, PushSpec, path_id
from syncline.connectors.http_client import HttpSettings, ResponseClassifier
from syncline.connectors.pagination import PageNumberPaginator, dig

BOTH = frozenset({"pull", "push"})
PUSH = frozenset({"push"})
LOOKUPS = {
    "products": LookupSpec("/v3/catalog/products", "sku", {"sku": "{sku}"}, records_path="data"),
    "customers": LookupSpec(
        "/v3/customers", "email", {"email:in": "{email}"}, records_path="data", ignore_case=True
    ),
    "orders": LookupSpec("/v2/orders", "external_order_id", {"external_order_id": "{external_order_id}"}),
    "fulfilments": LookupSpec("/v2/orders/{order_id}/shipments", "tracking_number"),
}


class BigCommerceSettings(HttpSettings):
    # A standard store allows 150 requests per 30 s window.
    requests_per_second: float | None = Field(default=4.0, gt=0, le=1000)
    burst: int | None = Field(default=10, ge=1, le=1000)
    rate_limit_reserve: int = Field(
        default=1, ge=0, le=100, description="pause until the window resets when this few requests are left"
    )
    inventory_reason: str = Field(default="Syncline sync", max_length=255)


def _int_header(response: httpx.Response, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None


class BigCommerceClassifier(ResponseClassifier):
    def __init__(self, system: str, reserve: int) -> None:
        super().__init__(system)
        self.reserve = reserve

    def _reset_seconds(self, response: httpx.Response) -> float | None:
        reset_ms = _int_header(response, "X-Rate-Limit-Time-Reset-Ms")
        return reset_ms / 1000.0 if reset_ms is not None else None

    def retry_after(self, response: httpx.Response) -> float | None:
        announced = super().retry_after(response)
        if announced is None and response.status_code == 429:
            return self._reset_seconds(response)  # BigCommerce says when the window resets instead
        return announced

    def pause_after(self, response: httpx.Response) -> float | None:
        left = _int_header(response, "X-Rate-Limit-Requests-Left")
        if left is not None and left <= self.reserve:
            return self._reset_seconds(response)
        return None


def _v3_pages() -> PageNumberPaginator:
    return PageNumberPaginator("page", "limit", total_pages_path="meta.pagination.total_pages")


def _stamp(since: datetime) -> str:
    return since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class BigCommerceConnector(HttpConnector[BigCommerceSettings]):
    system = "bigcommerce"
    credential_fields = ("access_token",)
    settings_model = BigCommerceSettings
    max_page_size = 250
    check_path = "/v2/store"
    admin_paths: ClassVar[Mapping[str, str]] = {
        "orders": "/orders/{id}",
        "products": "/products/edit/{id}",
        "customers": "/customers/{id}/edit",
    }
    entities: ClassVar[Mapping[str, frozenset[str]]] = {
        "products": BOTH,
        "customers": BOTH,
        "orders": BOTH,
        "inventory": PUSH,
        "fulfilments": PUSH,
    }

    @classmethod
    def admin_root(cls, base_url: str, settings: BaseModel) -> str | None:
        """The control panel of the store the API URL names (https://api.bigcommerce.com/stores/{hash})."""
        match = re.search(r"/stores/([A-Za-z0-9]+)$", base_url)
        return f"https://store-{match.group(1)}.mybigcommerce.com/manage" if match else None

    def build_auth(self) -> Authenticator:
        return BearerAuth(self.context.credentials["access_token"], header="X-Auth-Token", scheme=None)

    def build_classifier(self) -> ResponseClassifier:
        return BigCommerceClassifier(self.system, self.config.rate_limit_reserve)

    def pull_spec(self, entity: str) -> PullSpec:
        if entity == "products":
            return PullSpec(
                "/v3/catalog/products",
                _v3_pages(),
                records_path="data",
                reference_field="sku",
                updated_field="date_modified",
                params={"sort": "id", "direction": "asc"},
            )
        if entity == "customers":
            return PullSpec(
                "/v3/customers",
                _v3_pages(),
                records_path="data",
                reference_field="email",
                updated_field="date_modified",
            )
        if entity == "orders":
            # v2: a plain list (204 when empty), RFC 2822 dates, no totals.
            return PullSpec(
                "/v2/orders",
                PageNumberPaginator("page", "limit"),
                records_path=None,
                reference_field="id",
                updated_field="date_modified",
                params={"sort": "date_modified:asc"},
            )
        return super().pull_spec(entity)

    def since_params(self, entity: str, spec: PullSpec, since: datetime) -> dict[str, Any]:
        if entity == "orders":
            return {"min_date_modified": _stamp(since)}
        return {"date_modified:min": _stamp(since)}

    def push_spec(self, entity: str) -> PushSpec:
        if entity == "products":
            return PushSpec(
                "/v3/catalog/products",
                update_path="/v3/catalog/products/{id}",
                endpoint_id_path="data.id",
                update_omits_id=True,
            )
        if entity == "orders":
            return PushSpec("/v2/orders", update_path="/v2/orders/{id}", update_omits_id=True)
        return super().push_spec(entity)

    def lookup_spec(self, entity: str) -> LookupSpec | None:
        return LOOKUPS.get(entity)

    def fetch_spec(self, entity: str) -> LookupSpec | None:
        if entity == "orders":
            return LookupSpec("/v2/orders/{id}", "id", not_found_is_none=True)
        path = self.pull_spec(entity).path  # v3: a list filtered by id
        return LookupSpec(path, "id", {"id:in": "{id}"}, records_path="data")

    def push(
        self,
        entity: str,
        record: dict[str, Any],
        *,
        idempotency_key: str | None = None,
        ambiguous: bool = False,
    ) -> PushResult:
        self.require(entity, "push")
        if not isinstance(record, dict):
            raise self.fail(PermanentError(f"bigcommerce: a {entity} record must be a JSON object"))
        with self.parsing(f"{entity} record"):
            return self._push(entity, record, ambiguous)

    def _push(self, entity: str, record: dict[str, Any], ambiguous: bool) -> PushResult:
        creates = entity == "fulfilments" or (entity == "customers" and not record.get("id"))
        if creates and ambiguous and (existing := self.find_existing(entity, record)) is not None:
            return existing
        if entity == "customers":
            # v3 customers take and return lists, both for create (POST) and update (PUT).
            method = "PUT" if record.get("id") else "POST"
            body = self.client.json(self.client.request(method, "/v3/customers", json=[record]))
            ident = dig(body, "data.0.id") or record.get("id")
            return PushResult(endpoint_id=str(ident) if ident else None)
        if entity == "inventory":
            payload = {"reason": self.config.inventory_reason, "items": [record]}
            body = self.client.json(
                self.client.request("PUT", "/v3/inventory/adjustments/absolute", json=payload)
            )
            ident = dig(body, "transaction_id")
            return PushResult(endpoint_id=str(ident) if ident else None)
        if entity == "fulfilments":
            order_id = record.get("order_id")
            if not order_id:
                raise self.fail(PermanentError("bigcommerce: a fulfilment record needs order_id"))
            shipment = {k: v for k, v in record.items() if k != "order_id"}
            body = self.client.json(
                self.client.request("POST", f"/v2/orders/{path_id(order_id)}/shipments", json=shipment)
            )
            ident = dig(body, "id")
            return PushResult(endpoint_id=str(ident) if ident is not None else None)
        if (
            entity == "orders"
            and not record.get("id")
            and not isinstance(record.get("billing_address"), dict)
        ):
            # POST /v2/orders requires billing_address (with products): say so before sending.
            raise self.fail(PermanentError("bigcommerce: a new order needs billing_address"))
        return self.push_with(self.push_spec(entity), entity, record, ambiguous=ambiguous)
