"""Serves report_api over HTTP on 127.0.0.1, the way API Gateway would: each request becomes an
API Gateway REST proxy event (resource ``/{proxy+}``, stage ``v1``) for the real handler, and the
proxy result becomes the HTTP response. The HTTP side is werkzeug's threaded WSGI server (it comes
with moto); every method reaches the handler, so an unknown one gets the API's own JSON answer.

The handler runs one request at a time, like one Lambda container: the resolver's per-request
state is not meant to be shared between threads.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from werkzeug.serving import make_server

from syncline.local.lambdas import invoke

STAGE = "v1"
API_TIMEOUT_SECONDS = 29.0  # API Gateway's integration timeout; report_api's function timeout
MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit


def proxy_event(
    method: str,
    path: str,
    *,
    query: Sequence[tuple[str, str]] | Mapping[str, str] | None = None,
    headers: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
    body: bytes | str | None = None,
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """An API Gateway REST API proxy integration event (payload format 1.0), as `{proxy+}` sends it."""
    pairs = list(query.items()) if isinstance(query, Mapping) else list(query or [])
    header_pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers or [])
    multi_query: dict[str, list[str]] = {}
    for name, value in pairs:
        multi_query.setdefault(name, []).append(value)
    multi_headers: dict[str, list[str]] = {}
    for name, value in header_pairs:
        multi_headers.setdefault(name, []).append(value)
    encoded = False
    text: str | None
    if body is None or body == b"" or body == "":
        text = None
    elif isinstance(body, bytes):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text, encoded = base64.b64encode(body).decode(), True
    else:
        text = body
    now = time.time()
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method.upper(),
        "headers": {k: v[-1] for k, v in multi_headers.items()} or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {"proxy": path.lstrip("/")} if path.strip("/") else None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": "/{proxy+}",
            "httpMethod": method.upper(),
            "extendedRequestId": uuid.uuid4().hex,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "path": f"/{STAGE}{path}",
            "accountId": "000000000000",
            "protocol": "HTTP/1.1",
            "stage": STAGE,
            "domainPrefix": "localhost",
            "requestTimeEpoch": int(now * 1000),
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": source_ip, "userAgent": dict(header_pairs).get("User-Agent")},
            "domainName": "localhost",
            "apiId": "local",
        },
        "body": text,
        "isBase64Encoded": encoded,
    }


def response_parts(result: Mapping[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body bytes of a proxy integration result."""
    status = int(result.get("statusCode", 502))
    headers: list[tuple[str, str]] = []
    for name, value in (result.get("headers") or {}).items():
        headers.append((name, str(value)))
    for name, values in (result.get("multiValueHeaders") or {}).items():
        if any(h[0].lower() == name.lower() for h in headers):
            continue
        headers.extend((name, str(v)) for v in values)
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode("utf-8")
    return status, headers, body


class ApiServer:
    """report_api on http://127.0.0.1:<port> (port 0: a free one)."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", function: str = "report_api") -> None:
        self.function = function
        self._lock = threading.Lock()
        # Bound here, so a port in use is an OSError for the caller (werkzeug would exit the process).
        with socket.create_server((host, port)) as listening:
            self.httpd = make_server(host, port, self._wsgi, threaded=True, fd=listening.fileno())
        self.httpd.daemon_threads = True  # type: ignore[attr-defined]  # threaded: a ThreadingMixIn
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="report-api-http", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def start(self) -> ApiServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def call(self, event: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            try:
                result: dict[str, Any] = invoke(self.function, event, timeout_seconds=API_TIMEOUT_SECONDS)
                return result
            except Exception:  # what API Gateway answers when the integration fails
                body = {"error": {"code": "bad_gateway", "message": "Internal server error", "fields": []}}
                return {
                    "statusCode": 502,
                    "headers": {"Content-Type": "application/json"},
                    "body": json.dumps(body),
                }

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY_BYTES:
            too_large = {"error": {"code": "too_large", "message": "the body is over 10 MB", "fields": []}}
            status, headers, body = (
                413,
                [("Content-Type", "application/json")],
                json.dumps(too_large).encode(),
            )
        elif (console := _console(environ)) is not None:
            status, headers, body = console
        else:
            raw = environ["wsgi.input"].read(length) if length else None
            # The path as sent (still percent-encoded), as the previous server and API Gateway see it.
            url = urlsplit(environ.get("REQUEST_URI") or environ.get("PATH_INFO") or "/")
            event = proxy_event(
                environ["REQUEST_METHOD"],
                url.path or "/",
                query=parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True),
                headers=_headers(environ),
                body=raw,
                source_ip=environ.get("REMOTE_ADDR", "127.0.0.1"),
            )
            status, headers, body = response_parts(self.call(event))
        headers = [(n, v) for n, v in headers if n.lower() not in ("content-length", "connection")]
        start_response(
            f"{status} {_REASONS.get(status, 'Status')}", [*headers, ("Content-Length", str(len(body)))]
        )
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]


def _console(environ: Mapping[str, Any]) -> tuple[int, list[tuple[str, str]], bytes] | None:
    """The web console's static files at /console/ (what CloudFront serves from S3 when deployed),
    with the same security headers; None for any other path (the API's)."""
    path = urlsplit(environ.get("REQUEST_URI") or environ.get("PATH_INFO") or "/").path
    if path != "/console" and not path.startswith("/console/"):
        return None
    if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
        return 405, [("Allow", "GET, HEAD"), ("Content-Type", "text/plain")], b"method not allowed"
    if path == "/console":
        return 301, [("Location", "/console/")], b""
    from syncline.console import SECURITY_HEADERS, content_security_policy, static_file

    found = static_file(path[len("/console/") :])
    if found is None:
        return 404, [("Content-Type", "text/plain")], b"not found"
    content, kind = found
    headers = [("Content-Type", kind), ("Content-Security-Policy", content_security_policy())]
    return 200, headers + list(SECURITY_HEADERS.items()), content


def _headers(environ: Mapping[str, Any]) -> list[tuple[str, str]]:
    out = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            out.append((key[5:].replace("_", "-").title(), str(value)))
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            out.append((key.replace("_", "-").title(), str(value)))
    return out


def _reason_phrases() -> dict[int, str]:
    from http import HTTPStatus

    return {s.value: s.phrase for s in HTTPStatus}


_REASONS = _reason_phrases()
