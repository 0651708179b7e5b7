"""The chaos harness, small and seeded: every fault kind at once, and every count that must be 0
is 0 (the full-size run is `bench/chaos.py`)."""

from __future__ import annotations

import pytest

from syncline.local.chaos import MUST_BE_ZERO, SYNC_POINTS, TRIGGER_POINTS, ChaosOptions, run_chaos


@pytest.mark.slow
def test_every_record_ends_in_one_status_under_every_fault() -> None:
    report = run_chaos(
        ChaosOptions(records=240, seed=7, always_failing=6, slow=0.05, duplicates=0.2, crash_every_step=True)
    )
    # every kind of fault really happened
    for point in (*SYNC_POINTS, *TRIGGER_POINTS):
        assert report.injected[point] >= 1, (point, report.injected)
    assert report.injected["duplicate deliveries"] >= 10
    assert report.injected["slow responses"] >= 1
    # and nothing went wrong because of them
    assert {name: report.counts[name] for name in MUST_BE_ZERO} == dict.fromkeys(MUST_BE_ZERO, 0), (
        report.details
    )
    assert sum(report.statuses.values()) == 240
    assert report.statuses["Failed"] >= 6  # the always-failing records, and the 422s
    assert report.counts["rows per record above one"] == 0
