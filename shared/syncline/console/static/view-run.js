/* One run: times, totals, why its pull failed, its errors grouped with what they mean and what to
   do, and its report rows. A running run refreshes itself every 3 seconds. */

import { h, fields, table, enc } from "./dom.js";
import { badge } from "./status.js";
import { when, duration } from "./format.js";
import { totalsCards, errorNote, byId, moves } from "./parts.js";

export async function view(ctx) {
  const runId = ctx.args.runId;
  const [r, services] = await Promise.all([ctx.api("GET", "/runs/" + enc(runId)), ctx.api("GET", "/services")]);
  const service = byId(services)[r.service_id];
  const errors = (r.first_errors || []).map((e) => h("tr", {}, h("td", {}, e.code), h("td", {}, e.message),
    h("td", {}, e.meaning || ""), h("td", {}, e.next_step || ""), h("td", {}, String(e.count)),
    h("td", { class: "when" }, when(e.first_at)), h("td", { class: "when" }, when(e.last_at))));
  const pairs = [
    ["Service", h("a", { href: "#/services/" + enc(r.service_id) }, service ? service.name : r.service_id)],
    ["Trigger", r.trigger], ["Started", when(r.started_at)],
    ["Ended", r.ended_at ? when(r.ended_at) : "not yet"], ["Duration", duration(r.duration_seconds)],
    ["Moves", moves(service, r)], ["Pulled", String(r.pulled)], ["Filtered out", String(r.filtered)],
    ["Pushed", String(r.pushed)]];
  // The connector's cursors: times when they read as times (most do), else as they are.
  const cursor = (v, none) => (!v ? none : Number.isNaN(Date.parse(v)) ? v : when(v, { relative: false }));
  if (r.since || r.until) pairs.push(["Data pulled", [cursor(r.since, "the start"), " to ", cursor(r.until, "now")]]);
  const running = r.status === "Running";
  ctx.show(h("p", {}, h("a", { href: "#/runs" }, "\u2190 Runs")),
    h("h1", {}, "Run ", h("span", { class: "mono" }, r.run_id), " ", badge(r.status)),
    fields(pairs, "run-fields"),
    r.pull_error ? [h("h2", {}, "Its pull failed"), errorNote(r.pull_error, "pull-error"),
      h("p", {}, "The cursor did not move: the next run pulls the same records again.")] : null,
    h("h2", {}, "Totals"), totalsCards(r.totals),
    h("p", {}, h("a", { href: "#/reports?run=" + enc(r.run_id), id: "run-entries" }, "This run's report rows")),
    h("h2", {}, "Errors, grouped"),
    errors.length ? table(["Code", "Message", "What it means", "What to do", "Count", "First", "Last"], errors,
      "Errors") : h("p", { id: "no-errors" }, r.pull_error ? "No entry failed." : "None."),
    r.other_errors ? h("p", {}, `${r.other_errors} other errors.`) : null,
    running ? h("p", { class: "muted" }, "Running: this page refreshes by itself.") : null);
  if (running) ctx.later(() => view(ctx), 3000);
}
