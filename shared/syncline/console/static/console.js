/* Syncline web console: plain JavaScript, no build step, no inline script (CSP: script-src 'self').
   Every view is a hash URL (#/reports?status=Failed&days=5), so a link can be shared. The API key
   is kept in sessionStorage only; every value from the API goes into the page as text, never HTML. */
"use strict";
(function () {
  const KEY = "syncline.key";
  const STATUSES = ["OK", "Sent", "Pending", "Failed"];
  const COLOURS = { OK: "#1a6b32", Sent: "#285e9c", Pending: "#7a5200", Failed: "#a4161a" };
  const DAY_PRESETS = [1, 2, 3, 5, 7, 10, 15];
  let apiBase = "";
  let generation = 0; // bumped on each navigation: a stale view stops refreshing itself
  const main = document.getElementById("main");

  // ---- helpers ---------------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  const badge = (s) => h("span", { class: "badge " + s }, s);
  const time = (iso) => (iso ? iso.replace("T", " ").replace(/\.\d+Z?$/, "").replace(/Z$/, "") + " UTC" : "");
  function announce(text) { document.getElementById("status").textContent = text; }
  function notice(text, error) { return h("div", { class: "notice" + (error ? " error" : ""), role: error ? "alert" : "status" }, text); }

  function route() {
    const raw = location.hash.replace(/^#/, "") || "/dashboard";
    const [path, query] = raw.split("?");
    return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query || "") };
  }
  function go(path, params) {
    const q = params ? params.toString() : "";
    location.hash = "#" + path + (q ? "?" + q : "");
  }
  function clean(params) {
    const out = new URLSearchParams();
    for (const [k, v] of params) if (v !== "" && v !== null) out.append(k, v);
    return out;
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error && body.error.message) || "HTTP " + status);
      this.status = status;
    }
  }
  async function api(method, path, params, body) {
    const url = apiBase + path + (params && params.toString() ? "?" + params.toString() : "");
    const headers = { "x-api-key": sessionStorage.getItem(KEY) || "" };
    if (body !== undefined) headers["content-type"] = "application/json";
    const resp = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (resp.status === 401 || resp.status === 403) {
      const data = await resp.json().catch(() => null);
      if (resp.status === 401 || /revoked|unknown|expired|invalid/i.test((data && data.error && data.error.message) || "")) {
        signOut("Your key was refused: sign in again.");
      }
      throw new ApiError(resp.status, data);
    }
    if (!resp.ok) throw new ApiError(resp.status, await resp.json().catch(() => null));
    if ((resp.headers.get("content-type") || "").startsWith("text/csv")) return resp;
    return resp.json();
  }

  // ---- sign-in ---------------------------------------------------------------------------
  function signOut(message) {
    sessionStorage.removeItem(KEY);
    render(message);
  }
  function signInView(message) {
    document.getElementById("nav").hidden = true;
    document.getElementById("signout").hidden = true;
    document.getElementById("who").textContent = "";
    const input = h("input", { id: "api-key", type: "password", autocomplete: "off", required: true, spellcheck: "false" });
    const form = h("form", { class: "signin", onsubmit: async (e) => {
      e.preventDefault();
      sessionStorage.setItem(KEY, input.value.trim());
      try { await api("GET", "/dashboard", new URLSearchParams({ days: "1" })); } catch (err) {
        sessionStorage.removeItem(KEY);
        form.querySelector(".notice")?.remove();
        form.append(notice(err.status === 403 || err.status === 401 ? "That key was refused." : String(err.message), true));
        return;
      }
      render();
    } },
      h("h1", {}, "Sign in"),
      h("p", {}, "Paste an API key of your company group. It stays in this browser tab only (sessionStorage) until you sign out."),
      h("label", { for: "api-key" }, "API key", input),
      h("button", { class: "primary", type: "submit" }, "Sign in"),
      message ? notice(message, true) : null);
    main.replaceChildren(form);
    input.focus();
  }

  // ---- shared pieces ---------------------------------------------------------------------
  function field(label, control) { return h("label", {}, label, control); }
  function select(name, value, options, label) {
    const el = h("select", { name, "aria-label": label || name });
    for (const o of options) {
      const [v, t] = Array.isArray(o) ? o : [o, o];
      el.append(h("option", { value: v, selected: String(v) === String(value || "") }, t));
    }
    return el;
  }
  function daysSelect(value) {
    return select("days", value || "5", DAY_PRESETS.map((d) => [String(d), d === 1 ? "last 24 hours" : "last " + d + " days"]), "Window");
  }
  function filterForm(path, params, controls, extraButtons) {
    const form = h("form", { class: "filters", role: "search", onsubmit: (e) => {
      e.preventDefault();
      const next = new URLSearchParams();
      for (const el of form.elements) if (el.name && el.value) next.append(el.name, el.value);
      for (const k of ["sort", "order", "cols"]) if (params.get(k)) next.set(k, params.get(k));
      go(path, clean(next));
    } }, controls, h("button", { type: "submit", class: "primary" }, "Apply"),
      h("button", { type: "button", onclick: () => go(path) }, "Clear"), extraButtons || null);
    return form;
  }
  function rowsKeyboard(tbody) {
    tbody.addEventListener("keydown", (e) => {
      const row = e.target.closest("tr");
      if (!row || e.target !== row) return;
      if (e.key === "ArrowDown" && row.nextElementSibling) { e.preventDefault(); row.nextElementSibling.focus(); }
      if (e.key === "ArrowUp" && row.previousElementSibling) { e.preventDefault(); row.previousElementSibling.focus(); }
      if (e.key === "Enter" && row.dataset.href) { e.preventDefault(); location.hash = row.dataset.href; }
    });
  }
  function menu(label, items) {
    const button = h("button", { type: "button", "aria-haspopup": "menu", "aria-expanded": "false", id: "actions-button" }, label + " \u25BE");
    const list = h("div", { role: "menu", "aria-labelledby": "actions-button", hidden: true });
    const close = (focus) => { list.hidden = true; button.setAttribute("aria-expanded", "false"); if (focus) button.focus(); };
    const open = () => { list.hidden = false; button.setAttribute("aria-expanded", "true"); list.querySelector("[role=menuitem]").focus(); };
    for (const [text, action] of items) {
      list.append(h("button", { type: "button", role: "menuitem", tabindex: "-1", onclick: () => { close(true); action(); } }, text));
    }
    button.addEventListener("click", () => (list.hidden ? open() : close(false)));
    button.addEventListener("keydown", (e) => { if (e.key === "ArrowDown") { e.preventDefault(); open(); } });
    list.addEventListener("keydown", (e) => {
      const all = [...list.querySelectorAll("[role=menuitem]")];
      const i = all.indexOf(document.activeElement);
      if (e.key === "ArrowDown") { e.preventDefault(); all[(i + 1) % all.length].focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); all[(i - 1 + all.length) % all.length].focus(); }
      if (e.key === "Escape" || e.key === "Tab") close(e.key === "Escape");
    });
    return h("div", { class: "menu" }, button, list);
  }
  function refusals(result) {
    const box = h("div", { class: "notice", role: "status", id: "resync-result" },
      h("p", {}, `Queued ${result.queued} for resync` + (result.run_ids && result.run_ids.length ? " in run " + result.run_ids.join(", ") : "") + (result.more ? " (more match: run it again)" : "") + "."));
    if (result.refused && result.refused.length) {
      box.append(h("p", {}, `Refused ${result.refused.length}:`),
        h("ul", {}, result.refused.map((r) => h("li", {}, h("span", { class: "mono" }, r.sync_id), ": ", h("strong", {}, r.reason), " \u2014 ", r.message))));
    }
    return box;
  }
  function table(headers, rows, caption) {
    const tbody = h("tbody", {}, rows);
    rowsKeyboard(tbody);
    return h("div", { class: "table-wrap" }, h("table", {}, caption ? h("caption", { class: "visually-hidden" }, caption) : null,
      h("thead", {}, h("tr", {}, headers)), tbody));
  }
  function totalsCards(totals, extra) {
    return h("div", { class: "cards" }, STATUSES.map((s) => h("div", { class: "card", "data-status": s },
      h("div", { class: "n" }, String(totals[s] || 0)), h("div", { class: "k" }, s))), extra || []);
  }

  // ---- sync report -----------------------------------------------------------------------
  const SEARCH_FIELDS = [["reference", "Reference"], ["sync_id", "Sync id"], ["source_id", "Source id"], ["endpoint_id", "Endpoint id"]];
  function reportQuery(params) {
    const q = new URLSearchParams();
    const run = params.get("run");
    if (!run && !params.get("q")) q.set("days", params.get("days") || "5");
    else if (params.get("days")) q.set("days", params.get("days"));
    for (const k of ["status", "service", "source_system", "destination_system", "entity", "run"]) {
      for (const v of params.getAll(k)) if (v) q.append(k, v);
    }
    if (params.get("q")) q.set(params.get("in") || "reference", params.get("q"));
    return q;
  }
  async function reportsView(params, gen) {
    const services = await api("GET", "/services").catch(() => ({ items: [] }));
    const sort = params.get("sort") || "time";
    const order = params.get("order") || "desc";
    const additional = params.get("cols") === "additional";
    const selected = new Set();
    const cursors = [null];
    const controls = [
      field("Window", daysSelect(params.get("days"))),
      field("Search in", select("in", params.get("in") || "reference", SEARCH_FIELDS, "Search in")),
      field("Search", h("input", { name: "q", type: "search", value: params.get("q") || "", placeholder: "e.g. #1007 or 10*" })),
      field("Status", select("status", params.get("status"), [["", "Any"], ...STATUSES], "Status")),
      field("Service", select("service", params.get("service"), [["", "Any"], ...services.items.map((s) => [s.service_id, s.name])], "Service")),
      field("Source system", h("input", { name: "source_system", value: params.get("source_system") || "", size: 10 })),
      field("Destination system", h("input", { name: "destination_system", value: params.get("destination_system") || "", size: 10 })),
      field("Entity", h("input", { name: "entity", value: params.get("entity") || "", size: 10 })),
      field("Run", h("input", { name: "run", value: params.get("run") || "", size: 26, class: "mono" })),
    ];
    const results = h("div", { id: "report-results" });
    const messages = h("div", { id: "report-messages" });
    const colToggle = h("label", { class: "inline" }, h("input", { type: "checkbox", id: "cols-additional", checked: additional, onchange: (e) => {
      const next = new URLSearchParams(params); if (e.target.checked) next.set("cols", "additional"); else next.delete("cols"); go("/reports", next);
    } }), "Additional fields (source id, endpoint id)");
    const actions = menu("Actions", [
      ["Download CSV of what the filters match", () => downloadCsv(params, messages)],
      ["Resync the selected rows", () => resync({ sync_ids: [...selected] }, messages, selected.size === 0 ? "Select rows first." : null)],
      ["Resync all Failed rows that match", () => resync({ filter: Object.assign(queryToFilter(reportQuery(params)), { status: ["Failed"] }) }, messages)],
    ]);
    main.replaceChildren(h("h1", {}, "Sync report"), filterForm("/reports", params, controls),
      h("div", { class: "toolbar" }, actions, colToggle), messages, results);

    async function resync(body, box, refuse) {
      if (refuse) { box.replaceChildren(notice(refuse, true)); return; }
      try {
        const result = await api("POST", "/reports/resync", null, body);
        box.replaceChildren(refusals(result));
        announce(`Queued ${result.queued}, refused ${result.refused.length}`);
        load(cursors[cursors.length - 1]);
      } catch (err) { box.replaceChildren(notice("Resync failed: " + err.message, true)); }
    }

    function sortHeader(key, label) {
      const active = sort === key;
      const nextOrder = active && order === "desc" ? "asc" : "desc";
      return h("th", { scope: "col", "aria-sort": active ? (order === "desc" ? "descending" : "ascending") : null },
        h("button", { type: "button", onclick: () => { const n = new URLSearchParams(params); n.set("sort", key); n.set("order", nextOrder); go("/reports", n); } },
          label + (active ? (order === "desc" ? " \u2193" : " \u2191") : "")));
    }
    async function load(cursor) {
      const q = reportQuery(params);
      q.set("sort", sort); q.set("order", order); q.set("limit", params.get("limit") || "50");
      q.set("fields", "additional"); // attempts and last error are default columns here
      if (cursor) q.set("cursor", cursor);
      let page;
      try { page = await api("GET", "/reports", q); } catch (err) { results.replaceChildren(notice(err.message, true)); return; }
      if (gen !== generation) return;
      selected.clear();
      const heads = [h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Select")), sortHeader("status", "Status"),
        sortHeader("reference", "Reference"), h("th", { scope: "col", class: "hide-narrow" }, "Sync id"), sortHeader("service", "Service"),
        h("th", { scope: "col" }, "Source \u2192 destination"), sortHeader("time", "Time"), h("th", { scope: "col" }, "Attempts"), h("th", { scope: "col" }, "Last error")];
      if (additional) heads.push(h("th", { scope: "col" }, "Source id"), h("th", { scope: "col" }, "Endpoint id"));
      const rows = page.items.map((e) => {
        const latest = e.latest || {};
        const error = latest.error || e.error;
        const cells = [
          h("td", {}, h("input", { type: "checkbox", "aria-label": "Select " + (e.reference || e.sync_id), onchange: (ev) => (ev.target.checked ? selected.add(e.sync_id) : selected.delete(e.sync_id)) })),
          h("td", {}, badge(e.status)),
          h("td", {}, h("a", { href: "#/reports/" + encodeURIComponent(e.sync_id) }, e.reference || "(none)")),
          h("td", { class: "mono hide-narrow" }, e.sync_id), h("td", {}, e.service_id),
          h("td", {}, `${e.source_system} ${e.source_entity} \u2192 ${e.destination_system} ${e.destination_entity}`),
          h("td", {}, time(e.updated_at)), h("td", {}, latest.attempts !== undefined ? String(latest.attempts) : ""),
          h("td", { class: "err" }, error ? `${error.code}: ${error.message}` : ""),
        ];
        if (additional) cells.push(h("td", { class: "mono" }, e.source_id || ""), h("td", { class: "mono" }, e.endpoint_id || ""));
        return h("tr", { tabindex: "0", "data-href": "#/reports/" + encodeURIComponent(e.sync_id), "data-sync-id": e.sync_id }, cells);
      });
      const pager = h("div", { class: "toolbar" },
        h("span", { id: "page-info" }, `Page ${cursors.length}: ${page.items.length} entr${page.items.length === 1 ? "y" : "ies"}` + (page.window ? ` (window ${time(page.window.from)} to ${time(page.window.to)})` : "")),
        h("button", { type: "button", disabled: cursors.length <= 1, onclick: () => { cursors.pop(); load(cursors[cursors.length - 1]); } }, "Previous page"),
        h("button", { type: "button", disabled: !page.next_cursor, onclick: () => { cursors.push(page.next_cursor); load(page.next_cursor); } }, "Next page"));
      results.replaceChildren(page.items.length ? table(heads, rows, "Sync report entries") : notice("No entries match."), pager);
      announce(`${page.items.length} entries`);
    }
    await load(null);
  }
  function queryToFilter(q) {
    const f = {};
    for (const [k, v] of q) {
      if (["status", "service", "source_system", "destination_system", "entity", "sync_id"].includes(k)) (f[k] = f[k] || []).push(v);
      else if (k === "days") f.days = Number(v);
      else f[k] = v;
    }
    return f;
  }
  async function downloadCsv(params, box) {
    try {
      const resp = await api("GET", "/reports/export", reportQuery(params));
      const blob = await resp.blob();
      const match = /filename="([^"]+)"/.exec(resp.headers.get("content-disposition") || "");
      const a = h("a", { href: URL.createObjectURL(blob), download: match ? match[1] : "syncline-report.csv" });
      document.body.append(a); a.click(); a.remove();
      box.replaceChildren(notice(`Downloaded ${resp.headers.get("x-syncline-rows") || ""} rows as CSV.`));
    } catch (err) { box.replaceChildren(notice("Export failed: " + err.message, true)); }
  }
  async function entryView(syncId, gen) {
    const e = await api("GET", "/reports/" + encodeURIComponent(syncId));
    const latest = e.latest || {};
    const box = h("div", { id: "entry-messages" });
    const statusCell = h("span", { id: "entry-status" }, badge(e.status));
    // While the entry is Pending (a resync queued it), its status refreshes by itself.
    const follow = () => setTimeout(async () => {
      if (gen !== generation) return;
      const now = await api("GET", "/reports/" + encodeURIComponent(syncId)).catch(() => null);
      if (gen !== generation || !now) return;
      statusCell.replaceChildren(badge(now.status));
      runsList.replaceChildren(...runLinks(now));
      const err = now.latest && now.latest.error;
      document.getElementById("entry-error").textContent = err ? `${err.code}: ${err.message}` : "None.";
      if (now.status === "Pending") follow(); else announce("The entry is now " + now.status);
    }, 2000);
    // The run the entry is in now, then the runs a resync moved it out of (newest first).
    const runLinks = (entry) => [h("li", {}, h("a", { href: "#/runs/" + encodeURIComponent(entry.run_id), class: "mono" }, entry.run_id), " (its run now)"),
      ...(entry.earlier_runs || []).slice().reverse().map((r) => h("li", {}, h("a", { href: "#/runs/" + encodeURIComponent(r), class: "mono" }, r), " (earlier)"))];
    const runsList = h("ul", { id: "entry-runs" }, runLinks(e));
    const resyncButton = h("button", { type: "button", class: "primary", onclick: async () => {
      try {
        const result = await api("POST", "/reports/resync", null, { sync_ids: [syncId] });
        box.replaceChildren(refusals(result));
        if (result.queued) { statusCell.replaceChildren(badge("Pending")); follow(); }
      } catch (err) { box.replaceChildren(notice(err.message, true)); }
    } }, "Resync this entry");
    if (e.status === "Pending") follow();
    const fields = [["Status", statusCell], ["Reference", e.reference], ["Sync id", e.sync_id], ["Service", h("a", { href: "#/services/" + encodeURIComponent(e.service_id) }, e.service_id)],
      ["Source", `${e.source_system} ${e.source_entity}`], ["Source id", e.source_id], ["Destination", `${e.destination_system} ${e.destination_entity}`],
      ["Endpoint id", e.endpoint_id], ["Created", time(e.created_at)], ["Updated", time(e.updated_at)], ["Attempts", latest.attempts],
      ["Last attempt", time(latest.synced_at)], ["Payload stored", latest.payload_stored ? "yes" : "no"]];
    for (const [k, v] of Object.entries(e)) {
      if (!["sync_id", "run_id", "service_id", "status", "reference", "source_system", "source_entity", "destination_system", "destination_entity", "created_at", "updated_at", "source_id", "endpoint_id", "earlier_runs", "latest"].includes(k) && v !== null && typeof v !== "object") fields.push([k, String(v)]);
    }
    const error = latest.error;
    main.replaceChildren(h("p", {}, h("a", { href: "#/reports" }, "\u2190 Sync report")),
      h("h1", {}, "Entry ", e.reference || e.sync_id),
      h("dl", { class: "fields" }, fields.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v === null || v === undefined ? "" : v)])),
      h("h2", {}, "Error"), h("p", { class: "err", id: "entry-error" }, error ? `${error.code}: ${error.message}` : "None."),
      h("h2", {}, "Runs"), runsList,
      h("div", { class: "toolbar" }, resyncButton), box);
  }

  // ---- runs ------------------------------------------------------------------------------
  async function runsView(params) {
    const q = clean(new URLSearchParams([["days", params.get("days") || "5"], ["service", params.get("service") || ""], ["status", params.get("status") || ""],
      ["trigger", params.get("trigger") || ""], ["sort", params.get("sort") || ""]]));
    const page = await api("GET", "/runs", q);
    const controls = [field("Window", daysSelect(params.get("days"))), field("Service", h("input", { name: "service", value: params.get("service") || "" })),
      field("Status", select("status", params.get("status"), ["", "Running", "OK", "Failed", "Resynced"], "Status")),
      field("Trigger", select("trigger", params.get("trigger"), ["", "schedule", "manual", "inbound", "sweeper", "resync"], "Trigger")),
      field("Sort", select("sort", params.get("sort"), [["", "newest"], ["duration", "longest"], ["failures", "most failures"]], "Sort"))];
    const rows = page.items.map((r) => h("tr", { tabindex: "0", "data-href": "#/runs/" + encodeURIComponent(r.run_id) },
      h("td", {}, badge(r.status)), h("td", { class: "mono" }, h("a", { href: "#/runs/" + encodeURIComponent(r.run_id) }, r.run_id)), h("td", {}, r.service_id),
      h("td", {}, r.trigger), h("td", {}, time(r.started_at)), h("td", {}, String(r.pulled)), h("td", {}, String(r.pushed)),
      h("td", {}, String(r.totals.OK)), h("td", {}, String(r.totals.Failed)), h("td", {}, r.duration_seconds !== null ? r.duration_seconds.toFixed(1) + " s" : "")));
    const heads = ["Status", "Run", "Service", "Trigger", "Started", "Pulled", "Pushed", "OK", "Failed", "Duration"].map((t) => h("th", { scope: "col" }, t));
    main.replaceChildren(h("h1", {}, "Runs"), filterForm("/runs", params, controls), rows.length ? table(heads, rows, "Runs") : notice("No runs in the window."));
  }
  async function runView(runId, gen) {
    const r = await api("GET", "/runs/" + encodeURIComponent(runId));
    if (gen !== generation) return;
    const errors = (r.first_errors || []).map((e) => h("tr", {}, h("td", {}, e.code), h("td", {}, e.message), h("td", {}, String(e.count)), h("td", {}, time(e.first_at)), h("td", {}, time(e.last_at))));
    main.replaceChildren(h("p", {}, h("a", { href: "#/runs" }, "\u2190 Runs")), h("h1", {}, "Run ", h("span", { class: "mono" }, r.run_id), " ", badge(r.status)),
      h("dl", { class: "fields" }, [["Service", r.service_id], ["Trigger", r.trigger], ["Started", time(r.started_at)], ["Ended", time(r.ended_at)],
        ["Duration", r.duration_seconds !== null ? r.duration_seconds.toFixed(1) + " s" : ""], ["Moves", `${r.source_system || ""} ${r.source_entity || ""} \u2192 ${r.destination_system || ""} ${r.destination_entity || ""}`],
        ["Pulled", r.pulled], ["Filtered", r.filtered], ["Pushed", r.pushed]].map(([k, v]) => [h("dt", {}, k), h("dd", {}, v === null ? "" : String(v))])),
      h("h2", {}, "Totals"), totalsCards(r.totals),
      h("p", {}, h("a", { href: "#/reports?run=" + encodeURIComponent(r.run_id), id: "run-entries" }, "This run's report rows")),
      h("h2", {}, "Errors, grouped"), errors.length ? table(["Code", "Message", "Count", "First", "Last"].map((t) => h("th", { scope: "col" }, t)), errors, "Errors") : h("p", {}, "None."),
      r.other_errors ? h("p", {}, `${r.other_errors} other errors.`) : null,
      r.status === "Running" ? h("p", { class: "muted" }, "Running: this page refreshes by itself.") : null);
    if (r.status === "Running") setTimeout(() => { if (gen === generation) runView(runId, gen).catch(() => {}); }, 3000);
  }

  // ---- services --------------------------------------------------------------------------
  async function servicesView(params) {
    const q = clean(new URLSearchParams([["q", params.get("q") || ""], ["type", params.get("type") || ""], ["status", params.get("status") || ""],
      ["source_system", params.get("source_system") || ""], ["source_entity", params.get("source_entity") || ""]]));
    const list = await api("GET", "/services", q);
    const box = h("div", { id: "service-messages" });
    const controls = [field("Search", h("input", { name: "q", type: "search", value: params.get("q") || "" })),
      field("Type", select("type", params.get("type"), ["", "standard", "sweeper"], "Type")),
      field("Status", select("status", params.get("status"), [["", "Any"], ["active", "active"], ["inactive", "inactive"]], "Status")),
      field("Source system", h("input", { name: "source_system", value: params.get("source_system") || "", size: 10 })),
      field("Entity", h("input", { name: "source_entity", value: params.get("source_entity") || "", size: 10 }))];
    const act = async (s, what) => {
      try {
        const result = await api("POST", `/services/${encodeURIComponent(s.service_id)}/${what}`, null, {});
        if (what !== "run") await servicesView(params); // the list again, with the new state
        document.getElementById("service-messages").replaceChildren(notice(what === "run"
          ? `Run ${result.run_id} started for ${s.service_id}.` : `${s.service_id} is now ${what === "activate" ? "active" : "inactive"}.`));
      } catch (err) { document.getElementById("service-messages").replaceChildren(notice(err.message, true)); }
    };
    const rows = list.items.map((s) => h("tr", { tabindex: "0", "data-href": "#/services/" + encodeURIComponent(s.service_id), "data-service-id": s.service_id },
      h("td", {}, h("a", { href: "#/services/" + encodeURIComponent(s.service_id) }, s.name)), h("td", { class: "mono" }, s.service_id), h("td", {}, s.type),
      h("td", { class: "service-state" }, s.active ? "active" : "inactive"),
      h("td", {}, `${s.source.system} ${s.source.entity} \u2192 ${s.destination.system} ${s.destination.entity}`), h("td", {}, s.schedule || "(inbound)"),
      h("td", {}, s.active ? h("button", { type: "button", onclick: () => act(s, "deactivate") }, "Deactivate") : h("button", { type: "button", onclick: () => act(s, "activate") }, "Activate"),
        " ", h("button", { type: "button", onclick: () => act(s, "run") }, "Run now"))));
    const heads = ["Name", "Id", "Type", "State", "Moves", "Schedule", "Actions"].map((t) => h("th", { scope: "col" }, t));
    main.replaceChildren(h("h1", {}, "Services"), filterForm("/services", params, controls), box, rows.length ? table(heads, rows, "Services") : notice("No services match."));
  }
  async function serviceView(serviceId) {
    const s = await api("GET", "/services/" + encodeURIComponent(serviceId));
    const out = h("div", { id: "preview-result" });
    const sample = h("textarea", { id: "sample", "aria-describedby": "sample-help" });
    sample.value = JSON.stringify({ id: 1001, number: "#1001", email: "Ann@Example.com", shipping_address: { city: "Leeds", country: "GB" },
      line_items: [{ sku: "SKU-1", quantity: 2 }], currency: "GBP", total: "19.90" }, null, 2);
    const preview = async () => {
      let record;
      try { record = JSON.parse(sample.value); } catch (err) { out.replaceChildren(notice("The sample is not JSON: " + err.message, true)); return; }
      try {
        const r = await api("POST", `/services/${encodeURIComponent(serviceId)}/preview`, null, { record });
        out.replaceChildren(r.ok ? notice("The rules apply cleanly.") : notice("Problems: " + r.errors.join("; "), true),
          h("p", {}, r.kept ? "Kept by the filters." : "Dropped by the filters."), h("pre", { class: "mono" }, JSON.stringify(r.output, null, 2)));
      } catch (err) { out.replaceChildren(notice(err.message, true)); }
    };
    const mapping = (s.mappings || []).map((m) => h("tr", {}, h("td", { class: "mono" }, m.source || ""), h("td", { class: "mono" }, m.target || ""),
      h("td", {}, (m.transforms || []).map((t) => t.function).join(", ")), h("td", {}, m.required ? "yes" : "")));
    main.replaceChildren(h("p", {}, h("a", { href: "#/services" }, "\u2190 Services")), h("h1", {}, s.name),
      h("dl", { class: "fields" }, [["Id", s.service_id], ["Type", s.type], ["State", s.active ? "active" : "inactive"], ["Schedule", s.schedule || "(inbound)"],
        ["Source", `${s.source.connector_name || s.source.connector_id} (${s.source.system}) ${s.source.entity}`],
        ["Destination", `${s.destination.connector_name || s.destination.connector_id} (${s.destination.system}) ${s.destination.entity}`],
        ["Filters", String((s.filters || []).length)], ["Notes", s.notes || ""]].map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
      h("p", {}, h("a", { href: "#/reports?service=" + encodeURIComponent(s.service_id) }, "Its report rows"), " \u00B7 ", h("a", { href: "#/runs?service=" + encodeURIComponent(s.service_id) }, "Its runs")),
      h("h2", {}, "Mapping (read only)"), mapping.length ? table(["Source", "Target", "Transforms", "Required"].map((t) => h("th", { scope: "col" }, t)), mapping, "Mapping") : h("p", {}, "No mapping rules."),
      h("h2", {}, "Preview on a sample record"), h("label", { for: "sample", id: "sample-help" }, "Sample source record (JSON)"), sample,
      h("div", { class: "toolbar" }, h("button", { type: "button", class: "primary", onclick: preview }, "Preview")), out);
  }

  // ---- connectors and dashboard ----------------------------------------------------------
  async function connectorsView() {
    const list = await api("GET", "/connectors");
    const rows = list.items.map((c) => h("tr", { tabindex: "0", "data-href": "#/connectors/" + encodeURIComponent(c.connector_id) },
      h("td", {}, h("a", { href: "#/connectors/" + encodeURIComponent(c.connector_id) }, c.name)), h("td", { class: "mono" }, c.connector_id), h("td", {}, c.system),
      h("td", {}, badge(c.health_status)), h("td", {}, c.health_reason || ""), h("td", {}, time(c.health_checked_at)),
      h("td", {}, c.has_credentials ? "set (write-only)" : "none")));
    const heads = ["Name", "Id", "System", "Status", "Reason", "Checked", "Credentials"].map((t) => h("th", { scope: "col" }, t));
    main.replaceChildren(h("h1", {}, "Connectors"), rows.length ? table(heads, rows, "Connectors") : notice("No connectors."));
  }
  async function connectorView(id) {
    const [sum, hist] = await Promise.all([api("GET", `/connectors/${encodeURIComponent(id)}/summary`), api("GET", `/connectors/${encodeURIComponent(id)}/status/history`)]);
    const c = sum.connector;
    main.replaceChildren(h("p", {}, h("a", { href: "#/connectors" }, "\u2190 Connectors")), h("h1", {}, c.name, " ", badge(sum.status.health_status)),
      h("dl", { class: "fields" }, [["Id", c.connector_id], ["System", c.system], ["Base URL", c.base_url || ""], ["Time zone", c.timezone],
        ["Credentials", c.has_credentials ? "set (write-only: never shown)" : "none"], ["Reason", sum.status.health_reason || ""], ["Checked", time(sum.status.health_checked_at)],
        ["Failure rate", (sum.failure_rate * 100).toFixed(1) + " %"]].map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
      h("h2", {}, "Sync totals"), totalsCards(sum.totals),
      h("h2", {}, "Services"), h("ul", {}, sum.services.map((s) => h("li", {}, h("a", { href: "#/services/" + encodeURIComponent(s.service_id) }, s.name), ` (${s.role}, ${s.active ? "active" : "inactive"})`))),
      h("div", { class: "toolbar" }, h("button", { type: "button", onclick: async (ev) => {
        ev.target.disabled = true;
        try { await api("POST", `/connectors/${encodeURIComponent(id)}/check`); await connectorView(id); }
        catch (err) { main.append(notice(err.message, true)); ev.target.disabled = false; }
      } }, "Check now")),
      h("h2", {}, "Status history"), hist.items.length ? h("ul", { id: "status-history" }, hist.items.map((e) => h("li", {}, time(e.at), " ", e.previous ? [badge(e.previous), " \u2192 "] : null, badge(e.status || "Unknown"), " ", e.reason || ""))) : h("p", {}, "No changes recorded."),
      h("h2", {}, "Recent failed entries"), h("ul", {}, (sum.recent_failed || []).map((e) => h("li", {}, h("a", { href: "#/reports/" + encodeURIComponent(e.sync_id) }, e.reference || e.sync_id), " ", e.latest && e.latest.error ? e.latest.error.message : ""))));
  }
  function chart(days) {
    const NS = "http://www.w3.org/2000/svg";
    const W = 720, H = 220, pad = 30;
    const max = Math.max(1, ...days.map((d) => STATUSES.reduce((a, s) => a + (d.totals[s] || 0), 0)));
    const bw = (W - pad * 2) / Math.max(1, days.length);
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", `0 0 ${W} ${H + 20}`); svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "Transactions a day by status: " + days.map((d) => `${d.date}: ${STATUSES.map((s) => `${s} ${d.totals[s] || 0}`).join(", ")}`).join("; "));
    days.forEach((d, i) => {
      let y = H;
      for (const s of STATUSES) {
        const v = d.totals[s] || 0; if (!v) continue;
        const hgt = ((H - pad) * v) / max; y -= hgt;
        const r = document.createElementNS(NS, "rect");
        r.setAttribute("x", String(pad + i * bw + 4)); r.setAttribute("y", String(y)); r.setAttribute("width", String(Math.max(2, bw - 8))); r.setAttribute("height", String(hgt)); r.setAttribute("fill", COLOURS[s]);
        svg.append(r);
      }
      const t = document.createElementNS(NS, "text");
      t.setAttribute("x", String(pad + i * bw + bw / 2)); t.setAttribute("y", String(H + 16)); t.setAttribute("text-anchor", "middle"); t.setAttribute("font-size", "11");
      t.textContent = d.date.slice(5); svg.append(t);
    });
    return h("div", { class: "chart" }, svg, h("div", { class: "legend" }, STATUSES.map((s) => h("span", {}, h("i", { "data-colour": s, class: "swatch-" + s }), s))));
  }
  async function dashboardView(params) {
    const days = params.get("days") || "5";
    const [d, day, conns] = await Promise.all([api("GET", "/dashboard", new URLSearchParams({ days })), api("GET", "/dashboard", new URLSearchParams({ days: "1" })), api("GET", "/connectors")]);
    const bad = conns.items.filter((c) => c.health_status !== "Operational");
    const op = d.oldest_pending;
    main.replaceChildren(h("h1", {}, "Dashboard"),
      filterForm("/dashboard", params, [field("Window", daysSelect(days))]),
      h("h2", {}, "Transactions by status"), h("div", { id: "totals" }, totalsCards(d.totals, [h("div", { class: "card" }, h("div", { class: "n", id: "failure-rate" }, (d.failure_rate * 100).toFixed(1) + " %"), h("div", { class: "k" }, "failure rate"))])),
      h("h2", {}, "A day, by status"), chart(d.days || []),
      h("h2", {}, "Runs of the last 24 hours"), h("p", { id: "runs-24h" }, `${day.runs.total} run${day.runs.total === 1 ? "" : "s"}: ${["Running", "OK", "Failed", "Resynced"].map((s) => `${day.runs[s] || 0} ${s}`).join(", ")}. `, h("a", { href: "#/runs?days=1" }, "See them")),
      h("h2", {}, "Oldest Pending entry"), op ? h("p", {}, h("a", { href: "#/reports/" + encodeURIComponent(op.sync_id || "") }, op.reference || op.sync_id || "entry"), ` pending for ${Math.round((op.age_seconds || 0) / 60)} min` + (op.stuck ? " (stuck)" : "")) : h("p", {}, "None pending."),
      h("h2", {}, "Connectors not Operational"), bad.length ? h("ul", { id: "connectors-down" }, bad.map((c) => h("li", {}, h("a", { href: "#/connectors/" + encodeURIComponent(c.connector_id) }, c.name), " ", badge(c.health_status), " ", c.health_reason || ""))) : h("p", {}, "All Operational."));
  }

  // ---- router ----------------------------------------------------------------------------
  async function render(message) {
    const gen = ++generation;
    if (!sessionStorage.getItem(KEY)) { signInView(message); return; }
    document.getElementById("nav").hidden = false;
    document.getElementById("signout").hidden = false;
    const who = document.getElementById("who");
    if (!who.textContent) {
      api("GET", "/dashboard", new URLSearchParams({ days: "1" })).then((d) => {
        const g = d.company_group || {};
        who.textContent = g.name ? `${g.name} (${g.tenant_id})` : g.tenant_id || "";
      }).catch(() => {});
    }
    const { parts, params } = route();
    const view = parts[0] || "dashboard";
    for (const a of document.querySelectorAll("#nav a")) {
      if (a.dataset.view === view) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    }
    main.replaceChildren(h("p", { "aria-busy": "true" }, "Loading\u2026"));
    try {
      if (view === "reports" && parts[1]) await entryView(parts[1], gen);
      else if (view === "reports") await reportsView(params, gen);
      else if (view === "runs" && parts[1]) await runView(parts[1], gen);
      else if (view === "runs") await runsView(params);
      else if (view === "services" && parts[1]) await serviceView(parts[1]);
      else if (view === "services") await servicesView(params);
      else if (view === "connectors" && parts[1]) await connectorView(parts[1]);
      else if (view === "connectors") await connectorsView();
      else await dashboardView(params);
      document.title = (main.querySelector("h1")?.textContent || "Console") + " \u2013 Syncline";
    } catch (err) {
      if (gen === generation && sessionStorage.getItem(KEY)) main.replaceChildren(notice(err.status === 404 ? "Not found." : "Could not load: " + err.message, true));
    }
  }

  document.getElementById("signout").addEventListener("click", () => signOut());
  document.addEventListener("click", (e) => { // a click outside an open menu closes it
    for (const menuEl of document.querySelectorAll(".menu")) {
      const list = menuEl.querySelector("[role=menu]");
      if (!list.hidden && !menuEl.contains(e.target)) {
        list.hidden = true;
        menuEl.querySelector("[aria-haspopup]").setAttribute("aria-expanded", "false");
      }
    }
  });
  window.addEventListener("hashchange", () => { render(); main.focus({ preventScroll: true }); });
  fetch("config.json").then((r) => (r.ok ? r.json() : {})).catch(() => ({})).then((cfg) => {
    apiBase = (cfg.api || "").replace(/\/$/, "");
    render();
  });
})();
