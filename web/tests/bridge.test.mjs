// End to end in headless Chromium with the bridge: the host simulator plays the sample messages
// into the bridge partner page (the real partner SDK), the page forwards them over the
// acknowledged protocol to partner-bridge, Rust handlers take them, and the replies come back
// through the page's SDK to the host. The server pops cards on its own page, and their buttons
// reach it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, until } from "./support/browser.mjs";
import { startBridge, waitFor } from "./support/bridge.mjs";

const samples = readFileSync(new URL("../../examples/sample-messages.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n");
const rustType = (name) => name.split("-").map((part) => part[0].toUpperCase() + part.slice(1)).join("");
export const chatInit = (id) => ({
  type: "event",
  schemaVersion: "1.0.0",
  message: { eventName: "aw-chat-init-v1", value: { interactionId: id, messages: [], schemaVersion: "1.0.0" } },
});
export const replyIds = (requests) =>
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
const partnerFrame = (page) => page.frames().find((frame) => frame.url().includes("/partner/"));

test("the sample messages reach the Rust handlers typed, the reply reaches the host as the SDK posts it, and the server pops cards on its page", async () => {
  const server = await startBridge();
  try {
    // the host plays once the page's connection is open (welcomed), so every message is forwarded
    // at once rather than queued for the connection
    const { page, errors } = await open(server, "&autoplay=0");
    await until(page, "the page connected to the server", connected);
    await page.click("#play");
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
    assert.equal(sim.traces.length, posted.length);
    assert.deepEqual(sim.traces.filter((t) => t.outcome !== "forwarded"), []);
    const sent = sim.requests.filter((r) => r.message?.action === "sendEvent");
    assert.equal(sent.length, 1);
    assert.equal(
      JSON.stringify(sent[0]),
      '{"type":"request","message":{"action":"sendEvent","namespace":"system","value":{"name":"aw-chat-message-received-v1","data":{"interactionId":"int-7","message":"Hello from the Rust server: I read 2 message(s) of this chat.","schemaVersion":"1.0.0"}}}}',
    );

    // the screen pop: a card for the call offered and one for the chat, on the partner's page
    const partner = partnerFrame(page);
    await partner.waitForFunction(() => window.partnerPage.cards.length === 2);
    const cards = await partner.evaluate(() => window.partnerPage.cards);
    const popped = posted.flatMap((m) => m.message?.eventName === "aw-chat-init-v1" ? [["chat", m.message.value.interactionId]]
      : m.message?.eventName === "mashell-voice-phone-offered-cc-event-v1" ? [["call", m.message.value.eventId]] : []);
    assert.deepEqual(cards.map((c) => [c.media, c.interactionId]), popped);
    const call = popped.find(([media]) => media === "call")[1];
    assert.ok(cards.every((card) => card.record.startsWith(`CRM: ${card.who},`)), JSON.stringify(cards));
    // its button reaches the server, which answers on the page
    await partner.click(`li.card[data-interaction="${call}"] button`);
    await partner.waitForFunction(() => window.partnerPage.answers.length === 1);
    assert.equal(await partner.textContent(`li.card[data-interaction="${call}"] .answer`), `opened the record of ${call}`);
    await waitFor("the server's line for the button", () => server.lines.some((line) => line.includes(`⇠ page: open-record on ${call} (delivery `)));
    // the page shows what the host sent typed, decoded by the generated TypeScript module, each
    // line as forwarded
    const shownOnPage = await partner.$$eval("#events li", (items) => items.map((item) => item.textContent));
    const shows = (pattern) => assert.ok(shownOnPage.some((line) => pattern.test(line)), `${pattern}\n${shownOnPage.join("\n")}`);
    shows(/^→ server: aw-chat-init-v1: 2 message\(s\) in int-7$/);
    // deprecated until its sunset on 2026-12-08, past its sunset after
    shows(/^→ server: aw-interaction-focus-v1 \((deprecated|sunset)\)$/);
    shows(/^→ server: aw-chat-message-sent-v1 \(invalid\)$/);
    assert.deepEqual(shownOnPage.filter((line) => line.startsWith("queued")), [], "nothing queued");
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await server.kill();
  }
});

test("past the buffer bound the page keeps nothing more and says how many it dropped", async () => {
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
    assert.ok(shown.some((line) => line.includes("the buffer is full: aw-chat-init-v1 dropped, 3 dropped so far")));

    server = await startBridge(port);
    await until(page, "5 replies", (s) => s.requests.filter((r) => r.message?.action === "sendEvent").length === 5, undefined, 30_000);
    const requests = await page.evaluate(() => window.hostSimulator.requests);
    assert.deepEqual(replyIds(requests), ["q-0", "q-1", "q-2", "q-3", "q-4"]);
    await page.close();
  } finally {
    await server.kill();
  }
});
