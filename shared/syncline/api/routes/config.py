"""Config as code: the company group's configuration as files (export as a zip, diff, apply)."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from syncline.api import configfiles
from syncline.api.context import deps, tenant
from syncline.api.models import ConfigApplyBody, ConfigFilesBody
from syncline.errors import Invalid
from syncline.observability import logger

router = Router()
TAGS = ["config"]
ZIP = "application/zip"


def _refused(exc: configfiles.ConfigError) -> Invalid:
    return Invalid(
        f"{len(exc.problems)} problem(s) in the files; nothing was applied",
        fields=[p.as_field() for p in exc.problems],
    )


@router.get(
    "/config/export",
    summary="The company group's configuration as a zip of files",
    description="connectors/, lookups/ (YAML and CSV), notification-groups/, services/: the files "
    "`syncline config export` writes (credential names, never values). The same configuration gives the "
    "same bytes. Send `Accept: application/zip` (API Gateway returns binary bodies only when asked).",
    tags=TAGS,
    responses={
        200: {"description": "the zip", "content": {ZIP: {"schema": {"type": "string", "format": "binary"}}}}
    },
)
def export_config() -> Response[str]:
    files = configfiles.export(deps(), tenant())
    response: Response[str] = Response(
        status_code=200,
        content_type=ZIP,
        # base64 text: the resolver's response validation would try to read bytes as UTF-8
        body=base64.b64encode(configfiles.zip_files(files)).decode(),
        headers={"Content-Disposition": f'attachment; filename="{tenant()}-config.zip"'},
    )
    response.base64_encoded = True
    return response


@router.post(
    "/config/diff",
    summary="What applying these files would change",
    description="Created, updated (each field), deleted (with prune); objects only in the company group are "
    "listed as kept; warnings for changed rules that fail on a service's recent records. `differs` is false "
    "when applying would change nothing. 422 naming file, line and field for files that would be refused.",
    tags=TAGS,
)
def diff_config(body: Annotated[ConfigFilesBody, Body()]) -> dict[str, Any]:
    try:
        planned = configfiles.diff(
            deps(), tenant(), body.files, prune=body.prune, credentials=body.credentials or {}
        )
    except configfiles.ConfigError as exc:
        raise _refused(exc) from None
    return planned.view()


@router.post(
    "/config/apply",
    summary="Apply these files (admin keys)",
    description="Through the same service layer as the other routes, in dependency order (connectors, "
    "lookup tables, notification groups, services; deletes the other way round), each object all or "
    "nothing. Answers the plan and what was done. Files that would be refused: 422 naming file, line and "
    "field, nothing applied. A change the service layer refuses stops the apply: 422 naming it and what "
    "was applied before it.",
    tags=TAGS,
)
def apply_config(body: Annotated[ConfigApplyBody, Body()]) -> dict[str, Any]:
    try:
        planned, applied = configfiles.apply_files(
            deps(),
            tenant(),
            body.files,
            prune=body.prune,
            dry_run=body.dry_run,
            credentials=body.credentials or {},
        )
    except configfiles.ConfigError as exc:
        raise _refused(exc) from None
    if applied is not None and applied.failed is not None:
        failed = applied.failed
        done = "; ".join(applied.done) or "nothing"
        if applied.error is not None:  # a 500 (logged with what was applied before it)
            logger.error("config apply stopped", extra={"done": applied.done, "failed": failed.view()})
            raise applied.error
        raise Invalid(
            f"stopped at {failed.action} {failed.kind} {failed.ident}; applied before it: {done}",
            fields=[p.as_field() for p in applied.problems],
        )
    return {**planned.view(), "dry_run": body.dry_run, "done": applied.done if applied else []}
