"""sync_item keeps its destination connector open across the batches of a warm container, and
builds it again when the connector is edited or its secret rotated; a kept connector's OAuth2
token is renewed as a new connector's would be."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from syncline import wiring
from syncline.connectors import Connector
from syncline.connectors import auth as oauth
from syncline.local.stack import SERVICE, TENANT, LocalStack, StackOptions, local_stack
from syncline.models import ConnectorConfig, Run, Status, SyncItem, Trigger, new_run_id, sync_id_for
from syncline.pipeline.messages import SyncMessage
from syncline.pipeline.sync import Received, process_batch
from tests.fakes.rest import FakeRest


class Builds:
    """Counts the connectors wiring builds, and which of them were closed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.built: list[Connector] = []
        self.closed: list[Connector] = []
        real = wiring.build_connector

        def build(system: str, **kwargs: Any) -> Connector:
            connector = real(system, **kwargs)
            close = connector.close

            def closing() -> None:
                self.closed.append(connector)
                close()

            setattr(connector, "close", closing)  # noqa: B010 - an instance's own close, for the count
            self.built.append(connector)
            return connector

        monkeypatch.setattr(wiring, "build_connector", build)


@pytest.fixture
def stack() -> Iterator[LocalStack]:
    with local_stack(StackOptions(records=6, fail_rate=0.0, permanent_failures=False)) as stack:
        stack.driver.stop()  # the test delivers the batches
        yield stack


def batch(stack: LocalStack, run: Run, n: int) -> SyncItem | None:
    """Fan-out's Pending row for the shop's order n, then one sync_item batch delivering it."""
    order = dict(stack.shop.orders[n])
    item = SyncItem(
        tenant_id=TENANT,
        sync_id=sync_id_for(SERVICE, str(order["id"]), str(order["updated_at"])),
        run_id=run.run_id,
        service_id=SERVICE,
        source_system="rest",
        source_entity="orders",
        destination_system="rest",
        destination_entity="orders",
        reference=str(order["number"]),
        source_id=str(order["id"]),
    )
    syncs = wiring.sync_store()
    assert syncs.put_rows([item]) == []
    body = SyncMessage(
        tenant_id=TENANT, service_id=SERVICE, run_id=run.run_id, sync_id=item.sync_id, record=order
    ).model_dump_json()
    process_batch(wiring.deps(), [Received(f"m{n}", "", 1, body)])
    return syncs.get_item(TENANT, item.sync_id)


def test_a_warm_container_builds_its_connector_once_and_again_when_it_changes(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = Builds(monkeypatch)
    run = Run(tenant_id=TENANT, run_id=new_run_id(), service_id=SERVICE, trigger=Trigger.MANUAL)
    wiring.sync_store().create_run(run)

    first, second = batch(stack, run, 0), batch(stack, run, 1)
    assert len(builds.built) == 1 and builds.closed == []  # two batches, one connector

    config = wiring.config_store()
    row = config.require_connector(TENANT, "demo-warehouse")
    config.put_connector(row.model_copy(update={"settings": {**row.settings, "timeout_seconds": 7.0}}))
    edited = batch(stack, run, 2)
    assert len(builds.built) == 2 and builds.closed == builds.built[:1]
    assert builds.built[1].context.settings["timeout_seconds"] == 7.0

    stack.warehouse.token = "warehouse-token-rotated"
    wiring.store_credentials(TENANT, "demo-warehouse", {"token": stack.warehouse.token})
    rotated, after = batch(stack, run, 3), batch(stack, run, 4)
    assert len(builds.built) == 3 and builds.closed == builds.built[:2]
    assert builds.built[2].context.credentials == {"token": "warehouse-token-rotated"}

    done = [first, second, edited, rotated, after]
    assert [i.status if i else None for i in done] == [Status.OK] * 5
    assert sum(stack.warehouse.pushes.values()) == 5

    wiring.close_connectors()
    assert builds.closed == builds.built


def test_a_kept_connector_renews_its_oauth2_token(monkeypatch: pytest.MonkeyPatch) -> None:
    oauth.clear_token_cache()
    with FakeRest("link") as fake:
        creds = {"client_id": fake.client_id, "client_secret": fake.client_secret}
        monkeypatch.setattr(wiring, "credentials", lambda arn: creds)
        row = ConnectorConfig(
            tenant_id=TENANT,
            connector_id="oauth-api",
            system="rest",
            name="OAuth API",
            base_url=fake.url,
            credentials_secret_arn="arn:aws:secretsmanager:us-east-1:000000000000:secret:oauth-api",
            settings={
                "auth": "oauth2",
                "token_url": f"{fake.origin}/oauth/token",
                "push_path": "/api/{entity}",
            },
        )

        def requests(path: str) -> int:
            return len(fake.calls("POST", f"^{path}$"))

        connector = wiring.kept_connector(row)
        assert connector.push("orders", {"name": "one"}).endpoint_id
        assert requests("/oauth/token") == 1

        fake.revoke_tokens()  # the token stops working before it expires: one 401, a new token
        assert wiring.kept_connector(row) is connector
        assert connector.push("orders", {"name": "two"}).endpoint_id
        assert requests("/oauth/token") == 2 and requests("/api/orders") == 3

        with oauth._TOKENS_LOCK:  # the token expires while the container is idle
            for token in oauth._TOKENS.values():
                token.expires_at = 0.0
        assert wiring.kept_connector(row) is connector
        assert connector.push("orders", {"name": "three"}).endpoint_id
        # a new token fetched before the push, which goes through at once
        assert requests("/oauth/token") == 3 and requests("/api/orders") == 4
        assert len(fake.created) == 3
    wiring.close_connectors()
    oauth.clear_token_cache()
