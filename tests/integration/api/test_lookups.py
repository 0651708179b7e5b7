"""Lookup tables through the API: create, list, read, replace, delete (409 while a service's mappings
use it), CSV import and export (RFC 4180, awkward values, formula cells), validation naming the row
or line with nothing written, a service naming a missing table, a table mapping a record in the
preview, company group isolation; and the transform catalog."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from syncline import wiring
from tests.integration.api.conftest import AwsEnv, Group, new_group

CARRIERS: dict[str, Any] = {
    "name": "carriers",
    "left_column": "shop_method",
    "right_column": "dpd_service",
    "rows": [["standard", "DPD-STD"], ["express", "DPD-NEXT"], ["economy", "DPD-STD"]],
    "default_right": "DPD-STD",
}
CSV_HEADERS = {"Content-Type": "text/csv"}
AWKWARD = [
    ("a,b", 'say "hi"'),
    ("multi\nline", "ünïcödé ✓"),
    ("=HYPERLINK(1)", "+1+1"),
    ("'=already quoted", "@sum"),
    ("-5", "-x"),
    (" spaced ", ""),
]


@pytest.fixture
def group(aws_env: AwsEnv) -> Group:
    return new_group("lk")


def _stored(group: Group, name: str) -> Any:
    return wiring.config_store().get_lookup(group.tenant_id, name)


def _uses(table: str) -> list[dict[str, Any]]:
    return [
        {
            "source": "shipping_method",
            "target": "carrier",
            "transforms": [{"function": "lookup", "args": {"table": table}}],
        }
    ]


def test_create_list_get_replace_delete(group: Group) -> None:
    api = group.api
    created = api.post("/lookups", body=CARRIERS)
    assert created.status == 201, created.text
    assert created.headers["location"] == "/lookups/carriers"
    assert created.json() == {
        "name": "carriers",
        "left_column": "shop_method",
        "right_column": "dpd_service",
        "row_count": 3,
        "rows": CARRIERS["rows"],
        "default_left": None,
        "default_right": "DPD-STD",
    }
    assert api.post("/lookups", body=CARRIERS).status == 409
    assert api.post("/lookups", body={"name": "empty"}).status == 201

    listed = api.get("/lookups")
    assert listed.status == 200
    assert listed.json()["items"] == [
        {"name": "carriers", "left_column": "shop_method", "right_column": "dpd_service", "row_count": 3},
        {"name": "empty", "left_column": "left", "right_column": "right", "row_count": 0},
    ]
    assert api.get("/lookups/carriers").json()["rows"] == CARRIERS["rows"]
    assert api.get("/lookups/nope").status == 404

    replaced = api.put("/lookups/carriers", body={"rows": [["pickup", "NONE"]], "default_left": "standard"})
    assert replaced.status == 200, replaced.text
    body = replaced.json()
    assert body["rows"] == [["pickup", "NONE"]] and body["row_count"] == 1
    assert (body["left_column"], body["right_column"], body["default_right"]) == ("left", "right", None)
    stored = _stored(group, "carriers")
    assert stored.lookup("pickup") == "NONE" and stored.default_left == "standard"
    renamed = api.put("/lookups/carriers", body={"name": "other", "rows": []})
    assert renamed.status == 422 and renamed.json()["error"]["fields"][0]["field"] == "body.name"
    assert api.put("/lookups/nope", body={"rows": []}).status == 404
    assert _stored(group, "nope") is None  # a replace never creates

    assert api.delete("/lookups/carriers").status == 204
    assert api.get("/lookups/carriers").status == 404
    assert _stored(group, "carriers") is None
    assert api.delete("/lookups/carriers").status == 404
    assert [t["name"] for t in api.get("/lookups").json()["items"]] == ["empty"]


def test_csv_round_trip_keeps_awkward_values_and_neutralises_formulas(group: Group) -> None:
    api = group.api
    rows = [list(row) for row in AWKWARD]
    assert api.post("/lookups", body={"name": "awkward", "rows": rows, "default_right": "?"}).status == 201
    assert _stored(group, "awkward").rows == AWKWARD

    exported = api.get("/lookups/awkward/rows", headers={"Accept": "text/csv"})
    assert exported.status == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert 'filename="awkward.csv"' in exported.headers["content-disposition"]
    text = exported.text
    assert text.startswith("left_value,right_value\r\n") and text.endswith("\r\n")
    assert '"a,b","say ""hi"""\r\n' in text
    assert '"multi\nline",ünïcödé ✓\r\n' in text  # CRLF ends records; the newline inside stays
    cells = list(csv.reader(io.StringIO(text, newline="")))
    assert cells[0] == ["left_value", "right_value"]
    by_left = dict(cells[1:])
    # what a spreadsheet would run gets a leading ', as in the report export; plain numbers do not
    assert by_left["'=HYPERLINK(1)"] == "'+1+1"
    assert by_left["''=already quoted"] == "'@sum"
    assert by_left["-5"] == "'-x"
    assert not any(cell.startswith(("=", "+", "@")) for row in cells for cell in row)

    # the exported file imports back to the same rows, defaults untouched
    assert api.put("/lookups/awkward", body={"rows": [], "default_right": "?"}).status == 200
    again = api.put("/lookups/awkward/rows", raw_body=text, headers=CSV_HEADERS)
    assert again.status == 200, again.text
    assert again.json()["row_count"] == len(AWKWARD) and again.json()["default_right"] == "?"
    assert _stored(group, "awkward").rows == AWKWARD
    assert api.get("/lookups/awkward").json()["rows"] == rows

    # a hand-written file: formula text (no ') is stored as written
    hand = 'left_value,right_value\r\n=SUM(A1),"x,\r\ny"\r\nplain,@me\r\n'
    assert api.put("/lookups/awkward/rows", raw_body=hand, headers=CSV_HEADERS).status == 200
    assert _stored(group, "awkward").rows == [("=SUM(A1)", "x,\r\ny"), ("plain", "@me")]


def test_csv_import_takes_the_tables_column_names_as_header(group: Group) -> None:
    api = group.api
    assert api.post("/lookups", body=CARRIERS).status == 201
    text = '\ufeffShop_Method,DPD_Service\r\nsameday,DPD-SAME\r\n\r\npickup,"NONE, collect"\r\n'
    resp = api.put("/lookups/carriers/rows", raw_body=text, headers=CSV_HEADERS)
    assert resp.status == 200, resp.text
    assert _stored(group, "carriers").rows == [("sameday", "DPD-SAME"), ("pickup", "NONE, collect")]
    assert _stored(group, "carriers").default_right == "DPD-STD"  # columns and defaults stay


def test_duplicate_left_value_is_422_naming_the_line_and_nothing_is_stored(group: Group) -> None:
    api = group.api
    assert api.post("/lookups", body=CARRIERS).status == 201
    # the second record spans lines 3 and 4, so the repeat of "a" is on line 5
    text = 'left_value,right_value\r\na,1\r\nb,"two\r\nlines"\r\na,3\r\n'
    resp = api.put("/lookups/carriers/rows", raw_body=text, headers=CSV_HEADERS)
    assert resp.status == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "line 5: the left value is already used on line 2"
    assert error["fields"] == [{"field": "body", "message": error["message"], "line": 5}]
    assert _stored(group, "carriers").rows == [tuple(r) for r in CARRIERS["rows"]]  # unchanged

    dup = api.post("/lookups", body={"name": "dup", "rows": [["x", "1"], ["y", "2"], ["x", "3"]]})
    assert dup.status == 422, dup.text
    assert dup.json()["error"]["fields"] == [
        {"field": "body.rows[2][0]", "message": "the left value is already used by row 0"}
    ]
    assert _stored(group, "dup") is None
    assert api.put("/lookups/carriers", body={"rows": [["k", "1"], ["k", "2"]]}).status == 422
    assert _stored(group, "carriers").rows == [tuple(r) for r in CARRIERS["rows"]]


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        ("", 422, "line 1: the header must be left_value,right_value or shop_method,dpd_service"),
        ("from,to\r\na,b\r\n", 422, "line 1: the header must be"),
        ("left_value,right_value\r\na,b\r\nc\r\n", 422, "line 3: expected 2 values, got 1"),
        ("left_value,right_value\r\na,b,c\r\n", 422, "line 2: expected 2 values, got 3"),
        (
            "left_value,right_value\r\na," + "x" * 1001 + "\r\n",
            422,
            "line 2: the right value is longer than 1000",
        ),
        ('left_value,right_value\r\na,b\r\n"c,d\r\n', 400, "line 3: not valid CSV: unexpected end of data"),
    ],
)
def test_bad_csv_is_refused_with_a_clear_message(group: Group, text: str, status: int, message: str) -> None:
    api = group.api
    assert api.post("/lookups", body=CARRIERS).status == 201
    resp = api.put("/lookups/carriers/rows", raw_body=text, headers=CSV_HEADERS)
    assert resp.status == status, resp.text
    assert resp.json()["error"]["message"].startswith(message)
    assert resp.json()["error"]["fields"][0]["field"] == "body"
    assert "x" * 50 not in resp.text  # never echoes a value
    assert _stored(group, "carriers").rows == [tuple(r) for r in CARRIERS["rows"]]


def test_bounds_are_422_naming_the_field(group: Group) -> None:
    api = group.api
    too_many = api.post("/lookups", body={"name": "big", "rows": [[str(n), "v"] for n in range(10_001)]})
    assert too_many.status == 422
    assert too_many.json()["error"]["fields"] == [
        {"field": "body.rows", "message": "at most 10000 rows, got 10001"}
    ]
    too_long = api.post(
        "/lookups", body={"name": "big", "rows": [["a", "b"], ["c", "d" * 1001]], "default_left": "e" * 1001}
    )
    assert too_long.status == 422
    assert [f["field"] for f in too_long.json()["error"]["fields"]] == [
        "body.rows[1][1]",
        "body.default_left",
    ]
    too_large = api.post(
        "/lookups", body={"name": "big", "rows": [[f"{n:04d}" + "k" * 900, "v" * 900] for n in range(300)]}
    )
    assert too_large.status == 422
    assert too_large.json()["error"]["fields"][0]["field"] == "body.rows"
    assert "larger than the store allows" in too_large.json()["error"]["message"]
    rows = "".join(f"{n},v\r\n" for n in range(10_001))
    assert api.post("/lookups", body={"name": "big"}).status == 201
    resp = api.put("/lookups/big/rows", raw_body="left_value,right_value\r\n" + rows, headers=CSV_HEADERS)
    assert resp.status == 422 and resp.json()["error"]["message"] == "line 10002: more than 10000 rows"
    assert _stored(group, "big").rows == []
    assert api.post("/lookups", body={"name": "bad", "rows": [["only-left"]]}).status == 422  # not a pair


def test_rows_take_csv_only_and_json_routes_take_json_only(group: Group) -> None:
    api = group.api
    assert api.post("/lookups", body=CARRIERS).status == 201
    as_json = api.put("/lookups/carriers/rows", body={"rows": []})
    assert as_json.status == 415 and "text/csv" in as_json.json()["error"]["message"]
    as_csv = api.post("/lookups", raw_body="left_value,right_value\r\n", headers=CSV_HEADERS)
    assert as_csv.status == 415
    assert (
        api.put("/lookups/nope/rows", raw_body="left_value,right_value\r\n", headers=CSV_HEADERS).status
        == 404
    )


def test_a_table_in_use_cannot_be_deleted_and_a_missing_one_cannot_be_used(group: Group) -> None:
    api = group.api
    missing = api.patch("/services/orders", body={"mappings": _uses("carriers")})
    assert missing.status == 422, missing.text
    fields = missing.json()["error"]["fields"]
    assert fields[0]["field"] == "body.mappings[0].transforms[0].args.table"
    assert "unknown lookup table 'carriers'" in fields[0]["message"]
    assert api.get("/services/orders").json()["mappings"] == []  # nothing saved

    assert api.post("/lookups", body=CARRIERS).status == 201
    saved = api.patch("/services/orders", body={"mappings": _uses("carriers")})
    assert saved.status == 200, saved.text

    refused = api.delete("/lookups/carriers")
    assert refused.status == 409, refused.text
    error = refused.json()["error"]
    assert error["message"] == "lookup table 'carriers' is used by 1 service(s): orders"
    assert error["fields"] == [{"field": "name", "message": "used by service orders"}]
    assert _stored(group, "carriers") is not None

    assert api.patch("/services/orders", body={"mappings": []}).status == 200
    assert api.delete("/lookups/carriers").status == 204


def test_a_table_created_through_the_api_maps_a_record(group: Group) -> None:
    api = group.api
    assert api.post("/lookups", body=CARRIERS).status == 201
    text = 'shop_method,dpd_service\r\nexpress,DPD-NEXT\r\nsameday,"DPD, same day"\r\n'
    assert api.put("/lookups/carriers/rows", raw_body=text, headers=CSV_HEADERS).status == 200
    mappings = [
        {"source": "id", "target": "ref"},
        *_uses("carriers"),
        {
            "source": "service_code",
            "target": "method",
            "transforms": [
                {"function": "lookup", "args": {"table": "carriers", "direction": "right_to_left"}}
            ],
        },
    ]
    assert api.patch("/services/orders", body={"mappings": mappings}).status == 200
    record = {"id": 7, "shipping_method": "sameday", "service_code": "DPD-NEXT"}
    preview = api.post("/services/orders/preview", body={"record": record})
    assert preview.status == 200, preview.text
    result = preview.json()
    assert result["ok"] is True, result
    assert result["output"] == {"ref": 7, "carrier": "DPD, same day", "method": "express"}
    # a miss takes the table's default_right
    miss = api.post("/services/orders/preview", body={"record": {**record, "shipping_method": "drone"}})
    assert miss.json()["output"]["carrier"] == "DPD-STD"
    # replacing the rows changes what the service maps, without touching the service
    assert (
        api.put(
            "/lookups/carriers/rows",
            raw_body="left_value,right_value\r\nsameday,UPS\r\n",
            headers=CSV_HEADERS,
        ).status
        == 200
    )
    assert api.post("/services/orders/preview", body={"record": record}).json()["output"]["carrier"] == "UPS"


def test_another_company_group_cannot_see_change_or_delete_a_table(group: Group) -> None:
    other = new_group("lk-other")
    assert group.api.post("/lookups", body=CARRIERS).status == 201
    assert other.api.get("/lookups").json()["items"] == []
    assert other.api.get("/lookups/carriers").status == 404
    assert other.api.get("/lookups/carriers/rows").status == 404
    assert other.api.put("/lookups/carriers", body={"rows": []}).status == 404
    assert (
        other.api.put(
            "/lookups/carriers/rows", raw_body="left_value,right_value\r\n", headers=CSV_HEADERS
        ).status
        == 404
    )
    assert other.api.delete("/lookups/carriers").status == 404
    # nor use it: its services do not know the name
    assert other.api.patch("/services/orders", body={"mappings": _uses("carriers")}).status == 422
    # and the same name is free in the other group, independent of the first
    assert other.api.post("/lookups", body={"name": "carriers", "rows": [["x", "y"]]}).status == 201
    assert _stored(group, "carriers").rows == [tuple(r) for r in CARRIERS["rows"]]
    assert group.api.get("/lookups/carriers").json()["row_count"] == 3


def test_a_read_key_cannot_touch_lookup_tables(group: Group) -> None:
    from syncline.api_keys import create_key
    from tests.integration.api.conftest import Api

    reader = Api(create_key(group.tenant_id, scope="read"))
    for method, path in (
        ("GET", "/lookups"),
        ("POST", "/lookups"),
        ("GET", "/lookups/x/rows"),
        ("GET", "/transforms"),
    ):
        resp = reader.request(method, path)
        assert resp.status == 403 and "'admin' scope" in resp.json()["error"]["message"], (method, path)


def test_transforms_lists_every_function_with_its_arguments(group: Group) -> None:
    from syncline.mapping import REGISTRY

    resp = group.api.get("/transforms")
    assert resp.status == 200, resp.text
    items = resp.json()["items"]
    assert [i["name"] for i in items] == list(REGISTRY)
    by_name = {i["name"]: i for i in items}
    lookup = by_name["lookup"]
    assert lookup["category"] == "lookup" and lookup["kind"] == "each"
    args = lookup["args"]
    assert set(args["properties"]) == {"table", "direction", "default", "keep_unmatched"}
    assert args["required"] == ["table"]
    assert args["properties"]["direction"]["default"] == "left_to_right"
    assert set(by_name["pad"]["args"]["properties"]) >= {"length"}
