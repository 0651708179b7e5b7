/* Dashboard: totals by status, failure rate, a bar a day (each part opens that day's report rows),
   runs of the last 24 hours, the oldest Pending entry, connectors not Operational. */

import { h, field, select, enc } from "./dom.js";
import { ENTRY_STATUSES, OPERATIONAL, badge } from "./status.js";
import { percent, plural, day, when } from "./format.js";
import { windowQuery, windowSelect, filterForm, totalsCards, byId, statusSelect } from "./parts.js";

const COLOURS = { OK: "#1a6b32", Sent: "#285e9c", Pending: "#7a5200", Failed: "#a4161a" };
const NS = "http://www.w3.org/2000/svg";

function svg(tag, attrs) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/* A stacked bar a day; each part links to the report of that day and status (and service). */
function chart(days, service) {
  const W = 720, H = 220, pad = 30;
  const total = (d) => ENTRY_STATUSES.reduce((a, s) => a + (d.totals[s] || 0), 0);
  const max = Math.max(1, ...days.map(total));
  const bw = (W - pad * 2) / Math.max(1, days.length);
  const label = days.map((d) => `${d.date}: ${ENTRY_STATUSES.map((s) => `${s} ${d.totals[s] || 0}`).join(", ")}`);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H + 20}`, role: "group", "aria-label": "Entries a day by status" });
  days.forEach((d, i) => {
    let y = H;
    for (const s of ENTRY_STATUSES) {
      const v = d.totals[s] || 0;
      if (!v) continue;
      const hgt = ((H - pad) * v) / max;
      y -= hgt;
      const q = new URLSearchParams({ from: d.from, to: d.to, status: s });
      if (service) q.set("service", service);
      const link = svg("a", { href: "#/reports?" + q.toString(), "aria-label": `${d.date}: ${v} ${s}`,
        "data-day": d.date, "data-status": s });
      const rect = svg("rect", { x: pad + i * bw + 4, y, width: Math.max(2, bw - 8), height: hgt, fill: COLOURS[s] });
      rect.append(Object.assign(svg("title", {}), { textContent: `${day(d.date)}: ${v} ${s}` }));
      link.append(rect);
      root.append(link);
    }
    const t = svg("text", { x: pad + i * bw + bw / 2, y: H + 16, "text-anchor": "middle", "font-size": 11 });
    t.textContent = day(d.date);
    root.append(t);
  });
  const legend = h("div", { class: "legend" }, ENTRY_STATUSES.map((s) =>
    h("span", {}, h("i", { "data-colour": s, class: "swatch-" + s }), s)));
  return h("div", { class: "chart" }, root, h("p", { class: "visually-hidden" }, label.join("; ")), legend,
    h("p", { class: "muted" }, "Select a part of a bar to open that day's entries of that status."));
}

export async function view(ctx) {
  const params = ctx.params;
  const q = windowQuery(params);
  for (const k of ["status", "service"]) if (params.get(k)) q.set(k, params.get(k));
  const [d, day1, conns, services] = await Promise.all([
    ctx.api("GET", "/dashboard", q),
    ctx.api("GET", "/dashboard", new URLSearchParams({ days: "1" })),
    ctx.api("GET", "/connectors"),
    ctx.api("GET", "/services"),
  ]);
  const named = byId(services);
  const bad = conns.items.filter((c) => c.health_status !== OPERATIONAL);
  const op = d.oldest_pending;
  const runs = day1.runs;
  const serviceChoice = field("Service", select("service", params.get("service"),
    [["", "Any"], ...services.items.map((s) => [s.service_id, s.name])], "Service"));
  const rate = h("div", { class: "card" }, h("div", { class: "n", id: "failure-rate" }, percent(d.failure_rate)),
    h("div", { class: "k" }, "failure rate"));
  const pending = op
    ? h("p", {}, h("a", { href: "#/reports/" + enc(op.sync_id || "") }, op.reference || op.sync_id || "entry"),
      ` of ${named[op.service_id] ? named[op.service_id].name : op.service_id}, pending since `,
      when(op.updated_at), op.stuck ? " (stuck)" : "")
    : h("p", {}, op === undefined ? "Not shown while the dashboard is filtered by service." : "None pending.");
  ctx.show(h("h1", {}, "Dashboard"),
    filterForm(ctx.go, "/dashboard", params, [windowSelect(params), statusSelect(params.get("status")), serviceChoice]),
    h("h2", {}, "Entries by status"), h("div", { id: "totals" }, totalsCards(d.totals, [rate])),
    h("h2", {}, "A day, by status"), chart(d.days || [], params.get("service")),
    h("h2", {}, "Runs of the last 24 hours"),
    h("p", { id: "runs-24h" }, `${plural(runs.total, "run")}: `,
      ["Running", "OK", "Failed", "Resynced"].map((s) => `${runs[s] || 0} ${s}`).join(", "), ". ",
      h("a", { href: "#/runs?window=1" }, "See them")),
    h("h2", {}, "Oldest Pending entry"), pending,
    h("h2", {}, "Connectors not Operational"),
    bad.length ? h("ul", { id: "connectors-down" }, bad.map((c) => h("li", {},
      h("a", { href: "#/connectors/" + enc(c.connector_id) }, c.name), " ", badge(c.health_status), " ",
      c.health_reason || ""))) : h("p", { id: "connectors-down" }, "All Operational."));
}
