/* Syncline web console: ES modules, no build step, no inline script (CSP: script-src 'self').
   Every view is a hash URL (#/reports?status=Failed&window=today), so a link can be shared. The API
   key is kept in sessionStorage only. */

import { api, configure, session } from "./api.js";
import { closeMenusOnOutsideClick, h, notice } from "./dom.js";
import { setZone } from "./format.js";
import { leaveViews, render } from "./router.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const who = document.getElementById("who");
const signout = document.getElementById("signout");

function signedIn(yes) {
  nav.hidden = !yes;
  signout.hidden = !yes;
  if (!yes) who.textContent = "";
}

function signOut(message) {
  session.clear();
  leaveViews();
  show(message);
}

/* The company group's name and time zone, for the header and for every time shown. */
async function loadGroup() {
  const group = await api("GET", "/company-group");
  setZone(group.timezone);
  who.textContent = group.name ? `${group.name} (${group.tenant_id})` : group.tenant_id;
}

function signInView(message) {
  signedIn(false);
  const input = h("input", { id: "api-key", type: "password", autocomplete: "off", required: true,
    spellcheck: "false" });
  const form = h("form", { class: "signin", onsubmit: async (e) => {
    e.preventDefault();
    session.set(input.value.trim());
    try {
      await loadGroup();
    } catch (err) {
      session.clear();
      form.querySelector(".notice")?.remove();
      const refused = err.status === 403 || err.status === 401;
      form.append(notice(refused ? "That key was refused." : String(err.message), true));
      return;
    }
    show();
  } },
    h("h1", {}, "Sign in"),
    h("p", {}, "Paste an API key of your company group. It stays in this browser tab only (sessionStorage) "
      + "until you sign out."),
    h("label", { for: "api-key" }, "API key", input),
    h("button", { class: "primary", type: "submit" }, "Sign in"),
    message ? notice(message, true) : null);
  main.replaceChildren(form);
  input.focus();
}

async function show(message) {
  if (!session.key()) {
    signInView(message);
    return;
  }
  signedIn(true);
  if (!who.textContent) await loadGroup().catch(() => {});
  await render(main);
}

configure("", signOut);
signout.addEventListener("click", () => signOut());
closeMenusOnOutsideClick();
window.addEventListener("hashchange", () => {
  show();
  main.focus({ preventScroll: true });
});
fetch("config.json").then((r) => (r.ok ? r.json() : {})).catch(() => ({})).then((cfg) => {
  configure(cfg.api, signOut);
  show();
});
