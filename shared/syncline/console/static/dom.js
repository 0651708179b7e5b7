/* Building the page: every value from the API goes in as text, never as HTML. */

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function announce(text) {
  document.getElementById("status").textContent = text;
}

export function notice(text, error) {
  return h("div", { class: "notice" + (error ? " error" : ""), role: error ? "alert" : "status" }, text);
}

export function field(label, control) {
  return h("label", {}, label, control);
}

export function select(name, value, options, label) {
  const el = h("select", { name, "aria-label": label || name });
  for (const o of options) {
    const [v, t] = Array.isArray(o) ? o : [o, o];
    el.append(h("option", { value: v, selected: String(v) === String(value || "") }, t));
  }
  return el;
}

export function fields(pairs, id) {
  const cells = pairs.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v === null || v === undefined ? "" : v)]);
  return h("dl", { class: "fields", id }, cells);
}

/* Rows take focus: the arrow keys move between them, Enter opens the one a row links to. */
function rowsKeyboard(tbody) {
  tbody.addEventListener("keydown", (e) => {
    const row = e.target.closest("tr");
    if (!row || e.target !== row) return;
    const next = { ArrowDown: row.nextElementSibling, ArrowUp: row.previousElementSibling }[e.key];
    if (next) { e.preventDefault(); next.focus(); }
    if (e.key === "Enter" && row.dataset.href) { e.preventDefault(); location.hash = row.dataset.href; }
  });
}

export function table(headers, rows, caption) {
  const heads = headers.map((t) => (typeof t === "string" ? h("th", { scope: "col" }, t) : t));
  const tbody = h("tbody", {}, rows);
  rowsKeyboard(tbody);
  return h("div", { class: "table-wrap" },
    h("table", {}, caption ? h("caption", { class: "visually-hidden" }, caption) : null,
      h("thead", {}, h("tr", {}, heads)), tbody));
}

/* A menu button: Enter or the down arrow opens it, the arrows move, Escape closes it. */
export function menu(label, items) {
  const button = h("button", { type: "button", "aria-haspopup": "menu", "aria-expanded": "false",
    id: "actions-button" }, label + " \u25BE");
  const list = h("div", { role: "menu", "aria-labelledby": "actions-button", hidden: true });
  const close = (focus) => {
    list.hidden = true;
    button.setAttribute("aria-expanded", "false");
    if (focus) button.focus();
  };
  const open = () => {
    list.hidden = false;
    button.setAttribute("aria-expanded", "true");
    list.querySelector("[role=menuitem]").focus();
  };
  for (const [text, action] of items) {
    list.append(h("button", { type: "button", role: "menuitem", tabindex: "-1",
      onclick: () => { close(true); action(); } }, text));
  }
  button.addEventListener("click", () => (list.hidden ? open() : close(false)));
  button.addEventListener("keydown", (e) => { if (e.key === "ArrowDown") { e.preventDefault(); open(); } });
  list.addEventListener("keydown", (e) => {
    const all = [...list.querySelectorAll("[role=menuitem]")];
    const i = all.indexOf(document.activeElement);
    if (e.key === "ArrowDown") { e.preventDefault(); all[(i + 1) % all.length].focus(); }
    if (e.key === "ArrowUp") { e.preventDefault(); all[(i - 1 + all.length) % all.length].focus(); }
    if (e.key === "Escape" || e.key === "Tab") close(e.key === "Escape");
  });
  return h("div", { class: "menu" }, button, list);
}

/* A click outside an open menu closes it. */
export function closeMenusOnOutsideClick() {
  document.addEventListener("click", (e) => {
    for (const menuEl of document.querySelectorAll(".menu")) {
      const list = menuEl.querySelector("[role=menu]");
      if (!list.hidden && !menuEl.contains(e.target)) {
        list.hidden = true;
        menuEl.querySelector("[aria-haspopup]").setAttribute("aria-expanded", "false");
      }
    }
  });
}

/* A link to a page outside the console (a record in its system's admin): http(s) only. */
export function outLink(url, text) {
  if (typeof url !== "string" || !/^https?:\/\//i.test(url)) return null;
  return h("a", { href: url, target: "_blank", rel: "noopener noreferrer", class: "out" }, text);
}

export const enc = encodeURIComponent;
