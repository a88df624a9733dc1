// partner-events-bridge: connects the partner SDK in the page to a partner-events bridge server.
//
//   import * as partnerSDK from "@8x8/pui-partner-comm";
//   import { connectBridge } from "./partner-events-bridge.js";
//   const bridge = connectBridge({
//     sdk: partnerSDK,                                   // the SDK, from npm; not bundled here
//     app: { appName: "…", appVersion: "…", vendor: "…" },
//     url: "wss://partner.example.com/events",          // default: /events on this page's host
//     token: sessionToken,                              // optional: sent as ?token=
//     onEvent: (event) => console.log(event),           // optional: what happens, as it happens
//   });
//
// - It calls sdk.system.initialise({...app, onMessage}) and forwards every message onMessage
//   receives, as one WebSocket text frame: exactly its JSON.
// - For each {"sendEvent":{"name","data"}} frame it calls sdk.system.sendEvent(name, data); each
//   {"error":{"message"}} frame is reported through onEvent.
// - When the socket is down, messages are queued and delivered in order on reconnection, up to
//   `queueLimit` (default QUEUE_LIMIT, 1000); past it, newer messages are dropped and counted, and
//   onEvent reports {kind: "dropped", count, total}.
// - It reconnects with exponential back-off: 250 ms doubling to 8 s, with jitter; a connection
//   that opens resets it.
// - A message the server had not read when its process died is lost: the wire has no
//   acknowledgements. The queue covers the time the page knows the socket is down.

/** Messages queued while the socket is down, at most, by default. */
export const QUEUE_LIMIT = 1000;

export function connectBridge({
  sdk,
  app,
  url = defaultUrl(),
  token,
  queueLimit = QUEUE_LIMIT,
  backoff = { initialMs: 250, maxMs: 8000 },
  onEvent = () => {},
}) {
  const queue = [];
  const stats = { forwarded: 0, queued: 0, dropped: 0, replies: 0, errors: 0, connections: 0 };
  let socket = null;
  let delay = backoff.initialMs;
  let closed = false;
  let timer = null;

  const target = new URL(url, location.href);
  if (token !== undefined) target.searchParams.set("token", token);

  function connect() {
    timer = null;
    socket = new WebSocket(target);
    socket.onopen = () => {
      stats.connections += 1;
      delay = backoff.initialMs;
      onEvent({ kind: "open", url: target.href, queued: queue.length });
      while (queue.length > 0 && socket.readyState === WebSocket.OPEN) {
        socket.send(queue.shift());
        stats.forwarded += 1;
      }
    };
    socket.onmessage = (event) => onFrame(event.data);
    socket.onclose = (event) => {
      socket = null;
      if (closed) return;
      const wait = Math.min(delay, backoff.maxMs) * (0.75 + Math.random() / 2);
      delay = Math.min(delay * 2, backoff.maxMs);
      onEvent({ kind: "closed", code: event.code, reconnectInMs: Math.round(wait) });
      timer = setTimeout(connect, wait);
    };
  }

  function onFrame(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      onEvent({ kind: "error", message: `the server sent a frame that is not JSON: ${text}` });
      return;
    }
    if (frame.sendEvent) {
      stats.replies += 1;
      sdk.system.sendEvent(frame.sendEvent.name, frame.sendEvent.data);
      onEvent({ kind: "reply", name: frame.sendEvent.name, data: frame.sendEvent.data });
    } else if (frame.error) {
      stats.errors += 1;
      onEvent({ kind: "error", message: frame.error.message });
    } else {
      onEvent({ kind: "error", message: `unknown frame from the server: ${text}` });
    }
  }

  function forward(message) {
    const text = JSON.stringify(message);
    if (socket && socket.readyState === WebSocket.OPEN && queue.length === 0) {
      socket.send(text);
      stats.forwarded += 1;
      onEvent({ kind: "forwarded", message });
    } else if (queue.length < queueLimit) {
      queue.push(text);
      stats.queued += 1;
      onEvent({ kind: "queued", message, queued: queue.length });
    } else {
      stats.dropped += 1;
      onEvent({ kind: "dropped", message, count: 1, total: stats.dropped });
    }
  }

  sdk.system.initialise({ ...app, onMessage: forward });
  connect();

  return {
    stats,
    /** Messages waiting for the socket. */
    get queued() {
      return queue.length;
    },
    /** Stops reconnecting and closes the socket. */
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}

function defaultUrl() {
  const url = new URL("/events", location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}
