/* Pieces several views share: the window presets, filter forms, totals, resync answers, errors
   with the catalog's note, and the names of a service's two ends. */

import { h, select, notice, enc } from "./dom.js";
import { ENTRY_STATUSES } from "./status.js";
import { when, currentZone } from "./format.js";

const PERIODS = [["today", "Today"], ["yesterday", "Yesterday"], ["this_week", "This week"],
  ["last_week", "Last week"]];
const DAYS = [1, 2, 3, 5, 7, 10, 15].map((d) => [String(d), d === 1 ? "Last 24 hours" : `Last ${d} days`]);

/* The window of a view's URL (#/reports?window=today, ?days=5, or ?from=...&to=...) as API parameters. */
export function windowQuery(params, fallback = "5") {
  const q = new URLSearchParams();
  if (params.get("from") || params.get("to")) {
    for (const k of ["from", "to"]) if (params.get(k)) q.set(k, params.get(k));
    return q;
  }
  const value = params.get("window") || params.get("days") || fallback;
  q.set(/^\d+$/.test(value) ? "days" : "period", value);
  return q;
}

export function windowSelect(params, fallback = "5") {
  const custom = params.get("from") ? [["", "The day chosen on the chart"]] : [];
  const value = params.get("from") ? "" : params.get("window") || params.get("days") || fallback;
  const zone = currentZone();
  return h("label", {}, `Window (${zone})`,
    select("window", value, [...custom, ...PERIODS, ...DAYS], "Window"));
}

/* The filters of a list view: Apply puts them in the URL (the view follows), Clear empties them. */
export function filterForm(go, path, params, controls, keep = ["sort", "order", "cols"]) {
  const form = h("form", { class: "filters", role: "search", onsubmit: (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const el of form.elements) if (el.name && el.value) next.append(el.name, el.value);
    if (!next.get("window")) for (const k of ["from", "to"]) if (params.get(k)) next.set(k, params.get(k));
    for (const k of keep) if (params.get(k)) next.set(k, params.get(k));
    go(path, next);
  } }, controls, h("button", { type: "submit", class: "primary" }, "Apply"),
    h("button", { type: "button", onclick: () => go(path) }, "Clear"));
  return form;
}

export function statusSelect(value, statuses = ENTRY_STATUSES) {
  return h("label", {}, "Status", select("status", value, [["", "Any"], ...statuses], "Status"));
}

export function totalsCards(totals, extra) {
  return h("div", { class: "cards" }, ENTRY_STATUSES.map((s) => h("div", { class: "card", "data-status": s },
    h("div", { class: "n" }, String(totals[s] || 0)), h("div", { class: "k" }, s))), extra || []);
}

export function refusals(result) {
  const runs = result.run_ids && result.run_ids.length ? " in run " + result.run_ids.join(", ") : "";
  const box = h("div", { class: "notice", role: "status", id: "resync-result" },
    h("p", {}, `Queued ${result.queued} for resync${runs}` + (result.more ? " (more match: run it again)" : "") + "."));
  if (result.refused && result.refused.length) {
    box.append(h("p", {}, `Refused ${result.refused.length}:`), h("ul", {}, result.refused.map((r) =>
      h("li", {}, h("span", { class: "mono" }, r.sync_id), ": ", h("strong", {}, r.reason), " \u2014 ", r.message))));
  }
  return box;
}

/* An error with what it means and what to do (the API's error catalog). */
export function errorNote(error, id) {
  if (!error) return h("p", { id }, "None.");
  const unknown = error.known === false;
  return h("div", { class: "error-note", id },
    h("p", { class: "err" }, h("strong", {}, error.code), ": ", error.message),
    error.meaning ? h("p", {}, h("strong", {}, "What it means: "), error.meaning) : null,
    error.next_step ? h("p", {}, h("strong", {}, "What to do: "), error.next_step) : null,
    unknown ? h("p", { class: "muted" }, "Syncline has no note for this error: the message is the system's own.")
      : null);
}

/* The services of the company group by id (the report, runs and dashboard name them). */
export function byId(services) {
  return Object.fromEntries((services.items || []).map((s) => [s.service_id, s]));
}

export function serviceLink(services, serviceId) {
  const s = services[serviceId];
  return h("a", { href: "#/services/" + enc(serviceId) }, s ? s.name : serviceId);
}

/* "Demo shop (orders) → Demo warehouse (orders)": the connectors' names, else their systems. */
export function moves(service, entry) {
  const end = (side, system, entity) => {
    const named = service && service[side] && service[side].connector_name;
    return `${named || system || "?"} (${entity || (service && service[side].entity) || "?"})`;
  };
  return end("source", entry && entry.source_system, entry && entry.source_entity) + " \u2192 " +
    end("destination", entry && entry.destination_system, entry && entry.destination_entity);
}

export function whenCell(iso) {
  return h("td", { class: "when" }, when(iso));
}

export function failed(message) {
  return notice(message, true);
}
