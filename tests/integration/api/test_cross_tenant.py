"""Cross-tenant probe: a second company group's key with the first group's ids, filters and
cursors, on every filter-taking route. Nothing of A comes back, nothing of A changes."""

from __future__ import annotations

from typing import Any

import pytest

from syncline import wiring
from tests.integration.api.conftest import AwsEnv, Group, new_group, seed_items


@pytest.fixture(scope="module")
def groups(aws_env: AwsEnv) -> tuple[Group, Group]:
    a = new_group("xt-a")
    seed_items(a, runs_per_service=3, items_per_run=6, days=2)
    return a, new_group("xt-b")


def _markers(a: Group) -> list[str]:
    return [a.tenant_id] + [i.sync_id for i in a.items] + [r.run_id for r in a.runs]


def _filters(a: Group) -> list[dict[str, Any]]:
    item = a.items[0]
    return [
        {"run": a.runs[0].run_id},
        {"sync_id": ",".join(i.sync_id for i in a.items[:20])},
        {"reference": item.reference},
        {"reference": "#1*", "days": 15},
        {"source_id": item.source_id},
        {"source_id": "src-*", "days": 15},
        {"service": "orders", "days": 15},
        {"status": "Failed", "days": 15},
        {"days": 15},
    ]


def test_search_and_export_with_a_groups_ids_answer_nothing_of_it(groups: tuple[Group, Group]) -> None:
    a, b = groups
    markers = _markers(a)
    for query in _filters(a):
        own = a.api.get("/reports", query=query)
        assert own.status == 200 and own.json()["items"], query  # the filters do find A's entries
        for path in ("/reports", "/reports/export"):
            resp = b.api.get(path, query=query)
            assert resp.status == 200, (path, query, resp.text)
            assert not any(m in resp.text for m in markers), (path, query)


def test_resync_by_ids_and_by_filter_touches_nothing_of_a(groups: tuple[Group, Group]) -> None:
    a, b = groups
    before = wiring.sync_store().get_items(a.tenant_id, [i.sync_id for i in a.items])
    resp = b.api.post("/reports/resync", body={"sync_ids": [i.sync_id for i in a.items]})
    assert resp.status == 200 and resp.json()["queued"] == 0
    for query in _filters(a):
        body = {"filter": {k: (v.split(",") if k == "sync_id" else v) for k, v in query.items()}}
        resp = b.api.post("/reports/resync", body=body | {"dry_run": True})
        assert resp.status == 200 and resp.json()["would_queue"] == [], query
        resp = b.api.post("/reports/resync", body=body)
        assert resp.status == 200 and resp.json()["queued"] == 0, query
        assert not any(m in resp.text for m in _markers(a)), query
    assert wiring.sync_store().get_items(a.tenant_id, [i.sync_id for i in a.items]) == before


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/reports", {"days": 15, "limit": 3}),
        ("/reports", {"days": 15, "limit": 3, "status": "OK"}),
        ("/reports", {"days": 15, "limit": 3, "service": "orders", "sort": "status"}),
        ("/runs", {"days": 15, "limit": 2}),
        ("/runs", {"days": 15, "limit": 2, "service": "orders"}),
    ],
)
def test_cursors_of_a_replayed_with_bs_key_are_refused(
    groups: tuple[Group, Group], path: str, query: dict[str, Any]
) -> None:
    a, b = groups
    cursor = a.api.get(path, query=query).json()["next_cursor"]
    assert cursor
    resp = b.api.get(path, query=query | {"cursor": cursor})
    assert resp.status == 400 and resp.json()["error"]["fields"][0]["field"] == "query.cursor"
    assert not any(m in resp.text for m in _markers(a))
    assert a.api.get(path, query=query | {"cursor": cursor}).status == 200


def test_ids_of_a_on_every_id_route_are_404_for_b(groups: tuple[Group, Group]) -> None:
    a, b = groups
    paths = [f"/reports/{a.items[0].sync_id}", f"/runs/{a.runs[0].run_id}"]
    paths += ["/services/orders-a-only", "/connectors/shop-a-only"]
    for path in paths:
        resp = b.api.get(path)
        echoed = path.rsplit("/", 1)[1]  # the id b asked for may be named; nothing else of a
        assert resp.status == 404, path
        assert not any(m in resp.text for m in _markers(a) if m != echoed), path
    # same-named services and connectors exist in both groups: b sees only its own
    assert b.api.get("/services/orders").json().get("tenant_id") is None
    connectors = b.api.get("/connectors").json()["items"]
    assert connectors and a.tenant_id not in str(connectors)
    summary = b.api.get("/connectors/shop/summary", query={"days": 15}).json()
    assert not any(m in str(summary) for m in _markers(a))
    dashboard = b.api.get("/dashboard", query={"days": 15}).json()
    assert sum(dashboard["totals"].values()) == 0
