"""Lookup tables: both directions, defaults, CSV import and export, and the lookup transform."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from syncline.mapping import LookupTable, RecordError, RuleError, compile_mapping

CARRIERS = LookupTable(
    name="carriers",
    rows=[("standard", "DPD-STD"), ("express", "DPD-NEXT"), ("economy", "DPD-STD")],
    default_left="standard",
    default_right="DPD-STD",
)


def test_lookup_both_directions_with_defaults() -> None:
    assert CARRIERS.lookup("express") == "DPD-NEXT"
    assert CARRIERS.lookup("DPD-NEXT", "right_to_left") == "express"
    assert CARRIERS.lookup("DPD-STD", "right_to_left") == "standard"  # first row wins
    assert CARRIERS.lookup("drone") == "DPD-STD"
    assert CARRIERS.lookup("UPS", "right_to_left") == "standard"
    assert CARRIERS.find("drone") is None
    bare = LookupTable(name="bare", rows=[("1", "one")])
    assert bare.lookup("2") is None
    assert bare.lookup(1) == "one"


def test_left_values_must_be_unique() -> None:
    with pytest.raises(ValidationError, match="row 3: left value 'a' already used by row 1"):
        LookupTable(name="t", rows=[("a", "1"), ("b", "2"), ("a", "3")])


def test_csv_round_trip_keeps_awkward_values() -> None:
    table = LookupTable(
        name="awkward",
        rows=[("a,b", 'say "hi"'), ("multi\nline", "ünïcödé"), (" spaced ", ""), ("=1+1", "x")],
    )
    text = table.to_csv()
    assert text.startswith("left_value,right_value\r\n")
    assert '"a,b","say ""hi"""\r\n' in text
    assert "'=1+1,x\r\n" in text  # a formula cell is neutralised as in the report export
    again = LookupTable.from_csv("awkward", text)
    assert again.rows == table.rows


def test_csv_header_may_be_the_tables_column_names() -> None:
    table = LookupTable.from_csv(
        "carriers", "Method,Service\nexpress,DPD\n", left_column="method", right_column="service"
    )
    assert (table.left_column, table.right_column, table.rows) == ("method", "service", [("express", "DPD")])


def test_csv_import_accepts_bom_blank_lines_and_defaults() -> None:
    text = "\ufeffLeft_Value , Right_Value\n\nstandard,DPD-STD\r\nexpress,DPD-NEXT\n"
    table = LookupTable.from_csv("carriers", text, default_right="UPS")
    assert table.rows == [("standard", "DPD-STD"), ("express", "DPD-NEXT")]
    assert table.lookup("drone") == "UPS"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "line 1: the header must be left,right or left_value,right_value"),
        ("from,to\na,b\n", "line 1: the header must be left,right or left_value,right_value"),
        ("left_value,right_value\na,b\nc\n", "line 3: expected 2 values, got 1"),
        ("left_value,right_value\na,b\nc,d,e\n", "line 3: expected 2 values, got 3"),
        ("left_value,right_value\na,b\n\na,c\n", "line 4: the left value is already used on line 2"),
        ('left_value,right_value\na,"b\nc"\na,c\n', "line 4: the left value is already used on line 2"),
        ('left_value,right_value\na,b\n"c,d\n', "not valid CSV"),
    ],
)
def test_csv_errors_name_the_line(text: str, reason: str) -> None:
    with pytest.raises(RuleError) as caught:
        LookupTable.from_csv("carriers", text)
    assert caught.value.section == "lookup"
    assert caught.value.field == "carriers"
    assert reason in caught.value.reason


def run(args: dict[str, Any], value: Any) -> Any:
    rules = [{"source": "v", "target": "out", "transforms": [{"function": "lookup", "args": args}]}]
    return (
        compile_mapping(
            rules, lookups={"carriers": CARRIERS, "bare": LookupTable(name="bare", rows=[("a", "A")])}
        )
        .apply({"v": value})
        .get("out")
    )


def test_lookup_transform() -> None:
    assert run({"table": "carriers"}, "express") == "DPD-NEXT"
    assert run({"table": "carriers", "direction": "right_to_left"}, "DPD-NEXT") == "express"
    assert run({"table": "carriers"}, "drone") == "DPD-STD"  # the table's default
    assert run({"table": "carriers", "default": "MANUAL"}, "drone") == "MANUAL"  # the rule's default
    assert run({"table": "bare", "keep_unmatched": True}, "zz") == "zz"
    assert run({"table": "bare"}, None) is None  # null passes through


def test_lookup_miss_without_default_fails_the_record() -> None:
    with pytest.raises(RecordError, match=r"mappings\[0\].*no match for 'zz' in lookup table 'bare'"):
        run({"table": "bare"}, "zz")


def test_unknown_table_is_rejected_at_compile() -> None:
    with pytest.raises(RuleError) as caught:
        run({"table": "shipping"}, "x")
    assert caught.value.location == "mappings[0].transforms[0].args.table"
    assert "unknown lookup table 'shipping' (known: bare, carriers)" in caught.value.reason
