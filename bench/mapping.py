"""Mapping throughput: records/s on one core for a realistic order mapping.

30 rules over a Shopify-like order with 5 line items (dates with time zones, a lookup table, number
and string transforms, a multi-source concatenate, an aggregate), then the same with a JSONata payload
script. Rules are compiled once, as the pipeline does per batch. Run:

    .venv/bin/python bench/mapping.py [--records 20000]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from syncline.mapping import LookupTable, compile_filters, compile_mapping

TARGET = 20_000

SHIPPING = LookupTable(
    name="shipping",
    rows=[("standard", "DPD-STD"), ("express", "DPD-NEXT"), ("collect", "CLICK-COLLECT")],
    default_right="DPD-STD",
)


def _rule(source: str | list[str], target: str, *transforms: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"source": source, "target": target, "transforms": list(transforms), **extra}


def fn(name: str, **args: Any) -> dict[str, Any]:
    return {"function": name, "args": args} if args else {"function": name}


MAPPINGS: list[dict[str, Any]] = [
    _rule("name", "order.reference", fn("trim"), fn("replace", old="#", new="")),
    _rule("id", "order.external_id", fn("to_string")),
    _rule("email", "customer.email", fn("trim"), fn("lower"), required=True),
    _rule(["customer.first_name", "customer.last_name"], "customer.name", fn("concatenate", separator=" ")),
    _rule("customer.phone", "customer.phone", fn("default", value="")),
    _rule(
        "created_at", "order.created", fn("format_date", format="%Y-%m-%d %H:%M:%S", timezone="Europe/London")
    ),
    _rule("processed_at", "order.processed", fn("convert_timezone", to="UTC")),
    _rule(
        "processed_at",
        "order.due",
        fn("add_duration", amount=3, unit="days"),
        fn("format_date", format="date"),
    ),
    _rule("currency", "order.currency", fn("upper")),
    _rule("total_price", "totals.gross", fn("to_float")),
    _rule("subtotal_price", "totals.net", fn("to_float")),
    _rule("total_tax", "totals.tax", fn("to_float")),
    _rule("total_discounts", "totals.discount", fn("to_float"), fn("absolute")),
    _rule(
        "financial_status",
        "order.paid",
        fn("if", condition={"operator": "equals", "value": "paid"}, then=True, **{"else": False}),
    ),
    _rule("shipping_lines[0].code", "shipping.carrier", fn("lookup", table="shipping")),
    _rule("shipping_lines[0].price", "shipping.cost", fn("to_float")),
    _rule("shipping_address.address1", "shipping.address.line1", fn("trim"), fn("truncate", length=35)),
    _rule("shipping_address.address2", "shipping.address.line2", fn("default", value="")),
    _rule("shipping_address.city", "shipping.address.city", fn("title")),
    _rule("shipping_address.zip", "shipping.address.postcode", fn("trim"), fn("upper")),
    _rule("shipping_address.country_code", "shipping.address.country", fn("upper")),
    _rule("billing_address.address1", "billing.line1", fn("trim")),
    _rule("billing_address.city", "billing.city", fn("title")),
    _rule("billing_address.zip", "billing.postcode", fn("upper")),
    _rule("tags", "order.tags", fn("split", separator=","), fn("unique")),
    _rule("line_items[*].sku", "lines[*].item_code", fn("trim"), fn("upper"), required=True),
    _rule("line_items[*].title", "lines[*].description", fn("truncate", length=40)),
    _rule("line_items[*].quantity", "lines[*].qty", fn("to_integer")),
    _rule("line_items[*].price", "lines[*].unit_price", fn("multiply", value=1.2), fn("round", decimals=2)),
    _rule("line_items[*].quantity", "order.total_qty", fn("sum")),
]

PAYLOAD_SCRIPT = """$ ~> |$|{
  "line_count": $count(lines),
  "lines": lines.{"item_code": item_code, "description": description, "qty": qty,
                  "unit_price": unit_price, "line_total": $round(qty * unit_price, 2)}
}|"""

FILTERS: list[dict[str, Any]] = [
    {"field": "financial_status", "operator": "in", "value": ["paid", "partially_paid"]},
    {"field": "created_at", "operator": "within_last", "value": 10, "unit": "years"},
    {
        "any": [
            [{"field": "shipping_address.country_code", "operator": "equals", "value": "GB"}],
            [{"field": "tags", "operator": "contains", "value": "wholesale"}],
        ]
    },
]


def order(n: int) -> dict[str, Any]:
    return {
        "id": 5_000_000_000 + n,
        "name": f"#{1000 + n}",
        "email": f"  Customer{n}@Example.com ",
        "created_at": f"2024-06-{1 + n % 28:02d}T{n % 24:02d}:15:00-04:00",
        "processed_at": f"2024-06-{1 + n % 28:02d}T{n % 24:02d}:16:30Z",
        "currency": "gbp",
        "total_price": f"{100 + n % 50}.45",
        "subtotal_price": f"{90 + n % 50}.00",
        "total_tax": "10.45",
        "total_discounts": "-5.00",
        "financial_status": "paid" if n % 10 else "pending",
        "tags": "vip, wholesale, vip",
        "customer": {"id": n, "first_name": "Ada", "last_name": f"Lovelace{n}", "phone": None},
        "shipping_lines": [{"code": ("standard", "express", "collect", "drone")[n % 4], "price": "4.99"}],
        "shipping_address": {
            "address1": " 12 Analytical Engine Way ",
            "city": "LONDON",
            "zip": " sw1a 1aa",
            "country_code": "gb",
        },
        "billing_address": {"address1": "1 Difference Row", "city": "london", "zip": "sw1a 2aa"},
        "line_items": [
            {
                "id": n * 10 + i,
                "sku": f" sku-{i}-{n % 100} ",
                "title": f"Brass gear, size {i}, polished and oiled for smooth running",
                "quantity": 1 + i,
                "price": f"{9 + i}.99",
                "grams": 250,
            }
            for i in range(5)
        ],
    }


def rate(apply: Callable[[dict[str, Any]], object], records: list[dict[str, Any]], seconds: float) -> float:
    """Records/s: repeat passes over the records until `seconds` have gone by; best of 3 runs."""
    for record in records[:200]:
        apply(record)
    best = 0.0
    for _ in range(3):
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for record in records:
                apply(record)
            done += len(records)
        best = max(best, done / (time.perf_counter() - start))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000, help="distinct records per pass")
    parser.add_argument("--seconds", type=float, default=1.0, help="length of each of the 3 timed runs")
    options = parser.parse_args()
    records = [order(n) for n in range(options.records)]
    lookups = {"shipping": SHIPPING}

    compile_mapping(MAPPINGS, lookups=lookups, timezone="Europe/London")  # builds argument schemas once
    start = time.perf_counter()
    plain = compile_mapping(MAPPINGS, lookups=lookups, timezone="Europe/London")
    compile_ms = (time.perf_counter() - start) * 1000
    scripted = compile_mapping(MAPPINGS, PAYLOAD_SCRIPT, lookups, timezone="Europe/London")
    keep = compile_filters(FILTERS, timezone="Europe/London")
    sample = scripted.apply(records[1])
    assert len(sample["lines"]) == 5 and sample["line_count"] == 5, sample

    mapped = rate(plain.apply, records, options.seconds)
    with_script = rate(scripted.apply, records[: max(200, options.records // 10)], options.seconds)
    filtered = rate(keep, records, options.seconds)

    print(f"mapping: {len(MAPPINGS)} rules, 5 line items, compile {compile_ms:.1f} ms (once per batch)")
    verdict = "meets" if mapped >= TARGET else "MISSES"
    print(f"  without payload script: {mapped:>9,.0f} records/s per core ({verdict} the {TARGET:,}/s target)")
    print(f"  with payload script:    {with_script:>9,.0f} records/s per core")
    print(f"  filters (3 items):      {filtered:>9,.0f} records/s per core")


if __name__ == "__main__":
    main()
