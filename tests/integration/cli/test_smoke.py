"""`syncline smoke` against the local stack's API (served over HTTP as API Gateway would): every step
passes with a good key and a service to run; a wrong key fails the auth step and the steps after
it, exits 1, and is never printed."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from syncline import cli
from syncline.api_keys import create_key
from syncline.local.http import ApiServer
from syncline.local.stack import SERVICE, TENANT, LocalStack, StackOptions, local_stack


def said(out: str) -> list[str]:
    """What smoke printed (the in-process stack's functions print their log lines too)."""
    return [line for line in out.splitlines() if re.match(r"^(PASS|FAIL)  |^\d/\d steps passed$", line)]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[LocalStack, str]]:
    with local_stack(StackOptions(records=12, fail_rate=0.0)) as stack, ApiServer() as server:
        yield stack, server.url + "/"  # as the ApiUrl output ends, with a slash


def test_every_step_passes_against_a_working_stack(
    served: tuple[LocalStack, str], capsys: pytest.CaptureFixture[str]
) -> None:
    stack, api = served
    key = create_key(TENANT, scope="operate")
    code = cli.main(["smoke", "--api", api, "--key", key, "--run", SERVICE, "--timeout", "120"])
    out = capsys.readouterr().out
    assert code == 0, out
    lines = said(out)
    assert [line.split()[:2] for line in lines[:4]] == [
        ["PASS", "openapi"],
        ["PASS", "auth"],
        ["PASS", "search"],
        ["PASS", "run"],
    ]
    assert "no key: 401; with the key: 200" in lines[1]
    run_id = re.search(r"run (\S+) finished (\w+)", lines[3])
    assert run_id is not None, lines[3]
    run = stack.run(run_id.group(1))
    assert run.trigger.value == "manual" and run.status.value == run_id.group(2)
    assert lines[4] == "4/4 steps passed"
    assert key not in out


def test_a_wrong_key_fails_and_is_never_printed(
    served: tuple[LocalStack, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, api = served
    wrong = "sk_wrong_" + "x" * 40
    code = cli.main(["smoke", "--api", api, "--key", wrong, "--run", SERVICE])
    out = capsys.readouterr().out
    assert code == 1
    verdicts = [line.split()[:2] for line in said(out)[:4]]
    assert verdicts == [["PASS", "openapi"], ["FAIL", "auth"], ["FAIL", "search"], ["FAIL", "run"]]
    assert "answered 403 (forbidden), expected 200" in out
    assert said(out)[-1] == "1/4 steps passed"
    assert wrong not in out


def test_a_read_only_key_cannot_run_a_service(
    served: tuple[LocalStack, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, api = served
    code = cli.main(["smoke", "--api", api, "--key", create_key(TENANT, scope="read"), "--run", SERVICE])
    out = capsys.readouterr().out
    assert code == 1
    assert re.search(r"^FAIL  run .*answered 403 \(forbidden\), expected 202$", out, re.M), out
    assert said(out)[-1] == "3/4 steps passed"


def test_no_key_at_all_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SYNCLINE_API_KEY", raising=False)
    assert cli.main(["smoke", "--api", "http://127.0.0.1:9"]) == 2
    assert "give --key or set SYNCLINE_API_KEY" in capsys.readouterr().err
