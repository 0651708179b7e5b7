"""Fixtures of the connector conformance suite: one case per connector, a started fake, a builder."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# `tests.fakes` lives beside these tests; make the repository root importable when `tests` is not
# a package (pytest then puts only `tests/` on sys.path).
_ROOT = str(Path(__file__).resolve().parents[3])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from syncline.connectors import Connector, build_connector  # noqa: E402
from syncline.connectors.auth import clear_token_cache  # noqa: E402

from .cases import CASES, Build, Case  # noqa: E402


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
