"""`syncline smoke`: after a deploy, check the API end to end and print PASS or FAIL per step.

Steps: the OpenAPI document is served and is an OpenAPI 3 document with the report routes; a
request without a key is refused (401/403) and one with the key is answered (200); a report search
answers a page; with a service named, a manual run is started and followed until it finishes (at
most `timeout` seconds). The key is sent, never printed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

import httpx

API_KEY_HEADER = "x-api-key"


class StepFailed(Exception):
    pass


@dataclass
class Smoke:
    api: str
    key: str
    out: TextIO
    timeout: float = 300.0
    poll_seconds: float = 2.0
    client: httpx.Client | None = None

    def __post_init__(self) -> None:
        self.api = self.api.rstrip("/")
        self.client = self.client or httpx.Client(timeout=30.0)
        self.failures = 0

    def _get(self, path: str, *, key: bool = True, **kwargs: Any) -> httpx.Response:
        assert self.client is not None
        headers = {API_KEY_HEADER: self.key} if key else {}
        return self.client.get(self.api + path, headers=headers, **kwargs)

    def _json(self, response: httpx.Response, expected: int) -> Any:
        if response.status_code != expected:
            request = response.request
            raise StepFailed(
                f"{request.method} {request.url.path} answered {response.status_code}"
                f"{_error_code(response)}, expected {expected}"
            )
        try:
            return response.json()
        except ValueError:
            raise StepFailed(f"{response.request.url.path} did not answer JSON") from None

    def step(self, name: str, check: Callable[[], str]) -> bool:
        try:
            detail = check()
        except StepFailed as exc:
            self._say("FAIL", name, str(exc))
            return False
        except httpx.HTTPError as exc:
            self._say("FAIL", name, f"{type(exc).__name__}: {exc}")
            return False
        self._say("PASS", name, detail)
        return True

    def _say(self, verdict: str, name: str, detail: str) -> None:
        if verdict == "FAIL":
            self.failures += 1
        # The key never leaves this process through the terminal, whatever a response said.
        text = detail.replace(self.key, "***") if self.key else detail
        print(f"{verdict}  {name:<10} {text}", file=self.out, flush=True)

    # ------------------------------------------------------------------------------ the steps

    def openapi(self) -> str:
        document = self._json(self._get("/openapi.json", key=False), 200)
        version = str(document.get("openapi", "")) if isinstance(document, dict) else ""
        paths = document.get("paths", {}) if isinstance(document, dict) else {}
        if not version.startswith("3.") or "/reports" not in paths:
            raise StepFailed("GET /openapi.json is not an OpenAPI 3 document with /reports")
        return f"OpenAPI {version}, {len(paths)} paths"

    def auth(self) -> str:
        without = self._get("/runs", key=False, params={"limit": 1})
        if without.status_code not in (401, 403):
            raise StepFailed(f"a request without a key answered {without.status_code}, expected 401 or 403")
        self._json(self._get("/runs", params={"limit": 1}), 200)
        return f"no key: {without.status_code}; with the key: 200"

    def search(self) -> str:
        page = self._json(self._get("/reports", params={"limit": 5}), 200)
        if not isinstance(page, dict) or not isinstance(page.get("items"), list):
            raise StepFailed("GET /reports answered no list of items")
        return f"GET /reports answered {len(page['items'])} entries"

    def run(self, service_id: str) -> str:
        assert self.client is not None
        started = self.client.post(
            f"{self.api}/services/{service_id}/run", headers={API_KEY_HEADER: self.key}, json={}
        )
        run_id = str(self._json(started, 202)["run_id"])
        deadline = time.monotonic() + self.timeout
        while True:
            run = self._json(self._get(f"/runs/{run_id}"), 200)
            if run.get("status") != "Running":
                totals = ", ".join(f"{k} {v}" for k, v in (run.get("totals") or {}).items())
                return f"run {run_id} finished {run.get('status')} ({totals})"
            if time.monotonic() >= deadline:
                raise StepFailed(f"run {run_id} still Running after {self.timeout:.0f} s")
            time.sleep(self.poll_seconds)


def _error_code(response: httpx.Response) -> str:
    try:
        code = response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return ""
    return f" ({code})" if isinstance(code, str) else ""


def smoke(api: str, key: str, out: TextIO, *, run: str | None = None, timeout: float = 300.0) -> int:
    """0 when every step passed, 1 otherwise. A step that needs the key is skipped once auth failed."""
    checks = Smoke(api=api, key=key, out=out, timeout=timeout)
    checks.step("openapi", checks.openapi)
    if checks.step("auth", checks.auth):
        checks.step("search", checks.search)
        if run:
            checks.step("run", lambda: checks.run(run))
    else:
        for name in ("search", *(["run"] if run else [])):
            checks._say("FAIL", name, "not tried: the key was refused")
    steps = 3 + bool(run)
    print(f"{steps - checks.failures}/{steps} steps passed", file=out)
    return 1 if checks.failures else 0
