"""`shopify`: the Shopify Admin GraphQL API.

Base URL: `https://{shop}.myshopify.com`; credential `access_token` (an Admin API access token,
sent as `X-Shopify-Access-Token`). Lists are GraphQL connections (`first`/`after`,
`pageInfo.endCursor`), filtered with the search syntax `updated_at:>='...'` and sorted by
`UPDATED_AT`.

Rate limiting is cost based: each response's `extensions.cost.throttleStatus` tells how full the
app's bucket is and how fast it refills. Before a query the connector estimates whether the
bucket holds the query's cost; if not, it sleeps only when the bucket refills within
`max_wait_seconds`, otherwise it raises RateLimitedError with the computed wait. A `THROTTLED`
answer is handled the same way.

Before 2026-01 mutations take no idempotency key. Product updates (by id) and inventory set to a
quantity are idempotent; an inventory *delta* is not, except from 2026-01, where the inventory
mutations carry the push's key in `@idempotent(key:)`. Before an ambiguous create the
connector looks up what an earlier attempt made and matches exactly: a product by its `handle`
(`productByIdentifier`; a product pushed without a handle gets one from its title and is not
looked up), a fulfilment among its fulfilment order's fulfillments by tracking number (one
without a tracking number is not looked up).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, Field

from syncline.connectors.auth import Authenticator, BearerAuth
from syncline.connectors.base import (
    AuthenticationError,
    Page,
    PermanentError,
    PushResult,
    RateLimitedError,
    RefetchUnsupported,
    SourceRecord,
    TransientError,
)
from syncline.connectors.http import HttpConnector, decode_page, same
from syncline.connectors.http_client import HttpSettings, RateLimitSettings, ResponseClassifier
from syncline.connectors.pagination import dig
from syncline.connectors.redact import logger
from syncline.connectors.timeutil import parse_cursor

log = logger()

BOTH = frozenset({"pull", "push"})
PULL = frozenset({"pull"})
PUSH = frozenset({"push"})
MAX_QUERY_COST = 1000
MAX_THROTTLE_RETRIES = 3
DEFAULT_API_VERSION = "2026-10"
# From 2026-01 (the oldest version supported on 2026-12-01) inventory mutations take
# `changeFromQuantity` (null: no compare) instead of `ignoreCompareQuantity`/`compareQuantity`
# (removed in 2026-04), and an `@idempotent(key:)` directive (required from 2026-04); a customer's
# e-mail is read from `defaultEmailAddress` (`Customer.email` is deprecated). Older versions get
# the older forms.
VERSION_2026_01 = "2026-01"
EMAIL = "defaultEmailAddress { emailAddress }"


class ShopifySettings(HttpSettings):
    api_version: str = Field(
        default=DEFAULT_API_VERSION,
        pattern=r"^(\d{4}-(01|04|07|10)|unstable)$",
        description="Admin API version (quarterly, each supported for 12 months)",
    )
    nested_page_size: int = Field(
        default=10, ge=1, le=100, description="line items per order, variants per product, levels per item"
    )
    inventory_reason: str = Field(default="correction", description="reason of pushed inventory changes")
    default_query_cost: float = Field(
        default=50.0, gt=0, le=MAX_QUERY_COST, description="assumed cost of a query not yet seen"
    )


class CostBucket:
    """Shopify's view of the app's query-cost bucket, refilled at `restoreRate` per second."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.maximum: float | None = None
        self.available: float | None = None
        self.restore_rate: float | None = None
        self.at = 0.0
        self.costs: dict[str, float] = {}  # operation -> last requestedQueryCost

    def update(self, operation: str, cost: Any) -> None:
        if not isinstance(cost, dict):
            return
        status = cost.get("throttleStatus")
        with self._lock:
            requested = cost.get("requestedQueryCost")
            if isinstance(requested, int | float):
                self.costs[operation] = float(requested)
            if isinstance(status, dict):
                try:
                    self.maximum = float(status["maximumAvailable"])
                    self.available = float(status["currentlyAvailable"])
                    self.restore_rate = float(status["restoreRate"])
                except (KeyError, TypeError, ValueError):
                    return
                self.at = self._clock()

    def expected_cost(self, operation: str, default: float) -> float:
        with self._lock:
            return self.costs.get(operation, default)

    def wait_for(self, cost: float) -> float:
        """Seconds until the bucket holds `cost` (0 when it does, or when nothing is known yet)."""
        with self._lock:
            if self.available is None or not self.restore_rate or self.maximum is None:
                return 0.0
            elapsed = max(0.0, self._clock() - self.at)
            available = min(self.maximum, self.available + elapsed * self.restore_rate)
            needed = min(cost, self.maximum)
            return 0.0 if available >= needed else (needed - available) / self.restore_rate


_BUCKETS: dict[tuple[str, str], CostBucket] = {}
_BUCKETS_LOCK = threading.Lock()


def shared_bucket(key: tuple[str, str]) -> CostBucket:
    with _BUCKETS_LOCK:
        return _BUCKETS.setdefault(key, CostBucket())


def call_limit_pause(header: str | None, leak_rate: float = 2.0, reserve: int = 2) -> float | None:
    """REST `X-Shopify-Shop-Api-Call-Limit: 32/40`: seconds until the leaky bucket has `reserve`
    free slots again (None when it has them now, or the header is missing or malformed)."""
    if not header or "/" not in header:
        return None
    try:
        used, size = (int(part) for part in header.split("/", 1))
    except ValueError:
        return None
    over = used - (size - reserve)
    return over / leak_rate if over > 0 else None


class ShopifyClassifier(ResponseClassifier):
    def pause_after(self, response: httpx.Response) -> float | None:
        return call_limit_pause(response.headers.get("X-Shopify-Shop-Api-Call-Limit"))


def throttle_wait(cost: Any) -> float | None:
    """Seconds until a throttled query's cost is available again, from `extensions.cost`."""
    if not isinstance(cost, dict):
        return None
    status = cost.get("throttleStatus") or {}
    try:
        requested = float(cost.get("requestedQueryCost") or 0)
        available = float(status["currentlyAvailable"])
        rate = float(status["restoreRate"])
    except (KeyError, TypeError, ValueError):
        return None
    if rate <= 0:
        return None
    return max(0.0, (requested - available) / rate)


def gid(kind: str, value: Any) -> str:
    """A global id from a numeric id (`123` -> `gid://shopify/Kind/123`); gids pass through."""
    text = str(value)
    return text if text.startswith("gid://") else f"gid://shopify/{kind}/{text}"


_PAGE_INFO = "pageInfo { hasNextPage endCursor }"
_MONEY = "shopMoney { amount currencyCode }"

# The fields read of each entity's node (pulled page by page, or refetched one by id).
ORDER_FIELDS = (
    "id name email phone createdAt updatedAt cancelledAt processedAt"
    " displayFinancialStatus displayFulfillmentStatus tags note"
    f" currentTotalPriceSet {{ {_MONEY} }} customer {{ id {EMAIL} }}"
    " shippingAddress { name company address1 address2 city zip provinceCode countryCodeV2 phone }"
    " lineItems(first: $nested) { nodes { id sku title quantity variant { id }"
    f" originalUnitPriceSet {{ {_MONEY} }} }} }}"
)
PRODUCT_FIELDS = (
    "id title handle status vendor productType tags descriptionHtml createdAt updatedAt"
    " variants(first: $nested) { nodes { id sku title price barcode inventoryQuantity"
    " inventoryItem { id } } }"
)
CUSTOMER_FIELDS = (
    f"id {EMAIL} firstName lastName phone state tags createdAt updatedAt"
    " defaultAddress { address1 address2 city zip provinceCode countryCodeV2 }"
)
PULL_QUERIES: dict[str, tuple[str, str]] = {
    # entity -> (root field, query)
    "orders": (
        "orders",
        "query SynclineOrders($first: Int!, $after: String, $query: String, $nested: Int!) {"
        " orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {"
        f" nodes {{ {ORDER_FIELDS} }} {_PAGE_INFO} }} }}",
    ),
    "products": (
        "products",
        "query SynclineProducts($first: Int!, $after: String, $query: String, $nested: Int!) {"
        " products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {"
        f" nodes {{ {PRODUCT_FIELDS} }} {_PAGE_INFO} }} }}",
    ),
    "customers": (
        "customers",
        "query SynclineCustomers($first: Int!, $after: String, $query: String) {"
        " customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {"
        f" nodes {{ {CUSTOMER_FIELDS} }} {_PAGE_INFO} }} }}",
    ),
    "inventory": (
        "inventoryItems",
        "query SynclineInventory($first: Int!, $after: String, $query: String, $nested: Int!) {"
        " inventoryItems(first: $first, after: $after, query: $query) {"
        " nodes { id sku updatedAt inventoryLevels(first: $nested) { nodes { id updatedAt"
        ' location { id name } quantities(names: ["available"]) { name quantity } } } }'
        f" {_PAGE_INFO} }} }}",
    ),
}
# entity -> (GraphQL type, the query of one node by id): a resync with refetch.
NODE_QUERIES: dict[str, tuple[str, str]] = {
    entity: (
        kind,
        f"query SynclineNode($id: ID!{nested}) {{ node(id: $id) {{ ... on {kind} {{ {fields} }} }} }}",
    )
    for entity, kind, fields, nested in (
        ("orders", "Order", ORDER_FIELDS, ", $nested: Int!"),
        ("products", "Product", PRODUCT_FIELDS, ", $nested: Int!"),
        ("customers", "Customer", CUSTOMER_FIELDS, ""),
    )
}
NESTED = {"orders", "products", "inventory"}


def from_2026_01(api_version: str) -> bool:
    """Whether `api_version` is 2026-01 or later (unstable too)."""
    return api_version == "unstable" or api_version >= VERSION_2026_01


def for_version(document: str, api_version: str) -> str:
    """A query as `api_version` takes it: before 2026-01 a customer's e-mail is `email`."""
    return document if from_2026_01(api_version) else document.replace(EMAIL, "email")


def inventory_mutation(name: str, api_version: str) -> str:
    """The inventory mutation `name` as `api_version` takes it."""
    title = {"inventoryAdjustQuantities": "Adjust", "inventorySetQuantities": "Set"}[name]
    input_type = f"{name[0].upper()}{name[1:]}Input"
    if from_2026_01(api_version):
        return (
            f"mutation SynclineInventory{title}($input: {input_type}!, $key: String!) {{"
            f" {name}(input: $input) @idempotent(key: $key) {{"
            " inventoryAdjustmentGroup { id } userErrors { field message code } } }"
        )
    return (
        f"mutation SynclineInventory{title}($input: {input_type}!) {{ {name}(input: $input) {{"
        " inventoryAdjustmentGroup { id } userErrors { field message code } } }"
    )


MUTATIONS = {
    "productCreate": "mutation SynclineProductCreate($product: ProductCreateInput!) {"
    " productCreate(product: $product) { product { id } userErrors { field message } } }",
    "productUpdate": "mutation SynclineProductUpdate($product: ProductUpdateInput!) {"
    " productUpdate(product: $product) { product { id } userErrors { field message } } }",
    "inventoryAdjustQuantities": inventory_mutation("inventoryAdjustQuantities", "2025-01"),
    "inventorySetQuantities": inventory_mutation("inventorySetQuantities", "2025-01"),
    "fulfillmentCreate": "mutation SynclineFulfillmentCreate($fulfillment: FulfillmentInput!) {"
    " fulfillmentCreate(fulfillment: $fulfillment) {"
    " fulfillment { id status } userErrors { field message } } }",
}
CHECK_QUERY = "query SynclineCheck { shop { name } }"
LOOKUP_QUERIES = {
    "products": "query SynclineProductByHandle($identifier: ProductIdentifierInput!) {"
    " productByIdentifier(identifier: $identifier) { id handle } }",
    "fulfilments": "query SynclineFulfillments($id: ID!) { fulfillmentOrder(id: $id) {"
    " fulfillments(first: 50) { nodes { id trackingInfo(first: 10) { number } } } } }",
}


class ShopifyConnector(HttpConnector[ShopifySettings]):
    system = "shopify"
    credential_fields = ("access_token",)
    settings_model = ShopifySettings
    admin_paths: ClassVar[Mapping[str, str]] = {
        "orders": "/orders/{id}",
        "products": "/products/{id}",
        "customers": "/customers/{id}",
    }
    max_page_size = 250
    entities: ClassVar[Mapping[str, frozenset[str]]] = {
        "orders": PULL,
        "products": BOTH,
        "customers": PULL,
        "inventory": BOTH,
        "fulfilments": PUSH,
    }

    # GraphQL Admin API: a bucket of 1,000 query-cost points restored at 50 a second (standard
    # plans; Plus restores faster: raise `settings.rate_limit`). The budget counts cost points.
    default_rate_limit: ClassVar[RateLimitSettings] = RateLimitSettings(requests_per_second=50.0, burst=1000)
    rate_unit: ClassVar[str] = "query cost points"

    @classmethod
    def admin_root(cls, base_url: str, settings: BaseModel) -> str | None:
        return base_url + "/admin"  # the shop's own domain (https://{shop}.myshopify.com)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bucket = shared_bucket((self.context.connector_id, self.context.base_url or ""))

    def build_classifier(self) -> ResponseClassifier:
        return ShopifyClassifier(self.system)

    @property
    def graphql_path(self) -> str:
        return f"/admin/api/{self.config.api_version}/graphql.json"

    def build_auth(self) -> Authenticator:
        return BearerAuth(
            self.context.credentials["access_token"], header="X-Shopify-Access-Token", scheme=None
        )

    # -- GraphQL with the cost throttle --------------------------------------------------------

    def graphql(self, operation: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run one query or mutation; return `data`, or raise a classified error."""
        wait_left = self.config.max_wait_seconds
        for attempt in range(MAX_THROTTLE_RETRIES + 1):
            wait = self.bucket.wait_for(self.bucket.expected_cost(operation, self.config.default_query_cost))
            if wait > wait_left:
                raise self.fail(
                    RateLimitedError(
                        f"shopify: query cost bucket low; {operation} fits again in {wait:.2f}s",
                        retry_after=round(wait, 3),
                    )
                )
            if wait > 0:
                log.info("shopify: cost bucket low; waiting %.2fs before %s", wait, operation)
                self._sleep(wait)
                wait_left -= wait
            expected = self.bucket.expected_cost(operation, self.config.default_query_cost)
            response = self.client.request(
                "POST",
                self.graphql_path,
                json={"query": query, "variables": variables or {}},
                max_wait=wait_left,
                cost=expected,
            )
            body = self.client.json(response)
            if not isinstance(body, dict):
                raise self.fail(TransientError("shopify: GraphQL answer is not a JSON object"))
            cost = dig(body, "extensions.cost")
            self.bucket.update(operation, cost)
            self._share_throttle_status(cost, expected)
            errors = body.get("errors")
            if not errors:
                data = body.get("data")
                if not isinstance(data, dict):
                    raise self.fail(TransientError(f"shopify: {operation} returned no data"))
                return data
            codes = (
                {str(dig(e, "extensions.code")) for e in errors if isinstance(e, dict)}
                if isinstance(errors, list)
                else set()
            )
            message = _messages(errors)
            if "THROTTLED" in codes:
                computed = throttle_wait(cost)
                wait = 1.0 if computed is None else computed
                self.client.budget.limiter.block_for(wait, throttled=True)  # every container waits
                if wait <= wait_left and attempt < MAX_THROTTLE_RETRIES:
                    log.info("shopify: throttled; retrying %s in %.2fs", operation, wait)
                    self._sleep(wait)
                    wait_left -= wait
                    continue
                raise self.fail(
                    RateLimitedError(
                        f"shopify: throttled ({operation}): {message}", retry_after=round(wait, 3)
                    )
                )
            if "ACCESS_DENIED" in codes:
                raise self.fail(
                    AuthenticationError(f"shopify: access denied ({operation}): {message}", status_code=403)
                )
            if "INTERNAL_SERVER_ERROR" in codes:
                raise self.fail(TransientError(f"shopify: internal error ({operation}): {message}"))
            raise self.fail(PermanentError(f"shopify: {operation} failed: {message}"))
        raise self.fail(
            RateLimitedError(f"shopify: throttled ({operation})", retry_after=1.0)
        )  # pragma: no cover

    def _share_throttle_status(self, cost: Any, expected: float) -> None:
        """Shopify's own view of the bucket (`throttleStatus`) lower than the next query needs:
        pause the shared budget until it refills, so every container waits, not only this one."""
        status = cost.get("throttleStatus") if isinstance(cost, dict) else None
        if not isinstance(status, dict):
            return
        try:
            available = float(status["currentlyAvailable"])
            restore = float(status["restoreRate"])
        except (KeyError, TypeError, ValueError):
            return
        if restore > 0 and available < expected:
            self.client.budget.limiter.block_for((expected - available) / restore)

    def check(self) -> None:
        self.graphql("check", CHECK_QUERY)

    # -- pull --------------------------------------------------------------------------------

    def _first(self, entity: str, page_size: int) -> int:
        size = self.page_size(page_size)
        if entity in NESTED:
            size = min(size, max(1, MAX_QUERY_COST // (3 + 2 * self.config.nested_page_size)))
        return size

    def pull(self, entity: str, since: str | None, page: str | None, page_size: int) -> Page:
        self.require(entity, "pull")
        root, query = PULL_QUERIES[entity]
        after, watermark = decode_page(page)
        variables: dict[str, Any] = {"first": self._first(entity, page_size), "after": after}
        since_dt = parse_cursor(since)
        if since_dt is not None:
            stamp = since_dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            variables["query"] = f"updated_at:>='{stamp}'"
        if entity in NESTED:
            variables["nested"] = self.config.nested_page_size
        data = self.graphql(f"pull:{entity}", for_version(query, self.config.api_version), variables)
        with self.parsing(f"{entity} page"):
            connection = data[root]
            nodes = connection.get("nodes") or []
            records: list[SourceRecord] = []
            for node in nodes:
                records.extend(self._records(entity, node, since_dt))
            info = connection.get("pageInfo") or {}
            end = info.get("endCursor")
            next_state = str(end) if info.get("hasNextPage") and end and end != after else None
        return self.make_page(records, next_state, watermark, since)

    def _records(self, entity: str, node: dict[str, Any], since: datetime | None) -> list[SourceRecord]:
        if entity == "inventory":
            return self._levels(node, since)
        if entity == "customers":  # the record keeps its `email` (Customer.email is deprecated)
            node = {**node, "email": node.get("email") or dig(node, "defaultEmailAddress.emailAddress")}
        reference = {"orders": "name", "products": "handle", "customers": "email"}[entity]
        record = self.record(node, id_field="id", reference_field=reference, updated_field="updatedAt")
        # The search filter `updated_at:>=` can match whole days (customers do): drop what is older.
        if since is not None and (parse_cursor(record.version) or since) < since:
            return []
        return [record]

    def _levels(self, item: dict[str, Any], since: datetime | None) -> list[SourceRecord]:
        """One record per inventory level (item x location)."""
        out: list[SourceRecord] = []
        for level in dig(item, "inventoryLevels.nodes") or []:
            quantities = {q.get("name"): q.get("quantity") for q in level.get("quantities") or []}
            location = level.get("location") or {}
            row = {
                "id": level["id"],
                "inventory_item_id": item.get("id"),
                "sku": item.get("sku"),
                "location_id": location.get("id"),
                "location_name": location.get("name"),
                "available": quantities.get("available"),
                "updated_at": level.get("updatedAt") or item.get("updatedAt"),
            }
            record = self.record(row, id_field="id", reference_field=None, updated_field="updated_at")
            label = f"{item.get('sku') or item.get('id')}@{location.get('name') or location.get('id')}"
            record = SourceRecord(record.source_id, label, record.version, record.data)
            if since is None or (parse_cursor(record.version) or since) >= since:
                out.append(record)
        return out

    def fetch_one(self, entity: str, source_id: str) -> SourceRecord | None:
        """A GraphQL `node(id:)` query; inventory levels cannot be refetched one by one."""
        self.require(entity, "pull")
        if entity not in NODE_QUERIES:
            raise self.fail(RefetchUnsupported(f"shopify cannot fetch one {entity} record by its id"))
        kind, query = NODE_QUERIES[entity]
        variables: dict[str, Any] = {"id": gid(kind, source_id)}
        if entity in NESTED:
            variables["nested"] = self.config.nested_page_size
        data = self.graphql(f"fetch:{entity}", for_version(query, self.config.api_version), variables)
        with self.parsing(f"{entity} record"):
            node = data.get("node")
            if not isinstance(node, dict) or not node.get("id"):
                return None  # deleted, or an id of another type
            return self._records(entity, node, None)[0]

    # -- push --------------------------------------------------------------------------------

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
            raise self.fail(PermanentError(f"shopify: a {entity} record must be a JSON object"))
        with self.parsing(f"{entity} record"):
            if entity == "products" and record.get("id"):
                product = {**record, "id": gid("Product", record["id"])}
                return self._mutate("productUpdate", {"product": product}, "product.id")
            if entity == "inventory":
                return self._push_inventory(record, idempotency_key)
            if ambiguous and (existing := self.find_existing(entity, record)) is not None:
                return existing
            if entity == "products":
                return self._mutate("productCreate", {"product": record}, "product.id")
            return self._mutate(
                "fulfillmentCreate", {"fulfillment": fulfilment_input(record)}, "fulfillment.id"
            )

    def find_existing(self, entity: str, record: dict[str, Any]) -> PushResult | None:
        with self.parsing(f"{entity} lookup"):
            if entity == "products":
                return self._product_by_handle(record)
            if entity == "fulfilments":
                return self._fulfilment_by_tracking(record)
        return None

    def _product_by_handle(self, record: dict[str, Any]) -> PushResult | None:
        handle = record.get("handle")
        if not handle:
            return None
        variables = {"identifier": {"handle": str(handle)}}
        node = self.graphql("lookup:products", LOOKUP_QUERIES["products"], variables)["productByIdentifier"]
        if isinstance(node, dict) and same(node.get("handle"), handle, ignore_case=True):
            return PushResult(endpoint_id=str(node["id"]))
        return None

    def _fulfilment_by_tracking(self, record: dict[str, Any]) -> PushResult | None:
        try:
            fulfilment = fulfilment_input(record)
        except PermanentError:
            return None  # the create says what is missing
        order = dig(fulfilment, "lineItemsByFulfillmentOrder.0.fulfillmentOrderId")
        number = dig(fulfilment, "trackingInfo.number")
        if not order or not number:
            return None
        variables = {"id": gid("FulfillmentOrder", order)}
        data = self.graphql("lookup:fulfilments", LOOKUP_QUERIES["fulfilments"], variables)
        for node in dig(data, "fulfillmentOrder.fulfillments.nodes") or []:
            if any(same(info.get("number"), number) for info in node.get("trackingInfo") or []):
                return PushResult(endpoint_id=str(node["id"]))
        return None

    def _push_inventory(self, record: dict[str, Any], idempotency_key: str | None) -> PushResult:
        item = record.get("inventory_item_id") or record.get("inventoryItemId")
        location = record.get("location_id") or record.get("locationId")
        if not item or not location:
            raise self.fail(
                PermanentError("shopify: an inventory record needs inventory_item_id and location_id")
            )
        item_gid, location_gid = gid("InventoryItem", item), gid("Location", location)
        fallback = f"{item_gid}@{location_gid}"
        change_from = from_2026_01(self.config.api_version)
        entry: dict[str, Any] = {"inventoryItemId": item_gid, "locationId": location_gid}
        payload: dict[str, Any] = {"reason": self.config.inventory_reason, "name": "available"}
        if record.get("delta") is not None:
            name = "inventoryAdjustQuantities"
            payload["changes"] = [{**entry, "delta": int(record["delta"])}]
        else:
            quantity = record.get("available", record.get("quantity"))
            if quantity is None:
                raise self.fail(
                    PermanentError("shopify: an inventory record needs delta, available or quantity")
                )
            name = "inventorySetQuantities"
            payload["quantities"] = [{**entry, "quantity": int(quantity)}]
            if not change_from:
                payload["ignoreCompareQuantity"] = True
        variables: dict[str, Any] = {"input": payload}
        if change_from:  # null: no compare-and-set; the key makes a repeated push (even a delta) safe
            for item in payload.get("changes") or payload["quantities"]:
                item["changeFromQuantity"] = None
            variables["key"] = idempotency_key or str(uuid.uuid4())
        document = inventory_mutation(name, self.config.api_version)
        return self._mutate(name, variables, "inventoryAdjustmentGroup.id", fallback, document)

    def _mutate(
        self,
        name: str,
        variables: dict[str, Any],
        id_path: str,
        fallback: str | None = None,
        document: str | None = None,
    ) -> PushResult:
        data = self.graphql(name, document or MUTATIONS[name], variables)
        payload = data.get(name) or {}
        user_errors = payload.get("userErrors") or []
        if user_errors:
            raise self.fail(
                PermanentError(f"shopify: {name} rejected: {_user_errors(user_errors)}", status_code=422)
            )
        ident = dig(payload, id_path) or fallback
        return PushResult(endpoint_id=str(ident) if ident else None)


def fulfilment_input(record: dict[str, Any]) -> dict[str, Any]:
    """A FulfillmentInput from a flat record, or the record itself when it already is one."""
    if "lineItemsByFulfillmentOrder" in record:
        return record
    order = record.get("fulfillment_order_id") or record.get("fulfilment_order_id")
    if not order:
        raise PermanentError("shopify: a fulfilment record needs fulfillment_order_id")
    group: dict[str, Any] = {"fulfillmentOrderId": gid("FulfillmentOrder", order)}
    lines = record.get("line_items")
    if lines:
        group["fulfillmentOrderLineItems"] = [
            {"id": gid("FulfillmentOrderLineItem", line["id"]), "quantity": int(line["quantity"])}
            for line in lines
        ]
    result: dict[str, Any] = {
        "lineItemsByFulfillmentOrder": [group],
        "notifyCustomer": bool(record.get("notify_customer", False)),
    }
    tracking = {
        key: record[source]
        for key, source in (
            ("number", "tracking_number"),
            ("company", "tracking_company"),
            ("url", "tracking_url"),
        )
        if record.get(source)
    }
    if tracking:
        result["trackingInfo"] = tracking
    return result


# Error text is bounded only loosely here: it is redacted first and cut to 500 afterwards (scrub).
_RAW_LIMIT = 16_384


def _messages(errors: Any) -> str:
    if isinstance(errors, str):
        return errors[:_RAW_LIMIT]
    if isinstance(errors, list):
        return "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors)[
            :_RAW_LIMIT
        ]
    return str(errors)[:_RAW_LIMIT]


def _user_errors(errors: list[Any]) -> str:
    parts = []
    for error in errors:
        if not isinstance(error, dict):
            parts.append(str(error))
            continue
        field = error.get("field")
        where = ".".join(str(f) for f in field) if isinstance(field, list) else field
        text = f"{where}: {error.get('message')}" if where else str(error.get("message"))
        parts.append(f"{text} [{error['code']}]" if error.get("code") else text)
    return "; ".join(parts)[:_RAW_LIMIT]
