"""Load the real handlers from functions/<name>/handler.py and call them as Lambda would."""

from __future__ import annotations

import importlib.util
import time
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import syncline

FUNCTIONS_DIR = Path(syncline.__file__).resolve().parents[2] / "functions"


@cache
def load_handler(name: str) -> ModuleType:
    path = FUNCTIONS_DIR / name / "handler.py"
    if not path.is_file():
        raise FileNotFoundError(
            f"no handler at {path}: run from a checkout installed with `pip install -e .`"
        )
    spec = importlib.util.spec_from_file_location(f"syncline_function_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class FakeContext:
    """The parts of the Lambda context object the handlers and Powertools use."""

    function_name: str
    timeout_seconds: float = 30.0
    memory_limit_in_mb: int = 256
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:us-east-1:000000000000:function:{self.function_name}"

    @property
    def function_version(self) -> str:
        return "$LATEST"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return "local"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_seconds - (time.monotonic() - self._started)) * 1000))


def invoke(name: str, event: dict[str, Any], timeout_seconds: float = 30.0) -> Any:
    """Call the function's handler on this thread. Its log lines carry its own function name and
    request id: in one process the functions share the logger, whose Lambda-context keys are global,
    so this thread's keys (which win over those) are set for the call."""
    from syncline.observability import logger

    context = FakeContext(function_name=f"syncline-{name}", timeout_seconds=timeout_seconds)
    keys = {
        "function_name": context.function_name,
        "function_arn": context.invoked_function_arn,
        "function_request_id": context.aws_request_id,
    }
    logger.thread_safe_append_keys(**keys)
    try:
        return load_handler(name).handler(event, context)
    finally:
        logger.thread_safe_remove_keys(keys)
