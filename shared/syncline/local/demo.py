"""`syncline demo` and `syncline up`: the local stack end to end."""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from syncline.local.driver import parse_rate
from syncline.local.stack import SERVICE, TENANT, LocalStack, StackOptions, local_stack
from syncline.models import Run, RunStatus
from syncline.schedules import cron_fires
from syncline.store import METER


def default_out_dir() -> Path:
    """A folder of its own per run, so two demos on one machine never collide."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = Path.cwd() / ".syncline"
    base.mkdir(exist_ok=True)
    for n in range(1000):
        candidate = base / f"demo-{stamp}-{n}"
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise RuntimeError(f"no free output folder under {base}")


@contextlib.contextmanager
def logs_to(path: Path, *, verbose: bool = False) -> Iterator[Path]:
    """The functions' log lines (one JSON object a line, as CloudWatch gets them) go to `path`;
    to the terminal as well only when `verbose`."""
    from syncline.observability import logger, metrics_to

    std = logging.getLogger(logger.name)
    to_file = logging.FileHandler(path, encoding="utf-8")
    to_file.setFormatter(logger.registered_formatter)
    saved = std.handlers[:]
    std.handlers = [to_file, *saved] if verbose else [to_file]

    def metric(line: str) -> None:  # the EMF documents Lambda would print, beside the log lines
        with to_file.lock or contextlib.nullcontext():
            to_file.stream.write(line + "\n")  # type: ignore[union-attr]  # opened by the handler
            to_file.flush()

    try:
        with metrics_to(metric):
            yield path
    finally:
        std.handlers = saved
        to_file.close()


def _progress(out: TextIO, every: float = 1.0) -> object:
    last = [0.0]

    def show(run: Run) -> None:
        now = time.monotonic()
        if now - last[0] < every:
            return
        last[0] = now
        t = run.totals
        print(
            f"  pulled {run.pulled:>6}  queued {run.queued:>6}  OK {t.OK:>6}  Sent {t.Sent:>4}  "
            f"Pending {t.Pending:>6}  Failed {t.Failed:>5}",
            file=out,
            flush=True,
        )

    return show


def demo(
    options: StackOptions, out_dir: Path | None = None, out: TextIO = sys.stdout, *, verbose: bool = False
) -> int:
    out_dir = out_dir or default_out_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    print(
        f"Syncline demo: {options.records} orders, demo shop -> demo warehouse "
        f"(transient failure rate {options.fail_rate:.0%})",
        file=out,
    )
    options.alert_eml_dir = options.alert_eml_dir or out_dir / "emails"
    with logs_to(out_dir / "logs.jsonl", verbose=verbose) as log_path, local_stack(options) as stack:
        print(f"  function logs: {log_path}", file=out)
        print(
            f"  local AWS (moto) at {stack.aws.endpoint}, shop at {stack.shop.url}, "
            f"warehouse at {stack.warehouse.url}",
            file=out,
        )
        started = time.monotonic()
        run_id = stack.fire()
        run = stack.wait_for_run(run_id, timeout=max(300.0, options.records / 5), progress=_progress(out))
        elapsed = time.monotonic() - started
        report = out_dir / "report.csv"
        rows = stack.write_report(run_id, report)
        _summary(stack, run, elapsed, report, rows, out)
        _alerts(stack, options.alert_eml_dir, out)
    return 0


def _alerts(stack: LocalStack, folder: Path, out: TextIO) -> None:
    """The alerts tick as its rule would run it once the demo service's window (15 minutes) is over:
    one digest for the run's failures, sent through moto's SES and kept as an .eml file."""
    from syncline import aws, wiring
    from syncline.models import utcnow

    with aws.unobserved():
        service = wiring.config_store().require_service(TENANT, SERVICE)
    at = utcnow() + timedelta(minutes=service.alerts.window_minutes, seconds=30)
    result = stack.driver.alerts(at=at)
    files = sorted(folder.glob("*.eml")) if folder.is_dir() else []
    print(
        f"alert emails: {result.get('sent', 0)} sent through SES (moto), as .eml files in {folder}", file=out
    )
    for path in files:
        print(f"  {path.name}", file=out)


def _summary(stack: LocalStack, run: Run, elapsed: float, report: Path, rows: int, out: TextIO) -> None:
    t = run.totals
    calls = stack.calls.calls
    print("", file=out)
    print(f"run {run.run_id}: {run.status.value}", file=out)
    print(f"  records pulled   {run.pulled}", file=out)
    print(f"  filtered out     {run.filtered}", file=out)
    print(f"  pushed           {run.pushed}", file=out)
    print(f"  OK               {t.OK}", file=out)
    print(f"  Sent             {t.Sent}", file=out)
    print(f"  Failed           {t.Failed}", file=out)
    print(f"  Pending          {t.Pending}", file=out)
    print(f"  dead-letter queue {stack.dlq_depth()} messages", file=out)
    print(f"AWS calls made: {stack.calls.total()}", file=out)
    for name, count in sorted(calls.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<36} {count}", file=out)
    per_record = METER.total_write() / max(1, run.pulled)
    print(f"DynamoDB write units: {METER.total_write():.0f} ({per_record:.2f} per record)", file=out)
    print(f"elapsed {elapsed:.1f} s ({run.pulled / max(elapsed, 1e-9):.0f} records/s)", file=out)
    print(f"report: {report} ({rows} rows)", file=out)
    for group in run.error_summary()[:3]:
        print(f"  first errors: {group.code}: {group.message} (x{group.count})", file=out)


def up(
    options: StackOptions,
    out: TextIO = sys.stdout,
    stop: threading.Event | None = None,
    api_port: int | None = 0,
    *,
    out_dir: Path | None = None,
    verbose: bool = False,
) -> int:
    """Keep the stack running and fire the service on its schedule until Ctrl-C; serve the report
    API on 127.0.0.1:`api_port` (None: no API)."""
    from syncline.api_keys import create_key
    from syncline.local.http import ApiServer

    stop = stop or threading.Event()
    interval = parse_rate(options.schedule) or 300.0
    folder = out_dir or default_out_dir()
    log_path = folder / "logs.jsonl"
    options.alert_eml_dir = options.alert_eml_dir or folder / "emails"
    options.alerts_every = options.alerts_every or 60.0
    with (
        logs_to(log_path, verbose=verbose),
        local_stack(options) as stack,
        contextlib.ExitStack() as extras,
    ):
        print(f"Syncline local stack up: AWS (moto) {stack.aws.endpoint}", file=out)
        print(f"  function logs: {log_path}", file=out)
        if api_port is not None:
            api = extras.enter_context(ApiServer(port=api_port))
            key = create_key(TENANT)
            print(f"  report API {api.url}  (header x-api-key: {key})", file=out)
            print(f"  web console {api.url}/console/  (sign in with the key {key})", file=out)
            extras.callback(_link_alerts_to, None)
            _link_alerts_to(f"{api.url}/console/")
        print(
            f"  alert emails (through moto's SES, every {options.alerts_every:.0f} s): .eml files in "
            f"{options.alert_eml_dir}",
            file=out,
        )
        print(f"  demo shop {stack.shop.url}  demo warehouse {stack.warehouse.url}", file=out)
        print(
            f"  company group {TENANT!r}, service {SERVICE!r} every {interval:.0f} s (and every other "
            "active service on its own schedule); the health check every "
            f"{options.health_every or 0:.0f} s; Ctrl-C to stop",
            file=out,
        )
        # What `syncline keys ...` (or boto3) needs to reach this stack: its tables and endpoint,
        # and moto's region and placeholder credentials (not secrets: moto takes any).
        from syncline.local.aws import CREDENTIAL_ENV

        print("  for the CLI in another shell:", file=out)
        for name, value in sorted((stack.aws.env | CREDENTIAL_ENV).items()):
            if name.startswith(("SYNCLINE_", "AWS_ENDPOINT")) or name in CREDENTIAL_ENV:
                print(f"  export {name}={value}", file=out)
        try:
            _play_schedules(stack, stop, out)
        except KeyboardInterrupt:
            print("stopping", file=out)
    return 0


def _link_alerts_to(url: str | None) -> None:
    """Alert emails link to this console (None: to none); settings are read again next tick."""
    import os

    from syncline.settings import ENV, settings

    if url is None:
        os.environ.pop(ENV["alert_link_base"], None)
    else:
        os.environ[ENV["alert_link_base"]] = url
    settings.cache_clear()


# Scheduled runs the player starts at once (as Lambda runs scheduled trigger invocations side by
# side); more that are due wait for a free worker.
TRIGGER_WORKERS = 4
# A cron schedule the player was late for is looked at over at most this many minutes back.
CRON_CATCH_UP_MINUTES = 24 * 60


@dataclass
class ScheduleState:
    """Where each service's schedule stands: when a rate fires next (monotonic seconds), and the
    last minute a cron was looked at (in its time zone)."""

    next_at: dict[tuple[str, str], float] = field(default_factory=dict)
    cron_seen: dict[tuple[str, str], datetime] = field(default_factory=dict)

    def fires(self, key: tuple[str, str], schedule: str, now: float, minute: datetime) -> bool | None:
        """Whether the schedule fires now: once, however late the player is (a rate's next time
        counts from now; a cron fires once when any minute since it was last looked at is one it
        names). None: a cron this player does not play (L, W or #)."""
        every = parse_rate(schedule)
        if every is not None:
            if now < self.next_at.setdefault(key, now):
                return False
            self.next_at[key] = now + every
            return True
        seen = self.cron_seen.get(key)
        if seen is not None and seen >= minute:
            return False
        first = (
            minute
            if seen is None
            else max(seen + timedelta(minutes=1), minute - timedelta(minutes=CRON_CATCH_UP_MINUTES))
        )
        verdicts = []
        at = first
        while at <= minute:
            verdicts.append(cron_fires(schedule, at))
            at += timedelta(minutes=1)
        if None in verdicts:
            return None
        self.cron_seen[key] = minute
        return any(verdicts)


def _play_schedules(
    stack: LocalStack, stop: threading.Event, out: TextIO, workers: int = TRIGGER_WORKERS
) -> None:
    """What EventBridge Scheduler does for a deployed stack: fire every active service of every
    company group on its own schedule (services added or changed through the API included, read
    afresh each tick): a rate from the start, a cron in each minute it names (in the source
    connector's time zone). Services run side by side: each firing goes to a pool of `workers`
    trigger invocations, and the player never waits for a run, so a long run holds up no other
    service; a service already waiting for a worker is not queued again, so a schedule that comes
    due while it waits (or that the player was late for) fires once. A cron using L, W or # is
    said once, not played. Each run is reported when it ends."""
    from concurrent.futures import Future, ThreadPoolExecutor

    from syncline import aws, wiring

    state = ScheduleState()
    told: set[tuple[str, str]] = set()
    waiting: dict[tuple[str, str], Future[None]] = {}
    watched: dict[tuple[str, str], str] = {}  # (tenant, run id) -> service id
    lock = threading.Lock()

    def fire(tenant_id: str, service_id: str) -> None:
        result = stack.driver.fire(tenant_id, service_id)
        with lock:
            for started in result.get("runs", []):
                if started.get("run_id") is not None:  # nothing to pull: no run (counted on the service)
                    watched[(tenant_id, started["run_id"])] = service_id

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="schedule") as pool:
        while not stop.is_set():
            with aws.unobserved():
                config = wiring.config_store()
                services = [s for t in config.list_tenant_ids() for s in config.list_services(t) if s.active]
            now = time.monotonic()
            for service in services:
                key = (service.tenant_id, service.service_id)
                schedule = service.schedule or ""
                minute = datetime.now(UTC)
                if parse_rate(schedule) is None:  # cron(...): in the source connector's time zone
                    with aws.unobserved():
                        source = config.get_connector(service.tenant_id, service.source.connector_id)
                    minute = datetime.now(ZoneInfo(source.timezone if source else "UTC"))
                fires = state.fires(key, schedule, now, minute.replace(second=0, microsecond=0))
                if fires is None:
                    if schedule and key not in told:
                        told.add(key)
                        print(f"service {service.service_id!r}: {schedule} is not played here", file=out)
                    continue
                queued = waiting.get(key)
                if not fires or (queued is not None and not queued.running() and not queued.done()):
                    continue
                waiting[key] = pool.submit(fire, *key)
            _report_finished(stack, watched, lock, out)
            stop.wait(1.0)
        for queued in waiting.values():
            queued.cancel()


def _report_finished(
    stack: LocalStack, watched: dict[tuple[str, str], str], lock: threading.Lock, out: TextIO
) -> None:
    with lock:
        runs = list(watched.items())
    for (tenant_id, run_id), service_id in runs:
        run = stack.run(run_id, tenant_id)
        if run.status == RunStatus.RUNNING:
            continue
        with lock:
            watched.pop((tenant_id, run_id), None)
        t = run.totals
        print(
            f"run {run.run_id} ({service_id}): {run.status.value} pulled {run.pulled} "
            f"OK {t.OK} Failed {t.Failed}",
            file=out,
            flush=True,
        )
