"""docs/config.schema.json: the JSON Schema of the configuration files, generated from the API's
request models (`files.json_schema`). `make docs` writes it; tests/docs fails while it differs.

    python -m syncline.api.configfiles.schema docs/config.schema.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from syncline.api.configfiles.files import json_schema

REGENERATE = "make docs (python -m syncline.api.configfiles.schema docs/config.schema.json)"


def render() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(render(), encoding="utf-8")
