"""The configuration files' YAML: plain data only, YAML 1.2's unquoted scalars, the line of every
field, and writing that reads back as the same value whatever the text."""

from __future__ import annotations

import pytest

from syncline.api.configfiles import files
from syncline.api.configfiles.yamlio import YamlProblem, dump_yaml, load_yaml


def test_unquoted_values_read_as_yaml_1_2_does() -> None:
    text = "a: no\nb: 12:30\nc: 2025-01-31\nd: 017\ne: 1e3\nf: true\ng: on\nh: 7\ni: -2.5\nj: ~\n"
    value, _ = load_yaml(text)
    assert value == {
        "a": "no",
        "b": "12:30",
        "c": "2025-01-31",
        "d": "017",
        "e": 1000.0,
        "f": True,
        "g": "on",
        "h": 7,
        "i": -2.5,
        "j": None,
    }


def test_every_field_has_its_line() -> None:
    _, lines = load_yaml("kind: service\nmappings:\n- source: a\n  transforms:\n  - function: upper\n")
    assert lines[("mappings",)] == 2
    assert lines[("mappings", 0)] == 3
    assert lines[("mappings", 0, "transforms", 0, "function")] == 5


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: &x 1\nb: *x\n", 1, "anchors and aliases are not supported"),
        ("base: {a: 1}\nother:\n  <<: {b: 2}\n", 3, "merge keys"),
        ("a: !!python/name:os.system x\n", 1, "tags are not supported"),
        ("a: !!set {x}\n", 1, "tags are not supported"),
        ("a: 1\n---\nb: 2\n", 2, "one YAML document per file"),
        ("a: 1\nb: 2\na: 3\n", 3, "this key is given twice"),
        ("a: [1, 2\n", 2, "not valid YAML"),
    ],
)
def test_what_is_not_plain_data_is_refused_with_its_line(text: str, line: int, message: str) -> None:
    with pytest.raises(YamlProblem) as caught:
        load_yaml(text)
    assert caught.value.line == line and message in caught.value.message


AWKWARD = [
    "no", "yes", "on", "off", "true", "null", "~", "", " ", "017", "0x1F", "1e3", "1_000", "12:30", ".5",
    ".inf",
    "2025-01-31", "2025-01-31T12:00:00Z", "- a", "a: b", "#x", "x #y", "'q'", '"q"', "{a}", "[1]", "*x", "&x",
    "!tag", "%TAG", "@at", "`tick", "|", ">", "multi\nline\n", "trailing \n", "tab\there", "ünï ✓", "a\x85b",
    "=SUM(A1)", "  lead", "trail  ", "---", "...", "cr\r\nlf", "\u2028", "\ufeffbom", "a\n\x85b",
]  # fmt: skip


@pytest.mark.parametrize("text", AWKWARD)
def test_written_text_reads_back_as_the_same_text(text: str) -> None:
    document = {"kind": "service", "notes": text, "settings": {text or "k": [text, {"v": text}]}}
    value, _ = load_yaml(dump_yaml(document))
    assert value == document


def test_field_names_of_the_service_layer_map_to_paths() -> None:
    assert files.field_path("body.mappings[0].transforms[1].args.table") == (
        "mappings", 0, "transforms", 1, "args", "table",
    )  # fmt: skip
    assert files.field_path("body.alerts.groups.0") == ("alerts", "groups", 0)
    assert files.field_text(("mappings", 0, "transforms", 1, "args")) == "mappings[0].transforms[1].args"


def test_the_models_are_the_apis_with_kind_and_the_id_first() -> None:
    from syncline.api.models import ServiceCreate

    service = files.MODELS["service"]
    assert list(service.model_fields)[:2] == ["kind", "service_id"]
    assert set(service.model_fields) - {"kind"} == set(ServiceCreate.model_fields)
    connector = files.MODELS["connector"]
    assert connector.model_json_schema()["properties"]["credentials"]["items"]["type"] == "string"
