"""Generate the typed Python client (clients/python/syncline_client) from the report API's OpenAPI
document, with openapi-python-client: `make client`, after any change to the API.

The document is the one report_api serves at GET /openapi.json, built in-process (no stack needed),
with one adaptation for the generator: a request body that says which of its properties must be
present through a `oneOf` of `required` lists (ResyncBody: exactly one of `sync_ids` and `filter`)
keeps its properties and drops that `oneOf`, which the generator cannot turn into a model. The API
still checks it, and answers a 422 naming the field.

tests/clients/test_python_client.py generates again into a temporary folder and fails while the
result differs from the committed client.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PACKAGE = "syncline_client"


def document() -> dict[str, Any]:
    """The API's OpenAPI document, as the generator takes it."""
    sys.path.insert(0, str(ROOT / "shared"))
    from syncline.api.app import openapi

    return adapt(json.loads(json.dumps(openapi())))


def adapt(doc: dict[str, Any]) -> dict[str, Any]:
    """Drop the `oneOf` of an object schema whose alternatives only name required properties the
    schema already has (the server checks them); nothing else changes."""
    for schema in doc.get("components", {}).get("schemas", {}).values():
        alternatives = schema.get("oneOf")
        properties = schema.get("properties", {})
        if not alternatives or not properties:
            continue
        if all(
            set(a) <= {"required", "properties"} and set(a.get("required", [])) <= set(properties)
            for a in alternatives
        ):
            del schema["oneOf"]
    return doc


def generate(target: Path) -> None:
    """Write the client package into `target` (replaced whole)."""
    tool = Path(sys.executable).parent / "openapi-python-client"
    env = {**os.environ, "PATH": f"{tool.parent}{os.pathsep}{os.environ.get('PATH', '')}"}  # its ruff
    with tempfile.TemporaryDirectory(prefix="syncline-client-") as tmp:
        spec = Path(tmp) / "openapi.json"
        spec.write_text(json.dumps(document(), indent=2, sort_keys=True), encoding="utf-8")
        out = Path(tmp) / PACKAGE
        subprocess.run(
            [str(tool), "generate", "--path", str(spec), "--meta", "none", "--output-path", str(out),
             "--config", str(HERE / "config.yml"), "--fail-on-warning"],
            check=True, env=env, cwd=tmp, capture_output=True, text=True,
        )  # fmt: skip
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(out, target, ignore=shutil.ignore_patterns("__pycache__", ".ruff_cache"))
    (target / "py.typed").write_text("", encoding="utf-8")  # its type hints are for its users


def main() -> int:
    try:
        generate(HERE / PACKAGE)
    except subprocess.CalledProcessError as exc:
        print(exc.stdout, exc.stderr, sep="\n", file=sys.stderr)
        return 1
    print(f"generated {HERE / PACKAGE} from the report API's OpenAPI document")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
