"""The JSON Schema of an inbound connector's entity: derived from a sample, or given, and checked.

Only a small subset is supported, the one `derive` produces: `type` (object, array, string, number,
integer, boolean, null, or a list of them), `properties`, `required`, `items`. A given schema may use
nothing else (checked by `check_schema`), so what is validated is exactly what is shown.
"""

from __future__ import annotations

from typing import Any

TYPES = ("object", "array", "string", "number", "integer", "boolean", "null")
KEYWORDS = frozenset({"type", "properties", "required", "items", "$schema", "title", "description"})
DIALECT = "https://json-schema.org/draft/2020-12/schema"
MAX_ERRORS = 20


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _derive(value: Any) -> dict[str, Any]:
    kind = _type_of(value)
    if kind == "object":
        return {
            "type": "object",
            "properties": {str(k): _derive(v) for k, v in value.items()},
            # a null in the sample says the field may be absent or null: not required
            "required": sorted(str(k) for k, v in value.items() if v is not None),
        }
    if kind == "array":
        out: dict[str, Any] = {"type": "array"}
        if value:
            out["items"] = _merge([_derive(v) for v in value])
        return out
    if kind == "null":
        return {}  # anything: the sample does not say
    if kind == "integer":
        return {"type": "number"}  # a sample's 3 may be 3.5 next time
    return {"type": kind}


def _merge(schemas: list[dict[str, Any]]) -> dict[str, Any]:
    """One schema for an array's items: the first one's, widened where items disagree on type."""
    first = schemas[0]
    kinds = {s.get("type") for s in schemas}
    if len(kinds) > 1 or None in kinds:
        return {}
    if first.get("type") == "object":
        props: dict[str, Any] = {}
        for s in schemas:
            for name, sub in s.get("properties", {}).items():
                props[name] = _merge([props[name], sub]) if name in props else sub
        required = set(first.get("required", []))
        for s in schemas[1:]:
            required &= set(s.get("required", []))
        return {"type": "object", "properties": props, "required": sorted(required)}
    return first


def derive(sample: Any) -> dict[str, Any]:
    """The schema of records like `sample` (an object): every non-null field required, types as seen."""
    return {"$schema": DIALECT, **_derive(sample)}


def check_schema(schema: Any, where: str = "schema") -> None:
    """Raise ValueError(field, ...) for a schema outside the supported subset."""
    if not isinstance(schema, dict):
        raise ValueError(f"{where}: must be an object")
    unknown = sorted(set(schema) - KEYWORDS)
    if unknown:
        raise ValueError(f"{where}: unsupported keyword(s) {', '.join(unknown)}")
    kinds = schema.get("type")
    for kind in kinds if isinstance(kinds, list) else ([kinds] if kinds is not None else []):
        if kind not in TYPES:
            raise ValueError(f"{where}.type: must be one of {', '.join(TYPES)}")
    props = schema.get("properties", {})
    if not isinstance(props, dict):
        raise ValueError(f"{where}.properties: must be an object")
    for name, sub in props.items():
        check_schema(sub, f"{where}.properties.{name}")
    required = schema.get("required", [])
    if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
        raise ValueError(f"{where}.required: must be a list of field names")
    if "items" in schema:
        check_schema(schema["items"], f"{where}.items")


def _matches(value: Any, kind: str) -> bool:
    actual = _type_of(value)
    return actual == kind or (kind == "number" and actual == "integer")


def errors(value: Any, schema: dict[str, Any], path: str = "") -> list[dict[str, str]]:
    """Where `value` breaks `schema`: [{"field": "customer.email", "message": ...}], at most MAX_ERRORS."""
    out: list[dict[str, str]] = []
    stack: list[tuple[Any, dict[str, Any], str]] = [(value, schema, path)]
    while stack and len(out) < MAX_ERRORS:
        node, rule, where = stack.pop()
        kinds = rule.get("type")
        allowed = kinds if isinstance(kinds, list) else ([kinds] if kinds else [])
        if allowed and not any(_matches(node, k) for k in allowed):
            out.append({"field": where or "(record)", "message": f"must be {' or '.join(allowed)}"})
            continue
        if isinstance(node, dict):
            for name in rule.get("required", []):
                if name not in node:
                    out.append({"field": f"{where}.{name}".lstrip("."), "message": "required"})
            for name, sub in rule.get("properties", {}).items():
                if name in node:
                    stack.append((node[name], sub, f"{where}.{name}".lstrip(".")))
        elif isinstance(node, list) and "items" in rule:
            stack.extend((item, rule["items"], f"{where}[{i}]") for i, item in enumerate(node))
    return out[:MAX_ERRORS]
