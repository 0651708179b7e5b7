"""Serves report_api over HTTP on 127.0.0.1, the way API Gateway would: each request becomes an
API Gateway REST proxy event (resource ``/{proxy+}``, stage ``v1``) for the real handler, and the
proxy result becomes the HTTP response.

One request at a time, like one Lambda container: the resolver's per-request state is not meant
to be shared between threads.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

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
        self.httpd = ThreadingHTTPServer((host, port), self._handler_class())
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="report-api-http", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

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

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet: the API logs itself
                return

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY_BYTES:
                    self._reply(
                        413, [("Content-Type", "application/json")], b'{"error": {"code": "too_large"}}'
                    )
                    return
                body = self.rfile.read(length) if length else None
                url = urlsplit(self.path)
                query = parse_qsl(url.query, keep_blank_values=True)
                message: Message = self.headers
                headers = [(name, value) for name, value in message.items()]
                event = proxy_event(
                    self.command,
                    url.path or "/",
                    query=query,
                    headers=headers,
                    body=body,
                    source_ip=self.client_address[0],
                )
                status, out_headers, out_body = response_parts(server.call(event))
                self._reply(status, out_headers, out_body)

            def _reply(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("content-length", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

        return Handler
