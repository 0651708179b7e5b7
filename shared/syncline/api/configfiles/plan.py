"""What the company group holds, as documents; and what applying a directory would change.

Objects are matched by kind and id. An object in the files and not in the group is created; in
both and different, updated (each differing field named); in the group and not in the files,
deleted only with `prune` (otherwise kept and listed). A file whose id is not its file name (the
id it was exported as) is a rename: without `prune` an error naming both ids, with it the delete
of the old id and the create of the new one.

Before anything is written the plan checks what the service layer would refuse for want of the
other objects: every reference of a service (connectors, lookup tables, notification groups)
against the objects the group will hold, its rules against the lookup tables it will have, and
each connector's credentials (given, or already stored). Services whose rules change are tried on
their most recent records (`tryout`): a change that maps records the current rules map is a
warning.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from syncline.api import management
from syncline.api.configfiles.files import (
    ID_FIELDS,
    KINDS,
    ConfigError,
    Document,
    Kind,
    Problem,
    canonical,
    field_path,
    id_mismatches,
    path_of,
)
from syncline.deps import Deps

Action = Literal["create", "update", "delete"]
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "(none)"})()
VALUE_CHARS = 120


@dataclass
class FieldChange:
    field: str
    before: Any = MISSING
    after: Any = MISSING

    def view(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field}
        if self.before is not MISSING:
            out["before"] = self.before
        if self.after is not MISSING:
            out["after"] = self.after
        return out

    def __str__(self) -> str:
        return f"{self.field}: {_shown(self.before)} -> {_shown(self.after)}"


def _shown(value: Any) -> str:
    if value is MISSING:
        return "(none)"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "\u2026"


@dataclass
class Change:
    action: Action
    kind: Kind
    ident: str
    desired: Document | None = None
    current: Document | None = None
    fields: list[FieldChange] = field(default_factory=list)
    # A connector's credentials: the full set to store (given values over stored ones), or None to
    # leave the secret as it is. Never shown.
    credentials: dict[str, str] | None = None

    @property
    def file(self) -> str:
        document = self.desired or self.current
        return document.path if document else path_of(self.kind, self.ident)

    def view(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "kind": self.kind,
            "id": self.ident,
            "file": self.file,
            "fields": [f.view() for f in self.fields],
        }


@dataclass
class Plan:
    changes: list[Change]  # in the order they are applied
    kept: list[Document]  # in the group, not in the files (deleted only with prune)
    warnings: list[str]

    @property
    def differs(self) -> bool:
        return bool(self.changes)

    def view(self) -> dict[str, Any]:
        return {
            "differs": self.differs,
            "changes": [c.view() for c in self.changes],
            "kept": [{"kind": d.kind, "id": d.ident} for d in self.kept],
            "warnings": self.warnings,
            "summary": self.summary(),
        }

    def summary(self) -> str:
        if not self.changes:
            return "no changes"
        counts = {a: sum(c.action == a for c in self.changes) for a in ("create", "update", "delete")}
        parts = [f"{n} to {a}" for a, n in counts.items() if n]
        return f"{len(self.changes)} change(s): {', '.join(parts)}"

    def lines(self) -> list[str]:
        return plan_lines(self.view())


def plan_lines(view: Mapping[str, Any]) -> list[str]:
    """A plan (as `Plan.view` or the API answers it) as text: a line per change and per field."""
    sign = {"create": "+", "update": "~", "delete": "-"}
    out = []
    for change in view["changes"]:
        out.append(
            f"{sign[change['action']]} {change['action']} {change['kind']} {change['id']} ({change['file']})"
        )
        for entry in change["fields"]:
            shown = FieldChange(entry["field"], entry.get("before", MISSING), entry.get("after", MISSING))
            out.append(f"    {shown}")
    for kept in view["kept"]:
        out.append(f"  kept {kept['kind']} {kept['id']}: not in the files (--prune deletes it)")
    out += [f"warning: {w}" for w in view["warnings"]]
    out.append(view["summary"])
    return out


# ---------------------------------------------------------------------------------- the group's state


def current(deps: Deps, tenant_id: str) -> dict[tuple[Kind, str], Document]:
    """Every object of the company group as a document (what `export` writes)."""
    config = deps.config
    out: dict[tuple[Kind, str], Document] = {}

    def add(kind: Kind, values: dict[str, Any], rows: list[list[str]] | None = None) -> None:
        document = Document(kind, "", canonical(kind, values), "", rows)
        document.ident = str(document.values[ID_FIELDS[kind]])
        document.path = path_of(kind, document.ident)
        out[document.key] = document

    for connector in config.list_connectors(tenant_id):
        names = sorted(management.stored_credentials(connector)) if connector.credentials_secret_arn else []
        add("connector", connector.model_dump(mode="json") | {"credentials": names})
    for table in config.lookups(tenant_id).values():
        add("lookup", table.model_dump(mode="json"), [list(row) for row in table.rows])
    for group in config.list_notification_groups(tenant_id):
        add("notification_group", group.model_dump(mode="json"))
    for service in config.list_services(tenant_id):
        add("service", service.model_dump(mode="json"))
    return out


# ---------------------------------------------------------------------------------- differences


def field_changes(before: Any, after: Any, path: str = "") -> list[FieldChange]:
    """Every leaf that differs, named like the API names fields (`mappings[0].transforms[1].args.n`)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[FieldChange] = []
        for key in dict.fromkeys([*after, *before]):
            child = f"{path}.{key}" if path else str(key)
            out += field_changes(before.get(key, MISSING), after.get(key, MISSING), child)
        return out
    if isinstance(before, list) and isinstance(after, list):
        out = []
        for n in range(max(len(before), len(after))):
            out += field_changes(
                before[n] if n < len(before) else MISSING,
                after[n] if n < len(after) else MISSING,
                f"{path}[{n}]",
            )
        return out
    if before is MISSING and after is MISSING:
        return []
    if type(before) is not type(after) or before != after:
        return [FieldChange(path, before, after)]
    return []


def row_changes(before: Sequence[Sequence[str]], after: Sequence[Sequence[str]]) -> list[FieldChange]:
    """A lookup table's rows, by left value: added, removed, right value changed; or their order."""
    old = dict((left, right) for left, right in before)  # noqa: C402
    new = dict((left, right) for left, right in after)  # noqa: C402
    out = [
        FieldChange(
            f"rows[{json.dumps(left, ensure_ascii=False)}]", old.get(left, MISSING), new.get(left, MISSING)
        )
        for left in dict.fromkeys([*new, *old])
        if old.get(left, MISSING) != new.get(left, MISSING)
    ]
    if not out and [r[0] for r in before] != [r[0] for r in after]:
        out.append(FieldChange("rows", "(previous order)", "(new order)"))
    return out


# ---------------------------------------------------------------------------------- the plan


CredentialHint = Callable[[str, str], str]


def plan(
    deps: Deps,
    tenant_id: str,
    documents: Sequence[Document],
    *,
    prune: bool = False,
    credentials: Mapping[str, Mapping[str, str]] | None = None,
    hint: CredentialHint | None = None,
    try_mappings: bool = True,
) -> Plan:
    """What applying `documents` to the company group changes. ConfigError (every problem, with file,
    line and field) for what apply would refuse before it writes anything."""
    given = {cid: dict(values) for cid, values in (credentials or {}).items()}
    hint = hint or (lambda connector_id, name: f"give credentials.{connector_id}.{name}")
    problems: list[Problem] = []
    if not prune:
        for document, stem in id_mismatches(documents):
            id_field = ID_FIELDS[document.kind]
            problems.append(
                document.problem(
                    (id_field,),
                    f"the file is named {stem!r} (the {document.kind} it was exported from) but holds "
                    f"{document.ident!r}: a changed id is a delete of {stem!r} and a create of "
                    f"{document.ident!r}, done only with --prune (or put the id back)",
                )
            )
    desired = {d.key: d for d in documents}
    for connector_id in sorted(set(given) - {i for k, i in desired if k == "connector"}):
        problems.append(Problem("", None, f"credentials.{connector_id}", "no connector file has this id"))
    now = current(deps, tenant_id)
    upserts: dict[Kind, list[Change]] = {k: [] for k in KINDS}
    deletes: dict[Kind, list[Change]] = {k: [] for k in KINDS}
    for key, document in sorted(desired.items(), key=lambda kv: (KINDS.index(kv[0][0]), kv[0][1])):
        before = now.get(key)
        change = _change(document, before)
        if document.kind == "connector" and before and before.values["system"] != document.values["system"]:
            message = (
                "a connector's system cannot change: give it a new id (a delete and a create, with --prune)"
            )
            problems.append(document.problem(("system",), message))
        if document.kind == "connector":  # its credentials may change when nothing else does
            change = change or Change("update", "connector", document.ident, desired=document, current=before)
            change = _with_credentials(deps, tenant_id, change, given.get(document.ident, {}), hint, problems)
        if change is not None:
            upserts[document.kind].append(change)
    kept: list[Document] = []
    for key, document in sorted(now.items(), key=lambda kv: (KINDS.index(kv[0][0]), kv[0][1])):
        if key in desired:
            continue
        if prune:
            deletes[key[0]].append(Change("delete", key[0], key[1], current=document))
        else:
            kept.append(document)
    problems += _references(deps, tenant_id, desired, now, deletes)
    if problems:
        raise ConfigError(problems)
    changes = (
        upserts["connector"]
        + upserts["lookup"]
        + upserts["notification_group"]
        + deletes["service"]  # first: a renamed inbound service frees its path for its new id
        + upserts["service"]
        + deletes["notification_group"]
        + deletes["lookup"]
        + deletes["connector"]
    )
    warnings = _mapping_warnings(deps, tenant_id, upserts["service"], desired, now) if try_mappings else []
    return Plan(changes=changes, kept=kept, warnings=warnings)


def _change(document: Document, before: Document | None) -> Change | None:
    if before is None:
        return Change("create", document.kind, document.ident, desired=document)
    fields = field_changes(before.values, document.values)
    if document.kind == "lookup":
        fields += row_changes(before.rows or [], document.rows or [])
    if not fields:
        return None
    return Change("update", document.kind, document.ident, desired=document, current=before, fields=fields)


def _with_credentials(
    deps: Deps,
    tenant_id: str,
    change: Change,
    given: Mapping[str, str],
    hint: CredentialHint,
    problems: list[Problem],
) -> Change | None:
    """The credentials a connector change stores: each name the file lists, given (environment,
    secrets file, request) or else as already stored. Creating a connector whose credentials are
    not all given is refused; so is a listed name that is neither given nor stored."""
    document = change.desired
    assert document is not None
    names = list(document.values["credentials"])
    for name in sorted(set(given) - set(names)):
        problems.append(
            document.problem(("credentials",), f"{name!r} is given but the file does not list it")
        )
    stored: dict[str, str] = {}
    if change.action == "update":
        row = deps.config.get_connector(tenant_id, change.ident)
        stored = management.stored_credentials(row) if row and row.credentials_secret_arn else {}
    wanted: dict[str, str] = {}
    for n, name in enumerate(names):
        value = given.get(name, stored.get(name))
        if value is None:
            why = (
                "creating a connector needs every credential given"
                if change.action == "create"
                else "not stored"
            )
            problems.append(document.problem(("credentials", n), f"{why}: {hint(change.ident, name)}"))
        else:
            wanted[name] = value
    moved = change.current is not None and management.moves(change.current.values, document.values)
    if moved and names and stored and not given:
        message = f"required again when the connector's address changes: {hint(change.ident, names[0])}"
        problems.append(document.problem(("credentials",), message))
    if change.action == "create":
        change.credentials = wanted or None
    elif wanted != stored:
        change.credentials = wanted
        change.fields.append(FieldChange("credentials (values)", "(stored)", "(replaced; values not shown)"))
    return change if change.action == "create" or change.fields else None


def _references(
    deps: Deps,
    tenant_id: str,
    desired: Mapping[tuple[Kind, str], Document],
    now: Mapping[tuple[Kind, str], Document],
    deletes: Mapping[Kind, list[Change]],
) -> list[Problem]:
    """What each service of the files names must exist once applied; the rules must compile with the
    lookup tables the group will have; what is deleted must not be used by a service that stays."""
    from syncline.mapping import LookupTable, validate_rules

    gone = {(c.kind, c.ident) for kind in KINDS for c in deletes[kind]}
    after = {key: d for key, d in {**now, **desired}.items() if key not in gone}
    tables = {
        ident: LookupTable(
            name=ident, **{k: v for k, v in d.values.items() if k != "name"}, rows=d.rows or []
        )
        for (kind, ident), d in after.items()
        if kind == "lookup"
    }
    problems: list[Problem] = []
    for (kind, _), document in after.items():
        if kind != "service":
            continue
        values = document.values
        in_files = (kind, document.ident) in desired
        for side in ("source", "destination"):
            connector_id = values[side]["connector_id"]
            if ("connector", connector_id) not in after:
                problems.append(
                    _problem(document, in_files, (side, "connector_id"), f"no connector {connector_id!r}")
                )
        for n, group_id in enumerate(values["alerts"]["groups"]):
            if ("notification_group", group_id) not in after:
                message = f"no notification group {group_id!r}"
                problems.append(_problem(document, in_files, ("alerts", "groups", n), message))
        if not in_files:
            continue  # a service the files leave alone: its rules are the service layer's business
        source = after.get(("connector", values["source"]["connector_id"]))
        timezone = source.values["timezone"] if source else "UTC"
        for error in validate_rules(
            values["filters"], values["mappings"], values["payload_script"], tables, timezone
        ):
            problems.append(document.problem(field_path(error.location), error.reason))
    return problems


def _problem(document: Document, in_files: bool, path: tuple[str | int, ...], message: str) -> Problem:
    if in_files:
        return document.problem(path, message)
    return Problem(
        document.path,
        None,
        ".".join(map(str, path)),
        f"{message} (service {document.ident!r} is not in the files: it stays)",
    )


def _mapping_warnings(
    deps: Deps,
    tenant_id: str,
    changes: Sequence[Change],
    desired: Mapping[tuple[Kind, str], Document],
    now: Mapping[tuple[Kind, str], Document],
) -> list[str]:
    """Services whose rules (or the lookup tables their rules use) change, tried on their recent
    records: one warning per service whose new rules fail on records the current rules map."""
    from syncline.api.configfiles.tryout import try_rules
    from syncline.mapping import LookupTable
    from syncline.mapping.lookup import tables_used

    changed_tables = {
        ident
        for (kind, ident), document in desired.items()
        if kind == "lookup" and ((kind, ident) not in now or _differs(document, now[(kind, ident)]))
    }
    tables = {
        ident: LookupTable(
            name=ident, **{k: v for k, v in d.values.items() if k != "name"}, rows=d.rows or []
        )
        for (kind, ident), d in {**now, **desired}.items()
        if kind == "lookup"
    }
    out = []
    for change in changes:
        if change.action != "update" or change.desired is None or change.current is None:
            continue
        values = change.desired.values
        rules_changed = any(f.field.split(".")[0].split("[")[0] in RULE_FIELDS for f in change.fields)
        if not rules_changed and not (tables_used(values["mappings"]) & changed_tables):
            continue
        service = deps.config.get_service(tenant_id, change.ident)
        if service is None:
            continue
        source = {**now, **desired}.get(("connector", values["source"]["connector_id"]))
        result = try_rules(
            deps,
            service,
            {name: values[name] for name in RULE_FIELDS},
            tables,
            source.values["timezone"] if source else "UTC",
        )
        if result.broken:
            example = result.broken[0]
            out.append(
                f"service {change.ident}: the new rules fail on {len(result.broken)} of its last "
                f"{result.tried} records that the current rules map "
                f"(e.g. {example.reference}: {example.error})"
            )
    return out


RULE_FIELDS = ("filters", "mappings", "payload_script")


def _differs(a: Document, b: Document) -> bool:
    return a.values != b.values or (a.rows or []) != (b.rows or [])
