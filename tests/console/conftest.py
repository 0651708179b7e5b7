"""Browser tests of the web console: Playwright (pytest-playwright) driving headless Chromium from
Debian's `chromium` package (CI installs it; nothing is downloaded), against the local stack and its
API server started in this process. Screenshots of each page go to the test's output folder
(`test-results/<test>/`, pytest-playwright's `output_path`)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from syncline.api_keys import create_key
from syncline.local.http import ApiServer
from syncline.local.stack import TENANT, LocalStack, StackOptions, local_stack
from syncline.models import Run

CHROMIUM = "/usr/bin/chromium"
WIDTHS = (1280, 800)  # every view is shot at a desktop's width and a tablet's
# Set to a folder (docs/console) to also keep each view's screenshots there: docs/console.md shows them.
DOCS_SHOTS = os.environ.get("SYNCLINE_CONSOLE_SHOTS")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these, Chromium's own connections are refused on a closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not Path(CHROMIUM).exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)",
        allow_module_level=True,
    )
pytest.importorskip("playwright", reason="pytest-playwright is not installed (the dev extra has it)")

from playwright.sync_api import Browser, BrowserType, Page, Playwright, sync_playwright  # noqa: E402


# pytest-playwright keeps Playwright (and its event loop, running in the main thread) for the whole
# session; every later test of the same worker that runs an event loop (asyncio.run: the SFTP
# connector) would fail with "Cannot run the event loop while another loop is running". Here they
# live for this package only: stopped when its last test is done.
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    return getattr(playwright, browser_name or "chromium")


@pytest.fixture(scope="package")
def launch_browser(
    browser_type_launch_args: dict[str, Any], browser_type: BrowserType
) -> Callable[..., Browser]:
    def launch(**kwargs: Any) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser: Callable[..., Browser]) -> Iterator[Browser]:
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def base_url() -> str | None:
    """What pytest-base-url would give (it is off, see pyproject.toml): none; pages use full URLs."""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="package")
def browser_context_args() -> dict[str, Any]:
    # Not the plugin's (it needs its session-wide Playwright, for device presets: none used here).
    return {"viewport": {"width": WIDTHS[0], "height": 900}, "accept_downloads": True}


@dataclass
class Console:
    stack: LocalStack
    api: str
    key: str
    run: Run

    @property
    def url(self) -> str:
        return f"{self.api}/console/"


@pytest.fixture(scope="package")
def console() -> Iterator[Console]:
    """The demo: 30 orders, of which the warehouse refuses those whose id ends in 7 (Failed)."""
    options = StackOptions(records=30, fail_rate=0.0, permanent_failures=True, retry_base_seconds=0)
    with local_stack(options) as stack, ApiServer() as server:
        run = stack.wait_for_run(stack.fire(), timeout=120)
        yield Console(stack=stack, api=server.url, key=create_key(TENANT), run=run)


@pytest.fixture
def shots(output_path: str) -> Iterator[Path]:
    folder = Path(output_path)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    yield folder


def snap(page: Page, shots: Path, name: str) -> None:
    """The page at each width in WIDTHS (full height), into the test's folder (and DOCS_SHOTS)."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        path = shots / f"{name}-{width}.png"
        page.screenshot(path=path, full_page=True)
        if DOCS_SHOTS and not name.startswith("read-"):  # the read key's walk repeats the others
            Path(DOCS_SHOTS).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, Path(DOCS_SHOTS) / path.name)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
