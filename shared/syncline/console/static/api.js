/* Calls to the report API with the key of the tab (sessionStorage only). */

const KEY = "syncline.key";
let base = "";
let refused = () => {};

export const session = {
  key: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

/* Where the API is (config.json's `api`, else this origin) and what to do when it refuses the key. */
export function configure(apiBase, onRefused) {
  base = (apiBase || "").replace(/\/$/, "");
  refused = onRefused;
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || "HTTP " + status);
    this.status = status;
  }
}

function url(path, params) {
  const query = params && params.toString();
  return base + path + (query ? "?" + query : "");
}

async function call(method, path, params, body) {
  const headers = { "x-api-key": session.key() || "" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const resp = await fetch(url(path, params), { method, headers, body: payload });
  if (resp.status === 401 || resp.status === 403) {
    const data = await resp.json().catch(() => null);
    const message = (data && data.error && data.error.message) || "";
    if (resp.status === 401 || /revoked|unknown|expired|not valid/i.test(message)) {
      refused("Your key was refused: sign in again.");
    }
    throw new ApiError(resp.status, data);
  }
  if (!resp.ok) throw new ApiError(resp.status, await resp.json().catch(() => null));
  return resp;
}

export async function api(method, path, params, body) {
  return (await call(method, path, params, body)).json();
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/* The CSV of a report search: the file itself up to 5,000 rows; above, the API answers 202 and an
   export to poll (each poll continues it) until it answers 200 with a link to the file. */
export async function exportCsv(params, progress, stillWanted) {
  const resp = await call("GET", "/reports/export", params);
  if ((resp.headers.get("content-type") || "").startsWith("text/csv")) {
    const match = /filename="([^"]+)"/.exec(resp.headers.get("content-disposition") || "");
    const name = match ? match[1] : "syncline-report.csv";
    save(URL.createObjectURL(await resp.blob()), name);
    return Number(resp.headers.get("x-syncline-rows") || 0);
  }
  let job = await resp.json();
  while (job.status === "running") {
    progress(job.rows);
    await pause(1000);
    if (!stillWanted()) return null;
    job = await api("GET", "/reports/export/" + encodeURIComponent(job.export_id));
  }
  save(job.url, "");
  return job.rows;
}

function save(href, name) {
  const a = document.createElement("a");
  a.href = href;
  if (name) a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}
