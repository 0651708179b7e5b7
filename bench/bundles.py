"""Lambda bundles: zipped size of each function's bundle and of each layer (as deployed, aarch64),
and report_api's cold import time from an unpacked bundle with and without its bytecode.

The import times use a bundle built for this machine by the same bundler (so it can be imported
here), run by ``python -I -S -B`` with only the bundle, its layer and boto3 on the path; ``-B``
because Lambda's code directory is read-only, so a bundle without pycs compiles on every cold start.

    .venv/bin/python bench/bundles.py --runs 10
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

# The CDK app's modules (infra/) are not installed: import them from this checkout.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from infra.syncline_infra.bundling import (  # noqa: E402
    DependencyCache,
    LayerBundler,
    LocalBundler,
    pyproject_requirements,
)
from infra.syncline_infra.context import INFRA_DIR  # noqa: E402
from infra.syncline_infra.functions import ARCHITECTURE, RUNTIME, SPECS  # noqa: E402

IMPORT = (
    "import sys, time; sys.path[:0] = sys.argv[1:]; t = time.perf_counter(); "
    "import functions.report_api.handler; print(time.perf_counter() - t)"
)


def zipped(tree: Path, work: Path) -> int:
    return Path(shutil.make_archive(str(work / tree.name), "zip", tree)).stat().st_size


def import_seconds(paths: list[Path], runs: int) -> list[float]:
    command = [sys.executable, "-I", "-S", "-B", "-c", IMPORT, *map(str, paths)]
    env = {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "us-east-1"}
    return [float(subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout)
            for _ in range(runs)]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    cache_dir = Path(os.environ.get("SYNCLINE_BUNDLE_CACHE") or INFRA_DIR / ".bundle-cache")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        lambda_cache = DependencyCache(cache_dir, RUNTIME, ARCHITECTURE)
        print(f"zipped ({RUNTIME.name}, {ARCHITECTURE.name}):")
        for spec in SPECS:
            out = work / spec.name
            LocalBundler(spec.name, pyproject_requirements(), lambda_cache).try_bundle(str(out))
            layers = f"  + layer {', '.join(spec.layers)}" if spec.layers else ""
            print(f"  {spec.name:<12} {zipped(out, work) / 1e6:6.2f} MB{layers}")
        for group in sorted({name for spec in SPECS for name in spec.layers}):
            out = work / f"layer-{group}"
            LayerBundler(pyproject_requirements([group], base=False), lambda_cache).try_bundle(str(out))
            print(f"  layer {group:<6} {zipped(out, work) / 1e6:6.2f} MB")

        host = DependencyCache(cache_dir, RUNTIME, ARCHITECTURE, host=True)
        bundle, layer, boto = work / "host", work / "host-sftp", work / "boto3"
        LocalBundler("report_api", pyproject_requirements(), host).try_bundle(str(bundle))
        LayerBundler(pyproject_requirements(["sftp"], base=False), host).try_bundle(str(layer))
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-compile", "--target", str(boto),
                        f"boto3=={version('boto3')}"], check=True)  # fmt: skip
        paths = [bundle, layer / "python", boto]
        with_pycs = import_seconds(paths, args.runs)
        for tree in (bundle, layer):
            for cache in list(tree.rglob("__pycache__")):
                shutil.rmtree(cache)
        without = import_seconds(paths, args.runs)
        print(f"report_api cold import, median of {args.runs} (min-max):")
        for name, times in (("with pycs", with_pycs), ("without pycs", without)):
            print(f"  {name:<13} {statistics.median(times) * 1000:5.0f} ms "
                  f"({min(times) * 1000:.0f}-{max(times) * 1000:.0f})")  # fmt: skip


if __name__ == "__main__":
    main()
