/* The views, one module each, in one table: a hash URL (#/runs/<id>?tab=x) picks the first route
   whose path matches; `:name` parts are the view's arguments. A view gets a context whose every
   call (ctx.api, ctx.show, ctx.later) stops once another view has been asked for: a slow answer
   or a refresh timer of a view the user left never paints over the current one. */

import { api } from "./api.js";
import { h, notice } from "./dom.js";
import * as connector from "./view-connector.js";
import * as connectors from "./view-connectors.js";
import * as dashboard from "./view-dashboard.js";
import * as entry from "./view-entry.js";
import * as failures from "./view-failures.js";
import * as reports from "./view-reports.js";
import * as run from "./view-run.js";
import * as runs from "./view-runs.js";
import * as service from "./view-service.js";
import * as services from "./view-services.js";

export const ROUTES = [
  { path: "dashboard", nav: "dashboard", view: dashboard.view },
  { path: "reports/:syncId", nav: "reports", view: entry.view },
  { path: "reports", nav: "reports", view: reports.view },
  { path: "failures", nav: "failures", view: failures.view },
  { path: "runs/:runId", nav: "runs", view: run.view },
  { path: "runs", nav: "runs", view: runs.view },
  { path: "services/:serviceId", nav: "services", view: service.view },
  { path: "services", nav: "services", view: services.view },
  { path: "connectors/:connectorId", nav: "connectors", view: connector.view },
  { path: "connectors", nav: "connectors", view: connectors.view },
];

const STALE = Symbol("stale view");
let generation = 0;

export function go(path, params) {
  const q = params ? params.toString() : "";
  location.hash = "#" + path + (q ? "?" + q : "");
}

export function parse(hash) {
  const [path, query] = (hash.replace(/^#/, "") || "/dashboard").split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query || "") };
}

export function match(parts) {
  for (const route of ROUTES) {
    const pattern = route.path.split("/");
    if (pattern.length !== parts.length) continue;
    const args = {};
    if (pattern.every((p, i) => (p.startsWith(":") ? ((args[p.slice(1)] = parts[i]), true) : p === parts[i]))) {
      return { route, args };
    }
  }
  return null;
}

class ViewContext {
  constructor(main, params, args) {
    this.gen = ++generation;
    this.main = main;
    this.params = params;
    this.args = args;
    this.go = go;
  }

  get live() {
    return this.gen === generation;
  }

  guard() {
    if (!this.live) throw STALE;
  }

  async api(method, path, params, body) {
    const answer = await api(method, path, params, body);
    this.guard();
    return answer;
  }

  show(...nodes) {
    this.guard();
    this.main.replaceChildren(...nodes.flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false));
    document.title = (this.main.querySelector("h1")?.textContent || "Console") + " \u2013 Syncline";
  }

  /* Run `work` after `ms` if this view is still the one shown (a refresh); its errors are shown. */
  later(work, ms) {
    setTimeout(() => {
      if (this.live) Promise.resolve().then(work).catch((err) => this.fail(err));
    }, ms);
  }

  fail(err) {
    if (err === STALE || !this.live) return;
    this.main.replaceChildren(notice(err.status === 404 ? "Not found." : "Could not load: " + err.message, true));
  }
}

/* Show the view of the current URL. */
export async function render(main) {
  const { parts, params } = parse(location.hash);
  const found = match(parts.length ? parts : ["dashboard"]) || match(["dashboard"]);
  for (const a of document.querySelectorAll("#nav a")) {
    if (a.dataset.view === found.route.nav) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const ctx = new ViewContext(main, params, found.args);
  main.replaceChildren(h("p", { "aria-busy": "true" }, "Loading\u2026"));
  try {
    await found.route.view(ctx);
  } catch (err) {
    ctx.fail(err);
  }
}

/* Make every view stale (sign-out): nothing of theirs paints any more. */
export function leaveViews() {
  generation += 1;
}
