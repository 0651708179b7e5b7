"""The web console in Chromium against the demo's local stack: sign in, the dashboard's totals,
the sync report (filter, open a row, resync, CSV), runs, services (deactivate, reactivate, run
now), connectors without credentials, and a shared URL. Screenshots of each page are written to
the test's output folder."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from playwright.sync_api import Browser, Page, expect

from syncline.local.stack import SERVICE
from tests.console.conftest import Console

WAIT = 60_000  # ms: generous, the machine is shared; expect() waits only as long as it must


def sign_in(page: Page, console: Console, fragment: str = "") -> None:
    page.goto(console.url + fragment)
    page.get_by_label("API key").fill(console.key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=WAIT)


def client(console: Console) -> httpx.Client:
    return httpx.Client(base_url=console.api, headers={"x-api-key": console.key}, timeout=60)


def entries(console: Console, **params: str | int) -> list[dict[str, Any]]:
    """What the API's search answers now (one page of up to 500)."""
    answer = client(console).get("/reports", params={"limit": 500, **params})
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def test_console_is_served_with_security_headers(console: Console) -> None:
    page = httpx.get(console.url)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert '<script type="module" src="main.js"></script>' in page.text and "<script>" not in page.text
    assert httpx.get(f"{console.api}/console/main.js").headers["content-type"].startswith("text/javascript")
    for outside in ("..%2fpyproject.toml", "%2e%2e/pyproject.toml", "nope.js", "__init__.py"):
        assert httpx.get(f"{console.api}/console/{outside}").status_code == 404, outside
    assert httpx.get(f"{console.api}/console").status_code == 301


def test_sign_in_shows_the_demo_totals_and_sign_out_forgets_the_key(
    page: Page, console: Console, shots: Path
) -> None:
    page.goto(console.url)
    page.screenshot(path=shots / "sign-in.png")
    page.get_by_label("API key").fill("sl_not_a_key")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("refused", timeout=WAIT)

    sign_in(page, console)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible(timeout=WAIT)
    expect(page.locator("#who")).to_have_text("Demo company group (demo)", timeout=WAIT)
    dashboard = client(console).get("/dashboard", params={"days": 5}).json()
    totals = dashboard["totals"]
    assert totals["OK"] >= console.run.totals.OK and totals["Failed"] > 0  # the demo's run is in it
    for status in ("OK", "Sent", "Pending", "Failed"):
        card = page.locator(f'#totals [data-status="{status}"] .n')
        expect(card).to_have_text(str(totals[status]), timeout=WAIT)
    expect(page.locator("#failure-rate")).to_have_text(f"{100 * dashboard['failure_rate']:.1f} %")
    expect(page.locator(".chart svg rect").first).to_be_visible()
    expect(page.locator("#runs-24h")).to_contain_text(f"{dashboard['runs']['total']} run")
    page.screenshot(path=shots / "dashboard.png", full_page=True)
    assert page.evaluate("sessionStorage.getItem('syncline.key')") == console.key
    assert console.key not in page.content()  # the key is never in the page

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("API key")).to_be_visible(timeout=WAIT)
    assert page.evaluate("sessionStorage.getItem('syncline.key')") is None


def test_report_filters_to_failed_and_csv_matches_the_api_export(
    page: Page, console: Console, shots: Path
) -> None:
    sign_in(page, console, "#/reports")
    rows = page.locator("#report-results tbody tr")
    expect(rows).to_have_count(len(entries(console, days=5)), timeout=WAIT)
    page.get_by_label("Status").select_option("Failed")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"#/reports\?.*status=Failed"), timeout=WAIT)
    failed = len(entries(console, days=5, status="Failed"))
    assert failed > 0
    expect(rows).to_have_count(failed, timeout=WAIT)
    expect(rows.locator(".badge")).to_have_text(["Failed"] * failed)
    expect(rows.first).to_contain_text("not a deliverable postcode")
    page.screenshot(path=shots / "report-failed.png", full_page=True)

    # sort by reference, A to Z: the URL says so and the rows follow
    page.get_by_role("button", name="Reference").click()
    expect(page).to_have_url(re.compile("sort=reference&order=desc"), timeout=WAIT)
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Reference", timeout=WAIT)
    page.get_by_role("button", name="Reference").click()
    expect(page).to_have_url(re.compile("sort=reference&order=asc"), timeout=WAIT)
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Reference", timeout=WAIT)
    references = rows.locator("td:nth-child(3)")
    expect(references).to_have_count(failed, timeout=WAIT)
    shown = references.all_inner_texts()
    assert shown == sorted(shown, key=str.casefold)

    # the actions menu, by keyboard: download the CSV of what the filters match
    page.get_by_role("button", name="Actions").focus()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("menuitem", name="Download CSV of what the filters match")).to_be_focused()
    with page.expect_download(timeout=WAIT) as download:
        page.keyboard.press("Enter")
    saved = Path(download.value.path())
    browser_csv = saved.read_text(encoding="utf-8")
    api_csv = client(console).get("/reports/export", params={"days": 5, "status": "Failed"}).text
    parse = lambda text: sorted(csv.DictReader(io.StringIO(text, newline="")), key=lambda r: r["sync_id"])  # noqa: E731
    assert parse(browser_csv) == parse(api_csv)
    assert len(parse(browser_csv)) == failed
    assert download.value.suggested_filename.endswith(".csv")


def test_open_a_row_resync_it_and_see_refusals_and_its_new_status(
    page: Page, console: Console, shots: Path
) -> None:
    sign_in(page, console, "#/reports?status=Failed")
    rows = page.locator("#report-results tbody tr")
    expect(rows).to_have_count(len(entries(console, days=5, status="Failed")), timeout=WAIT)
    # keyboard: the first row takes focus, Enter opens its detail
    rows.first.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#/reports/[0-9a-f]{24}$"), timeout=WAIT)
    expect(page.locator("#entry-status")).to_have_text("Failed", timeout=WAIT)
    expect(page.locator("#entry-error")).to_contain_text("not a deliverable postcode")
    expect(page.get_by_role("link", name=console.run.run_id)).to_be_visible()
    page.screenshot(path=shots / "entry.png", full_page=True)

    console.stack.warehouse.permanent = False  # the warehouse now accepts the order
    try:
        page.get_by_role("button", name="Resync this entry").click()
        expect(page.locator("#resync-result")).to_contain_text("Queued 1 for resync", timeout=WAIT)
        expect(page.locator("#entry-status")).to_have_text("OK", timeout=WAIT)  # refreshes by itself
        expect(page.locator("#entry-error")).to_have_text("None.")
    finally:
        console.stack.warehouse.permanent = True
    page.screenshot(path=shots / "entry-resynced.png", full_page=True)

    # an OK row selected and resynced is refused, with its reason
    page.goto(console.url + "#/reports?status=OK")
    rows = page.locator("#report-results tbody tr")
    expect(rows.first).to_be_visible(timeout=WAIT)
    rows.first.get_by_role("checkbox").check()
    page.get_by_role("button", name="Actions").click()
    expect(page.get_by_role("menuitem", name="Resync the selected rows")).to_be_visible(timeout=WAIT)
    page.get_by_role("heading", name="Sync report").click()  # a click outside closes the menu
    expect(page.get_by_role("menu")).to_be_hidden()
    expect(page.get_by_role("button", name="Actions")).to_have_attribute("aria-expanded", "false")
    page.get_by_role("button", name="Actions").click()
    page.get_by_role("menuitem", name="Resync the selected rows").click()
    result = page.locator("#resync-result")
    expect(result).to_contain_text("Queued 0 for resync", timeout=WAIT)
    expect(result).to_contain_text("already_ok")
    expect(result).to_contain_text("the entry is already OK at its destination")
    page.screenshot(path=shots / "report-refused.png", full_page=True)


def test_runs_list_and_a_runs_errors_link_to_its_rows(page: Page, console: Console, shots: Path) -> None:
    run = console.run
    sign_in(page, console, "#/runs")
    row = page.locator("tbody tr", has_text=run.run_id)
    expect(row).to_contain_text("schedule", timeout=WAIT)
    expect(row.locator("td").nth(5)).to_have_text(str(run.pulled))
    page.screenshot(path=shots / "runs.png", full_page=True)
    row.get_by_role("link", name=run.run_id).click()
    expect(page.get_by_role("heading", name=re.compile("Run"))).to_contain_text(run.run_id, timeout=WAIT)
    expect(page.locator("table")).to_contain_text("not a deliverable postcode")
    page.screenshot(path=shots / "run.png", full_page=True)
    page.locator("#run-entries").click()
    expect(page).to_have_url(re.compile(f"#/reports\\?run={run.run_id}$"), timeout=WAIT)
    expect(page.locator("#report-results tbody tr")).to_have_count(
        len(entries(console, run=run.run_id)), timeout=WAIT
    )


def test_deactivate_reactivate_and_run_a_service(page: Page, console: Console, shots: Path) -> None:
    api = client(console)
    sign_in(page, console, "#/services")
    row = page.locator(f'tr[data-service-id="{SERVICE}"]')
    expect(row.locator(".service-state")).to_have_text("active", timeout=WAIT)
    page.screenshot(path=shots / "services.png", full_page=True)
    row.get_by_role("button", name="Deactivate").click()
    expect(page.locator("#service-messages")).to_contain_text(f"{SERVICE} is now inactive", timeout=WAIT)
    row = page.locator(f'tr[data-service-id="{SERVICE}"]')
    expect(row.locator(".service-state")).to_have_text("inactive", timeout=WAIT)
    assert api.get(f"/services/{SERVICE}").json()["active"] is False
    row.get_by_role("button", name="Activate").click()
    expect(page.locator("#service-messages")).to_contain_text(f"{SERVICE} is now active", timeout=WAIT)
    expect(page.locator(f'tr[data-service-id="{SERVICE}"] .service-state')).to_have_text(
        "active", timeout=WAIT
    )
    assert api.get(f"/services/{SERVICE}").json()["active"] is True

    page.locator(f'tr[data-service-id="{SERVICE}"]').get_by_role("button", name="Run now").click()
    started = page.locator("#service-messages")
    expect(started).to_contain_text(re.compile(r"Run \S+ started"), timeout=WAIT)
    run_id = re.search(r"Run (\S+) started", started.inner_text()).group(1)  # type: ignore[union-attr]
    console.stack.wait_for_run(run_id, timeout=120)  # finishes before the next test's stack use

    # its mapping, read only, and the preview on a sample record
    page.get_by_role("link", name="Shop orders to warehouse").click()
    expect(page.get_by_role("heading", name="Mapping (read only)")).to_be_visible(timeout=WAIT)
    expect(page.locator("table")).to_contain_text("customer.email")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview-result")).to_contain_text("The rules apply cleanly.", timeout=WAIT)
    expect(page.locator("#preview-result pre")).to_contain_text('"item_code": "SKU-1"')
    page.screenshot(path=shots / "service.png", full_page=True)


def test_connectors_never_show_a_credential(page: Page, console: Console, shots: Path) -> None:
    secrets = [console.stack.shop.token, console.stack.warehouse.token]
    sign_in(page, console, "#/connectors")
    row = page.locator("tbody tr", has_text="demo-shop")
    expect(row).to_contain_text("set (write-only)", timeout=WAIT)
    page.screenshot(path=shots / "connectors.png", full_page=True)
    content = page.content()
    assert all(secret not in content for secret in secrets)
    row.get_by_role("link", name="Demo shop").click()
    expect(page.get_by_role("heading", name="Sync totals")).to_be_visible(timeout=WAIT)
    expect(page.locator("dl.fields")).to_contain_text("set (write-only: never shown)")
    expect(page.get_by_text("No changes recorded.")).to_be_visible()
    page.get_by_role("button", name="Check now").click()  # the demo shop answers: Operational
    expect(page.locator("#status-history")).to_contain_text("Operational", timeout=WAIT)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Operational")
    page.screenshot(path=shots / "connector.png", full_page=True)
    content = page.content()
    assert all(secret not in content for secret in secrets) and console.key not in content


def test_a_shared_url_opens_the_same_filtered_view_after_sign_in(
    browser: Browser, console: Console, shots: Path
) -> None:
    reference = entries(console, days=5, status="Failed")[0]["reference"]
    link = console.url + f"#/reports?days=5&status=Failed&in=reference&q={quote(reference)}"
    context = browser.new_context(viewport={"width": 820, "height": 1100})  # a tablet, a fresh session
    try:
        page = context.new_page()
        page.goto(link)
        expect(page.get_by_label("API key")).to_be_visible(timeout=WAIT)
        page.get_by_label("API key").fill(console.key)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Sync report")).to_be_visible(timeout=WAIT)
        assert page.url == link
        expect(page.get_by_label("Status")).to_have_value("Failed")
        expect(page.get_by_label("Search", exact=True)).to_have_value(reference)
        rows = page.locator("#report-results tbody tr")
        expect(rows).to_have_count(1, timeout=WAIT)
        expect(rows.first).to_contain_text(reference)
        page.screenshot(path=shots / "report-shared-link-tablet.png", full_page=True)
    finally:
        context.close()


def test_resync_all_failed_rows_that_match(page: Page, console: Console, shots: Path) -> None:
    failed = entries(console, days=5, status="Failed")
    assert failed
    sign_in(page, console, "#/reports?status=Failed")
    expect(page.locator("#report-results tbody tr")).to_have_count(len(failed), timeout=WAIT)
    page.get_by_role("button", name="Actions").click()
    page.get_by_role("menuitem", name="Resync all Failed rows that match").click()
    result = page.locator("#resync-result")
    expect(result).to_contain_text(f"Queued {len(failed)} for resync in run ", timeout=WAIT)
    page.screenshot(path=shots / "report-resync-all.png", full_page=True)
    run_id = re.search(r"in run (\S+?)\.", result.inner_text()).group(1)  # type: ignore[union-attr]
    again = console.stack.wait_for_run(run_id, timeout=120)  # the warehouse still refuses them
    assert again.trigger.value == "resync" and again.totals.Failed == len(failed)
    moved = {e["sync_id"] for e in entries(console, run=run_id)}
    assert moved == {e["sync_id"] for e in failed}


def test_a_live_run_refreshes_by_itself(page: Page, console: Console, shots: Path) -> None:
    """A resync run stays Running while the sync queue is not consumed (the pollers paused); its
    page shows it Running, then OK once they resume, without a reload."""
    (entry, *_) = entries(console, days=5, status="Failed")
    sign_in(page, console, "#/runs")
    console.stack.driver.stop()
    console.stack.warehouse.permanent = False
    try:
        resync = client(console).post("/reports/resync", json={"sync_ids": [entry["sync_id"]]})
        assert resync.status_code == 200 and resync.json()["queued"] == 1, resync.text
        (run_id,) = resync.json()["run_ids"]
        page.goto(f"{console.url}#/runs/{run_id}")
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_contain_text("Running", timeout=WAIT)
        expect(page.get_by_text("Running: this page refreshes by itself.")).to_be_visible()
        page.screenshot(path=shots / "run-live.png", full_page=True)
    finally:
        console.stack.driver.start()
    try:
        expect(heading).to_contain_text("OK", timeout=WAIT)
        expect(page.locator('.cards [data-status="OK"] .n')).to_have_text("1")
        expect(page.get_by_text("this page refreshes by itself")).to_have_count(0)
    finally:
        console.stack.wait_for_run(run_id, timeout=120)
        console.stack.warehouse.permanent = True


def test_a_resynced_entry_links_the_runs_it_was_in(page: Page, console: Console, shots: Path) -> None:
    """After a resync the entry's detail lists its run now and the run it left, each a link to
    that run's view."""
    failed = entries(console, days=5, status="Failed", fields="additional")
    # one never resynced if there is one left (the other tests resync Failed rows too)
    entry = min(failed, key=lambda e: len(e["earlier_runs"]))
    first_run, before = entry["run_id"], len(entry["earlier_runs"])
    sign_in(page, console, f"#/reports/{entry['sync_id']}")
    runs = page.locator("#entry-runs")
    expect(runs.get_by_role("link")).to_have_count(1 + before, timeout=WAIT)  # its run, and any earlier
    expect(runs.get_by_role("link", name=first_run)).to_have_attribute("href", f"#/runs/{quote(first_run)}")

    page.get_by_role("button", name="Resync this entry").click()  # the warehouse still refuses it
    result = page.locator("#resync-result")
    expect(result).to_contain_text("Queued 1 for resync in run ", timeout=WAIT)
    new_run = re.search(r"in run (\S+?)\.", result.inner_text()).group(1)  # type: ignore[union-attr]
    console.stack.wait_for_run(new_run, timeout=120)
    expect(page.locator("#entry-status")).to_have_text("Failed", timeout=WAIT)  # refreshed by itself
    expect(runs.get_by_role("link")).to_have_count(2 + before, timeout=WAIT)

    page.reload()  # the detail as a fresh load shows it too
    expect(runs.get_by_role("link")).to_have_count(2 + before, timeout=WAIT)
    expect(runs.locator("li").first).to_contain_text("(its run now)")
    expect(runs.get_by_role("link", name=new_run)).to_have_attribute("href", f"#/runs/{quote(new_run)}")
    earlier = runs.get_by_role("link", name=first_run)
    expect(earlier).to_have_attribute("href", f"#/runs/{quote(first_run)}")
    expect(runs.locator("li").nth(1)).to_contain_text("(earlier)")
    page.screenshot(path=shots / "entry-earlier-runs.png", full_page=True)
    earlier.click()
    expect(page).to_have_url(re.compile(re.escape(f"#/runs/{first_run}") + "$"), timeout=WAIT)
    expect(page.get_by_role("heading", level=1)).to_contain_text(first_run, timeout=WAIT)
