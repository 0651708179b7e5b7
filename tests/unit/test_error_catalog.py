"""The error catalog: every error code Syncline records has a meaning and a next step; vendor
errors are recognised from real vendor messages; an unknown vendor error keeps its text and says so."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from syncline import error_catalog
from syncline.connectors import base

SHARED = Path(__file__).resolve().parents[2] / "shared" / "syncline"


def produced_codes() -> set[str]:
    """Every error code the library writes on an entry or a run: the connector errors' `code`
    attributes, and the literal codes of ErrorInfo(code=...), _error("...") and _unqueueable(item, "...")."""
    codes = {
        cls.code
        for cls in vars(base).values()
        if isinstance(cls, type) and issubclass(cls, base.ConnectorError)
    }
    for path in [*(SHARED / "pipeline").glob("*.py"), *(SHARED / "connectors").glob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            args = [a for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name == "ErrorInfo":
                codes |= {
                    str(k.value.value)
                    for k in node.keywords
                    if k.arg == "code" and isinstance(k.value, ast.Constant)
                }
            elif name == "_error" and args:
                codes.add(str(args[0].value))
            elif name == "_unqueueable" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                codes.add(str(node.args[1].value))
    return codes


def test_every_code_syncline_records_has_a_meaning_and_a_next_step() -> None:
    codes = produced_codes()
    assert {
        "mapping_error",
        "rejected",
        "rate_limited",
        "unreachable",
        "authentication_failed",
        "stranded",
    } <= codes
    for code in sorted(codes):
        note = error_catalog.explain(code, "some message")
        assert note["catalog"] == code and note["known"], code
        assert note["meaning"] and note["next_step"], code


@pytest.mark.parametrize("entry", [e for e in error_catalog.ENTRIES if e.examples], ids=lambda e: e.code)
def test_each_entry_recognises_its_real_example_messages(entry: error_catalog.Entry) -> None:
    for example in entry.examples:
        note = error_catalog.explain(entry.codes[0], example, entry.system)
        assert note["catalog"] == entry.code and note["known"], (example, note)


@pytest.mark.parametrize(
    ("system", "code", "message", "catalog"),
    [
        (
            "shopify",
            "rejected",
            "shopify: productCreate rejected: title: Title can't be blank",
            "shopify.blank",
        ),
        (
            "shopify",
            "rejected",
            "shopify: inventorySetQuantities rejected: not stocked [ITEM_NOT_STOCKED_AT_LOCATION]",
            "shopify.not_stocked",
        ),
        ("shopify", "rate_limited", "shopify: throttled (orders): Throttled", "shopify.throttled"),
        (
            "bigcommerce",
            "rejected",
            "bigcommerce HTTP 422 (POST /v3/catalog/products): Input is invalid: sku: must be unique",
            "bigcommerce.duplicate",
        ),
        (
            "magento2",
            "rejected",
            "magento2 HTTP 400 (POST /V1/customers): A customer with the same email address already exists",
            "magento2.already_exists",
        ),
        (
            "woocommerce",
            "rejected",
            "woocommerce HTTP 400 (POST /products): Invalid or duplicated SKU. [product_invalid_sku]",
            "woocommerce.duplicate",
        ),
        ("rest", "transient", "rest: ReadTimeout on POST /orders", "timeout"),
        ("rest", "transient", "rest HTTP 503 (POST /orders): unavailable", "server_error"),
    ],
)
def test_vendor_errors_get_their_own_note(system: str, code: str, message: str, catalog: str) -> None:
    assert error_catalog.explain(code, message, system)["catalog"] == catalog


def test_an_unknown_vendor_error_keeps_its_text_and_says_so() -> None:
    note = error_catalog.explain("rejected", "shopify: productCreate rejected: vendor says no", "shopify")
    assert note["known"] is False and note["catalog"] == "rejected"
    assert "Syncline does not know this error of shopify" in note["meaning"]
    assert note["next_step"]
    unknown = error_catalog.explain("something_new", "what", None)
    assert unknown["known"] is False and unknown["catalog"] is None


def test_the_catalog_lists_every_entry_once() -> None:
    listed = error_catalog.entries()
    codes = [e["code"] for e in listed]
    assert len(codes) == len(set(codes)) == len(error_catalog.ENTRIES)
    assert all(re.fullmatch(r"[a-z0-9_]+(\.[a-z_]+)?", c) for c in codes)
