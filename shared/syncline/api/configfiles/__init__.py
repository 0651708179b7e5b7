"""Config as code: a company group's configuration as files, exported, diffed and applied.

`files` is the format (YAML per object, lookup rows as CSV, the JSON Schema), `plan` compares files
with the company group, `apply` carries a plan out through the API's service layer, `tryout` tries
changed rules on a service's recent records. The CLI (`syncline config ...`) and the API
(`/config/...`) call the functions below.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

from syncline.api.configfiles.apply import Applied
from syncline.api.configfiles.apply import apply as run_plan
from syncline.api.configfiles.files import ConfigError, Problem, read_files, render
from syncline.api.configfiles.plan import CredentialHint, Plan, current
from syncline.api.configfiles.plan import plan as make_plan
from syncline.deps import Deps

__all__ = ["Applied", "ConfigError", "Plan", "Problem", "apply_files", "diff", "export", "zip_files"]


def export(deps: Deps, tenant_id: str) -> dict[str, str]:
    """{relative path: text} of every object of the company group (credential values never)."""
    return render(current(deps, tenant_id).values())


def diff(
    deps: Deps,
    tenant_id: str,
    files: Mapping[str, str],
    *,
    prune: bool = False,
    credentials: Mapping[str, Mapping[str, str]] | None = None,
    hint: CredentialHint | None = None,
) -> Plan:
    """What `apply_files` would change; ConfigError for files it would refuse."""
    return make_plan(deps, tenant_id, read_files(files), prune=prune, credentials=credentials, hint=hint)


def apply_files(
    deps: Deps,
    tenant_id: str,
    files: Mapping[str, str],
    *,
    prune: bool = False,
    dry_run: bool = False,
    credentials: Mapping[str, Mapping[str, str]] | None = None,
    hint: CredentialHint | None = None,
) -> tuple[Plan, Applied | None]:
    """The plan, and what applying it did (None on a dry run)."""
    planned = diff(deps, tenant_id, files, prune=prune, credentials=credentials, hint=hint)
    return planned, None if dry_run else run_plan(deps, tenant_id, planned)


def zip_files(files: Mapping[str, str]) -> bytes:
    """The files as a zip whose bytes depend on nothing but their paths and text."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[path].encode("utf-8"))
    return out.getvalue()
