"""Lambda concurrency: how the event sources are sized to the account, and the check `make deploy`
runs before it deploys (the account's limit, one GetAccountSettings call, against the stack's
maxima, with a warning when they do not fit).

A function fed by SQS runs at most its event source's maximum concurrency at once (2 at least);
one invoked by a schedule runs one at a time; report_api runs as many as there are requests in
flight. A new account often allows 10 concurrent executions in all, so the defaults fit 10:
sync_item 2, trigger 2, health 2, and 4 for the rest. A bigger `accountConcurrency` gives sync_item
more, up to 10 (its pushes are bounded by each destination's rate budget anyway).

Run as ``python -m infra.syncline_infra.limits infra/cdk.out/Syncline-<stage>.template.json``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

NEW_ACCOUNT_CONCURRENCY = 10
MIN_EVENT_SOURCE = 2  # SQS event sources take a maximum concurrency of 2 at least
DEFAULT_SYNC_MAX = 10
# What the functions without an event source are allowed: the API (a few requests at once), and
# one each for the scheduled reconciler and alerts tick.
ALLOWANCES: Mapping[str, int] = {"report_api": 2, "reconcile": 1, "alerts": 1}
EVENT_SOURCES = ("sync_item", "trigger", "health")


def event_sources(
    account: int, *, sync_item: int | None = None, trigger: int | None = None, health: int | None = None
) -> dict[str, int]:
    """The event sources' maximum concurrency: what was given, else sized to fit `account`."""
    trigger = trigger or MIN_EVENT_SOURCE
    health = health or MIN_EVENT_SOURCE
    if sync_item is None:
        left = account - sum(ALLOWANCES.values()) - trigger - health
        sync_item = max(MIN_EVENT_SOURCE, min(DEFAULT_SYNC_MAX, left))
    return {"sync_item": sync_item, "trigger": trigger, "health": health}


def stack_maxima(template: Mapping[str, Any]) -> dict[str, int]:
    """What each function of a synthesized template may run at once (its event source's maximum
    concurrency; the allowance for the others)."""
    resources = template["Resources"]
    maxima = dict(ALLOWANCES)
    for mapping in resources.values():
        if mapping["Type"] != "AWS::Lambda::EventSourceMapping":
            continue
        props = mapping["Properties"]
        function = str(resources[props["FunctionName"]["Ref"]]["Properties"]["FunctionName"])
        (name,) = [n for n in EVENT_SOURCES if function.endswith("-" + n.replace("_", "-"))]
        maxima[name] = int(props["ScalingConfig"]["MaximumConcurrency"])
    return maxima


def check(template: Mapping[str, Any], account_settings: Mapping[str, Any]) -> tuple[list[str], bool]:
    """The lines `make deploy` prints, and whether the stack's maxima fit the account."""
    maxima = stack_maxima(template)
    total = sum(maxima.values())
    limit = account_settings["AccountLimit"]
    allowed = int(limit["ConcurrentExecutions"])
    unreserved = int(limit.get("UnreservedConcurrentExecutions", allowed))
    parts = ", ".join(f"{name} {n}" for name, n in sorted(maxima.items(), key=lambda kv: -kv[1]))
    lines = [
        f"Lambda concurrency: this account and region allow {allowed} concurrent executions "
        f"({unreserved} unreserved); the stack may run {total} at once ({parts})."
    ]
    fits = total <= unreserved
    if not fits:
        lines.append(
            f"WARNING: the stack's maxima ({total}) exceed the account's unreserved concurrency "
            f"({unreserved}): when everything runs at once, functions are throttled. Deploy with "
            f"CONTEXT='-c accountConcurrency={unreserved}' (or lower syncMaxConcurrency, "
            "triggerMaxConcurrency, healthMaxConcurrency), or ask for a higher 'Concurrent "
            "executions' quota (Service Quotas, AWS Lambda)."
        )
    return lines, fits


def main(argv: list[str] | None = None, lambda_client: Any = None) -> int:
    """Print the check; never fails the deploy (a missing answer is said and skipped)."""
    args = sys.argv[1:] if argv is None else argv
    template = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    try:
        if lambda_client is None:
            import boto3

            lambda_client = boto3.client("lambda")
        settings = lambda_client.get_account_settings()
    except Exception as exc:  # no credentials or no permission: the deploy will say more
        print(f"Lambda concurrency: could not read the account's limit ({type(exc).__name__}); not checked")
        return 0
    lines, _ = check(template, settings)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
