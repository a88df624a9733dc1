// The page module's answer to each close code of the wire (the bridge crate's `wire::close`): it
// comes back at once after a restart, a takeover or a full outbox, starts a new session id after
// "another page's session", and backs off after the rest, keeping its session. The real module,
// in Node, with `ws` as its WebSocket, against a server that speaks the protocol's first frames:
// it welcomes each hello, then closes with the code under test.
import { test } from "node:test";
import assert from "node:assert/strict";
import WebSocket, { WebSocketServer } from "ws";

// the browser's globals that the module uses
globalThis.WebSocket = WebSocket;
globalThis.location = new URL("http://127.0.0.1/");
const stored = new Map();
globalThis.sessionStorage = {
  getItem: (key) => stored.get(key) ?? null,
  setItem: (key, value) => stored.set(key, String(value)),
};
const { connectBridge, PROTOCOL } = await import("../../bridge/page/partner-events-bridge.js");

/** Rejects after `ms` naming `what`, unless `promise` settles first. */
function within(ms, what, promise) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${ms} ms for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** A server that welcomes each connection's hello; `next()` resolves to the next one. */
async function helloServer() {
  const server = new WebSocketServer({
    port: 0,
    host: "127.0.0.1",
    handleProtocols: (protocols) => (protocols.has(PROTOCOL) ? PROTOCOL : false),
  });
  await new Promise((resolve) => server.once("listening", resolve));
  const arrived = [];
  let waiting = null;
  server.on("connection", (socket) => {
    socket.once("message", (data) => {
      const { hello } = JSON.parse(String(data));
      socket.send(JSON.stringify({ welcome: { session: hello.session, key: `key-of-${hello.session}`, resumed: true, acked: 0 } }));
      const connection = { socket, hello };
      if (waiting) {
        waiting(connection);
        waiting = null;
      } else {
        arrived.push(connection);
      }
    });
  });
  return {
    url: `ws://127.0.0.1:${server.address().port}/events`,
    next: () => within(5000, "the page's next hello", new Promise((resolve) => {
      if (arrived.length > 0) resolve(arrived.shift());
      else waiting = resolve;
    })),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

test("each close code: at once, backing off, or with a new session id", async () => {
  const server = await helloServer();
  const events = [];
  let eventArrived = () => {};
  const bridge = connectBridge({
    sdk: { system: { initialise() {}, sendEvent() {} } },
    app: { appName: "close codes", appVersion: "1", vendor: "test" },
    url: server.url,
    // a back-off far from "at once" (under 50 ms): 400 ms, jittered to 300..500
    backoff: { initialMs: 400, maxMs: 400 },
    onEvent: (event) => {
      events.push(event);
      eventArrived();
    },
  });
  const closedEvent = (code) => within(5000, `the page's report of close ${code}`, new Promise((resolve) => {
    const look = () => {
      const found = events.find((event) => event.kind === "closed" && event.code === code);
      if (found) resolve(found);
    };
    eventArrived = look;
    look();
  }));
  try {
    let connection = await server.next();
    const first = connection.hello.session;
    assert.match(first, /^[0-9a-f]{32}$/);
    assert.equal(connection.hello.key, undefined, "a new session has no key yet");
    // code, whether the page comes back at once, whether it keeps its session
    const cases = [
      [1012, "at once", "keeps"], // restart: the server drained
      [4000, "at once", "keeps"], // taken over by a newer connection
      [4008, "at once", "keeps"], // the server's outbox is full: the hello frees it
      [1011, "backs off", "keeps"], // the handler panicked
      [4400, "backs off", "keeps"], // a frame broke the protocol
      [4401, "backs off", "keeps"], // the token was refused
      [1000, "backs off", "keeps"], // a normal close
      [4403, "backs off", "new"], // the session id is another page's
    ];
    for (const [code, when, session] of cases) {
      const before = connection.hello.session;
      connection.socket.close(code, "");
      const closed = await closedEvent(code);
      if (when === "at once") assert.ok(closed.reconnectInMs < 50, `${code}: comes back at once, not in ${closed.reconnectInMs} ms`);
      else assert.ok(closed.reconnectInMs >= 300, `${code}: backs off, not ${closed.reconnectInMs} ms`);
      connection = await server.next();
      const { hello } = connection;
      if (session === "keeps") {
        assert.equal(hello.session, before, `${code}: the same session`);
        assert.equal(hello.key, `key-of-${before}`, `${code}: with the key it was given`);
      } else {
        assert.notEqual(hello.session, before, `${code}: a new session id`);
        assert.match(hello.session, /^[0-9a-f]{32}$/);
        assert.equal(hello.key, undefined, `${code}: no key`);
        assert.equal(hello.received, 0, `${code}: nothing applied on the new session`);
      }
      events.length = 0;
    }
    assert.equal(bridge.session, connection.hello.session);
  } finally {
    bridge.close();
    await server.close();
  }
});
