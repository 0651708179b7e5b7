"""`syncline config ... --api URL`: the same commands through the API's /config routes, for a pipeline
that has an API key (admin scope) and no AWS credentials. Files are read and checked here first (so a
bad file is named with its line before anything is sent), credentials are taken from the
environment or the secrets file as for the direct commands and sent write-only."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import httpx

TIMEOUT_SECONDS = 40.0  # API Gateway answers within 29 s


class RemoteError(Exception):
    """A refusal of the API: its message and each problem as a line (file:line: field: message)."""

    def __init__(self, status: int, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.status, self.message, self.problems = status, message, problems


class Remote:
    def __init__(self, api: str, key: str, client: httpx.Client | None = None) -> None:
        self.api = api.rstrip("/")
        self.client = client or httpx.Client(timeout=TIMEOUT_SECONDS)
        self.headers = {"x-api-key": key}

    def export(self) -> dict[str, str]:
        response = self.client.get(
            f"{self.api}/config/export", headers={**self.headers, "Accept": "application/zip"}
        )
        self._check(response)
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}

    def post(self, route: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(f"{self.api}/config/{route}", json=body, headers=self.headers)
        self._check(response)
        answer: dict[str, Any] = response.json()
        return answer

    @staticmethod
    def _check(response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        try:
            error = response.json()["error"]
        except (ValueError, KeyError, TypeError):
            raise RemoteError(response.status_code, f"HTTP {response.status_code}", []) from None
        problems = []
        for entry in error.get("fields") or []:
            where = entry.get("file") or ""
            if entry.get("line"):
                where += f":{entry['line']}"
            problems.append(f"{where + ': ' if where else ''}{entry.get('field')}: {entry.get('message')}")
        raise RemoteError(response.status_code, str(error.get("message")), problems)
