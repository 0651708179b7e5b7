"""Applying a plan through the service layer the API uses, and where credentials come from.

Each change is one call of the API's own functions (`management`, `lookups`, `alerting`): the same
validation, schedules and secrets handling as POST/PATCH/PUT/DELETE, each all or nothing for its
object. Changes run in the plan's order (connectors, lookup tables, notification groups, services;
deletes the other way round) and stop at the first refusal, which is reported with the file, line
and field of the object; what was done before it stays done and is listed.

Credentials never come from the files: `credentials_from` reads them from environment variables
(`SYNCLINE_SECRET_<CONNECTOR>_<FIELD>`, upper case, every character that is not a letter or a
digit as `_`) and from a secrets file that must lie outside the configuration's repository.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from syncline.api import alerting, lookups, management
from syncline.api.configfiles.files import Document, Problem, field_path
from syncline.api.configfiles.plan import Change, Plan
from syncline.api.models import (
    ConnectorCreate,
    ConnectorUpdate,
    LookupCreate,
    LookupReplace,
    NotificationGroupCreate,
    NotificationGroupUpdate,
    ServiceCreate,
    ServiceUpdate,
)
from syncline.deps import Deps
from syncline.errors import SynclineError
from syncline.reports import validation_fields

ENV_PREFIX = "SYNCLINE_SECRET_"


@dataclass
class Applied:
    done: list[str] = field(default_factory=list)  # "created connector erp", ...
    failed: Change | None = None
    problems: list[Problem] = field(default_factory=list)
    error: Exception | None = None  # the failed change's unexpected error (an AWS call, ...)

    @property
    def ok(self) -> bool:
        return self.failed is None

    def view(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "done": self.done,
            "failed": self.failed.view() if self.failed else None,
            "problems": [p.as_field() for p in self.problems],
        }


def apply(deps: Deps, tenant_id: str, plan: Plan) -> Applied:
    """Every change of the plan, in order, until one is refused."""
    result = Applied()
    for change in plan.changes:
        try:
            _apply(deps, tenant_id, change)
        except SynclineError as exc:
            result.failed = change
            result.problems = _problems(change, exc.message, exc.fields)
            return result
        except ValidationError as exc:  # a body the API models refuse (the files' models are theirs)
            result.failed = change
            result.problems = _problems(change, "not valid", validation_fields(exc))
            return result
        except Exception as exc:  # the service layer undid the object's part-made change
            result.failed, result.error = change, exc
            message = f"failed ({type(exc).__name__}); nothing of this {change.kind} was changed"
            result.problems = [Problem(change.file, None, "", message)]
            return result
        past = {"create": "created", "update": "updated", "delete": "deleted"}[change.action]
        named = ", ".join(dict.fromkeys(f.field.split(".")[0].split("[")[0] for f in change.fields))
        result.done.append(f"{past} {change.kind} {change.ident}" + (f" ({named})" if named else ""))
    return result


def _problems(change: Change, message: str, fields: Sequence[Mapping[str, Any]]) -> list[Problem]:
    document = change.desired or change.current
    assert document is not None
    if not fields:
        return [Problem(document.path, None, "", message)]
    out = []
    for entry in fields:
        name = str(entry.get("field", ""))
        path = field_path(name) if name.startswith("body") else ()
        out.append(
            document.problem(path, str(entry.get("message", message)))
            if path
            else Problem(document.path, None, name, str(entry.get("message", message)))
        )
    return out


def _apply(deps: Deps, tenant_id: str, change: Change) -> None:
    document = change.desired
    if change.action == "delete":
        {
            "connector": management.delete_connector,
            "lookup": lookups.delete_lookup,
            "notification_group": alerting.delete_notification_group,
            "service": management.delete_service,
        }[change.kind](deps, tenant_id, change.ident)
        return
    assert document is not None
    values = dict(document.values)
    create = change.action == "create"
    if change.kind == "connector":
        values.pop("credentials")
        if create:
            management.create_connector(
                deps, tenant_id, ConnectorCreate.model_validate({**values, "credentials": change.credentials})
            )
        else:
            values.pop("connector_id")
            values.pop("system")  # never changes (the plan refuses a change)
            body = ConnectorUpdate.model_validate({**values, "credentials": change.credentials})
            management.update_connector(deps, tenant_id, change.ident, body)
    elif change.kind == "lookup":
        table = {**values, "rows": document.rows or []}
        if create:
            lookups.create_lookup(deps, tenant_id, LookupCreate.model_validate(table))
        else:
            lookups.replace_lookup(deps, tenant_id, change.ident, LookupReplace.model_validate(table))
    elif change.kind == "notification_group":
        if create:
            alerting.create_notification_group(
                deps, tenant_id, NotificationGroupCreate.model_validate(values)
            )
        else:
            values.pop("group_id")
            alerting.update_notification_group(
                deps, tenant_id, change.ident, NotificationGroupUpdate.model_validate(values)
            )
    elif create:
        management.create_service(deps, tenant_id, ServiceCreate.model_validate(values))
    else:
        values.pop("service_id")
        management.update_service(deps, tenant_id, change.ident, ServiceUpdate.model_validate(values))


# ---------------------------------------------------------------------------------- credentials


def env_name(connector_id: str, name: str) -> str:
    """The environment variable a credential is read from: SYNCLINE_SECRET_MAIN_SHOP_ACCESS_TOKEN."""
    return ENV_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", f"{connector_id}_{name}").upper()


def credential_hint(connector_id: str, name: str) -> str:
    return f"set {env_name(connector_id, name)} or give {connector_id}.{name} in the secrets file (--secrets)"


class SecretsFileError(Exception):
    pass


def credentials_from(
    documents: Sequence[Document],
    environ: Mapping[str, str],
    secrets_file: Path | None,
    directory: Path,
) -> dict[str, dict[str, str]]:
    """Each connector file's listed credentials found in the secrets file or the environment (the
    environment wins). SecretsFileError for a secrets file inside the configuration's repository or
    directory, or one that is not a mapping of connector ids to mappings of names to text."""
    from_file: dict[str, dict[str, str]] = {}
    if secrets_file is not None:
        from_file = _read_secrets(secrets_file, directory)
    out: dict[str, dict[str, str]] = {}
    for document in documents:
        if document.kind != "connector":
            continue
        values: dict[str, str] = {}
        for name in document.values["credentials"]:
            value = environ.get(env_name(document.ident, name)) or from_file.get(document.ident, {}).get(name)
            if value:
                values[name] = value
        if values:
            out[document.ident] = values
    return out


def _read_secrets(path: Path, directory: Path) -> dict[str, dict[str, str]]:
    from syncline.api.configfiles.yamlio import load_yaml

    resolved, inside = path.resolve(), _repository(directory.resolve())
    if resolved.is_relative_to(inside):
        raise SecretsFileError(
            f"the secrets file must lie outside the configuration's repository ({inside}): credentials are "
            "never kept next to the files"
        )
    try:
        data, _ = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SecretsFileError(f"cannot read the secrets file: {exc.strerror}") from None
    except Exception:  # its text is not quoted: it holds secrets
        raise SecretsFileError("the secrets file is not valid YAML") from None
    if not isinstance(data, dict) or not all(
        isinstance(v, dict) and all(isinstance(n, str) and isinstance(s, str) for n, s in v.items())
        for v in data.values()
    ):
        raise SecretsFileError("the secrets file must map connector ids to {credential name: text}")
    return {str(cid): dict(values) for cid, values in data.items()}


def _repository(directory: Path) -> Path:
    """The git work tree holding `directory` (its top), else the directory itself."""
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return directory
