// Calls to the server's REST/JSON routes, with the API key (if the user gave one) as a bearer header. The key lives
// in sessionStorage only: it goes with this tab and is never put in a URL.

const keyName = "obsscaling.apiKey";

export function apiKey() {
  return sessionStorage.getItem(keyName) ?? "";
}

export function setApiKey(key) {
  if (key) {
    sessionStorage.setItem(keyName, key);
  } else {
    sessionStorage.removeItem(keyName);
  }
}

export function authHeaders(extra = {}) {
  const key = apiKey();
  return key ? { ...extra, Authorization: `Bearer ${key}` } : { ...extra };
}

/** A failed call: the HTTP status and the google.rpc.Status the server answered with (when it was JSON). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code;
  }
}

async function call(method, path, body) {
  const init = { method, headers: authHeaders(body === undefined ? {} : { "Content-Type": "application/json" }), cache: "no-store" };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    throw new ApiError(response.status, json);
  }
  return json;
}

const segment = encodeURIComponent;

// The listings have no order option, so "latest" needs every page; this many pages (of 1000) at most.
const maxPages = 20;

/** Every item of a paged listing (field `field`), following nextPageToken; the last page's other fields too. */
async function all(path, field) {
  const items = [];
  let answer = {};
  let token = "";
  for (let page = 0; page < maxPages; page++) {
    answer = await call("GET", `${path}${path.includes("?") ? "&" : "?"}pageSize=1000${token ? `&pageToken=${encodeURIComponent(token)}` : ""}`);
    items.push(...(answer[field] ?? []));
    token = answer.nextPageToken;
    if (!token) {
      break;
    }
  }
  return { ...answer, [field]: items };
}

export const api = {
  datasets: () => all("/v1/datasets", "datasets"),
  forecasts: (fitName) => all(`/v1/${fitName.split("/").map(segment).join("/")}/forecasts`, "forecasts"),
  scoredEntries: (ledger) => all(`/v1/ledgers/${segment(ledger)}/entries?state=PREREGISTRATION_STATE_SCORED`, "entries"),
  scalingCurve: (fitName) => call("POST", "/v1/plots:render", { kind: "PLOT_KIND_SCALING_CURVE", format: "PLOT_FORMAT_SVG", fit: fitName, width: 900, height: 600 }),
};
