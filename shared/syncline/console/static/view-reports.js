/* The sync report: filters, search, sortable columns, cursor pages, the CSV, resyncs. */

import { exportCsv } from "./api.js";
import { h, field, select, menu, table, notice, announce, outLink, enc } from "./dom.js";
import { ENTRY_STATUSES, badge } from "./status.js";
import { when } from "./format.js";
import { windowQuery, windowSelect, filterForm, refusals, byId, moves } from "./parts.js";

const SEARCH_FIELDS = [["reference", "Reference"], ["sync_id", "Sync id"], ["source_id", "Source id"],
  ["endpoint_id", "Endpoint id"]];
const LISTS = ["status", "service", "source_system", "destination_system", "entity", "run"];
const FILTER_LISTS = ["status", "service", "source_system", "destination_system", "entity", "sync_id"];

/* The API query of the view's URL: a run or a search names its entries, so no default window. */
export function reportQuery(params) {
  const q = params.get("run") || params.get("q") ? new URLSearchParams() : windowQuery(params);
  if ((params.get("run") || params.get("q")) && (params.get("window") || params.get("days") || params.get("from"))) {
    for (const [k, v] of windowQuery(params)) q.set(k, v);
  }
  for (const k of LISTS) for (const v of params.getAll(k)) if (v) q.append(k, v);
  if (params.get("q")) q.set(params.get("in") || "reference", params.get("q"));
  return q;
}

function toFilter(q) {
  const f = {};
  for (const [k, v] of q) {
    if (FILTER_LISTS.includes(k)) (f[k] = f[k] || []).push(v);
    else if (k === "days") f.days = Number(v);
    else f[k] = v;
  }
  return f;
}

export async function view(ctx) {
  const params = ctx.params;
  const services = await ctx.api("GET", "/services");
  const named = byId(services);
  const sort = params.get("sort") || "time";
  const order = params.get("order") || "desc";
  const additional = params.get("cols") === "additional";
  const selected = new Set();
  const cursors = [null];
  const input = (name, size, extra) => h("input", { name, value: params.get(name) || "", size, ...extra });
  const controls = [
    windowSelect(params),
    field("Search in", select("in", params.get("in") || "reference", SEARCH_FIELDS, "Search in")),
    field("Search", input("q", 14, { type: "search", placeholder: "e.g. #1007 or 10*" })),
    field("Status", select("status", params.get("status"), [["", "Any"], ...ENTRY_STATUSES], "Status")),
    field("Service", select("service", params.get("service"),
      [["", "Any"], ...services.items.map((s) => [s.service_id, s.name])], "Service")),
    field("Source system", input("source_system", 10)),
    field("Destination system", input("destination_system", 10)),
    field("Entity", input("entity", 10)),
    field("Run", input("run", 26, { class: "mono" })),
  ];
  const results = h("div", { id: "report-results" });
  const messages = h("div", { id: "report-messages" });
  const colToggle = h("label", { class: "inline" }, h("input", { type: "checkbox", id: "cols-additional",
    checked: additional, onchange: (e) => {
      const next = new URLSearchParams(params);
      if (e.target.checked) next.set("cols", "additional"); else next.delete("cols");
      ctx.go("/reports", next);
    } }), "Additional fields (source id, endpoint id)");

  async function resync(body, refuse) {
    if (refuse) { messages.replaceChildren(notice(refuse, true)); return; }
    try {
      const result = await ctx.api("POST", "/reports/resync", null, body);
      messages.replaceChildren(refusals(result));
      announce(`Queued ${result.queued}, refused ${result.refused.length}`);
      await load(cursors[cursors.length - 1]);
    } catch (err) { if (ctx.live) messages.replaceChildren(notice("Resync failed: " + err.message, true)); }
  }

  async function download() {
    messages.replaceChildren(notice("Preparing the CSV\u2026"));
    try {
      const rows = await exportCsv(reportQuery(params),
        (n) => ctx.live && messages.replaceChildren(notice(`Exporting: ${n} rows so far\u2026`)), () => ctx.live);
      if (rows !== null && ctx.live) messages.replaceChildren(notice(`Downloaded ${rows} rows as CSV.`));
    } catch (err) { if (ctx.live) messages.replaceChildren(notice("Export failed: " + err.message, true)); }
  }

  const failedOnly = () => Object.assign(toFilter(reportQuery(params)), { status: ["Failed"] });
  const actions = menu("Actions", [
    ["Download CSV of what the filters match", download],
    ["Resync the selected rows",
      () => resync({ sync_ids: [...selected] }, selected.size ? null : "Select rows first.")],
    ["Resync all Failed rows that match", () => resync({ filter: failedOnly() })],
  ]);

  function sortHeader(key, label) {
    const active = sort === key;
    const next = new URLSearchParams(params);
    next.set("sort", key);
    next.set("order", active && order === "desc" ? "asc" : "desc");
    return h("th", { scope: "col", "aria-sort": active ? (order === "desc" ? "descending" : "ascending") : null },
      h("button", { type: "button", onclick: () => ctx.go("/reports", next) },
        label + (active ? (order === "desc" ? " \u2193" : " \u2191") : "")));
  }

  function row(e) {
    const latest = e.latest || {};
    const error = latest.error;
    const ref = e.reference || "(none)";
    const cells = [
      h("td", {}, h("input", { type: "checkbox", "aria-label": "Select " + (e.reference || e.sync_id),
        onchange: (ev) => (ev.target.checked ? selected.add(e.sync_id) : selected.delete(e.sync_id)) })),
      h("td", {}, badge(e.status)),
      h("td", {}, h("a", { href: "#/reports/" + enc(e.sync_id) }, ref)),
      h("td", { class: "mono hide-narrow" }, e.sync_id),
      h("td", {}, named[e.service_id] ? named[e.service_id].name : e.service_id),
      h("td", { class: "moves" }, moves(named[e.service_id], e)),
      h("td", { class: "when" }, when(e.updated_at)),
      h("td", {}, latest.attempts !== undefined ? String(latest.attempts) : ""),
      h("td", { class: "err" }, error ? [h("span", {}, `${error.code}: ${error.message}`),
        error.next_step ? h("span", { class: "hint" }, error.next_step) : null] : ""),
    ];
    if (additional) {
      cells.push(h("td", { class: "mono" }, outLink(e.source_url, e.source_id) || e.source_id || ""),
        h("td", { class: "mono" }, outLink(e.endpoint_url, e.endpoint_id) || e.endpoint_id || ""));
    }
    return h("tr", { tabindex: "0", "data-href": "#/reports/" + enc(e.sync_id), "data-sync-id": e.sync_id }, cells);
  }

  async function load(cursor) {
    const q = reportQuery(params);
    q.set("sort", sort); q.set("order", order); q.set("limit", params.get("limit") || "50");
    q.set("fields", "additional"); // attempts and the last error are default columns here
    if (cursor) q.set("cursor", cursor);
    let page;
    try { page = await ctx.api("GET", "/reports", q); } catch (err) {
      if (ctx.live) results.replaceChildren(notice(err.message, true));
      return;
    }
    selected.clear();
    const heads = [h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Select")),
      sortHeader("status", "Status"), sortHeader("reference", "Reference"),
      h("th", { scope: "col", class: "hide-narrow" }, "Sync id"), sortHeader("service", "Service"),
      "Source \u2192 destination", sortHeader("time", "Time"), "Attempts", "Last error"];
    if (additional) heads.push("Source id", "Endpoint id");
    const count = page.items.length;
    const span = page.window && page.window.from ? [" (from ", when(page.window.from, { relative: false }), " to ",
      when(page.window.to, { relative: false }), ")"] : "";
    const pager = h("div", { class: "toolbar" },
      h("span", { id: "page-info" }, `Page ${cursors.length}: ${count} entr${count === 1 ? "y" : "ies"}`, span),
      h("button", { type: "button", disabled: cursors.length <= 1,
        onclick: () => { cursors.pop(); load(cursors[cursors.length - 1]); } }, "Previous page"),
      h("button", { type: "button", disabled: !page.next_cursor,
        onclick: () => { cursors.push(page.next_cursor); load(page.next_cursor); } }, "Next page"));
    results.replaceChildren(count ? table(heads, page.items.map(row), "Sync report entries")
      : notice("No entries match."), pager);
    announce(`${count} entries`);
  }

  ctx.show(h("h1", {}, "Sync report"), filterForm(ctx.go, "/reports", params, controls),
    h("div", { class: "toolbar" }, actions, colToggle), messages, results);
  await load(null);
}
