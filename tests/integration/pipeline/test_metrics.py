"""The metrics an operator reads in CloudWatch, from a real batch: the local stack (moto, the demo
warehouse) plays sync_item through its real handler, which prints CloudWatch embedded metric format
(EMF) documents to stdout as it would on Lambda; these tests read them back."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest

from syncline.local.stack import SERVICE, TENANT, StackOptions, local_stack
from syncline.observability import NAMESPACE, collecting, put_metric

SERVICE_DIMENSIONS = (("service", SERVICE), ("tenant", TENANT))


def emf_documents(printed: str) -> list[dict[str, Any]]:
    documents = []
    for line in printed.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            documents.append(json.loads(line))
    return documents


def metric_values(
    documents: list[dict[str, Any]],
) -> dict[tuple[str, tuple[tuple[str, str], ...]], list[float]]:
    """(metric name, dimensions) -> every value, checked against the EMF structure on the way."""
    values: dict[tuple[str, tuple[tuple[str, str], ...]], list[float]] = defaultdict(list)
    for document in documents:
        (directive,) = document["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == NAMESPACE
        (dimension_names,) = directive["Dimensions"]
        dimensions = tuple(sorted((name, str(document[name])) for name in dimension_names))
        for metric in directive["Metrics"]:
            value = document[metric["Name"]]
            values[(metric["Name"], dimensions)] += value if isinstance(value, list) else [value]
            assert metric["Unit"] == ("Milliseconds" if metric["Name"] == "PushLatency" else "Count")
    return values


def test_a_batch_counts_pushed_and_failed_per_service_and_times_each_push(
    capsys: pytest.CaptureFixture[str],
) -> None:
    options = StackOptions(records=20, fail_rate=0.0, permanent_failures=True)
    with local_stack(options) as stack:
        run = stack.wait_for_run(stack.fire(), timeout=120)
        assert stack.dlq_depth() == 0
    values = metric_values(emf_documents(capsys.readouterr().out))

    # Orders 1007 and 1017 are refused by the warehouse (422): Failed at once, not dead-lettered.
    assert run.totals.OK == 18 and run.totals.Failed == 2
    assert sum(values[("RecordsPushed", SERVICE_DIMENSIONS)]) == 18
    assert sum(values[("RecordsFailed", SERVICE_DIMENSIONS)]) == 2
    assert ("DlqSends", SERVICE_DIMENSIONS) not in values
    latencies = values[("PushLatency", (("system", "rest"),))]
    assert len(latencies) == 20 and all(ms > 0 for ms in latencies)  # one sample per push
    # Nothing else: no Powertools default dimension, no metric per record or per run.
    assert {name for name, _ in values} == {"RecordsPushed", "RecordsFailed", "PushLatency"}


def test_records_that_exhaust_their_attempts_are_counted_as_dlq_sends(
    capsys: pytest.CaptureFixture[str],
) -> None:
    down = {"1000", "1001", "1002"}
    options = StackOptions(
        records=3, fail_rate=0.0, always_down=down, max_attempts=2, retry_base_seconds=0, retry_max_seconds=1
    )
    with local_stack(options) as stack:
        run = stack.wait_for_run(stack.fire(), timeout=120)
        dlq = stack.dlq_depth()
    values = metric_values(emf_documents(capsys.readouterr().out))

    assert run.totals.Failed == 3 and dlq == 3
    assert sum(values[("DlqSends", SERVICE_DIMENSIONS)]) == 3
    assert sum(values[("RecordsFailed", SERVICE_DIMENSIONS)]) == 3
    assert ("RecordsPushed", SERVICE_DIMENSIONS) not in values
    assert len(values[("PushLatency", (("system", "rest"),))]) == 6  # two attempts each


def test_one_document_per_dimension_set_and_nothing_outside_a_handler(
    capsys: pytest.CaptureFixture[str],
) -> None:
    put_metric("RecordsPushed", "Count", 1, tenant="t", service="s")  # not in an invocation: dropped
    with collecting():
        put_metric("RecordsPushed", "Count", 1, tenant="t", service="a")
        put_metric("RecordsPushed", "Count", 1, tenant="t", service="a")
        put_metric("RecordsFailed", "Count", 1, tenant="t", service="a")
        put_metric("RecordsPushed", "Count", 1, tenant="t", service="b")
        put_metric("PushLatency", "Milliseconds", 12.5, system="shopify")
        put_metric("PushLatency", "Milliseconds", 30, system="shopify")
    documents = emf_documents(capsys.readouterr().out)
    assert len(documents) == 3
    values = metric_values(documents)
    assert values == {
        ("RecordsPushed", (("service", "a"), ("tenant", "t"))): [2.0],
        ("RecordsFailed", (("service", "a"), ("tenant", "t"))): [1.0],
        ("RecordsPushed", (("service", "b"), ("tenant", "t"))): [1.0],
        ("PushLatency", (("system", "shopify"),)): [12.5, 30.0],
    }


def test_records_the_reconciler_settles_failed_are_counted(capsys: pytest.CaptureFixture[str]) -> None:
    from syncline.pipeline.reconcile import reconcile
    from tests.integration.pipeline.test_reconcile import deps, open_run, pending, pull_done

    with local_stack(StackOptions(records=1, fail_rate=0.0)) as stack:
        stack.driver.stop()
        run = open_run()
        pending(run, 1, attempts=5)  # its last attempt died: Failed, attempts_exhausted
        pull_done(run)
        capsys.readouterr()
        with collecting():
            assert reconcile(deps()).items_failed == 1
    values = metric_values(emf_documents(capsys.readouterr().out))
    assert values == {("RecordsFailed", SERVICE_DIMENSIONS): [1.0]}


def test_powertools_switch_turns_the_lines_off(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    with collecting():
        put_metric("RecordsPushed", "Count", 1, tenant="t", service="a")
    assert emf_documents(capsys.readouterr().out) == []
