"""Field paths: reading and writing nested objects and arrays."""

from __future__ import annotations

from typing import Any

import pytest

from syncline.mapping.paths import Path
from syncline.mapping.values import MISSING

ORDER: dict[str, Any] = {
    "id": 7,
    "customer": {"email": "a@example.com", "address": {"city": "Leeds"}},
    "line_items": [
        {"sku": "A", "tax_lines": [{"rate": 0.2}, {"rate": 0.05}]},
        {"title": "no sku"},
        {"sku": "C", "tax_lines": []},
    ],
    "notes": ["first", "second"],
    "single": {"sku": "S"},
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("id", 7),
        ("customer.address.city", "Leeds"),
        ("customer.phone", MISSING),
        ("id.deeper", MISSING),
        ("notes[0]", "first"),
        ("notes[-1]", "second"),
        ("notes[5]", MISSING),
        ("line_items[0].sku", "A"),
        ("line_items[*].sku", ["A", MISSING, "C"]),
        ("line_items[*].tax_lines[*].rate", [[0.2, 0.05], MISSING, []]),
        ("line_items[*].tax_lines[0].rate", [0.2, MISSING, MISSING]),
        ("notes[*]", ["first", "second"]),
        ("single[*].sku", ["S"]),
        ("missing[*].sku", MISSING),
        ("id[*]", MISSING),
    ],
)
def test_get(path: str, expected: Any) -> None:
    assert Path(path).get(ORDER) == expected


@pytest.mark.parametrize("bad", ["", " ", "a..b", "a[", "a[x]", "a]", ".a", "a.", "[0]", "a[*]b"])
def test_bad_paths_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="path"):
        Path(bad)


def test_negative_index_cannot_be_a_target() -> None:
    with pytest.raises(ValueError, match="negative index"):
        Path("notes[-1]").check_target()


def test_set_creates_nested_objects_and_arrays() -> None:
    out: dict[str, Any] = {}
    Path("order.customer.email").set(out, "a@example.com")
    Path("order.notes[2]").set(out, "third")
    Path("order.lines[1].sku").set(out, "B")
    assert out == {
        "order": {
            "customer": {"email": "a@example.com"},
            "notes": [None, None, "third"],
            "lines": [None, {"sku": "B"}],
        }
    }


def test_set_spreads_a_list_and_keeps_positions() -> None:
    out: dict[str, Any] = {}
    Path("lines[*].sku").set(out, ["A", MISSING, "C"])
    Path("lines[*].qty").set(out, [1, 2, 3])
    assert out == {"lines": [{"sku": "A", "qty": 1}, {"qty": 2}, {"sku": "C", "qty": 3}]}


def test_set_broadcasts_a_single_value_to_existing_elements() -> None:
    out: dict[str, Any] = {"lines": [{"sku": "A"}, {"sku": "B"}]}
    Path("lines[*].currency").set(out, "GBP")
    assert out == {"lines": [{"sku": "A", "currency": "GBP"}, {"sku": "B", "currency": "GBP"}]}


def test_set_nested_wildcards() -> None:
    out: dict[str, Any] = {}
    Path("orders[*].lines[*].qty").set(out, [[1, 2], [3]])
    assert out == {"orders": [{"lines": [{"qty": 1}, {"qty": 2}]}, {"lines": [{"qty": 3}]}]}
    Path("codes[*]").set(out, ["x", MISSING])
    assert out["codes"] == ["x", None]


def test_missing_writes_nothing() -> None:
    out: dict[str, Any] = {}
    Path("a.b").set(out, MISSING)
    assert out == {}


def test_written_containers_are_copies() -> None:
    source = {"address": {"city": "Leeds"}, "tags": ["a"]}
    out: dict[str, Any] = {}
    Path("shipping").set(out, source["address"])
    Path("order.tags").set(out, source["tags"])
    out["shipping"]["city"] = "York"
    out["order"]["tags"].append("b")
    assert source == {"address": {"city": "Leeds"}, "tags": ["a"]}


@pytest.mark.parametrize(
    ("existing", "path", "message"),
    [
        ({"customer": "Ada"}, "customer.email", "'customer' already holds text, not an object"),
        ({"lines": {"a": 1}}, "lines[*].sku", "'lines' already holds object, not an array"),
        ({"lines": ["x"]}, "lines[*].sku", "element 0 holds text, not an object"),
    ],
)
def test_set_refuses_to_overwrite_another_shape(existing: dict[str, Any], path: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Path(path).set(existing, ["v"])
