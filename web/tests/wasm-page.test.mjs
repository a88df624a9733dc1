// End to end in headless Chromium: the host simulator plays examples/sample-messages.jsonl into the
// Rust/WebAssembly partner page through the real partner SDK, and we check what the Rust handlers
// made of every message and what reached the host.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, until } from "./support/browser.mjs";
import { serveStatic } from "./support/server.mjs";

const samples = readFileSync(new URL("../../examples/sample-messages.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n");

let host, partner, browser;
before(async () => {
  // different origins for host and partner, as in Agent Workspace
  host = await serveStatic();
  partner = await serveStatic();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await host?.close();
  await partner?.close();
});

// The page judges lifecycles on the browser's date: fix it, so that the assertions on
// aw-interaction-focus-v1 (deprecated, sunset 2026-12-08) hold whatever day the tests run.
async function openSimulator(today = "2026-10-01T12:00:00Z") {
  const context = await browser.newContext();
  await context.clock.setFixedTime(new Date(today));
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  const partnerUrl = `${partner.url}/partner-wasm/?trace`;
  await page.goto(`${host.url}/host/?delay=0&partner=${encodeURIComponent(partnerUrl)}`);
  return { page, errors };
}

/** The Rust type name the catalog gives an event (heck's UpperCamelCase of the wire name). */
const rustType = (name) => name.split("-").map((part) => part[0].toUpperCase() + part.slice(1)).join("");

test("every sample message reaches Rust and comes back as the SDK posts it", async () => {
  const { page, errors } = await openSimulator();
  await until(page, "the whole sample file played and traced",
    (s) => s.played && s.traces.length === s.posted.length && s.requests.some((r) => r.message?.action === "sendEvent"));
  const sim = await page.evaluate(() => ({ ...window.hostSimulator, log: undefined }));

  // the handshake, as the SDK does it: initialise first, then the SDK's own messages
  assert.equal(sim.requests[0].message.action, "initialise");
  assert.equal(sim.requests[0].message.value.appName, "partner-events wasm example");
  assert.deepEqual(sim.sdkMessages.map((m) => m.message.name), ["setup-complete", "capabilities"]);

  // the one line that is not JSON is skipped by the host; every other line was posted
  assert.deepEqual(sim.skipped, [samples.length]);
  assert.equal(sim.posted.length, samples.length - 1);
  assert.deepEqual(sim.posted, samples.slice(0, -1).map((line) => JSON.parse(line)));

  const byLine = sim.posted.map((message, index) => ({ message, trace: sim.traces[index] }));
  const name = (message) => message.message?.eventName;

  // every catalog event of the samples at a version the catalog decodes reaches its typed handler
  const typed = ["global-user-details-v1", "aw-interaction-hold-v1", "aw-interaction-focus-v1",
    "aw-chat-init-v1", "mashell-voice-phone-offered-cc-event-v1", "aw-interaction-mute-v1"];
  for (const { message, trace } of byLine.filter(({ message }) => typed.includes(name(message)))) {
    assert.equal(trace.outcome, "handled", JSON.stringify(trace));
    assert.equal(trace.event, name(message));
    assert.equal(trace.rustType, rustType(name(message)));
  }
  const trace = (event) => byLine.find(({ message }) => name(message) === event).trace;
  assert.match(trace("aw-interaction-focus-v1").lifecycle, /^deprecated \(sunset 2026-12-08; use aw-interaction-focus-v2\)$/);
  assert.equal(trace("aw-interaction-mute-v1").version, "newer compatible (1.3.0)");
  assert.equal(trace("aw-interaction-hold-v1").lifecycle, "active");

  // unknown events and versions reach the fallback with their payload byte for byte
  for (const [event, kind] of [["aw-interaction-transfer-v1", "unknown-event"], ["aw-interaction-unmute-v1", "unknown-version"]]) {
    const { message, trace } = byLine.find(({ message }) => name(message) === event);
    assert.equal(trace.outcome, "fallback");
    assert.equal(trace.kind, kind);
    assert.equal(trace.payload, JSON.stringify(message.message.value));
  }
  // non-events: the getEvents response is recognised, the error kept
  assert.deepEqual(byLine.filter(({ message }) => message.type !== "event").map(({ trace }) => [trace.kind, trace.name]),
    [["get-events", "response"], ["not-event", "error"]]);

  // the invalid payload is reported with its JSON path
  const invalid = trace("aw-chat-message-sent-v1");
  assert.equal(invalid.outcome, "error");
  assert.match(invalid.error, /`aw-chat-message-sent-v1` 1\.0\.0 payload refused at `message\.timestamp`/);

  // the reply reaches the host as exactly the request the SDK posts for sendEvent
  const sent = sim.requests.filter((request) => request.message?.action === "sendEvent");
  assert.equal(sent.length, 1);
  assert.equal(
    JSON.stringify(sent[0]),
    '{"type":"request","message":{"action":"sendEvent","namespace":"system","value":{"name":"aw-chat-message-received-v1","data":{"interactionId":"int-7","message":"Hello from Rust: I read 2 message(s) of this chat.","schemaVersion":"1.0.0"}}}}',
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test("an invalid message is reported and the page goes on handling", async () => {
  const { page, errors } = await openSimulator();
  await until(page, "the sample file played", (s) => s.played && s.traces.length === s.posted.length);
  const before = await page.evaluate(() => window.hostSimulator.traces.length);
  await page.evaluate(() => {
    const post = window.hostSimulator.post;
    post({ type: "event", schemaVersion: "1.0.0", message: { eventName: "aw-interaction-hold-v1", value: { interactionId: 5 } } });
    post({ type: "event", message: "not an object" });
    post({ schemaVersion: "1.0.0" });
    post({ type: "event", schemaVersion: "1.0.0", message: { eventName: "aw-interaction-hold-v1", value: { interactionId: "int-99", schemaVersion: "1.0.0" } } });
  });
  await until(page, "four more traces", (s, n) => s.traces.length === n + 4, before);
  const traces = await page.evaluate((n) => window.hostSimulator.traces.slice(n), before);
  assert.deepEqual(traces.slice(0, 3).map((t) => t.outcome), ["error", "error", "error"]);
  assert.match(traces[0].error, /at `interactionId`: invalid type: integer `5`, expected a string/);
  assert.equal(traces[3].outcome, "handled");
  assert.equal(traces[3].detail, "interaction int-99 is on hold");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the host simulator's log shows each message, how it was handled, and each request", async () => {
  const { page } = await openSimulator();
  await until(page, "the sample file played", (s) => s.played && s.traces.length === s.posted.length
    && s.requests.some((r) => r.message?.action === "sendEvent"));
  const shown = await page.locator("#log li").allTextContents();
  const chat = shown.findIndex((line) => line.startsWith("→ event · aw-chat-init-v1"));
  assert.ok(chat >= 0, shown.join("\n"));
  assert.match(shown[chat + 1], /^ {2}✓ aw-chat-init-v1 → AwChatInitV1 · active · version exact/);
  assert.ok(shown.some((line) => line.startsWith("← sendEvent aw-chat-message-received-v1 {\"interactionId\":\"int-7\"")));
  assert.ok(shown.some((line) => line.startsWith("  ↪ fallback (unknown-event) aw-interaction-transfer-v1")));
  assert.ok(shown.some((line) => line.startsWith("  ✗ `aw-chat-message-sent-v1` 1.0.0 payload refused")));
  await page.screenshot({ path: new URL("../../target/web/host-simulator.png", import.meta.url).pathname, fullPage: true });
  await page.close();
});

test("the page judges lifecycles on the browser's date", async () => {
  const { page } = await openSimulator("2027-01-01T00:00:00Z");
  await until(page, "the sample file played", (s) => s.played && s.traces.length === s.posted.length);
  const focus = await page.evaluate(() => window.hostSimulator.traces.find((t) => t.event === "aw-interaction-focus-v1"));
  assert.equal(focus.lifecycle, "past its sunset (sunset 2026-12-08; use aw-interaction-focus-v2)");
  await page.close();
});
