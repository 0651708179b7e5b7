"""A file-drop destination: pushes end as Sent; the destination's later listing of processed
and rejected files moves them to OK or Failed on the next run (real SFTP server on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncline import wiring
from syncline.api.management import run_now
from syncline.local.stack import SERVICE, TENANT, StackOptions, local_stack
from syncline.models import ConnectorConfig, Endpoint, RunStatus, Status
from tests.fakes.sftp import FakeSftpServer


def push_to_sftp(sftp: FakeSftpServer, **settings: str) -> None:
    """The demo service's destination becomes a file drop on `sftp` (connector `drop`)."""
    config = wiring.config_store()
    arn = wiring.store_credentials(TENANT, "drop", sftp.credentials())
    config.put_connector(
        ConnectorConfig(
            tenant_id=TENANT,
            connector_id="drop",
            system="sftp",
            name="Warehouse file drop",
            base_url=sftp.url,
            credentials_secret_arn=arn,
            settings={"host_key": sftp.host_key_line, **settings},
        )
    )
    service = config.require_service(TENANT, SERVICE)
    config.put_service(
        service.model_copy(update={"destination": Endpoint(connector_id="drop", entity="orders")})
    )


@pytest.mark.parametrize("second", ["schedule", "run-now"])
def test_sent_items_become_ok_or_failed_when_the_destination_confirms(tmp_path: Path, second: str) -> None:
    """The confirmations are read at the start of the next run, scheduled or "run now" alike."""
    with (
        FakeSftpServer(tmp_path / "sftp").start() as sftp,
        local_stack(StackOptions(records=6, fail_rate=0.0, permanent_failures=False)) as stack,
    ):
        push_to_sftp(sftp, confirmation_mode="listing")
        first = stack.wait_for_run(stack.fire(), timeout=60)
        assert first.status == RunStatus.OK and first.totals.Sent == 6 and first.pushed == 6
        items = list(wiring.sync_store().items_of_run(TENANT, SERVICE, first.run_id))
        assert {i.status for i in items} == {Status.SENT}
        outbound = sftp.path("outbound/orders")
        assert sorted(p.name for p in outbound.iterdir()) == sorted(i.endpoint_id or "" for i in items)

        # the warehouse processes five files and rejects one
        rejected = items[0]
        for folder, chosen in (("confirmations/orders", items[1:]), ("rejected/orders", [rejected])):
            target = sftp.path(folder)
            target.mkdir(parents=True, exist_ok=True)
            for item in chosen:
                (outbound / str(item.endpoint_id)).rename(target / str(item.endpoint_id))

        if second == "run-now":  # through the API's path: the run opened first, then queued
            next_run = run_now(wiring.deps(), TENANT, SERVICE, None).run_id
            stack.wait_for_run(next_run, timeout=60)  # the next run reads the confirmations first
        else:
            # a scheduled pull reads the confirmations first, even when it finds nothing to pull
            assert stack.pull() is None
        settled = {i.sync_id: i for i in wiring.sync_store().items_of_run(TENANT, SERVICE, first.run_id)}
        assert settled[rejected.sync_id].status == Status.FAILED
        assert settled[rejected.sync_id].last_error is not None
        assert sum(i.status == Status.OK for i in settled.values()) == 5
        run = stack.run(first.run_id)
        assert (run.totals.OK, run.totals.Sent, run.totals.Failed) == (5, 0, 1)
        assert run.status == RunStatus.FAILED

        # confirmations already applied change nothing when read again
        assert stack.pull() is None
        assert stack.run(first.run_id).totals == run.totals
