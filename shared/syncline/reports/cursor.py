"""Search cursors: signed, checked field by field, bound to one search and its pinned window."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from threading import Lock
from typing import Any

from syncline.reports.merge import Resume, StreamSpec
from syncline.reports.query import CURSOR_VERSION, MAX_CHUNK, MAX_DAYS, BadRequest, ReportQuery

CURSOR_MAX_CHARS = 8192
CURSOR_MAX_STREAMS = 256
_CURSOR_FIELDS = frozenset({"v", "f", "w", "p", "s", "g", "x", "h", "n"})  # and "m", the signature
_MAC_BYTES = 16
_cursor_keys: dict[str, bytes] = {}
_cursor_lock = Lock()


def cursor_key() -> bytes:
    """The key cursors are signed with: $SYNCLINE_CURSOR_KEY, else a random key created once in the
    config table (so every container signs alike), cached per process."""
    from syncline import wiring
    from syncline.settings import settings

    configured = settings().cursor_key
    if configured:
        return configured.encode()
    config = wiring.config_store()
    with _cursor_lock:
        if config.name not in _cursor_keys:
            _cursor_keys[config.name] = config.shared_secret("cursor").encode()
        return _cursor_keys[config.name]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _canonical(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def _mac(document: Mapping[str, Any]) -> str:
    """The signature of every field of a cursor document (`m` itself aside)."""
    return _b64(hmac.new(cursor_key(), _canonical(document), hashlib.sha256).digest()[:_MAC_BYTES])


def encode_cursor(document: dict[str, Any]) -> str:
    return _b64(_canonical({**document, "m": _mac(document)}))


def _is_int(value: Any, lo: int, hi: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi


def _str_map(value: Any, ok: Callable[[Any], bool]) -> bool:
    return (
        isinstance(value, dict)
        and len(value) <= CURSOR_MAX_STREAMS
        and all(isinstance(k, str) and len(k) <= 512 and ok(v) for k, v in value.items())
    )


def _valid_document(document: Any) -> bool:
    """Every field of a decoded cursor, typed and bounded."""
    if not isinstance(document, dict) or not set(document) <= _CURSOR_FIELDS:
        return False
    window = document.get("w")
    return (
        document.get("v") == CURSOR_VERSION
        and isinstance(document.get("f"), str)
        and (window is None or (isinstance(window, list) and len(window) == 2))
        and all(isinstance(w, str) and len(w) <= 40 for w in window or ())
        and _is_int(document.get("p", 0), 0, 64)
        and _str_map(document.get("s", {}), lambda v: isinstance(v, str) and len(v) <= 2048)
        and isinstance(document.get("g", ""), str)
        and len(document.get("g", "")) <= 2048
        and isinstance(document.get("x", ""), str)
        and len(document.get("x", "")) <= 4096
        and _str_map(document.get("n", {}), lambda v: isinstance(v, str) and len(v) <= 2048)
        and _str_map(document.get("h", {}), lambda v: _is_int(v, 0, MAX_CHUNK))
    )


def decode_cursor(cursor: str, fingerprint: str) -> dict[str, Any]:
    """A cursor's document, once its signature, its fingerprint and every field check out."""
    bad = BadRequest(
        "cursor is not valid for this request", fields=[{"field": "query.cursor", "message": "invalid"}]
    )
    if len(cursor) > CURSOR_MAX_CHARS:
        raise bad
    try:
        document = json.loads(_unb64(cursor))
    except (binascii.Error, ValueError, RecursionError):
        raise bad from None
    mac = document.pop("m", None) if isinstance(document, dict) else None
    if not isinstance(mac, str) or not hmac.compare_digest(mac.encode(), _mac(document).encode()):
        raise bad
    if not _valid_document(document) or document.get("f") != fingerprint:
        raise bad
    return dict(document)


def _invalid() -> BadRequest:
    return BadRequest(
        "cursor is not valid for this request", fields=[{"field": "query.cursor", "message": "invalid"}]
    )


def _spec_digest(specs: Sequence[StreamSpec]) -> str:
    return _b64(hashlib.sha256("\n".join(s.key for s in specs).encode()).digest()[:6])


def _pack_streams(specs: Sequence[StreamSpec], keys: frozenset[str]) -> str:
    """A set of a plan's streams as a bitmap over its specs, led by a digest of their keys."""
    bits = sum(1 << n for n, spec in enumerate(specs) if spec.key in keys)
    return f"{_spec_digest(specs)}.{_b64(bits.to_bytes((len(specs) + 7) // 8, 'little'))}"


def _unpack_streams(specs: Sequence[StreamSpec], text: str) -> frozenset[str]:
    """The streams of a packed set; none when the plan's streams changed since (a service added
    or removed): every stream is read again, which costs reads but never skips an entry."""
    digest, _, packed = text.partition(".")
    if digest != _spec_digest(specs):
        return frozenset()
    try:
        bits = int.from_bytes(_unb64(packed), "little")
    except (binascii.Error, ValueError):
        raise _invalid() from None
    return frozenset(spec.key for n, spec in enumerate(specs) if bits >> n & 1)


def resume_from(document: Mapping[str, Any], specs: Sequence[StreamSpec]) -> Resume:
    """Where a cursor's merge resumes, once its position and next keys fit the plan's streams."""
    by_key = {spec.key: spec for spec in specs}
    position = document.get("g")
    if position is not None and not any(spec.admits(position) for spec in specs):
        raise _invalid()  # not an entry of this search: a page only ends on one
    peeks: dict[str, str] = {}
    for key, value in dict(document.get("n", {})).items():
        known = by_key.get(key)  # a stream the plan no longer has (its service is gone) is let be
        if known is not None and not known.admits(value):
            raise _invalid()
        if known is not None:
            peeks[key] = value
    hints = {str(k): min(v, MAX_CHUNK) for k, v in dict(document.get("h", {})).items()}
    exhausted = _unpack_streams(specs, document["x"]) if "x" in document else frozenset()
    return Resume(position=position, exhausted=exhausted, hints=hints, peeks=peeks)


def resume_fields(resume: Resume, specs: Sequence[StreamSpec]) -> dict[str, Any]:
    """The cursor fields of a merge's resume point (only those with something to say)."""
    out: dict[str, Any] = {}
    if resume.position is not None:
        out["g"] = resume.position
    if resume.exhausted:
        out["x"] = _pack_streams(specs, resume.exhausted)
    if resume.hints:
        out["h"] = dict(resume.hints)
    if resume.peeks:
        out["n"] = dict(resume.peeks)
    return out


def _pinned_window(document: Mapping[str, Any], query: ReportQuery) -> ReportQuery:
    """The window the first page resolved. No window only where the search itself has none (a run
    or sync ids): a cursor never lifts the window's bound."""
    window = document.get("w")
    if window is None:
        if query.start is not None or query.end is not None:
            raise BadRequest("cursor is not valid", fields=[{"field": "query.cursor", "message": "invalid"}])
        return query
    try:
        start, end = (datetime.fromisoformat(w.replace("Z", "+00:00")) for w in window)
    except (TypeError, ValueError, AttributeError):
        raise BadRequest(
            "cursor is not valid", fields=[{"field": "query.cursor", "message": "invalid"}]
        ) from None
    if not start < end or end - start > timedelta(days=MAX_DAYS, seconds=1):
        raise BadRequest("cursor is not valid", fields=[{"field": "query.cursor", "message": "invalid"}])
    return query.model_copy(update={"start": start, "end": end})
