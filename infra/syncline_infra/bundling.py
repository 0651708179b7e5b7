"""Lambda bundles built on this machine, without Docker.

A bundle is: the runtime dependencies from pyproject.toml at the versions of
``requirements/lambda.lock``, installed by pip with ``--require-hashes`` for the Lambda runtime's
Python version and CPU (``--platform``/``--python-version``/``--only-binary``, so a compiled wheel
such as pydantic-core is the aarch64 one), plus ``shared/syncline`` without the local stack and
the CLI, plus ``functions/<name>/``, all with unchecked-hash bytecode of the runtime's Python.
boto3 comes with the Lambda runtime and is never bundled. An optional dependency group (``sftp``)
is a layer: its locked packages under ``python/``, with bytecode.

The installed dependency tree is cached in ``infra/.bundle-cache/`` (``bundleCacheDir`` context
or ``SYNCLINE_BUNDLE_CACHE``), keyed by the locked entries, runtime and platform: pip runs once
for the first synth, and every function of every later synth copies from the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import jsii
from aws_cdk import AssetHashType, BundlingOptions, ILocalBundling
from aws_cdk import aws_lambda as lambda_
from packaging.requirements import Requirement

from .context import REPO_ROOT

# Bump when the layout of a bundle or of the cache changes.
BUNDLE_FORMAT = 2

# Where Lambda unpacks a function's code and a layer's Python packages: the paths compiled into
# the bytecode, so tracebacks name the deployed files.
FUNCTION_ROOT = "/var/task"
LAYER_ROOT = "/opt/python"

# Lambda's Python runtimes from 3.12 on run on Amazon Linux 2023 (glibc 2.34); pip takes the
# newest wheel that any of these tags allows.
_GLIBC = ("2014", "_2_28", "_2_34")
_ARCH_TAGS = {"arm64": "aarch64", "x86_64": "x86_64"}

# Provided by the Lambda runtime: never bundled, even when a dependency asks for it.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")

# Parts of the library that only run on a workstation.
LIBRARY_EXCLUDES = ("local", "cli.py")
_ALWAYS_EXCLUDED = ("__pycache__", "*.pyc", "*.pyo", ".pytest_cache", ".mypy_cache", "*.egg-info")

_CACHE_MARKER = ".syncline-deps.json"
# Every Lambda dependency, pinned with hashes (pip-compile; the command is in infra/README.md).
LOCK_FILE = REPO_ROOT / "requirements" / "lambda.lock"
_PIN_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")
_NAME_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


class BundlingError(RuntimeError):
    pass


def pyproject_requirements(
    extras: Iterable[str] = (), pyproject: Path | None = None, *, base: bool = True
) -> tuple[str, ...]:
    """The ``[project] dependencies`` (unless ``base`` is false) plus the named optional extras,
    minus what the runtime has."""
    path = pyproject or REPO_ROOT / "pyproject.toml"
    project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
    requirements = list(project.get("dependencies", [])) if base else []
    optional = project.get("optional-dependencies", {})
    for extra in extras:
        if extra not in optional:
            raise BundlingError(f"pyproject.toml has no optional dependency group {extra!r}")
        requirements += optional[extra]
    kept = []
    for requirement in requirements:
        match = _NAME_RE.match(requirement)
        name = match.group(1).lower().replace("_", "-") if match else ""
        if name in RUNTIME_PROVIDED or name == project["name"]:
            continue
        kept.append(requirement)
    return tuple(dict.fromkeys(kept))


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Locked:
    name: str
    version: str
    via: frozenset[str]  # the locked packages that require it ("syncline" for a direct one)
    text: str  # its lines in the lock, hashes included


def read_lock(lock: Path | None = None) -> dict[str, Locked]:
    """The packages of a pip-compile lock (``--generate-hashes``), by normalized name."""
    blocks: list[list[str]] = []
    for line in (lock or LOCK_FILE).read_text(encoding="utf-8").splitlines():
        if _PIN_RE.match(line):
            blocks.append([line])
        elif blocks and line.startswith(" "):
            blocks[-1].append(line)
    packages = {}
    for lines in blocks:
        pin = _PIN_RE.match(lines[0])
        assert pin is not None
        via = {
            _normalize(m.group(1))
            for line in lines
            if (m := re.match(r"\s*#\s*(?:via\s+)?([A-Za-z0-9][\w.-]*)", line)) and m.group(1) != "via"
        }
        name = _normalize(pin.group(1))
        packages[name] = Locked(name, pin.group(2), frozenset(via), "\n".join(lines) + "\n")
    return packages


def locked_requirements(requirements: Sequence[str], lock: Path | None = None) -> str:
    """The lock's entries (pinned, with hashes) for ``requirements`` and everything they pull in."""
    packages = read_lock(lock)
    wanted = set()
    for requirement in requirements:
        parsed = Requirement(requirement)
        name = _normalize(parsed.name)
        if name not in packages:
            raise BundlingError(
                f"{requirement!r} is not in {lock or LOCK_FILE}; regenerate it (infra/README.md)"
            )
        if not parsed.specifier.contains(packages[name].version, prereleases=True):
            raise BundlingError(
                f"{lock or LOCK_FILE} pins {name}=={packages[name].version}, which {requirement!r} excludes; "
                "regenerate it (infra/README.md)"
            )
        wanted.add(name)
    # What the runtime provides (botocore, which aws-xray-sdk requires) is neither shipped nor
    # followed: its own dependencies come with it on Lambda.
    provided = set(RUNTIME_PROVIDED)
    while True:
        pulled = {p.name for p in packages.values() if p.via & (wanted - provided)} - wanted
        if not pulled:
            break
        wanted |= pulled
    return "".join(packages[name].text for name in sorted(wanted - provided))


def python_version(runtime: lambda_.Runtime) -> str:
    """``python3.14`` -> ``3.14``."""
    match = re.fullmatch(r"python(\d+\.\d+)", runtime.name)
    if not match:
        raise BundlingError(f"{runtime.name} is not a Python runtime")
    return match.group(1)


def pip_platforms(architecture: lambda_.Architecture) -> tuple[str, ...]:
    arch = _ARCH_TAGS[architecture.name]
    return tuple(f"manylinux{glibc}_{arch}" for glibc in _GLIBC)


class DependencyCache:
    """Installs locked requirement sets for one runtime and architecture, once, into a shared cache.

    ``host=True`` installs the same locked set for this machine's Python and platform instead (it
    must be the runtime's Python version): a bundle built from it can be imported here, which is
    how the tests check what the Lambda bundles can import.
    """

    def __init__(
        self,
        cache_dir: Path,
        runtime: lambda_.Runtime,
        architecture: lambda_.Architecture,
        *,
        lock: Path | None = None,
        host: bool = False,
    ) -> None:
        self.cache_dir = cache_dir
        self.runtime = runtime
        self.architecture = architecture
        self.lock = lock or LOCK_FILE
        self.host = host
        if host and runtime_python(python_version(runtime)) != sys.executable:
            raise BundlingError(f"a host bundle needs Python {python_version(runtime)} to run the bundler")
        self._installed: dict[tuple[str, ...], Path] = {}

    def key(self, locked: str) -> str:
        spec = {
            "format": BUNDLE_FORMAT,
            "locked": locked,
            "python": python_version(self.runtime),
            "platforms": "host" if self.host else pip_platforms(self.architecture),
        }
        return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]

    def path_for(self, locked: str) -> Path:
        arch = "host" if self.host else _ARCH_TAGS[self.architecture.name]
        return self.cache_dir / f"{self.runtime.name}-{arch}-{self.key(locked)}"

    def install(self, requirements: Sequence[str]) -> Path:
        """The directory holding the requirements, at their locked versions (installed now if not
        cached)."""
        requirements = tuple(requirements)
        if requirements in self._installed:
            return self._installed[requirements]
        locked = locked_requirements(requirements, self.lock)
        target = self.path_for(locked)
        if not (target / _CACHE_MARKER).is_file():
            self._pip_install(locked, target)
        self._installed[requirements] = target
        return target

    def _pip_install(self, locked: str, target: Path) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        # Install next to the target and rename: concurrent synths never see half a tree.
        staging = self.cache_dir / f".tmp-{target.name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        requirements_file = staging.parent / f"{staging.name}.txt"  # (with_suffix would cut at "3.13")
        requirements_file.write_text(locked, encoding="utf-8")
        platform_args = [
            "--implementation", "cp",
            "--python-version", python_version(self.runtime),
            *(arg for platform in pip_platforms(self.architecture) for arg in ("--platform", platform)),
        ]  # fmt: skip
        command = [
            sys.executable, "-m", "pip", "install",
            "--quiet", "--disable-pip-version-check", "--no-input", "--no-compile",
            "--target", str(staging),
            "--only-binary=:all:", "--no-deps", "--require-hashes",
            *([] if self.host else platform_args),
            "-r", str(requirements_file),
        ]  # fmt: skip
        env = {**os.environ, "PIP_REQUIRE_VIRTUALENV": "false"}
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        requirements_file.unlink()
        if result.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise BundlingError(
                f"pip could not install the Lambda dependencies for {self.runtime.name}/"
                f"{self.architecture.name}:\n  {' '.join(command)}\n{result.stderr.strip()}"
            )
        _prune(staging)
        (staging / _CACHE_MARKER).write_text(
            json.dumps({"locked": locked.splitlines(), "command": command[3:-1]}, indent=2) + "\n",
            encoding="utf-8",
        )
        try:
            staging.rename(target)
        except OSError:
            # Another synth finished the same install first; its copy is identical.
            shutil.rmtree(staging, ignore_errors=True)
            if not (target / _CACHE_MARKER).is_file():
                raise


def _prune(tree: Path) -> None:
    """Drop console scripts, bytecode and anything the runtime provides."""
    shutil.rmtree(tree / "bin", ignore_errors=True)
    for cache in list(tree.rglob("__pycache__")):
        shutil.rmtree(cache, ignore_errors=True)
    for name in RUNTIME_PROVIDED:
        shutil.rmtree(tree / name, ignore_errors=True)
        for info in tree.glob(f"{name}-*.dist-info"):
            shutil.rmtree(info, ignore_errors=True)


def runtime_python(version: str) -> str:
    """An interpreter of the runtime's Python minor version: this one, or ``python<version>``."""
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        return sys.executable
    found = shutil.which(f"python{version}")
    # (a pyenv shim is on PATH even when it cannot run)
    if not found or subprocess.run([found, "-c", ""], capture_output=True, check=False).returncode:
        raise BundlingError(
            f"bundles ship bytecode compiled by Python {version} (the Lambda runtime's); "
            f"this is Python {sys.version_info[0]}.{sys.version_info[1]} and no python{version} runs here "
            "(run the synth from the project's .venv, which make creates with Python 3.13)"
        )
    return found


def compile_bytecode(tree: Path, version: str, deployed_at: str) -> None:
    """Write ``__pycache__/*.cpython-3XX.pyc`` for every module of ``tree``.

    Unchecked-hash pycs: the runtime loads them without looking at the source's mtime (which a
    zip does not keep exactly), so no cold start compiles anything.
    """
    command = [
        runtime_python(version), "-m", "compileall", "-q", "-j", "0",
        "--invalidation-mode", "unchecked-hash",
        "-s", str(tree), "-p", deployed_at,
        str(tree),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BundlingError(f"compileall failed:\n  {' '.join(command)}\n{result.stdout}{result.stderr}")


@jsii.implements(ILocalBundling)
class LocalBundler:
    """CDK's local-bundling hook: fills the asset directory without Docker."""

    def __init__(self, function: str, requirements: Sequence[str], cache: DependencyCache) -> None:
        self.function = function
        self.requirements = tuple(requirements)
        self.cache = cache

    # jsii hands the bundling options over as one positional struct.
    def try_bundle(self, output_dir: str, options: BundlingOptions | None = None) -> bool:
        out = Path(output_dir)
        build_bundle(out, self.function, self.cache.install(self.requirements))
        compile_bytecode(out, python_version(self.cache.runtime), FUNCTION_ROOT)
        return True


@jsii.implements(ILocalBundling)
class LayerBundler:
    """A layer of dependencies only: ``python/`` holds them, as Lambda expects."""

    def __init__(self, requirements: Sequence[str], cache: DependencyCache) -> None:
        self.requirements = tuple(requirements)
        self.cache = cache

    def try_bundle(self, output_dir: str, options: BundlingOptions | None = None) -> bool:
        out = Path(output_dir) / "python"
        dependencies = self.cache.install(self.requirements)
        shutil.copytree(dependencies, out, dirs_exist_ok=True, ignore=shutil.ignore_patterns(_CACHE_MARKER))
        compile_bytecode(out, python_version(self.cache.runtime), LAYER_ROOT)
        return True


def build_bundle(out: Path, function: str, dependencies: Path, root: Path = REPO_ROOT) -> None:
    source = root / "functions" / function
    if not source.is_dir():
        raise BundlingError(f"no function folder {source}")
    shutil.copytree(dependencies, out, dirs_exist_ok=True, ignore=shutil.ignore_patterns(_CACHE_MARKER))
    shutil.copytree(
        root / "shared" / "syncline",
        out / "syncline",
        dirs_exist_ok=True,
        ignore=_library_ignore(root / "shared" / "syncline"),
    )
    package_init = root / "functions" / "__init__.py"
    (out / "functions").mkdir(exist_ok=True)
    if package_init.is_file():
        shutil.copy2(package_init, out / "functions" / "__init__.py")
    shutil.copytree(
        source,
        out / "functions" / function,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns(*_ALWAYS_EXCLUDED),
    )


def _library_ignore(library: Path) -> Callable[[str, list[str]], set[str]]:
    generic = shutil.ignore_patterns(*_ALWAYS_EXCLUDED)

    def ignore(directory: str, names: list[str]) -> set[str]:
        ignored: set[str] = set(generic(directory, names))
        if Path(directory).resolve() == library.resolve():
            ignored |= {name for name in names if name in LIBRARY_EXCLUDES}
        return ignored

    return ignore


def function_code(
    function: str,
    requirements: Sequence[str],
    cache: DependencyCache,
) -> lambda_.Code:
    """The Lambda code asset of ``functions/<function>``, bundled locally.

    The asset hash is taken from the bundle's content, so a change to the function, the library
    or a resolved dependency version deploys new code, and nothing else does.
    """
    return lambda_.Code.from_asset(
        str(REPO_ROOT / "functions" / function),
        asset_hash_type=AssetHashType.OUTPUT,
        bundling=BundlingOptions(
            image=cache.runtime.bundling_image,
            # Only reached if local bundling is switched off; Syncline has no Docker path.
            command=["bash", "-c", "echo 'Syncline bundles without Docker, see infra/README.md' >&2; exit 1"],
            local=cast(ILocalBundling, LocalBundler(function, requirements, cache)),
        ),
    )


def layer_code(name: str, requirements: Sequence[str], cache: DependencyCache) -> lambda_.Code:
    """The code asset of a dependency layer (``name`` only labels the source folder)."""
    return lambda_.Code.from_asset(
        str(REPO_ROOT / "infra"),
        asset_hash_type=AssetHashType.OUTPUT,
        bundling=BundlingOptions(
            image=cache.runtime.bundling_image,
            command=["bash", "-c", f"echo 'layer {name}: Syncline bundles without Docker' >&2; exit 1"],
            local=cast(ILocalBundling, LayerBundler(requirements, cache)),
        ),
    )
