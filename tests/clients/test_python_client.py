"""The typed Python client (clients/python): it is what the API's OpenAPI document generates (so an
API change fails here until `make client` runs), and the README's example searches Failed entries
and resyncs them against report_api over HTTP."""

from __future__ import annotations

import filecmp
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.api.conftest import AwsEnv, aws_env, new_group, seed_items

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "clients" / "python"
__all__ = ["aws_env"]  # the fixture


def _generator() -> object:
    sys.path.insert(0, str(CLIENT))
    try:
        import generate  # clients/python/generate.py
    finally:
        sys.path.remove(str(CLIENT))
    return generate


def _differences(left: Path, right: Path) -> Iterator[str]:
    compared = filecmp.dircmp(left, right, ignore=["__pycache__"])
    yield from (f"only in the committed client: {n}" for n in compared.left_only)
    yield from (f"only in what the API generates: {n}" for n in compared.right_only)
    yield from (f"differs: {n}" for n in compared.diff_files)
    for name in compared.common_dirs:
        yield from _differences(left / name, right / name)


def test_the_committed_client_is_what_the_apis_document_generates(tmp_path: Path) -> None:
    generate = _generator()
    generate.generate(tmp_path / "syncline_client")  # type: ignore[attr-defined]
    differences = list(_differences(CLIENT / "syncline_client", tmp_path / "syncline_client"))
    assert not differences, "the client is out of date: run `make client`\n" + "\n".join(differences[:20])


def test_every_route_has_its_module() -> None:
    """One module per operation of the document, named after the route."""
    from syncline.api.app import openapi

    names = {
        operation["operationId"]
        for operations in openapi()["paths"].values()
        for operation in operations.values()
        if "operationId" in operation
    }
    modules = {p.stem for p in (CLIENT / "syncline_client" / "api").glob("*/*.py")}
    assert {"search_report", "resync", "get_entry", "check_connector"} <= names <= modules


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python client", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.S)
    return code


def test_the_readme_example_searches_failed_entries_and_resyncs_them(
    aws_env: AwsEnv, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from syncline import wiring
    from syncline.local.http import ApiServer
    from syncline.models import Status

    group = new_group("client")
    seed_items(group, runs_per_service=1, items_per_run=10, days=0.5)
    failed = {i.sync_id for i in group.items if i.status == Status.FAILED}
    assert failed
    with ApiServer() as server:
        monkeypatch.setenv("API", server.url)
        monkeypatch.setenv("KEY", str(group.api.key))
        exec(compile(_readme_example(), "README.md (Python client)", "exec"), {})  # noqa: S102
    printed = capsys.readouterr().out
    assert {line.split()[0] for line in printed.splitlines()[:-1]} == failed
    assert printed.splitlines()[-1].startswith(f"queued {len(failed)} in run ")
    for sync_id in failed:  # back to Pending in the resync run, queued
        item = wiring.sync_store().get_item(group.tenant_id, sync_id)
        assert item is not None and item.status == Status.PENDING and item.attempts == 0
    assert len(aws_env.drain(aws_env.sync_queue)) >= len(failed)
