"""report_api's own CORS headers: only an allowed origin is echoed; none without configuration."""

from __future__ import annotations

import pytest

from syncline.api.cors import CORS_ORIGINS_ENV, with_cors

CONSOLE = "https://d111111abcdef8.cloudfront.net"


def answer() -> dict[str, object]:
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": "{}"}


def test_no_cors_headers_without_allowed_origins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CORS_ORIGINS_ENV, raising=False)
    result = with_cors({"headers": {"Origin": CONSOLE}}, answer())
    assert result["headers"] == {"Content-Type": "application/json"}


def test_only_an_allowed_origin_is_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CORS_ORIGINS_ENV, f"https://app.example.com, {CONSOLE}")
    allowed = with_cors({"headers": {"origin": CONSOLE}}, answer())["headers"]
    assert isinstance(allowed, dict)
    assert allowed["Access-Control-Allow-Origin"] == CONSOLE and allowed["Vary"] == "Origin"
    assert "Content-Disposition" in allowed["Access-Control-Expose-Headers"]
    other = with_cors({"headers": {"Origin": "https://evil.example"}}, answer())["headers"]
    assert isinstance(other, dict)
    assert "Access-Control-Allow-Origin" not in other and other["Vary"] == "Origin"
    bare = with_cors({"headers": None}, {"statusCode": 204, "body": ""})["headers"]
    assert bare == {"Vary": "Origin"}
