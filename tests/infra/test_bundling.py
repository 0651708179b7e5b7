"""Lambda bundles: aarch64 wheels for the runtime's Python, the library without local/CLI code."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest

from infra.syncline_infra import bundling
from infra.syncline_infra.bundling import (
    DependencyCache,
    build_bundle,
    pyproject_requirements,
    python_version,
)
from infra.syncline_infra.context import REPO_ROOT
from infra.syncline_infra.functions import ARCHITECTURE, RUNTIME, SPECS

from .conftest import Synthesized, of_type

CP = "cp" + python_version(RUNTIME).replace(".", "")  # cp313
AL2023_GLIBC = (2, 34)
ELF_MACHINE_AARCH64 = 183
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
# Lambda takes 50 MB; we keep every bundle and layer under 10 MB for upload and cold start.
LAMBDA_ZIPPED_LIMIT = 10 * 1024 * 1024
PYC_UNCHECKED_HASH_FLAGS = 0b01  # hash-based, check_source off (PEP 552)


def _tag_ok(tag: str) -> bool:
    interpreter, abi, platform = tag.split("-")
    if platform == "any":
        return abi == "none"
    match = re.fullmatch(r"manylinux(?:2014|_(\d+)_(\d+))_aarch64", platform)
    if not match:
        return False
    glibc = (int(match.group(1)), int(match.group(2))) if match.group(1) else (2, 17)
    if glibc > AL2023_GLIBC:
        return False
    if abi == "abi3":
        return re.fullmatch(r"cp3\d+", interpreter) is not None and int(interpreter[3:]) <= int(CP[3:])
    return interpreter == CP and abi == CP


def check_bundle(root: Path, function: str) -> dict[str, int]:
    """Assert what a Lambda bundle must and must not contain; returns counts for the report."""
    assert (root / "syncline" / "__init__.py").is_file()
    assert (root / "syncline" / "tables.py").is_file()
    assert not (root / "syncline" / "local").exists(), "the local stack must not be bundled"
    assert not (root / "syncline" / "cli.py").exists(), "the CLI must not be bundled"
    for name in ("boto3", "botocore", "s3transfer", "moto", "aws_cdk", "bin"):
        assert not (root / name).exists(), f"{name} must not be bundled"
    check_bytecode(root)
    assert not (root / "asyncssh").exists() and not (root / "cryptography").exists(), "SFTP is a layer"
    assert not (root / "yaml").exists(), "PyYAML is a layer"

    source = REPO_ROOT / "functions" / function
    for path in source.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            copied = root / "functions" / function / path.relative_to(source)
            assert copied.read_bytes() == path.read_bytes(), f"{copied} differs from the source"
    library = REPO_ROOT / "shared" / "syncline"
    for path in library.rglob("*.py"):
        relative = path.relative_to(library)
        if relative.parts[0] in ("local", "cli.py") or "__pycache__" in relative.parts:
            continue
        assert (root / "syncline" / relative).is_file(), f"{relative} missing from the bundle"

    tags = []
    for wheel in root.glob("*.dist-info/WHEEL"):
        tags += [
            line.split(":", 1)[1].strip()
            for line in wheel.read_text().splitlines()
            if line.startswith("Tag:")
        ]
    bad = [t for t in tags if not _tag_ok(t)]
    assert tags and not bad, f"wheels not built for {CP} manylinux aarch64: {bad}"

    shared_objects = list(root.rglob("*.so"))
    for so in shared_objects:
        header = so.read_bytes()[:20]
        assert header[:4] == b"\x7fELF", so
        assert int.from_bytes(header[18:20], "little") == ELF_MACHINE_AARCH64, f"{so} is not aarch64"
        if ".cpython-" in so.name:
            assert so.name.endswith(f".cpython-{CP[2:]}-aarch64-linux-gnu.so"), so
    return {"wheels": len(tags), "shared_objects": len(shared_objects)}


def check_bytecode(root: Path) -> int:
    """Every module has its unchecked-hash pyc of the runtime's Python; returns how many."""
    sources = list(root.rglob("*.py"))
    same_python = CP == f"cp{sys.version_info[0]}{sys.version_info[1]}"
    for source in sources:
        pyc = source.parent / "__pycache__" / f"{source.stem}.cpython-{CP[2:]}.pyc"
        assert pyc.is_file(), f"{pyc} missing"
        header = pyc.read_bytes()[:8]
        assert header[:4] == importlib.util.MAGIC_NUMBER or not same_python, f"{pyc}: other Python"
        flags = int.from_bytes(header[4:8], "little")
        assert flags == PYC_UNCHECKED_HASH_FLAGS, f"{pyc} is not unchecked-hash"
    stray = [p for p in root.rglob("*.pyc") if f".cpython-{CP[2:]}." not in p.name]
    assert not stray, stray[:5]
    return len(sources)


def _asset_dir(synthesized: Synthesized, function: str) -> Path:
    name = f"syncline-dev-{function.replace('_', '-')}"
    resources = synthesized.template_json()["Resources"]
    (props,) = [
        f["Properties"]
        for f in of_type(resources, "AWS::Lambda::Function").values()
        if f["Properties"]["FunctionName"] == name
    ]
    asset_hash = props["Code"]["S3Key"].removesuffix(".zip")
    path = synthesized.outdir / f"asset.{asset_hash}"
    assert path.is_dir()
    return path


@pytest.mark.parametrize("function", [spec.name for spec in SPECS])
def test_staged_bundle(default: Synthesized, function: str) -> None:
    counts = check_bundle(_asset_dir(default, function), function)
    assert counts["shared_objects"] >= 1  # pydantic-core at least


@pytest.mark.parametrize("function", [spec.name for spec in SPECS])
def test_every_bundle_has_the_tracer(default: Synthesized, function: str) -> None:
    """The handlers' Tracer imports aws_xray_sdk at a cold start on Lambda (and patches with wrapt)."""
    bundle = _asset_dir(default, function)
    assert (bundle / "aws_xray_sdk" / "ext" / "httpx").is_dir()
    assert (bundle / "wrapt").is_dir()
    assert not (bundle / "botocore").exists()  # still the runtime's


def _layer_id(synthesized: Synthesized, name: str) -> str:
    resources = synthesized.template_json()["Resources"]
    (layer_id,) = [i for i in of_type(resources, "AWS::Lambda::LayerVersion") if f"{name}Layer" in i]
    return layer_id


def _layer_dir(synthesized: Synthesized, name: str = "Sftp") -> Path:
    layer = synthesized.template_json()["Resources"][_layer_id(synthesized, name)]
    path = synthesized.outdir / f"asset.{layer['Properties']['Content']['S3Key'].removesuffix('.zip')}"
    assert path.is_dir()
    return path


def _functions_with(synthesized: Synthesized, name: str) -> list[str]:
    resources = synthesized.template_json()["Resources"]
    return sorted(
        f["Properties"]["FunctionName"]
        for f in of_type(resources, "AWS::Lambda::Function").values()
        if {"Ref": _layer_id(synthesized, name)} in f["Properties"].get("Layers", [])
    )


def test_sftp_is_one_layer_for_the_functions_that_use_it(default: Synthesized) -> None:
    assert len(of_type(default.template_json()["Resources"], "AWS::Lambda::LayerVersion")) == 2
    with_layer = _functions_with(default, "Sftp")
    assert with_layer == [f"syncline-dev-{n}" for n in ("health", "report-api", "sync-item", "trigger")]
    layer = _layer_dir(default) / "python"
    assert (layer / "asyncssh").is_dir() and (layer / "cryptography").is_dir()
    assert not (layer / "pydantic").exists(), "the layer holds the SFTP dependencies only"
    check_bytecode(layer)


def test_pyyaml_is_a_layer_for_report_api_only(default: Synthesized) -> None:
    """The configuration files (/config/...) are YAML: only report_api reads them."""
    assert _functions_with(default, "Config") == ["syncline-dev-report-api"]
    layer = _layer_dir(default, "Config") / "python"
    assert (layer / "yaml").is_dir() and not (layer / "pydantic").exists()
    check_bytecode(layer)


def test_bundles_unpack_within_lambda_limits(default: Synthesized, tmp_path: Path) -> None:
    """Zip every bundle and the layer as the deploy does: each under 10 MB; unpack and check one."""
    assets = {spec.name: _asset_dir(default, spec.name) for spec in SPECS}
    assets["sftp-layer"] = _layer_dir(default)
    assets["config-layer"] = _layer_dir(default, "Config")
    sizes = {}
    for name, asset in assets.items():
        archive = Path(shutil.make_archive(str(tmp_path / name), "zip", asset))
        sizes[name] = archive.stat().st_size
    assert all(size < LAMBDA_ZIPPED_LIMIT for size in sizes.values()), sizes
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(tmp_path / "sync_item.zip") as zipped:
        assert sum(info.file_size for info in zipped.infolist()) < LAMBDA_UNZIPPED_LIMIT
        zipped.extractall(unpacked)
    check_bundle(unpacked, "sync_item")


def test_requirements_come_from_pyproject() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert pyproject_requirements() == tuple(project["dependencies"])
    assert pyproject_requirements(["sftp"]) == (
        *project["dependencies"],
        *project["optional-dependencies"]["sftp"],
    )
    assert not any(r.startswith("boto3") for r in pyproject_requirements(["sftp", "aws"]))


def test_unknown_extra_is_an_error() -> None:
    with pytest.raises(bundling.BundlingError, match="no-such-extra"):
        pyproject_requirements(["no-such-extra"])


def test_pip_installs_aarch64_wheels_for_the_runtime(tmp_path: Path) -> None:
    cache = DependencyCache(tmp_path, RUNTIME, ARCHITECTURE)
    installed = cache.install(["pydantic==2.14.*"])
    tags = [
        line.split(":", 1)[1].strip()
        for wheel in installed.glob("*.dist-info/WHEEL")
        for line in wheel.read_text().splitlines()
        if line.startswith("Tag:")
    ]
    assert any(f"{CP}-{CP}-manylinux" in t and t.endswith("aarch64") for t in tags), tags
    assert all(_tag_ok(t) for t in tags), tags
    assert not (installed / "bin").exists()
    assert not list(tmp_path.glob(".tmp-*")), "the staging directory is renamed, not left behind"


def test_cached_dependencies_are_not_installed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = DependencyCache(tmp_path, RUNTIME, ARCHITECTURE)
    first = cache.install(["idna==3.*"])

    def no_pip(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("pip ran again")

    monkeypatch.setattr(bundling.subprocess, "run", no_pip)
    assert DependencyCache(tmp_path, RUNTIME, ARCHITECTURE).install(["idna==3.*"]) == first


def test_requirements_outside_the_lock_are_refused(tmp_path: Path) -> None:
    cache = DependencyCache(tmp_path, RUNTIME, ARCHITECTURE)
    with pytest.raises(bundling.BundlingError, match="not in .*lambda.lock"):
        cache.install(["syncline-no-such-package-for-tests==0.0.1"])
    with pytest.raises(bundling.BundlingError, match="pins pydantic==.* excludes"):
        cache.install(["pydantic<2"])
    assert not list(tmp_path.iterdir())


def test_pyproject_and_the_lock_agree() -> None:
    """Every Lambda dependency of pyproject.toml is locked at a version it allows, with hashes,
    and the lock holds nothing that no Lambda dependency pulls in."""
    lambda_requirements = pyproject_requirements(["sftp", "config"])
    locked = bundling.locked_requirements(lambda_requirements)  # raises on a disagreement
    lock = bundling.read_lock()
    shipped = {line.split("==")[0] for line in locked.splitlines() if "==" in line}
    left_out = set(lock) - shipped
    # Left out: what the runtime provides (botocore, for aws-xray-sdk) and what only it pulls in.
    assert left_out & set(bundling.RUNTIME_PROVIDED) == {"botocore"}
    assert all(lock[name].via <= left_out for name in left_out - {"botocore"}), left_out
    assert all(lock[name].via & (shipped | {"syncline"}) for name in shipped)
    for entry in bundling.read_lock().values():
        assert "--hash=sha256:" in entry.text, entry.name


def test_pip_failure_names_the_command(tmp_path: Path) -> None:
    lock = tmp_path / "bad.lock"
    lock.write_text("idna==3.20 \\\n    --hash=sha256:" + "0" * 64 + "\n    # via syncline\n")
    cache = DependencyCache(tmp_path / "cache", RUNTIME, ARCHITECTURE, lock=lock)
    with pytest.raises(bundling.BundlingError, match="--require-hashes"):
        cache.install(["idna==3.*"])
    assert not list((tmp_path / "cache").iterdir())


def test_build_bundle_excludes_local_stack_and_cli(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    library = root / "shared" / "syncline"
    (library / "local").mkdir(parents=True)
    (library / "connectors").mkdir()
    (library / "__pycache__").mkdir()
    for path in ("__init__.py", "cli.py", "local/__init__.py", "connectors/local.py", "__pycache__/x.pyc"):
        (library / path).write_text("# test\n")
    (root / "functions" / "demo").mkdir(parents=True)
    (root / "functions" / "demo" / "handler.py").write_text("def handler(event, context): ...\n")
    deps = tmp_path / "deps"
    (deps / "pydantic").mkdir(parents=True)
    (deps / ".syncline-deps.json").write_text("{}")

    out = tmp_path / "out"
    build_bundle(out, "demo", deps, root=root)

    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == [
        "functions/demo/handler.py",
        "syncline/__init__.py",
        "syncline/connectors/local.py",  # only the top-level local/ package is the local stack
    ]
    assert (out / "pydantic").is_dir()
