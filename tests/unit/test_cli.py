"""The command line refuses what it cannot run, naming the option, before anything starts."""

from __future__ import annotations

import pytest

from syncline import cli


@pytest.mark.parametrize(
    ("schedule", "says"),
    [
        ("every minute", "use rate(N minutes|hours|days)"),  # was silently every 300 s
        ("rate(1 minutes)", "write rate(1 minute)"),
        ("cron(0 8 * * ? *)", "plays rate(...) schedules only"),
        ("cron(foo bar baz qux quux corge)", "cron minutes 'foo'"),
    ],
)
def test_up_refuses_a_schedule_it_cannot_play(
    schedule: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.build_parser().parse_args(["up", "--schedule", schedule])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert "argument --schedule" in error and says in error


def test_up_takes_a_rate() -> None:
    args = cli.build_parser().parse_args(["up", "--schedule", "rate(2 minutes)"])
    assert args.schedule == "rate(2 minutes)"
