"""Copy the vendors' API descriptions the tests check requests against, trimmed to what the
connectors call: `python tests/specs/trim.py DIR` with DIR a folder laid out as SOURCES.md says.

OpenAPI/swagger files keep only the paths below and every schema they reference (transitively),
written as gzipped JSON (YAML dates as text); the Shopify introspection and the WooCommerce
markdown are copied (compressed) unchanged.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
OPENAPI = {
    # target: (source file, paths kept)
    "bigcommerce/catalog.v3.json.gz": (
        "bigcommerce/products_catalog.v3.yml",
        ["/catalog/products", "/catalog/products/{product_id}"],
    ),
    "bigcommerce/customers.v3.json.gz": ("bigcommerce/customers.v3.yml", ["/customers"]),
    "bigcommerce/inventory.v3.json.gz": ("bigcommerce/inventory.v3.yml", ["/inventory/adjustments/absolute"]),
    "bigcommerce/orders.v2.json.gz": (
        "bigcommerce/orders.v2.oas2.yml",
        ["/orders", "/orders/{order_id}", "/orders/{order_id}/shipments"],
    ),
    "bigcommerce/store_information.v2.json.gz": ("bigcommerce/store_information.v2.yml", ["/store"]),
    "magento2/admin-schema-2.4.9.json.gz": (
        "magento2/admin-schema-2.4.9.yaml",
        [
            "/V1/store/storeConfigs",
            "/V1/orders",
            "/V1/products",
            "/V1/products/{sku}",
            "/V1/customers",
            "/V1/customers/search",
            "/V1/customers/{customerId}",
            "/V1/inventory/source-items",
            "/V1/order/{orderId}/ship",
            "/V1/shipments",
        ],
    ),
}
COPIED = {
    "shopify/admin_schema_2025-01.json.gz": "shopify/admin_schema_2025-01.json.gz",
    "woocommerce/orders.md.gz": "woocommerce/_orders.md",
    "woocommerce/products.md.gz": "woocommerce/_products.md",
    "woocommerce/customers.md.gz": "woocommerce/_customers.md",
}


def refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(refs(v) for v in node))
    return set()


def trim(spec: dict[str, Any], keep: list[str]) -> dict[str, Any]:
    out = {k: v for k, v in spec.items() if k not in ("paths", "components", "definitions", "x-tagGroups")}
    out["paths"] = {p: spec["paths"][p] for p in keep}
    seen: set[str] = set()
    todo = refs(out["paths"])
    while todo:
        ref = todo.pop()
        if ref in seen or not ref.startswith("#/"):
            continue
        seen.add(ref)
        node: Any = spec
        for part in ref[2:].split("/"):
            node = node[part]
        todo |= refs(node)
    for ref in sorted(seen):
        parts = ref[2:].split("/")
        source: Any = spec
        target: Any = out
        for part in parts[:-1]:
            source, target = source[part], target.setdefault(part, {})
        target[parts[-1]] = source[parts[-1]]
    return out


def main(source: Path) -> None:
    for target, (name, keep) in OPENAPI.items():
        spec = yaml.safe_load((source / name).read_text())
        path = HERE / target
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(trim(spec, keep), separators=(",", ":"), sort_keys=True, default=str)
        with gzip.GzipFile(path, "wb", mtime=0) as out:
            out.write(text.encode())
    for target, name in COPIED.items():
        path = HERE / target
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".gz"):
            shutil.copyfile(source / name, path)
        else:
            with gzip.GzipFile(path, "wb", mtime=0) as out:
                out.write((source / name).read_bytes())


if __name__ == "__main__":
    main(Path(sys.argv[1]))
