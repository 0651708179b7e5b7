"""Config as code (issue 32): a company group's configuration exported as files, diffed and applied
with `syncline config` and the /config routes, through the API's own service layer.

Round trip (export, apply to an empty group, export again: the same bytes), a diff naming every
kind of change (a lookup table's rows and a mapping rule's transform arguments included), invalid
files refused with file, line and field and nothing written, renames, pruning, credentials given
from the environment or a secrets file and never written, and a change that breaks a running
service's mapping warned about before it is applied.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from syncline import wiring
from syncline.api import configfiles
from syncline.api.configfiles import files as config_files
from syncline.api.configfiles.apply import env_name
from syncline.api_keys import create_key
from syncline.cli import main
from syncline.models import ErrorInfo, Status, SyncItem, Tenant, new_run_id, sync_id_for

from .conftest import Api, AwsEnv

SHOP_TOKEN = "shpat-config-secret-0042"
WH_TOKEN = "wh-config-secret-0099"
LOOKUP_ROWS = [["standard", "DPD-STD"], ["express", "DPD-NEXT"], ["=cmd", "a,b"], ["multi\nline", "ünï ✓"]]
ORDERS_MAPPINGS = [
    {"source": "id", "target": "external_id"},
    {
        "source": "shipping_method",
        "target": "carrier",
        "transforms": [{"function": "lookup", "args": {"table": "carriers", "default": "DPD-STD"}}],
    },
    {"source": "name", "target": "title", "transforms": [{"function": "truncate", "args": {"length": 40}}]},
]


def _group(prefix: str) -> tuple[str, Api]:
    import uuid

    tenant_id = f"{prefix}-{uuid.uuid4().hex[:8]}"
    wiring.config_store().put_tenant(Tenant(tenant_id=tenant_id, name=tenant_id))
    return tenant_id, Api(create_key(tenant_id))


def _created(resp: Any) -> None:
    assert resp.status == 201, resp.text


def _seed(api: Api) -> None:
    """A company group with one object of every kind, and the awkward values of each."""
    _created(
        api.post(
            "/connectors",
            body={
                "connector_id": "shop",
                "system": "shopify",
                "name": "Main shop",
                "base_url": "https://shop.example.com",
                "settings": {"rate_limit": {"requests_per_second": 20}},
                "credentials": {"access_token": SHOP_TOKEN},
                "timezone": "Europe/Berlin",
            },
        )
    )
    _created(
        api.post(
            "/connectors",
            body={
                "connector_id": "wh",
                "system": "rest",
                "name": "Warehouse",
                "base_url": "https://wh.example.com/api",
                "settings": {"auth": "bearer", "headers": {"X-Tenant": "no"}},
                "credentials": {"token": WH_TOKEN},
            },
        )
    )
    _created(
        api.post(
            "/connectors",
            body={
                "connector_id": "erp-push",
                "system": "inbound",
                "name": "ERP orders",
                "settings": {"entity": "orders", "sample": {"id": "A-1", "total": 9.5}},
            },
        )
    )
    _created(
        api.post(
            "/lookups",
            body={
                "name": "carriers",
                "left_column": "method",
                "rows": LOOKUP_ROWS,
                "default_right": "DPD-STD",
            },
        )
    )
    _created(
        api.post(
            "/notification-groups", body={"group_id": "ops", "name": "Ops", "recipients": ["ops@example.com"]}
        )
    )
    _created(
        api.post(
            "/services",
            body={
                "service_id": "orders",
                "name": "Orders to the warehouse",
                "active": False,
                "schedule": "cron(0/15 8-18 ? * MON-FRI *)",
                "source": {"connector_id": "shop", "entity": "orders"},
                "destination": {"connector_id": "wh", "entity": "orders"},
                "filters": [{"field": "status", "operator": "equals", "value": "paid"}],
                "mappings": ORDERS_MAPPINGS,
                "payload_script": "$merge([$, {'source': 'syncline'}])\n",
                "alerts": {"enabled": True, "groups": ["ops"], "window_minutes": 30},
                "notes": "Owner: ops\nSecond line: 2025-01-31, no, 12:30",
            },
        )
    )
    _created(
        api.post(
            "/services",
            body={
                "service_id": "erp-orders",
                "name": "ERP orders",
                "source": {"connector_id": "erp-push", "entity": "orders"},
                "destination": {"connector_id": "wh", "entity": "orders"},
            },
        )
    )
    _created(
        api.post(
            "/services",
            body={
                "service_id": "sweeper",
                "name": "Sweeper",
                "type": "sweeper",
                "active": False,
                "source": {"connector_id": "shop", "entity": "orders"},
                "destination": {"connector_id": "wh", "entity": "orders"},
                "sweeper": {"sweeps": ["orders"], "window_days": 3},
            },
        )
    )


@pytest.fixture
def seeded(aws_env: AwsEnv) -> tuple[str, Api]:
    tenant_id, api = _group("cfg")
    _seed(api)
    return tenant_id, api


def _run(*argv: str) -> int:
    return main(["config", *argv])


def _tree(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(env_name("shop", "access_token"), SHOP_TOKEN)
    monkeypatch.setenv(env_name("wh", "token"), WH_TOKEN)


def test_round_trip_export_apply_to_an_empty_group_export_again(
    seeded: tuple[str, Api],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tenant_id, _ = seeded
    first, again, copy = tmp_path / "first", tmp_path / "again", tmp_path / "copy"
    assert _run("export", "--tenant", tenant_id, str(first)) == 0
    assert _run("export", "--tenant", tenant_id, str(again)) == 0
    assert _tree(first) == _tree(again)  # a second export is byte-identical
    assert sorted(_tree(first)) == [
        "connectors/erp-push.yaml",
        "connectors/shop.yaml",
        "connectors/wh.yaml",
        "lookups/carriers.csv",
        "lookups/carriers.yaml",
        "notification-groups/ops.yaml",
        "services/erp-orders.yaml",
        "services/orders.yaml",
        "services/sweeper.yaml",
    ]
    shop = (first / "connectors/shop.yaml").read_text()
    assert "credentials:\n- access_token\n" in shop and SHOP_TOKEN not in shop
    assert "X-Tenant: 'no'" in (first / "connectors/wh.yaml").read_text()  # stays text in YAML 1.1 too
    assert _run("diff", "--tenant", tenant_id, str(first)) == 0  # the files are what the group holds

    empty, _ = _group("cfg-empty")
    capsys.readouterr()
    _secrets(monkeypatch)
    assert _run("diff", "--tenant", empty, str(first)) == 2
    assert _run("apply", "--tenant", empty, str(first)) == 0
    out = capsys.readouterr().out
    # dependency order: connectors, lookups, notification groups, services
    done = [line for line in out.splitlines() if line.startswith("created ")]
    assert [line.split()[1] for line in done] == ["connector"] * 3 + ["lookup", "notification_group"] + [
        "service"
    ] * 3
    assert _run("export", "--tenant", empty, str(copy)) == 0
    assert _tree(copy) == _tree(first)
    assert _run("diff", "--tenant", empty, str(first)) == 0
    # the credentials came from the environment, into Secrets Manager only
    row = wiring.config_store().require_connector(empty, "shop")
    assert dict(wiring.credentials(row.credentials_secret_arn)) == {"access_token": SHOP_TOKEN}
    # the zip the API serves is as stable as the files
    assert configfiles.zip_files(configfiles.export(wiring.deps(), empty)) == configfiles.zip_files(
        {path: data.decode() for path, data in _tree(first).items()}
    )


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (old, text)
    path.write_text(text.replace(old, new, 1))


def test_diff_names_every_kind_of_change(seeded: tuple[str, Api], tmp_path: Path) -> None:
    tenant_id, _ = seeded
    deps = wiring.deps()
    config_files.write_directory(tmp_path, configfiles.export(deps, tenant_id))
    _edit(tmp_path / "connectors/wh.yaml", "name: Warehouse", "name: Main warehouse")
    _edit(tmp_path / "services/orders.yaml", "length: 40", "length: 25")
    _edit(tmp_path / "services/orders.yaml", "window_minutes: 30", "window_minutes: 60")
    _edit(
        tmp_path / "notification-groups/ops.yaml",
        "- ops@example.com",
        "- ops@example.com\n- oncall@example.com",
    )
    csv = tmp_path / "lookups/carriers.csv"
    csv.write_bytes(
        csv.read_bytes().replace(b"express,DPD-NEXT\r\n", b"").replace(b"DPD-STD", b"DPD-CLASSIC")
    )
    csv.write_bytes(csv.read_bytes() + b"pickup,NONE\r\n")
    new = (tmp_path / "services/orders.yaml").read_text().replace("service_id: orders", "service_id: returns")
    (tmp_path / "services/returns.yaml").write_text(new.replace("inbound_path: null", "inbound_path: null"))
    (tmp_path / "services/sweeper.yaml").unlink()

    planned = configfiles.diff(deps, tenant_id, config_files.read_directory(tmp_path))
    changes = {(c.action, c.kind, c.ident): [str(f) for f in c.fields] for c in planned.changes}
    assert changes == {
        ("update", "connector", "wh"): ['name: "Warehouse" -> "Main warehouse"'],
        ("update", "lookup", "carriers"): [
            'rows["standard"]: "DPD-STD" -> "DPD-CLASSIC"',
            'rows["pickup"]: (none) -> "NONE"',
            'rows["express"]: "DPD-NEXT" -> (none)',
        ],
        ("update", "notification_group", "ops"): ['recipients[1]: (none) -> "oncall@example.com"'],
        ("create", "service", "returns"): [],
        ("update", "service", "orders"): [
            "mappings[2].transforms[0].args.length: 40 -> 25",
            "alerts.window_minutes: 30 -> 60",
        ],
    }
    assert [(d.kind, d.ident) for d in planned.kept] == [("service", "sweeper")]  # deleted only with prune
    pruned = configfiles.diff(deps, tenant_id, config_files.read_directory(tmp_path), prune=True)
    assert [(c.action, c.ident) for c in pruned.changes if c.action == "delete"] == [("delete", "sweeper")]
    text = "\n".join(pruned.lines())
    assert "- delete service sweeper (services/sweeper.yaml)" in text
    assert "6 change(s): 1 to create, 4 to update, 1 to delete" in text

    # the default of a lookup table, and the order of its rows
    _edit(tmp_path / "lookups/carriers.yaml", "default_right: DPD-STD", "default_right: NONE")
    lines = csv.read_bytes().split(b"\r\n")
    csv.write_bytes(b"\r\n".join([lines[0], lines[2], lines[1], *lines[3:]]))
    planned = configfiles.diff(deps, tenant_id, config_files.read_directory(tmp_path))
    (lookup,) = [c for c in planned.changes if c.kind == "lookup"]
    assert [str(f) for f in lookup.fields][0] == 'default_right: "DPD-STD" -> "NONE"'


def test_apply_applies_in_dependency_order_and_prunes_in_reverse(
    seeded: tuple[str, Api],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tenant_id, api = seeded
    config_files.write_directory(tmp_path, configfiles.export(wiring.deps(), tenant_id))
    # a new lookup table used by a changed mapping, in one apply: the table must come first
    (tmp_path / "lookups/sizes.yaml").write_text("kind: lookup\nname: sizes\n")
    (tmp_path / "lookups/sizes.csv").write_text("left_value,right_value\nS,small\n")
    _edit(tmp_path / "services/orders.yaml", "table: carriers", "table: sizes")
    for name in ("services/erp-orders.yaml", "services/sweeper.yaml", "connectors/erp-push.yaml"):
        (tmp_path / name).unlink()
    capsys.readouterr()
    assert _run("apply", "--tenant", tenant_id, str(tmp_path), "--dry-run", "--prune") == 0
    assert "dry run: nothing applied" in capsys.readouterr().out
    assert api.get("/lookups/sizes").status == 404
    assert _run("apply", "--tenant", tenant_id, str(tmp_path), "--prune") == 0
    done = [
        line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith(("created", "updated", "deleted"))
    ]
    assert done == [
        "created lookup sizes",
        "deleted service erp-orders",
        "deleted service sweeper",
        "updated service orders (mappings)",
        "deleted connector erp-push",
    ]
    assert api.get("/services/orders").json()["mappings"][1]["transforms"][0]["args"]["table"] == "sizes"
    assert api.get("/connectors/erp-push").status == 404
    assert _run("diff", "--tenant", tenant_id, str(tmp_path), "--prune") == 0


def _problems(tenant_id: str, directory: Path, **kwargs: Any) -> list[str]:
    with pytest.raises(configfiles.ConfigError) as caught:
        configfiles.diff(wiring.deps(), tenant_id, config_files.read_directory(directory), **kwargs)
    return [str(p) for p in caught.value.problems]


def test_invalid_files_are_refused_with_file_line_and_field_and_nothing_is_written(
    seeded: tuple[str, Api], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tenant_id, api = seeded
    config_files.write_directory(tmp_path, configfiles.export(wiring.deps(), tenant_id))
    orders = tmp_path / "services/orders.yaml"
    lines = orders.read_text().splitlines()
    page_line = next(n for n, line in enumerate(lines, 1) if "page_size:" in line)
    _edit(orders, "page_size: 100", "page_size: 0")
    _edit(orders, "length: 40", "length: -1")
    _edit(tmp_path / "connectors/wh.yaml", "name: Warehouse", "name: Warehouse\ncolour: blue")
    csv = tmp_path / "lookups/carriers.csv"
    csv.write_bytes(csv.read_bytes() + b"standard,AGAIN\r\n")  # line 7: a row above spans two
    (tmp_path / "notification-groups/ops.yaml").write_text(
        "kind: notification_group\ngroup_id: ops\nname: A\nname: B\n"
    )
    problems = _problems(tenant_id, tmp_path)
    assert (
        f"services/orders.yaml:{page_line}: settings.page_size: Input should be greater than or equal to 1"
        in problems
    )
    wh_lines = (tmp_path / "connectors/wh.yaml").read_text().splitlines()
    colour = wh_lines.index("colour: blue") + 1
    assert f"connectors/wh.yaml:{colour}: colour: Extra inputs are not permitted" in problems
    assert "lookups/carriers.csv:7: rows: the left value is already used on line 2" in problems
    assert "notification-groups/ops.yaml:4: name: this key is given twice" in problems
    # rule problems are found before any write too, with the rule's line
    (tmp_path / "connectors/wh.yaml").write_text("\n".join(wh_lines[: colour - 1] + wh_lines[colour:]) + "\n")
    csv.write_bytes(csv.read_bytes().replace(b"standard,AGAIN\r\n", b""))
    (tmp_path / "notification-groups/ops.yaml").unlink()
    _edit(orders, "page_size: 0", "page_size: 100")
    problems = _problems(tenant_id, tmp_path, prune=True)  # prune: the group goes, its users stay
    length_line = next(n for n, text in enumerate(orders.read_text().splitlines(), 1) if "length: -1" in text)
    assert any(
        p.startswith(f"services/orders.yaml:{length_line}: mappings[2].transforms[0].args.length")
        for p in problems
    ), problems
    assert any("alerts.groups[0]: no notification group 'ops'" in p for p in problems), problems

    before = api.get("/services/orders").json()
    capsys.readouterr()
    assert _run("apply", "--tenant", tenant_id, str(tmp_path)) == 1
    err = capsys.readouterr().err
    assert f"error: services/orders.yaml:{length_line}: mappings[2].transforms[0].args.length" in err
    assert "nothing was applied" in err
    assert api.get("/services/orders").json() == before


def test_credential_values_in_a_file_are_refused_without_echoing_them(
    seeded: tuple[str, Api], tmp_path: Path
) -> None:
    tenant_id, _ = seeded
    config_files.write_directory(tmp_path, configfiles.export(wiring.deps(), tenant_id))
    _edit(
        tmp_path / "connectors/shop.yaml",
        "credentials:\n- access_token",
        f"credentials:\n  access_token: {SHOP_TOKEN}",
    )
    (problem,) = _problems(tenant_id, tmp_path)
    assert problem.startswith("connectors/shop.yaml:")
    assert "credentials: list the names of the credential fields only" in problem
    assert SHOP_TOKEN not in problem


def test_a_changed_id_is_a_delete_and_a_create_only_with_prune(
    seeded: tuple[str, Api], tmp_path: Path
) -> None:
    tenant_id, api = seeded
    config_files.write_directory(tmp_path, configfiles.export(wiring.deps(), tenant_id))
    _edit(tmp_path / "services/sweeper.yaml", "service_id: sweeper", "service_id: orders-sweeper")
    (problem,) = _problems(tenant_id, tmp_path)
    assert problem.startswith("services/sweeper.yaml:2: service_id: the file is named 'sweeper'")
    assert "'orders-sweeper'" in problem and "--prune" in problem
    planned = configfiles.diff(wiring.deps(), tenant_id, config_files.read_directory(tmp_path), prune=True)
    assert [(c.action, c.ident) for c in planned.changes] == [
        ("delete", "sweeper"),
        ("create", "orders-sweeper"),
    ]
    assert configfiles.run_plan(wiring.deps(), tenant_id, planned).ok
    assert api.get("/services/orders-sweeper").status == 200 and api.get("/services/sweeper").status == 404
    # two files claiming one id
    (tmp_path / "services/copy.yaml").write_text((tmp_path / "services/sweeper.yaml").read_text())
    problems = _problems(tenant_id, tmp_path, prune=True)
    assert any(
        "is also defined in services/copy.yaml" in p or "is also defined in services/sweeper.yaml" in p
        for p in problems
    )


def test_a_connector_is_created_only_with_its_credentials(
    aws_env: AwsEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tenant_id, api = _group("cfg-cred")
    (tmp_path / "connectors").mkdir()
    (tmp_path / "connectors/shop.yaml").write_text(
        "kind: connector\nconnector_id: shop\nsystem: shopify\nname: Shop\n"
        "base_url: https://shop.example.com\ncredentials:\n- access_token\n"
    )
    assert _run("apply", "--tenant", tenant_id, str(tmp_path)) == 1
    err = capsys.readouterr().err
    assert "connectors/shop.yaml:7: credentials[0]: creating a connector needs every credential given" in err
    assert (
        env_name("shop", "access_token") == "SYNCLINE_SECRET_SHOP_ACCESS_TOKEN"
        and "SYNCLINE_SECRET_SHOP_ACCESS_TOKEN" in err
    )
    assert api.get("/connectors/shop").status == 404

    # a secrets file inside the repository is refused; outside it, it is read
    repo = tmp_path
    (repo / ".git").mkdir()
    inside = repo / "secrets.yaml"
    inside.write_text(f"shop:\n  access_token: {SHOP_TOKEN}\n")
    assert _run("apply", "--tenant", tenant_id, str(repo), "--secrets", str(inside)) == 1
    assert "must lie outside the configuration's repository" in capsys.readouterr().err
    outside = tmp_path.parent / f"{tmp_path.name}-secrets.yaml"
    outside.write_text(f"shop:\n  access_token: {SHOP_TOKEN}\n")
    assert _run("apply", "--tenant", tenant_id, str(repo), "--secrets", str(outside)) == 0
    out = capsys.readouterr().out
    assert "created connector shop" in out and SHOP_TOKEN not in out
    # stage credentials rotate: a new value from the environment replaces the stored one (not shown)
    monkeypatch.setenv(env_name("shop", "access_token"), "shpat-rotated")
    assert _run("diff", "--tenant", tenant_id, str(repo)) == 2
    assert 'credentials (values): "(stored)" -> "(replaced; values not shown)"' in capsys.readouterr().out
    assert _run("apply", "--tenant", tenant_id, str(repo)) == 0
    row = wiring.config_store().require_connector(tenant_id, "shop")
    assert dict(wiring.credentials(row.credentials_secret_arn)) == {"access_token": "shpat-rotated"}
    monkeypatch.delenv(env_name("shop", "access_token"))
    assert _run("diff", "--tenant", tenant_id, str(repo)) == 0  # stored, not given: kept
    # stored credentials never follow a connector to another address
    _edit(repo / "connectors/shop.yaml", "https://shop.example.com", "https://elsewhere.example.com")
    capsys.readouterr()
    assert _run("diff", "--tenant", tenant_id, str(repo)) == 1
    err = capsys.readouterr().err
    assert "connectors/shop.yaml:6: credentials: required again when the connector's address changes" in err
    monkeypatch.setenv(env_name("shop", "access_token"), "shpat-for-elsewhere")
    assert _run("apply", "--tenant", tenant_id, str(repo)) == 0


def test_diff_warns_when_a_change_breaks_the_mapping_of_the_last_records(
    seeded: tuple[str, Api], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tenant_id, _ = seeded
    syncs = wiring.sync_store()
    rows = []
    for n, total in enumerate(["12.50", "7", "n/a"]):  # the last one: not a number
        item = SyncItem(
            tenant_id=tenant_id,
            sync_id=sync_id_for("orders", f"o-{n}", "1"),
            run_id=new_run_id(),
            service_id="orders",
            source_system="shopify",
            source_entity="orders",
            destination_system="rest",
            destination_entity="orders",
            reference=f"#{1000 + n}",
            source_id=f"o-{n}",
            status=Status.FAILED,
            attempts=5,
            last_error=ErrorInfo(code="transient", message="503"),
            payload={
                "id": f"o-{n}",
                "status": "paid",
                "name": "x",
                "shipping_method": "express",
                "total": total,
            },
        )
        rows.append(syncs.item_row(item))
    syncs._batch_write(rows)
    config_files.write_directory(tmp_path, configfiles.export(wiring.deps(), tenant_id))
    assert _run("diff", "--tenant", tenant_id, str(tmp_path)) == 0
    assert "warning" not in capsys.readouterr().out
    _edit(
        tmp_path / "services/orders.yaml",
        "- source: name",
        "- source: total\n  target: amount\n  transforms:\n  - function: to_float\n- source: name",
    )
    assert _run("diff", "--tenant", tenant_id, str(tmp_path)) == 2
    out = capsys.readouterr().out
    assert (
        "warning: service orders: the new rules fail on 1 of its last 3 records that the current rules map"
        in out
    )
    assert "#1002" in out
    # a change that maps every record is no warning
    _edit(tmp_path / "services/orders.yaml", "- function: to_float", "- function: to_string")
    assert _run("diff", "--tenant", tenant_id, str(tmp_path)) == 2
    assert "warning" not in capsys.readouterr().out


def test_export_zip_is_deterministic() -> None:
    files = {"services/b.yaml": "kind: service\n", "connectors/a.yaml": "kind: connector\n"}
    data = configfiles.zip_files(files)
    assert data == configfiles.zip_files(dict(reversed(list(files.items()))))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["connectors/a.yaml", "services/b.yaml"]
        assert archive.read("services/b.yaml") == b"kind: service\n"


def _unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_api_exports_diffs_and_applies_with_an_admin_key_only(seeded: tuple[str, Api]) -> None:
    tenant_id, api = seeded
    exported = api.get("/config/export", headers={"Accept": "application/zip"})
    assert exported.status == 200, exported.text
    assert exported.headers["content-type"] == "application/zip"
    assert exported.headers["content-disposition"] == f'attachment; filename="{tenant_id}-config.zip"'
    files = _unzip(exported.body)
    assert files == configfiles.export(wiring.deps(), tenant_id)
    assert api.get("/config/export").body == exported.body  # the same bytes again

    same = api.post("/config/diff", body={"files": files})
    assert same.status == 200, same.text
    assert same.json()["differs"] is False and same.json()["summary"] == "no changes"
    changed = dict(files)
    changed["services/orders.yaml"] = changed["services/orders.yaml"].replace("length: 40", "length: 30")
    diffed = api.post("/config/diff", body={"files": changed}).json()
    assert diffed["differs"] is True
    assert diffed["changes"] == [
        {
            "action": "update",
            "kind": "service",
            "id": "orders",
            "file": "services/orders.yaml",
            "fields": [{"field": "mappings[2].transforms[0].args.length", "before": 40, "after": 30}],
        }
    ]
    bad = dict(files)
    bad["services/orders.yaml"] = bad["services/orders.yaml"].replace("active: false", "active: maybe")
    refused = api.post("/config/apply", body={"files": bad})
    assert refused.status == 422, refused.text
    (field,) = refused.json()["error"]["fields"]
    line = next(n for n, text in enumerate(bad["services/orders.yaml"].splitlines(), 1) if "active:" in text)
    assert field == {
        "field": "active",
        "message": "Input should be a valid boolean",
        "file": "services/orders.yaml",
        "line": line,
    }

    # another company group, credentials in the request (write-only)
    empty, empty_api = _group("cfg-api")
    credentials = {"shop": {"access_token": SHOP_TOKEN}, "wh": {"token": WH_TOKEN}}
    dry = empty_api.post("/config/apply", body={"files": files, "credentials": credentials, "dry_run": True})
    assert dry.status == 200, dry.text
    assert dry.json()["done"] == [] and empty_api.get("/connectors").json()["items"] == []
    applied = empty_api.post("/config/apply", body={"files": files, "credentials": credentials})
    assert applied.status == 200, applied.text
    assert len(applied.json()["done"]) == 8
    assert SHOP_TOKEN not in applied.text and WH_TOKEN not in applied.text
    assert _unzip(empty_api.get("/config/export").body) == files
    missing = _group("cfg-nocred")[1].post("/config/apply", body={"files": files})
    assert missing.status == 422
    assert {f["field"] for f in missing.json()["error"]["fields"]} == {"credentials[0]"}

    for scope in ("read", "operate"):
        limited = Api(create_key(tenant_id, scope=scope))
        assert limited.get("/config/export").status == 403
        assert limited.post("/config/diff", body={"files": files}).status == 403
        assert limited.post("/config/apply", body={"files": files}).status == 403


def test_exported_files_validate_against_the_published_schema(seeded: tuple[str, Api]) -> None:
    import json

    import jsonschema
    import yaml

    tenant_id, _ = seeded
    root = Path(__file__).resolve().parents[3]
    schema = json.loads((root / "docs" / "config.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    files = configfiles.export(wiring.deps(), tenant_id)
    documents = [yaml.safe_load(text) for path, text in files.items() if path.endswith(".yaml")]
    assert {d["kind"] for d in documents} == {"connector", "lookup", "notification_group", "service"}
    for document in documents:
        assert not list(validator.iter_errors(document)), document
    service = next(d for d in documents if d["kind"] == "service")
    assert list(validator.iter_errors({**service, "schedul": "rate(1 hour)"}))  # an editor flags a typo
    connector = next(d for d in documents if d["kind"] == "connector")
    assert list(validator.iter_errors({**connector, "credentials": {"access_token": "x"}}))


def test_the_cli_works_through_the_api_with_only_a_key(
    seeded: tuple[str, Api],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from syncline.local.http import ApiServer

    tenant_id, api = seeded
    assert api.key is not None
    with ApiServer() as server:
        remote = ("--api", server.url, "--key", api.key)
        assert _run("export", str(tmp_path / "a"), *remote) == 0
        assert {p: t.decode() for p, t in _tree(tmp_path / "a").items()} == configfiles.export(
            wiring.deps(), tenant_id
        )
        assert _run("diff", str(tmp_path / "a"), *remote) == 0
        _edit(tmp_path / "a/services/orders.yaml", "length: 40", "length: 30")
        capsys.readouterr()
        assert _run("diff", str(tmp_path / "a"), *remote) == 2
        assert "    mappings[2].transforms[0].args.length: 40 -> 30" in capsys.readouterr().out

        empty, empty_api = _group("cfg-remote")
        assert empty_api.key is not None
        _secrets(monkeypatch)
        target = ("--api", server.url, "--key", empty_api.key)
        assert _run("apply", str(tmp_path / "a"), *target) == 0
        assert "applied 8 change(s)" in capsys.readouterr().out
        assert _run("diff", str(tmp_path / "a"), *target) == 0

        _edit(tmp_path / "a/services/orders.yaml", "active: false", "active: 2")
        capsys.readouterr()
        assert _run("apply", str(tmp_path / "a"), *target) == 1
        err = capsys.readouterr().err
        assert "error: services/orders.yaml:5: active: Input should be a valid boolean" in err
        assert "nothing was sent" in err
    assert _run("diff", str(tmp_path / "a")) == 2  # neither --tenant nor --api


def test_a_service_whose_schedule_fails_is_not_left_half_applied(
    seeded: tuple[str, Api],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """All or nothing per object: a service is written with its schedule or not at all (the service
    layer the API shares puts the row back when the schedule call fails)."""
    from syncline import schedules

    tenant_id, api = seeded
    config_files.write_directory(tmp_path, configfiles.export(wiring.deps(), tenant_id))
    _edit(tmp_path / "services/sweeper.yaml", "name: Sweeper", "name: Night sweeper")
    new = (tmp_path / "services/sweeper.yaml").read_text().replace("service_id: sweeper", "service_id: later")
    (tmp_path / "services/later.yaml").write_text(new.replace("active: false", "active: true"))
    before = api.get("/services/sweeper").json()

    def unavailable(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("scheduler unavailable")

    monkeypatch.setattr(schedules, "apply", unavailable)
    _, failed = configfiles.apply_files(wiring.deps(), tenant_id, config_files.read_directory(tmp_path))
    assert failed is not None and failed.done == [] and isinstance(failed.error, RuntimeError)
    assert failed.failed is not None and failed.failed.ident == "later"  # the first change (sorted)
    assert [str(p) for p in failed.problems] == [
        "services/later.yaml: failed (RuntimeError); nothing of this service was changed"
    ]
    assert api.get("/services/later").status == 404  # its row was written, then removed again
    assert api.patch("/services/sweeper", body={"name": "x"}).status == 500  # the API shares it
    assert api.get("/services/sweeper").json() == before  # the row put back
    monkeypatch.undo()
    assert api.get("/services/sweeper").json() == before
    planned, applied = configfiles.apply_files(
        wiring.deps(), tenant_id, config_files.read_directory(tmp_path)
    )
    assert applied is not None and applied.ok and len(planned.changes) == 2
    assert api.get("/services/sweeper").json()["name"] == "Night sweeper"


def test_a_connectors_system_cannot_change(seeded: tuple[str, Api], tmp_path: Path) -> None:
    tenant_id, _ = seeded
    config_files.write_directory(tmp_path, configfiles.export(wiring.deps(), tenant_id))
    _edit(tmp_path / "connectors/wh.yaml", "system: rest", "system: woocommerce")
    (problem,) = _problems(tenant_id, tmp_path)
    assert problem.startswith("connectors/wh.yaml:3: system: a connector's system cannot change")
