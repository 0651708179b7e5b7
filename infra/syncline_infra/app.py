"""Builds the CDK app: the stack for the configured stage, checked by cdk-nag on every synth."""

from __future__ import annotations

from typing import Any

from aws_cdk import App, Environment, Validations
from cdk_nag import AwsSolutionsChecks

from .bundling import DependencyCache
from .context import StageConfig, cdk_json_context
from .functions import ARCHITECTURE, RUNTIME
from .stack import SynclineStack


def stack_id(config: StageConfig) -> str:
    return f"Syncline-{config.stage}"


def build_app(
    context: dict[str, Any] | None = None,
    *,
    outdir: str | None = None,
    env: Environment | None = None,
    cache: DependencyCache | None = None,
    standalone: bool = False,
) -> tuple[App, SynclineStack]:
    """The app and its stack.

    Under the CDK CLI the context (cdk.json and ``-c``) comes from the CLI. ``standalone`` builds
    the app in-process (tests, scripts) with cdk.json's feature flags plus ``context``.
    """
    if standalone:
        app = App(context={**cdk_json_context(), **(context or {})}, outdir=outdir)
    else:
        app = App(context=context, outdir=outdir)
    config = StageConfig.from_node(app.node)
    cache = cache or DependencyCache(config.bundle_cache_dir, RUNTIME, ARCHITECTURE)
    stack = SynclineStack(app, stack_id(config), config=config, cache=cache, env=env)
    # cdk-nag v3 is a validation plugin: synth fails on any finding not acknowledged in code.
    # Each acknowledgement (with its reason) is also written into the template's Metadata.
    Validations.of(app).add_plugins(
        AwsSolutionsChecks(app, verbose=True, write_suppressions_to_cloud_formation=True)
    )
    return app, stack
