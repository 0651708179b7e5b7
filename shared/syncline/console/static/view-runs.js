/* Runs: status, service, trigger, start, pulled, pushed, OK, Failed, duration. */

import { h, field, select, table, notice, enc } from "./dom.js";
import { RUN_STATUSES, badge } from "./status.js";
import { duration } from "./format.js";
import { windowQuery, windowSelect, filterForm, byId, whenCell } from "./parts.js";

const TRIGGERS = ["schedule", "manual", "inbound", "sweeper", "resync"];

export async function view(ctx) {
  const params = ctx.params;
  const q = windowQuery(params);
  for (const k of ["service", "status", "trigger", "sort"]) if (params.get(k)) q.set(k, params.get(k));
  const [page, services] = await Promise.all([ctx.api("GET", "/runs", q), ctx.api("GET", "/services")]);
  const named = byId(services);
  const controls = [windowSelect(params),
    field("Service", select("service", params.get("service"),
      [["", "Any"], ...services.items.map((s) => [s.service_id, s.name])], "Service")),
    field("Status", select("status", params.get("status"), [["", "Any"], ...RUN_STATUSES], "Status")),
    field("Trigger", select("trigger", params.get("trigger"), [["", "Any"], ...TRIGGERS], "Trigger")),
    field("Sort", select("sort", params.get("sort"),
      [["", "newest"], ["duration", "longest"], ["failures", "most failures"]], "Sort"))];
  const rows = page.items.map((r) => h("tr", { tabindex: "0", "data-href": "#/runs/" + enc(r.run_id) },
    h("td", {}, badge(r.status)),
    h("td", { class: "mono" }, h("a", { href: "#/runs/" + enc(r.run_id) }, r.run_id)),
    h("td", {}, named[r.service_id] ? named[r.service_id].name : r.service_id),
    h("td", {}, r.trigger), whenCell(r.started_at), h("td", {}, String(r.pulled)), h("td", {}, String(r.pushed)),
    h("td", {}, String(r.totals.OK)), h("td", {}, String(r.totals.Failed)),
    h("td", {}, r.pull_error ? h("span", { class: "err" }, "pull failed") : duration(r.duration_seconds))));
  const heads = ["Status", "Run", "Service", "Trigger", "Started", "Pulled", "Pushed", "OK", "Failed", "Duration"];
  ctx.show(h("h1", {}, "Runs"), filterForm(ctx.go, "/runs", params, controls),
    rows.length ? table(heads, rows, "Runs") : notice("No runs in the window."));
}
