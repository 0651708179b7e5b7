/* One entry: every field, its error with what it means and what to do, links to the record in its
   source's and destination's admin, the runs it was in, and a resync that it follows. */

import { h, fields, notice, announce, outLink, enc } from "./dom.js";
import { badge } from "./status.js";
import { when } from "./format.js";
import { refusals, errorNote, byId, moves } from "./parts.js";

const SHOWN = new Set(["sync_id", "run_id", "service_id", "status", "reference", "source_system", "source_entity",
  "destination_system", "destination_entity", "created_at", "updated_at", "source_id", "endpoint_id",
  "earlier_runs", "latest", "source_url", "endpoint_url"]);

/* The run the entry is in now, then the runs a resync moved it out of (newest first). */
function runLinks(entry) {
  const link = (r) => h("a", { href: "#/runs/" + enc(r), class: "mono" }, r);
  return [h("li", {}, link(entry.run_id), " (its run now)"),
    ...(entry.earlier_runs || []).slice().reverse().map((r) => h("li", {}, link(r), " (earlier)"))];
}

export async function view(ctx) {
  const syncId = ctx.args.syncId;
  const [e, services] = await Promise.all([ctx.api("GET", "/reports/" + enc(syncId)), ctx.api("GET", "/services")]);
  const service = byId(services)[e.service_id];
  const latest = e.latest || {};
  const box = h("div", { id: "entry-messages" });
  const statusCell = h("span", { id: "entry-status" }, badge(e.status));
  const errorBox = h("div", { id: "entry-error-box" }, errorNote(latest.error, "entry-error"));
  const runsList = h("ul", { id: "entry-runs" }, runLinks(e));

  // While the entry is Pending (a resync queued it), its status refreshes by itself.
  const follow = () => ctx.later(async () => {
    const now = await ctx.api("GET", "/reports/" + enc(syncId));
    statusCell.replaceChildren(badge(now.status));
    runsList.replaceChildren(...runLinks(now));
    errorBox.replaceChildren(errorNote(now.latest && now.latest.error, "entry-error"));
    if (now.status === "Pending") follow(); else announce("The entry is now " + now.status);
  }, 2000);
  if (e.status === "Pending") follow();

  const resyncButton = h("button", { type: "button", class: "primary", onclick: async () => {
    try {
      const result = await ctx.api("POST", "/reports/resync", null, { sync_ids: [syncId] });
      box.replaceChildren(refusals(result));
      if (result.queued) { statusCell.replaceChildren(badge("Pending")); follow(); }
    } catch (err) { if (ctx.live) box.replaceChildren(notice(err.message, true)); }
  } }, "Resync this entry");

  const record = (url, id, where) => (id ? [h("span", { class: "mono" }, id), url ? " " : null,
    outLink(url, `open in ${where}`)] : "(none yet)");
  const pairs = [["Status", statusCell], ["Reference", e.reference],
    ["Sync id", h("span", { class: "mono" }, e.sync_id)],
    ["Service", h("a", { href: "#/services/" + enc(e.service_id) }, service ? service.name : e.service_id)],
    ["Moves", moves(service, e)],
    ["Source record", record(e.source_url, e.source_id, service ? service.source.connector_name : e.source_system)],
    ["Destination record", record(e.endpoint_url, e.endpoint_id,
      service ? service.destination.connector_name : e.destination_system)],
    ["Created", when(e.created_at)], ["Updated", when(e.updated_at)], ["Attempts", latest.attempts],
    ["Payload stored", latest.payload_stored ? "yes (a resync sends it again)" : "no"]];
  for (const [k, v] of Object.entries(e)) {
    if (!SHOWN.has(k) && v !== null && typeof v !== "object") pairs.push([k, String(v)]);
  }
  ctx.show(h("p", {}, h("a", { href: "#/reports" }, "\u2190 Sync report")),
    h("h1", {}, "Entry ", e.reference || e.sync_id), fields(pairs, "entry-fields"),
    h("h2", {}, "Error"), errorBox,
    h("h2", {}, "Runs"), runsList,
    h("div", { class: "toolbar" }, resyncButton), box);
}
