"""What service mappings use: lookup tables (CRUD, CSV import and export) and the transform catalog."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from syncline.api import lookups
from syncline.api.context import deps, tenant
from syncline.api.models import LookupCreate, LookupReplace
from syncline.models import ID_PATTERN

router = Router()
TAGS = ["lookups"]
JSON = "application/json"
CSV = "text/csv"
NamePath = Annotated[str, Path(pattern=ID_PATTERN, description="a lookup table's name")]


def _created(table: Any) -> Response[dict[str, Any]]:
    return Response(
        status_code=201,
        content_type=JSON,
        body=lookups.lookup_view(table),
        headers={"Location": f"/lookups/{table.name}"},
    )


@router.get("/lookups", summary="List lookup tables (name, columns, row count)", tags=TAGS)
def list_lookups() -> dict[str, Any]:
    return {"items": lookups.list_lookups(deps(), tenant())}


@router.post(
    "/lookups",
    summary="Create a lookup table",
    description="Rows are [left, right] pairs; left values are unique. 409 when the name is taken; 422 "
    "naming the row index of a repeated left value, a value over 1,000 characters, more than 10,000 rows "
    "or a table over 380 KB.",
    tags=TAGS,
    status_code=201,
)
def create_lookup(body: Annotated[LookupCreate, Body()]) -> Response[dict[str, Any]]:
    return _created(lookups.create_lookup(deps(), tenant(), body))


@router.get("/lookups/<name>", summary="One lookup table with its rows", tags=TAGS)
def get_lookup(name: NamePath) -> dict[str, Any]:
    return lookups.lookup_view(lookups.get_lookup(deps(), tenant(), name))


@router.put(
    "/lookups/<name>",
    summary="Replace a lookup table (validated like a new one)",
    description="Columns, rows and defaults are all replaced; what is not given takes its default. "
    "The name cannot change.",
    tags=TAGS,
)
def replace_lookup(name: NamePath, body: Annotated[LookupReplace, Body()]) -> dict[str, Any]:
    return lookups.lookup_view(lookups.replace_lookup(deps(), tenant(), name, body))


@router.delete(
    "/lookups/<name>",
    summary="Delete a lookup table (refused with 409 naming the services whose mappings use it)",
    tags=TAGS,
    status_code=204,
)
def delete_lookup(name: NamePath) -> Response[str]:
    lookups.delete_lookup(deps(), tenant(), name)
    return Response(status_code=204, body="")


@router.get(
    "/lookups/<name>/rows",
    summary="A lookup table's rows as CSV",
    description="RFC 4180, UTF-8, CRLF line ends, header left_value,right_value. A value a spreadsheet "
    "would run as a formula gets a leading ' (removed again on import, so the file round-trips).",
    tags=TAGS,
    responses={200: {"description": "the rows", "content": {CSV: {"schema": {"type": "string"}}}}},
)
def export_lookup_rows(name: NamePath) -> Response[str]:
    table = lookups.get_lookup(deps(), tenant(), name)
    return Response(
        status_code=200,
        content_type=f"{CSV}; charset=utf-8",
        body=table.to_csv(),
        headers={"Content-Disposition": f'attachment; filename="{table.name}.csv"'},
    )


@router.put(
    "/lookups/<name>/rows",
    summary="Replace a lookup table's rows from CSV (Content-Type: text/csv)",
    description="RFC 4180 CSV, UTF-8: a header line left_value,right_value or the table's column names, "
    "then two values a line (quote values holding commas, quotes or line breaks). Columns and defaults "
    "stay. 422 naming the line of a repeated left value, a line without two values, a value over 1,000 "
    "characters or more than 10,000 rows; 400 for text that is not CSV. Nothing is written on an error.",
    tags=TAGS,
)
def import_lookup_rows(name: NamePath) -> dict[str, Any]:
    text = router.current_event.body or ""
    return lookups.lookup_view(lookups.import_lookup_rows(deps(), tenant(), name, text))


@router.get(
    "/transforms",
    summary="The transform functions mappings can use, with their arguments",
    description="Each function's name, category, summary, kind (each: one value at a time; list: a whole "
    "array) and its arguments as a JSON schema.",
    tags=["transforms"],
)
def list_transforms() -> dict[str, Any]:
    return {"items": lookups.transforms_catalog()}
