// The generated TypeScript module's decode in Node, beside zod 4 safeParse of the same payload:
// with the generated schema (what decode adds to it) and with a hand-written schema that uses
// `.optional()` (web/bench/chat-init-zod.ts, what a partner would write without the module).
//
//   node web/bench/node-decode.mjs [--module PATH] [--json]
//
// (after `npm ci --prefix web`). `--module` times another generated module (default
// web/typescript/partner-events.ts). The message is aw-chat-init-v1 of about 39 KB, built below
// without randomness: a third of its chat messages carry every optional key, a third the usual
// few, a third none. It is timed as the host sends it, without its payload's schemaVersion, and
// with optional keys given `undefined`, each passed through structuredClone as postMessage passes
// it. Each figure is the median of 15 rounds of at least 50 ms; the three are timed in turn within
// a round, and each ratio is the median of the rounds' ratios. Compare ratios, not times.
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const web = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const at = args.indexOf("--module");
const modulePath = resolve(at === -1 ? join(web, "typescript", "partner-events.ts") : args[at + 1]);
const asJson = args.includes("--json");

// the generated module and the hand-written schema, bundled with zod for Node as the tests do
const outdir = mkdtempSync(join(tmpdir(), "partner-events-bench-"));
await build({
  stdin: {
    contents: `export { decode, RECEIVED_SCHEMAS } from ${JSON.stringify(modulePath)};\nexport { HandWrittenChatInit } from ${JSON.stringify(join(web, "bench", "chat-init-zod.ts"))};\n`,
    resolveDir: web,
    loader: "ts",
  },
  outfile: join(outdir, "bench.mjs"),
  bundle: true,
  format: "esm",
  platform: "node",
  target: "es2022",
  logLevel: "error",
  nodePaths: [join(web, "node_modules")],
});
const { decode, RECEIVED_SCHEMAS, HandWrittenChatInit } = await import(pathToFileURL(join(outdir, "bench.mjs")).href);
rmSync(outdir, { recursive: true, force: true });

/** Chat message `i`: every optional key (i % 3 == 0), the usual few (1), or none (2). */
function chatMessage(i) {
  const required = { id: `msg-${i}`, rawMessage: `Hello, I have a question about order ${i}`, timestamp: 1751445666638 + i, type: "text" };
  if (i % 3 === 2) return required;
  const usual = {
    ...required,
    author: { email: `customer${i}@example.com`, id: `cust-${i}`, name: `Customer ${i}` },
    displayName: `Customer ${i}`,
    isBot: false,
    meta: { app: "webchat", conversation_id: "conv-1", type: "text" },
    msgStatus: "delivered",
  };
  if (i % 3 === 1) return usual;
  return {
    ...usual,
    attachments: [
      {
        filename: `photo-${i}.png`,
        id: `att-${i}`,
        meta: { originalHeight: 1080, originalWidth: 1920, thumbnailContentType: "image/png", thumbnailHeight: 108, thumbnailWidth: 192 },
        size: 204800,
        thumbnailUrl: `https://cdn.example.com/t/${i}.png`,
        type: "image",
      },
      { filename: `notes-${i}.pdf`, id: `att-${i}b`, meta: null, size: 1024, type: "document" },
    ],
    botName: "Helper",
    isDeleted: false,
    lastUpdatedTimestamp: 1751445666638 + i,
    meta: { app: "webchat", conversation_id: "conv-1", conversation_message_id: `cm-${i}`, has_cards: "false", type: "text" },
    originalMessage: `Hello, I have a question about order ${i}`,
    rawMessage: { text: `Hello, I have a question about order ${i}`, lang: "en" },
    resent: false,
    translatedMessage: `Bonjour, j'ai une question sur la commande ${i}`,
    variables: { orderId: `${i}`, channel: "web" },
  };
}

const MESSAGES = 81;
const chat = { interactionId: "int-7", messages: Array.from({ length: MESSAGES }, (_, i) => chatMessage(i)), schemaVersion: "1.0.0" };
const { schemaVersion: _, ...unversioned } = chat;
const envelope = (value) => ({ type: "event", schemaVersion: "1.0.0", message: { eventName: "aw-chat-init-v1", value } });
// each through structuredClone, as postMessage hands a message to onMessage
const cases = {
  // as the host sends it
  "chat-init": structuredClone(envelope(chat)),
  // the payload without its own schemaVersion (the documentation's samples have none): decode
  // reads it as the envelope's version
  "no payload schemaVersion": structuredClone(envelope(unversioned)),
  // a host written in JavaScript may give an absent key as `undefined`, which postMessage keeps
  "undefined keys": structuredClone(envelope({ ...chat, messages: chat.messages.map((m, i) => (i % 3 === 1 ? { ...m, botName: undefined, translatedMessage: undefined } : m)) })),
};
const generated = RECEIVED_SCHEMAS["aw-chat-init-v1"]["1.0.0"];
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
let sink = 0;

/** Times decode and both safeParses on `message`: calls per round for 50 ms of the slowest after
 * warming each up, then 15 rounds of the three in turn. */
function measure(label, message) {
  const payload = message.message.value;
  // safeParse is given what decode reads: the payload as the envelope's version
  const read = "schemaVersion" in payload ? payload : { ...payload, schemaVersion: "1.0.0" };
  const decoded = decode(message);
  if (decoded.outcome !== "ok") throw new Error(`${label}: decode: ${decoded.outcome} ${decoded.error}`);
  const hand = HandWrittenChatInit.safeParse(read);
  if (!hand.success) throw new Error(`${label}: the hand-written schema refused it: ${hand.error}`);
  if (JSON.stringify(hand.data) !== JSON.stringify(decoded.value)) throw new Error(`${label}: decode read another value`);
  const operations = {
    decode: () => { sink += decode(message).outcome.length; },
    generatedSafeParse: () => { sink += generated.safeParse(read).success ? 1 : 0; },
    handWrittenSafeParse: () => { sink += HandWrittenChatInit.safeParse(read).success ? 1 : 0; },
  };
  let calls = 1;
  for (;;) {
    let slowest = 0;
    for (const operation of Object.values(operations)) {
      const start = performance.now();
      for (let i = 0; i < calls; i++) operation();
      slowest = Math.max(slowest, performance.now() - start);
    }
    if (slowest >= 50) break;
    calls *= 2;
  }
  const rounds = Object.fromEntries(Object.keys(operations).map((name) => [name, []]));
  for (let round = 0; round < 15; round++) {
    for (const [name, operation] of Object.entries(operations)) {
      const start = performance.now();
      for (let i = 0; i < calls; i++) operation();
      rounds[name].push(((performance.now() - start) / calls) * 1000);
    }
  }
  const ratio = (a, b) => median(rounds[a].map((t, i) => t / rounds[b][i]));
  return {
    message: label,
    bytes: Buffer.byteLength(JSON.stringify(message)),
    callsPerRound: calls,
    generatedSchemaAccepts: generated.safeParse(read).success,
    decodeUs: median(rounds.decode),
    generatedSafeParseUs: median(rounds.generatedSafeParse),
    handWrittenSafeParseUs: median(rounds.handWrittenSafeParse),
    decodeOverHandWritten: ratio("decode", "handWrittenSafeParse"),
    decodeOverGeneratedSafeParse: ratio("decode", "generatedSafeParse"),
    generatedOverHandWritten: ratio("generatedSafeParse", "handWrittenSafeParse"),
  };
}

const results = Object.entries(cases).map(([label, message]) => measure(label, message));
if (asJson) {
  console.log(JSON.stringify({ node: process.version, module: modulePath, results, sink }));
} else {
  const us = (v) => `${v.toFixed(1)} µs`;
  console.log(`Node ${process.version}, ${modulePath}; median of 15 rounds\n`);
  console.log("| message | bytes | hand-written `.optional()` safeParse | generated schema safeParse | generated `decode` | decode ÷ hand-written | decode ÷ generated safeParse |");
  console.log("|---|---|---|---|---|---|---|");
  for (const r of results) {
    const refused = r.generatedSchemaAccepts ? "" : " (refuses)";
    console.log(`| ${r.message} | ${r.bytes.toLocaleString("en")} | ${us(r.handWrittenSafeParseUs)} | ${us(r.generatedSafeParseUs)}${refused} | ${us(r.decodeUs)} | ${r.decodeOverHandWritten.toFixed(2)}× | ${r.decodeOverGeneratedSafeParse.toFixed(2)}× |`);
  }
}
