// The refit feed (GET /v1/datasets/{d}/fits:watch, text/event-stream) read with fetch rather than EventSource, because
// EventSource cannot send the Authorization header a key needs. It does what EventSource does: parses events, keeps
// the last id and sends it back as Last-Event-ID when it reconnects (the server then replays every change missed, or
// sends a fresh "initial" snapshot), and waits the server's "retry:" delay between attempts.

import { authHeaders } from "./api.js";

export class RefitFeed {
  #url;
  #onEvent;
  #onState;
  #lastId = "";
  #retry = 1000;
  #abort = new AbortController();
  #stopped = false;

  /**
   * onEvent(kind, id, data): one dispatched event. onState(state, detail): "connecting", "live", "lost" (the connection
   * dropped or could not be made; retrying), "unauthorized" (401: waits for start() again with a key), "gone" (404).
   */
  constructor(url, onEvent, onState) {
    this.#url = url;
    this.#onEvent = onEvent;
    this.#onState = onState;
  }

  start() {
    this.#run();
    return this;
  }

  stop() {
    this.#stopped = true;
    this.#abort.abort();
  }

  get lastEventId() {
    return this.#lastId;
  }

  async #run() {
    this.#onState("connecting");
    while (!this.#stopped) {
      let detail = "";
      try {
        const headers = authHeaders({ Accept: "text/event-stream" });
        if (this.#lastId) {
          headers["Last-Event-ID"] = this.#lastId;
        }
        const response = await fetch(this.#url, { headers, cache: "no-store", signal: this.#abort.signal });
        if (response.status === 401) {
          this.#onState("unauthorized");
          return;
        }
        if (response.status === 404) {
          this.#onState("gone");
          return;
        }
        if (!response.ok || !response.body) {
          throw new Error(`HTTP ${response.status}`);
        }
        this.#onState("live");
        await this.#read(response.body);
        detail = "the server ended the feed";
      } catch (error) {
        if (this.#stopped) {
          return;
        }
        detail = error?.message ?? String(error);
      }
      if (this.#stopped) {
        return;
      }
      this.#onState("lost", detail);
      await new Promise((resolve) => setTimeout(resolve, this.#retry));
    }
  }

  // The text/event-stream grammar (HTML §9.2.6): lines end in CRLF, LF or CR; a blank line dispatches.
  async #read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let kind = "";
    let data = [];
    let id = this.#lastId;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      buffer += value;
      let end;
      while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
        // A lone CR at the end of a chunk may be the start of CRLF: wait for the next chunk.
        if (buffer[end] === "\r" && end === buffer.length - 1) {
          break;
        }
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith("\r\n", end) ? 2 : 1));
        if (line === "") {
          this.#lastId = id;
          if (data.length > 0) {
            this.#onEvent(kind || "message", id, data.join("\n"));
          }
          kind = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) {
          continue;
        }
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? "" : line.slice(colon + 1);
        if (text.startsWith(" ")) {
          text = text.slice(1);
        }
        if (field === "event") {
          kind = text;
        } else if (field === "data") {
          data.push(text);
        } else if (field === "id" && !text.includes("\0")) {
          id = text;
        } else if (field === "retry" && /^\d+$/.test(text)) {
          this.#retry = Number(text);
        }
      }
    }
  }
}
