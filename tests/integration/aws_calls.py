"""Record the AWS calls a function's code makes, as the IAM actions and resources they need, to
check them against ``syncline.aws_calls`` (what the CDK app grants each role)."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from syncline import aws, aws_calls
from syncline.settings import ENV

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("dynamodb", "sqs", "s3", "secretsmanager", "sesv2", "scheduler")


class Recorder:
    """An aws observer: (IAM action, resource) per call, for the function named by `running`."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.running: str | None = None
        self.calls: dict[str, set[tuple[str, str]]] = {}
        self.tables = {env[ENV["config_table"]]: aws_calls.CONFIG, env[ENV["syncs_table"]]: aws_calls.SYNCS}
        self.queues = {
            env[ENV["sync_queue_url"]]: aws_calls.SYNC_QUEUE,
            env[ENV["sync_dlq_url"]]: aws_calls.SYNC_DLQ,
            env[ENV["trigger_queue_url"]]: aws_calls.TRIGGER_QUEUE,
            env[ENV["health_queue_url"]]: aws_calls.HEALTH_QUEUE,
        }

    def __call__(self, service: str, operation: str, params: dict[str, Any]) -> None:
        if self.running is not None:
            self.calls.setdefault(self.running, set()).update(self.needs(service, operation, params))

    @contextmanager
    def function(self, name: str) -> Iterator[None]:
        self.running = name
        try:
            yield
        finally:
            self.running = None

    def needs(self, service: str, operation: str, params: dict[str, Any]) -> set[tuple[str, str]]:
        if service == "dynamodb":
            if operation == "TransactWriteItems":
                return {
                    (aws_calls.TRANSACTION_ACTION[kind], self.tables.get(body["TableName"], "?"))
                    for item in params["TransactItems"]
                    for kind, body in item.items()
                }
            names = params["RequestItems"] if "RequestItems" in params else [params.get("TableName", "?")]
            return {(f"dynamodb:{operation}", self.tables.get(name, "?")) for name in names}
        action = aws_calls.IAM_ACTION.get(f"{service}:{operation}", f"{service}:{operation}")
        resource = {
            "sqs": lambda: self.queues.get(params.get("QueueUrl", ""), "?"),
            "s3": lambda: aws_calls.OBJECTS if "Key" in params else "bucket",
            "secretsmanager": lambda: aws_calls.SECRETS,
            "scheduler": lambda: aws_calls.SCHEDULES,
            "sesv2": lambda: aws_calls.ALERT_EMAIL,
        }.get(service, lambda: "?")()
        return {(action, resource)}


@contextmanager
def recording(env: Mapping[str, str]) -> Iterator[Recorder]:
    recorder = Recorder(env)
    aws.add_observer(recorder)
    try:
        yield recorder
    finally:
        aws.remove_observer(recorder)


def listed(name: str) -> set[tuple[str, str]]:
    return {(action, kind) for kind, actions in aws_calls.AWS_CALLS[name].items() for action in actions}


# -- the code's call sites -------------------------------------------------------------------------


@cache
def _operations() -> dict[str, set[str]]:
    """boto3 method name -> the IAM actions a call of it needs."""
    import botocore.session
    from botocore import xform_name

    session = botocore.session.get_session()
    out: dict[str, set[str]] = {"generate_presigned_url": {"s3:GetObject"}}  # the URL acts as the role
    for service in SERVICES:
        for operation in session.get_service_model(service).operation_names:
            name = f"{service}:{operation}"
            out.setdefault(xform_name(operation), set()).add(aws_calls.IAM_ACTION.get(name, name))
    return out


def _module_path(name: str) -> Path | None:
    base = ROOT / "shared" / Path(*name.split("."))
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return {n for n in names if n.startswith("syncline") and _module_path(n)}


def call_sites(function: str) -> set[str]:
    """The IAM actions of every AWS call in the code the function's handler can import (an over-
    estimate: a module imported for one helper counts whole)."""
    todo, seen = list(_imports(ROOT / "functions" / function / "handler.py")), set()
    while todo:
        module = todo.pop()
        if module in seen or module.startswith("syncline.local"):
            continue
        seen.add(module)
        parts = module.split(".")
        todo += [".".join(parts[:n]) for n in range(1, len(parts)) if _module_path(".".join(parts[:n]))]
        path = _module_path(module)
        assert path is not None
        todo += _imports(path)
    operations, actions = _operations(), set()
    for module in seen:
        path = _module_path(module)
        assert path is not None
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr == "transact_write_items":  # the kinds of item the module writes
                kinds = [k for k in aws_calls.TRANSACTION_ACTION if f'"{k}"' in text]
                actions |= {aws_calls.TRANSACTION_ACTION[k] for k in kinds}
            else:
                actions |= operations.get(node.func.attr, set())
    return actions
