/* One connector: status and its history as a timeline, sync totals, services, recent failures. */

import { h, fields, notice, table, enc } from "./dom.js";
import { badge, badgeClass } from "./status.js";
import { when, percent } from "./format.js";
import { totalsCards, whenCell } from "./parts.js";

/* The changes, oldest first, as bands across the time they lasted (the last one until now). */
function timeline(changes) {
  if (!changes.length) return h("p", { id: "status-history" }, "No changes recorded.");
  const ordered = changes.slice().sort((a, b) => (a.at < b.at ? -1 : 1));
  const start = new Date(ordered[0].at).getTime();
  const now = Date.now();
  const span = Math.max(1, now - start);
  const bands = ordered.map((c, i) => {
    const from = new Date(c.at).getTime();
    const to = i + 1 < ordered.length ? new Date(ordered[i + 1].at).getTime() : now;
    const width = Math.max(1.5, ((to - from) / span) * 100);
    return h("span", { class: "band " + badgeClass(c.status || "Unknown"), "data-width": width.toFixed(1),
      title: `${c.status || "Unknown"} from ${c.at}` }, "");
  });
  const rows = ordered.slice().reverse().map((c) => h("tr", {}, whenCell(c.at),
    h("td", {}, c.previous ? badge(c.previous) : "\u2013"), h("td", {}, badge(c.status || "Unknown")),
    h("td", {}, c.reason || "")));
  const bar = h("div", { class: "timeline", role: "img", "aria-label": "Status over time, oldest first: "
    + ordered.map((c) => c.status || "Unknown").join(", ") }, bands);
  for (const band of bar.children) band.style.flexGrow = band.dataset.width;
  return h("div", { id: "status-history" }, bar,
    h("p", { class: "muted" }, "From ", when(ordered[0].at, { relative: false }), " to now."),
    table(["When", "From", "To", "Reason"], rows, "Status changes"));
}

export async function view(ctx) {
  const id = ctx.args.connectorId;
  const [sum, hist] = await Promise.all([ctx.api("GET", `/connectors/${enc(id)}/summary`),
    ctx.api("GET", `/connectors/${enc(id)}/status/history`)]);
  const c = sum.connector;
  const status = sum.status;
  const check = async (ev) => {
    ev.target.disabled = true;
    try {
      await ctx.api("POST", `/connectors/${enc(id)}/check`);
      await view(ctx);
    } catch (err) {
      if (!ctx.live) return;
      ctx.main.append(notice(err.message, true));
      ev.target.disabled = false;
    }
  };
  ctx.show(h("p", {}, h("a", { href: "#/connectors" }, "\u2190 Connectors")),
    h("h1", {}, c.name, " ", badge(status.health_status)),
    fields([["Id", h("span", { class: "mono" }, c.connector_id)], ["System", c.system], ["Base URL", c.base_url || ""],
      ["Time zone", c.timezone], ["Credentials", c.has_credentials ? "set (write-only: never shown)" : "none"],
      ["Reason", status.health_reason || ""], ["Checked", status.health_checked_at ? when(status.health_checked_at)
        : "never"], ["Failure rate", percent(sum.failure_rate)]], "connector-fields"),
    h("div", { class: "toolbar" }, h("button", { type: "button", onclick: check }, "Check now"),
      h("span", { class: "muted" }, "(an admin key)")),
    h("h2", {}, "Status history"), timeline(hist.items),
    h("h2", {}, "Sync totals"), totalsCards(sum.totals),
    h("h2", {}, "Services"), h("ul", {}, sum.services.map((s) => h("li", {},
      h("a", { href: "#/services/" + enc(s.service_id) }, s.name),
      ` (${s.role}, ${s.active ? "active" : "inactive"})`))),
    h("h2", {}, "Recent failed entries"), (sum.recent_failed || []).length ? h("ul", { id: "recent-failed" },
      sum.recent_failed.map((e) => h("li", {},
        h("a", { href: "#/reports/" + enc(e.sync_id) }, e.reference || e.sync_id), " ",
        e.latest && e.latest.error ? e.latest.error.message : ""))) : h("p", {}, "None."));
}
