"""A file the destination rejects in its confirmation file: the entry goes Failed with the file
name still its endpoint id and the record still stored, so a plain resync sends it again (the same
file name: the sync id is the push's key); accepted files keep no payload."""

from __future__ import annotations

import json
from pathlib import Path

from syncline import wiring
from syncline.local.stack import SERVICE, TENANT, StackOptions, local_stack
from syncline.models import RunStatus, Status
from syncline.reports.resync import resync
from tests.fakes.sftp import FakeSftpServer
from tests.integration.pipeline.test_sftp_confirmations import push_to_sftp


def test_a_rejected_file_keeps_its_payload_and_file_name_and_resyncs(tmp_path: Path) -> None:
    with (
        FakeSftpServer(tmp_path / "sftp").start() as sftp,
        local_stack(StackOptions(records=3, fail_rate=0.0, permanent_failures=False)) as stack,
    ):
        push_to_sftp(sftp, filename_template="{entity}-{id}-{key}.{ext}")
        first = stack.wait_for_run(stack.fire(), timeout=60)
        assert first.status == RunStatus.OK and first.totals.Sent == 3
        items = sorted(
            wiring.sync_store().items_of_run(TENANT, SERVICE, first.run_id), key=lambda i: i.sync_id
        )
        rejected, *accepted = items
        assert all(i.payload is not None for i in items)  # kept until the destination confirms

        # the warehouse's confirmation file: one file rejected, with its reason
        folder = sftp.path("confirmations/orders")
        folder.mkdir(parents=True, exist_ok=True)
        verdicts = [{"file": rejected.endpoint_id, "status": "rejected", "message": "unknown SKU"}]
        verdicts += [{"file": i.endpoint_id, "status": "ok"} for i in accepted]
        (folder / "results-1.json").write_text(json.dumps(verdicts), encoding="utf-8")
        assert stack.pull() is None  # the next run reads the confirmations first

        settled = {i.sync_id: i for i in wiring.sync_store().items_of_run(TENANT, SERVICE, first.run_id)}
        failed = settled[rejected.sync_id]
        assert failed.status == Status.FAILED and failed.last_error is not None
        assert failed.last_error.message == "unknown SKU"
        assert failed.endpoint_id == rejected.endpoint_id  # the file name
        assert failed.payload == rejected.payload  # what a resync sends again
        for item in accepted:
            assert settled[item.sync_id].status == Status.OK and settled[item.sync_id].payload is None

        # a plain resync (no refetch) is not refused for want of a payload, and writes the same file
        result = resync(wiring.deps(), TENANT, sync_ids=[rejected.sync_id])
        assert result.refused == [] and result.queued == 1
        again = stack.wait_for_run(result.run_ids[0], timeout=60)
        resent = wiring.sync_store().get_item(TENANT, rejected.sync_id)
        assert again.totals.Sent == 1 and resent is not None and resent.status == Status.SENT
        assert resent.endpoint_id == rejected.endpoint_id
        assert (sftp.path("outbound/orders") / str(rejected.endpoint_id)).exists()
