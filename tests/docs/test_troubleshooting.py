"""Every promise of the troubleshooting guide (docs/troubleshooting.md) is backed by a test: each
passage below must still be in the guide, word for word (whitespace aside), and every test named
for it must exist. Editing a promise, or renaming or removing the test behind it, fails here, so
the two are changed together. (The guide's commands are API routes and AWS operations that
tests/docs/test_docs.py and the deploy guide's test check on their own.)"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "troubleshooting.md"

PROMISES: list[tuple[str, tuple[str, ...]]] = [
    (
        "Every report row's `latest` (with `fields=additional`) shows its attempts, last error code and "
        "message, and whether its payload is stored",
        (
            "integration/pipeline/test_outages.py::test_a_destination_refusing_the_credentials_fails_each_record_at_once_keeping_its_payload",
        ),
    ),
    (
        '`syncline smoke --api "$API" --key "$KEY" --run SERVICE` checks the OpenAPI document, the key, '
        "a report search and a manual run, one `PASS`/`FAIL` line per step",
        ("integration/cli/test_smoke.py::test_every_step_passes_against_a_working_stack",),
    ),
    (
        "the `Syncline` CloudWatch namespace has `RecordsPushed`, `RecordsFailed` and `DlqSends` per "
        "`tenant` and `service`, and `PushLatency` per destination `system`",
        (
            "integration/pipeline/test_metrics.py::test_a_batch_counts_pushed_and_failed_per_service_and_times_each_push",
            "integration/pipeline/test_metrics.py::test_records_that_exhaust_their_attempts_are_counted_as_dlq_sends",
        ),
    ),
    (
        "X-Ray has each invocation with its AWS calls and connector requests",
        (
            "integration/observability/test_tracing.py::test_the_invocation_its_aws_calls_and_its_http_requests_are_traced",
        ),
    ),
    (
        "Each push that times out, cannot connect or gets a 5xx, 408 or 429 leaves its record **Pending** "
        "with the error",
        (
            "unit/connectors/test_http_kit.py::test_classification",
            "integration/pipeline/test_invariants.py::test_mixed_failures_end_every_record_in_one_status",
        ),
    ),
    (
        "the message comes back after 30 s, then 60, 120, 240 s (`retry_base_seconds` doubling up to "
        "`retry_max_seconds`, per service; a longer `Retry-After` from the system wins)",
        (
            "unit/pipeline/test_retry_and_ids.py::test_retry_delay_doubles_per_attempt_up_to_the_ceiling",
            "unit/pipeline/test_retry_and_ids.py::test_retry_after_wins_when_longer_and_is_capped_by_sqs",
        ),
    ),
    (
        "Within 5 minutes the health check marks the connector **System Unreachable**",
        (
            "integration/health/test_health_handler.py::test_health_records_each_connector_status_and_its_changes",
            "infra/test_schedules.py::test_only_the_health_check_the_reconciler_and_alerts_are_invoked_by_eventbridge",
        ),
    ),
    (
        "each of its messages is put back with a 15-minute delay without spending an attempt (a circuit "
        "breaker), and noted for the connector",
        ("integration/pipeline/test_fanout.py::test_unreachable_destination_delays_instead_of_failing",),
    ),
    (
        "the check that reports **Connector Operational** again (the scheduled one, or `POST "
        "/connectors/{connector_id}/check`) sends the noted records at once: they are pushed within seconds "
        "of it",
        (
            "integration/pipeline/test_breaker.py::test_held_records_go_when_the_health_check_finds_the_destination_back",
        ),
    ),
    (
        "If the health check stops, the records go when their delay runs out (at most 15 minutes after "
        "the last Unreachable check)",
        (
            "integration/pipeline/test_outages.py::test_an_unreachable_status_the_health_check_stopped_refreshing_is_not_trusted",
            "integration/pipeline/test_breaker.py::test_a_hold_whose_delay_ran_out_is_dropped_not_sent_again",
        ),
    ),
    (
        "Records that used up their attempts before the circuit breaker opened (5 by default, over about "
        "7.5 minutes) are **Failed** with the last transient error",
        (
            "integration/pipeline/test_invariants.py::test_mixed_failures_end_every_record_in_one_status",
            "integration/pipeline/test_metrics.py::test_records_that_exhaust_their_attempts_are_counted_as_dlq_sends",
            "unit/pipeline/test_retry_and_ids.py::test_sync_queue_redrives_after_max_attempts",
        ),
    ),
    (
        "their messages go to the sync DLQ, which raises the `syncline-<stage>-SyncDeadLetters` alarm",
        ("infra/test_monitoring.py::test_dead_letter_alarms_fire_on_the_first_message",),
    ),
    (
        "Nothing is lost: Failed rows keep their payload.",
        (
            "integration/pipeline/test_meter.py::test_a_failed_outcome_enters_by_status_and_keeps_its_record",
            "integration/pipeline/test_outages.py::test_a_destination_refusing_the_credentials_fails_each_record_at_once_keeping_its_payload",
        ),
    ),
    (
        "202 and a status_url when the connector's",
        (
            "integration/api/test_health_checks.py::test_a_check_longer_than_the_api_waits_answers_202_with_a_status_url",
        ),
    ),
    (
        "A resync puts each row back to Pending with no attempts, in a new run with trigger `resync`, and "
        "queues its stored payload.",
        (
            "integration/api/test_resync.py::test_failed_entries_go_back_to_pending_in_a_resync_run_with_their_payload",
        ),
    ),
    (
        "It refuses rows that are OK, Sent, still being retried, or without a payload (`refused` in the "
        "answer says which and why).",
        (
            "integration/api/test_resync.py::test_only_failed_and_stuck_pending_entries_with_a_payload_qualify",
            "unit/api/test_report_logic.py::test_which_entries_may_be_resynced",
        ),
    ),
    (
        '(repeat while the answer says "more": true)',
        ("integration/api/test_resync.py::test_resync_by_filter_in_slices_with_more",),
    ),
    (
        "The trigger's pull fails; the run ends with the pull's error (`GET /runs?service=...&status=Failed` "
        "shows it) and the service cursor does not move.",
        (
            "integration/pipeline/test_fanout.py::test_a_pull_that_fails_ends_the_run_failed_and_keeps_the_cursor",
        ),
    ),
    (
        "To catch up at once, run the service now:",
        (
            "integration/api/test_management.py::test_run_now_opens_a_manual_run_and_queues_it_for_the_trigger",
        ),
    ),
    (
        "A **destination** that refuses the credentials fails each record at once (no retries: retrying "
        "cannot fix credentials).",
        (
            "integration/pipeline/test_outages.py::test_a_destination_refusing_the_credentials_fails_each_record_at_once_keeping_its_payload",
        ),
    ),
    (
        "A **source** that refuses them fails the pull; the cursor stays, so no record is missed.",
        (
            "integration/pipeline/test_fanout.py::test_a_pull_that_fails_ends_the_run_failed_and_keeps_the_cursor",
        ),
    ),
    (
        "The check in step 3 runs in the API function, which uses the new credentials at once; the other "
        "functions keep credentials they read for up to five minutes",
        (
            "integration/api/test_management.py::test_a_connector_can_be_checked_now",
            "integration/health/test_health_handler.py::test_updated_credentials_are_picked_up_without_a_redeploy",
        ),
    ),
    (
        "It is **stuck** when nobody has touched it for 30 minutes (the dashboard's `oldest_pending.stuck`), "
        "or the service's longest retry wait plus 15 minutes when that is longer.",
        (
            "integration/api/test_runs.py::test_dashboard_totals_failure_rate_and_oldest_pending",
            "unit/api/test_report_logic.py::test_which_entries_may_be_resynced",
        ),
    ),
    (
        "is queued again from its stored payload, or settled **Failed** with `attempts_exhausted` (no "
        "attempts left) or `stranded`",
        (
            "integration/pipeline/test_reconcile.py::test_an_item_that_lost_its_message_is_queued_again_keeping_its_attempts",
            "integration/pipeline/test_reconcile.py::test_an_item_whose_last_attempt_died_is_failed_and_its_run_closed",
            "integration/pipeline/test_reconcile.py::test_a_never_attempted_item_without_its_payload_is_failed_once_the_queue_is_empty",
            "integration/pipeline/test_reconcile.py::test_items_someone_holds_or_may_still_reach_are_left_alone",
        ),
    ),
    (
        "It also closes the runs those rows belong to.",
        (
            "integration/pipeline/test_reconcile.py::test_a_run_whose_flush_was_lost_is_closed_with_counted_totals",
        ),
    ),
    (
        "sync_item pushes only rows that are Pending, so a moved message for a Failed row is dropped without "
        "a push.",
        (
            "integration/pipeline/test_outages.py::test_a_destination_refusing_the_credentials_fails_each_record_at_once_keeping_its_payload",
        ),
    ),
    (
        'It holds trigger requests (continuations of long pulls, and "run now" requests) that failed three '
        "times",
        ("infra/test_queues.py::test_redrive_policy_moves_exhausted_messages_to_the_dead_letter_queue",),
    ),
    (
        "reconcile ends the interrupted run (`pull_interrupted`)",
        (
            "integration/pipeline/test_reconcile.py::test_a_pull_whose_trigger_died_is_marked_interrupted_and_closed",
        ),
    ),
    (
        "Lambda records the invocation on this queue and the `TriggerInvokeFailures` alarm fires.",
        (
            "infra/test_functions.py::test_a_failed_scheduled_trigger_lands_on_a_queue",
            "infra/test_monitoring.py::test_a_failed_scheduled_trigger_raises_an_alarm",
        ),
    ),
    (
        "a digest goes out a window (`window_minutes`, default 15) after the first unreported failure, and "
        "at most one per window; `mode: immediate` sends the first at once.",
        (
            "integration/api/test_alerts.py::test_a_thousand_failures_across_three_services_make_exactly_three_digests",
            "integration/api/test_alerts.py::test_immediate_mode_sends_the_first_failure_at_once_then_one_digest_per_window",
        ),
    ),
    (
        "A connector email goes out only when its status changes from the one last emailed (the first "
        "Connector Operational is only noted).",
        (
            "integration/api/test_alerts.py::test_connector_down_and_back_is_two_emails_however_often_health_runs",
            "integration/health/test_health_alerts.py::test_operational_unreachable_operational_is_two_emails",
        ),
    ),
    (
        "Nothing is lost: the window's state moves on only after an email went out.",
        ("integration/api/test_alerts.py::test_a_send_that_fails_is_tried_again_on_the_next_tick",),
    ),
    (
        "auto-pause (`alerts.auto_pause`) deactivated it after N consecutive failed runs",
        (
            "integration/api/test_alerts.py::test_auto_pause_after_n_failed_runs_then_reactivation_resets_the_count",
        ),
    ),
    (
        "The CDK app creates 18 CloudWatch alarms (20 with `alertSender`) named `syncline-<stage>-<name>`.",
        (
            "infra/test_monitoring.py::test_every_alarm_notifies_the_topic_and_ignores_missing_data",
            "infra/test_alert_email.py::test_identity_configuration_set_events_and_alarms",
        ),
    ),
    (
        "Errors that reach a caller as 429 (API Gateway stage limits `apiRateLimit`/`apiBurstLimit`, or "
        "DynamoDB throttling) raise no alarm: the caller retries.",
        (
            "integration/api/test_throttling.py::test_a_throttled_report_search_is_429_naming_the_cause",
            "infra/test_monitoring.py::test_api_server_error_alarm",
        ),
    ),
]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@cache
def _tests_in(path: Path) -> frozenset[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return frozenset(
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    )


@pytest.mark.parametrize(("passage", "tests"), PROMISES, ids=[p[0][:50] for p in PROMISES])
def test_the_promise_is_in_the_guide_and_its_tests_exist(passage: str, tests: tuple[str, ...]) -> None:
    assert _flat(passage) in _flat(GUIDE.read_text(encoding="utf-8")), "the guide no longer says this"
    assert tests
    for test in tests:
        file, _, name = test.partition("::")
        path = ROOT / "tests" / file
        assert path.exists(), test
        assert name in _tests_in(path), f"no test {test}"
