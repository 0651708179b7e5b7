/* Failures by error: the Failed entries of the last N days grouped by what went wrong, each with
   what it means and what to do, its count, services and examples, and "Resync these". */

import { h, field, select, notice, announce, enc } from "./dom.js";
import { when, plural } from "./format.js";
import { filterForm, refusals, byId } from "./parts.js";

const DAYS = [1, 2, 3, 5, 7, 10, 15];

export async function view(ctx) {
  const params = ctx.params;
  const q = new URLSearchParams({ days: params.get("days") || "7" });
  if (params.get("service")) q.set("service", params.get("service"));
  const [answer, services] = await Promise.all([ctx.api("GET", "/reports/errors", q), ctx.api("GET", "/services")]);
  const named = byId(services);
  const controls = [
    field("Days", select("days", params.get("days") || "7", DAYS.map((d) => [String(d), `Last ${plural(d, "day")}`]),
      "Days")),
    field("Service", select("service", params.get("service"),
      [["", "Any"], ...services.items.map((s) => [s.service_id, s.name])], "Service"))];
  const groups = answer.groups.map((g, n) => {
    const box = h("div", { class: "group-result" });
    const resync = async (ev) => {
      ev.target.disabled = true;
      try {
        const result = await ctx.api("POST", "/reports/resync", null, { sync_ids: g.sync_ids });
        box.replaceChildren(refusals(result));
        announce(`Queued ${result.queued}, refused ${result.refused.length}`);
      } catch (err) {
        if (ctx.live) { box.replaceChildren(notice(err.message, true)); ev.target.disabled = false; }
      }
    };
    const report = new URLSearchParams({ status: "Failed", days: q.get("days") });
    if (g.services.length === 1) report.set("service", g.services[0]);
    return h("section", { class: "error-group", "aria-labelledby": `group-${n}` },
      h("h2", { id: `group-${n}` }, h("span", { class: "count" }, String(g.count)), " \u00D7 ",
        h("span", { class: "mono" }, g.code), ": ", g.message),
      h("p", {}, h("strong", {}, "What it means: "), g.meaning),
      h("p", {}, h("strong", {}, "What to do: "), g.next_step),
      g.known ? null
        : h("p", { class: "muted" }, "Syncline has no note for this error: the message is the system's own."),
      h("p", {}, "Services: ", g.services.map((s, i) => [i ? ", " : "",
        h("a", { href: "#/services/" + enc(s) }, named[s] ? named[s].name : s)]),
        ". From ", when(g.first_at, { relative: false }), " to ", when(g.last_at, { relative: false }), "."),
      h("p", {}, "For example: ", g.examples.map((e, i) => [i ? ", " : "",
        h("a", { href: "#/reports/" + enc(e.sync_id) }, e.reference || e.sync_id)])),
      h("div", { class: "toolbar" },
        h("button", { type: "button", class: "primary", onclick: resync },
          "Resync these " + (g.sync_ids.length < g.count ? `(the first ${g.sync_ids.length})`
            : plural(g.count, "entry", "entries"))),
        h("a", { href: "#/reports?" + report.toString() }, "See the Failed entries")),
      box);
  });
  const more = answer.complete ? null
    : notice(`Only the newest ${answer.scanned} Failed entries were read: there are more.`);
  ctx.show(h("h1", {}, "Failures by error"), filterForm(ctx.go, "/failures", params, controls, []),
    more, groups.length ? h("div", { id: "error-groups" }, groups) : notice("No Failed entries in the window."));
}
