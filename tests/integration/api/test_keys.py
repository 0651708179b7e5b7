"""API keys: `syncline keys create|list|revoke`, stored hashed, revocable at once."""

from __future__ import annotations

import re

import pytest

from syncline import api_keys, cli, wiring
from syncline.settings import ENV
from tests.integration.api.conftest import PREFIX, Api, AwsEnv


def test_keys_cli_creates_lists_and_revokes(aws_env: AwsEnv, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["keys", "create", "--tenant", "cli-co", "--name", "CLI company"]) == 0
    out = capsys.readouterr().out
    assert "company group 'cli-co' created" in out
    key = re.search(r"^\s+(sl_\S+)$", out, re.M).group(1)  # type: ignore[union-attr]
    key_id = re.search(r"key id .*: ([0-9a-f]{64})$", out, re.M).group(1)  # type: ignore[union-attr]
    assert key_id == api_keys.key_id(key)
    tenant = wiring.config_store().get_tenant("cli-co")
    assert tenant is not None and tenant.name == "CLI company"

    # only the hash is stored
    row = wiring.config_store()._get({"PK": f"KEY#{key_id}", "SK": "KEY"})
    assert row is not None and row["tenant_id"] == "cli-co" and key not in str(row)

    api = Api(key)
    assert api.get("/connectors").status == 200
    assert cli.main(["keys", "create", "--tenant", "cli-co", "--stack-prefix", PREFIX]) == 0
    second = re.search(r"^\s+(sl_\S+)$", capsys.readouterr().out, re.M).group(1)  # type: ignore[union-attr]

    assert cli.main(["keys", "list", "--tenant", "cli-co"]) == 0
    listing = capsys.readouterr().out
    assert key_id in listing and api_keys.key_id(second) in listing and "active" in listing

    assert cli.main(["keys", "revoke", key_id, "--table", f"{PREFIX}-config"]) == 0
    assert "revoked a key of company group 'cli-co'" in capsys.readouterr().out
    assert api.get("/connectors").status == 403
    assert Api(second).get("/connectors").status == 200
    assert cli.main(["keys", "list", "--tenant", "cli-co"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert cli.main(["keys", "revoke", "0" * 64]) == 1


def test_keys_cli_needs_a_table(aws_env: AwsEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV["config_table"])
    assert cli.main(["keys", "create", "--tenant", "x"]) == 2
    assert cli.main(["keys", "create", "--tenant", "bad id!", "--stack-prefix", PREFIX]) == 2


def test_malformed_keys_are_not_looked_up(aws_env: AwsEnv) -> None:
    assert api_keys.authenticate("") is None
    assert api_keys.authenticate("not-a-key") is None
    assert api_keys.authenticate("sl_" + "a" * 500) is None
