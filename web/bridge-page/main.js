// The partner page of the bridge example: the partner SDK from npm, connected to the Rust server
// by the bridge's page module. Query parameters: trace (report to the host simulator, for its
// log), queue=N (the queue bound while the server is away).
import * as partnerSDK from "@8x8/pui-partner-comm";
import { connectBridge, QUEUE_LIMIT } from "../../bridge/page/partner-events-bridge.js";

const params = new URLSearchParams(location.search);
const trace = params.has("trace");
const list = document.getElementById("events");
const statusLine = document.getElementById("status");

function show(kind, text) {
  const item = document.createElement("li");
  item.className = kind;
  item.textContent = text;
  list.append(item);
}

// One report per message the page receives (forwarded, queued or dropped), and notes for what
// happens between (the connection, the server's replies and errors).
function report(outcome) {
  if (trace) window.parent.postMessage({ partnerEventsTrace: outcome }, "*");
}
function note(outcome) {
  if (trace) window.parent.postMessage({ partnerEventsNote: outcome }, "*");
}

window.partnerBridge = connectBridge({
  sdk: partnerSDK,
  app: { appName: "partner-events bridge example", appVersion: "0.1.0", vendor: "partner-events" },
  queueLimit: Number(params.get("queue")) || QUEUE_LIMIT,
  onEvent(event) {
    const name = event.message?.message?.eventName ?? event.message?.type;
    switch (event.kind) {
      case "open":
        statusLine.textContent = `connected to ${event.url}`;
        note({ kind: "note", text: `connected to the server; ${event.queued} queued message(s) delivered in order` });
        break;
      case "closed":
        statusLine.textContent = `server away; reconnecting in ${event.reconnectInMs} ms`;
        note({ kind: "note", text: `the server connection closed (${event.code}); reconnecting in ${event.reconnectInMs} ms` });
        break;
      case "forwarded":
        show("forwarded", `→ server: ${name}`);
        report({ outcome: "forwarded", detail: `${name} sent to the Rust server` });
        break;
      case "queued":
        show("queued", `queued: ${name} (${event.queued} waiting)`);
        report({ outcome: "queued", detail: `${name} queued while the server is away (${event.queued} waiting)` });
        break;
      case "dropped":
        show("dropped", `dropped: ${name} (${event.total} so far)`);
        report({ outcome: "dropped", detail: `the queue is full: ${name} dropped, ${event.total} dropped so far` });
        break;
      case "reply":
        show("reply", `← server: sendEvent ${event.name}`);
        note({ kind: "handled", text: `server replied: sendEvent ${event.name}` });
        break;
      case "error":
        show("error", `server: ${event.message}`);
        note({ kind: "error", text: `server: ${event.message}` });
        break;
    }
  },
});
