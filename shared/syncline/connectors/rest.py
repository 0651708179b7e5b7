"""`rest`: a generic configurable HTTP JSON connector, for systems without a dedicated one.

Settings keep the original contract and defaults (the local demo relies on them):
`pull_path` / `push_path` (`{entity}` is replaced), `records_path` ("data"; "" = the body is the
list), `id_field` ("id"), `reference_field` (default: the id), `updated_field` ("updated_at"),
`since_param` ("updated_since"), `page_param` / `next_page_field` ("cursor" / "next_cursor"),
`page_size_param` ("limit"), `push_method` ("POST"), `endpoint_id_field` ("id"), `check_path`
("/"); credential `token` -> bearer.

Extensions: `auth` (auto | none | basic | bearer | api_key | oauth2, with `api_key_name`,
`api_key_in`, `token_url`, `scope`, `audience`, `oauth_client_auth`), `paginator` (cursor | page |
offset | link | none, with `has_more_field`, `page_start`, `total_pages_field`,
`total_pages_header`, `total_field`, `total_header`), `since_format` (iso | local | epoch),
`update_path` / `update_method`, `entities`, `headers`, and the rate budget of every HTTP
connector (`requests_per_second`, `burst`, `max_concurrency`, `max_wait_seconds`, timeouts).

Repeatable pushes: every push carries the pipeline's idempotency key in `idempotency_header`
(default `Idempotency-Key`), and a POST with it is retried after a transient error like a GET.
For an API that ignores such a header, set it to null and describe a lookup instead, used before
a create (POST) that an earlier attempt may have made:

* `lookup_field`: the record's field (dot path) that identifies it at the destination, matched
  exactly in the answer (default: `reference_field`);
* `lookup_path`: the GET path, `{entity}` and `{value}` (that field's value) replaced: a list
  filter `/{entity}` with `lookup_param: reference` (GET `/orders?reference=R-1`), or a GET by
  key `/{entity}/by-reference/{value}` (a 404 there means "not created yet");
* the answer is a list at `records_path` (as a pull page) or the record itself; the id is the
  matching row's `id_field`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, Literal
from urllib.parse import quote

from pydantic import BaseModel, Field, field_validator

from syncline.connectors.auth import (
    ApiKeyAuth,
    Authenticator,
    BasicAuth,
    BearerAuth,
    NoAuth,
    OAuth2ClientCredentials,
)
from syncline.connectors.base import ConfigurationError, check_url, entity_names, has_control_characters
from syncline.connectors.http import HttpConnector, LookupSpec, PullSpec, PushSpec
from syncline.connectors.http_client import HttpSettings
from syncline.connectors.pagination import (
    CursorPaginator,
    LinkHeaderPaginator,
    OffsetPaginator,
    PageNumberPaginator,
    Paginator,
    SinglePage,
)
from syncline.connectors.timeutil import to_iso

DEFAULT_ENTITIES = ("orders", "products", "inventory", "customers", "fulfilments")
_SECRET_HEADER = re.compile(
    r"(?i)(auth|cookie|token|secret|passw|pwd|api[-_]?key|key$|signature|session|credential|bearer|private)"
)
# A header value that is a credential whatever the header's name.
_SECRET_VALUE = re.compile(r"(?i)^\s*(bearer|basic|token|digest|negotiate|hmac|aws4-hmac)\s+\S")

AUTH_CREDENTIALS: dict[str, tuple[str, ...]] = {
    "auto": (),
    "none": (),
    "bearer": ("token",),
    "basic": ("username", "password"),
    "api_key": ("api_key",),
    "oauth2": ("client_id", "client_secret"),
}


class RestSettings(HttpSettings):
    pull_path: str = Field(default="/{entity}", description="GET path of a page; {entity} is replaced")
    push_path: str = Field(default="/{entity}", description="path records are pushed to")
    push_method: Literal["POST", "PUT", "PATCH"] = "POST"
    update_path: str | None = Field(
        default=None, description="path for records that carry id_field, with {id} (and {entity})"
    )
    update_method: Literal["PUT", "PATCH", "POST"] = "PUT"
    records_path: str = Field(default="data", description="dot path of the record list; '' = the body")
    id_field: str = "id"
    reference_field: str | None = None
    updated_field: str | None = "updated_at"
    since_param: str | None = "updated_since"
    since_format: Literal["iso", "local", "epoch"] = Field(
        default="iso",
        description="iso: the cursor as ISO 8601 UTC; local: the connector's time zone and date "
        "format; epoch: Unix seconds",
    )
    paginator: Literal["cursor", "page", "offset", "link", "none"] = "cursor"
    page_param: str | None = Field(
        default=None, description="cursor/page/offset query parameter (default: cursor, page or offset)"
    )
    next_page_field: str = Field(
        default="next_cursor", description="cursor paginator: dot path of the next cursor"
    )
    has_more_field: str | None = None
    page_size_param: str | None = "limit"
    page_start: int = Field(default=1, ge=0)
    total_pages_field: str | None = None
    total_pages_header: str | None = None
    total_field: str | None = None
    total_header: str | None = None
    endpoint_id_field: str = "id"
    check_path: str = "/"
    auth: Literal["auto", "none", "basic", "bearer", "api_key", "oauth2"] = Field(
        default="auto", description="auto: bearer when the credentials hold `token`, else none"
    )
    api_key_name: str = "X-API-Key"
    api_key_in: Literal["header", "query"] = "header"
    token_url: str | None = None
    scope: str | None = None
    audience: str | None = None
    oauth_client_auth: Literal["basic", "body"] = "basic"
    entities: list[str] | None = Field(default=None, description="entity names (default: the usual five)")
    headers: dict[str, str] = Field(default_factory=dict, description="extra static, non-secret headers")
    idempotency_header: str | None = Field(
        default="Idempotency-Key",
        pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]*$",
        description="header carrying each push's idempotency key, which the API de-duplicates on; "
        "null or '' when the API has none (then lookup_path makes repeated creates safe)",
    )
    record_url_template: str | None = Field(
        default=None,
        max_length=2000,
        description="the page of a record in the system's own admin, linked from the report: an http(s) "
        "URL with {id} (and {entity}) replaced, e.g. https://admin.example.com/{entity}/{id}",
    )
    lookup_path: str | None = Field(
        default=None,
        description="GET path finding a record an earlier push created ({entity}, {value} replaced); "
        "used before an ambiguous create when no idempotency header is sent",
    )
    lookup_param: str | None = Field(default=None, description="query parameter carrying the lookup value")
    fetch_path: str | None = Field(
        default="{pull_path}/{id}",
        description="GET path of one record by its source id (a resync with refetch); {pull_path}, "
        "{entity} and {id} are replaced; null: the API has none",
    )
    fetch_record_field: str | None = Field(
        default=None, description="dot path of the record in that answer (default: the body itself)"
    )
    lookup_field: str | None = Field(
        default=None,
        pattern=r"^[\w.-]+$",
        description="record field (dot path) matched exactly in the lookup answer (else reference_field)",
    )

    @field_validator("pull_path", "push_path", "update_path", "check_path", "lookup_path")
    @classmethod
    def _path(cls, value: str | None) -> str | None:
        if value is not None and (
            not value.startswith("/") or "://" in value or any(c.isspace() for c in value)
        ):
            raise ValueError("must be a path starting with / (relative to the base URL)")
        return value

    @field_validator("fetch_path")
    @classmethod
    def _fetch_path(cls, value: str | None) -> str | None:
        if not value:
            return None
        if "{id}" not in value:
            raise ValueError("must contain {id}")
        cls._path(value.replace("{pull_path}", "/", 1))
        return value

    @field_validator("idempotency_header")
    @classmethod
    def _optional_header(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("headers")
    @classmethod
    def _no_secret_headers(cls, value: dict[str, str]) -> dict[str, str]:
        for name, header in value.items():
            if _SECRET_HEADER.search(name) or (isinstance(header, str) and _SECRET_VALUE.search(header)):
                raise ValueError(
                    "a header carrying a secret (Authorization, X-Api-Key, *-Token, Cookie...) is stored "
                    "and shown in plain text; put secrets in credentials (write-only)"
                )
            if has_control_characters(name) or (isinstance(header, str) and has_control_characters(header)):
                raise ValueError("header names and values must not contain control characters")
        return value

    @field_validator("entities")
    @classmethod
    def _entity_names(cls, value: list[str] | None) -> list[str] | None:
        return entity_names(value)


class RestConnector(HttpConnector[RestSettings]):
    system = "rest"
    entities: ClassVar[Mapping[str, frozenset[str]]] = {
        name: frozenset({"pull", "push"}) for name in DEFAULT_ENTITIES
    }
    settings_model = RestSettings

    @classmethod
    def parse_settings(cls, settings: Mapping[str, Any] | None) -> BaseModel:
        parsed = super().parse_settings(settings)
        assert isinstance(parsed, RestSettings)
        if parsed.auth == "oauth2":
            if not parsed.token_url:
                raise ConfigurationError("settings.token_url", "required when auth is oauth2")
            check_url(parsed.token_url, field_name="settings.token_url", schemes=("http", "https"))
        if parsed.lookup_path:
            if not (parsed.lookup_field or parsed.reference_field):
                raise ConfigurationError("settings.lookup_field", "required with lookup_path")
            if "{value}" not in parsed.lookup_path and not parsed.lookup_param:
                raise ConfigurationError("settings.lookup_param", "required when lookup_path has no {value}")
        if parsed.record_url_template:
            if "{id}" not in parsed.record_url_template:
                raise ConfigurationError("settings.record_url_template", "must contain {id}")
            example = parsed.record_url_template.replace("{id}", "1").replace("{entity}", "orders")
            check_url(example, field_name="settings.record_url_template", schemes=("http", "https"))
        return parsed

    @classmethod
    def record_url(cls, base_url: str | None, settings: BaseModel, entity: str, record_id: str) -> str | None:
        template = getattr(settings, "record_url_template", None)
        if not template or not record_id:
            return None
        return template.replace("{entity}", quote(entity, safe="")).replace("{id}", quote(record_id, safe=""))

    @classmethod
    def required_credentials(cls, settings: BaseModel) -> tuple[str, ...]:
        assert isinstance(settings, RestSettings)
        return AUTH_CREDENTIALS[settings.auth]

    @classmethod
    def describe(cls) -> dict[str, Any]:
        info = super().describe()
        info["credential_fields_by_auth"] = {kind: list(fields) for kind, fields in AUTH_CREDENTIALS.items()}
        return info

    def entity_directions(self) -> Mapping[str, frozenset[str]]:
        return self.entities_for(self.config)

    def check(self) -> None:
        self.client.request("GET", self.config.check_path)

    def build_auth(self) -> Authenticator:
        s, creds = self.config, self.context.credentials
        kind = s.auth
        if kind == "auto":
            kind = "bearer" if creds.get("token") else "none"
        if kind == "bearer":
            return BearerAuth(creds["token"])
        if kind == "basic":
            self.redactor.add_basic(creds["username"], creds["password"])
            return BasicAuth(creds["username"], creds["password"])
        if kind == "api_key":
            return ApiKeyAuth({s.api_key_name: creds["api_key"]}, location=s.api_key_in)
        if kind == "oauth2":
            assert s.token_url is not None
            return OAuth2ClientCredentials(
                s.token_url,
                creds["client_id"],
                creds["client_secret"],
                scope=s.scope,
                audience=s.audience,
                client_auth=s.oauth_client_auth,
                on_token=self.redactor.add,
            )
        return NoAuth()

    def headers(self) -> Mapping[str, str]:
        return {**self.default_headers, **self.config.headers}

    def paginator(self) -> Paginator:
        s = self.config
        if s.paginator == "page":
            return PageNumberPaginator(
                s.page_param or "page",
                s.page_size_param,
                start=s.page_start,
                total_pages_header=s.total_pages_header,
                total_pages_path=s.total_pages_field,
                total_items_header=s.total_header,
                total_items_path=s.total_field,
            )
        if s.paginator == "offset":
            return OffsetPaginator(
                s.page_param or "offset",
                s.page_size_param or "limit",
                total_path=s.total_field,
                total_header=s.total_header,
            )
        if s.paginator == "link":
            return LinkHeaderPaginator(s.page_size_param, strip_params=self.auth.query_params())
        if s.paginator == "none":
            return SinglePage(s.page_size_param)
        return CursorPaginator(
            s.page_param or "cursor",
            s.next_page_field,
            size_param=s.page_size_param,
            has_more_path=s.has_more_field,
        )

    def pull_spec(self, entity: str) -> PullSpec:
        s = self.config
        return PullSpec(
            path=s.pull_path.replace("{entity}", entity),
            paginator=self.paginator(),
            records_path=s.records_path,
            id_field=s.id_field,
            reference_field=s.reference_field,
            updated_field=s.updated_field,
        )

    def since_params(self, entity: str, spec: PullSpec, since: datetime) -> dict[str, Any]:
        s = self.config
        if not s.since_param:
            return {}
        if s.since_format == "local":
            value: Any = since.astimezone(self.tz).strftime(self.context.date_format)
        elif s.since_format == "epoch":
            value = int(since.timestamp())
        else:
            value = to_iso(since)
        return {s.since_param: value}

    def push_spec(self, entity: str) -> PushSpec:
        s = self.config
        return PushSpec(
            path=s.push_path.replace("{entity}", entity),
            method=s.push_method,
            update_path=s.update_path.replace("{entity}", entity) if s.update_path else None,
            update_method=s.update_method,
            id_field=s.id_field,
            endpoint_id_path=s.endpoint_id_field,
        )

    def idempotency_header_name(self) -> str | None:
        return self.config.idempotency_header

    def fetch_spec(self, entity: str) -> LookupSpec | None:
        s = self.config
        if not s.fetch_path:
            return None
        path = s.fetch_path.replace("{pull_path}", s.pull_path).replace("{entity}", entity)
        return LookupSpec(
            path=path,
            match="id",
            row_field=s.id_field,
            records_path=s.fetch_record_field,
            id_field=s.id_field,
            not_found_is_none=True,
        )

    def lookup_spec(self, entity: str) -> LookupSpec | None:
        s = self.config
        match = s.lookup_field or s.reference_field
        if not s.lookup_path or not match:
            return None
        value = "{" + match + "}"  # filled from the record by find_existing
        return LookupSpec(
            path=s.lookup_path.replace("{entity}", entity).replace("{value}", value),
            match=match,
            params={s.lookup_param: value} if s.lookup_param else {},
            records_path=s.records_path or None,
            id_field=s.id_field,
            not_found_is_none="{value}" in s.lookup_path,
        )
