"""`woocommerce`: WooCommerce REST API v3 (`/wp-json/wc/v3`).

Authentication with the REST API key pair (`consumer_key`, `consumer_secret`): HTTP Basic over
HTTPS, or as query parameters (`auth_in_query`) for servers that drop the Authorization header.
Pages with `page`/`per_page` and the `X-WP-TotalPages` header; "changed since" with
`modified_after` (+ `dates_are_gmt`) where the API has it, otherwise filtered after reading
(customers). Versions come from the `*_gmt` fields, which are UTC; the site-local fields are read
in the connector's time zone when the GMT ones are missing.

The API takes no idempotency key. Updates (PUT by id), stock and fulfilment pushes (PUT) are
idempotent; before an ambiguous create the connector looks the record up with the documented list
filters and matches exactly: products by `sku`, customers by `email` (any role). Orders have no
writable unique field (`number` is read-only), so a created order carries the push's key in a
meta entry (`syncline_sync_id`; no leading underscore: WordPress treats such keys as protected,
and WooCommerce 9.6 stopped taking them through the API for customers); the lookup searches the
billing e-mail (`search`) and matches that entry exactly. An order without a billing e-mail is
not looked up.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from syncline.connectors.auth import ApiKeyAuth, Authenticator, BasicAuth
from syncline.connectors.base import PermanentError, PushResult, SourceRecord
from syncline.connectors.http import HttpConnector, LookupSpec, PullSpec, PushSpec, path_id
from syncline.connectors.http_client import HttpSettings, ResponseClassifier
from syncline.connectors.pagination import PageNumberPaginator, dig
from syncline.connectors.timeutil import normalize

PUSH = frozenset({"push"})
BOTH = frozenset({"pull", "push"})
SYNC_META = "syncline_sync_id"  # order meta entry holding the push's idempotency key
LOOKUPS = {
    "products": LookupSpec("/products", "sku", {"sku": "{sku}"}),
    "customers": LookupSpec("/customers", "email", {"email": "{email}", "role": "all"}, ignore_case=True),
}


class WooCommerceSettings(HttpSettings):
    api_path: str = Field(default="/wp-json/wc/v3", pattern=r"^/[A-Za-z0-9/_.-]*$")
    auth_in_query: bool = Field(
        default=False,
        description="send consumer_key/consumer_secret as query parameters instead of Basic auth",
    )
    fulfilment_status: str = Field(default="completed", description="order status a pushed fulfilment sets")
    requests_per_second: float | None = Field(default=5.0, gt=0, le=1000)
    burst: int | None = Field(default=10, ge=1, le=1000)


class WooCommerceClassifier(ResponseClassifier):
    """Error bodies look like {"code": "...", "message": "...", "data": {"status": 400, "params": {...}}}."""

    def message_from_body(self, body: Any) -> str | None:
        if isinstance(body, dict) and "message" in body:
            message = str(body["message"])
            params = dig(body, "data.params")
            if isinstance(params, dict) and params:
                message += " (" + "; ".join(f"{k}: {v}" for k, v in params.items()) + ")"
            code = body.get("code")
            return f"{message} [{code}]" if code else message
        return super().message_from_body(body)


def _pages() -> PageNumberPaginator:
    return PageNumberPaginator(
        "page", "per_page", total_pages_header="X-WP-TotalPages", total_items_header="X-WP-Total"
    )


class WooCommerceConnector(HttpConnector[WooCommerceSettings]):
    system = "woocommerce"
    credential_fields = ("consumer_key", "consumer_secret")
    settings_model = WooCommerceSettings
    max_page_size = 100
    admin_paths: ClassVar[Mapping[str, str]] = {
        "orders": "/post.php?post={id}&action=edit",
        "products": "/post.php?post={id}&action=edit",
        "customers": "/user-edit.php?user_id={id}",
    }
    entities: ClassVar[Mapping[str, frozenset[str]]] = {
        "orders": BOTH,
        "products": BOTH,
        "customers": BOTH,
        "inventory": BOTH,
        "fulfilments": PUSH,
    }

    @classmethod
    def admin_root(cls, base_url: str, settings: BaseModel) -> str | None:
        return base_url + "/wp-admin"

    def api_base_url(self) -> str:
        return super().api_base_url() + self.config.api_path.rstrip("/")

    def build_auth(self) -> Authenticator:
        key, secret = self.context.credentials["consumer_key"], self.context.credentials["consumer_secret"]
        self.redactor.add_basic(key, secret)
        if self.config.auth_in_query:
            return ApiKeyAuth({"consumer_key": key, "consumer_secret": secret}, location="query")
        return BasicAuth(key, secret)

    def build_classifier(self) -> ResponseClassifier:
        return WooCommerceClassifier(self.system)

    def check(self) -> None:
        self.client.request("GET", "/orders", params={"per_page": 1})

    # -- pull --------------------------------------------------------------------------------

    def pull_spec(self, entity: str) -> PullSpec:
        common: dict[str, Any] = {"orderby": "id", "order": "asc"}
        if entity == "orders":
            return PullSpec("/orders", _pages(), id_field="id", reference_field="number", params=common)
        if entity in ("products", "inventory"):
            return PullSpec("/products", _pages(), id_field="id", reference_field="sku", params=common)
        if entity == "customers":
            # /customers has no modified_after: read every page and keep the changed rows.
            params = {**common, "role": "all"}
            return PullSpec(
                "/customers",
                _pages(),
                id_field="id",
                reference_field="email",
                params=params,
                client_side_since=True,
            )
        return super().pull_spec(entity)

    def since_params(self, entity: str, spec: PullSpec, since: datetime) -> dict[str, Any]:
        if spec.client_side_since:
            return {}
        # modified_after is exclusive and has whole seconds: step back one second so a record
        # changed in the watermark's second is read again (same version -> same sync id).
        after = since.astimezone(UTC) - timedelta(seconds=1)
        return {"modified_after": after.strftime("%Y-%m-%dT%H:%M:%S"), "dates_are_gmt": "true"}

    def _row_version(self, row: dict[str, Any]) -> str | None:
        gmt = normalize(row.get("date_modified_gmt"), UTC)
        if gmt:
            return gmt
        return normalize(row.get("date_modified"), self.tz, self.context.date_format)

    def parse_row(self, entity: str, spec: PullSpec, row: Any) -> SourceRecord:
        data = row
        if entity == "inventory" and isinstance(row, dict):
            data = {
                key: row.get(key)
                for key in (
                    "id",
                    "sku",
                    "name",
                    "manage_stock",
                    "stock_quantity",
                    "stock_status",
                    "date_modified_gmt",
                )
            }
        record = self.record(
            row, id_field=spec.id_field, reference_field=spec.reference_field, updated_field=None, data=data
        )
        version = self._row_version(row) if isinstance(row, dict) else None
        if version is None:
            return record
        return SourceRecord(record.source_id, record.reference, version, record.data)

    # -- push --------------------------------------------------------------------------------

    def push_spec(self, entity: str) -> PushSpec:
        if entity in ("orders", "products", "customers"):
            return PushSpec(f"/{entity}", update_path=f"/{entity}/{{id}}", update_omits_id=True)
        return super().push_spec(entity)

    def lookup_spec(self, entity: str) -> LookupSpec | None:
        return LOOKUPS.get(entity)

    def fetch_spec(self, entity: str) -> LookupSpec | None:
        path = self.pull_spec(entity).path
        return LookupSpec(f"{path}/{{id}}", "id", not_found_is_none=True)

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
            raise self.fail(PermanentError(f"woocommerce: a {entity} record must be a JSON object"))
        with self.parsing(f"{entity} record"):
            if entity == "inventory":
                return self._push_stock(record)
            if entity == "fulfilments":
                return self._push_fulfilment(record)
            if entity == "orders" and idempotency_key and not record.get("id"):
                record = with_meta(record, SYNC_META, idempotency_key)
            return self.push_with(self.push_spec(entity), entity, record, ambiguous=ambiguous)

    def find_existing(self, entity: str, record: dict[str, Any]) -> PushResult | None:
        if entity != "orders":
            return super().find_existing(entity, record)
        mark, email = meta_value(record, SYNC_META), dig(record, "billing.email")
        if not mark or not email:
            return None
        # `search` is a fuzzy match (address, e-mail, items): the meta entry decides.
        params = {"search": email, "per_page": 100, "orderby": "date", "order": "desc"}
        rows = self.client.json(self.client.request("GET", "/orders", params=params))
        with self.parsing("orders lookup"):
            for row in rows if isinstance(rows, list) else []:
                if meta_value(row, SYNC_META) == mark:
                    return PushResult(endpoint_id=str(row["id"]))
        return None

    def _product_id(self, record: dict[str, Any]) -> str:
        ident = record.get("product_id") or record.get("id")
        if ident:
            return str(ident)
        sku = record.get("sku")
        if not sku:
            raise self.fail(PermanentError("woocommerce: an inventory record needs product_id, id or sku"))
        found = self.client.json(self.client.request("GET", "/products", params={"sku": sku, "per_page": 1}))
        if not isinstance(found, list) or not found:
            raise self.fail(PermanentError(f"woocommerce: no product with SKU {sku!r}"))
        return str(found[0]["id"])

    def _push_stock(self, record: dict[str, Any]) -> PushResult:
        quantity = record.get("stock_quantity", record.get("quantity"))
        if quantity is None:
            raise self.fail(
                PermanentError("woocommerce: an inventory record needs stock_quantity (or quantity)")
            )
        product_id = self._product_id(record)
        body = {"manage_stock": True, "stock_quantity": quantity}
        self.client.request("PUT", f"/products/{path_id(product_id)}", json=body)
        return PushResult(endpoint_id=product_id)

    def _push_fulfilment(self, record: dict[str, Any]) -> PushResult:
        order_id = record.get("order_id")
        if not order_id:
            raise self.fail(PermanentError("woocommerce: a fulfilment record needs order_id"))
        body: dict[str, Any] = {"status": record.get("status") or self.config.fulfilment_status}
        if isinstance(record.get("meta_data"), list):
            body["meta_data"] = record["meta_data"]
        self.client.request("PUT", f"/orders/{path_id(order_id)}", json=body)
        return PushResult(endpoint_id=str(order_id))


def meta_value(row: Any, key: str) -> str | None:
    """The value of the `meta_data` entry `key` of an order (row or record), as text."""
    entries = row.get("meta_data") if isinstance(row, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("key") == key and entry.get("value") not in (None, ""):
            return str(entry["value"])
    return None


def with_meta(record: dict[str, Any], key: str, value: str) -> dict[str, Any]:
    """A copy of `record` whose `meta_data` holds `key: value` (an existing entry is kept)."""
    entries = record.get("meta_data", [])
    if not isinstance(entries, list) or meta_value(record, key) is not None:
        return record  # a malformed meta_data is the API's to reject
    return {**record, "meta_data": [*entries, {"key": key, "value": value}]}
