"""Signed webhooks: an inbound connector can take pushes signed with a shared secret instead of an
OAuth token (`settings.webhook`, the secret in its credentials as `webhook_secret`).

- `shopify`: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw body; a delivery is
  de-duplicated on `X-Shopify-Webhook-Id` (kept 24 h, like an Idempotency-Key).
- `generic`: `Syncline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "{t}.{body}">` (several
  v1 allowed, for a secret being rolled), refused outside 300 s of now.

Every comparison is hmac.compare_digest.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

SHOPIFY_HEADER = "x-shopify-hmac-sha256"
SHOPIFY_ID_HEADER = "x-shopify-webhook-id"
GENERIC_HEADER = "syncline-signature"
TOLERANCE_SECONDS = 300


def shopify_valid(secret: str, body: bytes, signature: str | None) -> bool:
    if not secret or not signature:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected.encode(), signature.strip().encode())


def generic_sign(secret: str, body: bytes, t: int) -> str:
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def generic_valid(secret: str, body: bytes, header: str | None, now: float) -> bool:
    if not secret or not header:
        return False
    parts = [p.strip().partition("=") for p in header.split(",")]
    stamps = [v for k, _, v in parts if k == "t"]
    signatures = [v for k, _, v in parts if k == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit() or not signatures:
        return False
    t = int(stamps[0])
    if abs(now - t) > TOLERANCE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected.encode(), s.encode()) for s in signatures)
