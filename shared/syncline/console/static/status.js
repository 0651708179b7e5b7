/* Every status the API answers and the badge class it shows as: entries (OK, Sent, Pending,
   Failed), runs (Running, Resynced and the entries' OK and Failed) and connectors' health. A status
   missing here still shows, as `unknown` (grey): none renders invisibly. */

import { h } from "./dom.js";

export const STATUS_CLASSES = {
  OK: "ok",
  Sent: "sent",
  Pending: "pending",
  Failed: "failed",
  Running: "running",
  Resynced: "resynced",
  "Connector Operational": "ok",
  "System Unreachable": "unreachable",
  "Failed Authentication": "failed",
  Unknown: "unknown",
};

export const ENTRY_STATUSES = ["OK", "Sent", "Pending", "Failed"];
export const RUN_STATUSES = ["Running", "OK", "Failed", "Resynced"];
export const OPERATIONAL = "Connector Operational";

export function badgeClass(status) {
  return "badge badge-" + (STATUS_CLASSES[status] || "unknown");
}

export function badge(status) {
  return h("span", { class: badgeClass(status) }, status || "Unknown");
}
