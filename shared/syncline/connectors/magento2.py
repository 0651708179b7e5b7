"""`magento2`: Magento 2 / Adobe Commerce REST API (`/rest/{store_code}/V1`).

Credential `access_token` (an integration's access token, sent as a bearer token). Lists use
`searchCriteria[...]` parameters: a `gteq` filter on `updated_at`, `pageSize`/`currentPage`, and
`total_count` decides the end (Magento returns the last page again for a page past the end).
Magento stores and returns times in UTC without an offset (`2024-03-01 08:00:00`); set
`timestamps_in_utc: false` for an installation that returns store-local times, which are then
read in the connector's time zone. Error messages come with `%1`/`%name` placeholders and
`parameters`, which are filled in.

The API takes no idempotency key. Products are PUT by SKU (create or update: idempotent), stock
is set (`source-items`), customers are updated by id (read, changed, written whole: the update
takes a complete customer); before an ambiguous create the connector
looks the record up through `searchCriteria` and matches exactly: customers by `email`,
shipments among the order's shipments (`order_id`) by the first track's `track_number` (a
shipment without a track is not looked up). Orders are pulled only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from syncline.connectors.auth import Authenticator, BearerAuth
from syncline.connectors.base import PermanentError, PushResult
from syncline.connectors.http import HttpConnector, LookupSpec, PullSpec, PushSpec, path_id
from syncline.connectors.http_client import HttpSettings, ResponseClassifier, generic_message
from syncline.connectors.pagination import PageNumberPaginator
from syncline.connectors.timeutil import normalize

BOTH = frozenset({"pull", "push"})
PULL = frozenset({"pull"})
PUSH = frozenset({"push"})
FILTER = "searchCriteria[filterGroups][0][filters][0]"  # the swagger's spelling (snake_case works too)


class Magento2Settings(HttpSettings):
    store_code: str = Field(default="default", pattern=r"^[A-Za-z0-9_]+$")
    timestamps_in_utc: bool = Field(
        default=True, description="Magento returns UTC times; false: read them in the connector's time zone"
    )
    source_code: str = Field(default="default", description="inventory source for pushed stock (MSI)")
    requests_per_second: float | None = Field(default=10.0, gt=0, le=1000)
    burst: int | None = Field(default=20, ge=1, le=1000)
    admin_path: str = Field(
        default="admin", pattern=r"^[A-Za-z0-9_]+$", description="the admin's front name (links to records)"
    )


def fill_placeholders(message: str, parameters: Any) -> str:
    """Magento's `%1` / `%fieldName` placeholders, filled from `parameters` (list or dict)."""
    if isinstance(parameters, list):
        values = {str(i + 1): str(v) for i, v in enumerate(parameters)}
    elif isinstance(parameters, dict):
        values = {str(k): str(v) for k, v in parameters.items()}
    else:
        return message
    return re.sub(r"%(\w+)", lambda m: values.get(m.group(1), m.group(0)), message)


class Magento2Classifier(ResponseClassifier):
    def message_from_body(self, body: Any) -> str | None:
        if isinstance(body, dict) and isinstance(body.get("message"), str):
            message = fill_placeholders(body["message"], body.get("parameters"))
            extra = [
                fill_placeholders(str(e.get("message", "")), e.get("parameters"))
                for e in body.get("errors") or []
                if isinstance(e, dict)
            ]
            return "; ".join([message, *[e for e in extra if e and e != message]])
        return generic_message(body)


def _pages() -> PageNumberPaginator:
    return PageNumberPaginator(
        "searchCriteria[currentPage]", "searchCriteria[pageSize]", total_items_path="total_count"
    )


def _where(field_name: str, value: str) -> dict[str, str]:
    """One `eq` filter of a searchCriteria query."""
    return {f"{FILTER}[field]": field_name, f"{FILTER}[value]": value, f"{FILTER}[conditionType]": "eq"}


LOOKUPS = {
    "customers": LookupSpec(
        "/customers/search", "email", _where("email", "{email}"), records_path="items", ignore_case=True
    ),
    "fulfilments": LookupSpec(
        "/shipments",
        "tracks.0.track_number",
        _where("order_id", "{order_id}"),
        records_path="items",
        id_field="entity_id",
    ),
}

SORT = {
    "searchCriteria[sortOrders][0][field]": "updated_at",
    "searchCriteria[sortOrders][0][direction]": "ASC",
}


class Magento2Connector(HttpConnector[Magento2Settings]):
    system = "magento2"
    credential_fields = ("access_token",)
    settings_model = Magento2Settings
    max_page_size = 500
    check_path = "/store/storeConfigs"
    admin_paths: ClassVar[Mapping[str, str]] = {
        "orders": "/sales/order/view/order_id/{id}/",
        "products": "/catalog/product/edit/id/{id}/",
        "customers": "/customer/index/edit/id/{id}/",
    }
    entities: ClassVar[Mapping[str, frozenset[str]]] = {
        "orders": PULL,
        "products": BOTH,
        "customers": BOTH,
        "inventory": PUSH,
        "fulfilments": PUSH,
    }

    @classmethod
    def admin_root(cls, base_url: str, settings: BaseModel) -> str | None:
        return f"{base_url}/{getattr(settings, 'admin_path', 'admin')}"

    def api_base_url(self) -> str:
        return f"{super().api_base_url()}/rest/{self.config.store_code}/V1"

    def build_auth(self) -> Authenticator:
        return BearerAuth(self.context.credentials["access_token"])

    def build_classifier(self) -> ResponseClassifier:
        return Magento2Classifier(self.system)

    def version(self, value: Any) -> str | None:
        if self.config.timestamps_in_utc:
            normalized = normalize(value, UTC, self.context.date_format)
            if normalized is not None:
                return normalized
        return super().version(value)

    def pull_spec(self, entity: str) -> PullSpec:
        if entity == "orders":
            return PullSpec(
                "/orders",
                _pages(),
                records_path="items",
                id_field="entity_id",
                reference_field="increment_id",
                params=SORT,
            )
        if entity == "products":
            return PullSpec("/products", _pages(), records_path="items", reference_field="sku", params=SORT)
        if entity == "customers":
            return PullSpec(
                "/customers/search", _pages(), records_path="items", reference_field="email", params=SORT
            )
        return super().pull_spec(entity)

    def since_params(self, entity: str, spec: PullSpec, since: datetime) -> dict[str, Any]:
        moment = since.astimezone(UTC if self.config.timestamps_in_utc else self.tz)
        return {
            f"{FILTER}[field]": "updated_at",
            f"{FILTER}[value]": moment.strftime("%Y-%m-%d %H:%M:%S"),
            f"{FILTER}[conditionType]": "gteq",
        }

    def push_spec(self, entity: str) -> PushSpec:
        if entity == "products":
            # PUT /products/{sku} creates or updates; without a SKU Magento's own validation answers.
            return PushSpec("/products", update_path="/products/{id}", id_field="sku", envelope="product")
        if entity == "customers":
            return PushSpec("/customers", update_path="/customers/{id}", envelope="customer")
        return super().push_spec(entity)

    def lookup_spec(self, entity: str) -> LookupSpec | None:
        return LOOKUPS.get(entity)

    def fetch_spec(self, entity: str) -> LookupSpec | None:
        spec = self.pull_spec(entity)  # searchCriteria on entity_id, whatever the row calls it
        return LookupSpec(
            spec.path,
            "id",
            _where("entity_id", "{id}"),
            row_field=spec.id_field,
            records_path="items",
            id_field=spec.id_field,
        )

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
            raise self.fail(PermanentError(f"magento2: a {entity} record must be a JSON object"))
        with self.parsing(f"{entity} record"):
            return self._push(entity, record, ambiguous)

    def _push(self, entity: str, record: dict[str, Any], ambiguous: bool) -> PushResult:
        if entity == "inventory":  # sets the quantity: a repeat changes nothing
            sku = record.get("sku")
            quantity = record.get("quantity")
            if not sku or quantity is None:
                raise self.fail(PermanentError("magento2: an inventory record needs sku and quantity"))
            source = str(record.get("source_code") or self.config.source_code)
            item = {
                "sku": sku,
                "source_code": source,
                "quantity": quantity,
                "status": int(record.get("status", 1 if float(quantity) > 0 else 0)),
            }
            self.client.request("POST", "/inventory/source-items", json={"sourceItems": [item]})
            return PushResult(endpoint_id=f"{sku}@{source}")
        if entity == "fulfilments":
            order_id = record.get("order_id")
            if not order_id:
                raise self.fail(PermanentError("magento2: a fulfilment record needs order_id"))
            if ambiguous and (existing := self.find_existing(entity, record)) is not None:
                return existing
            shipment = {k: v for k, v in record.items() if k != "order_id"}
            body = self.client.json(
                self.client.request("POST", f"/order/{path_id(order_id)}/ship", json=shipment)
            )
            return PushResult(endpoint_id=str(body) if isinstance(body, int | str) and body != "" else None)
        if entity == "customers" and record.get("id") not in (None, ""):
            # PUT /customers/{id} takes a whole customer (email, firstname, lastname required):
            # read it, lay the record over it, write it back.
            current = self.client.json(self.client.request("GET", f"/customers/{path_id(record['id'])}"))
            if isinstance(current, dict):
                record = {**current, **record}
        return self.push_with(self.push_spec(entity), entity, record, ambiguous=ambiguous)
