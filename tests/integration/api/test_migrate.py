"""`syncline migrate`: rows written with an older key layout are re-keyed, found again by every
search, and a second pass has nothing left to do."""

from __future__ import annotations

import pytest

from syncline import aws, cli, wiring
from syncline.store import item_key, marshal, rekey
from syncline.tables import BY_SERVICE, BY_STATUS
from tests.integration.api.conftest import AwsEnv, new_group, seed_items


def _to_old_layout(tenant_id: str, sync_ids: list[str]) -> None:
    """What an earlier version wrote: one by_service partition per service (no shard), and a
    by_status entry under a key this version never writes."""
    syncs = wiring.sync_store()
    for sync_id in sync_ids:
        item = syncs.get_item(tenant_id, sync_id)
        assert item is not None
        syncs.ddb.update_item(
            TableName=syncs.name,
            Key=marshal(item_key(tenant_id, sync_id)),
            UpdateExpression=f"SET {BY_SERVICE.pk} = :v, {BY_STATUS.sk} = :s",
            ExpressionAttributeValues=marshal(
                {":v": f"{tenant_id}#V#{item.service_id}", ":s": f"old#{sync_id}"}
            ),
        )


def test_old_rows_are_rekeyed_found_again_and_a_second_pass_writes_nothing(
    aws_env: AwsEnv, capsys: pytest.CaptureFixture[str]
) -> None:
    group = new_group("mig")
    seed_items(group, runs_per_service=2, items_per_run=6)
    service = next(iter(group.services))
    own = [i for i in group.items if i.service_id == service]
    _to_old_layout(group.tenant_id, [i.sync_id for i in own])

    items, _, _ = group.api.pages("/reports", {"service": service, "days": 15, "limit": 50})
    assert items == [], "old keys are invisible to this version's searches until migrated"

    table = wiring.sync_store().name
    assert cli.main(["migrate", "--table", table, "--dry-run"]) == 0
    dry = capsys.readouterr().out
    assert f"{len(own)} to rewrite" in dry
    items, _, _ = group.api.pages("/reports", {"service": service, "days": 15, "limit": 50})
    assert items == [], "a dry run writes nothing"

    assert cli.main(["migrate", "--table", table]) == 0
    assert f"{len(own)} rewritten" in capsys.readouterr().out
    items, _, _ = group.api.pages("/reports", {"service": service, "days": 15, "limit": 50})
    assert {i["sync_id"] for i in items} == {i.sync_id for i in own}
    failed = [i.sync_id for i in own if i.status.value == "Failed"]
    found, _, _ = group.api.pages("/reports", {"service": service, "status": "Failed", "days": 15})
    assert {i["sync_id"] for i in found} == set(failed)

    with aws.unobserved():
        again = rekey(wiring.sync_store())
    assert again.rewritten == 0 and again.scanned >= len(group.items)


def test_migrate_without_a_table_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SYNCLINE_SYNCS_TABLE", raising=False)
    assert cli.main(["migrate"]) == 2
    assert "--stack-prefix, --table or set SYNCLINE_SYNCS_TABLE" in capsys.readouterr().err


def test_rows_of_the_five_index_layout_lose_what_this_version_dropped(aws_env: AwsEnv) -> None:
    """The layout before fan-out pages: every row in by_status (OK too), by_ref without the day,
    by_source and by_endpoint. After the migration an OK row has two index entries, and the
    reference search (which reads the days of the window) finds every row again."""
    from syncline.tables import BY_REF, RETIRED_INDEX_ATTRIBUTES

    group = new_group("mig5")
    seed_items(group, runs_per_service=1, items_per_run=6)
    syncs = wiring.sync_store()
    for item in group.items:
        syncs.ddb.update_item(
            TableName=syncs.name,
            Key=marshal(item_key(group.tenant_id, item.sync_id)),
            UpdateExpression=(
                f"SET {BY_REF.pk} = :ref, {BY_STATUS.pk} = :status, {BY_STATUS.sk} = :at, "
                "GSI4PK = :src, GSI4SK = :srcsk, GSI5PK = :end, GSI5SK = :endsk"
            ),
            ExpressionAttributeValues=marshal(
                {
                    ":ref": f"{group.tenant_id}#REF#0",
                    ":status": f"{group.tenant_id}#S#{item.status.value}#0",
                    ":at": f"2026-01-01T00:00:00.000Z#{item.sync_id}",
                    ":src": f"{group.tenant_id}#SRC#0",
                    ":srcsk": f"{item.source_id}#{item.sync_id}",
                    ":end": f"{group.tenant_id}#END#0",
                    ":endsk": f"x#{item.sync_id}",
                }
            ),
        )
    reference = group.items[0].reference
    assert group.api.get("/reports", query={"reference": reference, "days": 15}).json()["items"] == []

    with aws.unobserved():
        done = rekey(syncs)
    assert done.rewritten == len(group.items)
    for item in group.items:
        raw = syncs.ddb.get_item(TableName=syncs.name, Key=marshal(item_key(group.tenant_id, item.sync_id)))
        names = set(raw["Item"])
        assert not names & set(RETIRED_INDEX_ATTRIBUTES)
        assert (BY_STATUS.pk in names) == (item.status.value in ("Failed", "Sent")), item.status
    found = group.api.get("/reports", query={"reference": reference, "days": 15}).json()["items"]
    assert [i["sync_id"] for i in found] == [group.items[0].sync_id]
