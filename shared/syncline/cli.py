"""The `syncline` command: the local stack (demo, up) and administration."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def _rate(value: str) -> float:
    rate = float(value)
    if not 0.0 <= rate <= 1.0:
        raise argparse.ArgumentTypeError(f"--fail-rate must be between 0 and 1, got {value}")
    return rate


def _records(value: str) -> int:
    count = int(value)
    if count < 1 or count > 1_000_000:
        raise argparse.ArgumentTypeError(f"--records must be between 1 and 1000000, got {value}")
    return count


def _schedule(value: str) -> str:
    from syncline.local.driver import parse_rate
    from syncline.schedules import check_expression

    problem = check_expression(value)
    if problem:
        raise argparse.ArgumentTypeError(f"{value!r}: {problem}")
    if parse_rate(value) is None:
        raise argparse.ArgumentTypeError(f"{value!r}: the local stack plays rate(...) schedules only")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="syncline", description="Syncline: serverless e-commerce integration sync."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the local stack end to end once and print a summary")
    demo.add_argument("--records", type=_records, default=1000, help="orders in the demo shop (default 1000)")
    demo.add_argument(
        "--fail-rate", type=_rate, default=0.1, help="share of pushes failing transiently (default 0.1)"
    )
    demo.add_argument(
        "--out", type=Path, default=None, help="folder for the CSV report and logs (default: a new one)"
    )
    demo.add_argument("--verbose", action="store_true", help="the functions' log lines on the terminal too")

    up = sub.add_parser("up", help="keep the local stack running, firing the service on its schedule")
    up.add_argument("--records", type=_records, default=200)
    up.add_argument("--fail-rate", type=_rate, default=0.1)
    up.add_argument("--verbose", action="store_true", help="the functions' log lines on the terminal too")
    up.add_argument(
        "--schedule", type=_schedule, default="rate(1 minute)", help="a rate expression: rate(N minutes)"
    )
    up.add_argument(
        "--api-port", type=_port, default=0, help="report API port on 127.0.0.1 (default: a free one)"
    )

    keys = sub.add_parser("keys", help="company-group API keys for the report API")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    create = keys_sub.add_parser("create", help="create a key for a company group (printed once)")
    create.add_argument("--tenant", required=True, help="the company group id (created if it does not exist)")
    create.add_argument("--name", default=None, help="the company group's name, when it is created")
    create.add_argument(
        "--scope",
        choices=("read", "operate", "admin"),
        default="admin",
        help="read: report, runs, dashboard, export, services, connectors; operate: read plus resync, "
        "run now, activate/deactivate; admin: everything (default: admin, what keys were before scopes)",
    )
    create.add_argument(
        "--expires-in-days", type=_days, default=None, help="the key stops working after N days (1-3650)"
    )
    revoke = keys_sub.add_parser("revoke", help="revoke a key by its id (or the key itself)")
    revoke.add_argument("key_id")
    listing = keys_sub.add_parser("list", help="list a company group's keys (ids, scope, expiry)")
    listing.add_argument("--tenant", required=True)
    migrate = sub.add_parser(
        "migrate",
        help="after an upgrade: rewrite the report rows' index keys to this version's layout "
        "(one-off; safe to repeat and to run while the service runs)",
    )
    migrate.add_argument("--dry-run", action="store_true", help="count the rows to rewrite, write nothing")
    target = migrate.add_mutually_exclusive_group()
    target.add_argument("--stack-prefix", default=None, help="a deployed stack's prefix: uses <prefix>-syncs")
    target.add_argument("--table", default=None, help="the syncs table (default: $SYNCLINE_SYNCS_TABLE)")
    smoke = sub.add_parser(
        "smoke",
        help="after a deploy: check the OpenAPI document, auth, a report search and optionally a manual "
        "run; PASS/FAIL per step, exit 1 on a failure",
    )
    smoke.add_argument("--api", required=True, help="the API's URL (the stack's ApiUrl output)")
    smoke.add_argument(
        "--key",
        default=None,
        help="an API key with the operate scope (default: $SYNCLINE_API_KEY); never printed",
    )
    smoke.add_argument(
        "--run", default=None, metavar="SERVICE", help="also run this service now and wait for it"
    )
    smoke.add_argument(
        "--timeout", type=float, default=300.0, help="seconds to wait for the run to finish (default 300)"
    )
    clients = sub.add_parser("clients", help="OAuth clients of the inbound API (client credentials)")
    clients_sub = clients.add_subparsers(dest="clients_command", required=True)
    c_create = clients_sub.add_parser("create", help="create a client (its secret printed once)")
    c_create.add_argument("--tenant", required=True, help="the company group id")
    c_create.add_argument("--name", default="", help="what the client is (shown in lists)")
    c_create.add_argument(
        "--service", action="append", default=None, help="a service it may push to (repeat; default: all)"
    )
    c_create.add_argument("--rate", type=float, default=50.0, help="requests a second (token bucket refill)")
    c_create.add_argument("--burst", type=int, default=100, help="token bucket size")
    c_list = clients_sub.add_parser("list", help="list a company group's clients (never their secrets)")
    c_list.add_argument("--tenant", required=True)
    c_revoke = clients_sub.add_parser("revoke", help="revoke a client (its tokens stop within a minute)")
    c_revoke.add_argument("client_id")
    c_rotate = clients_sub.add_parser("rotate", help="a new secret for a client (printed once)")
    c_rotate.add_argument("client_id")
    config = sub.add_parser(
        "config",
        help="a company group's configuration as files: export, diff and apply them (config as code)",
    )
    config_sub = config.add_subparsers(dest="config_command", required=True)
    for name, text in (
        ("export", "write the company group's configuration to DIR (credential names, never values)"),
        ("diff", "what apply would change; exit 0 when nothing, 2 when something differs"),
        ("apply", "apply DIR through the API's service layer, in dependency order; print what it did"),
    ):
        command = config_sub.add_parser(name, help=text)
        command.add_argument("--tenant", default=None, help="the company group id (not with --api)")
        command.add_argument("dir", type=Path, metavar="DIR", help="the configuration's directory")
        command.add_argument(
            "--api",
            default=None,
            metavar="URL",
            help="through this API's /config routes instead of the tables (an admin key's company group)",
        )
        command.add_argument(
            "--key",
            default=None,
            help="with --api: an admin API key (default: $SYNCLINE_API_KEY); never printed",
        )
        if name == "export":
            continue
        command.add_argument(
            "--prune", action="store_true", help="also delete what the company group has and DIR does not"
        )
        command.add_argument(
            "--secrets",
            type=Path,
            default=None,
            metavar="FILE",
            help="a YAML file outside the repository: {connector_id: {credential: value}} (environment "
            "variables SYNCLINE_SECRET_<CONNECTOR>_<FIELD> win over it)",
        )
        if name == "apply":
            command.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    for command in (create, revoke, listing, c_create, c_list, c_revoke, c_rotate):
        target = command.add_mutually_exclusive_group()
        target.add_argument(
            "--stack-prefix", default=None, help="a deployed stack's prefix: uses <prefix>-config"
        )
        target.add_argument(
            "--table", default=None, help="the config table (default: $SYNCLINE_CONFIG_TABLE)"
        )
    return parser


def _days(value: str) -> int:
    days = int(value)
    if not 1 <= days <= 3650:
        raise argparse.ArgumentTypeError(f"--expires-in-days must be between 1 and 3650, got {value}")
    return days


def _port(value: str) -> int:
    port = int(value)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"--api-port must be between 0 and 65535, got {value}")
    return port


def _keys(args: argparse.Namespace) -> int:
    import os

    from syncline import api_keys
    from syncline.models import Tenant, is_valid_id
    from syncline.settings import ENV
    from syncline.store import ConfigStore

    table = args.table or (
        f"{args.stack_prefix}-config" if args.stack_prefix else os.environ.get(ENV["config_table"])
    )
    if not table:
        print(f"syncline keys: give --stack-prefix, --table or set {ENV['config_table']}", file=sys.stderr)
        return 2
    store = ConfigStore(table)
    if args.keys_command == "create":
        if not is_valid_id(args.tenant):
            print(f"syncline keys: invalid company group id {args.tenant!r}", file=sys.stderr)
            return 2
        if store.get_tenant(args.tenant) is None:
            store.put_tenant(Tenant(tenant_id=args.tenant, name=args.name or args.tenant))
            print(f"company group {args.tenant!r} created")
        key = api_keys.create_key(
            args.tenant, scope=args.scope, expires_in_days=args.expires_in_days, store=store
        )
        print(f"API key for company group {args.tenant!r}, scope {args.scope} (shown once: keep it now):")
        print(f"  {key}")
        print(f"key id (for `syncline keys revoke`): {api_keys.key_id(key)}")
        return 0
    if args.keys_command == "revoke":
        tenant = api_keys.revoke_key(args.key_id, store=store)
        if tenant is None:
            print("syncline keys: no such key", file=sys.stderr)
            return 1
        print(f"revoked a key of company group {tenant!r}")
        return 0
    if store.get_tenant(args.tenant) is None:
        print(f"syncline keys: no company group {args.tenant!r} in {table}", file=sys.stderr)
        return 1
    for row in api_keys.list_keys(args.tenant, store=store):
        state = (
            f"revoked {row['revoked_at']}" if row["revoked"] else "expired" if row["expired"] else "active"
        )
        expiry = f"expires {row['expires_at']}" if row["expires_at"] else "no expiry"
        print(f"{row['key_id']}  scope {row['scope']}  created {row['created_at']}  {expiry}  {state}")
    return 0


def _clients(args: argparse.Namespace) -> int:
    import os

    from syncline.errors import SynclineError
    from syncline.inbound import clients
    from syncline.settings import ENV
    from syncline.store import ConfigStore

    table = args.table or (
        f"{args.stack_prefix}-config" if args.stack_prefix else os.environ.get(ENV["config_table"])
    )
    if not table:
        print(f"syncline clients: give --stack-prefix, --table or set {ENV['config_table']}", file=sys.stderr)
        return 2
    store = ConfigStore(table)
    tenant = getattr(args, "tenant", None) or clients.tenant_of(getattr(args, "client_id", "")) or ""
    if store.get_tenant(tenant) is None:
        print(f"syncline clients: no company group {tenant!r} in {table}", file=sys.stderr)
        return 1
    try:
        if args.clients_command == "create":
            view, secret = clients.create_client(
                tenant, name=args.name, services=args.service, rate=args.rate, burst=args.burst, store=store
            )
        elif args.clients_command == "rotate":
            view, secret = clients.rotate_client(tenant, args.client_id, store=store)
        elif args.clients_command == "revoke":
            clients.revoke_client(tenant, args.client_id, store=store)
            print(f"revoked client {args.client_id} (its tokens stop working within a minute)")
            return 0
        else:
            for row in clients.list_clients(tenant, store=store):
                state = f"revoked {row['revoked_at']}" if row["revoked"] else "active"
                services = ",".join(row["services"] or []) or "all services"
                name = row["name"] or "-"
                print(f"{row['client_id']}  {name}  {services}  created {row['created_at']}  {state}")
            return 0
    except SynclineError as exc:
        print(f"syncline clients: {exc.message}", file=sys.stderr)
        return 1
    print(f"client id:     {view['client_id']}")
    print("client secret (shown once: keep it now):")
    print(f"  {secret}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except OSError as exc:
        import errno

        if exc.errno != errno.EADDRINUSE:
            raise
        print(
            f"syncline {args.command}: a port it needs is in use ({exc.strerror}); ", end="", file=sys.stderr
        )
        print("stop what holds it, or pick another with --api-port", file=sys.stderr)
        return 1
    except Exception as exc:
        from botocore.exceptions import NoCredentialsError, NoRegionError

        if not isinstance(exc, NoCredentialsError | NoRegionError):
            raise
        print(
            f"syncline {args.command}: {exc} (for a stack `syncline up` started, set the variables it "
            "printed; for a deployed one, your usual AWS credentials and region)",
            file=sys.stderr,
        )
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.command in ("demo", "up"):
        from syncline.local.demo import demo, up
        from syncline.local.stack import StackOptions
        from syncline.tables import HEALTH_RATE_MINUTES

        if args.command == "demo":
            options = StackOptions(records=args.records, fail_rate=args.fail_rate)
            return demo(options, out_dir=args.out, verbose=args.verbose)
        # `up` runs what AWS would run on a schedule, the reconciler included (every minute here).
        return up(
            StackOptions(
                records=args.records,
                fail_rate=args.fail_rate,
                schedule=args.schedule,
                reconcile_every=60.0,
                health_every=HEALTH_RATE_MINUTES * 60.0,
            ),
            api_port=args.api_port,
            verbose=args.verbose,
        )
    if args.command == "keys":
        return _keys(args)
    if args.command == "clients":
        return _clients(args)
    if args.command == "migrate":
        return _migrate(args)
    if args.command == "config":
        return _config(args)
    if args.command == "smoke":
        import os

        from syncline.smoke import smoke

        key = args.key or os.environ.get("SYNCLINE_API_KEY", "")
        if not key:
            print("syncline smoke: give --key or set SYNCLINE_API_KEY", file=sys.stderr)
            return 2
        return smoke(args.api, key, sys.stdout, run=args.run, timeout=args.timeout)
    return 2


def _config(args: argparse.Namespace) -> int:
    """`syncline config export|diff|apply`: against the tables and secrets the SYNCLINE_* variables
    name, through the same functions as the API's /config routes."""
    import os

    from syncline import wiring
    from syncline.api import configfiles
    from syncline.api.configfiles import apply as applying
    from syncline.api.configfiles import files, plan
    from syncline.settings import SettingsError, settings

    name = f"syncline config {args.config_command}"
    if (args.api is None) == (args.tenant is None):
        print(
            f"{name}: give --tenant (the tables, with AWS credentials) or --api (an API key)", file=sys.stderr
        )
        return 2
    if args.api is not None:
        return _config_remote(args, name)
    try:
        deps = wiring.deps()
    except SettingsError as exc:
        print(f"{name}: {exc} (the CLI reads the functions' SYNCLINE_* variables)", file=sys.stderr)
        return 2
    if deps.config.get_tenant(args.tenant) is None:
        print(f"{name}: no company group {args.tenant!r} (`syncline keys create` makes one)", file=sys.stderr)
        return 1
    if args.config_command == "export":
        written = configfiles.export(deps, args.tenant)
        removed = files.write_directory(args.dir, written)
        print(
            f"wrote {len(written)} file(s) to {args.dir}" + (f", removed {len(removed)}" if removed else "")
        )
        return 0
    try:
        documents = files.read_files(files.read_directory(args.dir))
        given = applying.credentials_from(documents, os.environ, args.secrets, args.dir)
        planned = plan.plan(
            deps, args.tenant, documents, prune=args.prune, credentials=given, hint=applying.credential_hint
        )
    except configfiles.ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{name}: {exc}; nothing was applied", file=sys.stderr)
        return 1
    except applying.SecretsFileError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return 1
    for line in planned.lines():
        print(line)
    if args.config_command == "diff":
        return 2 if planned.differs else 0
    cfg = settings()
    scheduled = any(
        c.desired and c.desired.values.get("active") and c.desired.values.get("schedule")
        for c in planned.changes
    )
    if scheduled and not (cfg.schedule_group and cfg.trigger_function_arn and cfg.scheduler_role_arn):
        print(
            "note: SYNCLINE_SCHEDULE_GROUP, SYNCLINE_TRIGGER_FUNCTION_ARN and SYNCLINE_SCHEDULER_ROLE_ARN "
            "are not all set: no schedule is made from here (the local stack plays schedules itself; for a "
            "deployed stack use POST /config/apply, or set them)",
            file=sys.stderr,
        )
    if args.dry_run or not planned.differs:
        print("dry run: nothing applied" if args.dry_run else "nothing to apply")
        return 0
    applied = applying.apply(deps, args.tenant, planned)
    for line in applied.done:
        print(line)
    if applied.failed is not None:
        for problem in applied.problems:
            print(f"error: {problem}", file=sys.stderr)
        failed = applied.failed
        print(
            f"{name}: stopped at {failed.action} {failed.kind} {failed.ident}; {len(applied.done)} change(s) "
            "before it were applied, none after it",
            file=sys.stderr,
        )
        return 1
    print(f"applied {len(applied.done)} change(s)")
    return 0


def _config_remote(args: argparse.Namespace, name: str) -> int:
    """`syncline config ... --api URL`: the /config routes with an API key."""
    import os

    from syncline.api import configfiles
    from syncline.api.configfiles import apply as applying
    from syncline.api.configfiles import files
    from syncline.api.configfiles.plan import plan_lines
    from syncline.api.configfiles.remote import Remote, RemoteError

    key = args.key or os.environ.get("SYNCLINE_API_KEY", "")
    if not key:
        print(f"{name}: give --key or set SYNCLINE_API_KEY", file=sys.stderr)
        return 2
    remote = Remote(args.api, key)
    try:
        if args.config_command == "export":
            written = remote.export()
            removed = files.write_directory(args.dir, written)
            print(
                f"wrote {len(written)} file(s) to {args.dir}"
                + (f", removed {len(removed)}" if removed else "")
            )
            return 0
        texts = files.read_directory(args.dir)
        given = applying.credentials_from(files.read_files(texts), os.environ, args.secrets, args.dir)
        body: dict[str, object] = {"files": texts, "prune": args.prune, "credentials": given or None}
        if args.config_command == "apply":
            body["dry_run"] = args.dry_run
        answer = remote.post(args.config_command, body)
    except configfiles.ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{name}: {exc}; nothing was sent", file=sys.stderr)
        return 1
    except applying.SecretsFileError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return 1
    except RemoteError as exc:
        for refused in exc.problems:
            print(f"error: {refused}", file=sys.stderr)
        print(f"{name}: the API refused it ({exc.status}): {exc.message}", file=sys.stderr)
        return 1
    for line in plan_lines(answer):
        print(line)
    if args.config_command == "diff":
        return 2 if answer["differs"] else 0
    for line in answer["done"]:
        print(line)
    print("dry run: nothing applied" if args.dry_run else f"applied {len(answer['done'])} change(s)")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    import os

    from syncline.settings import ENV
    from syncline.store import SyncStore, rekey

    table = args.table or (
        f"{args.stack_prefix}-syncs" if args.stack_prefix else os.environ.get(ENV["syncs_table"])
    )
    if not table:
        print(f"syncline migrate: give --stack-prefix, --table or set {ENV['syncs_table']}", file=sys.stderr)
        return 2
    result = rekey(SyncStore(table), dry_run=args.dry_run)
    verb = "to rewrite" if args.dry_run else "rewritten"
    print(
        f"{result.scanned} report and run rows read, {result.rewritten} {verb}, "
        f"{result.moved_on} rewritten meanwhile by the service (left as they are)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
