"""The HTTP connector kit: one connector base that every HTTP connector declares itself on.

A connector states its base URL, authenticator, paginators (per entity), response classifier
and rate budget; the kit does the requests, the waiting and the error classification (the client,
`http_client.py`), and turns rows into `SourceRecord`s. What is left to a connector is
declarations plus record parsing.

Repeatable pushes: a connector whose system de-duplicates on an idempotency header names it
(`idempotency_header_name()`); every push then carries the pipeline's key, and such a POST is
retried on transient errors like a GET. Systems without one declare a `LookupSpec` per entity:
an ambiguous create (an earlier attempt may have gone through) first looks the record up and
returns the existing id instead of creating it again. Updates by id are idempotent already.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, cast
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from syncline.connectors.auth import Authenticator, NoAuth
from syncline.connectors.base import (
    Connector,
    ConnectorContext,
    ConnectorError,
    Page,
    PermanentError,
    PushResult,
    RefetchUnsupported,
    SourceRecord,
)
from syncline.connectors.http_client import HttpClient, HttpSettings, RateLimitSettings, ResponseClassifier
from syncline.connectors.pagination import Paginator, dig
from syncline.connectors.ratelimit import Budget, Clock, Sleep, shared_budget
from syncline.connectors.redact import Redactor
from syncline.connectors.timeutil import later, normalize, parse_cursor, zone


@dataclass(frozen=True)
class PullSpec:
    """How one entity is pulled: path, paginator, where the rows are and which fields matter."""

    path: str
    paginator: Paginator
    records_path: str | None = None  # dot path of the row list in the body; None: the body is the list
    id_field: str = "id"
    reference_field: str | None = None
    updated_field: str | None = "updated_at"
    params: Mapping[str, Any] = field(default_factory=dict)
    # The API has no server-side "changed since" filter: drop older rows after reading them.
    client_side_since: bool = False


@dataclass(frozen=True)
class LookupSpec:
    """How `find_existing` finds a record an earlier push created: one GET, then an exact match.

    `path` and the values of `params` may name fields of the pushed record in braces
    (`/v2/orders/{order_id}/shipments`, `{"sku": "{sku}"}`); a record lacking one cannot be looked
    up (None). The rows are read at `records_path` (None: the body; a single object is one row); the
    first row whose `row_field` equals the record's `match` value exactly gives the id.
    """

    path: str
    match: str  # dot path of the identifying value in the record
    params: Mapping[str, str] = field(default_factory=dict)
    row_field: str | None = None  # dot path of that value in a row (default: `match`)
    records_path: str | None = None
    id_field: str = "id"
    ignore_case: bool = False  # e-mail addresses
    not_found_is_none: bool = False  # a 404 means "no such record" (a GET by key), not a bad path


@dataclass(frozen=True)
class PushSpec:
    """How one entity is pushed: create (and optionally update) request and the id in the answer."""

    path: str
    method: str = "POST"
    update_path: str | None = None  # with `{id}`: used when the record carries `id_field`
    update_method: str = "PUT"
    id_field: str = "id"
    envelope: str | None = None  # wrap the record: {"product": record}
    endpoint_id_path: str | None = "id"  # dot path in the response; None: the body itself
    update_omits_id: bool = False  # the id is in the update's path and read-only in its body


def encode_page(state: str, watermark: str | None) -> str:
    """Page state with the running watermark, so the last page's cursor covers every page."""
    return json.dumps({"p": state, "w": watermark}, separators=(",", ":"))


def decode_page(page: str | None) -> tuple[str | None, str | None]:
    if not page:
        return None, None
    if page.startswith("{"):
        try:
            value = json.loads(page)
        except ValueError:
            value = None
        if isinstance(value, dict) and "p" in value:
            state, mark = value.get("p"), value.get("w")
            return (str(state) if state is not None else None), (str(mark) if mark else None)
    return page, None  # a bare state (from an older version): no watermark yet


def content_version(row: Any) -> str:
    """A version for a record without an updated-at: a hash of its content."""
    text = json.dumps(row, sort_keys=True, default=str, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:32]


class HttpConnector[S: HttpSettings](Connector):
    """Base of the HTTP connectors. Subclasses declare; this class does the work."""

    settings_model: ClassVar[type[BaseModel]] = HttpSettings
    can_refetch: ClassVar[bool] = True
    default_headers: ClassVar[Mapping[str, str]] = {"Accept": "application/json", "User-Agent": "syncline"}
    max_page_size: ClassVar[int] = 1000
    check_path: ClassVar[str] = "/"
    # The system's documented rate budget, used where `settings.rate_limit` (or the older
    # top-level `requests_per_second` / `burst`) leave it open. Generic REST: 5/s, bursts of 10.
    default_rate_limit: ClassVar[RateLimitSettings] = RateLimitSettings(requests_per_second=5.0, burst=10)
    # What one token of the budget is: a request, or a system's own cost unit.
    rate_unit: ClassVar[str] = "requests"

    def __init__(
        self,
        context: ConnectorContext,
        *,
        transport: httpx.BaseTransport | None = None,
        budget: Budget | None = None,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__(context)
        self.config: S = cast(S, self.parse_settings(context.settings))
        self.check_base_url(context.base_url, self.config)
        self.check_credentials(self.config, context.credentials)
        self.tz = zone(context.timezone)
        self.redactor = Redactor.for_credentials(context.credentials)
        self._sleep = sleep
        self._clock = clock
        self.auth = self.build_auth()
        self.redactor.add(*self.auth.secrets())
        self.rate_limit = self.effective_rate_limit(self.config)
        if budget is None:
            budget = shared_budget(
                (self.system, context.tenant_id, context.connector_id, context.base_url),
                self.rate_limit.requests_per_second,
                self.rate_limit.burst,
                self.max_concurrency,
                store=context.rate_store if context.connector_id else None,
                tenant_id=context.tenant_id,
                connector_id=context.connector_id,
                unit=self.rate_unit,
            )
        self.client = HttpClient(
            system=self.system,
            base_url=self.api_base_url(),
            auth=self.auth,
            classifier=self.build_classifier(),
            settings=self.config.model_copy(update={"max_concurrency": self.max_concurrency}),
            redactor=self.redactor,
            budget=budget,
            headers=self.headers(),
            transport=transport,
            sleep=sleep,
            idempotency_header=self.idempotency_header_name(),
            time_left=self.time_left,
        )

    # -- declarations (override) -------------------------------------------------------------

    def api_base_url(self) -> str:
        return (self.context.base_url or "").rstrip("/")

    def build_auth(self) -> Authenticator:
        return NoAuth()

    def headers(self) -> Mapping[str, str]:
        return self.default_headers

    def build_classifier(self) -> ResponseClassifier:
        return ResponseClassifier(self.system)

    def pull_spec(self, entity: str) -> PullSpec:
        raise PermanentError(f"{self.system} cannot pull {entity!r}")

    def push_spec(self, entity: str) -> PushSpec:
        raise PermanentError(f"{self.system} cannot push {entity!r}")

    def lookup_spec(self, entity: str) -> LookupSpec | None:
        """How an ambiguous create of `entity` is looked up first; None: it cannot be."""
        return None

    def fetch_spec(self, entity: str) -> LookupSpec | None:
        """How one record of `entity` is fetched by its source id (`{id}` in the path or params,
        matched against `row_field`, default `id`); None: it cannot be (a refetch fails)."""
        return None

    def idempotency_header_name(self) -> str | None:
        """The request header the system de-duplicates pushes on; None: it has none."""
        return None

    def since_params(self, entity: str, spec: PullSpec, since: datetime) -> dict[str, Any]:
        """Query parameters of the server-side "changed since" filter."""
        return {}

    def parse_row(self, entity: str, spec: PullSpec, row: Any) -> SourceRecord:
        return self.record(
            row,
            id_field=spec.id_field,
            reference_field=spec.reference_field,
            updated_field=spec.updated_field,
        )

    # -- the Connector interface -------------------------------------------------------------

    @classmethod
    def effective_rate_limit(cls, config: HttpSettings) -> RateLimitSettings:
        """The budget in force: `settings.rate_limit`, then the older top-level settings, then the
        system's defaults, field by field."""
        given = config.rate_limit or RateLimitSettings()
        default = cls.default_rate_limit
        rate = given.requests_per_second or config.requests_per_second or default.requests_per_second
        burst = given.burst or config.burst or default.burst
        concurrency = given.max_concurrency or config.max_concurrency
        return RateLimitSettings(requests_per_second=rate, burst=burst, max_concurrency=concurrency)

    def rate_budget(self) -> dict[str, Any]:
        """The budget in force, as the connector summary shows it."""
        return {**self.rate_limit.model_dump(), "unit": self.rate_unit}

    def throttled_for(self) -> float | None:
        """The budget's wait when longer than `max_wait_seconds`. Leases tokens for this container
        when it has none, so asking is not wasted."""
        wait = self.client.budget.limiter.ready(self.config.max_wait_seconds)
        return wait if wait > self.config.max_wait_seconds else None

    @property
    def max_concurrency(self) -> int:
        return self.rate_limit.max_concurrency or self.config.max_concurrency

    @property
    def max_push_seconds(self) -> float:
        """How long one push can take: connecting, waiting for the answer, and the waits the
        client allows itself (rate budget, Retry-After, backoff)."""
        cfg = self.config
        return cfg.connect_timeout_seconds + cfg.timeout_seconds + cfg.max_wait_seconds

    def pull(self, entity: str, since: str | None, page: str | None, page_size: int) -> Page:
        self.require(entity, "pull")
        return self.pull_with(self.pull_spec(entity), entity, since, page, page_size)

    def push(
        self,
        entity: str,
        record: dict[str, Any],
        *,
        idempotency_key: str | None = None,
        ambiguous: bool = False,
    ) -> PushResult:
        self.require(entity, "push")
        return self.push_with(
            self.push_spec(entity), entity, record, idempotency_key=idempotency_key, ambiguous=ambiguous
        )

    def find_existing(self, entity: str, record: dict[str, Any]) -> PushResult | None:
        spec = self.lookup_spec(entity)
        row = self.lookup_row(spec, record, f"{entity} lookup") if spec else None
        if spec is None or row is None:
            return None
        return PushResult(endpoint_id=str(dig(row, spec.id_field)))

    def fetch_one(self, entity: str, source_id: str) -> SourceRecord | None:
        self.require(entity, "pull")
        spec = self.fetch_spec(entity)
        if spec is None:
            raise self.fail(RefetchUnsupported(f"{self.system} cannot fetch one {entity} record by its id"))
        row = self.lookup_row(spec, {"id": source_id}, f"{entity} record")
        if row is None:
            return None
        with self.parsing(f"{entity} record"):
            return self.parse_row(entity, self.pull_spec(entity), row)

    def lookup_row(self, spec: LookupSpec, record: dict[str, Any], what: str) -> dict[str, Any] | None:
        """The first row one GET finds whose `spec.row_field` equals the record's `spec.match`."""
        value = dig(record, spec.match)
        if value in (None, "") or isinstance(value, dict | list):
            return None
        path = fill(spec.path, record, path_id)
        params = {name: fill(template, record, str) for name, template in spec.params.items()}
        if path is None or None in params.values():
            return None
        try:
            response = self.client.request("GET", path, params=params)
        except PermanentError as exc:
            if spec.not_found_is_none and exc.status_code == 404:
                return None
            raise
        body = self.client.json(response)
        with self.parsing(what):
            rows = dig(body, spec.records_path) if spec.records_path else body
            if rows is None and isinstance(body, dict):
                rows = body  # a GET by key answering the record itself
            for row in rows if isinstance(rows, list) else [rows]:
                found = dig(row, spec.row_field or spec.match) if isinstance(row, dict) else None
                ident = dig(row, spec.id_field) if isinstance(row, dict) else None
                if same(found, value, spec.ignore_case) and ident not in (None, ""):
                    return cast(dict[str, Any], row)
        return None

    def idempotency_headers(self, key: str | None) -> dict[str, str]:
        """The header carrying `key`, when the system takes one and a key is given."""
        name = self.idempotency_header_name()
        return {name: key} if name and key else {}

    def check(self) -> None:
        self.client.request("GET", self.check_path)

    def close(self) -> None:
        self.client.close()

    # -- helpers -----------------------------------------------------------------------------

    def page_size(self, requested: int) -> int:
        return max(1, min(int(requested), self.max_page_size))

    @contextmanager
    def parsing(self, what: str) -> Iterator[None]:
        """Unexpected response shapes become a PermanentError naming what was being read."""
        try:
            yield
        except ConnectorError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise self.redactor.scrub(
                PermanentError(f"{self.system}: unexpected {what}: {type(exc).__name__}: {exc}")
            ) from None

    def fail(self, error: ConnectorError) -> ConnectorError:
        return self.redactor.scrub(error)

    def version(self, value: Any) -> str | None:
        """A source updated-at as ISO 8601 UTC (naive times read in the connector's time zone)."""
        normalized = normalize(value, self.tz, self.context.date_format)
        if normalized is not None:
            return normalized
        return str(value) if value not in (None, "") else None

    def record(
        self,
        row: Any,
        *,
        id_field: str,
        reference_field: str | None,
        updated_field: str | None,
        data: dict[str, Any] | None = None,
    ) -> SourceRecord:
        if not isinstance(row, dict):
            raise self.fail(
                PermanentError(f"{self.system}: expected a JSON object per record, got {type(row).__name__}")
            )
        source_id = dig(row, id_field)
        if source_id in (None, ""):
            raise self.fail(PermanentError(f"{self.system}: a record has no {id_field!r} field"))
        reference = dig(row, reference_field) if reference_field else None
        version = self.version(dig(row, updated_field)) if updated_field else None
        return SourceRecord(
            source_id=str(source_id),
            reference=str(reference) if reference not in (None, "") else str(source_id),
            version=version or content_version(row),
            data=data if data is not None else row,
        )

    def make_page(
        self, records: list[SourceRecord], next_state: str | None, watermark: str | None, since: str | None
    ) -> Page:
        mark = later(watermark, since if parse_cursor(since) else None)
        for rec in records:
            if parse_cursor(rec.version) is not None:
                mark = later(mark, rec.version)
        return Page(
            records=records,
            next_page=encode_page(next_state, mark) if next_state is not None else None,
            cursor=mark,
        )

    def pull_with(
        self, spec: PullSpec, entity: str, since: str | None, page: str | None, page_size: int
    ) -> Page:
        size = self.page_size(page_size)
        state, watermark = decode_page(page)
        url = spec.paginator.url(state)
        params: dict[str, Any] = {}
        since_dt = parse_cursor(since)
        if url is None:
            params.update(spec.params)
            if since_dt is not None:
                params.update(self.since_params(entity, spec, since_dt))
        params.update(spec.paginator.params(state, size))
        response = self.client.request("GET", url or spec.path, params=params)
        body = self.client.json(response)
        with self.parsing(f"{entity} page"):
            rows = dig(body, spec.records_path) if spec.records_path else body
            if rows is None:
                rows = []
            if not isinstance(rows, list):
                raise self.fail(
                    PermanentError(
                        f"{self.system}: expected a list of {entity} at {spec.records_path or 'the top'}"
                    )
                )
            records = [self.parse_row(entity, spec, row) for row in rows]
            next_state = spec.paginator.next_state(state, size, response, body, len(rows))
        if spec.client_side_since and since_dt is not None:
            records = [r for r in records if _not_before(r.version, since_dt)]
        return self.make_page(records, next_state, watermark, since)

    def push_with(
        self,
        spec: PushSpec,
        entity: str,
        record: dict[str, Any],
        *,
        idempotency_key: str | None = None,
        ambiguous: bool = False,
    ) -> PushResult:
        if not isinstance(record, dict):
            raise self.fail(PermanentError(f"{self.system}: a {entity} record must be a JSON object"))
        ident = record.get(spec.id_field) if spec.update_path else None
        headers = self.idempotency_headers(idempotency_key)
        if spec.update_path and ident not in (None, ""):
            method, path = spec.update_method, spec.update_path.replace("{id}", path_id(ident))
        else:
            method, path = spec.method, spec.path
            # A create the system cannot de-duplicate: find what an earlier attempt made.
            if ambiguous and method == "POST" and not headers:
                existing = self.find_existing(entity, record)
                if existing is not None:
                    return existing
        if spec.update_omits_id and method == spec.update_method and path != spec.path:
            record = {k: v for k, v in record.items() if k != spec.id_field}
        payload = {spec.envelope: record} if spec.envelope else record
        response = self.client.request(method, path, json=payload, headers=headers or None)
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None  # accepted without a JSON answer: no endpoint id to report
        endpoint_id = dig(body, spec.endpoint_id_path) if body is not None else None
        if isinstance(endpoint_id, dict | list):
            endpoint_id = None
        if endpoint_id in (None, "") and ident not in (None, ""):
            endpoint_id = ident
        return PushResult(endpoint_id=str(endpoint_id) if endpoint_id not in (None, "") else None)


_PLACEHOLDER = re.compile(r"\{([\w.-]+)\}")


def fill(template: str, record: dict[str, Any], encode: Callable[[Any], str]) -> str | None:
    """`template` with each `{field}` replaced by the record's value (encoded); None if one is missing."""
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        found = dig(record, match.group(1))
        if found in (None, "") or isinstance(found, dict | list):
            missing = True
            return ""
        return encode(found)

    text = _PLACEHOLDER.sub(value, template)
    return None if missing else text


def same(found: Any, wanted: Any, ignore_case: bool = False) -> bool:
    """An exact match of two identifying values (`42` and `"42"` are the same id)."""
    if found in (None, "") or isinstance(found, dict | list):
        return False
    a, b = str(found), str(wanted)
    return a.casefold() == b.casefold() if ignore_case else a == b


def path_id(value: Any) -> str:
    """An id for a URL path segment: percent-encoded, so `../x` cannot reach another endpoint."""
    text = quote(str(value), safe="")
    return text.replace(".", "%2E") if text in (".", "..") else text


def _not_before(version: str, since: datetime) -> bool:
    moment = parse_cursor(version)
    return moment is None or moment >= since
