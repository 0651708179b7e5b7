/* Services: search and filters; activate, deactivate and run now (an operate key). */

import { h, field, select, table, notice, enc } from "./dom.js";
import { filterForm, moves } from "./parts.js";

const FILTERS = ["q", "type", "status", "source_system", "source_entity"];

export async function view(ctx) {
  const params = ctx.params;
  const q = new URLSearchParams();
  for (const k of FILTERS) if (params.get(k)) q.set(k, params.get(k));
  const list = await ctx.api("GET", "/services", q);
  const box = h("div", { id: "service-messages" });
  const controls = [field("Search", h("input", { name: "q", type: "search", value: params.get("q") || "" })),
    field("Type", select("type", params.get("type"), [["", "Any"], "standard", "sweeper"], "Type")),
    field("State", select("status", params.get("status"), [["", "Any"], "active", "inactive"], "State")),
    field("Source system", h("input", { name: "source_system", value: params.get("source_system") || "", size: 10 })),
    field("Entity", h("input", { name: "source_entity", value: params.get("source_entity") || "", size: 10 }))];
  const act = async (s, what) => {
    try {
      const result = await ctx.api("POST", `/services/${enc(s.service_id)}/${what}`, null, {});
      if (what !== "run") await view(ctx); // the list again, with the new state
      document.getElementById("service-messages").replaceChildren(notice(what === "run"
        ? `Run ${result.run_id} started for ${s.service_id}.`
        : `${s.service_id} is now ${what === "activate" ? "active" : "inactive"}.`));
    } catch (err) {
      if (ctx.live) document.getElementById("service-messages").replaceChildren(notice(err.message, true));
    }
  };
  const button = (s, what, text) => h("button", { type: "button", onclick: () => act(s, what) }, text);
  const rows = list.items.map((s) => h("tr", { tabindex: "0", "data-href": "#/services/" + enc(s.service_id),
    "data-service-id": s.service_id },
    h("td", {}, h("a", { href: "#/services/" + enc(s.service_id) }, s.name)),
    h("td", { class: "mono" }, s.service_id), h("td", {}, s.type),
    h("td", { class: "service-state" }, s.active ? "active" : "inactive"),
    h("td", {}, moves(s)), h("td", {}, s.schedule || "(inbound)"),
    h("td", {}, s.active ? button(s, "deactivate", "Deactivate") : button(s, "activate", "Activate"), " ",
      button(s, "run", "Run now"))));
  const heads = ["Name", "Id", "Type", "State", "Moves", "Schedule", "Actions"];
  ctx.show(h("h1", {}, "Services"), filterForm(ctx.go, "/services", params, controls), box,
    rows.length ? table(heads, rows, "Services") : notice("No services match."));
}
