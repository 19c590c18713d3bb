// The dashboard: datasets, the selected dataset's fits (law, errors, coverage, revision, the server-drawn scaling
// curve, latest recorded forecasts) kept current from the refit feed, and a ledger's scored preregistrations.
// Everything is put in the page with textContent or attributes, never as HTML, since names come from imported data.

import { api, ApiError, apiKey, setApiKey } from "./api.js";
import { RefitFeed } from "./feed.js";

const $ = (selector, root = document) => root.querySelector(selector);
const ledgerKey = "obsscaling.ledger";

const state = {
  dataset: "",
  datasets: [],
  fits: new Map(),
  feed: null,
  datasetPoll: 0,
  dataShown: false,
  figureShown: false,
};

const connectionText = {
  connecting: "Connecting…",
  live: "Live: fits update as they are refitted.",
  lost: "Connection lost: reconnecting…",
  unauthorized: "API key needed: enter it above.",
  gone: "This dataset no longer exists.",
  error: "The server refused a request.",
  idle: "Connected; no dataset to watch yet.",
};

function setConnection(name, detail = "") {
  const element = $("#connection");
  element.dataset.state = name;
  element.textContent = connectionText[name] + (detail && name !== "live" ? ` (${detail})` : "");
  if (name === "unauthorized") {
    $("#api-key").focus();
  }
}

function announce(text) {
  $("#announcer").textContent = text;
}

const number = (value, digits = 4) => (value === undefined || value === null || Number.isNaN(Number(value)) ? "–" : Number(value).toPrecision(digits));
const percent = (value) => (value === undefined || value === null ? "–" : `${(100 * Number(value)).toFixed(1)} %`);
const when = (timestamp) => (timestamp ? `${new Date(timestamp).toISOString().slice(0, 19).replace("T", " ")} UTC` : "–");
// In tables the column header says UTC once.
const stamp = (timestamp) => (timestamp ? new Date(timestamp).toISOString().slice(0, 19).replace("T", " ") : "–");
const idOf = (name) => name.split("/").pop();
const interval = (lower, upper) => (lower === undefined || upper === undefined ? "–" : `${number(lower)} – ${number(upper)}`);

function handleFailure(error) {
  if (error instanceof ApiError && error.status === 401) {
    setConnection("unauthorized");
    return true;
  }
  if (error instanceof ApiError) {
    return false;
  }
  // A network failure: the feed's own state says "lost" and it retries; nothing else to do here.
  return true;
}

// Datasets --------------------------------------------------------------------------------------------------------

async function loadDatasets() {
  clearTimeout(state.datasetPoll);
  let answer;
  try {
    answer = await api.datasets();
  } catch (error) {
    if (!(error instanceof ApiError) && !state.feed) {
      // No feed to retry for us (nothing selected yet): try again, as the feed would.
      setConnection("lost", error.message);
      state.datasetPoll = setTimeout(loadDatasets, 1000);
      return;
    }
    if (!handleFailure(error)) {
      setConnection("error", error.message);
    }
    return;
  }
  state.datasets = answer.datasets ?? [];
  renderDatasets();
  if (state.datasets.length === 0) {
    // Nothing to watch yet: look again now and then, so the first import shows up without a reload.
    setConnection("idle");
    state.datasetPoll = setTimeout(loadDatasets, 5000);
    return;
  }
  const wanted = datasetFromHash();
  if (!state.dataset || !state.datasets.some((d) => idOf(d.name) === state.dataset)) {
    const first = wanted && state.datasets.some((d) => idOf(d.name) === wanted) ? wanted : state.datasets[0] ? idOf(state.datasets[0].name) : "";
    if (first) {
      select(first);
    }
  }
}

function datasetFromHash() {
  const match = /^#dataset\/([a-z0-9][a-z0-9-]{0,62})$/.exec(location.hash);
  return match ? match[1] : "";
}

function renderDatasets() {
  const list = $("#datasets");
  list.replaceChildren(
    ...state.datasets.map((dataset) => {
      const id = idOf(dataset.name);
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `#dataset/${id}`;
      link.className = "dataset-link";
      link.dataset.dataset = id;
      if (id === state.dataset) {
        link.setAttribute("aria-current", "page");
      }
      const title = document.createElement("span");
      title.className = "dataset-name";
      title.textContent = dataset.displayName || id;
      const meta = document.createElement("span");
      meta.className = "dataset-meta";
      meta.textContent = `${dataset.modelCount ?? 0} models · revision ${dataset.revision ?? 0}`;
      link.append(title, meta);
      item.append(link);
      return item;
    }),
  );
  $("#datasets-empty").hidden = state.datasets.length > 0;
}

function select(id) {
  if (state.dataset === id && state.feed) {
    return;
  }
  state.feed?.stop();
  state.dataset = id;
  state.fits.clear();
  $("#fits").replaceChildren();
  $("#fits-empty").hidden = true;
  $("#dataset-title").textContent = `Fits of ${id}`;
  $("#dataset-meta").textContent = "";
  renderDatasets();
  state.feed = new RefitFeed(`/v1/datasets/${encodeURIComponent(id)}/fits:watch`, onFeedEvent, onFeedState).start();
}

// The refit feed --------------------------------------------------------------------------------------------------

let wasLost = false;

function onFeedState(name, detail) {
  if (name === "lost") {
    wasLost = true;
  }
  if (name === "live" && wasLost) {
    // Back after a drop: the feed replays the fits' changes itself; the rest of the page is read again.
    wasLost = false;
    announce("Connection restored.");
    loadDatasets();
    loadLedger();
  }
  if (name === "gone") {
    state.feed = null;
    state.dataset = "";
    loadDatasets();
  }
  setConnection(name, detail);
}

function onFeedEvent(kind, id, text) {
  if (!["initial", "refit", "refit_failed"].includes(kind)) {
    return;
  }
  const changes = JSON.parse(text);
  if (kind === "initial") {
    // "Replace what you have": fits gone since are removed; the others are redrawn in place (no flicker on a reconnect).
    const names = new Set(changes.map((c) => c.fit?.name));
    for (const card of [...$("#fits").children]) {
      if (!names.has(card.dataset.fit)) {
        card.remove();
      }
    }
    state.fits.clear();
  }
  const changed = [];
  for (const change of changes) {
    const fit = change.fit;
    if (!fit?.name) {
      continue;
    }
    if (change.reason === "refit_failed") {
      state.fits.set(fit.name, fit);
      renderFit(fit, change.error || "the refit failed");
    } else {
      state.fits.set(fit.name, fit);
      renderFit(fit, "");
    }
    changed.push(fit);
  }
  $("#fits-empty").hidden = state.fits.size > 0;
  $("#dataset-meta").textContent = `Revision ${id} · ${state.fits.size} fit${state.fits.size === 1 ? "" : "s"}`;
  for (const fit of changed) {
    loadPlot(fit);
    loadForecasts(fit);
  }
  if (!state.dataShown) {
    state.dataShown = true;
    performance.mark("obs:data-shown");
  }
  if (kind !== "initial") {
    const names = changed.map((f) => idOf(f.name)).join(", ");
    announce(kind === "refit" ? `Refitted ${names} on revision ${id}.` : `Refit of ${names} failed on revision ${id}; the previous law is kept.`);
    loadDatasets();
    loadLedger();
  }
}

// Fits ------------------------------------------------------------------------------------------------------------

function cardOf(fit) {
  const id = `fit-${idOf(fit.name)}`;
  let card = document.getElementById(id);
  if (!card) {
    card = $("#fit-template").content.firstElementChild.cloneNode(true);
    card.id = id;
    card.dataset.fit = fit.name;
    card.setAttribute("aria-labelledby", `${id}-name`);
    $(".fit-name", card).id = `${id}-name`;
    $("#fits").append(card);
  }
  return card;
}

function renderFit(fit, error) {
  const card = cardOf(fit);
  card.dataset.revision = fit.datasetRevision ?? "0";
  $(".fit-name", card).textContent = idOf(fit.name);
  $(".fit-revision", card).textContent = `Fitted on revision ${fit.datasetRevision ?? 0}`;
  $(".fit-formula", card).textContent = fit.law?.formula || "–";
  $(".fit-target", card).textContent = fit.spec?.target ?? "–";
  $(".fit-train", card).textContent = number(fit.trainMse);
  $(".fit-test", card).textContent = number(fit.testMse);
  $(".fit-mae", card).textContent = number(fit.testMae);
  const level = fit.spec?.intervals?.level;
  $(".fit-coverage", card).textContent = fit.coverage === undefined ? "no intervals" : `${percent(fit.coverage)}${level ? ` (nominal ${percent(level)})` : ""}`;
  $(".fit-time", card).textContent = when(fit.updateTime);
  const failure = $(".fit-error", card);
  failure.hidden = !error;
  failure.textContent = error ? `Refit failed: ${error}. The law shown is the previous one.` : "";
}

async function loadPlot(fit) {
  const card = cardOf(fit);
  const image = $(".fit-plot", card);
  const status = $(".plot-status", card);
  const revision = fit.datasetRevision ?? "0";
  card.setAttribute("aria-busy", "true");
  try {
    const plot = await api.scalingCurve(fit.name);
    // A later refit may have asked for its own figure meanwhile: keep only the newest.
    if (cardOf(fit).dataset.revision !== revision) {
      return;
    }
    await new Promise((resolve, reject) => {
      image.onload = resolve;
      image.onerror = () => reject(new Error("the figure could not be shown"));
      image.src = `data:${plot.mediaType || "image/svg+xml"};base64,${plot.content}`;
    });
    image.alt = `Scaling curve of ${idOf(fit.name)}: ${fit.spec?.target ?? "the target"} against the law's predictor, models by family (train filled, test open), the law and its interval band, at revision ${revision}.`;
    image.hidden = false;
    status.textContent = `Scaling curve, revision ${revision}`;
    if (!state.figureShown) {
      state.figureShown = true;
      performance.mark("obs:figure-shown");
    }
  } catch (error) {
    if (!handleFailure(error)) {
      status.textContent = `The figure could not be drawn: ${error.message}`;
    }
  } finally {
    card.removeAttribute("aria-busy");
  }
}

async function loadForecasts(fit) {
  const card = cardOf(fit);
  let answer;
  try {
    answer = await api.forecasts(fit.name);
  } catch (error) {
    if (!handleFailure(error)) {
      $(".forecasts-empty", card).textContent = `Forecasts could not be read: ${error.message}`;
      $(".forecasts-empty", card).hidden = false;
    }
    return;
  }
  const latest = (answer.forecasts ?? []).toSorted((a, b) => String(b.createTime ?? "").localeCompare(String(a.createTime ?? ""))).slice(0, 5);
  const table = $(".forecast-table", card);
  $("tbody", table).replaceChildren(
    ...latest.map((forecast) => row([forecast.result?.model ?? idOf(forecast.name), number(forecast.result?.predictedRaw), interval(forecast.result?.lowerRaw, forecast.result?.upperRaw), stamp(forecast.createTime)])),
  );
  table.hidden = latest.length === 0;
  $(".forecasts-empty", card).textContent = "None recorded yet.";
  $(".forecasts-empty", card).hidden = latest.length > 0;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) {
    const td = document.createElement("td");
    td.textContent = cell;
    tr.append(td);
  }
  return tr;
}

// The ledger ------------------------------------------------------------------------------------------------------

async function loadLedger() {
  const ledger = $("#ledger").value.trim();
  const table = $("#ledger-entries");
  const summary = $("#ledger-summary");
  if (!ledger) {
    table.hidden = true;
    summary.textContent = "Give a ledger ID to see its scored preregistrations.";
    return;
  }
  let answer;
  try {
    answer = await api.scoredEntries(ledger);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) {
      table.hidden = true;
      summary.textContent = error.status === 404 ? `Ledger ${ledger} holds no entries.` : error.message;
      return;
    }
    if (!handleFailure(error)) {
      summary.textContent = error.message;
    }
    return;
  }
  const entries = (answer.entries ?? []).toSorted((a, b) => String(b.score?.scoreTime ?? "").localeCompare(String(a.score?.scoreTime ?? "")));
  const s = answer.summary ?? {};
  summary.textContent = entries.length === 0
    ? `Ledger ${ledger}: no entry scored yet.`
    : `Ledger ${ledger}: ${s.scored ?? entries.length} scored · coverage ${s.coverage === undefined ? "–" : percent(s.coverage)} (${s.inside ?? 0} of ${s.withInterval ?? 0} inside) · MAE ${number(s.meanAbsoluteError)} · RMSE ${number(s.rootMeanSquareError)}${entries.length > 100 ? " · the latest 100 shown" : ""}`;
  $("tbody", table).replaceChildren(
    ...entries.slice(0, 100).map((entry) =>
      row([
        entry.input?.model ?? "–",
        entry.target ?? "–",
        number(entry.predictedRaw),
        interval(entry.lowerRaw, entry.upperRaw),
        number(entry.score?.observedRaw),
        number(entry.score?.errorRaw, 3),
        entry.score?.inside === undefined ? "–" : entry.score.inside ? "yes" : "no",
        entry.fit ? entry.fit.replace(/^datasets\/([^/]+)\/fits\//, "$1/") : "–",
        stamp(entry.score?.scoreTime),
      ]),
    ),
  );
  table.hidden = entries.length === 0;
}

// Start -----------------------------------------------------------------------------------------------------------

function start() {
  $("#api-key").value = apiKey();
  $("#key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setApiKey($("#api-key").value.trim());
    restart();
  });
  $("#forget-key").addEventListener("click", () => {
    setApiKey("");
    $("#api-key").value = "";
    restart();
  });
  const fromQuery = new URLSearchParams(location.search).get("ledger");
  $("#ledger").value = fromQuery ?? localStorage.getItem(ledgerKey) ?? "";
  $("#ledger-form").addEventListener("submit", (event) => {
    event.preventDefault();
    localStorage.setItem(ledgerKey, $("#ledger").value.trim());
    loadLedger();
  });
  window.addEventListener("hashchange", () => {
    const wanted = datasetFromHash();
    if (wanted && wanted !== state.dataset) {
      select(wanted);
      $("#main").focus();
    }
  });
  restart();
}

function restart() {
  state.feed?.stop();
  state.feed = null;
  state.dataset = "";
  setConnection("connecting");
  loadDatasets();
  loadLedger();
}

start();
