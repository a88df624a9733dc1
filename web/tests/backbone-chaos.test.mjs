// The backbone under faults: three partner-bridge processes (--nats, --dev-tokens) behind a real
// HAProxy, one nats-server, 1,000 agents' pages (partner-bridge-agents, the page's side of the
// protocol) and one real page in headless Chromium. An outside publisher, a plain NATS client
// (the nats package from npm, not the bridge's crate), sends 10,000 messages to random agents
// while one process is SIGKILLed, another restarts by SIGTERM, nats-server is SIGKILLed and
// restarted, and the example event consumer is SIGKILLed mid-stream and restarted, all while
// the pages' events flow.
//
// Every message reaches its agent's page exactly once, in publish order; the pages' 10,000 events
// are in the stream PARTNER_EVENTS exactly once each; the consumer applied every delivery id once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { connect, JSONCodec } from "nats";
import { launch, until } from "./support/browser.mjs";
import { startBridge, waitFor } from "./support/bridge.mjs";
import { startNats } from "./support/nats.mjs";

const config = fileURLToPath(new URL("../../deploy/haproxy.cfg", import.meta.url));
const target = new URL("../../target/debug/", import.meta.url).pathname;
const AGENTS = 1000;
const EVENTS_PER_AGENT = 10;
const MESSAGES = 10_000;
const BROWSER_AGENT = "agent-browser";

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A child process whose output lines are collected; `line(re)` waits for one that matches. */
function run(binary, args, env = {}) {
  const child = spawn(binary, args, { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...env } });
  const lines = [];
  const errors = [];
  const waiters = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    for (const waiter of waiters.splice(0)) if (!waiter(line)) waiters.push(waiter);
  });
  createInterface({ input: child.stderr }).on("line", (line) => errors.push(line));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return {
    child,
    lines,
    errors,
    exited,
    line(pattern, what, timeout = 120_000) {
      const found = lines.find((line) => pattern.test(line));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}\n${errors.slice(-10).join("\n")}`)), timeout);
        waiters.push((line) => {
          if (!pattern.test(line)) return false;
          clearTimeout(timer);
          resolve(line);
          return true;
        });
        exited.then(({ code }) => reject(new Error(`${binary} exited (${code}) before ${what}\n${errors.slice(-10).join("\n")}`)));
      });
    },
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

function startProxy(env) {
  const child = spawn("haproxy", ["-db", "-f", config], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "ignore"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return { stop: async () => { child.kill("SIGTERM"); await exited; } };
}

async function get(url) {
  try {
    const response = await fetch(url);
    return { status: response.status, text: await response.text() };
  } catch {
    return { status: 0, text: "" };
  }
}

/** A small deterministic generator, so that a failing run can be replayed. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("the backbone through faults: 10,000 addressed messages each applied once in order, 10,000 events stored once", { timeout: 600_000 }, async () => {
  const [publicPort, statsPort, natsPort, ...ports] = await Promise.all(Array.from({ length: 6 }, freePort));
  const origin = `http://localhost:${publicPort}`;
  const nats = await startNats(natsPort);
  const args = ["--allow-origin", origin, "--allow-origin", `http://127.0.0.1:${publicPort}`,
    "--max-handshakes-per-second", "0", "--quiet", "--nats", nats.url, "--dev-tokens"];
  const bridges = await Promise.all(ports.map((port) => startBridge(port, args)));
  const proxy = startProxy({
    PUBLIC_ADDR: `127.0.0.1:${publicPort}`,
    STATS_ADDR: `127.0.0.1:${statsPort}`,
    BRIDGE_1: `127.0.0.1:${ports[0]}`,
    BRIDGE_2: `127.0.0.1:${ports[1]}`,
    BRIDGE_3: `127.0.0.1:${ports[2]}`,
  });
  const work = mkdtempSync(join(tmpdir(), "partner-events-chaos-"));
  const appliedFile = join(work, "applied.txt");
  const consumerArgs = ["--nats", nats.url, "--durable", "chaos-audit", "--applied", appliedFile];
  const consumers = [run(join(target, "examples/consumer"), consumerArgs)];
  const appliedIds = () => readFileSync(appliedFile, "utf8").split("\n").filter(Boolean);
  let agents;
  let publisher;
  try {
    await waitFor("the proxy to find the processes ready", async () => (await get(`${origin}/readyz`)).status === 200);
    await waitFor("every process able to store events", async () => {
      const ready = await Promise.all(ports.map(async (port) => (await get(`http://127.0.0.1:${port}/readyz/ingest`)).status));
      return ready.every((status) => status === 200);
    });
    await consumers[0].line(/^consuming as/, "the consumer to start");

    agents = run(join(target, "partner-bridge-agents"), ["--url", `ws://127.0.0.1:${publicPort}/events`,
      "--agents", String(AGENTS), "--events", String(EVENTS_PER_AGENT), "--gap-ms", "1500"]);
    await agents.line(/^ready$/, `${AGENTS} agents' pages welcomed`);

    const page = await browser.newPage();
    const partner = encodeURIComponent(`../partner/?trace&quiet#token=dev:${BROWSER_AGENT}`);
    await page.goto(`${origin}/host/?delay=0&autoplay=0&log=0&partner=${partner}`);
    await until(page, "the real page connected", (s) => s.notes.some((n) => n.text.startsWith("connected to the server")));

    // the outside publisher: a plain NATS client; a publish that fails (NATS away) is sent again
    // with the same message id, which the stream deduplicates
    publisher = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const jetstream = publisher.jetstream();
    const codec = JSONCodec();
    const published = {};
    const next = random(20261204);
    // the faults, while the pages' events still flow (each page sends one every 1.5 s for 15 s)
    let appliedAtKill = 0;
    const faults = {
      1500: async () => { await bridges[0].kill(); bridges[0] = await startBridge(ports[0], args); },
      2500: async () => {
        await consumers.at(-1).kill();
        appliedAtKill = appliedIds().length;
        consumers.push(run(join(target, "examples/consumer"), consumerArgs));
      },
      3500: async () => { await nats.kill(); await new Promise((resolve) => setTimeout(resolve, 500)); await nats.restart(); },
      4500: async () => { await bridges[1].terminate(); bridges[1] = await startBridge(ports[1], args); },
    };
    const pending = [];
    let retries = 0;
    const started = Date.now();
    for (let i = 0; i < MESSAGES; i++) {
      if (faults[i]) pending.push(faults[i]());
      const agent = i % 97 === 0 ? BROWSER_AGENT : `agent-${String(Math.floor(next() * AGENTS)).padStart(4, "0")}`;
      const payload = codec.encode({ kind: "answer", interactionId: `chaos-${i}`, text: `message ${i}` });
      for (;;) {
        try {
          const ack = await jetstream.publish(`partner-events.page.${agent}`, payload, { msgID: `chaos-${i}`, timeout: 2000 });
          (published[agent] ??= []).push(ack.seq);
          break;
        } catch {
          retries += 1;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      // about 700 a second, so that the faults fall mid-stream
      if (i % 7 === 6) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await Promise.all(pending);
    console.log(`published ${MESSAGES} in ${Date.now() - started} ms (${retries} publish(es) retried)`);

    // every page event acknowledged, then what each agent was sent, for the pages to check
    await agents.line(/^acked$/, "every page event acknowledged");
    const expectedFile = join(work, "published.json");
    const { [BROWSER_AGENT]: browserExpected = [], ...perAgent } = published;
    writeFileSync(expectedFile, JSON.stringify(perAgent));
    agents.child.stdin.write(`${expectedFile}\n`);
    const { code } = await agents.exited;
    const report = JSON.parse(agents.lines.at(-1));
    console.log(`agents: ${JSON.stringify(report)}`);
    assert.equal(report.violations, 0, agents.errors.filter((line) => line.startsWith("violation")).join("\n"));
    assert.equal(code, 0);
    assert.equal(report.applied + browserExpected.length, MESSAGES, "every message applied by its agent's page");

    // the real page: its messages, once each, in order
    const partnerFrame = page.frames().find((frame) => frame.url().includes("/partner/"));
    await partnerFrame.waitForFunction((count) => window.partnerPage.answers.length >= count, browserExpected.length, { timeout: 60_000, polling: 50 });
    const answers = await partnerFrame.evaluate(() => window.partnerPage.answers.map((answer) => answer.interactionId));
    const expectedAnswers = Array.from({ length: MESSAGES }, (_, i) => i).filter((i) => i % 97 === 0).map((i) => `chaos-${i}`);
    assert.deepEqual(answers, expectedAnswers, "the browser's page: each of its messages once, in order");

    // the events: exactly once each in the stream, and applied once each by the consumer
    const manager = await publisher.jetstreamManager();
    const events = await manager.streams.info("PARTNER_EVENTS");
    assert.equal(events.state.messages, AGENTS * EVENTS_PER_AGENT, "each page event stored once");
    const expectedIds = new Set();
    for (let n = 0; n < AGENTS; n++) {
      for (let seq = 1; seq <= EVENTS_PER_AGENT; seq++) expectedIds.add(`chaos-page-of-agent-${String(n).padStart(4, "0")}/${seq}`);
    }
    await waitFor("the restarted consumer to apply every event", async () => new Set(appliedIds()).size >= expectedIds.size, 120_000);
    const applied = appliedIds();
    assert.equal(applied.length, new Set(applied).size, "no delivery id applied twice");
    assert.deepEqual(new Set(applied), expectedIds);
    const seen = consumers.flatMap((consumer) => consumer.lines.filter((line) => line.startsWith("seen ")));
    assert.ok(seen.length >= expectedIds.size, `every delivery seen at least once (${seen.length})`);
    assert.ok(appliedAtKill > 0 && appliedAtKill < expectedIds.size, `the first consumer was killed mid-stream (${appliedAtKill} applied)`);
    console.log(`consumer: ${applied.length} applied, ${seen.length} seen across ${consumers.length} runs`);
    await page.close();
  } finally {
    await publisher?.close();
    await agents?.kill();
    await Promise.all(consumers.map((consumer) => consumer.kill()));
    await Promise.all(bridges.map((bridge) => bridge.kill()));
    await proxy.stop();
    await nats.stop();
  }
});
