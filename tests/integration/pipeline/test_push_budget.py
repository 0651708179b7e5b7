"""sync_item pushes (and the health check checks) under the connector's time budget: every
request a push makes shares its `max_push_seconds`."""

from __future__ import annotations

from typing import Any

import pytest

from syncline.connectors.rest import RestConnector
from syncline.local.stack import StackOptions, local_stack
from syncline.models import RunStatus


def test_each_push_and_check_runs_under_the_connectors_time_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, float | None, float]] = []
    push, check = RestConnector.push, RestConnector.check

    def spy_push(self: RestConnector, *args: Any, **kwargs: Any) -> Any:
        seen.append(("push", self.time_left(), self.max_push_seconds))
        return push(self, *args, **kwargs)

    def spy_check(self: RestConnector) -> None:
        seen.append(("check", self.time_left(), self.max_check_seconds))
        check(self)

    monkeypatch.setattr(RestConnector, "push", spy_push)
    monkeypatch.setattr(RestConnector, "check", spy_check)
    with local_stack(StackOptions(records=3, fail_rate=0.0, permanent_failures=False)) as stack:
        run = stack.wait_for_run(stack.fire(), timeout=60)
        stack.driver.health()
    assert run.status == RunStatus.OK
    assert {kind for kind, _, _ in seen} == {"push", "check"}
    for _, left, budget in seen:
        assert left is not None and 0 < left <= budget
