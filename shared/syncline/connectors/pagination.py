"""Paginators: how a request asks for a page and where a response says what comes next.

The state passed between pages is an opaque string (a page number, an offset, a cursor or a
next-page URL) that the pipeline stores and hands back; `None` asks for the first page.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx


def dig(body: Any, path: str | None) -> Any:
    """Value at a dot path (`meta.pagination.total_pages`); None when any step is missing."""
    if not path:
        return body
    for part in [p for p in path.split(".") if p]:
        if isinstance(body, dict):
            body = body.get(part)
        elif isinstance(body, list) and part.isdigit() and int(part) < len(body):
            body = body[int(part)]
        else:
            return None
    return body


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


class Paginator(ABC):
    kind: str = ""

    def params(self, state: str | None, page_size: int) -> dict[str, Any]:
        """Query parameters for the page `state` (None: the first page)."""
        return {}

    def url(self, state: str | None) -> str | None:
        """A URL to request instead of the endpoint's path (Link-header pagination)."""
        return None

    @abstractmethod
    def next_state(
        self, state: str | None, page_size: int, response: httpx.Response, body: Any, count: int
    ) -> str | None:
        """The state of the page after this one, or None when this was the last."""


class SinglePage(Paginator):
    kind = "none"

    def __init__(self, size_param: str | None = None) -> None:
        self.size_param = size_param

    def params(self, state: str | None, page_size: int) -> dict[str, Any]:
        return {self.size_param: page_size} if self.size_param else {}

    def next_state(
        self, state: str | None, page_size: int, response: httpx.Response, body: Any, count: int
    ) -> str | None:
        return None


class PageNumberPaginator(Paginator):
    """`?page=N&per_page=M`; the end comes from a total (pages or items, header or body) or a short page."""

    kind = "page"

    def __init__(
        self,
        page_param: str = "page",
        size_param: str | None = "per_page",
        *,
        start: int = 1,
        total_pages_header: str | None = None,
        total_pages_path: str | None = None,
        total_items_header: str | None = None,
        total_items_path: str | None = None,
    ) -> None:
        self.page_param = page_param
        self.size_param = size_param
        self.start = start
        self.total_pages_header = total_pages_header
        self.total_pages_path = total_pages_path
        self.total_items_header = total_items_header
        self.total_items_path = total_items_path

    def _current(self, state: str | None) -> int:
        value = _int(state)
        return value if value is not None else self.start

    def params(self, state: str | None, page_size: int) -> dict[str, Any]:
        params: dict[str, Any] = {self.page_param: self._current(state)}
        if self.size_param:
            params[self.size_param] = page_size
        return params

    def next_state(
        self, state: str | None, page_size: int, response: httpx.Response, body: Any, count: int
    ) -> str | None:
        current = self._current(state)
        pages_seen = current - self.start + 1
        total_pages = None
        if self.total_pages_header:
            total_pages = _int(response.headers.get(self.total_pages_header))
        if total_pages is None and self.total_pages_path:
            total_pages = _int(dig(body, self.total_pages_path))
        total_items = None
        if self.total_items_header:
            total_items = _int(response.headers.get(self.total_items_header))
        if total_items is None and self.total_items_path:
            total_items = _int(dig(body, self.total_items_path))
        if count == 0:
            return None
        if total_pages is not None:
            more = pages_seen < total_pages
        elif total_items is not None:
            more = pages_seen * page_size < total_items
        else:
            more = count >= page_size
        return str(current + 1) if more else None


class OffsetPaginator(Paginator):
    """`?offset=N&limit=M`; the end comes from a total or a short page."""

    kind = "offset"

    def __init__(
        self,
        offset_param: str = "offset",
        size_param: str = "limit",
        *,
        total_path: str | None = None,
        total_header: str | None = None,
    ) -> None:
        self.offset_param = offset_param
        self.size_param = size_param
        self.total_path = total_path
        self.total_header = total_header

    def params(self, state: str | None, page_size: int) -> dict[str, Any]:
        return {self.offset_param: _int(state) or 0, self.size_param: page_size}

    def next_state(
        self, state: str | None, page_size: int, response: httpx.Response, body: Any, count: int
    ) -> str | None:
        if count == 0:
            return None
        offset = (_int(state) or 0) + count
        total = _int(response.headers.get(self.total_header)) if self.total_header else None
        if total is None and self.total_path:
            total = _int(dig(body, self.total_path))
        more = offset < total if total is not None else count >= page_size
        return str(offset) if more else None


class CursorPaginator(Paginator):
    """The response body (or a header) carries the next cursor; the request sends it back."""

    kind = "cursor"

    def __init__(
        self,
        cursor_param: str = "cursor",
        cursor_path: str | None = "next_cursor",
        *,
        size_param: str | None = "limit",
        has_more_path: str | None = None,
        cursor_header: str | None = None,
    ) -> None:
        self.cursor_param = cursor_param
        self.cursor_path = cursor_path
        self.size_param = size_param
        self.has_more_path = has_more_path
        self.cursor_header = cursor_header

    def params(self, state: str | None, page_size: int) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if self.size_param:
            params[self.size_param] = page_size
        if state:
            params[self.cursor_param] = state
        return params

    def next_state(
        self, state: str | None, page_size: int, response: httpx.Response, body: Any, count: int
    ) -> str | None:
        if self.has_more_path is not None and not dig(body, self.has_more_path):
            return None
        cursor = response.headers.get(self.cursor_header) if self.cursor_header else None
        if cursor is None and self.cursor_path:
            cursor = dig(body, self.cursor_path)
        if cursor is None or cursor == "" or str(cursor) == state:
            return None  # also stops a server that returns the same cursor forever
        return str(cursor)


class LinkHeaderPaginator(Paginator):
    """RFC 8288 `Link: <...>; rel="next"`: the state is the next page's URL.

    Query parameters that carry credentials (`strip_params`) are removed from the stored URL;
    the authenticator adds them again on each request.
    """

    kind = "link"

    def __init__(
        self,
        size_param: str | None = "per_page",
        *,
        rel: str = "next",
        strip_params: frozenset[str] = frozenset(),
    ) -> None:
        self.size_param = size_param
        self.rel = rel
        self.strip_params = strip_params

    def params(self, state: str | None, page_size: int) -> dict[str, Any]:
        if state or not self.size_param:
            return {}
        return {self.size_param: page_size}

    def url(self, state: str | None) -> str | None:
        return state or None

    def next_state(
        self, state: str | None, page_size: int, response: httpx.Response, body: Any, count: int
    ) -> str | None:
        link = response.links.get(self.rel, {}).get("url")
        if not link:
            return None
        absolute = str(response.request.url.join(link))
        if absolute == state:
            return None
        return strip_query(absolute, self.strip_params)


def strip_query(url: str, names: frozenset[str]) -> str:
    if not names:
        return url
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in names]
    return urlunsplit(parts._replace(query=urlencode(kept)))
