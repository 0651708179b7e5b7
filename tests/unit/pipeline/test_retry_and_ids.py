from __future__ import annotations

import pytest

from syncline.models import new_run_id, sync_id_for
from syncline.pipeline.retry import MAX_VISIBILITY_SECONDS, retry_delay
from syncline.settings import SettingsError, load_settings
from syncline.tables import SYNC_QUEUE, SYNCS, create_queue_attributes, create_table_request


def test_retry_delay_doubles_per_attempt_up_to_the_ceiling() -> None:
    assert [retry_delay(a, base=30, ceiling=900) for a in range(1, 8)] == [30, 60, 120, 240, 480, 900, 900]


def test_retry_after_wins_when_longer_and_is_capped_by_sqs() -> None:
    assert retry_delay(1, base=30, ceiling=900, retry_after=120.2) == 121
    assert retry_delay(3, base=30, ceiling=900, retry_after=5) == 120
    assert retry_delay(1, base=30, ceiling=900, retry_after=10**6) == MAX_VISIBILITY_SECONDS


def test_sync_id_is_deterministic_per_service_record_and_version() -> None:
    first = sync_id_for("svc", "1001", "2026-11-01T00:00:00Z")
    assert first == sync_id_for("svc", "1001", "2026-11-01T00:00:00Z")
    assert first != sync_id_for("svc", "1001", "2026-11-01T00:00:01Z")
    assert first != sync_id_for("other", "1001", "2026-11-01T00:00:00Z")
    assert first != sync_id_for("svc", "1002", "2026-11-01T00:00:00Z")


def test_run_ids_sort_by_start_time() -> None:
    from datetime import UTC, datetime, timedelta

    early = datetime(2026, 1, 1, tzinfo=UTC)
    assert (
        new_run_id(early)
        < new_run_id(early + timedelta(milliseconds=1))
        < new_run_id(early + timedelta(days=1))
    )


def test_table_definition_has_the_report_indexes_and_ttl() -> None:
    request = create_table_request(SYNCS, "p")
    assert request["TableName"] == "p-syncs"
    assert {i["IndexName"] for i in request["GlobalSecondaryIndexes"]} == {
        "by_status",
        "by_service",
        "by_ref",
    }
    assert SYNCS.ttl_attribute == "expires_at"


def test_sync_queue_redrives_after_max_attempts() -> None:
    attributes = create_queue_attributes(SYNC_QUEUE, "arn:aws:sqs:us-east-1:1:dlq")
    assert '"maxReceiveCount": 5' in attributes["RedrivePolicy"]
    assert int(attributes["VisibilityTimeout"]) >= 6 * 30
    with pytest.raises(ValueError, match="dead-letter"):
        create_queue_attributes(SYNC_QUEUE, None)


def test_configuration_errors_name_the_variable() -> None:
    with pytest.raises(SettingsError, match="SYNCLINE_CONFIG_TABLE"):
        load_settings({"SYNCLINE_SYNCS_TABLE": "x-syncs"})
    with pytest.raises(SettingsError, match="SYNCLINE_RETENTION_DAYS"):
        load_settings(
            {
                "SYNCLINE_CONFIG_TABLE": "a-config",
                "SYNCLINE_SYNCS_TABLE": "a-syncs",
                "SYNCLINE_SYNC_QUEUE_URL": "q",
                "SYNCLINE_SYNC_DLQ_URL": "d",
                "SYNCLINE_TRIGGER_QUEUE_URL": "t",
                "SYNCLINE_RETENTION_DAYS": "soon",
            }
        )
