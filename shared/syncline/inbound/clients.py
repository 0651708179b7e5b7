"""OAuth 2.0 clients of the inbound API (client credentials, RFC 6749 4.4) and their access tokens.

A client belongs to one company group; its id names the group (`<tenant_id>~<hex>`), so the token
endpoint finds its row with one GetItem. The secret is shown once (at creation and at rotation)
and stored as its SHA-256 only (it is 256 random bits: no slow hash needed).

An access token is signed, never stored: `sit_<payload>.<signature>`, the payload (base64url JSON)
naming the client, its secret generation, the scope, the services it may push to and the expiry,
signed with HMAC-SHA256 under a key shared by every container (config table SECRET row). A check
reads the client's row at most once a minute per container, so a revoked or rotated client's
tokens stop working within 60 s. Tokens carry only `inbound:write`: report API keys cannot push
and these tokens cannot call the report API (different prefix, different check).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from syncline.models import is_valid_id, iso, utcnow
from syncline.store import ConfigStore

SCOPE = "inbound:write"
TOKEN_SECONDS = 86400
CACHE_SECONDS = 60.0
TOKEN_PREFIX = "sit_"
SECRET_PREFIX = "scs_"
CLIENT_ID_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]{0,63})~([0-9a-f]{16})$")
DEFAULT_RATE = 50.0  # requests a second, refilled
DEFAULT_BURST = 100
_SIGNING_SECRET = "inbound-token"

_cache: dict[tuple[str, str], tuple[float, dict[str, Any] | None]] = {}


@dataclass(frozen=True)
class Caller:
    """Who a valid token speaks for."""

    tenant_id: str
    client_id: str
    services: tuple[str, ...] | None  # None: every service of the group
    rate: float = DEFAULT_RATE
    burst: int = DEFAULT_BURST

    def may_push(self, service_id: str) -> bool:
        return self.services is None or service_id in self.services


class OAuthError(Exception):
    """An RFC 6749 5.2 error: `error` code and HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


def _store(store: ConfigStore | None) -> ConfigStore:
    if store is not None:
        return store
    from syncline import wiring

    return wiring.config_store()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def tenant_of(client_id: str) -> str | None:
    match = CLIENT_ID_RE.match(client_id)
    return match.group(1) if match else None


def view(row: dict[str, Any]) -> dict[str, Any]:
    """A client as listed: never its secret, nor the secret's hash."""
    return {
        "client_id": row["client_id"],
        "name": row.get("name"),
        "scope": SCOPE,
        "services": row.get("services"),
        "rate_per_second": float(row.get("rate", DEFAULT_RATE)),
        "burst": int(row.get("burst", DEFAULT_BURST)),
        "created_at": row.get("created_at"),
        "rotated_at": row.get("rotated_at"),
        "revoked": bool(row.get("revoked")),
        "revoked_at": row.get("revoked_at"),
    }


def create_client(
    tenant_id: str,
    *,
    name: str = "",
    services: list[str] | None = None,
    rate: float = DEFAULT_RATE,
    burst: int = DEFAULT_BURST,
    store: ConfigStore | None = None,
) -> tuple[dict[str, Any], str]:
    """A new client; returns its view and the secret (shown once, never stored)."""
    if not is_valid_id(tenant_id):
        raise ValueError(f"invalid company group id {tenant_id!r}")
    client_id = f"{tenant_id}~{secrets.token_hex(8)}"
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    row: dict[str, Any] = {
        "client_id": client_id,
        "name": name,
        "services": services,
        "rate": str(rate),
        "burst": burst,
        "secret_hash": _hash(secret),
        "generation": 1,
        "created_at": iso(utcnow()),
        "revoked": False,
    }
    _store(store).put_inbound_client(tenant_id, client_id, row)
    return view(row), secret


def list_clients(tenant_id: str, *, store: ConfigStore | None = None) -> list[dict[str, Any]]:
    return [view(r) for r in _store(store).inbound_clients(tenant_id)]


def _require(tenant_id: str, client_id: str, store: ConfigStore) -> dict[str, Any]:
    from syncline.errors import NotFound

    row = store.get_inbound_client(tenant_id, client_id) if tenant_of(client_id) == tenant_id else None
    if row is None:
        raise NotFound(f"client {client_id!r} not found")
    return row


def get_client(tenant_id: str, client_id: str, *, store: ConfigStore | None = None) -> dict[str, Any]:
    return view(_require(tenant_id, client_id, _store(store)))


def revoke_client(tenant_id: str, client_id: str, *, store: ConfigStore | None = None) -> dict[str, Any]:
    config = _store(store)
    row = _require(tenant_id, client_id, config)
    changes = {"revoked": True, "revoked_at": iso(utcnow())}
    config.update_inbound_client(tenant_id, client_id, changes)
    _cache.pop((tenant_id, client_id), None)
    return view(row | changes)


def rotate_client(
    tenant_id: str, client_id: str, *, store: ConfigStore | None = None
) -> tuple[dict[str, Any], str]:
    """A new secret; the old one and every token issued under it stop working (within a minute)."""
    from syncline.errors import Conflict

    config = _store(store)
    row = _require(tenant_id, client_id, config)
    if row.get("revoked"):
        raise Conflict(f"client {client_id!r} is revoked")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    changes = {
        "secret_hash": _hash(secret),
        "generation": int(row.get("generation", 1)) + 1,
        "rotated_at": iso(utcnow()),
    }
    config.update_inbound_client(tenant_id, client_id, changes)
    _cache.pop((tenant_id, client_id), None)
    return view(row | changes), secret


# ---------------------------------------------------------------------------------- tokens


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_signing_keys: dict[str, bytes] = {}


def _signing_key(store: ConfigStore) -> bytes:
    """The token signing key, read once per container and table (it never changes once made)."""
    key = _signing_keys.get(store.name)
    if key is None:
        key = _signing_keys[store.name] = store.shared_secret(_SIGNING_SECRET).encode()
    return key


def issue_token(
    client_id: str, client_secret: str, *, scope: str | None = None, store: ConfigStore | None = None
) -> dict[str, Any]:
    """The token response for valid client credentials; OAuthError otherwise."""
    config = _store(store)
    tenant_id = tenant_of(client_id or "")
    row = config.get_inbound_client(tenant_id, client_id) if tenant_id else None
    if (
        row is None
        or row.get("revoked")
        or not client_secret
        or not hmac.compare_digest(str(row.get("secret_hash", "")), _hash(client_secret))
    ):
        raise OAuthError("invalid_client", "client authentication failed", 401)
    if scope is not None and set(scope.split()) - {SCOPE}:
        raise OAuthError("invalid_scope", f"the only scope is {SCOPE}")
    payload = {
        "c": client_id,
        "g": int(row.get("generation", 1)),
        "s": SCOPE,
        "e": int(time.time()) + TOKEN_SECONDS,
    }
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    signature = _b64(hmac.new(_signing_key(config), body.encode(), hashlib.sha256).digest())
    return {
        "access_token": f"{TOKEN_PREFIX}{body}.{signature}",
        "token_type": "Bearer",
        "expires_in": TOKEN_SECONDS,
        "scope": SCOPE,
    }


def _client_row(tenant_id: str, client_id: str, store: ConfigStore) -> dict[str, Any] | None:
    now = time.monotonic()
    cached = _cache.get((tenant_id, client_id))
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    row = store.get_inbound_client(tenant_id, client_id)
    _cache[(tenant_id, client_id)] = (now, row)
    return row


def verify_token(token: str | None, *, store: ConfigStore | None = None) -> Caller | None:
    """The caller of a valid, unexpired token of a live client (checked at most a minute ago)."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 2048:
        return None
    body, _, signature = token[len(TOKEN_PREFIX) :].partition(".")
    config = _store(store)
    expected = _b64(hmac.new(_signing_key(config), body.encode(), hashlib.sha256).digest())
    if not signature or not hmac.compare_digest(signature, expected):
        return None
    try:
        payload = json.loads(_unb64(body))
    except ValueError:
        return None
    if not isinstance(payload, dict) or payload.get("s") != SCOPE or int(payload.get("e", 0)) <= time.time():
        return None
    client_id = str(payload.get("c", ""))
    tenant_id = tenant_of(client_id)
    row = _client_row(tenant_id, client_id, config) if tenant_id else None
    if tenant_id is None or row is None or row.get("revoked"):
        return None
    if int(row.get("generation", 1)) != payload.get("g"):
        return None
    services = row.get("services")
    return Caller(
        tenant_id=tenant_id,
        client_id=client_id,
        services=tuple(services) if services else None,
        rate=float(row.get("rate", DEFAULT_RATE)),
        burst=int(row.get("burst", DEFAULT_BURST)),
    )
