// The partner page: the real partner SDK from npm hands every message to Rust, and Rust's replies
// go out through the SDK's sendEvent. With ?trace in its URL, the page also reports each outcome
// to its parent window, for the host simulator's log.
import * as partnerSDK from "@8x8/pui-partner-comm";
import { loadPartner, type Outcome } from "./partner-wasm";

const trace = new URLSearchParams(location.search).has("trace");
const list = document.getElementById("events") as HTMLElement;
const statusLine = document.getElementById("status") as HTMLElement;

function show(outcome: Outcome): void {
  const item = document.createElement("li");
  item.className = outcome.outcome;
  item.textContent =
    outcome.outcome === "handled" ? `${outcome.rustType}: ${outcome.detail} (${outcome.lifecycle})`
    : outcome.outcome === "fallback" ? `fallback (${outcome.kind}): ${outcome.name}`
    : `error: ${outcome.error}`;
  list.append(item);
}

const app = await loadPartner(new URL("partner.wasm", import.meta.url));

partnerSDK.system.initialise({
  appName: "partner-events wasm example",
  appVersion: "0.1.0",
  vendor: "partner-events",
  onMessage(message: unknown) {
    const outcome = app.handle(JSON.stringify(message), Date.now());
    show(outcome);
    if (trace) window.parent.postMessage({ partnerEventsTrace: outcome }, "*");
    if (outcome.outcome !== "handled") return;
    for (const { name, data } of outcome.sends) {
      partnerSDK.system.sendEvent(name, data);
    }
  },
});
statusLine.textContent = "initialised; waiting for the host";
