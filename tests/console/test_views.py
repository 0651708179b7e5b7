"""Issue 30: the console tells operators the truth and says what to do. Against the demo's local
stack in Chromium: every status visible, read and operate keys, the CSV past the inline limit, a
failed pull's reason, human times, the full service view, connector names, the catalog's notes,
record links, the failures-by-error view, the status timeline, the clickable chart, time presets
and the stale-view guard. Every view is shot at 1280 and 800 px wide (`snap`)."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from syncline import api_keys, aws, wiring
from syncline.local.stack import SERVICE, TENANT
from syncline.models import HealthStatus, RunStatus, Status, utcnow
from tests.console.conftest import Console, snap
from tests.console.test_console import WAIT, client, entries

README = Path(__file__).resolve().parents[2] / "README.md"
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
SHOP, WAREHOUSE = "demo-shop", "demo-warehouse"


def open_as(page: Page, console: Console, key: str, fragment: str) -> None:
    page.goto(console.url + fragment)
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=WAIT)


def visit(page: Page, console: Console, fragment: str) -> str:
    """Open a view (signed in already) and wait for it: the text of its main area."""
    page.goto(console.url + fragment)
    main = page.locator("main")
    expect(main.locator("[aria-busy]")).to_have_count(0, timeout=WAIT)
    expect(main.locator("h1")).to_be_visible(timeout=WAIT)
    return main.inner_text()


def readable(text: str, where: str) -> None:
    """What an operator reads: no raw ISO time, no null, no undefined, no error refusing the key."""
    assert not ISO_TIME.search(text), (where, ISO_TIME.search(text))
    for word in ("null", "undefined", "NaN", "[object Object]", "lacks the"):
        assert word not in text, (where, word)


@pytest.fixture(scope="module")
def keys(console: Console) -> dict[str, str]:
    return {scope: api_keys.create_key(TENANT, scope=scope) for scope in ("read", "operate")}


def set_health(connector_id: str, status: HealthStatus, reason: str | None) -> None:
    with aws.unobserved():
        wiring.config_store().record_health(TENANT, connector_id, status, reason, utcnow())


# ---------------------------------------------------------------------------------- 1, 2: statuses


def test_every_status_the_api_answers_has_a_visible_badge(page: Page, console: Console, shots: Path) -> None:
    """Item 1: the badge classes come from one table of the API's status values; each renders with a
    background dark enough for its white text (System Unreachable was white on white)."""
    open_as(page, console, console.key, "#/connectors")
    table: dict[str, str] = page.evaluate("import('./status.js').then((m) => m.STATUS_CLASSES)")
    answered = {s.value for s in Status} | {s.value for s in RunStatus} | {s.value for s in HealthStatus}
    assert set(table) == answered
    colours: dict[str, list[float]] = page.evaluate(
        """async (statuses) => {
          const { badge } = await import('./status.js');
          const out = {};
          for (const s of [...statuses, 'A status nobody knows']) {
            const el = badge(s); document.body.append(el);
            out[s] = getComputedStyle(el).backgroundColor.match(/[\\d.]+/g).map(Number);
            el.remove();
          }
          return out;
        }""",
        sorted(answered),
    )
    for status, rgba in colours.items():
        assert len(rgba) == 3 or rgba[3] == 1, (status, rgba)  # opaque
        assert contrast_with_white(rgba[:3]) >= 4.5, (status, rgba)  # WCAG AA for its white text

    set_health(WAREHOUSE, HealthStatus.UNREACHABLE, "connection refused")
    try:
        page.reload()
        badge = page.locator(f'tr[data-connector-id="{WAREHOUSE}"] .badge')
        expect(badge).to_have_text("System Unreachable", timeout=WAIT)
        rgb = [
            float(n)
            for n in re.findall(r"[\d.]+", badge.evaluate("e => getComputedStyle(e).backgroundColor"))
        ]
        assert contrast_with_white(rgb[:3]) >= 4.5
        snap(page, shots, "connectors")
    finally:
        set_health(WAREHOUSE, HealthStatus.OPERATIONAL, None)


def contrast_with_white(rgb: list[float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_the_dashboard_lists_only_connectors_not_operational(
    page: Page, console: Console, shots: Path
) -> None:
    """Item 2: it compared with "Operational" while the API answers "Connector Operational"."""
    set_health(SHOP, HealthStatus.OPERATIONAL, None)
    set_health(WAREHOUSE, HealthStatus.AUTH_FAILED, "401 invalid token")
    try:
        open_as(page, console, console.key, "#/dashboard")
        down = page.locator("#connectors-down li")
        expect(down).to_have_count(1, timeout=WAIT)
        expect(down).to_contain_text("Failed Authentication")
        expect(down).to_contain_text("Demo warehouse")
        readable(page.locator("main").inner_text(), "dashboard")
        snap(page, shots, "dashboard")
    finally:
        set_health(WAREHOUSE, HealthStatus.OPERATIONAL, None)


# ---------------------------------------------------------------------------------- 3: read and operate keys


READ_VIEWS = [
    "#/dashboard",
    "#/reports",
    "#/failures",
    "#/runs",
    "#/services",
    f"#/services/{SERVICE}",
    "#/connectors",
    f"#/connectors/{SHOP}",
]


def test_a_read_key_uses_every_read_view_and_never_sees_a_credential(
    page: Page, console: Console, keys: dict[str, str], shots: Path
) -> None:
    """Item 3: the dashboard, services and connectors answered 403 to read and operate keys."""
    failed = entries(console, days=5, status="Failed")
    views = [*READ_VIEWS, f"#/reports/{failed[0]['sync_id']}", f"#/runs/{console.run.run_id}"]
    secrets = [console.stack.shop.token, console.stack.warehouse.token, keys["read"], console.key]
    open_as(page, console, keys["read"], "#/dashboard")
    for fragment in views:
        text = visit(page, console, fragment)
        expect(page.get_by_role("alert")).to_have_count(0)
        readable(text, fragment)
        content = page.content()
        assert not any(secret in content for secret in secrets), fragment
        name = fragment.strip("#/").split("/")[0] + ("-detail" if fragment.count("/") > 1 else "")
        snap(page, shots, f"read-{name}")
    # the report's service filter lists the services
    visit(page, console, "#/reports")
    expect(page.get_by_label("Service").locator("option")).to_contain_text(
        ["Any", "Shop orders to warehouse"]
    )
    # the preview is read only: a read key may try the rules
    visit(page, console, f"#/services/{SERVICE}")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview-result")).to_contain_text("The rules apply cleanly.", timeout=WAIT)
    # what a read key cannot do is refused with the scope it needs
    visit(page, console, "#/services")
    page.locator(f'tr[data-service-id="{SERVICE}"]').get_by_role("button", name="Run now").click()
    expect(page.locator("#service-messages")).to_contain_text("lacks the 'operate' scope", timeout=WAIT)


def test_an_operate_key_resyncs_and_runs_now(page: Page, console: Console, keys: dict[str, str]) -> None:
    open_as(page, console, keys["operate"], "#/services")
    page.locator(f'tr[data-service-id="{SERVICE}"]').get_by_role("button", name="Run now").click()
    started = page.locator("#service-messages")
    expect(started).to_contain_text(re.compile(r"Run \S+ started"), timeout=WAIT)
    run_id = re.search(r"Run (\S+) started", started.inner_text()).group(1)  # type: ignore[union-attr]
    console.stack.wait_for_run(run_id, timeout=120)
    failed = entries(console, days=5, status="Failed")
    visit(page, console, f"#/reports/{failed[0]['sync_id']}")
    page.get_by_role("button", name="Resync this entry").click()
    expect(page.locator("#resync-result")).to_contain_text("Queued 1 for resync in run ", timeout=WAIT)
    new_run = re.search(r"in run (\S+?)\.", page.locator("#resync-result").inner_text()).group(1)  # type: ignore[union-attr]
    console.stack.wait_for_run(new_run, timeout=120)
    assert console.key not in page.content() and keys["operate"] not in page.content()


# ---------------------------------------------------------------------------------- 4: CSV past the limit


@pytest.fixture
def small_inline_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """The API server runs in this process: a limit of 3 rows makes the demo's export a large one."""
    from syncline.reports import export

    monkeypatch.setattr(export, "INLINE_MAX_ROWS", 3)
    yield 3


def parse_csv(text: str) -> list[dict[str, str]]:
    return sorted(csv.DictReader(io.StringIO(text, newline="")), key=lambda r: r["sync_id"])


def test_the_csv_above_the_inline_limit_follows_the_export_poll(
    page: Page, console: Console, small_inline_limit: int
) -> None:
    """Item 4: "Export failed: resp.blob is not a function" once the API answered 202."""
    expected = entries(console, days=5)
    assert len(expected) > small_inline_limit
    open_as(page, console, console.key, "#/reports?days=5")
    expect(page.locator("#report-results tbody tr").first).to_be_visible(timeout=WAIT)
    page.get_by_role("button", name="Actions").click()
    with page.expect_download(timeout=WAIT) as download:
        page.get_by_role("menuitem", name="Download CSV of what the filters match").click()
    rows = parse_csv(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [r["sync_id"] for r in rows] == sorted(e["sync_id"] for e in expected)
    assert download.value.suggested_filename.endswith(".csv")
    expect(page.locator("#report-messages")).to_contain_text(f"Downloaded {len(expected)} rows", timeout=WAIT)
    # the catalog's columns and the record links are in it
    failed = [r for r in rows if r["status"] == "Failed"]
    assert failed and all(r["error_next_step"] and r["error_meaning"] for r in failed)
    assert {"source_url", "endpoint_url"} <= set(rows[0])


def readme_export_commands() -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```sh\n(curl -s -H \"x-api-key: \$KEY\" -o answer .*?)```", text, re.S)
    assert block, "README: the export commands are missing"
    return block.group(1)


def test_the_readme_export_commands_save_the_csv_past_the_inline_limit(
    console: Console, small_inline_limit: int, tmp_path: Path
) -> None:
    """Item 4: `curl -OJ` saved the 202's JSON as a file named `export`; the README's commands
    follow the poll to the file."""
    script = readme_export_commands()
    env = {"API": console.api, "KEY": console.key, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        ["bash", "-euc", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    saved = parse_csv((tmp_path / "report.csv").read_text(encoding="utf-8"))
    assert [r["sync_id"] for r in saved] == sorted(e["sync_id"] for e in entries(console, days=15))


# ---------------------------------------------------------------------------------- 5: a failed pull


def test_a_run_whose_pull_failed_says_why_and_what_to_do(page: Page, console: Console, shots: Path) -> None:
    """Item 5: "Errors, grouped: None." while the run had a pull_error; finished runs said "nullnull"."""
    shop = console.stack.shop
    token, shop.token = shop.token, "rotated-token"  # the shop now refuses the connector's token
    try:
        run_id = console.stack.pull("manual")
        assert run_id is not None
        run = console.stack.wait_for_run(run_id, timeout=120)
    finally:
        shop.token = token
    assert run.pull_error is not None and run.pull_error.code == "authentication_failed"
    open_as(page, console, console.key, f"#/runs/{run_id}")
    expect(page.get_by_role("heading", name="Its pull failed")).to_be_visible(timeout=WAIT)
    note = page.locator("#pull-error")
    expect(note).to_contain_text("authentication_failed")
    expect(note).to_contain_text("What it means: The system refused the connector's credentials")
    expect(note).to_contain_text("What to do: Store valid credentials on the connector")
    readable(page.locator("main").inner_text(), "run")
    snap(page, shots, "run-pull-failed")
    visit(page, console, f"#/runs/{console.run.run_id}")  # a finished run: every field readable
    readable(page.locator("main").inner_text(), "finished run")
    snap(page, shots, "run")


# ---------------------------------------------------------------------------------- 6: the views say it all


def test_the_service_view_shows_filters_transform_arguments_script_and_multi_field_sources(
    page: Page, console: Console, shots: Path
) -> None:
    """Item 6: only a filter count, no transform arguments, no payload script, and a two-field
    source joined as `customer.firstcustomer.last`; the preview hid its trace and which filter
    dropped a record."""
    api = client(console)
    copy = api.post(f"/services/{SERVICE}/clone", json={"service_id": "orders-gb", "name": "GB orders"})
    assert copy.status_code == 201, copy.text
    rules = {
        "filters": [
            {"field": "currency", "operator": "equals", "value": "GBP"},
            {"field": "shipping_address.country", "operator": "in", "value": ["GB", "IE"]},
        ],
        "mappings": [
            {"source": "id", "target": "id", "required": True},
            {
                "source": ["shipping_address.city", "shipping_address.country"],
                "target": "ship_to.line",
                "transforms": [{"function": "join", "args": {"separator": ", "}}],
            },
            {
                "source": "number",
                "target": "reference",
                "transforms": [{"function": "prefix", "args": {"value": "GB-"}}],
            },
        ],
        "payload_script": '$merge([$, {"channel": "web"}])',
    }
    try:
        changed = api.patch("/services/orders-gb", json=rules)
        assert changed.status_code == 200, changed.text
        open_as(page, console, console.key, "#/services/orders-gb")
        expect(page.locator("#filters li")).to_have_text(
            ['#1 currency equals "GBP"', '#2 shipping_address.country in ["GB","IE"]'], timeout=WAIT
        )
        mapping = page.locator("table").first
        expect(mapping).to_contain_text("shipping_address.city + shipping_address.country")
        expect(mapping).to_contain_text('join(separator=", ")')
        expect(mapping).to_contain_text('prefix(value="GB-")')
        expect(page.locator("#payload-script")).to_have_text(str(rules["payload_script"]))
        sample = {
            "id": 5,
            "number": "#5",
            "currency": "GBP",
            "shipping_address": {"city": "Paris", "country": "FR"},
        }
        page.locator("#sample").fill(json.dumps(sample))
        page.get_by_role("button", name="Preview").click()
        result = page.locator("#preview-result")
        expect(result.locator("#preview-kept")).to_have_text(
            'Dropped by filter #2: shipping_address.country in ["GB","IE"].', timeout=WAIT
        )
        trace = result.locator("table tbody tr")
        expect(trace).to_have_count(4)  # one row a rule, and the payload script
        expect(trace.nth(1)).to_contain_text('"Paris, FR"')
        expect(trace.nth(2)).to_contain_text('"GB-#5"')
        readable(page.locator("main").inner_text(), "service")
        snap(page, shots, "service")
    finally:
        assert api.delete("/services/orders-gb").status_code == 204


def test_report_rows_name_the_connectors_and_times_read_as_people_read_them(
    page: Page, console: Console, shots: Path
) -> None:
    """Item 6: rows said `rest orders -> rest orders`; times were `...22:47:27.755853+00:00 UTC`."""
    open_as(page, console, console.key, "#/reports?days=5&status=Failed")
    rows = page.locator("#report-results tbody tr")
    expect(rows.first).to_be_visible(timeout=WAIT)
    expect(rows.first.locator("td.moves")).to_have_text("Demo shop (orders) \u2192 Demo warehouse (orders)")
    expect(rows.first.locator("td.when")).to_contain_text(
        re.compile(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d:\d\d UTC \(")
    )
    # the last error says what to do
    expect(rows.first.locator("td.err .hint")).to_contain_text("Correct the address in the source record")
    readable(page.locator("main").inner_text(), "report")
    snap(page, shots, "report")


# ---------------------------------------------------------------------------------- catalog and record links


def test_an_entry_says_what_its_error_means_and_links_the_record_at_both_ends(
    page: Page, console: Console, shots: Path
) -> None:
    api = client(console)
    for connector_id, host in ((SHOP, "shop.example.com"), (WAREHOUSE, "wms.example.com")):
        current = api.get(f"/connectors/{connector_id}").json()["settings"]
        template = {"record_url_template": f"https://{host}/admin/{{entity}}/{{id}}"}
        assert (
            api.patch(f"/connectors/{connector_id}", json={"settings": current | template}).status_code == 200
        )
    try:
        failed = entries(console, days=5, status="Failed", fields="additional")[0]
        assert failed["source_url"] == f"https://shop.example.com/admin/orders/{failed['source_id']}"
        assert failed["latest"]["error"]["next_step"].startswith("Correct the address")
        open_as(page, console, console.key, f"#/reports/{failed['sync_id']}")
        note = page.locator("#entry-error")
        expect(note).to_contain_text("What it means: The destination cannot use the address", timeout=WAIT)
        expect(note).to_contain_text("What to do: Correct the address in the source record")
        link = page.get_by_role("link", name="open in Demo shop")
        expect(link).to_have_attribute("href", failed["source_url"])
        readable(page.locator("main").inner_text(), "entry")
        snap(page, shots, "entry")
        ok = entries(console, days=5, status="OK", fields="additional")[0]
        assert ok["endpoint_url"] == f"https://wms.example.com/admin/orders/{ok['endpoint_id']}"
        row = next(
            r
            for r in parse_csv(api.get("/reports/export", params={"days": 5}).text)
            if r["sync_id"] == ok["sync_id"]
        )
        assert row["endpoint_url"] == ok["endpoint_url"] and row["source_url"] == ok["source_url"]
    finally:
        for connector_id in (SHOP, WAREHOUSE):
            current = api.get(f"/connectors/{connector_id}").json()["settings"]
            current.pop("record_url_template", None)
            assert api.patch(f"/connectors/{connector_id}", json={"settings": current}).status_code == 200


def test_the_failures_view_groups_errors_and_resyncs_a_group(
    page: Page, console: Console, shots: Path
) -> None:
    answer = client(console).get("/reports/errors", params={"days": 5}).json()
    (group,) = answer["groups"]  # the demo's one refusal
    assert group["count"] == len(entries(console, days=5, status="Failed"))
    open_as(page, console, console.key, "#/failures?days=5")
    section = page.locator(".error-group")
    expect(section).to_have_count(1, timeout=WAIT)
    expect(section.locator("h2")).to_contain_text(f"{group['count']} \u00d7 rejected")
    expect(section).to_contain_text("What to do: Correct the address in the source record")
    expect(section).to_contain_text("Services: Shop orders to warehouse")
    readable(page.locator("main").inner_text(), "failures")
    snap(page, shots, "failures")
    section.get_by_role("button", name=re.compile("Resync these")).click()
    expect(section.locator("#resync-result")).to_contain_text(
        f"Queued {group['count']} for resync", timeout=WAIT
    )
    run_id = re.search(r"in run (\S+?)\.", section.locator("#resync-result").inner_text()).group(1)  # type: ignore[union-attr]
    assert console.stack.wait_for_run(run_id, timeout=120).totals.Failed == group["count"]


def test_a_connectors_status_history_is_a_timeline(page: Page, console: Console, shots: Path) -> None:
    set_health(WAREHOUSE, HealthStatus.UNREACHABLE, "connection refused")
    set_health(WAREHOUSE, HealthStatus.OPERATIONAL, None)
    open_as(page, console, console.key, f"#/connectors/{WAREHOUSE}")
    bands = page.locator("#status-history .timeline .band")
    expect(bands.first).to_be_visible(timeout=WAIT)
    statuses = [c.split("badge-")[1] for c in bands.evaluate_all("els => els.map(e => e.className)")]
    assert statuses[-2:] == ["unreachable", "ok"]
    expect(page.locator("#status-history table")).to_contain_text("System Unreachable")
    readable(page.locator("main").inner_text(), "connector")
    snap(page, shots, "connector")


# ---------------------------------------------------------------------------------- 8, 9: dashboard and time


def test_the_dashboard_filters_and_its_chart_opens_that_days_rows(page: Page, console: Console) -> None:
    """Item 8 (GET /dashboard?status=&service= answered 422) and the chart clickable into the report."""
    api = client(console)
    answer = api.get("/dashboard", params={"days": 5, "status": "Failed", "service": SERVICE})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["totals"]["OK"] == 0 and body["totals"]["Failed"] > 0
    assert [s["service_id"] for s in body["services"]] == [SERVICE]
    assert api.get("/dashboard", params={"days": 5, "service": "nope"}).json()["services"] == []
    open_as(page, console, console.key, f"#/dashboard?days=5&status=Failed&service={SERVICE}")
    expect(page.locator('#totals [data-status="OK"] .n')).to_have_text("0", timeout=WAIT)
    day = next(d for d in body["days"] if d["totals"]["Failed"])
    part = page.locator(f'.chart a[data-day="{day["date"]}"][data-status="Failed"]')
    part.click()
    expect(page).to_have_url(re.compile(r"#/reports\?from=.*&to=.*&status=Failed&service="), timeout=WAIT)
    shown = entries(console, status="Failed", service=SERVICE, **{"from": day["from"], "to": day["to"]})
    expect(page.locator("#report-results tbody tr")).to_have_count(len(shown), timeout=WAIT)


def test_time_presets_follow_the_company_groups_time_zone(page: Page, console: Console, shots: Path) -> None:
    """Item 9: Today, Yesterday, This week, Last week, in the company group's time zone."""
    api = client(console)
    assert api.patch("/company-group", json={"timezone": "Pacific/Auckland"}).status_code == 200
    try:
        window = api.get("/reports", params={"period": "today"}).json()["window"]
        start = datetime.fromisoformat(window["from"].replace("Z", "+00:00"))
        local = start.astimezone(ZoneInfo("Pacific/Auckland"))
        assert (local.hour, local.minute) == (0, 0) and start.tzinfo is not None
        bad = api.patch("/company-group", json={"timezone": "Mars/Olympus"})
        assert bad.status_code == 422 and "body.timezone" in bad.text
        open_as(page, console, console.key, "#/reports")
        choice = page.get_by_label("Window")
        expect(choice.locator("option")).to_contain_text(["Today", "Yesterday", "This week", "Last week"])
        expect(page.locator("label", has=choice)).to_contain_text("Pacific/Auckland")
        choice.select_option("today")
        page.get_by_role("button", name="Apply").click()
        expect(page).to_have_url(re.compile(r"window=today"), timeout=WAIT)
        today = entries(console, period="today")
        expect(page.locator("#report-results tbody tr")).to_have_count(len(today), timeout=WAIT)
        expect(page.locator("#page-info")).to_contain_text(re.compile(r"GMT\+1[23]"))  # Auckland time
        snap(page, shots, "report-today")
    finally:
        assert api.patch("/company-group", json={"timezone": "UTC"}).status_code == 200


# ---------------------------------------------------------------------------------- console code


def test_a_view_left_before_its_answer_never_paints_over_the_next(page: Page, console: Console) -> None:
    """The stale-view guard: a run's answer held back until the user has moved on to Services."""
    held: list[Route] = []
    page_url = f"**/runs/{console.run.run_id}"
    open_as(page, console, console.key, "#/services")
    page.route(page_url, lambda route: held.append(route))
    page.goto(f"{console.url}#/runs/{console.run.run_id}")
    page.wait_for_function("() => document.querySelector('main [aria-busy]') !== null")
    page.evaluate("location.hash = '#/services'")
    expect(page.get_by_role("heading", level=1)).to_have_text("Services", timeout=WAIT)
    assert len(held) == 1
    with page.expect_response(lambda r: r.url.endswith(f"/runs/{console.run.run_id}")):
        held[0].continue_()
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")  # its handlers have run
    expect(page.get_by_role("heading", level=1)).to_have_text("Services")


def test_console_modules_are_plain_es_modules_with_short_lines() -> None:
    from syncline.console import STATIC_DIR

    scripts = sorted(STATIC_DIR.glob("*.js"))
    assert len(scripts) >= 10  # one module per view, and the shared ones
    for path in [*scripts, *STATIC_DIR.glob("*.css"), *STATIC_DIR.glob("*.html")]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert len(line) <= 120, f"{path.name}:{number} is {len(line)} characters"
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    assert '<script type="module" src="main.js"></script>' in html
    router = (STATIC_DIR / "router.js").read_text(encoding="utf-8")
    views = sorted(p.stem for p in STATIC_DIR.glob("view-*.js"))
    assert all(f'"./{view}.js"' in router for view in views)  # every view is in the route table
    for path in STATIC_DIR.glob("view-*.js"):
        text = path.read_text(encoding="utf-8")
        assert "export async function view(ctx)" in text, path.name
        assert "main.replaceChildren" not in text, path.name  # views paint through ctx.show


def test_the_modules_are_served_as_javascript(console: Console) -> None:
    from syncline.console import STATIC_DIR

    for path in STATIC_DIR.glob("*.js"):
        answer = httpx.get(f"{console.api}/console/{path.name}")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/javascript")
