// The bridge loses nothing, through the real page in headless Chromium: thousands of chats with
// the server killed (SIGKILL) or restarted (SIGTERM) at random moments, a dropped connection that
// resumes its session, and the page's own messages across a kill. Every run prints its seed;
// CHAOS_SEED=N repeats one.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, until } from "./support/browser.mjs";
import { startBridge, waitFor } from "./support/bridge.mjs";

const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`bridge delivery tests: CHAOS_SEED=${seed}`);

// mulberry32: a small seeded generator, so a run can be repeated
function generator(state) {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const chatInit = (id) => ({
  type: "event",
  schemaVersion: "1.0.0",
  message: { eventName: "aw-chat-init-v1", value: { interactionId: id, messages: [], schemaVersion: "1.0.0" } },
});

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function open(server) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  // log=0 and quiet: thousands of messages, recorded but not rendered
  const partner = encodeURIComponent("../partner/?trace&quiet");
  await page.goto(`${server.url}/host/?delay=0&autoplay=0&log=0&partner=${partner}`);
  await until(page, "the page connected to the server", (s) => s.notes.some((n) => n.text.startsWith("connected to the server")));
  return { page, errors, partner: page.frames().find((frame) => frame.url().includes("/partner/")) };
}

/** Posts `count` chat-inits from the host, `gapMs` apart on average (browsers clamp timers to
 * 4 ms, so each tick posts what is due), without waiting for the page. */
function postChats(page, prefix, count, gapMs) {
  return page.evaluate(async ({ prefix, count, gapMs, chat }) => {
    const start = performance.now();
    for (let i = 0; i < count;) {
      const due = Math.min(count, Math.floor((performance.now() - start) / gapMs) + 1);
      for (; i < due; i++) {
        const message = structuredClone(chat);
        message.message.value.interactionId = `${prefix}-${i}`;
        window.hostSimulator.post(message);
      }
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  }, { prefix, count, gapMs, chat: chatInit("") });
}

/** Every chat answered exactly once at the host: the ids of the sendEvent requests, counted. */
async function answered(page) {
  return page.evaluate(() => {
    const counts = {};
    for (const r of window.hostSimulator.requests) {
      if (r.message?.action !== "sendEvent") continue;
      const id = r.message.value.data.interactionId;
      counts[id] = (counts[id] ?? 0) + 1;
    }
    return counts;
  });
}

// Nothing the page sent is unacknowledged: the server will handle nothing again, and the page
// applies each of the server's frames once, so no repeat can arrive after this.
async function allAcknowledged(page) {
  const partner = page.frames().find((frame) => frame.url().includes("/partner/"));
  await partner.waitForFunction(() => window.partnerBridge.queued === 0, undefined, { timeout: 30_000, polling: 50 });
}

async function exactlyOnce(page, prefix, count) {
  await until(page, `${count} chats answered`, (s, n) =>
    s.requests.filter((r) => r.message?.action === "sendEvent").length >= n, count, 120_000);
  await allAcknowledged(page);
  const counts = await answered(page);
  const missing = [];
  const repeated = [];
  for (let i = 0; i < count; i++) {
    const n = counts[`${prefix}-${i}`] ?? 0;
    if (n === 0) missing.push(i);
    if (n > 1) repeated.push(i);
  }
  assert.deepEqual({ missing, repeated }, { missing: [], repeated: [] }, `seed ${seed}`);
  assert.equal(Object.keys(counts).length, count);
}

async function chaos(stop, label) {
  const random = generator(seed ^ label.length);
  let server = await startBridge();
  const port = server.port;
  const stops = [];
  try {
    const { page, errors } = await open(server);
    const posting = postChats(page, label, 3000, 2);
    for (let k = 0; k < 10; k++) {
      await sleep(300 + random() * 600);
      stops.push(await stop(server));
      await sleep(200 + random() * 600);
      server = await startBridge(port);
    }
    await posting;
    await exactlyOnce(page, label, 3000);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await server.kill();
  }
  return stops;
}

test("3,000 chats, 2 ms apart, with the server killed 10 times: every chat answered exactly once", async () => {
  await chaos((server) => server.kill(), "kill");
});

test("3,000 chats with 10 restarts by SIGTERM: every chat answered exactly once, and the drains reported", async () => {
  const drains = await chaos((server) => server.terminate(), "sigterm");
  console.log(`drains (ms): ${drains.map((d) => d.ms).join(", ")}`);
  assert.equal(drains.length, 10);
  // a drain finds the page connected, or still reconnecting after the previous restart
  assert.ok(drains.every((d) => d.connections <= 1), JSON.stringify(drains));
  assert.ok(drains.some((d) => d.connections === 1), JSON.stringify(drains));
});

test("a dropped connection resumes its session: the same handler takes every message", async () => {
  const server = await startBridge();
  try {
    const { page, partner, errors } = await open(server);
    const posting = postChats(page, "resume", 300, 5);
    const resumed = (s, n) => s.notes.filter((note) => note.text.includes("(session resumed)")).length >= n;
    for (let k = 1; k <= 4; k++) {
      await sleep(150);
      await partner.evaluate(() => window.partnerBridge.reconnect());
      await until(page, `resume ${k}`, resumed, k);
    }
    await posting;
    // each chat pops a card that says how many messages this session's handler has handled
    await partner.waitForFunction(() => window.partnerPage.cards.length >= 300, null, { timeout: 60_000 });
    const cards = await partner.evaluate(() => window.partnerPage.cards);
    assert.deepEqual(cards.map((c) => c.handled), Array.from({ length: 300 }, (_, i) => i + 1));
    assert.deepEqual(cards.map((c) => c.interactionId), Array.from({ length: 300 }, (_, i) => `resume-${i}`));
    const notes = await page.evaluate(() => window.hostSimulator.notes.map((n) => n.text));
    assert.ok(notes.filter((n) => n.includes("(session resumed)")).length >= 4, notes.join("\n"));
    // one handler value: one session's lines
    assert.equal(new Set(server.handled().map((line) => line.split(":")[0])).size, 1);
    await exactlyOnce(page, "resume", 300);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await server.kill();
  }
});

test("a reload of the page keeps its session: its numbers go on, and nothing is answered twice", async () => {
  const server = await startBridge();
  try {
    const { page, partner, errors } = await open(server);
    const session = await partner.evaluate(() => window.partnerBridge.session);
    await postChats(page, "before", 50, 2);
    await until(page, "50 answers", (s) => s.requests.filter((r) => r.message?.action === "sendEvent").length >= 50, undefined, 30_000);
    await page.evaluate(() => document.getElementById("partner").contentWindow.location.reload());
    await until(page, "the reloaded page resumed its session", (s) =>
      s.notes.filter((n) => n.text.startsWith("connected to the server")).length >= 2);
    const reloaded = page.frames().find((frame) => frame.url().includes("/partner/"));
    assert.equal(await reloaded.evaluate(() => window.partnerBridge.session), session);
    const notes = await page.evaluate(() => window.hostSimulator.notes.map((n) => n.text));
    assert.ok(notes.at(-1).includes("(session resumed)") || notes.some((n) => n.includes("(session resumed)")), notes.join("\n"));
    await postChats(page, "after", 50, 2);
    await until(page, "100 answers", (s) => s.requests.filter((r) => r.message?.action === "sendEvent").length >= 100, undefined, 30_000);
    await allAcknowledged(page);
    const counts = await answered(page);
    for (const prefix of ["before", "after"]) {
      for (let i = 0; i < 50; i++) assert.equal(counts[`${prefix}-${i}`], 1, `${prefix}-${i}`);
    }
    assert.equal(Object.keys(counts).length, 100);
    // one handler value served both pages
    assert.equal(new Set(server.handled().map((line) => line.split(":")[0])).size, 1);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await server.kill();
  }
});

test("the page's own messages go both ways, in order, once, across a kill", async () => {
  let server = await startBridge();
  const port = server.port;
  try {
    const { page, partner } = await open(server);
    const send = (from, to) => partner.evaluate(({ from, to }) => {
      for (let i = from; i < to; i++) window.partnerBridge.send({ action: "open-record", interactionId: `p-${i}` });
    }, { from, to });
    await send(0, 50);
    await server.kill();
    await send(50, 100);
    await sleep(300);
    server = await startBridge(port);
    await partner.waitForFunction(() => window.partnerPage.answers.length >= 100, null, { timeout: 30_000 });
    await allAcknowledged(page);
    const answers = await partner.evaluate(() => window.partnerPage.answers);
    assert.deepEqual(answers.map((a) => a.interactionId), Array.from({ length: 100 }, (_, i) => `p-${i}`));
    assert.ok(answers.every((a) => a.text === `opened the record of ${a.interactionId}`));
    await page.close();
  } finally {
    await server.kill();
  }
});
