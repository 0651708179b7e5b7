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
    demo.add_argument("--out", type=Path, default=None, help="folder for the CSV report (default: a new one)")

    up = sub.add_parser("up", help="keep the local stack running, firing the service on its schedule")
    up.add_argument("--records", type=_records, default=200)
    up.add_argument("--fail-rate", type=_rate, default=0.1)
    up.add_argument("--schedule", default="rate(1 minute)", help="EventBridge rate expression")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in ("demo", "up"):
        from syncline.local.demo import demo, up
        from syncline.local.stack import StackOptions

        if args.command == "demo":
            return demo(StackOptions(records=args.records, fail_rate=args.fail_rate), out_dir=args.out)
        return up(StackOptions(records=args.records, fail_rate=args.fail_rate, schedule=args.schedule))
    return 2


if __name__ == "__main__":
    sys.exit(main())
