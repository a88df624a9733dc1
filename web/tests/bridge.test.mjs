// End to end in headless Chromium with the bridge: the host simulator plays the sample messages
// into the bridge partner page (the real partner SDK), the page forwards them over a WebSocket to
// partner-bridge, Rust handlers take them, and the replies come back through the page's SDK to
// the host. Killing and restarting the server mid-stream loses nothing within the queue bound.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, until } from "./support/browser.mjs";
import { startBridge, waitFor } from "./support/bridge.mjs";

const samples = readFileSync(new URL("../../examples/sample-messages.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n");
const rustType = (name) => name.split("-").map((part) => part[0].toUpperCase() + part.slice(1)).join("");
const chatInit = (id) => ({
  type: "event",
  schemaVersion: "1.0.0",
  message: { eventName: "aw-chat-init-v1", value: { interactionId: id, messages: [], schemaVersion: "1.0.0" } },
});
const replyIds = (requests) =>
  requests.filter((r) => r.message?.action === "sendEvent").map((r) => r.message.value.data.interactionId);

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function open(server, query = "") {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(`${server.url}/host/?delay=0${query}`);
  return { page, errors };
}

const connected = (s) => s.notes.some((note) => note.text.startsWith("connected to the server"));

test("the sample messages reach the Rust handlers typed, and the reply reaches the host as the SDK posts it", async () => {
  const server = await startBridge();
  try {
    const { page, errors } = await open(server);
    await until(page, "the sample file played", (s) => s.played && s.traces.length === s.posted.length
      && s.requests.some((r) => r.message?.action === "sendEvent"));
    const expected = samples.length - 1; // the host skips the line that is not JSON
    await waitFor("a line per message from the server", () => server.handled().length >= expected);
    const lines = server.handled();
    assert.equal(lines.length, expected, lines.join("\n"));
    // one session for the page
    assert.equal(new Set(lines.map((line) => line.split(":")[0])).size, 1);

    for (const name of ["global-user-details-v1", "aw-interaction-hold-v1", "aw-interaction-focus-v1",
      "aw-chat-init-v1", "mashell-voice-phone-offered-cc-event-v1", "aw-interaction-mute-v1"]) {
      assert.ok(lines.some((line) => line.includes(`: ✓ ${name} → ${rustType(name)} (`)), `${name}\n${lines.join("\n")}`);
    }
    assert.ok(lines.some((line) => line.includes("✓ aw-interaction-mute-v1 → AwInteractionMuteV1 (active, sent as 1.3.0)")));
    const posted = samples.slice(0, -1).map((line) => JSON.parse(line));
    for (const [event, kind] of [["aw-interaction-transfer-v1", "unknown-event"], ["aw-interaction-unmute-v1", "unknown-version"]]) {
      const value = posted.find((m) => m.message?.eventName === event).message.value;
      assert.ok(lines.some((line) => line.endsWith(`↪ fallback (${kind}) ${event}: ${JSON.stringify(value)}`)), `${event}\n${lines.join("\n")}`);
    }
    assert.ok(lines.some((line) => line.includes("✗ `aw-chat-message-sent-v1` 1.0.0 payload refused at `message.timestamp`")));

    // the server's error frame for the invalid message travels back through the page to the host
    await until(page, "the server's error frame in the host's log", (s) =>
      s.notes.some((n) => n.kind === "error" && n.text.startsWith("server: `aw-chat-message-sent-v1` 1.0.0 payload refused")));
    const sim = await page.evaluate(() => ({ ...window.hostSimulator, log: undefined }));
    // each message was forwarded, or queued until the socket opened (playback starts when the SDK
    // initialises, which can be before the socket is open); none was dropped
    assert.equal(sim.traces.length, posted.length);
    assert.deepEqual(sim.traces.filter((t) => !["forwarded", "queued"].includes(t.outcome)), []);
    const sent = sim.requests.filter((r) => r.message?.action === "sendEvent");
    assert.equal(sent.length, 1);
    assert.equal(
      JSON.stringify(sent[0]),
      '{"type":"request","message":{"action":"sendEvent","namespace":"system","value":{"name":"aw-chat-message-received-v1","data":{"interactionId":"int-7","message":"Hello from the Rust server: I read 2 message(s) of this chat.","schemaVersion":"1.0.0"}}}}',
    );
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await server.kill();
  }
});

test("killing and restarting the server mid-stream loses nothing within the queue bound", async () => {
  let server = await startBridge();
  const port = server.port;
  try {
    const { page, errors } = await open(server, "&autoplay=0");
    await until(page, "the page connected to the server", connected);
    for (let i = 0; i < 40; i++) await page.evaluate((m) => window.hostSimulator.post(m), chatInit(`k-${i}`));
    await until(page, "40 replies", (s) => s.requests.filter((r) => r.message?.action === "sendEvent").length === 40);

    await server.kill();
    await until(page, "the page saw the server go", (s) => s.notes.some((n) => n.text.startsWith("the server connection closed")));
    for (let i = 40; i < 100; i++) await page.evaluate((m) => window.hostSimulator.post(m), chatInit(`k-${i}`));
    await until(page, "60 messages queued", (s) => s.traces.filter((t) => t.outcome === "queued").length === 60);

    server = await startBridge(port);
    await until(page, "100 replies", (s) => s.requests.filter((r) => r.message?.action === "sendEvent").length === 100, undefined, 30_000);
    await until(page, "the page's note of the queue delivered", (s) =>
      s.notes.some((n) => n.text === "connected to the server; 60 queued message(s) delivered in order"));
    const sim = await page.evaluate(() => ({ requests: window.hostSimulator.requests }));
    assert.deepEqual(replyIds(sim.requests), Array.from({ length: 100 }, (_, i) => `k-${i}`));
    // the restarted server handled exactly the queued messages, once each
    await waitFor("60 lines from the new server", () => server.handled().length >= 60);
    assert.equal(server.handled().length, 60);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await server.kill();
  }
});

test("past the queue bound the page drops the newest messages and says how many", async () => {
  let server = await startBridge();
  const port = server.port;
  try {
    const { page } = await open(server, `&autoplay=0&partner=${encodeURIComponent("../partner/?trace&queue=5")}`);
    await until(page, "the page connected to the server", connected);
    await server.kill();
    await until(page, "the page saw the server go", (s) => s.notes.some((n) => n.text.startsWith("the server connection closed")));
    for (let i = 0; i < 8; i++) await page.evaluate((m) => window.hostSimulator.post(m), chatInit(`q-${i}`));
    await until(page, "8 reports", (s) => s.traces.length === 8);
    const traces = await page.evaluate(() => window.hostSimulator.traces);
    assert.deepEqual(traces.map((t) => t.outcome), ["queued", "queued", "queued", "queued", "queued", "dropped", "dropped", "dropped"]);
    assert.match(traces[7].detail, /3 dropped so far$/);
    const shown = await page.locator("#log li").allTextContents();
    assert.ok(shown.some((line) => line.includes("the queue is full: aw-chat-init-v1 dropped, 3 dropped so far")));

    server = await startBridge(port);
    await until(page, "5 replies", (s) => s.requests.filter((r) => r.message?.action === "sendEvent").length === 5, undefined, 30_000);
    const requests = await page.evaluate(() => window.hostSimulator.requests);
    assert.deepEqual(replyIds(requests), ["q-0", "q-1", "q-2", "q-3", "q-4"]);
    await page.close();
  } finally {
    await server.kill();
  }
});
