"""Authenticators: httpx `Auth` flows that also know which of their values are secret.

none, basic, bearer token (any header and scheme), API key (header or query parameter) and OAuth2
client credentials (token cached until shortly before it expires, fetched again once on a 401).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import httpx

from syncline.connectors.base import AuthenticationError, TransientError
from syncline.connectors.redact import basic_token


class Authenticator(httpx.Auth):
    kind: ClassVar[str] = "none"

    def secrets(self) -> list[str]:
        """Values to mask in messages and logs."""
        return []

    def query_params(self) -> frozenset[str]:
        """Query parameter names this authenticator adds (stripped from stored page links)."""
        return frozenset()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        yield request


class NoAuth(Authenticator):
    kind = "none"


class BasicAuth(Authenticator):
    kind = "basic"

    def __init__(self, username: str, password: str) -> None:
        self._header = f"Basic {basic_token(username, password)}"
        self._secrets = [password, basic_token(username, password)]

    def secrets(self) -> list[str]:
        return list(self._secrets)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = self._header
        yield request


class BearerAuth(Authenticator):
    """A static token in a header: `Authorization: Bearer <token>` or e.g. `X-Auth-Token: <token>`."""

    kind = "bearer"

    def __init__(self, token: str, *, header: str = "Authorization", scheme: str | None = "Bearer") -> None:
        self._token = token
        self._header = header
        self._value = f"{scheme} {token}" if scheme else token

    def secrets(self) -> list[str]:
        return [self._token]

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        request.headers[self._header] = self._value
        yield request


class ApiKeyAuth(Authenticator):
    """One or more key values in headers or query parameters (e.g. WooCommerce's key and secret)."""

    kind = "api_key"

    def __init__(self, values: dict[str, str], *, location: Literal["header", "query"] = "header") -> None:
        self._values = dict(values)
        self._location = location

    def secrets(self) -> list[str]:
        return list(self._values.values())

    def query_params(self) -> frozenset[str]:
        return frozenset(self._values) if self._location == "query" else frozenset()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        if self._location == "query":
            request.url = request.url.copy_merge_params(self._values)
        else:
            request.headers.update(self._values)
        yield request


@dataclass
class _Token:
    value: str
    expires_at: float


# Tokens outlive one connector object: a warm Lambda builds connectors per batch and should not
# fetch a token each time. Keyed by a hash of the client identity, never by the secret itself.
_TOKENS: dict[str, _Token] = {}
_TOKENS_LOCK = threading.Lock()


class OAuth2ClientCredentials(Authenticator):
    """OAuth2 client-credentials grant (RFC 6749 section 4.4)."""

    kind = "oauth2"
    requires_response_body = True
    # Renew this long before the token's announced expiry.
    EXPIRY_SKEW_SECONDS = 30.0

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str | None = None,
        audience: str | None = None,
        client_auth: Literal["basic", "body"] = "basic",
        on_token: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._scope = scope
        self._audience = audience
        self._client_auth = client_auth
        self._on_token = on_token
        self._clock = clock
        identity = "\x1f".join([token_url, client_id, client_secret, scope or "", audience or ""])
        self._key = hashlib.sha256(identity.encode()).hexdigest()
        self.token_requests = 0

    def secrets(self) -> list[str]:
        secrets = [self._client_secret, basic_token(self._client_id, self._client_secret)]
        with _TOKENS_LOCK:
            token = _TOKENS.get(self._key)
        if token:
            secrets.append(token.value)
        return secrets

    def _cached(self) -> str | None:
        with _TOKENS_LOCK:
            token = _TOKENS.get(self._key)
        if token and token.expires_at > self._clock():
            return token.value
        return None

    def _forget(self, value: str) -> None:
        with _TOKENS_LOCK:
            token = _TOKENS.get(self._key)
            if token and token.value == value:
                del _TOKENS[self._key]

    def _token_request(self) -> httpx.Request:
        form: dict[str, str] = {"grant_type": "client_credentials"}
        if self._scope:
            form["scope"] = self._scope
        if self._audience:
            form["audience"] = self._audience
        headers = {"Accept": "application/json"}
        if self._client_auth == "basic":
            headers["Authorization"] = f"Basic {basic_token(self._client_id, self._client_secret)}"
        else:
            form["client_id"] = self._client_id
            form["client_secret"] = self._client_secret
        return httpx.Request("POST", self.token_url, data=form, headers=headers)

    def _fetch(self) -> Generator[httpx.Request, httpx.Response, str]:
        self.token_requests += 1
        response = yield self._token_request()
        body: Any
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientError(
                f"OAuth2 token endpoint returned HTTP {response.status_code}",
                status_code=response.status_code,
            )
        if not response.is_success or not body.get("access_token"):
            reason = body.get("error_description") or body.get("error") or response.reason_phrase
            raise AuthenticationError(
                f"OAuth2 token request rejected (HTTP {response.status_code}): {str(reason)[:16_384]}",
                status_code=response.status_code if not response.is_success else 401,
            )
        value = str(body["access_token"])
        try:
            lifetime = float(body.get("expires_in", 3600))
        except (TypeError, ValueError):
            lifetime = 3600.0
        skew = min(self.EXPIRY_SKEW_SECONDS, lifetime / 10)
        with _TOKENS_LOCK:
            _TOKENS[self._key] = _Token(value, self._clock() + lifetime - skew)
        if self._on_token:
            self._on_token(value)
        return value

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        token = self._cached()
        if token is None:
            token = yield from self._fetch()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            # The token may have been revoked or expired early: fetch a new one, once.
            self._forget(token)
            token = yield from self._fetch()
            request.headers["Authorization"] = f"Bearer {token}"
            yield request


def clear_token_cache() -> None:
    with _TOKENS_LOCK:
        _TOKENS.clear()
