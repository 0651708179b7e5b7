"""The transform registry: argument models, the compile context, and the `function` decorator the
family modules register with."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from syncline.mapping.filters import Clock
from syncline.mapping.lookup import LookupTable

Op = Callable[[Any, Any], Any]
"""A compiled transform: (value, source record) -> new value; ValueError with a readable reason."""


class RecordBudget(threading.local):
    """When the scripts of the record being mapped on this thread must stop (time.perf_counter())."""

    deadline: float | None = None


@dataclass(frozen=True)
class Context:
    """What transforms may depend on besides their arguments."""

    tz: tzinfo
    lookups: Mapping[str, LookupTable]
    clock: Clock
    budget: RecordBudget = field(default_factory=RecordBudget)


class ArgError(ValueError):
    """An argument that is well typed but cannot work (bad pattern, unknown table...)."""

    def __init__(self, arg: str | None, reason: str) -> None:
        self.arg = arg
        self.reason = reason
        super().__init__(reason)


class Args(BaseModel):
    """Base of every argument model: strict types, no unknown arguments."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, populate_by_name=True, defer_build=True
    )


class NoArgs(Args):
    pass


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    category: str
    summary: str
    args: type[Args]
    build: Callable[[Any, Context], Op]
    kind: Literal["each", "list"] = "each"
    reduces: bool = False
    handles_empty: bool = False
    expands: Callable[[Any], bool] | None = None

    def catalog(self) -> dict[str, Any]:
        """A JSON description of the function (for the API and UI)."""
        return {
            "name": self.name,
            "category": self.category,
            "summary": self.summary,
            "kind": self.kind,
            "args": self.args.model_json_schema(by_alias=True),
        }


REGISTRY: dict[str, FunctionSpec] = {}


def function(
    name: str,
    category: str,
    summary: str,
    args: type[Args] = NoArgs,
    *,
    kind: Literal["each", "list"] = "each",
    reduces: bool = False,
    handles_empty: bool = False,
    expands: Callable[[Any], bool] | None = None,
) -> Callable[[Callable[[Any, Context], Op]], Callable[[Any, Context], Op]]:
    def register(build: Callable[[Any, Context], Op]) -> Callable[[Any, Context], Op]:
        REGISTRY[name] = FunctionSpec(
            name, category, summary, args, build, kind, reduces, handles_empty, expands
        )
        return build

    return register


def catalog() -> list[dict[str, Any]]:
    return [spec.catalog() for spec in REGISTRY.values()]
