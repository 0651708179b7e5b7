#!/usr/bin/env python3
"""CDK entry point: ``cdk synth`` / ``cdk deploy`` from infra/ (see infra/README.md).

cdk.json runs ``python3 app.py``. With the project's virtualenv active that is the venv's
Python; otherwise, if aws-cdk-lib is missing, the app re-runs itself with ``../.venv/bin/python``
(or ``../.venv-deploy/bin/python``, what ``make deploy`` makes)
so ``cd infra && ../node_modules/.bin/cdk synth`` works without activating anything.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `make test`'s virtualenv, then `make deploy`'s (the project with its infra extra only).
PROJECT_VENVS = (ROOT / ".venv", ROOT / ".venv-deploy")


def _ensure_cdk_importable() -> None:
    try:
        import aws_cdk  # noqa: F401
    except ModuleNotFoundError:
        for venv in PROJECT_VENVS:
            python = venv / "bin" / "python"
            if python.exists() and Path(sys.prefix).resolve() != venv.resolve():
                os.execv(str(python), [str(python), *sys.argv])
        raise SystemExit(
            f"aws-cdk-lib is not installed for {sys.executable}: run `make deploy` or `make synth` from "
            "the repository root, or activate a virtualenv with `pip install -e '.[infra]'`."
        ) from None


def main() -> None:
    # aws-cdk-lib runs on Node through jsii; Node 20 works (see the deploy guide).
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    _ensure_cdk_importable()
    # The repository root (for ``infra.syncline_infra``) and the library (for ``syncline``).
    for path in (ROOT / "shared", ROOT):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    from infra.syncline_infra.app import build_app

    app, _ = build_app()
    app.synth()


if __name__ == "__main__":
    main()
