"""Demo source and destination systems: local HTTP servers on 127.0.0.1 that speak the generic
`rest` connector's dialect (bearer auth, cursor pagination, JSON bodies, 429 + Retry-After,
5xx and 422 failures), so the demo exercises the same code paths as a real shop and warehouse.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


class _Server:
    token: str

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        handler = self._handler_class()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, name=type(self).__name__, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> _Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self.httpd.shutdown()
            self._thread.join(timeout=5)
        self.httpd.server_close()

    def count(self, key: str) -> None:
        with self._lock:
            self.requests[key] += 1

    def handle(
        self, method: str, path: str, query: dict[str, str], body: Any, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], Any]:
        raise NotImplementedError

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _serve(self, method: str) -> None:
                parsed = urlparse(self.path)
                query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                headers: dict[str, str]
                if self.headers.get("Authorization") != f"Bearer {server.token}":
                    status, headers, payload = 401, {}, {"message": "invalid or missing access token"}
                else:
                    try:
                        body = json.loads(raw) if raw else None
                    except ValueError:
                        status, headers, payload = 400, {}, {"message": "body is not JSON"}
                    else:
                        given = {k.lower(): v for k, v in self.headers.items()}
                        status, headers, payload = server.handle(method, parsed.path, query, body, given)
                data = json.dumps(payload).encode()
                try:
                    self._reply(status, headers, data)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up waiting (a timeout): what it sent still counts

            def _reply(self, status: int, headers: dict[str, str], data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

        return Handler


class DemoShop(_Server):
    """A shop with `records` orders. GET /orders?limit=&cursor=&updated_since= pages through them
    oldest first, GET /orders/{id} answers one (404 when there is none); more than `rate_limit`
    requests a second get 429 with Retry-After."""

    def __init__(
        self, records: int, *, token: str = "shop-token", rate_limit: float = 50.0, seed: int = 7
    ) -> None:
        self.token = token
        self.rate_limit = rate_limit
        self._window: list[float] = []
        start = datetime(2026, 11, 1, tzinfo=UTC)
        rng = random.Random(seed)
        self.orders: list[dict[str, Any]] = [
            {
                "id": str(1000 + n),
                "number": f"#{1000 + n}",
                "email": f"customer{n}@example.com",
                "status": rng.choice(["paid", "paid", "paid", "pending"]),
                "currency": "GBP",
                "total": round(rng.uniform(5, 400), 2),
                "created_at": (start + timedelta(minutes=n)).isoformat().replace("+00:00", "Z"),
                "updated_at": (start + timedelta(minutes=n, seconds=30)).isoformat().replace("+00:00", "Z"),
                "line_items": [
                    {
                        "sku": f"SKU-{rng.randint(1, 300):04d}",
                        "quantity": rng.randint(1, 4),
                        "price": rng.randint(3, 90),
                    }
                    for _ in range(rng.randint(1, 4))
                ],
                "shipping_address": {"city": rng.choice(["Leeds", "York", "Bath"]), "country": "GB"},
            }
            for n in range(records)
        ]
        super().__init__()

    def _throttled(self) -> float | None:
        now = time.monotonic()
        with self._lock:
            self._window = [t for t in self._window if now - t < 1.0]
            if len(self._window) >= self.rate_limit:
                return 1.0 - (now - self._window[0])
            self._window.append(now)
        return None

    def handle(
        self, method: str, path: str, query: dict[str, str], body: Any, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], Any]:
        self.count(f"{method} {path}")
        wait = self._throttled()
        if wait is not None:
            return 429, {"Retry-After": str(max(1, round(wait)))}, {"message": "rate limit exceeded"}
        if method == "GET" and path == "/":
            return 200, {}, {"shop": "demo"}
        if method == "GET" and path.startswith("/orders/"):  # one order by id (a resync's refetch)
            wanted = path.removeprefix("/orders/")
            with self._lock:
                order = next((o for o in self.orders if o["id"] == wanted), None)
            if order is None:
                return 404, {}, {"message": f"no order {wanted}"}
            return 200, {}, order
        if method != "GET" or path != "/orders":
            return 404, {}, {"message": f"no route {method} {path}"}
        since = query.get("updated_since")
        try:
            after = datetime.fromisoformat(since) if since else None
        except ValueError:
            return 400, {}, {"message": f"updated_since: not an ISO 8601 time: {since!r}"}
        rows = [o for o in self.orders if after is None or datetime.fromisoformat(o["updated_at"]) > after]
        offset = int(query.get("cursor") or 0)
        limit = min(250, int(query.get("limit") or 50))
        page = rows[offset : offset + limit]
        next_cursor = str(offset + limit) if offset + limit < len(rows) else None
        return 200, {}, {"data": page, "next_cursor": next_cursor}


class DemoWarehouse(_Server):
    """A warehouse that accepts orders at POST /orders.

    `fail_rate` of pushes fail with a transient 503; orders whose id ends in 7 fail
    permanently with 422 (a postcode the warehouse refuses), when `permanent` is set; ids in
    `always_down` answer 503 every time (they exhaust their attempts). `slow_rate` of pushes are
    accepted only after `slow_seconds` (longer than a client waits: the client sees a timeout,
    the warehouse has the order).

    Like Stripe and most order APIs, it honours an `Idempotency-Key` header: a request repeating
    the key of an accepted one gets the first answer again and creates nothing. `accepted` counts
    the orders it really created, per order id: above 1 is a double push.
    """

    def __init__(
        self,
        *,
        token: str = "warehouse-token",
        fail_rate: float = 0.1,
        permanent: bool = True,
        always_down: set[str] | None = None,
        slow_rate: float = 0.0,
        slow_seconds: float = 2.0,
        fail_first_pushes: int = 0,
        rate_limit: float | None = None,
        rate_burst: int = 10,
        seed: int = 11,
    ) -> None:
        self.token = token
        # A leaky bucket of `rate_burst` requests draining at `rate_limit` a second: a push that
        # would overflow it gets 429 with Retry-After (fractional seconds). None: no limit.
        self.rate_limit = rate_limit
        self.rate_burst = rate_burst
        self._level = 0.0
        self._level_at = time.monotonic()
        self.limited = 0  # 429s answered
        self.admitted: list[float] = []  # monotonic times of the pushes let through
        # Every order's first pushes are refused with a transient 503 (two: one attempt, as the
        # client retries a 503 once quickly within the attempt).
        self.fail_first_pushes = fail_first_pushes
        self.fail_rate = fail_rate
        self.permanent = permanent
        self.always_down = always_down or set()
        self.slow_rate = slow_rate
        self.slow_seconds = slow_seconds
        self.received: dict[str, dict[str, Any]] = {}
        self.pushes: Counter[str] = Counter()
        self.accepted: Counter[str] = Counter()
        self.replayed = 0
        self.slow_answers = 0
        self._in_flight = 0
        self._answers: dict[str, tuple[int, dict[str, str], Any]] = {}
        self._key_locks: dict[str, threading.Lock] = {}
        self._rng = random.Random(seed)
        super().__init__()

    def _key_lock(self, key: str) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def handle(
        self, method: str, path: str, query: dict[str, str], body: Any, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], Any]:
        self.count(f"{method} {path}")
        if method == "GET" and path == "/":
            return 200, {}, {"warehouse": "demo"}
        if method != "POST" or path != "/orders" or not isinstance(body, dict):
            return 404, {}, {"message": f"no route {method} {path}"}
        wait = self._over_rate()
        if wait is not None:
            return 429, {"Retry-After": f"{wait:.3f}"}, {"message": "rate limit exceeded"}
        key = headers.get("idempotency-key")
        if not key:
            return self._create(body)
        with self._key_lock(key):  # a repeat waits for the first request with its key to finish
            answer = self._answers.get(key)
            if answer is not None:
                with self._lock:
                    self.replayed += 1
                return answer
            answer = self._create(body)
            if 200 <= answer[0] < 300:
                self._answers[key] = answer
            return answer

    def _over_rate(self) -> float | None:
        """None when the push fits the bucket (it is counted), else the seconds until it would."""
        if self.rate_limit is None:
            return None
        with self._lock:
            now = time.monotonic()
            self._level = max(0.0, self._level - (now - self._level_at) * self.rate_limit)
            self._level_at = now
            if self._level + 1 > self.rate_burst + 1e-9:
                self.limited += 1
                return (self._level + 1 - self.rate_burst) / self.rate_limit
            self._level += 1
            self.admitted.append(now)
        return None

    def _create(self, body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        order_id = str(body.get("id", ""))
        with self._lock:
            self.pushes[order_id] += 1
            transient = self._rng.random() < self.fail_rate or self.pushes[order_id] <= self.fail_first_pushes
            slow = self._rng.random() < self.slow_rate
        if order_id in self.always_down:
            return 503, {"Retry-After": "1"}, {"message": "warehouse busy, try again"}
        if self.permanent and order_id.endswith("7"):  # validation comes before any capacity check
            return 422, {}, {"message": "shipping_address.postcode: not a deliverable postcode"}
        if transient:
            return 503, {"Retry-After": "1"}, {"message": "warehouse busy, try again"}
        if slow:
            with self._lock:
                self.slow_answers += 1
                self._in_flight += 1
            time.sleep(self.slow_seconds)
        with self._lock:
            self.received[order_id] = body
            self.accepted[order_id] += 1
            if slow:
                self._in_flight -= 1
        return 201, {}, {"id": f"WH-{order_id}", "status": "accepted"}

    def accepted_when_idle(self, timeout: float = 30.0) -> Counter[str]:
        """A copy of `accepted` once no slow answer is still on its way (they count when they
        end), taken under the lock the request threads update it under."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if not self._in_flight or time.monotonic() > deadline:
                    return Counter(self.accepted)
            time.sleep(0.05)
