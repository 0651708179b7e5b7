"""Chaos benchmark: N records through the local stack under every fault at once, then the counts
that must all be 0 (lost, stuck Pending, double pushes, OK but not received, runs with totals
mismatched, runs not closed). Exits 1 when any is not.

    .venv/bin/python bench/chaos.py --records 20000 --seed 1
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")  # thousands of injected failures: keep them quiet

from syncline.local.chaos import MUST_BE_ZERO, ChaosOptions, run_chaos  # noqa: E402

# The EMF metric lines the functions would print on Lambda: not wanted among the figures.
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")


def main() -> int:
    defaults = ChaosOptions()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=defaults.records)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--transient", type=float, default=defaults.transient, help="share of pushes answered 503"
    )
    parser.add_argument("--no-permanent", action="store_true", help="no 422s (ids ending in 7)")
    parser.add_argument("--always-failing", type=int, default=defaults.always_failing)
    parser.add_argument(
        "--slow", type=float, default=defaults.slow, help="share of pushes answered past the timeout"
    )
    parser.add_argument("--duplicates", type=float, default=defaults.duplicates, help="share delivered twice")
    parser.add_argument(
        "--sync-crashes", type=float, default=defaults.sync_crashes, help="share of batches killed"
    )
    parser.add_argument(
        "--no-trigger-crashes",
        action="store_true",
        help="do not kill the trigger (after rows, mid-enqueue, before cursor)",
    )
    parser.add_argument(
        "--visibility", type=int, default=defaults.visibility_seconds, help="sync queue visibility (s)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="give up after this many seconds (default: 0.25 s a record, at least 1 h)",
    )
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    options = ChaosOptions(
        records=args.records,
        seed=args.seed,
        transient=args.transient,
        permanent=not args.no_permanent,
        always_failing=args.always_failing,
        slow=args.slow,
        duplicates=args.duplicates,
        sync_crashes=args.sync_crashes,
        trigger_crashes=() if args.no_trigger_crashes else defaults.trigger_crashes,
        visibility_seconds=args.visibility,
        timeout_seconds=args.timeout or max(defaults.timeout_seconds, 0.25 * args.records),
    )
    last = [""]

    def progress(line: str) -> None:
        if not args.quiet and line != last[0]:
            print(f"  {line}", file=sys.stderr, flush=True)
            last[0] = line

    logging.getLogger("syncline").setLevel(logging.ERROR)
    report = run_chaos(options, progress)
    print(
        f"records {options.records}  seed {options.seed}  runs {report.runs}  elapsed {report.elapsed:.1f} s"
    )
    print("faults injected: " + ", ".join(f"{k} {v}" for k, v in sorted(report.injected.items())))
    print("statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(report.statuses.items())))
    for name, value in report.counts.items():
        mark = "" if name not in MUST_BE_ZERO or value == 0 else "   <-- must be 0"
        print(f"{name:<30} {value}{mark}")
        for detail in report.details.get(name, []) if value else []:
            print(f"    {detail}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
