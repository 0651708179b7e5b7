"""The k-way merge behind every search, against an in-memory table: every row exactly once, in
order, across pages of any size, and reads bounded by what pages return."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import pytest

from syncline.reports import ReadStats, StreamSpec, decode_cursor, encode_cursor
from syncline.reports.cursor import CURSOR_MAX_CHARS, resume_fields, resume_from
from syncline.reports.merge import Resume, _item_base_key, _Merge, _Source
from syncline.reports.query import CURSOR_VERSION
from syncline.tables import BY_STATUS


class FakeTable:
    """Just enough of SyncStore for _Merge: Query on one index with Limit and ExclusiveStartKey."""

    def __init__(self, partitions: Mapping[str, list[str]]) -> None:
        self.partitions = {pk: sorted(keys) for pk, keys in partitions.items()}
        self.rows_read = 0

    def query_page(
        self,
        *,
        index: str | None,
        key_condition: str,
        values: Mapping[str, Any],
        forward: bool = True,
        limit: int | None = None,
        start_key: Mapping[str, Any] | None = None,
        **_: Any,
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        keys = [
            k
            for k in self.partitions.get(values[":pk"], [])
            if (":lo" not in values or values[":lo"] <= k <= values[":hi"])
            and (":prefix" not in values or k.startswith(values[":prefix"]))
        ]
        if not forward:
            keys.reverse()
        if start_key:
            after = start_key[BY_STATUS.sk]
            keys = [k for k in keys if (k > after if forward else k < after)]
        page = keys[:limit] if limit else keys
        self.rows_read += len(page)
        rows = [
            {"PK": f"T#I#{k[-24:]}", "SK": "I", BY_STATUS.pk: values[":pk"], BY_STATUS.sk: k} for k in page
        ]
        more = limit is not None and len(keys) > limit
        return rows, ({BY_STATUS.sk: page[-1]} if more and page else None)


def _key(n: int, rng: random.Random) -> str:
    day, hour, minute = 1 + n % 28, rng.randrange(24), rng.randrange(60)
    return f"2025-01-{day:02d}T{hour:02d}:{minute:02d}:00.000Z#{rng.getrandbits(96):024x}"


def _specs(n: int) -> list[StreamSpec]:
    return [
        StreamSpec(key=f"S#{i}", index=BY_STATUS, pk=f"T#S#{i}", base_key=_item_base_key("T"))
        for i in range(n)
    ]


def _paginate(
    table: FakeTable, specs: list[StreamSpec], limit: int, forward: bool, accept: Any = None
) -> tuple[list[str], list[str]]:
    """Every accepted key over every page; the cursors between the pages."""
    source: _Source[str] = _Source(
        keys_only=False, to_model=lambda row: str(row[BY_STATUS.sk]), accept=accept or (lambda _: True)
    )
    out: list[str] = []
    cursors: list[str] = []
    document: dict[str, Any] = {}
    while True:
        stats = ReadStats()
        resume = resume_from(document, specs)
        merge = _Merge(table, specs, forward, resume, source, stats, limit)  # type: ignore[arg-type]
        page = merge.take(limit)
        out += page
        if len(page) < limit or not merge.more():
            return out, cursors
        fields = resume_fields(merge.resume(), specs)
        cursors.append(encode_cursor({"v": CURSOR_VERSION, "f": "x"} | fields))
        document = decode_cursor(cursors[-1], "x")


@pytest.mark.parametrize("seed", range(12))
def test_pages_merge_every_stream_in_order_exactly_once(seed: int) -> None:
    rng = random.Random(seed)
    streams = rng.choice([1, 2, 4, 16])
    weights = [rng.random() ** 3 for _ in range(streams)]  # skewed, as statuses are
    partitions = {f"T#S#{i}": [] for i in range(streams)}  # type: dict[str, list[str]]
    for n in range(rng.randrange(0, 400)):
        pk = rng.choices(list(partitions), weights)[0]
        partitions[pk].append(_key(n, rng))
    everything = sorted(k for keys in partitions.values() for k in keys)
    limit = rng.choice([1, 3, 7, 25, 50, 500])
    forward = rng.random() < 0.3
    table = FakeTable(partitions)
    got, _ = _paginate(table, _specs(streams), limit, forward)
    assert got == (everything if forward else everything[::-1])
    if len(everything) >= 100 and limit >= 25:
        # one read past each contributing stream per page, plus some read-ahead
        assert table.rows_read <= 1.6 * len(everything) + 2 * streams


def test_in_memory_filters_keep_order_and_count() -> None:
    rng = random.Random(99)
    partitions = {f"T#S#{i}": [_key(n, rng) for n in range(60)] for i in range(4)}
    everything = sorted(k for keys in partitions.values() for k in keys)
    wanted = {k for k in everything if int(k[-1], 16) % 3 == 0}
    got, _ = _paginate(FakeTable(partitions), _specs(4), 9, False, accept=lambda k: k in wanted)
    assert got == sorted(wanted, reverse=True)


def test_streams_not_needed_by_a_page_are_not_read() -> None:
    """A stream whose next key (from the cursor) is behind the page is skipped entirely."""
    rng = random.Random(5)
    recent = [f"2025-02-01T00:00:{s:02d}.000Z#{rng.getrandbits(96):024x}" for s in range(50)]
    old = [f"2024-01-01T00:00:{s:02d}.000Z#{rng.getrandbits(96):024x}" for s in range(50)]
    table = FakeTable({"T#S#0": recent, "T#S#1": old})
    specs = _specs(2)
    source: _Source[str] = _Source(
        keys_only=False, to_model=lambda row: str(row[BY_STATUS.sk]), accept=lambda _: True
    )
    first = _Merge(table, specs, False, Resume(), source, ReadStats(), 10)  # type: ignore[arg-type]
    first.take(10)
    resume = first.resume()
    assert "S#1" in resume.peeks and "S#1" not in resume.exhausted
    table.rows_read = 0
    second = _Merge(table, specs, False, resume, source, ReadStats(), 10)  # type: ignore[arg-type]
    assert len(second.take(10)) == 10
    assert table.rows_read <= 11  # the old stream was not read again


@pytest.mark.parametrize("forward", [False, True])
def test_a_cursor_stays_small_however_many_streams_and_empty_ones_are_not_read_again(forward: bool) -> None:
    """320 streams (80 services x 4 shards), rows in 5 of them: every page's cursor is far below
    its limit, and a stream found empty on the first page is not queried on the next ones."""
    rng = random.Random(7)
    partitions: dict[str, list[str]] = {f"T#S#{i}": [] for i in range(320)}
    for n in range(60):
        partitions[f"T#S#{rng.choice([3, 64, 65, 200, 319])}"].append(_key(n, rng))
    everything = sorted(k for keys in partitions.values() for k in keys)
    table = FakeTable(partitions)
    queried: list[str] = []
    query_page = table.query_page

    def counting(**kwargs: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        queried.append(kwargs["values"][":pk"])
        return query_page(**kwargs)

    table.query_page = counting  # type: ignore[method-assign]
    got, cursors = _paginate(table, _specs(320), 4, forward)
    assert got == (everything if forward else everything[::-1])
    assert len(cursors) >= 14
    assert max(len(c) for c in cursors) < CURSOR_MAX_CHARS // 4
    live = {f"T#S#{i}" for i in (3, 64, 65, 200, 319)}
    assert {pk for pk in queried if queried.count(pk) > 1} <= live
    assert sum(1 for pk in queried if pk not in live) == 320 - 5  # each empty stream read once
