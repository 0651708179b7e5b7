"""Mapping rules end to end: shapes, line items, required fields, errors, preview, payload scripts."""

from __future__ import annotations

import copy
import gc
import threading
import time
from typing import Any

import pytest

from syncline.mapping import (
    LookupTable,
    RecordError,
    RuleError,
    compile_mapping,
    engine,
    preview,
    validate_rules,
)
from syncline.mapping.transforms import TEXT_FUNCTIONS

ORDER: dict[str, Any] = {
    "id": 1001,
    "email": " Ada@Example.com ",
    "customer": {"first_name": "Ada", "last_name": "Lovelace"},
    "shipping": {"code": "express", "address": {"city": "London", "zip": "sw1a 1aa"}},
    "created_at": "2024-06-01T10:00:00Z",
    "line_items": [
        {
            "sku": "ab-1",
            "title": "Gear",
            "quantity": 2,
            "price": "9.99",
            "tax_lines": [{"price": "1.00"}, {"price": "0.50"}],
        },
        {"sku": "cd-2", "title": "Cog", "quantity": 1, "price": "5.00", "tax_lines": [{"price": "0.25"}]},
    ],
}
LOOKUPS = {"carriers": LookupTable(name="carriers", rows=[("express", "DPD-NEXT")], default_right="DPD-STD")}


def rule(source: Any, target: str, *transforms: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"source": source, "target": target, "transforms": list(transforms), **extra}


def fn(name: str, **args: Any) -> dict[str, Any]:
    return {"function": name, "args": args}


def test_a_realistic_order_mapping() -> None:
    mapping = compile_mapping(
        [
            rule("id", "order.reference", fn("to_string"), fn("prefix", value="SO-")),
            rule("email", "customer.email", fn("trim"), fn("lower"), required=True),
            rule(
                ["customer.first_name", "customer.last_name"],
                "customer.name",
                fn("concatenate", separator=" "),
            ),
            rule("shipping.code", "delivery.carrier", fn("lookup", table="carriers")),
            rule("shipping.address", "delivery.address"),
            rule(
                "created_at",
                "order.date",
                fn("format_date", format="%d/%m/%Y %H:%M", timezone="Europe/London"),
            ),
            rule("line_items[*].sku", "lines[*].item_code", fn("upper")),
            rule("line_items[*].quantity", "lines[*].qty"),
            rule("line_items[*].price", "lines[*].unit_price", fn("to_float")),
            rule(
                ["line_items[*].sku", "line_items[*].title"],
                "lines[*].description",
                fn("concatenate", separator=": "),
            ),
            rule("line_items[*].tax_lines[*].price", "lines[*].tax", fn("sum")),
            rule("line_items[*].quantity", "order.units", fn("sum")),
            {"value": "web", "target": "order.channel"},
            {"value": "GBP", "target": "lines[*].currency"},
        ],
        lookups=LOOKUPS,
    )
    assert mapping.apply(ORDER) == {
        "order": {"reference": "SO-1001", "date": "01/06/2024 11:00", "units": 3, "channel": "web"},
        "customer": {"email": "ada@example.com", "name": "Ada Lovelace"},
        "delivery": {"carrier": "DPD-NEXT", "address": {"city": "London", "zip": "sw1a 1aa"}},
        "lines": [
            {
                "item_code": "AB-1",
                "qty": 2,
                "unit_price": 9.99,
                "description": "ab-1: Gear",
                "tax": 1.5,
                "currency": "GBP",
            },
            {
                "item_code": "CD-2",
                "qty": 1,
                "unit_price": 5.0,
                "description": "cd-2: Cog",
                "tax": 0.25,
                "currency": "GBP",
            },
        ],
    }


def test_line_items_stay_aligned_when_a_field_is_missing() -> None:
    mapping = compile_mapping([rule("items[*].sku", "lines[*].sku"), rule("items[*].qty", "lines[*].qty")])
    out = mapping.apply({"items": [{"sku": "A", "qty": 1}, {"qty": 2}, {"sku": "C"}]})
    assert out == {"lines": [{"sku": "A", "qty": 1}, {"qty": 2}, {"sku": "C"}]}


def test_nested_arrays_map_per_parent() -> None:
    mapping = compile_mapping(
        [
            rule("orders[*].lines[*].qty", "batches[*].units", fn("sum")),
            rule("orders[*].lines[*].sku", "batches[*].skus[*]", fn("lower")),
        ]
    )
    out = mapping.apply(
        {
            "orders": [
                {"lines": [{"qty": 1, "sku": "A"}, {"qty": 2, "sku": "B"}]},
                {"lines": [{"qty": 5, "sku": "C"}]},
            ]
        }
    )
    assert out == {"batches": [{"units": 3, "skus": ["a", "b"]}, {"units": 5, "skus": ["c"]}]}


def test_empty_mapping_is_a_copy_of_the_record() -> None:
    mapping = compile_mapping([])
    assert mapping.is_identity
    out = mapping.apply(ORDER)
    assert out == ORDER
    out["line_items"][0]["sku"] = "changed"
    assert ORDER["line_items"][0]["sku"] == "ab-1"


def test_the_input_record_is_never_changed() -> None:
    before = copy.deepcopy(ORDER)
    mapping = compile_mapping(
        [rule("shipping.address", "address"), rule("id", "address.order_id"), rule("line_items", "items")],
        payload_script='$ ~> |address|{"city": "Paris"}|',
    )
    out = mapping.apply(ORDER)
    out["items"][0]["sku"] = "x"
    assert out["address"] == {"city": "Paris", "zip": "sw1a 1aa", "order_id": 1001}
    assert ORDER == before


def test_missing_sources_write_nothing_and_nulls_are_kept() -> None:
    mapping = compile_mapping(
        [rule("phone", "contact.phone"), rule("gift", "gift"), rule("x", "y", fn("upper"))]
    )
    assert mapping.apply({"gift": None, "x": None}) == {"gift": None, "y": None}


def test_required_fields() -> None:
    mapping = compile_mapping(
        [rule("email", "email", required=True), rule("items[*].sku", "skus", required=True)]
    )
    assert mapping.apply({"email": "a@b.c", "items": [{"sku": "A"}]}) == {"email": "a@b.c", "skus": ["A"]}
    with pytest.raises(RecordError) as caught:
        mapping.apply({"email": "  ", "items": [{"sku": "A"}]})
    assert caught.value.rule == "mappings[0]"
    assert str(caught.value) == "mappings[0] (-> email): required field 'email' is missing"
    with pytest.raises(
        RecordError,
        match=r"mappings\[1\] \(-> skus\): required field 'items\[\*\]\.sku' is missing in element 1",
    ):
        mapping.apply({"email": "a@b.c", "items": [{"sku": "A"}, {"title": "no sku"}]})
    with pytest.raises(RecordError, match="required field 'items"):
        mapping.apply({"email": "a@b.c"})


def test_one_bad_record_does_not_stop_the_batch() -> None:
    mapping = compile_mapping(
        [rule("date", "placed_at", fn("parse_date", format="%d/%m/%Y"), fn("format_date", format="date"))]
    )
    batch = [{"date": "01/02/2024"}, {"date": "31/31/2024"}, {"date": "03/02/2024"}]
    results: list[Any] = []
    for record in batch:
        try:
            results.append(mapping.apply(record))
        except RecordError as exc:
            results.append(str(exc))
    assert results == [
        {"placed_at": "2024-02-01"},
        "mappings[0] (-> placed_at): transforms[0] parse_date: "
        "cannot parse '31/31/2024' as a date with pattern '%d/%m/%Y'",
        {"placed_at": "2024-02-03"},
    ]


def test_conflicting_targets_fail_the_record_naming_the_rule() -> None:
    mapping = compile_mapping([rule("name", "customer"), rule("email", "customer.email")])
    with pytest.raises(
        RecordError, match=r"mappings\[1\] \(-> customer.email\): cannot write 'customer.email'"
    ):
        mapping.apply({"name": "Ada", "email": "a@b.c"})


def test_a_non_object_record_is_refused() -> None:
    with pytest.raises(RecordError, match="must be an object, got array"):
        compile_mapping([]).apply([1, 2])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rules", "location", "reason"),
    [
        ("x", "mappings", "must be a list of rules"),
        (["x"], "mappings[0]", "must be an object"),
        ([{"source": "a"}], "mappings[0].target", "must be a field path"),
        (
            [{"source": "a", "target": "b", "transfroms": []}],
            "mappings[0].transfroms",
            "unknown key 'transfroms'",
        ),
        ([{"source": "a", "target": "b[-1]"}], "mappings[0].target", "negative index"),
        ([{"source": [], "target": "b"}], "mappings[0].source", "non-empty list"),
        ([{"source": ["a", "b["], "target": "c"}], "mappings[0].source[1]", "bad path"),
        ([{"source": "a", "value": 1, "target": "b"}], "mappings[0].value", "either source or value"),
        ([{"target": "b"}], "mappings[0].source", "needs a source"),
        ([{"source": "a", "target": "b", "required": "yes"}], "mappings[0].required", "true or false"),
        (
            [{"value": 1, "target": "b", "required": True}],
            "mappings[0].required",
            "only a rule with a source",
        ),
        (
            [{"source": "a", "target": "b", "transforms": {"function": "upper"}}],
            "mappings[0].transforms",
            "must be a list",
        ),
    ],
)
def test_bad_rules_are_rejected_with_the_rule_index(rules: Any, location: str, reason: str) -> None:
    with pytest.raises(RuleError) as caught:
        compile_mapping(rules)
    assert caught.value.location == location
    assert reason in caught.value.reason


def test_validate_rules_lists_every_problem() -> None:
    errors = validate_rules(
        filters=[
            {"field": "status", "operator": "equals", "value": "paid"},
            {"field": "x", "operator": "like"},
        ],
        mappings=[
            rule("a", "b", fn("upper")),
            rule("a", "b", {"function": "uper"}),
            rule("a", "b", fn("pad", length="5")),
            rule("a", "b", fn("lookup", table="carriers")),
        ],
        payload_script="$ ~> |$|{",
        lookups={},
        timezone="Europe/London",
    )
    assert [str(e) for e in errors] == [
        "filters[1].operator: unknown operator 'like'; use one of "
        + errors[0].reason.split("use one of ")[1],
        "mappings[1].transforms[0]: unknown function 'uper' (did you mean 'upper'?)",
        "mappings[2].transforms[0].args.length: pad: input should be a valid integer",
        "mappings[3].transforms[0].args.table: lookup: unknown lookup table 'carriers' (known: none)",
        errors[4].location + ": " + errors[4].reason,
    ]
    assert errors[4].section == "payload_script" and "syntax error" in errors[4].reason
    assert [e.to_dict()["index"] for e in errors] == [1, 1, 2, 3, None]
    assert validate_rules([], [rule("a", "b")], "$", {}) == []


def test_unknown_time_zone_is_rejected() -> None:
    with pytest.raises(RuleError, match="unknown time zone"):
        compile_mapping([], timezone="Europe/Atlantis")


def test_preview_traces_every_rule_and_carries_on_after_an_error() -> None:
    mapping = compile_mapping(
        [
            rule("email", "email", fn("trim"), fn("lower")),
            rule("total", "total", fn("to_float")),
            rule("line_items[*].sku", "skus", fn("upper")),
        ],
        payload_script='$merge([$, {"count": $count(skus)}])',
    )
    result = mapping.preview(
        {"email": " A@B.C ", "total": "lots", "line_items": [{"sku": "a"}, {"sku": "b"}]}
    )
    assert result["ok"] is False
    assert result["output"] == {"email": "a@b.c", "skus": ["A", "B"], "count": 2}
    assert result["errors"] == [
        "mappings[1] (-> total): transforms[0] to_float: expected a number, got 'lots'"
    ]
    first, second, third, script = result["trace"]
    assert first == {
        "rule": "mappings[0]",
        "target": "email",
        "source": " A@B.C ",
        "value": "a@b.c",
        "error": None,
        "steps": [{"function": "trim", "value": "A@B.C"}, {"function": "lower", "value": "a@b.c"}],
    }
    assert (
        second["error"] == "transforms[0] to_float: expected a number, got 'lots'" and second["value"] is None
    )
    assert third["source"] == ["a", "b"] and third["value"] == ["A", "B"]
    assert script["rule"] == "payload_script"
    assert script["source"] == {"email": "a@b.c", "skus": ["A", "B"]}
    assert script["value"] == result["output"] and script["error"] is None


def test_payload_script_reshapes_the_mapped_record() -> None:
    mapping = compile_mapping(
        [
            rule("line_items[*].quantity", "lines[*].qty"),
            rule("line_items[*].price", "lines[*].price", fn("to_float")),
        ],
        payload_script="""{
            "reference": "SO-" & $string($source.id),
            "lines": lines.{"qty": qty, "total": $round(qty * price, 2)},
            "grand_total": $round($sum(lines.(qty * price)), 2)
        }""",
    )
    assert mapping.apply(ORDER) == {
        "reference": "SO-1001",
        "lines": [{"qty": 2, "total": 19.98}, {"qty": 1, "total": 5}],
        "grand_total": 24.98,
    }


def test_payload_script_alone_sees_the_whole_record() -> None:
    mapping = compile_mapping([], payload_script='{"id": id, "skus": line_items.sku}')
    assert mapping.apply(ORDER) == {"id": 1001, "skus": ["ab-1", "cd-2"]}


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ('"just text"', "must return an object, got text"),
        ("nothing_here", "must return an object, got null"),
        ('$error("total is negative")', "total is negative"),
    ],
)
def test_payload_script_failures_fail_the_record(script: str, reason: str) -> None:
    with pytest.raises(RecordError) as caught:
        compile_mapping([], payload_script=script).apply({"a": 1})
    assert caught.value.rule == "payload_script"
    assert reason in caught.value.reason


def test_a_runaway_payload_script_fails_the_record_instead_of_hanging() -> None:
    mapping = compile_mapping([], payload_script="($f := function($n) { $f($n + 1) }; $f(0))")
    start = time.perf_counter()
    with pytest.raises(RecordError, match=r"payload_script: script ran longer than \d+ ms"):
        mapping.apply({"a": 1})
    assert time.perf_counter() - start < 2
    with pytest.raises(RecordError, match="payload_script: script nested deeper"):
        compile_mapping([], payload_script="($f := function($n) { 1 + $f($n) }; $f(0))").apply({})


def test_scripts_of_one_record_share_a_time_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    mapping = compile_mapping([rule("a", "b", fn("script", expression="$ & '!'"))], payload_script="$")
    assert mapping.apply({"a": "x"}) == {"b": "x!"}
    monkeypatch.setattr(engine, "RECORD_TIMEOUT_MS", 0)  # the record's budget is gone before it starts
    with pytest.raises(RecordError, match=r"mappings\[0\].*scripts used up this record's time budget"):
        mapping.apply({"a": "x"})
    assert compile_mapping([rule("a", "b", fn("upper"))]).apply({"a": "x"}) == {"b": "X"}  # no scripts


def test_compiled_mappings_can_be_shared_between_threads() -> None:
    mapping = compile_mapping(
        [rule("id", "id"), rule("items[*].n", "lines[*].n", fn("multiply", value=2))],
        payload_script='$merge([$, {"check": $$.id * 10, "slow": $sum([1..500])}])',
    )
    failures: list[Any] = []

    def work(offset: int) -> None:
        for n in range(offset, offset + 40):
            out = mapping.apply({"id": n, "items": [{"n": n}]})
            if out != {"id": n, "lines": [{"n": n * 2}], "check": n * 10, "slow": 125250}:
                failures.append(out)

    threads = [threading.Thread(target=work, args=(i * 1000,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_compiling_for_every_batch_does_not_leak() -> None:
    for _ in range(60):
        compile_mapping([rule("a", "b", fn("upper"))]).apply({"a": "x"})
    gc.collect()
    assert len(TEXT_FUNCTIONS) < 60


def test_preview_of_a_service_says_whether_the_filters_keep_the_record() -> None:
    filters = [{"field": "status", "operator": "equals", "value": "paid"}]
    mappings = [rule("id", "ref", fn("to_string"))]
    kept = preview({"id": 1, "status": "paid"}, filters, mappings, None)
    assert kept["kept"] is True and kept["output"] == {"ref": "1"} and kept["trace"][0]["value"] == "1"
    dropped = preview({"id": 2, "status": "pending"}, filters, mappings, None)
    assert dropped["kept"] is False and dropped["output"] == {"ref": "2"}
    with pytest.raises(RuleError, match=r"filters\[0\].operator"):
        preview({}, [{"field": "a", "operator": "is"}], mappings, None)
