"""The file format of a company group's configuration, read and written.

A directory holds one YAML file per object, named by its id, in the folder of its kind:

    connectors/<connector_id>.yaml        credential *names* only, never values
    lookups/<name>.yaml + <name>.csv      the table's columns and defaults; its rows as CSV
    notification-groups/<group_id>.yaml
    services/<service_id>.yaml            filters, mappings, schedule, alert settings, ...

Each file's fields are those of the API's request models (`ConnectorCreate`, `LookupCreate`,
`NotificationGroupCreate`, `ServiceCreate`) plus `kind`, so a file is what the API takes and the
JSON Schema of the files (docs/config.schema.json) is generated from the same models.

YAML is read with YAML 1.2's plain scalars (`true`/`false` only; no dates, no octal or base-60
numbers: `no`, `2025-01-31` and `12:30` stay text), no anchors, aliases, merge keys or tags, and
every value remembers its line, so a problem is reported as file, line and field, never quoting
the value. Writing is deterministic: model fields in model order, free-form objects (rules,
settings) with sorted keys, so exporting the same configuration twice gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError, create_model
from pydantic_core import PydanticCustomError

from syncline.api.models import (
    ConnectorCreate,
    LookupCreate,
    NotificationGroupCreate,
    ServiceCreate,
)
from syncline.models import SWEEPER_SCHEDULE

Kind = Literal["connector", "lookup", "notification_group", "service"]
# Dependency order: what a kind's objects may name is created before them (deleted after them).
KINDS: tuple[Kind, ...] = ("connector", "lookup", "notification_group", "service")
FOLDERS: dict[Kind, str] = {
    "connector": "connectors",
    "lookup": "lookups",
    "notification_group": "notification-groups",
    "service": "services",
}
ID_FIELDS: dict[Kind, str] = {
    "connector": "connector_id",
    "lookup": "name",
    "notification_group": "group_id",
    "service": "service_id",
}
# Free-form objects (any keys): written with sorted keys, compared as values.
FREE_FORM: dict[Kind, tuple[str, ...]] = {"connector": ("settings",), "service": ("filters", "mappings")}
MAX_FILES = 1000
MAX_FILE_BYTES = 1_000_000
SUFFIX = ".yaml"


# ---------------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: a file, a line in it (None: the file as a whole) and a field."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def as_field(self) -> dict[str, Any]:
        """The API's `fields` entry."""
        return {"field": self.field or "file", "message": self.message, "file": self.file, "line": self.line}


class ConfigError(Exception):
    """Files that cannot be applied: every problem found, each with file, line and field."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the configuration files")


# ---------------------------------------------------------------------------------- the file models


def _names_only(value: Any) -> Any:
    if isinstance(value, Mapping):
        raise PydanticCustomError(
            "credential_values",
            "list the names of the credential fields only: their values never go in a file (give them "
            "as environment variables or in a secrets file outside the repository)",
        )
    return value


CredentialName = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")]
CredentialNames = Annotated[
    list[CredentialName],
    BeforeValidator(_names_only),
    Field(
        max_length=20,
        description="the names of the credential fields the connector needs (never their values: those "
        "come from environment variables or a secrets file when it is created)",
    ),
]


def _file_model(name: str, kind: Kind, base: type[BaseModel], doc: str, **extra: Any) -> type[BaseModel]:
    """`base`'s fields (minus those `extra` replaces) with `kind` and the id first: the API's own
    definitions."""
    fields: dict[str, Any] = {
        "kind": (Literal[kind], Field(description=f"always {kind}")),
    }
    id_field = ID_FIELDS[kind]
    for field_name, info in sorted(base.model_fields.items(), key=lambda item: item[0] != id_field):
        if field_name not in extra and field_name != "rows":
            fields[field_name] = (info.annotation, info)
    fields.update(extra)
    config = ConfigDict(extra="forbid", strict=True, title=name)
    model: type[BaseModel] = create_model(name, __config__=config, __doc__=doc, **fields)
    return model


MODELS: dict[Kind, type[BaseModel]] = {
    "connector": _file_model(
        "ConnectorFile",
        "connector",
        ConnectorCreate,
        "connectors/<connector_id>.yaml: a connector as POST /connectors takes it, with the names of its "
        "credential fields instead of their values.",
        credentials=(CredentialNames, Field(default_factory=list)),
    ),
    "lookup": _file_model(
        "LookupFile",
        "lookup",
        LookupCreate,
        "lookups/<name>.yaml: a lookup table's columns and defaults; its rows are lookups/<name>.csv "
        "(header left_value,right_value or the column names).",
    ),
    "notification_group": _file_model(
        "NotificationGroupFile",
        "notification_group",
        NotificationGroupCreate,
        "notification-groups/<group_id>.yaml: who gets a service's alert emails.",
    ),
    "service": _file_model(
        "ServiceFile",
        "service",
        ServiceCreate,
        "services/<service_id>.yaml: a service as POST /services takes it (rules, schedule, alerts).",
    ),
}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of every file (one of the four kinds, told apart by `kind`)."""
    from typing import Union

    union: Any = Annotated[Union[tuple(MODELS[k] for k in KINDS)], Field(discriminator="kind")]  # noqa: UP007
    schema: dict[str, Any] = TypeAdapter(union).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Syncline configuration file",
        "description": "One file of a company group's configuration (syncline config export/diff/apply): "
        + ", ".join(f"{FOLDERS[k]}/*.yaml (kind {k})" for k in KINDS)
        + ". Generated from the API's request models; see docs/config.md.",
        **schema,
    }


# ---------------------------------------------------------------------------------- documents


@dataclass
class Document:
    """One object as a file describes it (or as the company group holds it, for comparing)."""

    kind: Kind
    ident: str
    values: dict[str, Any]  # the file model's fields in model order, defaults filled, `kind` left out
    path: str  # the YAML file, relative to the directory
    rows: list[list[str]] | None = None  # a lookup table's rows (the CSV)
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)  # field path -> line

    @property
    def key(self) -> tuple[Kind, str]:
        return self.kind, self.ident

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """The line of a field, or of the nearest enclosing one the file has."""
        parts = tuple(path)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return None

    def problem(self, field_path: Sequence[str | int], message: str) -> Problem:
        return Problem(self.path, self.line_of(field_path), field_text(field_path), message)

    @property
    def csv_path(self) -> str:
        return self.path.removesuffix(SUFFIX) + ".csv"


def path_of(kind: Kind, ident: str) -> str:
    return f"{FOLDERS[kind]}/{ident}{SUFFIX}"


def field_text(path: Sequence[str | int]) -> str:
    """("mappings", 0, "transforms", 1, "args") -> "mappings[0].transforms[1].args"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_FIELD_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def field_path(text: str) -> tuple[str | int, ...]:
    """The service layer's field names ("body.mappings[0].transforms[0].args.table", "body.alerts.groups.0")
    as a path."""
    parts: list[str | int] = []
    for index, name in _FIELD_PART.findall(text.removeprefix("body").lstrip(".")):
        parts.append(int(index) if index else int(name) if name.isdigit() else name)
    return tuple(parts)


def canonical(kind: Kind, values: Mapping[str, Any]) -> dict[str, Any]:
    """A file's (or a stored object's) values as they are compared and written: the model's fields in
    order, free-form objects with sorted keys, and what the service layer normalises normalised."""
    out = {name: values.get(name) for name in MODELS[kind].model_fields if name != "kind"}
    for name in FREE_FORM.get(kind, ()):
        out[name] = stored_form(out[name])
    if kind == "connector":
        out["base_url"] = _url(out["base_url"])
        out["credentials"] = sorted(set(out["credentials"] or []))
    elif kind == "notification_group":
        out["recipients"] = list(dict.fromkeys(out["recipients"] or []))
    elif kind == "service" and out["schedule"] == "":
        out["schedule"] = None  # an inbound service's: it has none
    return out


def stored_form(value: Any) -> Any:
    """A free-form value as the store gives it back: keys sorted, null members of objects left out,
    whole floats as integers (so what a file says and what was stored compare equal)."""
    if isinstance(value, dict):
        return {k: stored_form(value[k]) for k in sorted(value) if value[k] is not None}
    if isinstance(value, list):
        return [stored_form(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _url(value: Any) -> Any:
    """A base URL as the connector stores it (pydantic's URL form: `https://host/` with its slash)."""
    from pydantic import AnyUrl

    if not isinstance(value, str):
        return value
    try:
        return str(TypeAdapter(AnyUrl).validate_python(value))
    except ValidationError:
        return value  # refused, naming the field, when applied


# ---------------------------------------------------------------------------------- reading a directory


def read_files(files: Mapping[str, str]) -> list[Document]:
    """The documents of a directory given as {relative path: text}. ConfigError listing every problem
    (file, line, field): unreadable YAML, a field the models refuse, a file whose id differs from
    its name is not refused here (see `plan`), two files with one id, a lookup without its CSV."""
    problems: list[Problem] = []
    documents: list[Document] = []
    if len(files) > MAX_FILES:
        raise ConfigError([Problem("", None, "", f"more than {MAX_FILES} files")])
    csvs: dict[str, str] = {}
    for path in sorted(files):
        kind, stem, suffix = _place(path, problems)
        if kind is None:
            continue
        text = files[path]
        if len(text.encode()) > MAX_FILE_BYTES:
            problems.append(Problem(path, None, "", f"larger than {MAX_FILE_BYTES // 1000} KB"))
        elif suffix == ".csv":
            csvs[path] = text
        else:
            document = _document(path, kind, text, problems)
            if document is not None:
                documents.append(document)
    claimed: dict[tuple[Kind, str], str] = {}
    for document in documents:
        other = claimed.setdefault(document.key, document.path)
        if other != document.path:
            problems.append(
                document.problem(
                    (ID_FIELDS[document.kind],),
                    f"{document.kind} {document.ident!r} is also defined in {other}",
                )
            )
    by_csv = {d.csv_path: d for d in documents if d.kind == "lookup"}
    for document in by_csv.values():
        if document.csv_path not in csvs:
            problems.append(
                Problem(document.path, None, "rows", f"its rows file {document.csv_path} is missing")
            )
    for path, text in csvs.items():
        owner = by_csv.get(path)
        if owner is None:
            yaml_path = path.removesuffix(".csv") + SUFFIX
            if yaml_path not in files:
                problems.append(Problem(path, None, "", f"a lookup table's rows without its {yaml_path}"))
            continue
        owner.rows = _rows(owner, path, text, problems)
    if problems:
        raise ConfigError(problems)
    return documents


def _place(path: str, problems: list[Problem]) -> tuple[Kind | None, str, str]:
    """The kind, id and suffix a path stands for; (None, ...) for a file outside the kinds' folders
    (ignored) or one that cannot be there (a problem)."""
    parts = path.split("/")
    if any(part.startswith(".") for part in parts) or len(parts) == 1:
        return None, "", ""
    if ".." in parts or path.startswith("/") or "\\" in path:
        problems.append(Problem(path, None, "", "a path inside the directory is required"))
        return None, "", ""
    kind = next((k for k, folder in FOLDERS.items() if folder == parts[0]), None)
    if kind is None:
        return None, "", ""
    name = parts[-1]
    suffixes = (SUFFIX, ".csv") if kind == "lookup" else (SUFFIX,)
    suffix = next((s for s in suffixes if name.endswith(s)), None)
    if len(parts) != 2 or suffix is None:
        expected = " or ".join(f"{parts[0]}/<id>{s}" for s in suffixes)
        problems.append(Problem(path, None, "", f"unexpected file: {expected} expected"))
        return None, "", ""
    return kind, name.removesuffix(suffix), suffix


def _document(path: str, kind: Kind, text: str, problems: list[Problem]) -> Document | None:
    from syncline.api.configfiles.yamlio import YamlProblem, load_yaml

    try:
        data, lines = load_yaml(text)
    except YamlProblem as exc:
        problems.append(Problem(path, exc.line, field_text(exc.path), exc.message))
        return None
    document = Document(kind=kind, ident="", values={}, path=path, lines=lines)
    if not isinstance(data, dict):
        problems.append(Problem(path, 1, "", "a mapping of fields is expected"))
        return None
    if data.get("kind") != kind:
        message = f"must be {kind} in {FOLDERS[kind]}/"
        problems.append(document.problem(("kind",), message))
        return None
    try:
        model = MODELS[kind].model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error.get("loc", ()))
            message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
            problems.append(document.problem(loc, message))
        return None
    values = model.model_dump(mode="json", exclude={"kind"})
    if kind == "service" and values["type"] == "sweeper" and "schedule" not in model.model_fields_set:
        values["schedule"] = SWEEPER_SCHEDULE  # the service layer's default for a sweeper
    document.values = canonical(kind, values)
    document.ident = str(document.values[ID_FIELDS[kind]])
    return document


def _rows(owner: Document, path: str, text: str, problems: list[Problem]) -> list[list[str]] | None:
    from syncline.mapping.lookup import LookupCsvError, read_csv

    columns = (owner.values["left_column"], owner.values["right_column"])
    try:
        return [list(row) for row in read_csv(owner.ident, text, columns)]
    except LookupCsvError as exc:
        problems.append(Problem(path, exc.line, "rows", exc.reason.split(": ", 1)[-1]))
        return None


def id_mismatches(documents: Iterable[Document]) -> list[tuple[Document, str]]:
    """Documents whose id is not their file's name, with the name (the id it was exported as)."""
    out = []
    for document in documents:
        stem = document.path.rsplit("/", 1)[-1].removesuffix(SUFFIX)
        if stem != document.ident:
            out.append((document, stem))
    return out


# ---------------------------------------------------------------------------------- writing


def render(documents: Iterable[Document]) -> dict[str, str]:
    """{relative path: text} of the documents: YAML, and each lookup table's rows as CSV."""
    from syncline.api.configfiles.yamlio import dump_yaml
    from syncline.mapping.lookup import LookupTable

    out: dict[str, str] = {}
    for document in sorted(documents, key=lambda d: (KINDS.index(d.kind), d.ident)):
        path = path_of(document.kind, document.ident)
        out[path] = dump_yaml({"kind": document.kind, **document.values})
        if document.kind == "lookup":
            rows = [(left, right) for left, right in document.rows or []]
            out[path.removesuffix(SUFFIX) + ".csv"] = LookupTable(name=document.ident, rows=rows).to_csv()
    return out


# ---------------------------------------------------------------------------------- a directory on disk


def read_directory(directory: Path) -> dict[str, str]:
    """{relative path: text} of the files in the kinds' folders (dot files skipped). ConfigError for a
    file that is not UTF-8."""
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for folder in FOLDERS.values():
        root = directory / folder
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(directory).as_posix()
            if not path.is_file() or any(part.startswith(".") for part in relative.split("/")):
                continue
            try:
                out[relative] = path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                problems.append(Problem(relative, None, "", "not UTF-8 text"))
    if problems:
        raise ConfigError(problems)
    return out


def write_directory(directory: Path, files: Mapping[str, str]) -> list[str]:
    """Write `files` under `directory` and remove the kinds' files it no longer has; the removed paths."""
    removed = []
    for folder in FOLDERS.values():
        root = directory / folder
        for path in sorted(root.glob("*")) if root.is_dir() else []:
            relative = path.relative_to(directory).as_posix()
            if path.is_file() and path.suffix in (SUFFIX, ".csv") and relative not in files:
                path.unlink()
                removed.append(relative)
    for relative, text in files.items():
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
    return removed
