"""Requests (and answers) checked against the vendors' own API descriptions in tests/specs.

`OpenApi` reads OpenAPI 3 and swagger 2 files (BigCommerce, Magento): a request must match a path
template and a method; its path and query parameters must be declared, of their type and enum
(indexed names like `searchCriteria[filterGroups][3]...` match the declared `[0]`), required ones
present; its JSON body is validated against the operation's schema, where `readOnly` properties
are refused. `WooCommerceDocs` reads the property and parameter tables of WooCommerce's REST API
reference (markdown): body properties must be documented, not marked read-only, of their type and
among the listed options; list parameters must be documented.

Body properties a schema (or WooCommerce's table) does not declare are problems too, as are
read-only ones, although some of these APIs ignore such properties instead of refusing them: a
field the connector sends that the system would drop is a bug the tests should catch.
Requirements a spec states only in prose are listed in `PROSE_REQUIRED`. WooCommerce's nested
tables (billing, line items, meta data, ...) are followed from the "See ... properties" links.

`problems(...)` returns what is wrong, as text; an empty list means the request is as documented.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, ValidationError, validators

SPECS = Path(__file__).resolve().parent.parent / "specs"


def load(name: str) -> Any:
    with gzip.open(SPECS / name, "rt", encoding="utf-8") as f:
        return json.load(f) if name.endswith(".json.gz") else f.read()


def _read_only(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
    if value:
        yield ValidationError("is read-only")


RequestValidator = validators.extend(Draft4Validator, {"readOnly": _read_only})


def _nullable(node: Any) -> Any:
    """OpenAPI 3.0 `nullable: true` as JSON Schema (`type: [t, "null"]`)."""
    if isinstance(node, dict):
        node = {k: _nullable(v) for k, v in node.items()}
        if node.get("nullable") is True and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        return node
    if isinstance(node, list):
        return [_nullable(v) for v in node]
    return node


def _where(error: ValidationError) -> str:
    return ".".join(str(p) for p in error.absolute_path) or "(body)"


# Requirements a spec states in prose only: BigCommerce's order_Post says "Products and Billing
# address only required for POST operation".
PROSE_REQUIRED = {("POST", "/orders"): ("products", "billing_address")}

SCALARS = {
    "integer": re.compile(r"^-?\d+$"),
    "number": re.compile(r"^-?\d+(\.\d+)?$"),
    "boolean": re.compile(r"^(true|false|1|0)$"),
}


@dataclass
class Operation:
    template: str
    method: str
    spec: dict[str, Any]
    op: dict[str, Any]

    def parameters(self) -> list[dict[str, Any]]:
        declared = self.spec["paths"][self.template].get("parameters", []) + self.op.get("parameters", [])
        return [self.spec_ref(p) for p in declared]

    def spec_ref(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            found: Any = self.spec
            for part in node["$ref"][2:].split("/"):
                found = found[part]
            node = found
        return node

    def body_schema(self) -> tuple[dict[str, Any] | None, bool]:
        """The JSON body's schema and whether a body is required."""
        for param in self.parameters():  # swagger 2
            if param.get("in") == "body":
                return param["schema"], bool(param.get("required"))
        body = self.spec_ref(self.op.get("requestBody"))
        if not body:
            return None, False
        schema = (body.get("content") or {}).get("application/json", {}).get("schema")
        return schema, bool(body.get("required"))

    def properties(self, schema: Any) -> tuple[dict[str, Any], bool]:
        """The properties a schema declares (through $ref, allOf, anyOf, oneOf) and whether it
        allows others (no declared properties, or `additionalProperties`)."""
        schema = self.spec_ref(schema)
        if not isinstance(schema, dict):
            return {}, True
        found = dict(schema.get("properties") or {})
        open_ = bool(schema.get("additionalProperties"))
        for key in ("allOf", "anyOf", "oneOf"):
            for part in schema.get(key) or []:
                more, part_open = self.properties(part)
                found.update(more)
                open_ = open_ or (part_open and key != "allOf")
        return found, open_ or not found

    def unknown(self, instance: Any, schema: Any, where: str = "") -> list[str]:
        """Properties of `instance` that `schema` does not declare (the API ignores or refuses them)."""
        schema = self.spec_ref(schema)
        if isinstance(instance, list) and isinstance(schema, dict) and schema.get("items"):
            return [
                p
                for i, item in enumerate(instance)
                for p in self.unknown(item, schema["items"], f"{where}{i}.")
            ]
        if not isinstance(instance, dict):
            return []
        declared, open_ = self.properties(schema)
        out = []
        for key, value in instance.items():
            if key in declared:
                out += self.unknown(value, declared[key], f"{where}{key}.")
            elif not open_:
                out.append(f"body {where}{key}: not in the {self.method} {self.template} schema")
        return out

    def validator(self, schema: dict[str, Any], cls: Any = RequestValidator) -> Any:
        root = {"allOf": [schema]}
        for key in ("components", "definitions"):
            if key in self.spec:
                root[key] = self.spec[key]
        return cls(_nullable(root))


def _param_schema(param: dict[str, Any]) -> dict[str, Any]:
    schema = param.get("schema") or {k: v for k, v in param.items() if k in ("type", "enum", "items")}
    return {**schema, "description": param.get("description", "")}


def _value_problem(name: str, value: str, schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items") or {}
        for part in value.split(","):
            problem = _value_problem(name, part, items)
            if problem:
                return problem
        return None
    pattern = SCALARS.get(str(kind))
    if pattern and not pattern.match(value):
        return f"parameter {name}={value!r} is not {kind}"
    enum = schema.get("enum")
    if enum and "`:asc`" in str(schema.get("description", "")):
        value = re.sub(r":(asc|desc)$", "", value)  # BigCommerce's sort: a field, `:asc` or `:desc` added
    if enum and value not in [str(e).lower() if isinstance(e, bool) else str(e) for e in enum]:
        return f"parameter {name}={value!r} is not one of {enum}"
    return None


class OpenApi:
    """The operations of some OpenAPI/swagger files, each mounted under a path prefix."""

    def __init__(self, mounts: list[tuple[str, str]]) -> None:
        self.routes: list[tuple[re.Pattern[str], str, dict[str, Any]]] = []
        for prefix, name in mounts:
            spec = load(name)
            for template in spec["paths"]:
                regex = re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template))
                self.routes.append((re.compile(re.escape(prefix) + regex + "$"), template, spec))

    def operation(self, method: str, path: str) -> tuple[Operation | None, dict[str, str], str | None]:
        """The operation, its path parameters, or a problem (404/405 in words)."""
        for regex, template, spec in self.routes:
            match = regex.match(path)
            if not match:
                continue
            op = spec["paths"][template].get(method.lower())
            if op is None:
                return None, {}, f"{method} {template}: no such method"
            names = re.findall(r"\{([^}]+)\}", template)
            return Operation(template, method, spec, op), dict(zip(names, match.groups(), strict=True)), None
        return None, {}, f"{method} {path}: no such path"

    def problems(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> list[str]:
        operation, path_values, problem = self.operation(method, path)
        if operation is None:
            return [str(problem)]
        out: list[str] = []
        params = operation.parameters()
        for param in params:
            where, name = param.get("in"), param.get("name", "")
            if where == "path" and name in path_values:
                found = _value_problem(name, path_values[name], _param_schema(param))
                out += [found] if found else []
            if where == "query" and param.get("required") and name not in query:
                out.append(f"query parameter {name} is required")
        declared = {p["name"]: p for p in params if p.get("in") == "query"}
        for name, values in query.items():
            known = declared.get(re.sub(r"\[\d+\]", "[0]", name))
            if known is None:
                out.append(f"query parameter {name} is not documented for {method} {operation.template}")
                continue
            for value in values:
                found = _value_problem(name, value, _param_schema(known))
                out += [found] if found else []
        schema, required = operation.body_schema()
        if body is None:
            if required:
                out.append(f"{method} {operation.template}: a body is required")
        elif schema is None:
            out.append(f"{method} {operation.template} takes no body")
        else:
            errors = operation.validator(schema).iter_errors(body)
            out += [f"body {_where(e)}: {e.message}" for e in sorted(errors, key=str)]
            out += operation.unknown(body, schema)
            for name in PROSE_REQUIRED.get((method, operation.template), ()):
                if not isinstance(body, dict) or name not in body:
                    out.append(f"body {name}: required (said in the schema's description)")
        return out

    def response_problems(self, method: str, path: str, status: int, body: Any) -> list[str]:
        """An answer's status must be documented for the operation, and its body match the schema."""
        operation, _, problem = self.operation(method, path)
        if operation is None:
            return [str(problem)]
        responses = operation.op.get("responses") or {}
        answer = responses.get(str(status))
        if answer is None and 200 <= status < 300 and not any(str(c).startswith("2") for c in responses):
            return []  # a void operation (Magento documents no success answer): any 2xx, no body check
        if answer is None:
            return [f"{method} {operation.template}: status {status} is not documented ({sorted(responses)})"]
        answer = operation.spec_ref(answer)
        schema = answer.get("schema") or (answer.get("content") or {}).get("application/json", {}).get(
            "schema"
        )
        if schema is None or body is None:
            return []
        errors = operation.validator(schema, Draft4Validator).iter_errors(body)
        return [f"answer {_where(e)}: {e.message}" for e in sorted(errors, key=str)]


# -- WooCommerce: the REST API reference's tables ------------------------------------------------

_ROW = re.compile(r"^\|\s*`([\w-]+)`\s*\|\s*([\w-]+)\s*\|(.*)\|\s*$")
WOO_TYPES = {
    "integer": (int,),
    "string": (str,),
    "date-time": (str,),
    "boolean": (bool,),
    "bool": (bool,),
    "number": (int, float),
    "array": (list,),
    "object": (dict,),
}


Row = tuple[str, bool, list[str], str]  # type, read-only, options, the nested table's heading


def _table(text: str, heading: str, then: str = "") -> dict[str, Row]:
    """The rows of the first table after `heading` (and `then`): name -> (type, read-only, options,
    the heading of the table describing its items, "" if none)."""
    start = text.index(heading)
    start = text.index(then, start) if then else start
    rows: dict[str, Row] = {}
    for line in text[start:].splitlines()[1:]:
        if line.startswith("#"):
            break
        match = _ROW.match(line)
        if match:
            name, kind, description = match.groups()
            options = re.search(r"Options: (.*?)\.(\s|$)", description)
            listed = re.findall(r"`([^`]+)`", options.group(1)) if options else []
            nested = re.search(r"See \[([^\]]+ properties)\]", description)
            rows[name] = (kind, "read-only" in description, listed, nested.group(1) if nested else "")
    return rows


@cache
def woo_resource(entity: str) -> tuple[dict[str, Row], dict[str, Row], dict[str, dict[str, Row]]]:
    """(properties, list parameters, nested tables by heading) of `orders`, `products`, `customers`."""
    text = load(f"woocommerce/{entity}.md.gz")
    singular = entity[:-1].capitalize()
    nested = {
        heading: _table(text, f"### {heading} ###")
        for heading in re.findall(r"^### (.+ properties) ###$", text, re.MULTILINE)
    }
    return (
        _table(text, f"## {singular} properties ##"),
        _table(text, f"## List all {entity} ##", "#### Available parameters ####"),
        nested,
    )


def _woo_body(
    rows: dict[str, Row], nested: dict[str, dict[str, Row]], body: dict[str, Any], where: str = ""
) -> list[str]:
    out = []
    for name, value in body.items():
        path = f"{where}{name}"
        if name not in rows:
            out.append(f"{path}: not a documented property")
            continue
        kind, read_only, options, table = rows[name]
        if read_only:
            out.append(f"{path}: {path} is read-only.")
        elif value is not None and not isinstance(value, WOO_TYPES.get(kind, (object,))):
            out.append(f"{path}: {path} is not of type {kind}.")
        elif options and value not in options:
            out.append(f"{path}: {path} is not one of {', '.join(options)}.")
        elif table in nested:
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                if isinstance(item, dict):
                    prefix = f"{path}.{i}." if isinstance(value, list) else f"{path}."
                    out += _woo_body(nested[table], nested, item, prefix)
    return out


class WooCommerceDocs:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def problems(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> list[str]:
        match = re.fullmatch(re.escape(self.prefix) + r"/(orders|products|customers)(?:/(\d+))?", path)
        if not match:
            return [f"{method} {path}: no such path"]
        entity, ident = match.groups()
        allowed = {("GET", False), ("POST", False), ("GET", True), ("PUT", True), ("DELETE", True)}
        if (method, ident is not None) not in allowed:
            return [f"{method} {path}: no such method"]
        properties, parameters, nested = woo_resource(entity)
        out: list[str] = []
        if method == "GET" and ident is None:
            for name, values in query.items():
                if name in ("consumer_key", "consumer_secret"):
                    continue  # authentication, documented apart
                if name not in parameters:
                    out.append(f"{name}: not a documented parameter of GET /{entity}")
                    continue
                kind, _, options, _ = parameters[name]
                for value in values:
                    if options and value not in options:
                        out.append(f"{name}: {name} is not one of {', '.join(options)}.")
                    if kind in SCALARS and not SCALARS[kind].match(value):
                        out.append(f"{name}: {name} is not of type {kind}.")
        if method in ("POST", "PUT"):
            if not isinstance(body, dict):
                return [*out, "body: not a JSON object"]
            out += _woo_body(properties, nested, body)
        return out

    def response_problems(self, method: str, path: str, status: int, body: Any) -> list[str]:
        """Creates answer 201, the rest 200; the records answered hold documented properties only."""
        match = re.fullmatch(re.escape(self.prefix) + r"/(orders|products|customers)(?:/\d+)?", path)
        if not match:
            return [f"{method} {path}: no such path"]
        expected = 201 if method == "POST" else 200
        if status != expected:
            return [f"{method} {path}: answered {status}, the reference shows {expected}"]
        properties, _, _ = woo_resource(match.group(1))
        rows = body if isinstance(body, list) else [body]
        return [
            f"answer {key}: not a documented property"
            for row in rows
            if isinstance(row, dict)
            for key in row
            if key not in properties
        ]


def bigcommerce(store: str) -> OpenApi:
    v2, v3 = f"/stores/{store}/v2", f"/stores/{store}/v3"
    return OpenApi(
        [
            (v3, "bigcommerce/catalog.v3.json.gz"),
            (v3, "bigcommerce/customers.v3.json.gz"),
            (v3, "bigcommerce/inventory.v3.json.gz"),
            (v2, "bigcommerce/orders.v2.json.gz"),
            (v2, "bigcommerce/store_information.v2.json.gz"),
        ]
    )


def magento2(store_code: str = "default") -> OpenApi:
    # The swagger's paths start with /V1 under basePath /rest/default.
    return OpenApi([(f"/rest/{store_code}", "magento2/admin-schema-2.4.9.json.gz")])
