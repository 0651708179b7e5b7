"""Run inside a Lambda bundle: ``python -I -S bundle_probe.py`` with a JSON request on stdin.

Puts only the bundle (and its layers) in front of the standard library, imports every module of
``syncline`` and of the function, calls the handler with each event, and prints what happened as
JSON. Used by test_bundle_imports.py; never imported by the test process.
"""

import importlib
import json
import pkgutil
import sys
import sysconfig
import time
import traceback

request = json.load(sys.stdin)
paths: list[str] = request["paths"]
function: str = request["function"]
sys.path[:0] = paths


class Context:
    function_name = f"syncline-test-{function}"
    memory_limit_in_mb = 256
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    invoked_function_arn = f"arn:aws:lambda:us-east-1:000000000000:function:{function_name}"
    function_version = "$LATEST"
    log_group_name = f"/aws/lambda/{function_name}"
    log_stream_name = "probe"

    def __init__(self) -> None:
        self.deadline = time.monotonic() + 30

    def get_remaining_time_in_millis(self) -> int:
        return int((self.deadline - time.monotonic()) * 1000)


failed: dict[str, str] = {}
imported: list[str] = []
for package in ("syncline", f"functions.{function}"):
    root = importlib.import_module(package)
    imported.append(package)
    for info in pkgutil.walk_packages(root.__path__, package + ".", onerror=lambda name: None):
        try:
            importlib.import_module(info.name)
            imported.append(info.name)
        except Exception as exc:  # reported, judged by the test
            failed[info.name] = f"{type(exc).__name__}: {exc}"

results = []
handler = importlib.import_module(f"functions.{function}.handler").handler
for event in request["events"]:
    try:
        results.append({"ok": handler(event, Context())})
    except Exception:
        results.append({"error": traceback.format_exc()})

stdlib = (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])
outside = sorted(
    name
    for name, module in list(sys.modules.items())
    if (getattr(module, "__file__", None) or "").endswith((".py", ".so", ".pyc"))
    and module.__file__ != __file__
    and not str(module.__file__).startswith((*paths, *stdlib))
)
report = {"imported": imported, "failed": failed, "results": results, "outside": outside}
print(json.dumps(report, default=str))
