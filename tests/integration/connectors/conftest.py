"""Fixtures of the connector conformance suite: one case per connector, a started fake, a builder."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syncline.connectors import Connector, build_connector
from syncline.connectors.auth import clear_token_cache

from .cases import CASES, Build, Case


@pytest.fixture(params=CASES, ids=[c.id for c in CASES])
def case(request: pytest.FixtureRequest) -> Case:
    case: Case = request.param
    return case


@pytest.fixture
def fake(case: Case, tmp_path: Path) -> Iterator[Any]:
    server = case.start(tmp_path)
    try:
        yield server
        server.assert_expectations()
    finally:
        server.stop()


@pytest.fixture
def connect(case: Case, fake: Any) -> Iterator[Build]:
    """Build the case's connector against its fake; `credentials=` and setting overrides optional."""
    built: list[Connector] = []

    def build(
        credentials: dict[str, str] | None = None, base_url: str | None = None, **settings: Any
    ) -> Connector:
        connector = build_connector(
            case.system,
            base_url=base_url or fake.url,
            credentials=credentials if credentials is not None else case.credentials(fake),
            settings={**case.settings(fake), **settings},
            timezone=case.timezone,
            date_format=case.date_format,
            connector_id=f"test-{uuid.uuid4().hex[:8]}",
        )
        built.append(connector)
        return connector

    yield build
    for connector in built:
        connector.close()
    clear_token_cache()


@pytest.fixture
def built() -> Iterator[list[Connector]]:
    """Connectors a test built (`cases.build`), closed after it; cached OAuth tokens forgotten."""
    connectors: list[Connector] = []
    yield connectors
    for connector in connectors:
        connector.close()
    clear_token_cache()
