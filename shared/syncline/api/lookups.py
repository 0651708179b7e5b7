"""Lookup tables behind the API: a company group's tables, their CSV import, the transform catalog.

A table is validated whole (bounds, repeated left values, the size it takes stored) before it is
written, in one item of the config table, so an error leaves nothing half-written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from syncline.api.models import LookupCreate, LookupReplace
from syncline.deps import Deps
from syncline.errors import Conflict, Invalid
from syncline.models import Service
from syncline.reports import validation_fields

if TYPE_CHECKING:
    from syncline.mapping import LookupTable


# A table is one config-table item (400 KB at most): what it may take, all of it stored.
MAX_LOOKUP_ROW_BYTES = 380_000
MAX_LOOKUP_PROBLEMS = 50  # listed in one 422


def lookup_view(table: LookupTable) -> dict[str, Any]:
    """A table as the API shows it: its summary (name, columns, row count), rows and defaults."""
    return {
        **table.summary(),
        "rows": [list(row) for row in table.rows],
        "default_left": table.default_left,
        "default_right": table.default_right,
    }


def list_lookups(deps: Deps, tenant_id: str) -> list[dict[str, Any]]:
    tables = deps.config.lookups(tenant_id)
    return [tables[name].summary() for name in sorted(tables)]


def get_lookup(deps: Deps, tenant_id: str, name: str) -> LookupTable:
    table: LookupTable = deps.config.require_lookup(tenant_id, name)
    return table


def _fits(deps: Deps, tenant_id: str, table: LookupTable, field: str) -> None:
    from syncline.store import item_size

    if item_size(deps.config.lookup_row(tenant_id, table)) > MAX_LOOKUP_ROW_BYTES:
        message = f"the table is larger than the store allows ({MAX_LOOKUP_ROW_BYTES // 1000} KB in all)"
        raise Invalid(message, fields=[{"field": field, "message": message}])


def _lookup_table(deps: Deps, tenant_id: str, name: str, body: LookupReplace | LookupCreate) -> LookupTable:
    """The table a JSON body describes, every bound checked (422 naming each row) before any write."""
    from syncline.mapping.lookup import LookupTable, problems

    found = problems(body.rows, {"default_left": body.default_left, "default_right": body.default_right})
    if found:
        fields = [{"field": f"body.{field}", "message": message} for field, message in found]
        raise Invalid(f"the lookup table has {len(found)} problem(s)", fields=fields[:MAX_LOOKUP_PROBLEMS])
    values = body.model_dump(exclude={"name"})
    try:
        table = LookupTable.model_validate(
            {**values, "rows": [tuple(row) for row in body.rows], "name": name}
        )
    except ValidationError as exc:
        raise Invalid("the lookup table is not valid", fields=validation_fields(exc)) from None
    _fits(deps, tenant_id, table, "body.rows")
    return table


def create_lookup(deps: Deps, tenant_id: str, body: LookupCreate) -> LookupTable:
    table = _lookup_table(deps, tenant_id, body.name, body)
    deps.config.put_lookup(tenant_id, table, create=True)  # 409 when the name is taken
    return table


def replace_lookup(deps: Deps, tenant_id: str, name: str, body: LookupReplace) -> LookupTable:
    if body.name is not None and body.name != name:
        message = "must be the name in the path (a table cannot be renamed)"
        raise Invalid(f"name: {message}", fields=[{"field": "body.name", "message": message}])
    table = _lookup_table(deps, tenant_id, name, body)
    deps.config.put_lookup(tenant_id, table, replace=True)  # 404 when there is no such table
    return table


def import_lookup_rows(deps: Deps, tenant_id: str, name: str, text: str) -> LookupTable:
    """Replace a table's rows with those of RFC 4180 CSV (header left_value,right_value or the
    table's column names); its columns and defaults stay. A problem is a 422 naming its line
    (400 for text that is not CSV) and nothing is written."""
    from syncline.mapping.lookup import LookupCsvError, LookupTable, read_csv
    from syncline.reports import BadRequest

    current = get_lookup(deps, tenant_id, name)
    try:
        rows = read_csv(name, text, (current.left_column, current.right_column))
    except LookupCsvError as exc:
        fields: list[dict[str, Any]] = [{"field": "body", "message": exc.reason, "line": exc.line}]
        if exc.malformed:
            raise BadRequest(exc.reason, fields=fields) from None
        raise Invalid(exc.reason, fields=fields) from None
    table = LookupTable.model_validate({**current.model_dump(), "rows": rows})
    _fits(deps, tenant_id, table, "body")
    deps.config.put_lookup(tenant_id, table, replace=True)
    return table


def services_using_lookup(deps: Deps, tenant_id: str, name: str) -> list[Service]:
    from syncline.mapping.lookup import tables_used

    return [s for s in deps.config.list_services(tenant_id) if name in tables_used(s.mappings)]


def delete_lookup(deps: Deps, tenant_id: str, name: str) -> None:
    get_lookup(deps, tenant_id, name)
    users = sorted(services_using_lookup(deps, tenant_id, name), key=lambda s: s.service_id)
    if users:
        names = ", ".join(s.service_id for s in users)
        raise Conflict(
            f"lookup table {name!r} is used by {len(users)} service(s): {names}",
            fields=[{"field": "name", "message": f"used by service {s.service_id}"} for s in users],
        )
    deps.config.delete_lookup(tenant_id, name)


def transforms_catalog() -> list[dict[str, Any]]:
    """Every transform function: name, category, summary, kind, and its arguments' JSON schema."""
    from syncline.mapping import catalog

    return catalog()
