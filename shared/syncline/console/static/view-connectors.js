/* Connectors: health status, reason, when checked; credentials only say whether there are some. */

import { h, table, notice, enc } from "./dom.js";
import { badge } from "./status.js";
import { whenCell } from "./parts.js";

export async function view(ctx) {
  const list = await ctx.api("GET", "/connectors");
  const rows = list.items.map((c) => h("tr", { tabindex: "0", "data-href": "#/connectors/" + enc(c.connector_id),
    "data-connector-id": c.connector_id },
    h("td", {}, h("a", { href: "#/connectors/" + enc(c.connector_id) }, c.name)),
    h("td", { class: "mono" }, c.connector_id), h("td", {}, c.system),
    h("td", {}, badge(c.health_status)), h("td", {}, c.health_reason || ""),
    c.health_checked_at ? whenCell(c.health_checked_at) : h("td", {}, "never"),
    h("td", {}, c.has_credentials ? "set (write-only)" : "none")));
  const heads = ["Name", "Id", "System", "Status", "Reason", "Checked", "Credentials"];
  ctx.show(h("h1", {}, "Connectors"), rows.length ? table(heads, rows, "Connectors") : notice("No connectors."));
}
