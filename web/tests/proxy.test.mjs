// Several partner-bridge processes behind a real HAProxy (deploy/haproxy.cfg), with the real page
// in headless Chromium through the proxy: 3,000 chats while one process is killed (SIGKILL) and
// then all three are restarted one by one (SIGTERM). Every chat is answered exactly once at the
// host; the processes' counts and the proxy's add up; the session token appears in no log line.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { launch, until } from "./support/browser.mjs";
import { startBridge, waitFor } from "./support/bridge.mjs";

const config = fileURLToPath(new URL("../../deploy/haproxy.cfg", import.meta.url));
const TOKEN = "tok-6f1d2c9a-never-logged";

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startProxy(env) {
  const child = spawn("haproxy", ["-db", "-f", config], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const lines = [];
  createInterface({ input: child.stdout }).on("line", (line) => lines.push(line));
  createInterface({ input: child.stderr }).on("line", (line) => lines.push(line));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return { lines, stop: async () => { child.kill("SIGTERM"); await exited; } };
}

async function get(url) {
  try {
    const response = await fetch(url);
    return { status: response.status, text: await response.text() };
  } catch {
    return { status: 0, text: "" };
  }
}

/** A counter's value in Prometheus text (the sum of every line that starts with `prefix`). */
function sum(text, prefix) {
  return text.split("\n").filter((line) => line.startsWith(prefix)).reduce((total, line) => total + Number(line.split(" ").pop()), 0);
}

const CHATS = 'partner_events_messages_total{event="aw-chat-init-v1"';

/** Each process's sessions open now and chats received, from its metrics (a process that is down
 * answers nothing: 0 and 0). */
async function perProcess(ports) {
  return Promise.all(ports.map(async (port) => {
    const { text } = await get(`http://127.0.0.1:${port}/metrics`);
    return { open: sum(text, "partner_events_sessions_open "), chats: sum(text, CHATS) };
  }));
}

/** Waits until exactly one process holds a session (the page's), and `also(process)` holds of
 * it; returns its index and what each process reported. */
async function holderOf(ports, what, also = () => true) {
  let found;
  await waitFor(what, async () => {
    const processes = await perProcess(ports);
    const holders = processes.flatMap((process, n) => (process.open > 0 ? [n] : []));
    if (holders.length !== 1 || !also(processes[holders[0]], holders[0])) return false;
    found = { index: holders[0], processes };
    return true;
  });
  return found;
}

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("three processes behind HAProxy: 3,000 chats through a kill and a rolling restart, each answered exactly once", async () => {
  const [publicPort, statsPort, ...ports] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const origin = `http://localhost:${publicPort}`;
  const args = ["--allow-origin", origin, "--allow-origin", `http://127.0.0.1:${publicPort}`,
    "--max-handshakes-per-second", "0"];
  const env = { RUST_LOG: "debug" };
  const every = []; // every process started, in order
  const start = async (n) => {
    const bridge = await startBridge(ports[n], args, env);
    every.push(bridge);
    return bridge;
  };
  const bridges = [await start(0), await start(1), await start(2)];
  const proxy = startProxy({
    PUBLIC_ADDR: `127.0.0.1:${publicPort}`,
    STATS_ADDR: `127.0.0.1:${statsPort}`,
    BRIDGE_1: `127.0.0.1:${ports[0]}`,
    BRIDGE_2: `127.0.0.1:${ports[1]}`,
    BRIDGE_3: `127.0.0.1:${ports[2]}`,
  });
  const drained = [];
  let killedHandled = 0;
  try {
    await waitFor("the proxy to find the processes ready", async () => (await get(`${origin}/readyz`)).status === 200);
    const page = await browser.newPage();
    const partner = encodeURIComponent(`../partner/?trace&quiet#token=${TOKEN}`);
    await page.goto(`${origin}/host/?delay=0&autoplay=0&log=0&partner=${partner}`);
    await until(page, "the page connected through the proxy", (s) => s.notes.some((n) => n.text.startsWith("connected to the server")));

    const posting = page.evaluate(async ({ count, chat }) => {
      const start = performance.now();
      for (let i = 0; i < count;) {
        const due = Math.min(count, Math.floor((performance.now() - start) / 2) + 1);
        for (; i < due; i++) {
          const message = structuredClone(chat);
          message.message.value.interactionId = `proxy-${i}`;
          window.hostSimulator.post(message);
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }, { count: 3000, chat: { type: "event", schemaVersion: "1.0.0", message: { eventName: "aw-chat-init-v1", value: { interactionId: "", messages: [], schemaVersion: "1.0.0" } } } });

    // kill the process that holds the page's session, mid-stream: found by its metrics (the one
    // process with a session open), once it has taken 300 of the chats
    const { index: victim, processes } = await holderOf(ports, "one process holding the page's session, with 300 chats taken",
      (process) => process.chats >= 300);
    assert.deepEqual(processes.map((process) => process.open), ports.map((_, n) => (n === victim ? 1 : 0)), "the victim holds the session, the others none");
    const killed = bridges[victim];
    await killed.kill();
    // what it handled before it died: its line per message (its metrics died with it)
    killedHandled = killed.handled().filter((line) => line.includes("✓ aw-chat-init-v1")).length;
    assert.ok(killedHandled > 0, `the killed process handled ${killedHandled} chats`);
    // the page notices, and another process takes its session
    await until(page, "the page to see its connection die", (s) => s.notes.some((n) => n.text.startsWith("the server connection closed")));
    await holderOf(ports, "another process holding the page's session", (_, n) => n !== victim);
    bridges[victim] = await start(victim);

    // then restart all three, one by one, as a deploy does, with chats answered between restarts
    const answered = () => page.evaluate(() => window.hostSimulator.requests.filter((r) => r.message?.action === "sendEvent").length);
    for (let n = 0; n < 3; n++) {
      const goal = Math.min(3000, (await answered()) + 200);
      await until(page, `${goal} chats answered before process ${n + 1} restarts`, (s, goal) => s.requests.filter((r) => r.message?.action === "sendEvent").length >= goal, goal, 60_000);
      drained.push(await bridges[n].terminate());
      bridges[n] = await start(n);
      await waitFor(`process ${n + 1} ready again`, async () => (await get(`http://127.0.0.1:${ports[n]}/readyz`)).status === 200);
    }
    await posting;

    await until(page, "3,000 chats answered", (s) => s.requests.filter((r) => r.message?.action === "sendEvent").length >= 3000, undefined, 120_000);
    // every chat acknowledged: none is handled again, so no reply can come after this
    const partnerFrame = page.frames().find((frame) => frame.url().includes("/partner/"));
    await partnerFrame.waitForFunction(() => window.partnerBridge.queued === 0, undefined, { timeout: 20_000, polling: 50 });
    const counts = await page.evaluate(() => {
      const counts = {};
      for (const r of window.hostSimulator.requests) {
        if (r.message?.action === "sendEvent") counts[r.message.value.data.interactionId] = (counts[r.message.value.data.interactionId] ?? 0) + 1;
      }
      return counts;
    });
    const wrong = Array.from({ length: 3000 }, (_, i) => [i, counts[`proxy-${i}`] ?? 0]).filter(([, n]) => n !== 1);
    assert.deepEqual(wrong, [], "every chat answered exactly once");
    assert.equal(Object.keys(counts).length, 3000);
    console.log(`drains through the proxy (ms): ${drained.map((d) => d.ms).join(", ")}`);

    // the processes' counts add up: messages handled across processes >= messages posted
    let live = 0;
    for (const port of ports) live += sum((await get(`http://127.0.0.1:${port}/metrics`)).text, CHATS);
    const handled = live + drained.reduce((total, d) => total + d.handled, 0) + killedHandled;
    console.log(`handled across processes: ${handled} (live ${live}, drained ${drained.map((d) => d.handled).join("+")}, killed ${killedHandled}) for 3000 posted`);
    assert.ok(handled >= 3000, `${handled} handled`);
    // and the proxy's: it sent the page's sessions to more than one process
    const stats = (await get(`http://127.0.0.1:${statsPort}/metrics`)).text;
    const perServer = [1, 2, 3].map((n) => sum(stats, `haproxy_server_sessions_total{proxy="bridges",server="bridge${n}"`));
    console.log(`sessions the proxy sent to each process: ${perServer.join(", ")}`);
    assert.ok(perServer.filter((n) => n > 0).length >= 2, perServer.join(", "));
    assert.ok(perServer.reduce((a, b) => a + b) >= 5, "the first connection, and one after each stop");

    // a plain-wire client's ?token= through the proxy
    const socket = new WebSocket(`ws://127.0.0.1:${publicPort}/events?token=${TOKEN}`, { origin });
    const reply = await new Promise((resolve, reject) => {
      socket.on("open", () => socket.send(JSON.stringify({ type: "event", schemaVersion: "1.0.0", message: { eventName: "aw-chat-init-v1", value: { interactionId: "plain-1", messages: [], schemaVersion: "1.0.0" } } })));
      socket.on("message", (data) => resolve(JSON.parse(data)));
      socket.on("error", reject);
    });
    socket.close();
    assert.equal(reply.sendEvent.data.interactionId, "plain-1");
    await page.close();
  } finally {
    await Promise.all(bridges.map((bridge) => bridge.kill()));
    await proxy.stop();
  }
  // the token reached the server (the sessions say so), and no log line of any process or of the
  // proxy holds it
  assert.ok(proxy.lines.some((line) => line.includes(" GET /events")), proxy.lines.slice(0, 5).join("\n"));
  assert.ok(every.some((bridge) => bridge.logs.some((line) => line.includes("has_token=true"))));
  const leaked = [...proxy.lines, ...every.flatMap((bridge) => [...bridge.lines, ...bridge.logs])].filter((line) => line.includes(TOKEN));
  assert.deepEqual(leaked, []);
});
