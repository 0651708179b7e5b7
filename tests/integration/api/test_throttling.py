"""DynamoDB throttling reaches callers as `Throttled` (the API's 429), not as a 500; every other
DynamoDB error is left as it was."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from syncline import aws
from syncline.errors import Throttled
from syncline.store import ConfigStore
from tests.integration.api.conftest import AwsEnv, new_group


class _Throttling:
    """The real client, except that `operation` fails with `code` (after the SDK's retries)."""

    def __init__(self, real: Any, operation: str, code: str) -> None:
        self._real, self._operation, self._code = real, operation, code
        self.exceptions = real.exceptions

    def __getattr__(self, name: str) -> Any:
        if name != self._operation:
            return getattr(self._real, name)

        def fail(**_: Any) -> Any:
            raise ClientError({"Error": {"Code": self._code, "Message": "slow down"}}, self._operation)

        return fail


@pytest.fixture
def throttle(monkeypatch: pytest.MonkeyPatch) -> Any:
    real_client = aws.client

    def install(operation: str, code: str = "ProvisionedThroughputExceededException") -> None:
        def client(service: str) -> Any:
            made = real_client(service)
            return _Throttling(made, operation, code) if service == "dynamodb" else made

        monkeypatch.setattr(aws, "client", client)

    return install


def test_a_throttled_report_search_is_429_naming_the_cause(aws_env: AwsEnv, throttle: Any) -> None:
    group = new_group("thr")
    throttle("query")
    resp = group.api.get("/reports", query={"status": "Failed"})
    assert resp.status == 429, resp.text
    error = resp.json()["error"]
    assert error["code"] == "throttled" and "throttled" in error["message"]


@pytest.mark.parametrize("code", ["ThrottlingException", "RequestLimitExceeded"])
def test_every_throttling_code_becomes_throttled(aws_env: AwsEnv, throttle: Any, code: str) -> None:
    store = ConfigStore(aws_env.env["SYNCLINE_CONFIG_TABLE"])
    throttle("get_item", code)
    with pytest.raises(Throttled):
        store.get_tenant("anyone")


def test_other_errors_are_unchanged(aws_env: AwsEnv, throttle: Any) -> None:
    store = ConfigStore(aws_env.env["SYNCLINE_CONFIG_TABLE"])
    throttle("get_item", "ValidationException")
    with pytest.raises(ClientError) as raised:
        store.get_tenant("anyone")
    assert raised.value.response["Error"]["Code"] == "ValidationException"
