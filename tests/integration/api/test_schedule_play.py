"""`syncline up` plays every active service's own schedule: a cron service is fired in the minute
its expression names, once, and one using L, W or # is said once and not played."""

from __future__ import annotations

import io
import threading
from typing import Any

from syncline import wiring
from syncline.local.demo import _play_schedules
from tests.integration.api.conftest import AwsEnv, new_group


class _Driver:
    def __init__(self) -> None:
        self.fired: list[tuple[str, str]] = []

    def fire(self, tenant_id: str, service_id: str) -> dict[str, Any]:
        self.fired.append((tenant_id, service_id))
        return {"runs": [{"run_id": None}]}  # nothing to pull: no run to wait for


class _Stack:
    def __init__(self, driver: _Driver) -> None:
        self.driver = driver


def test_cron_services_fire_in_their_minute_once_and_unplayable_ones_are_said(aws_env: AwsEnv) -> None:
    group = new_group("cron")
    config = wiring.config_store()
    every_minute = group.services["orders"].model_copy(
        update={"active": True, "schedule": "cron(* * * * ? *)"}
    )
    never_now = group.services["stock"].model_copy(
        update={"active": True, "schedule": "cron(0 0 1 1 ? 1999)"}
    )
    last_day = group.services["products"].model_copy(update={"active": True, "schedule": "cron(0 0 L * ? *)"})
    for service in (every_minute, never_now, last_day):
        config.put_service(service)
    stop = threading.Event()
    driver = _Driver()
    out = io.StringIO()
    # Two passes of the player in the same minute (it waits a second between passes).
    timer = threading.Timer(1.5, stop.set)
    timer.start()
    try:
        _play_schedules(_Stack(driver), stop, out)  # type: ignore[arg-type]
    finally:
        timer.cancel()
    mine = [f for f in driver.fired if f[0] == group.tenant_id]
    # once a minute: twice only when the passes fell on both sides of a minute's turn
    assert mine in ([(group.tenant_id, "orders")], [(group.tenant_id, "orders")] * 2)
    said = out.getvalue()
    assert "'products': cron(0 0 L * ? *) is not played here" in said and said.count("products") == 1
    assert "stock" not in said
