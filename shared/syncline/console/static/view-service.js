/* One service: settings, filters, the mapping (sources, transforms and their arguments), the
   payload script, all read only; a preview of the rules on a sample record with each rule's trace
   and, when the filters drop it, which one. */

import { h, fields, table, notice, enc } from "./dom.js";
import { moves } from "./parts.js";

const SAMPLE = { id: 1001, number: "#1001", email: "Ann@Example.com",
  shipping_address: { city: "Leeds", country: "GB" }, line_items: [{ sku: "SKU-1", quantity: 2 }],
  currency: "GBP", total: "19.90" };

const json = (v) => (v === undefined ? "" : JSON.stringify(v));

/* A source as the rule names it: a path, or several joined (a two-field source). */
function sourceText(source) {
  if (Array.isArray(source)) return source.map(sourceText).join(" + ");
  if (source && typeof source === "object") return json(source);
  return source === undefined || source === null ? "" : String(source);
}

/* prefix(value="SKU-"): a transform and its arguments. */
function transformText(t) {
  const given = t.args && typeof t.args === "object" ? t.args : {};
  return `${t.function}(${Object.entries(given).map(([k, v]) => `${k}=${json(v)}`).join(", ")})`;
}

/* A filter row or group as words: "email ends_with "@x.com" (ignore case)", groups as any of (...). */
export function filterText(f) {
  if (f && Array.isArray(f.any)) {
    return "any of: " + f.any.map((alt) => "(" + alt.map(filterText).join(" and ") + ")").join(" or ");
  }
  const extras = [f.unit, f.calendar ? "calendar" : null, f.ignore_case ? "ignore case" : null].filter(Boolean);
  return [f.field, f.operator, f.value === undefined ? "" : json(f.value)].join(" ").trim()
    + (extras.length ? ` (${extras.join(", ")})` : "");
}

function traceTable(trace) {
  const rows = (trace || []).map((t) => h("tr", { class: t.error ? "trace-error" : null },
    h("td", {}, t.rule), h("td", { class: "mono" }, t.target || ""), h("td", { class: "mono" }, json(t.source)),
    h("td", { class: "mono" }, (t.steps || []).map((s) => `${s.function}: ${json(s.value)}`).join(" \u2192 ")),
    h("td", { class: "mono" }, t.error ? "" : json(t.value)), h("td", { class: "err" }, t.error || "")));
  return table(["Rule", "Target", "Source value", "Steps", "Value", "Problem"], rows, "Rule trace");
}

export async function view(ctx) {
  const serviceId = ctx.args.serviceId;
  const s = await ctx.api("GET", "/services/" + enc(serviceId));
  const out = h("div", { id: "preview-result" });
  const sample = h("textarea", { id: "sample", "aria-describedby": "sample-help" });
  sample.value = JSON.stringify(SAMPLE, null, 2);
  const preview = async () => {
    let record;
    try { record = JSON.parse(sample.value); } catch (err) {
      out.replaceChildren(notice("The sample is not JSON: " + err.message, true));
      return;
    }
    try {
      const r = await ctx.api("POST", `/services/${enc(serviceId)}/preview`, null, { record });
      const dropped = r.dropped_by;
      out.replaceChildren(
        r.ok ? notice("The rules apply cleanly.") : notice("Problems: " + r.errors.join("; "), true),
        h("p", { id: "preview-kept" }, r.kept ? "Kept by the filters."
          : ["Dropped by filter ", h("strong", {}, `#${dropped.index + 1}`), ": ", filterText(dropped.filter), "."]),
        h("h3", {}, "Each rule"), traceTable(r.trace),
        h("h3", {}, "Output"), h("pre", { class: "mono" }, JSON.stringify(r.output, null, 2)));
    } catch (err) { if (ctx.live) out.replaceChildren(notice(err.message, true)); }
  };
  const mapping = (s.mappings || []).map((m) => h("tr", {},
    h("td", { class: "mono" }, sourceText(m.source)), h("td", { class: "mono" }, m.target || ""),
    h("td", { class: "mono" }, (m.transforms || []).map(transformText).join(" \u2192 ")),
    h("td", {}, m.required ? "yes" : ""), h("td", { class: "mono" }, m.default === undefined ? "" : json(m.default))));
  const filters = (s.filters || []).map((f, i) => h("li", { class: "mono" }, `#${i + 1} `, filterText(f)));
  const settings = s.settings || {};
  ctx.show(h("p", {}, h("a", { href: "#/services" }, "\u2190 Services")), h("h1", {}, s.name),
    fields([["Id", h("span", { class: "mono" }, s.service_id)], ["Type", s.type],
      ["State", s.active ? "active" : "inactive"], ["Schedule", s.schedule || "(inbound)"], ["Moves", moves(s)],
      ["Source", h("a", { href: "#/connectors/" + enc(s.source.connector_id) }, s.source.connector_name
        || s.source.connector_id)],
      ["Destination", h("a", { href: "#/connectors/" + enc(s.destination.connector_id) },
        s.destination.connector_name || s.destination.connector_id)],
      ["Attempts", `at most ${settings.max_attempts}, retried after ${settings.retry_base_seconds} s doubling`
        + ` up to ${settings.retry_max_seconds} s`],
      ["Alerts", s.alerts_on ? `on (${s.alerts.mode}, every ${s.alerts.window_minutes} min at most)` : "off"],
      ["Notes", s.notes || ""]], "service-fields"),
    h("p", {}, h("a", { href: "#/reports?service=" + enc(s.service_id) }, "Its report rows"), " \u00B7 ",
      h("a", { href: "#/runs?service=" + enc(s.service_id) }, "Its runs"), " \u00B7 ",
      h("a", { href: "#/failures?service=" + enc(s.service_id) }, "Its failures by error")),
    h("h2", {}, "Filters"), filters.length ? h("ol", { id: "filters", class: "plain" }, filters)
      : h("p", { id: "filters" }, "None: every record pulled is synced."),
    h("h2", {}, "Mapping (read only)"), mapping.length
      ? table(["Source", "Target", "Transforms", "Required", "Default"], mapping, "Mapping") : h("p", {}, "No rules."),
    h("h2", {}, "Payload script"),
    s.payload_script ? h("pre", { class: "mono", id: "payload-script" }, s.payload_script)
      : h("p", { id: "payload-script" }, "None."),
    h("h2", {}, "Preview on a sample record"),
    h("label", { for: "sample", id: "sample-help" }, "Sample source record (JSON)"), sample,
    h("div", { class: "toolbar" },
      h("button", { type: "button", class: "primary", onclick: preview }, "Preview")), out);
}
