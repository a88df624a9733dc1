// partner-events-bridge: connects the partner SDK in the page to a partner-events bridge server,
// over the acknowledged protocol (WebSocket subprotocol "partner-events.v1"; the bridge crate's
// `wire` docs describe it frame by frame).
//
//   import * as partnerSDK from "@8x8/pui-partner-comm";
//   import { connectBridge } from "./partner-events-bridge.js";
//   const bridge = connectBridge({
//     sdk: partnerSDK,                                   // the SDK, from npm; not bundled here
//     app: { appName: "…", appVersion: "…", vendor: "…" },
//     url: "wss://partner.example.com/events",          // default: /events on this page's host
//     token: sessionToken,                              // optional: sent in the hello, never in a URL
//     onPageMessage: (message, { id }) => show(message), // optional: the server's own messages
//     onEvent: (event) => console.log(event),           // optional: what happens, as it happens
//   });
//   bridge.send({ action: "open-record" });             // the page's own message to the server
//
// - It calls sdk.system.initialise({...app, onMessage}) and forwards every message onMessage
//   receives, numbered, exactly as received. It keeps each one until the server acknowledges it
//   (after its handler returned), and after a reconnect resends what is unacknowledged, in order,
//   to the same server process or another.
// - The session id is random and kept in sessionStorage with the next message number and the
//   last frame applied, so a reload of the page keeps the session: its numbers go on, and what it
//   applied before is not applied again. (Messages it held unacknowledged when it reloaded die
//   with the page; the hello tells the server where the numbering goes on.)
// - It applies each numbered frame from the server once: sendEvent frames call
//   sdk.system.sendEvent(name, data); page frames call onPageMessage. A reply that a restarted
//   server sends again for the same message is recognised by its id and not applied twice.
// - Messages other systems address to the page's agent (a bridge with a backbone: id
//   "a<position>") are applied once each: the last position applied is kept in sessionStorage and
//   sent in the hello, so a page that reconnects to another server process is caught up from
//   there and given nothing twice.
// - The buffer holds at most `buffer.messages` messages and `buffer.bytes` bytes (default
//   BUFFER_LIMIT: 10,000 and 16 MiB, minutes of a busy agent). Past either, a new message is not
//   kept: onEvent reports {kind: "dropped", reason: "full", total}, and the server is told how many.
// - A message over the server's size limit (its welcome says it) is not sent, as the server would
//   close the connection for it, every time, and nothing behind it would get through: onEvent
//   reports {kind: "dropped", reason: "tooLarge"}, and the server is told. One kept from before
//   the welcome goes as a `skipped` frame in its place.
// - It reconnects with exponential back-off (250 ms doubling to 8 s, with jitter), and at once
//   when the server closes with 1012 (restarting) or a newer connection took over.

/** The subprotocol of the acknowledged protocol. */
export const PROTOCOL = "partner-events.v1";

/** What the page keeps for the server until acknowledged, at most, by default. */
export const BUFFER_LIMIT = Object.freeze({ messages: 10_000, bytes: 16 * 1024 * 1024 });

const SESSION_KEY = "partner-events-bridge.session";

/**
 * What a reload must not forget: the session id, the key the server issued for resuming it, the
 * next page number, the last server number applied, and the position of the last addressed message
 * applied (undefined until the first welcome that says one).
 * @typedef {{ id: string, key: string | undefined, next: number, received: number, addressed?: number | undefined }} Session
 */

/**
 * A numbered frame from the server: a reply for the host or a message for the page.
 * @typedef {{ seq: number, id?: string, sendEvent?: { name: string, data: unknown }, page?: unknown }} NumberedFrame
 */

/**
 * Connects the partner SDK in the page to a partner-events bridge server (the types are in
 * types.d.ts, and checked against this implementation).
 *
 * @template [ToPage=unknown]
 * @template [FromPage=unknown]
 * @param {import("./types.js").BridgeOptions<ToPage, FromPage>} options
 * @returns {import("./types.js").Bridge<FromPage>}
 */
export function connectBridge({
  sdk,
  app,
  url = defaultUrl(),
  token,
  buffer: bufferLimit = BUFFER_LIMIT,
  backoff = { initialMs: 250, maxMs: 8000 },
  onPageMessage = () => {},
  onEvent = () => {},
}) {
  const stats = {
    forwarded: 0, queued: 0, resent: 0, dropped: 0, replies: 0, pageMessages: 0,
    duplicates: 0, errors: 0, connections: 0,
  };
  // Unacknowledged messages, oldest first: {seq, frame, bytes, source}, and `tooLarge` once a
  // welcome's limit said it is over it (it then goes as a `skipped` frame).
  /** @type {{ seq: number, frame: string, bytes: number, source: import("./types.js").MessageSource, tooLarge?: boolean }[]} */
  const pending = [];
  // The largest frame the server reads, in UTF-8 bytes, as its last welcome said (a server
  // before 0.2 does not say: then no limit is known).
  let maxFrameBytes = Infinity;
  let pendingBytes = 0;
  let session = loadSession();
  let nextSeq = session.next;
  // Every page number up to `acked` is handled by the server, or gone: after a reload, what the
  // page held unacknowledged died with it, and the server must not wait for it.
  let acked = nextSeq - 1;
  // The last server number applied on this session (reset when a server starts it afresh).
  let received = session.received;
  // The position of the last addressed message applied ("a<position>"), across reloads.
  /** @type {number | undefined} */
  let addressed = session.addressed;
  // Ids of frames applied per page number ("d<seq>.<k>"), until that number is acknowledged.
  /** @type {Map<number, Set<string>>} */
  const appliedIds = new Map();
  let dropsToReport = 0;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let ackTimer = null;

  /** @type {WebSocket | null} */
  let socket = null;
  let welcomed = false;
  let delay = backoff.initialMs;
  let closed = false;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  const target = new URL(url, location.href);

  function connect() {
    timer = null;
    welcomed = false;
    const ws = new WebSocket(target, PROTOCOL);
    socket = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ hello: { session: session.id, key: session.key, token, acked, received, addressed } }));
    };
    ws.onmessage = (event) => {
      if (ws === socket) onFrame(event.data);
    };
    ws.onclose = (event) => {
      if (ws !== socket) return;
      socket = null;
      welcomed = false;
      if (closed) return;
      let wait;
      if (event.code === 1012 || event.code === 4000 || event.code === 4008) {
        // the server is restarting, another connection had the session, or the server waits for
        // acknowledgements that the hello carries: come back at once
        wait = Math.random() * 50;
      } else {
        if (event.code === 4403) {
          // a new session id; the addressed messages applied stay applied
          session = { ...newSession(), addressed };
          received = 0;
          remember();
        }
        wait = Math.min(delay, backoff.maxMs) * (0.75 + Math.random() / 2);
        delay = Math.min(delay * 2, backoff.maxMs);
      }
      onEvent({ kind: "closed", code: event.code, reason: event.reason, reconnectInMs: Math.round(wait) });
      timer = setTimeout(connect, wait);
    };
  }

  // Keeps what a reload must not forget.
  function remember() {
    session.next = nextSeq;
    session.received = received;
    session.addressed = addressed;
    saveSession(session);
  }

  /** @param {string} text */
  function onFrame(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      onEvent({ kind: "error", message: `the server sent a frame that is not JSON: ${text}` });
      return;
    }
    if (typeof frame.seq === "number") {
      applyNumbered(frame);
    } else if (typeof frame.ack === "number") {
      acknowledge(frame.ack);
    } else if (frame.welcome) {
      welcome(frame.welcome);
    } else if (frame.error) {
      stats.errors += 1;
      onEvent({ kind: "error", message: frame.error.message, seq: frame.error.seq });
    } else {
      onEvent({ kind: "error", message: `unknown frame from the server: ${text}` });
    }
  }

  /** @param {{ key: string, resumed: boolean, acked: number, addressed?: number, maxMessageBytes?: number }} welcome */
  function welcome({ key, resumed, acked: handled, addressed: from, maxMessageBytes }) {
    const ws = socket;
    if (ws === null) return;
    session.key = key;
    if (!resumed) received = 0;
    // where a new page's addressed messages start; a page that has applied some knows better
    if (addressed === undefined && typeof from === "number") addressed = from;
    remember();
    acknowledge(handled);
    maxFrameBytes = typeof maxMessageBytes === "number" ? maxMessageBytes : Infinity;
    welcomed = true;
    delay = backoff.initialMs;
    stats.connections += 1;
    for (const entry of pending) ws.send(onTheWire(entry));
    stats.resent += pending.length;
    if (dropsToReport > 0) reportDrops();
    onEvent({ kind: "open", url: target.href, resumed, resent: pending.length });
  }

  /** @param {number} handled */
  function acknowledge(handled) {
    if (handled <= acked) return;
    acked = handled;
    while (pending.length > 0 && /** @type {{ seq: number }} */ (pending[0]).seq <= acked) {
      pendingBytes -= pending.shift()?.bytes ?? 0;
    }
    for (const seq of appliedIds.keys()) if (seq <= acked) appliedIds.delete(seq);
  }

  /** @param {NumberedFrame} frame */
  function applyNumbered(frame) {
    if (frame.seq <= received) {
      stats.duplicates += 1;
      return;
    }
    received = frame.seq;
    remember();
    scheduleAck();
    const id = frame.id ?? "";
    const position = /^a(\d+)$/.exec(id);
    if (position) {
      const at = Number(position[1]);
      if (addressed !== undefined && at <= addressed) {
        // another process delivered it before this page moved here
        stats.duplicates += 1;
        return;
      }
      addressed = at;
      remember();
    }
    const match = /^d(\d+)\./.exec(id);
    if (match) {
      const seq = Number(match[1]);
      let ids = appliedIds.get(seq);
      if (!ids) appliedIds.set(seq, (ids = new Set()));
      if (ids.has(id)) {
        // a restarted server handled the same message again and sent the same frame
        stats.duplicates += 1;
        return;
      }
      ids.add(id);
    }
    if (frame.sendEvent) {
      stats.replies += 1;
      sdk.system.sendEvent(frame.sendEvent.name, frame.sendEvent.data);
      onEvent({ kind: "reply", name: frame.sendEvent.name, data: frame.sendEvent.data, id });
    } else if ("page" in frame) {
      stats.pageMessages += 1;
      // the server's PageHandler side sends its ToPage type; the page takes its word for it
      onPageMessage(/** @type {ToPage} */ (frame.page), { id });
      onEvent({ kind: "page", message: frame.page, id });
    }
  }

  // A message kept from before this server said its limit, and over it, goes as a `skipped`
  // frame in its place: its number must reach the server (the next ones are handled only after
  // it), and renumbering would give a number the server may have seen to another message. The
  // message itself is kept, for a server that says no limit (one before 0.2) or a larger one.
  /** @param {{ seq: number, frame: string, source: import("./types.js").MessageSource, tooLarge?: boolean }} entry */
  function onTheWire(entry) {
    const size = utf8Bytes(entry.frame, maxFrameBytes);
    if (size <= maxFrameBytes) return entry.frame;
    if (!entry.tooLarge) {
      entry.tooLarge = true;
      stats.dropped += 1;
      onEvent({ kind: "dropped", reason: "tooLarge", source: entry.source, message: undefined, count: 1, total: stats.dropped });
    }
    return `{"seq":${entry.seq},"skipped":{"bytes":${size}}}`;
  }

  function scheduleAck() {
    if (ackTimer !== null) return;
    ackTimer = setTimeout(() => {
      ackTimer = null;
      if (welcomed && socket !== null) socket.send(JSON.stringify({ ack: received }));
    }, 20);
  }

  function reportDrops() {
    if (socket === null) return;
    socket.send(JSON.stringify({ dropped: { count: dropsToReport, total: stats.dropped } }));
    dropsToReport = 0;
  }

  /**
   * Numbers, keeps and (when connected) sends one message; `body` is its JSON text.
   * @param {"event" | "page"} kind
   * @param {string} body
   * @param {unknown} message
   * @returns {boolean}
   */
  function deliver(kind, body, message) {
    const source = kind === "event" ? "host" : "page";
    const frame = `{"seq":${nextSeq},"${kind}":${body}}`;
    const bytes = frame.length;
    const full = pending.length >= bufferLimit.messages || pendingBytes + bytes > bufferLimit.bytes;
    if (full || utf8Bytes(frame, maxFrameBytes) > maxFrameBytes) {
      stats.dropped += 1;
      dropsToReport += 1;
      if (welcomed) reportDrops();
      onEvent({ kind: "dropped", reason: full ? "full" : "tooLarge", source, message, count: 1, total: stats.dropped });
      return false;
    }
    pending.push({ seq: nextSeq, frame, bytes, source });
    pendingBytes += bytes;
    nextSeq += 1;
    remember();
    if (welcomed && socket !== null && socket.readyState === WebSocket.OPEN) {
      socket.send(frame);
      stats.forwarded += 1;
      onEvent({ kind: "forwarded", source, message });
    } else {
      stats.queued += 1;
      onEvent({ kind: "queued", source, message, queued: pending.length });
    }
    return true;
  }

  /** @param {unknown} message */
  const forward = (message) => deliver("event", JSON.stringify(message), message);

  sdk.system.initialise({ ...app, onMessage: forward });
  connect();

  return {
    stats,
    /** Messages kept until the server acknowledges them. */
    get queued() {
      return pending.length;
    },
    /** The page's session id (stable across reloads of the page). */
    get session() {
      return session.id;
    },
    /** Sends the page's own JSON to the server's PageHandler, in order with the events, once. */
    send(message) {
      return deliver("page", JSON.stringify(message), message);
    },
    /** Drops the connection and reconnects, resuming the session (as after a network blip). */
    reconnect() {
      socket?.close(4999, "reconnect");
    },
    /** Stops reconnecting and closes the socket. */
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      socket?.close();
    },
  };
}

/**
 * The UTF-8 length of `text`, or a quick answer at or under `limit` when it cannot be over it (a
 * UTF-16 unit takes at most 3 bytes, a pair 4). The generated TypeScript module counts the same
 * way for its own limit; this package depends on nothing, so it has its own copy. A lone
 * surrogate counts 3, as the browser sends it: U+FFFD.
 * @param {string} text
 * @param {number} limit
 */
function utf8Bytes(text, limit) {
  if (text.length * 3 <= limit) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else {
        bytes += 3;
      }
    } else bytes += 3;
  }
  return bytes;
}

function defaultUrl() {
  const url = new URL("/events", location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** @returns {Session} */
function newSession() {
  const session = { id: randomId(), key: undefined, next: 1, received: 0 };
  saveSession(session);
  return session;
}

/** @returns {Session} */
function loadSession() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null");
    if (saved && typeof saved.id === "string") {
      const addressed = typeof saved.addressed === "number" ? saved.addressed : undefined;
      return { ...saved, next: Number(saved.next) || 1, received: Number(saved.received) || 0, addressed };
    }
  } catch {
    // storage may be refused (a sandboxed frame): the session then lasts as long as the page
  }
  return newSession();
}

/** @param {Session} session */
function saveSession(session) {
  try {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  } catch {
    // as above
  }
}
