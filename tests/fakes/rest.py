"""Fake generic JSON API for the `rest` connector, in two dialects.

* `cursor` (the `rest` connector's defaults, as the local demo uses them): bearer `token`;
  `GET /{entity}?limit=&cursor=&updated_since=` -> `{"data": [...], "next_cursor": ...}` with ISO
  8601 UTC `updated_at`.
* `link`: OAuth2 client credentials (`POST /oauth/token`, HTTP Basic client authentication),
  `GET /api/{entity}?per_page=&updated_since=` -> a bare list plus `Link: <...>; rel="next"`, and
  naive `modified` times in the API's local time zone (`updated_since` in the same form).

Both: `POST /{entity}` creates (a row needs `name`) and de-duplicates on the
`idempotency_header` (a repeat with a key already seen answers the first result and creates
nothing); `PUT|PATCH /{entity}/{id}` updates; a list takes any row field as an exact filter
(`GET /orders?number=R-1003`); `GET /{entity}/by-{field}/{value}` answers one row or 404.

Errors: `{"error": {"code": ..., "message": ...}}`; validation:
`{"message": "Validation failed", "errors": [{"field": ..., "message": ...}]}` (422).
"""

from __future__ import annotations

import base64
import re
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from tests.fakes.http import FakeRequest, FakeResponse, FakeServer, NotFound, iso_z, moment

LOCAL_TZ = ZoneInfo("America/New_York")
LOCAL_FORMAT = "%Y-%m-%d %H:%M:%S"
LIST_PARAMS = frozenset({"limit", "cursor", "per_page", "page", "updated_since"})


class FakeRest(FakeServer):
    system = "rest"

    def __init__(
        self,
        mode: str = "cursor",
        *,
        token: str = "rest_token_c0ffee42",
        client_id: str = "client-7",
        client_secret: str = "client_secret_d34db33f",
        n: int = 7,
        token_lifetime: int = 3600,
        idempotency_header: str | None = "Idempotency-Key",
    ) -> None:
        super().__init__()
        assert mode in ("cursor", "link")
        self.mode = mode
        self.token = token
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_lifetime = token_lifetime
        self.issued: set[str] = set()
        self.rows: dict[str, list[dict[str, Any]]] = {
            "orders": [],
            "products": [],
            "customers": [],
            "inventory": [],
            "fulfilments": [],
        }
        for i in range(n):
            stamp = moment(i)
            when: dict[str, str]
            if mode == "cursor":
                when = {"updated_at": iso_z(stamp)}
            else:
                when = {"modified": stamp.astimezone(LOCAL_TZ).strftime(LOCAL_FORMAT)}
            self.rows["orders"].append({"id": f"o{i}", "number": f"R-{1001 + i}", **when})
            self.rows["products"].append({"id": f"p{i}", "sku": f"RS-{i}", "name": f"Product {i}", **when})
            self.rows["customers"].append({"id": f"c{i}", "email": f"r{i}@example.com", **when})
            self.rows["inventory"].append({"id": f"i{i}", "sku": f"RS-{i}", "available": i, **when})
            self.rows["fulfilments"].append({"id": f"f{i}", "order_id": f"o{i}", **when})
        self.created: list[dict[str, Any]] = []
        self.idempotency_header = idempotency_header.lower() if idempotency_header else None
        self.by_key: dict[str, dict[str, Any]] = {}

    @property
    def prefix(self) -> str:
        return "" if self.mode == "cursor" else "/api"

    @property
    def url(self) -> str:
        return self.origin

    def authorized(self, request: FakeRequest) -> bool:
        if request.path == "/oauth/token":
            return True
        header = request.headers.get("authorization", "")
        if self.mode == "cursor":
            return header == f"Bearer {self.token}"
        return header.startswith("Bearer ") and header[7:] in self.issued

    def fault_response(self, kind: str, request: FakeRequest, retry_after: float | None) -> FakeResponse:
        if kind == "auth":
            if request.path == "/oauth/token":
                return FakeResponse(
                    401, {"error": "invalid_client", "error_description": "Client authentication failed"}
                )
            return FakeResponse(
                401,
                {
                    "error": {
                        "code": "invalid_token",
                        "message": "The access token is missing, expired or invalid",
                    }
                },
                {"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        if kind == "rate_limit":
            return FakeResponse(
                429,
                {"error": {"code": "rate_limited", "message": "Rate limit exceeded"}},
                {"Retry-After": str(retry_after if retry_after is not None else 1)},
            )
        if kind == "server_error":
            return FakeResponse(
                502, "<html><body>502 Bad Gateway</body></html>", {"Content-Type": "text/html"}
            )
        return FakeResponse(
            422,
            {"message": "Validation failed", "errors": [{"field": "name", "message": "name is required"}]},
        )

    def not_found(self, request: FakeRequest) -> FakeResponse:
        return FakeResponse(404, {"error": {"code": "not_found", "message": f"No route for {request.path}"}})

    def route(self, request: FakeRequest) -> FakeResponse:
        if request.path == "/oauth/token" and request.method == "POST":
            return self._token(request)
        if request.path in ("/", f"{self.prefix}/") and request.method == "GET":
            return FakeResponse(200, {"ok": True})
        match = re.fullmatch(rf"{self.prefix}/(\w+)(?:/by-(\w+))?(?:/([^/]+))?", request.path)
        if not match or match.group(1) not in self.rows:
            raise NotFound
        entity, by, ident = match.groups()
        if request.method == "GET" and ident is None:
            return self._list(entity, request)
        if request.method == "GET":  # by id, or by-<field>
            found = next((r for r in self.rows[entity] if str(r.get(by or "id")) == ident), None)
            if found is None:
                return self.not_found(request)
            return FakeResponse(200, found)
        if request.method == "POST" and ident is None:
            return self._create(entity, request)
        if request.method in ("PUT", "PATCH") and ident is not None and not by:
            row = next((r for r in self.rows[entity] if r["id"] == ident), None)
            if row is None:
                return self.not_found(request)
            row.update(request.json() or {})
            return FakeResponse(200, row)
        raise NotFound

    def _create(self, entity: str, request: FakeRequest) -> FakeResponse:
        key = request.headers.get(self.idempotency_header) if self.idempotency_header else None
        if key and key in self.by_key:
            return FakeResponse(201, self.by_key[key])  # the first answer again; nothing created
        body = request.json()
        if not isinstance(body, dict) or not body.get("name"):
            return self.fault_response("validation", request, None)
        now = datetime.now(LOCAL_TZ)
        when = (
            {"updated_at": iso_z(now)} if self.mode == "cursor" else {"modified": now.strftime(LOCAL_FORMAT)}
        )
        row = {**body, "id": f"new-{len(self.created) + 1}", **when}
        self.created.append(row)
        self.rows[entity].append(row)
        if key:
            self.by_key[key] = row
        return FakeResponse(201, row)

    def _token(self, request: FakeRequest) -> FakeResponse:
        header = request.headers.get("authorization", "")
        form = dict(x.split("=", 1) for x in request.body.decode().split("&") if "=" in x)
        ok = False
        if header.startswith("Basic "):
            client, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            ok = client == self.client_id and secret == self.client_secret
        if not ok or form.get("grant_type") != "client_credentials":
            return self.fault_response("auth", request, None)
        token = "at_" + secrets.token_hex(8)
        self.issued.add(token)
        return FakeResponse(
            200, {"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime}
        )

    def revoke_tokens(self) -> None:
        self.issued.clear()

    def _list(self, entity: str, request: FakeRequest) -> FakeResponse:
        rows = self.rows[entity]
        for name, values in request.query.items():
            if name not in LIST_PARAMS:
                rows = [r for r in rows if str(r.get(name)) == values[0]]
        since = request.param("updated_since")
        if self.mode == "cursor":
            if since:
                limit = datetime.fromisoformat(since.replace("Z", "+00:00"))
                rows = [
                    r for r in rows if datetime.fromisoformat(r["updated_at"].replace("Z", "+00:00")) >= limit
                ]
            size = int(request.param("limit", "50") or 50)
            start = int(request.param("cursor", "0") or 0)
            chunk = rows[start : start + size]
            following = start + size if start + size < len(rows) else None
            return FakeResponse(
                200, {"data": chunk, "next_cursor": str(following) if following is not None else None}
            )
        if since:
            if not re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", since):
                return FakeResponse(
                    400, {"error": {"code": "bad_request", "message": f"bad updated_since {since!r}"}}
                )
            rows = [r for r in rows if r["modified"] >= since]
        size = int(request.param("per_page", "50") or 50)
        page = int(request.param("page", "1") or 1)
        chunk = rows[(page - 1) * size : page * size]
        headers = {}
        if page * size < len(rows):
            params: dict[str, Any] = {"page": page + 1, "per_page": size}
            if since:
                params["updated_since"] = since
            query = urlencode(params)
            here = f"{self.origin}{request.path}"
            headers["Link"] = f'<{here}?{query}>; rel="next", <{here}>; rel="first"'
        return FakeResponse(200, chunk, headers)
