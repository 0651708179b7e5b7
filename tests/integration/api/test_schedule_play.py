"""`syncline up` plays every active service's own schedule: a cron service is fired in the minute
its expression names, once, and one using L, W or # is said once and not played; services run side
by side in a bounded pool of trigger workers, and a late schedule fires once."""

from __future__ import annotations

import io
import threading
from datetime import datetime, timedelta
from typing import Any

from syncline import wiring
from syncline.local.demo import ScheduleState, _play_schedules
from syncline.local.driver import wait_until
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


class _Blocking(_Driver):
    """Fires of the services in `hold` wait until `release` is set (at most 10 s)."""

    def __init__(self, hold: set[tuple[str, str]]) -> None:
        super().__init__()
        self.hold = hold
        self.release = threading.Event()
        self.started: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def fire(self, tenant_id: str, service_id: str) -> dict[str, Any]:
        with self._lock:
            self.started.append((tenant_id, service_id))
        if (tenant_id, service_id) in self.hold:
            self.release.wait(timeout=10)
        return super().fire(tenant_id, service_id)


def test_services_run_side_by_side_in_a_bounded_pool(aws_env: AwsEnv) -> None:
    """A long run holds up no other service: two services whose trigger is still busy take both
    of the player's two workers, the third waits for one (the pool is bounded) and goes as soon as
    one is free."""
    group = new_group("side")
    config = wiring.config_store()
    for name in ("orders", "products", "stock"):
        config.put_service(
            group.services[name].model_copy(update={"active": True, "schedule": "rate(1 hour)"})
        )
    driver = _Blocking(hold={(group.tenant_id, "orders"), (group.tenant_id, "products")})
    stop = threading.Event()
    player = threading.Thread(
        target=_play_schedules, args=(_Stack(driver), stop, io.StringIO()), kwargs={"workers": 2}, daemon=True
    )
    player.start()
    try:
        mine = lambda: [s for t, s in driver.fired if t == group.tenant_id]  # noqa: E731
        started = lambda: [s for t, s in driver.started if t == group.tenant_id]  # noqa: E731
        assert wait_until(lambda: {"orders", "products"} <= set(started()), timeout=10)
        assert mine() == []  # both still pulling
        assert "stock" not in started()  # no worker free yet
        driver.release.set()
        assert wait_until(lambda: sorted(mine()) == ["orders", "products", "stock"], timeout=10)
    finally:
        driver.release.set()
        stop.set()
        player.join(timeout=20)
    assert mine().count("stock") == 1  # fired once, though it came due while it waited


def test_a_late_schedule_fires_once() -> None:
    """However long the player was held up, a schedule that came due fires once, not once for
    every time it was due meanwhile."""
    state = ScheduleState()
    every_minute = ("t", "rate")
    assert state.fires(every_minute, "rate(1 minute)", 0.0, datetime(2026, 12, 1, 10, 0)) is True
    late = 16 * 60.0
    assert state.fires(every_minute, "rate(1 minute)", late, datetime(2026, 12, 1, 10, 16)) is True
    assert state.fires(every_minute, "rate(1 minute)", late + 1, datetime(2026, 12, 1, 10, 16)) is False
    assert state.fires(every_minute, "rate(1 minute)", late + 60, datetime(2026, 12, 1, 10, 17)) is True

    cron, at_ten_five = ("t", "cron"), ("t", "daily")
    ten = datetime(2026, 12, 1, 10, 0)
    for key, expression in ((cron, "cron(* * * * ? *)"), (at_ten_five, "cron(5 10 * * ? *)")):
        assert state.fires(key, expression, 0.0, ten) is (key == cron)
    sixteen_late = ten + timedelta(minutes=16)
    assert state.fires(cron, "cron(* * * * ? *)", 0.0, sixteen_late) is True
    assert state.fires(cron, "cron(* * * * ? *)", 0.0, sixteen_late) is False  # the same minute
    # 10:05 went by while the player was held up: it fires once, late, then not again that day
    assert state.fires(at_ten_five, "cron(5 10 * * ? *)", 0.0, sixteen_late) is True
    assert state.fires(at_ten_five, "cron(5 10 * * ? *)", 0.0, sixteen_late + timedelta(minutes=1)) is False
    assert state.fires(("t", "last"), "cron(0 0 L * ? *)", 0.0, ten) is None
