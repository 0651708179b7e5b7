"""A small threaded HTTP server on 127.0.0.1 to build system fakes on.

A fake records every request it receives, can be told to fail (`fail(kind, ...)`: 401, 429 with
a wait, 5xx, a validation error, a slow answer) in its system's own dialect, and checks
expectations: `expect(method, path_regex, **params)` registers a call the test relies on, and
`assert_expectations()` (run by the fixtures at teardown) fails when one was never made.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

FAULT_KINDS = ("auth", "rate_limit", "server_error", "validation", "slow")
BASE_TIME = datetime(2024, 3, 1, 8, 0, 0, tzinfo=UTC)


def moment(index: int) -> datetime:
    """The seeded update time of record `index` (one hour apart)."""
    return BASE_TIME + timedelta(hours=index)


def iso_z(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FakeRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    @property
    def raw(self) -> str:
        """Everything the client sent, as text (for secrets checks)."""
        query = "&".join(f"{k}={v}" for k, vs in self.query.items() for v in vs)
        headers = "\n".join(f"{k}: {v}" for k, v in self.headers.items())
        return f"{self.method} {self.path}?{query}\n{headers}\n\n{self.body.decode(errors='replace')}"


@dataclass
class FakeResponse:
    status: int = 200
    body: Any = None  # JSON-serialisable, or bytes/str sent as is
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Fault:
    kind: str
    times: int | None  # None: until cleared
    retry_after: float | None
    method: str | None
    path: re.Pattern[str] | None

    def matches(self, request: FakeRequest) -> bool:
        if self.method and request.method != self.method:
            return False
        return not (self.path and not self.path.search(request.path))


@dataclass
class Expectation:
    method: str
    path: re.Pattern[str]
    params: dict[str, str | None]

    def met_by(self, request: FakeRequest) -> bool:
        if request.method != self.method or not self.path.search(request.path):
            return False
        for name, value in self.params.items():
            got = request.param(name)
            if got is None or (value is not None and got != value):
                return False
        return True

    def __str__(self) -> str:
        return f"{self.method} {self.path.pattern} {self.params or ''}".strip()


class FakeServer:
    """Base of the system fakes: subclasses implement `authorized`, `route` and `fault_response`.

    A fake with a `spec` (tests.fakes.specs) checks every authorized request against the vendor's
    API description first and refuses one that breaks it (`spec_refusal`, in the vendor's
    dialect); what was wrong is kept in `spec_problems`, and every answer in `answers`.
    """

    system = "fake"
    spec: Any = None

    def __init__(self) -> None:
        self.requests: list[FakeRequest] = []
        self.spec_problems: list[str] = []
        self.answers: list[tuple[FakeRequest, FakeResponse]] = []
        self._faults: list[Fault] = []
        self._expectations: list[Expectation] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.in_flight = 0
        self.peak_in_flight = 0

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> Self:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = FakeRequest(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                fake._enter()
                try:
                    response = fake.handle(request)
                    if response.delay:
                        time.sleep(response.delay)
                finally:
                    fake._leave()
                if isinstance(response.body, bytes):
                    payload = response.body
                elif isinstance(response.body, str):
                    payload = response.body.encode()
                elif response.body is None:
                    payload = b""
                else:
                    payload = json.dumps(response.body).encode()
                try:
                    self.send_response(response.status)
                    headers = {"Content-Type": "application/json; charset=utf-8", **response.headers}
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

            def log_message(self, format: str, *args: Any) -> None:
                return

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        httpd.block_on_close = False
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"fake-{self.system}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        assert self._httpd is not None, "start() the fake first"
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        """The base URL a connector of this system is configured with."""
        return self.origin

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    # -- recording and expectations -------------------------------------------------------------

    def calls(self, method: str | None = None, path: str | None = None) -> list[FakeRequest]:
        pattern = re.compile(path) if path else None
        with self._lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method) and (pattern is None or pattern.search(r.path))
            ]

    def expect(self, method: str, path: str, **params: str | None) -> None:
        """A call the test relies on; `assert_expectations` fails if it never came."""
        self._expectations.append(Expectation(method, re.compile(path), params))

    def unmet(self) -> list[str]:
        with self._lock:
            seen = list(self.requests)
        return [str(e) for e in self._expectations if not any(e.met_by(r) for r in seen)]

    def assert_expectations(self) -> None:
        missing = self.unmet()
        assert not missing, f"{self.system} fake never received: {missing}"

    # -- faults -------------------------------------------------------------------------------

    def fail(
        self,
        kind: str,
        *,
        times: int | None = 1,
        retry_after: float | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """Answer the next `times` matching requests (None: all) with `kind` in this system's dialect."""
        assert kind in FAULT_KINDS, kind
        with self._lock:
            self._faults.append(Fault(kind, times, retry_after, method, re.compile(path) if path else None))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _take_fault(self, request: FakeRequest) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(request):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    # -- dispatch -----------------------------------------------------------------------------

    def handle(self, request: FakeRequest) -> FakeResponse:
        with self._lock:
            self.requests.append(request)
        fault = self._take_fault(request)
        if fault is not None:
            if fault.kind == "slow":
                response = self._dispatch(request)
                response.delay = fault.retry_after or 1.0
                return response
            return self.fault_response(fault.kind, request, fault.retry_after)
        return self._dispatch(request)

    def _dispatch(self, request: FakeRequest) -> FakeResponse:
        if not self.authorized(request):
            return self.fault_response("auth", request, None)
        if self.spec is not None:
            try:
                body = request.json()
            except ValueError:
                body = "(not JSON)"
            problems = self.spec.problems(request.method, request.path, request.query, body)
            if problems:
                with self._lock:
                    self.spec_problems += [f"{request.method} {request.path}: {p}" for p in problems]
                return self.spec_refusal(request, problems)
        try:
            response = self.route(request)
        except NotFound:
            response = self.not_found(request)
        with self._lock:
            self.answers.append((request, response))
        return response

    def spec_refusal(self, request: FakeRequest, problems: list[str]) -> FakeResponse:
        return FakeResponse(400, {"message": "; ".join(problems)})

    def authorized(self, request: FakeRequest) -> bool:
        return True

    def route(self, request: FakeRequest) -> FakeResponse:
        raise NotFound

    def not_found(self, request: FakeRequest) -> FakeResponse:
        return FakeResponse(404, {"message": f"no route {request.method} {request.path}"})

    def fault_response(self, kind: str, request: FakeRequest, retry_after: float | None) -> FakeResponse:
        if kind == "auth":
            return FakeResponse(401, {"message": "unauthorized"})
        if kind == "rate_limit":
            return FakeResponse(429, {"message": "slow down"}, {"Retry-After": str(retry_after or 1)})
        if kind == "server_error":
            return FakeResponse(500, {"message": "internal error"})
        return FakeResponse(400, {"message": "invalid"})


class NotFound(Exception):
    pass


def paginate(rows: list[Any], page: int, per_page: int) -> tuple[list[Any], int]:
    """(rows of 1-based `page`, total pages)."""
    total_pages = max(1, -(-len(rows) // per_page)) if rows else 0
    start = (page - 1) * per_page
    return rows[start : start + per_page], total_pages
