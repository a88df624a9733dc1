// The page module and the server's size limit: a message over it is not sent (the server would
// close the connection for it, on every resend, and hold everything behind it), and one numbered
// before the page knew the limit goes as a `skipped` frame in its place. The real module, in
// Node, with `ws` as its WebSocket, against partner-bridge with a small limit (and, for a server
// that says no limit, one that speaks the protocol's first frames).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import WebSocket, { WebSocketServer } from "ws";
import { startBridge, waitFor } from "./support/bridge.mjs";

const LIMIT = 4096;
const server = await startBridge(0, ["--no-pages", "--quiet", "--max-message-bytes", String(LIMIT)]);
after(() => server.kill());

// the browser's globals the module uses; the WebSocket sends the page's origin, as a browser does
globalThis.WebSocket = class extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols, { origin: server.url });
  }
};
globalThis.location = new URL(server.url);
const stored = new Map();
globalThis.sessionStorage = {
  getItem: (key) => stored.get(key) ?? null,
  setItem: (key, value) => stored.set(key, String(value)),
};
const { connectBridge } = await import("../../bridge/page/partner-events-bridge.js");

const chat = (interactionId) => ({
  type: "event",
  schemaVersion: "1.0.0",
  message: { eventName: "aw-chat-init-v1", value: { interactionId, messages: [], schemaVersion: "1.0.0" } },
});

/** A page: the module connected through a stand-in SDK; what the host got and what happened. */
function page(url = `${server.url.replace("http", "ws")}/events`) {
  stored.clear();
  const host = { onMessage: null, answered: [] };
  const events = [];
  const bridge = connectBridge({
    sdk: {
      system: {
        initialise: ({ onMessage }) => (host.onMessage = onMessage),
        sendEvent: (_name, data) => host.answered.push(data.interactionId),
      },
    },
    app: { appName: "size-limit-test", appVersion: "1", vendor: "partner-events" },
    url,
    onEvent: (event) => events.push(event),
  });
  return { host, events, bridge };
}

async function pageDrops() {
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  return Number(metrics.match(/^partner_events_page_drops_total (\d+)/m)?.[1] ?? NaN);
}

test("a message over the server's limit is dropped and said so, and the ones after it are answered", async () => {
  const { host, events, bridge } = page();
  await waitFor("the welcome", () => events.some((event) => event.kind === "open"));
  const drops = await pageDrops();

  host.onMessage(chat("before"));
  host.onMessage(chat("x".repeat(LIMIT)));
  host.onMessage(chat("after"));
  await waitFor("both answers", () => host.answered.length === 2);
  assert.deepEqual(host.answered, ["before", "after"]);
  const dropped = events.filter((event) => event.kind === "dropped");
  assert.equal(dropped.length, 1);
  assert.equal(dropped[0].reason, "tooLarge");
  assert.equal(dropped[0].message.message.value.interactionId.length, LIMIT);
  assert.equal(bridge.stats.dropped, 1);
  await waitFor("the server to count the drop", async () => (await pageDrops()) === drops + 1);
  // the connection never closed: the message was never sent
  assert.deepEqual(events.filter((event) => event.kind === "closed"), []);
  bridge.close();
});

test("one numbered before the first welcome goes as skipped, and the ones after it are answered", async () => {
  const drops = await pageDrops();
  const { host, events, bridge } = page();
  // before the welcome: numbered and kept, as the page does not know the limit yet
  host.onMessage(chat("y".repeat(LIMIT)));
  host.onMessage(chat("after"));
  assert.equal(bridge.queued, 2);

  await waitFor("the answer", () => host.answered.length === 1);
  assert.deepEqual(host.answered, ["after"]);
  const dropped = events.filter((event) => event.kind === "dropped");
  assert.deepEqual(dropped.map((event) => [event.reason, event.source, event.message]), [["tooLarge", "host", undefined]]);
  await waitFor("both acknowledged", () => bridge.queued === 0);
  await waitFor("the server to count the skipped message", async () => (await pageDrops()) === drops + 1);
  assert.deepEqual(events.filter((event) => event.kind === "closed"), []);
  bridge.close();
});

test("a message of exactly the limit in UTF-8 bytes goes, one byte more does not", async () => {
  const { host, events, bridge } = page();
  // `{"seq":N,"event":…}` of exactly `bytes` UTF-8 bytes: "é" is 2 bytes, 1 UTF-16 unit
  const sized = (seq, bytes) => {
    const bare = new TextEncoder().encode(`{"seq":${seq},"event":${JSON.stringify(chat(""))}}`).length;
    const id = "é".repeat(Math.floor((bytes - bare) / 2)) + "x".repeat((bytes - bare) % 2);
    const message = chat(id);
    assert.equal(new TextEncoder().encode(`{"seq":${seq},"event":${JSON.stringify(message)}}`).length, bytes);
    return message;
  };
  await waitFor("the welcome", () => events.some((event) => event.kind === "open"));
  const exactly = sized(1, LIMIT);
  host.onMessage(exactly);
  host.onMessage(sized(2, LIMIT + 1));
  host.onMessage(chat("after"));
  await waitFor("two answers", () => host.answered.length === 2);
  assert.deepEqual(host.answered, [exactly.message.value.interactionId, "after"]);
  assert.deepEqual(events.filter((event) => event.kind === "dropped").map((event) => event.reason), ["tooLarge"]);
  assert.deepEqual(events.filter((event) => event.kind === "closed"), []);
  bridge.close();
});

test("a server that says no limit (before 0.2) gets the message itself, as it always did", async () => {
  // welcomes each hello, with a limit on the first connection only; records what arrives
  const fake = new WebSocketServer({ port: 0, host: "127.0.0.1", handleProtocols: (protocols) => [...protocols][0] });
  await new Promise((resolve) => fake.once("listening", resolve));
  const connections = [];
  fake.on("connection", (socket) => {
    const frames = [];
    connections.push(frames);
    socket.on("message", (data) => {
      const frame = JSON.parse(String(data));
      frames.push(frame);
      if (frame.hello) {
        const limit = connections.length === 1 ? { maxMessageBytes: 1024 } : {};
        socket.send(JSON.stringify({ welcome: { session: frame.hello.session, key: "k", resumed: true, acked: 0, ...limit } }));
      } else if (connections.length === 1) {
        // not acknowledged: the page comes back at once, and resends
        socket.close(4000, "taken over");
      }
    });
  });
  try {
    const { host, events, bridge } = page(`ws://127.0.0.1:${fake.address().port}/events`);
    const big = chat("z".repeat(2000));
    host.onMessage(big);
    await waitFor("the second connection's resend", () => connections.length === 2 && connections[1].length === 2);
    const bytes = new TextEncoder().encode(`{"seq":1,"event":${JSON.stringify(big)}}`).length;
    assert.deepEqual(connections[0][1], { seq: 1, skipped: { bytes } });
    assert.deepEqual(connections[1][1], { seq: 1, event: big }, "the message itself");
    // said once, though it went as skipped once and whole once
    assert.deepEqual(events.filter((event) => event.kind === "dropped").map((event) => event.reason), ["tooLarge"]);
    bridge.close();
  } finally {
    fake.close();
  }
});
