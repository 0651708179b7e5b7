"""Company-group API keys: created by `syncline keys create`, stored hashed, revocable.

A key is shown once, at creation. The config table keeps only its SHA-256:

    PK = KEY#<sha256 hex>  SK = KEY                 tenant_id, scope, expires_at, created_at, revoked, ...
    PK = T#<tenant>        SK = APIKEY#<sha256 hex>  scope, expires_at, created_at, revoked  (the key list)

The hex digest is also the key's id: it names the key in `keys list` and `keys revoke` without
revealing it. Authentication is one GetItem per request, so a revocation takes effect at once.

Scopes, each including the one before: `read` (report, runs, dashboard, export, services and
connectors without credentials, the error catalog, mapping previews), `operate` (read, plus
resync, run now, activate/deactivate), `admin` (everything). A key stored before scopes existed has
no `scope` attribute and keeps working as `admin`. A key past its `expires_at` is refused like a
revoked one.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from syncline.models import is_valid_id, iso, utcnow
from syncline.store import ConfigStore

KEY_PREFIX = "sl_"
_KEY_RE = re.compile(r"^sl_[A-Za-z0-9_-]{32,128}$")
_KEY_ID_RE = re.compile(r"^[0-9a-f]{64}$")

Scope = Literal["read", "operate", "admin"]
SCOPES: tuple[Scope, ...] = ("read", "operate", "admin")  # each includes the ones before it
LEGACY_SCOPE: Scope = "admin"  # keys stored without a scope
MAX_EXPIRES_DAYS = 3650


@dataclass(frozen=True)
class Principal:
    """Who a valid key speaks for, and what it may do."""

    tenant_id: str
    scope: Scope

    def allows(self, needed: Scope) -> bool:
        return SCOPES.index(self.scope) >= SCOPES.index(needed)


def _store(store: ConfigStore | None) -> ConfigStore:
    if store is not None:
        return store
    from syncline import wiring

    return wiring.config_store()


def key_id(api_key: str) -> str:
    """The stored, shown-anywhere identity of a key: its SHA-256 hex digest."""
    return hashlib.sha256(api_key.encode()).hexdigest()


def create_key(
    tenant_id: str,
    *,
    scope: Scope = "admin",
    expires_in_days: int | None = None,
    store: ConfigStore | None = None,
) -> str:
    """A new API key for the company group; returns the plaintext (shown once, never stored).
    The library default scope is `admin` (what every key was before scopes); the CLI asks for one."""
    if not is_valid_id(tenant_id):
        raise ValueError(f"invalid company group id {tenant_id!r}")
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRES_DAYS:
        raise ValueError(f"expires_in_days must be between 1 and {MAX_EXPIRES_DAYS}")
    config = _store(store)
    api_key = KEY_PREFIX + secrets.token_urlsafe(32)
    digest = key_id(api_key)
    now = utcnow()
    created = iso(now)
    attrs: dict[str, Any] = {"created_at": created, "revoked": False, "scope": scope}
    if expires_in_days is not None:
        attrs["expires_at"] = iso(now + timedelta(days=expires_in_days))
    config.put_api_key(digest, tenant_id, attrs)
    return api_key


def _expired(expires_at: Any, now: datetime) -> bool:
    if expires_at is None:
        return False
    try:
        return datetime.fromisoformat(str(expires_at).replace("Z", "+00:00")) <= now
    except ValueError:
        return True  # an unreadable expiry fails closed


def authenticate(api_key: str | None, *, store: ConfigStore | None = None) -> Principal | None:
    """The company group and scope of a valid, unrevoked, unexpired key; None otherwise."""
    if not api_key or not _KEY_RE.match(api_key):
        return None
    row = _store(store).get_api_key(key_id(api_key))
    if row is None or row.get("revoked") or _expired(row.get("expires_at"), utcnow()):
        return None
    tenant_id = row.get("tenant_id")
    scope = row.get("scope", LEGACY_SCOPE)
    if not isinstance(tenant_id, str) or scope not in SCOPES:
        return None
    return Principal(tenant_id=tenant_id, scope=scope)


def revoke_key(key: str, *, store: ConfigStore | None = None) -> str | None:
    """Revoke a key, given its id (the SHA-256 hex) or the key itself. Returns the company group
    it belonged to, or None when there is no such key."""
    digest = key if _KEY_ID_RE.match(key) else key_id(key)
    config = _store(store)
    row = config.get_api_key(digest)
    if row is None:
        return None
    tenant_id = str(row["tenant_id"])
    config.revoke_api_key(digest, tenant_id, iso(utcnow()))
    return tenant_id


def list_keys(tenant_id: str, *, store: ConfigStore | None = None) -> list[dict[str, Any]]:
    config = _store(store)
    return [
        {
            "key_id": digest,
            "created_at": r.get("created_at"),
            "scope": r.get("scope", LEGACY_SCOPE),
            "expires_at": r.get("expires_at"),
            "expired": _expired(r.get("expires_at"), utcnow()),
            "revoked": bool(r.get("revoked")),
            "revoked_at": r.get("revoked_at"),
        }
        for digest, r in config.api_keys(tenant_id)
    ]
