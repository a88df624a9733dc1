// The partner page of the bridge example: the partner SDK from npm, connected to the Rust server
// by the bridge's page module, and the server's screen pops: a card for every call offered and
// chat opened, whose button sends an action back to the server. Query parameters: trace (report
// to the host simulator, for its log), queue=N (the buffer bound, in messages), quiet (render
// nothing: for runs of thousands of messages; window.partnerPage still records the cards). A
// session token, if any, comes in the fragment (#token=…), which browsers never send to a server,
// and goes to the bridge in the hello frame, so no URL and no access log carries it. What the
// host sends is shown typed, decoded by the module generated from the catalog.
import * as partnerSDK from "@8x8/pui-partner-comm";
import { connectBridge, BUFFER_LIMIT } from "../../bridge/page/partner-events-bridge.js";
import type { Bridge } from "../../bridge/page/types.js";
import { decode, type Decoded } from "../typescript/partner-events";

/** What the server sends this page: the bridge example's `ToPage` (examples/bridge-app/app.rs). */
type ToPage =
  | {
      readonly kind: "card";
      readonly media: "call" | "chat";
      readonly interactionId: string;
      readonly who: string;
      readonly record: string;
      readonly handled: number;
    }
  | { readonly kind: "answer"; readonly interactionId: string; readonly text: string };

/** What this page sends the server: the example's `CardAction`. */
interface CardAction {
  readonly action: "open-record";
  readonly interactionId: string;
}

declare global {
  interface Window {
    partnerPage: { cards: Extract<ToPage, { kind: "card" }>[]; answers: Extract<ToPage, { kind: "answer" }>[] };
    partnerBridge: Bridge<CardAction>;
  }
}

/** The event's name, or the message's type, for the host simulator's log. */
function nameOf(decoded: Decoded): string {
  return decoded.outcome === "not_event" ? decoded.kind : decoded.event ?? "a message that does not decode";
}

/** The name and a word on what the message carries, read from its types, for this page. */
function describe(decoded: Decoded): string {
  if (decoded.outcome !== "ok" && decoded.outcome !== "newer_compatible") return `${nameOf(decoded)} (${decoded.outcome})`;
  switch (decoded.event) {
    case "aw-chat-init-v1":
      return `${decoded.event}: ${decoded.value.messages.length} message(s) in ${decoded.value.interactionId}`;
    case "aw-chat-message-sent-v1":
      return `${decoded.event}: ${decoded.value.message.id} in ${decoded.value.interactionId}`;
    case "mashell-voice-phone-offered-cc-event-v1":
      return `${decoded.event}: ${decoded.value.direction} call`;
    default:
      return `${decoded.event} (${decoded.lifecycle.status})`;
  }
}

const params = new URLSearchParams(location.search);
const trace = params.has("trace");
const quiet = params.has("quiet");
const token = new URLSearchParams(location.hash.slice(1)).get("token") ?? undefined;
const list = document.getElementById("events") as HTMLElement;
const cards = document.getElementById("cards") as HTMLElement;
const statusLine = document.getElementById("status") as HTMLElement;

// What the server showed on this page, in order (for the tests).
window.partnerPage = { cards: [], answers: [] };

function showCard(card: Extract<ToPage, { kind: "card" }>): void {
  window.partnerPage.cards.push(card);
  if (quiet) return;
  const item = document.createElement("li");
  item.className = `card ${card.media}`;
  item.dataset["interaction"] = card.interactionId;
  const title = document.createElement("strong");
  title.textContent = `${card.media === "call" ? "Call from" : "Chat with"} ${card.who}`;
  const record = document.createElement("span");
  record.textContent = ` · ${card.record} · ${card.interactionId}`;
  const button = document.createElement("button");
  button.textContent = "Open record";
  button.addEventListener("click", () => {
    window.partnerBridge.send({ action: "open-record", interactionId: card.interactionId });
    button.disabled = true;
  });
  const answer = document.createElement("em");
  answer.className = "answer";
  item.append(title, record, " ", button, " ", answer);
  cards.prepend(item);
}

function showAnswer(answer: Extract<ToPage, { kind: "answer" }>): void {
  window.partnerPage.answers.push(answer);
  if (quiet) return;
  const item = [...cards.children].find(
    (card) => card instanceof HTMLElement && card.dataset["interaction"] === answer.interactionId,
  );
  const text = item?.querySelector(".answer");
  if (text) text.textContent = answer.text;
}

function show(kind: string, text: string): void {
  if (quiet) return;
  const item = document.createElement("li");
  item.className = kind;
  item.textContent = text;
  list.append(item);
}

// One report per message the page receives (forwarded, queued or dropped), and notes for what
// happens between (the connection, the server's replies and errors).
function report(outcome: { outcome: string; detail: string }): void {
  if (trace) window.parent.postMessage({ partnerEventsTrace: outcome }, "*");
}
function note(outcome: { kind: string; text: string }): void {
  if (trace) window.parent.postMessage({ partnerEventsNote: outcome }, "*");
}

window.partnerBridge = connectBridge<ToPage, CardAction>({
  sdk: partnerSDK,
  token,
  app: { appName: "partner-events bridge example", appVersion: "0.1.0", vendor: "partner-events" },
  buffer: { ...BUFFER_LIMIT, messages: Number(params.get("queue")) || BUFFER_LIMIT.messages },
  onPageMessage(message) {
    if (message.kind === "card") showCard(message);
    else if (message.kind === "answer") showAnswer(message);
  },
  onEvent(event) {
    // the page's own messages (the cards' buttons) are not the host's: no report for those
    if ("source" in event && event.source === "page") return;
    switch (event.kind) {
      case "open":
        statusLine.textContent = `connected to ${event.url}`;
        note({ kind: "note", text: `connected to the server (${event.resumed ? "session resumed" : "new session"}); ${event.resent} unacknowledged message(s) resent in order` });
        break;
      case "closed":
        statusLine.textContent = `server away; reconnecting in ${event.reconnectInMs} ms`;
        note({ kind: "note", text: `the server connection closed (${event.code}); reconnecting in ${event.reconnectInMs} ms` });
        break;
      case "forwarded": {
        const decoded = decode(event.message);
        const name = nameOf(decoded);
        show("forwarded", `→ server: ${describe(decoded)}`);
        report({ outcome: "forwarded", detail: `${name} sent to the Rust server` });
        break;
      }
      case "queued": {
        const decoded = decode(event.message);
        const name = nameOf(decoded);
        show("queued", `queued: ${describe(decoded)} (${event.queued} waiting)`);
        report({ outcome: "queued", detail: `${name} queued while the server is away (${event.queued} waiting)` });
        break;
      }
      case "dropped": {
        const decoded = decode(event.message);
        const name = nameOf(decoded);
        show("dropped", `dropped: ${describe(decoded)} (${event.total} so far)`);
        const why = event.reason === "full" ? "the buffer is full" : "it is over the server's size limit";
        report({ outcome: "dropped", detail: `${why}: ${name} dropped, ${event.total} dropped so far` });
        break;
      }
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
