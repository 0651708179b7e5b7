from __future__ import annotations

from typing import Any

import httpx

from syncline.connectors.pagination import (
    CursorPaginator,
    LinkHeaderPaginator,
    OffsetPaginator,
    PageNumberPaginator,
    dig,
    strip_query,
)


def response(
    headers: dict[str, str] | None = None, url: str = "https://api.example.com/items"
) -> httpx.Response:
    return httpx.Response(200, headers=headers or {}, request=httpx.Request("GET", url))


def walk(
    paginator: Any, bodies: list[Any], size: int, headers: list[dict[str, str]] | None = None
) -> list[Any]:
    """The params each page is requested with, following next_state until None."""
    state = None
    asked = []
    for index, body in enumerate(bodies):
        asked.append(paginator.params(state, size))
        count = len(body if isinstance(body, list) else body.get("items", []))
        state = paginator.next_state(
            state, size, response((headers or [{}] * len(bodies))[index]), body, count
        )
        if state is None:
            break
    return asked


def test_dig() -> None:
    body = {"meta": {"pagination": {"total_pages": 3}}, "data": [{"id": 1}]}
    assert dig(body, "meta.pagination.total_pages") == 3
    assert dig(body, "data.0.id") == 1
    assert dig(body, "meta.nope.x") is None
    assert dig(body, "") is body


def test_page_numbers_stop_at_the_total_pages_header() -> None:
    paginator = PageNumberPaginator("page", "per_page", total_pages_header="X-WP-TotalPages")
    headers = [{"X-WP-TotalPages": "2"}] * 3
    asked = walk(paginator, [[1, 2], [3]], 2, headers)
    assert asked == [{"page": 1, "per_page": 2}, {"page": 2, "per_page": 2}]


def test_page_numbers_stop_at_the_total_item_count_even_on_a_full_page() -> None:
    # Magento answers a page past the end with the last page again: only total_count stops it.
    paginator = PageNumberPaginator("p", "s", total_items_path="total_count")
    bodies = [{"items": [1, 2], "total_count": 4}, {"items": [3, 4], "total_count": 4}, {"items": [3, 4]}]
    assert len(walk(paginator, bodies, 2)) == 2


def test_page_numbers_without_totals_stop_on_a_short_page() -> None:
    paginator = PageNumberPaginator("page", "limit")
    assert len(walk(paginator, [[1, 2], [3, 4], [5]], 2)) == 3
    assert len(walk(paginator, [[1, 2], []], 2)) == 2


def test_zero_based_pages() -> None:
    paginator = PageNumberPaginator("page", "size", start=0, total_pages_path="totalPages")
    asked = walk(paginator, [{"items": [1], "totalPages": 2}, {"items": [2], "totalPages": 2}], 1)
    assert [a["page"] for a in asked] == [0, 1]


def test_offsets() -> None:
    paginator = OffsetPaginator("offset", "limit", total_path="total")
    asked = walk(paginator, [{"items": [1, 2], "total": 3}, {"items": [3], "total": 3}], 2)
    assert asked == [{"offset": 0, "limit": 2}, {"offset": 2, "limit": 2}]


def test_cursor_from_the_body_and_has_more() -> None:
    paginator = CursorPaginator("cursor", "next", size_param="limit", has_more_path="has_more")
    asked = walk(
        paginator,
        [{"items": [1], "next": "c2", "has_more": True}, {"items": [2], "next": "c3", "has_more": False}],
        1,
    )
    assert asked == [{"limit": 1}, {"limit": 1, "cursor": "c2"}]


def test_cursor_that_repeats_ends_the_walk() -> None:
    paginator = CursorPaginator("cursor", "next")
    assert paginator.next_state("same", 1, response(), {"next": "same"}, 1) is None


def test_link_header_next_url_without_credentials() -> None:
    paginator = LinkHeaderPaginator("per_page", strip_params=frozenset({"consumer_key", "consumer_secret"}))
    link = '<https://api.example.com/items?page=2&per_page=2&consumer_key=ck&consumer_secret=cs>; rel="next"'
    state = paginator.next_state(None, 2, response({"Link": link}), [1, 2], 2)
    assert state == "https://api.example.com/items?page=2&per_page=2"
    assert paginator.url(state) == state
    assert paginator.params(state, 2) == {}
    assert paginator.params(None, 2) == {"per_page": 2}
    assert paginator.next_state(state, 2, response(), [3], 1) is None


def test_relative_links_are_resolved() -> None:
    paginator = LinkHeaderPaginator()
    state = paginator.next_state(None, 2, response({"Link": '</items?page=2>; rel="next"'}), [1], 1)
    assert state == "https://api.example.com/items?page=2"


def test_strip_query() -> None:
    assert strip_query("https://h/p?a=1&token=x&b=2", frozenset({"token"})) == "https://h/p?a=1&b=2"
