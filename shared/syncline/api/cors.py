"""CORS on report_api's own answers: API Gateway answers the preflight (OPTIONS), but with the proxy
integration the function's answers must carry Access-Control-Allow-Origin themselves. Only an
origin the stack allows (corsOrigins, and the web console's CloudFront origin) gets it, echoed."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from syncline.settings import ENV

CORS_ORIGINS_ENV = ENV["cors_origins"]  # comma-separated origins, set by the CDK stack
# What the console reads from an answer besides the simple headers: the CSV's file name and rows.
EXPOSED = "Content-Disposition, Location, X-Syncline-Rows, X-Syncline-Reads"


def allowed_origins() -> list[str]:
    return [o.strip() for o in os.environ.get(CORS_ORIGINS_ENV, "").split(",") if o.strip()]


def with_cors(event: Mapping[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    allowed = allowed_origins()
    if not allowed:
        return result
    origin = next((v for k, v in (event.get("headers") or {}).items() if str(k).lower() == "origin"), None)
    headers = dict(result.get("headers") or {})
    headers["Vary"] = "Origin"
    if origin in allowed:
        headers["Access-Control-Allow-Origin"] = origin
        headers["Access-Control-Expose-Headers"] = EXPOSED
    result["headers"] = headers
    return result
