/* Times as people read them: in the company group's time zone, with how long ago. */

import { h } from "./dom.js";

let zone = "UTC";

export function setZone(name) {
  zone = name || "UTC";
}

export function currentZone() {
  return zone;
}

function formatter(options) {
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone, ...options });
}

export function ago(date, now = new Date()) {
  const seconds = Math.round((now - date) / 1000);
  const future = seconds < 0;
  const s = Math.abs(seconds);
  const text = s < 45 ? "just now" : s < 90 ? "1 min" : s < 3600 ? Math.round(s / 60) + " min"
    : s < 5400 ? "1 hour" : s < 86400 ? Math.round(s / 3600) + " hours" : Math.round(s / 86400) + " days";
  if (text === "just now") return text;
  return future ? "in " + text : text + " ago";
}

/* "8 Dec 2026, 14:03:27 CET (5 min ago)", the exact UTC time in a tooltip; "" without a time. */
export function when(iso, { relative = true } = {}) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const text = formatter({ day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
    second: "2-digit", hourCycle: "h23", timeZoneName: "short" }).format(date);
  return h("time", { datetime: iso, title: iso }, relative ? `${text} (${ago(date)})` : text);
}

export function day(isoDate) {
  const date = new Date(isoDate + "T12:00:00Z");
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" })
    .format(date);
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "";
  if (seconds < 60) return seconds.toFixed(1) + " s";
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function percent(rate) {
  return rate === null || rate === undefined ? "\u2013" : (rate * 100).toFixed(1) + " %";
}

export function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many || one + "s"}`;
}
