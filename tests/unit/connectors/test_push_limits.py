"""Every connector's longest push, at the most its settings allow, fits the limit sync_item's
timeout is derived from (syncline.tables.MAX_PUSH_SECONDS)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from annotated_types import Le

from syncline import tables
from syncline.connectors.registry import connector_class, systems

TIMING = ("connect_timeout_seconds", "timeout_seconds", "max_wait_seconds")


def _upper_limit(model: Any, name: str) -> float:
    (limit,) = [m.le for m in model.model_fields[name].metadata if isinstance(m, Le)]
    return float(limit)  # type: ignore[arg-type]  # a number in every settings model


def _max_push_seconds(cls: Any, settings: Any) -> float:
    return float(cls.max_push_seconds.fget(SimpleNamespace(config=settings)))


@pytest.mark.parametrize("system", systems())
def test_the_slowest_push_a_connector_allows_fits_the_limit(system: str) -> None:
    cls = connector_class(system)
    model = cls.settings_model
    timing: dict[str, Any] = {
        name: _upper_limit(model, name) for name in TIMING if name in model.model_fields
    }
    slowest = _max_push_seconds(cls, model.model_construct(**timing))
    assert slowest <= tables.MAX_PUSH_SECONDS, (system, timing)
    defaults = _max_push_seconds(cls, model.model_construct())
    assert defaults <= slowest


def test_the_limits_in_figures() -> None:
    rest, sftp = connector_class("rest"), connector_class("sftp")
    assert _max_push_seconds(rest, rest.settings_model.model_construct()) == 5 + 10 + 2
    assert _max_push_seconds(sftp, sftp.settings_model.model_construct()) == 10 + 1 + 2 * 30
    # room for a refetch and a push, the batch's start and its flush
    assert tables.SYNC_ITEM_TIMEOUT_SECONDS == 20 + 2 * 150 + tables.SYNC_FLUSH_SECONDS == 330
    assert tables.SYNC_QUEUE.visibility_timeout == 6 * 330
