// The generated TypeScript module (`partner-events typescript`): it is up to date, it type-checks
// under `tsc --strict` with a consumer and a compile-fail file, it decodes every message of the
// project's corpora and 12,000 seeded mutations of them as the Rust decoder does, its schemas
// accept every sample and refuse what the JSON Schema export refuses, and `decode` never throws.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import {
  catalogVersions,
  cli,
  corpusLines,
  hasDuplicateKeys,
  importModule,
  mutate,
  rng,
  root,
  rustReports,
  sampleLines,
  scratch,
} from "./support/typescript.mjs";

const committed = join(root, "web", "typescript", "partner-events.ts");
const AS_OF = "2026-11-27";
const MUTATIONS = 12_000;

let pe;
let samples;
before(async () => {
  pe = await importModule(committed);
  samples = sampleLines();
});

test("the committed module is what `partner-events typescript` writes for catalog.yaml", () => {
  const generated = cli(["typescript"]).stdout;
  assert.ok(
    generated === readFileSync(committed, "utf8"),
    "web/typescript/partner-events.ts is stale: cargo run -- typescript --out web/typescript/partner-events.ts",
  );
});

test("tsc --strict: the module, a partner's catalog's module, a consumer, and the compile-fail file", () => {
  // a partner's own catalog, with every feature of the format (recursion, json, __proto__)
  const generated = join(root, "web", "typescript", "generated");
  mkdirSync(generated, { recursive: true });
  cli(["typescript", "--catalog", "tests/fixtures/typescript-catalog.yaml", "--out", join(generated, "fixture.ts")]);
  // and every TypeScript example of the README and the guide, as a file of its own
  const examples = docsTypeScript();
  assert.ok(examples.length >= 4, `${examples.length} TypeScript examples in the docs`);
  for (const { file, index, code } of examples) {
    const source = code
      .replaceAll('from "./partner-events"', 'from "../partner-events"')
      .replaceAll('from "partner-events-bridge"', 'from "../../../bridge/page/types.js"'); // the package's types
    // a module of its own, so that two examples' names do not meet
    writeFileSync(join(generated, `doc-${file.replace(/\W/g, "-")}-${index}.ts`), `${source}\nexport {};\n`);
  }
  const tsc = join(root, "web", "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", join(root, "web", "typescript")], { encoding: "utf8" });
  assert.equal(result.status, 0, `tsc reported:\n${result.stdout}${result.stderr}`);
});

/** The ```ts blocks of README.md and docs/*.md. */
function docsTypeScript() {
  const files = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  return files.flatMap((file) =>
    [...readFileSync(join(root, file), "utf8").matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match, index) => ({ file, index, code: match[1] })),
  );
}

/** Compares the TypeScript decode of each line (as text, and as the object JSON.parse gives) with
 * the Rust decoder's report. Returns the disagreements, each classified. */
function disagreements(lines, options, rustArgs) {
  const reports = rustReports(lines, rustArgs);
  const found = [];
  lines.forEach((line, index) => {
    const rust = reports[index];
    const expected = {
      outcome: rust.outcome,
      event: rust.event,
      schemaVersion: rust.schema_version,
      status: rust.lifecycle?.status ?? null,
    };
    const inputs = [["text", line]];
    try {
      inputs.push(["object", JSON.parse(line)]);
    } catch {
      // not JSON: the text alone
    }
    for (const [form, input] of inputs) {
      const got = pe.decode(input, options);
      const actual = { outcome: got.outcome, event: got.event, schemaVersion: got.schemaVersion, status: got.lifecycle?.status ?? null };
      if (JSON.stringify(actual) === JSON.stringify(expected)) continue;
      // The two documented differences: JSON.parse keeps the last of a duplicated key where
      // the Rust decoder refuses one it reads, and an object's strings are taken as they are
      // where JSON text escapes half a surrogate pair.
      const known = hasDuplicateKeys(line)
        ? "duplicate key"
        : form === "object" && /\\u[dD][89a-fA-F]/.test(line)
          ? "lone surrogate in an object"
          : null;
      found.push({ line: line.length > 300 ? `${line.slice(0, 300)}…` : line, form, rust: expected, typescript: actual, error: got.error ?? rust.error, known });
    }
  });
  return found;
}

function assertAgreement(found, what) {
  const unexplained = found.filter((d) => d.known === null);
  for (const d of found) console.log(`${d.known ?? "DISAGREEMENT"} (${what}, ${d.form}): ${JSON.stringify(d)}`);
  assert.equal(unexplained.length, 0, `${unexplained.length} disagreement(s) with the Rust decoder in ${what}`);
}

test("decode agrees with the Rust decoder on every message of the corpora and every sample", () => {
  const lines = [...corpusLines(), ...samples.map((s) => s.line)];
  assert.ok(lines.length > 800, `${lines.length} lines`);
  const found = disagreements(lines, { asOf: AS_OF }, ["--as-of", AS_OF]);
  assertAgreement(found, "the corpora");
  // the duplicate-key lines of the adversarial file are the only known differences there
  assert.ok(found.every((d) => d.known === "duplicate key" || d.known === "lone surrogate in an object"));
});

test("decode agrees on the corpora past a sunset, under each sunset policy", () => {
  const lines = corpusLines();
  for (const sunset of ["accept", "flag", "reject"]) {
    const found = disagreements(lines, { asOf: "2027-01-01", sunset }, ["--as-of", "2027-01-01", "--sunset", sunset]);
    assertAgreement(found, `the corpora on 2027-01-01 with --sunset ${sunset}`);
  }
});

test(`decode agrees with the Rust decoder on ${MUTATIONS} seeded byte mutations of the samples`, () => {
  const seed = Number(process.env.MUTATION_SEED ?? 20261127);
  console.log(`mutation seed ${seed} (MUTATION_SEED=${seed} repeats it)`);
  const random = rng(seed);
  const bases = [...samples.map((s) => s.line), ...corpusLines().filter((l) => l.length < 5000)];
  const lines = Array.from({ length: MUTATIONS }, () => mutate(random.pick(bases), random));
  const found = disagreements(lines, { asOf: AS_OF }, ["--as-of", AS_OF]);
  assertAgreement(found, "the mutations");
  const outcomes = new Set(rustReports(lines.slice(0, 3000), ["--as-of", AS_OF]).map((r) => r.outcome));
  // the mutations reach every outcome, not only "not JSON"
  for (const outcome of ["ok", "invalid", "unknown_event", "unknown_version", "not_event"]) {
    assert.ok(outcomes.has(outcome), `no mutation gave ${outcome}`);
  }
});

/** A seeded structural change somewhere in a payload: a key removed, a value nulled or retyped. */
function reshape(value, random) {
  const copy = structuredClone(value);
  const paths = [];
  const walk = (node, path) => {
    if (node === null || typeof node !== "object") return;
    for (const key of Object.keys(node)) {
      paths.push([...path, key]);
      walk(node[key], [...path, key]);
    }
  };
  walk(copy, []);
  if (paths.length === 0) return { changed: [5], how: "payload replaced" };
  const path = random.pick(paths);
  const parent = path.slice(0, -1).reduce((node, key) => node[key], copy);
  const key = path[path.length - 1];
  const how = random.pick(["delete", "null", "number", "string", "boolean", "array", "object", "unknown key"]);
  switch (how) {
    case "delete":
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    case "null": parent[key] = null; break;
    case "number": parent[key] = 7; break;
    case "string": parent[key] = "x"; break;
    case "boolean": parent[key] = true; break;
    case "array": parent[key] = []; break;
    case "object": parent[key] = {}; break;
    default:
      if (parent[key] !== null && typeof parent[key] === "object" && !Array.isArray(parent[key])) parent[key].unknownKey = 1;
  }
  return { changed: copy, how: `${how} at ${path.join(".")}` };
}

test("the schemas accept every sample and refuse exactly what the JSON Schema export refuses", () => {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  const validators = new Map();
  for (const { event, version, schema } of catalogVersions()) validators.set(`${event} ${version}`, ajv.compile(schema));
  const zodOf = (event, version) => (pe.RECEIVED_SCHEMAS[event] ?? pe.SEND_SCHEMAS[event])[version];
  const random = rng(7);
  let compared = 0;
  const mismatches = [];
  for (const { event, version, line } of samples) {
    const message = JSON.parse(line);
    const payload = message.type === "event" ? message.message.value : message.message.value.data;
    const jsonSchema = validators.get(`${event} ${version}`);
    assert.ok(jsonSchema(payload), `the JSON Schema refuses a sample of ${event} ${version}`);
    const parsed = zodOf(event, version).safeParse(payload);
    assert.ok(parsed.success, `the zod schema refuses a sample of ${event} ${version}: ${line}\n${parsed.error}`);
    for (let i = 0; i < 15; i++) {
      const { changed, how } = reshape(payload, random);
      const json = jsonSchema(changed);
      const zod = zodOf(event, version).safeParse(changed).success;
      compared += 1;
      if (json !== zod) mismatches.push(`${event} ${version}, ${how}: JSON Schema ${json ? "accepts" : "refuses"}, zod ${zod ? "accepts" : "refuses"}`);
    }
  }
  assert.ok(compared > 10_000, `${compared} reshaped payloads`);
  assert.deepEqual(mismatches, []);
});

test("decode never throws: cycles, functions, proxies, huge strings, deep nesting", () => {
  const cyclic = { type: "event", message: { eventName: "aw-chat-init-v1", value: { interactionId: "i", schemaVersion: "1.0.0" } } };
  cyclic.message.value.messages = [cyclic];
  const selfCycle = { type: "event" };
  selfCycle.message = selfCycle;
  const hostileGetter = { type: "event", get message() { throw new Error("no"); } };
  const throwingProxy = new Proxy({}, { get() { throw new Error("trap"); }, has() { throw new Error("trap"); } });
  const deep = { type: "event", message: { eventName: "aw-chat-init-v1", value: { interactionId: "i", schemaVersion: "1.0.0", messages: [] } } };
  let node = deep.message.value.messages;
  for (let i = 0; i < 100_000; i++) {
    const next = [];
    node.push(next);
    node = next;
  }
  const hold = (value) => ({ type: "event", message: { eventName: "aw-interaction-hold-v1", value } });
  const inputs = {
    cyclic, selfCycle, hostileGetter, throwingProxy, deep,
    function: () => 1,
    functionInPayload: hold({ interactionId: () => "i", schemaVersion: "1.0.0" }),
    functionInUnknownKey: hold({ interactionId: "i", schemaVersion: "1.0.0", f: () => 1 }),
    bigint: hold({ interactionId: 1n, schemaVersion: "1.0.0" }),
    symbol: Symbol("message"),
    symbolType: { type: Symbol("event"), message: {} },
    undefined: undefined,
    nullPrototype: Object.assign(Object.create(null), hold({ interactionId: "i", schemaVersion: "1.0.0" })),
    date: new Date(),
    nan: hold({ interactionId: "i", schemaVersion: "1.0.0", n: NaN }),
    hugeString: "x".repeat(20 * 1024 * 1024),
    hugeMessage: `{"type":"event","message":{"eventName":"aw-brand-new-v1","value":"${"é".repeat(9 * 1024 * 1024)}"}}`,
    deepText: "[".repeat(1_000_000) + "]".repeat(1_000_000),
    deepTextInPayload: `{"type":"event","message":{"eventName":"aw-chat-init-v1","value":{"interactionId":"i","schemaVersion":"1.0.0","messages":${"[".repeat(200_000)}${"]".repeat(200_000)}}}}`,
    badAsOf: [hold({ interactionId: "i", schemaVersion: "1.0.0" }), { asOf: "yesterday" }],
    badAsOfDate: [hold({ interactionId: "i", schemaVersion: "1.0.0" }), { asOf: new Date(NaN) }],
  };
  const outcomes = {};
  for (const [name, input] of Object.entries(inputs)) {
    const [message, options] = Array.isArray(input) ? input : [input, undefined];
    let decoded;
    assert.doesNotThrow(() => {
      decoded = pe.decode(message, options);
    }, name);
    assert.ok(["invalid", "not_event", "ok", "unknown_event"].includes(decoded.outcome), `${name}: ${decoded.outcome}`);
    if (decoded.outcome === "invalid") assert.ok(decoded.error.length > 0, `${name} has a reason`);
    outcomes[name] = decoded.outcome;
  }
  // what only JSON can carry is refused; what the schema strips is not looked at
  assert.equal(outcomes.functionInPayload, "invalid");
  assert.equal(outcomes.bigint, "invalid");
  assert.equal(outcomes.functionInUnknownKey, "ok");
  assert.equal(outcomes.nullPrototype, "ok");
  assert.equal(outcomes.hugeString, "invalid");
  assert.equal(outcomes.hugeMessage, "invalid");
  assert.match(pe.decode(inputs.hugeMessage).error, /over the 16777216-byte limit/);
  assert.equal(outcomes.badAsOf, "invalid");
  assert.equal(outcomes.cyclic, "invalid");
  assert.equal(outcomes.deep, "invalid");
});

test("an object is judged as its JSON text: undefined keys are absent, toJSON applies", () => {
  const full = JSON.parse(samples.find((s) => s.event === "aw-chat-init-v1").line);
  const withFirst = (change) => {
    const message = structuredClone(full);
    change(message.message.value.messages[0]);
    return message;
  };
  assert.equal(pe.decode(full).outcome, "ok");
  // an optional key given undefined is absent, as JSON.stringify leaves it out
  assert.equal(pe.decode(withFirst((m) => { m.botName = undefined; })).outcome, "ok");
  // null is not absent: an optional, non-nullable key refuses it
  const refused = pe.decode(withFirst((m) => { m.botName = null; }));
  assert.equal(refused.outcome, "invalid");
  assert.match(refused.error, /at `messages\[0\]\.botName`/);
  // a Date where a string is read is read as its JSON text, an ISO string
  assert.equal(pe.decode(withFirst((m) => { m.botName = new Date(0); })).value.messages[0].botName, "1970-01-01T00:00:00.000Z");
  // the value is stripped of unknown keys at every depth
  const stripped = pe.decode(withFirst((m) => { m.surprise = 1; m.author.more = 2; }));
  assert.equal(stripped.outcome, "ok");
  assert.ok(!("surprise" in stripped.value.messages[0]) && !("more" in stripped.value.messages[0].author));
});

test("presence is exact at every depth: a required key absent is refused, an optional one may be absent", () => {
  const full = JSON.parse(samples.find((s) => s.event === "aw-chat-init-v1").line);
  const schema = pe.RECEIVED_SCHEMAS["aw-chat-init-v1"]["1.0.0"];
  const without = (where) => {
    const message = structuredClone(full);
    where(message.message.value);
    return message;
  };
  const refusedAt = (message, path) => {
    const decoded = pe.decode(message);
    assert.equal(decoded.outcome, "invalid", `${path}: ${decoded.outcome}`);
    assert.match(decoded.error, new RegExp(`at \`${path.replace(/[[\].]/g, "\\$&")}\``));
    const parsed = schema.safeParse(message.message.value);
    assert.ok(!parsed.success, path);
  };
  // required, at the top, in an array's object, in a nested object, in an array in an array's object
  refusedAt(without((v) => delete v.interactionId), "interactionId");
  refusedAt(without((v) => delete v.messages[1].id), "messages[1].id");
  refusedAt(without((v) => delete v.messages[0].author.email), "messages[0].author.email");
  refusedAt(without((v) => delete v.messages[0].attachments[1].size), "messages[0].attachments[1].size");
  refusedAt(without((v) => delete v.messages[0].meta.app), "messages[0].meta.app");
  // optional, at each of those depths: accepted, and absent from the value
  const optional = without((v) => {
    delete v.messages[0].botName;
    delete v.messages[0].meta.has_cards;
    delete v.messages[0].attachments[1].thumbnailUrl;
    delete v.messages[0].attachments[1].meta;
    delete v.messages[1].author;
  });
  const decoded = pe.decode(optional);
  assert.equal(decoded.outcome, "ok", decoded.error);
  const [first, second] = decoded.value.messages;
  assert.ok(!("botName" in first) && !("has_cards" in first.meta) && !("author" in second));
  assert.ok(!("thumbnailUrl" in first.attachments[1]) && !("meta" in first.attachments[1]));
  assert.deepEqual(schema.safeParse(optional.message.value).data, decoded.value);
  // every optional key absent at once (the minimal sample) too, from the object and the text
  const minimal = samples.find((s) => s.event === "aw-chat-message-sent-v1" && !s.line.includes("botName")).line;
  assert.equal(pe.decode(JSON.parse(minimal)).outcome, "ok");
  assert.equal(pe.decode(minimal).outcome, "ok");
});

/** Calls `decode`, counting the JSON copies it makes and the passes of the event's schema. */
function counting(module, decode, event = "aw-chat-init-v1") {
  const schema = Object.values(module.RECEIVED_SCHEMAS[event]).at(-1);
  const { run } = schema._zod;
  const { stringify } = JSON;
  const counts = { stringify: 0, runs: 0 };
  schema._zod.run = (...args) => (counts.runs++, run(...args));
  JSON.stringify = (...args) => (counts.stringify++, stringify(...args));
  try {
    return { ...decode(), counts };
  } finally {
    schema._zod.run = run;
    JSON.stringify = stringify;
  }
}

test("decode reads a payload with one pass of its schema: as sent, without its schemaVersion, or of a newer minor version", () => {
  const full = JSON.parse(samples.find((s) => s.event === "aw-chat-init-v1").line);
  const withValue = (change) => {
    const message = structuredClone(full);
    change(message.message.value);
    return message;
  };
  for (const [what, message, outcome] of [
    ["as sent", full, "ok"],
    ["as text", JSON.stringify(full), "ok"],
    ["without its schemaVersion", withValue((v) => delete v.schemaVersion), "ok"],
    ["without its schemaVersion, as text", JSON.stringify(withValue((v) => delete v.schemaVersion)), "ok"],
    ["of version 1.2.0", withValue((v) => { v.schemaVersion = "1.2.0"; }), "newer_compatible"],
  ]) {
    const decoded = counting(pe, () => pe.decode(message));
    assert.equal(decoded.outcome, outcome, `${what}: ${decoded.error}`);
    assert.deepEqual(decoded.counts, { stringify: 0, runs: 1 }, what);
    assert.equal(decoded.value.schemaVersion, "1.0.0", what);
  }
  // refused either way: the error is the payload's as it was sent
  const refused = pe.decode(withValue((v) => { delete v.schemaVersion; delete v.interactionId; }));
  assert.equal(refused.outcome, "invalid");
  assert.match(refused.error, /refused at `interactionId`: .* \(and 1 more\)$/);
});

test("an optional key given undefined is absent for decode (and not in its value); the schemas refuse it, as `k?: T` does", () => {
  const full = JSON.parse(samples.find((s) => s.event === "aw-chat-init-v1").line);
  const schema = pe.RECEIVED_SCHEMAS["aw-chat-init-v1"]["1.0.0"];
  const given = (change) => {
    const message = structuredClone(full);
    change(message.message.value);
    // as postMessage gives it to onMessage: structuredClone keeps a key whose value is undefined
    return structuredClone(message);
  };
  const undefinedKeys = (value) => {
    value.messages[0].botName = undefined;
    value.messages[0].meta.has_cards = undefined;
    value.messages[0].attachments[1].thumbnailUrl = undefined;
    value.messages[0].attachments[1].meta = undefined;
    value.messages[1].author = undefined;
  };
  const message = given(undefinedKeys);
  assert.ok("botName" in message.message.value.messages[0]);
  // read in one pass, without a JSON copy of the object
  const decoded = counting(pe, () => pe.decode(message));
  assert.deepEqual(decoded.counts, { stringify: 0, runs: 1 });
  assert.equal(decoded.outcome, "ok", decoded.error);
  // the value is what the JSON text of the object gives: the keys are not there at all
  assert.deepEqual(decoded.value, JSON.parse(JSON.stringify(message.message.value)));
  const [first, second] = decoded.value.messages;
  assert.ok(!("botName" in first) && !("has_cards" in first.meta) && !("author" in second));
  assert.ok(!("thumbnailUrl" in first.attachments[1]) && !("meta" in first.attachments[1]));
  // the message given is left as it was
  assert.ok("botName" in message.message.value.messages[0]);
  // and again (nothing is kept from one decode to the next), and through route
  assert.deepEqual(pe.decode(message).value, decoded.value);
  assert.equal(pe.route(message, { "aw-chat-init-v1": (chat) => "author" in chat.messages[1] }), false);

  // a required key given undefined is absent, so refused
  const required = pe.decode(given((v) => { v.messages[1].id = undefined; }));
  assert.equal(required.outcome, "invalid");
  assert.match(required.error, /at `messages\[1\]\.id`/);
  // undefined beside another problem: the other problem is the error
  const both = pe.decode(given((v) => { undefinedKeys(v); v.messages[1].timestamp = "noon"; }));
  assert.equal(both.outcome, "invalid");
  assert.match(both.error, /^`aw-chat-init-v1` 1\.0\.0 payload refused at `messages\[1\]\.timestamp`: [^(]*$/);
  // null is a value, not an absence: an optional key that is not nullable refuses it
  assert.equal(pe.decode(given((v) => { v.messages[0].botName = null; })).outcome, "invalid");

  // the schema itself refuses a present undefined, as exactOptionalPropertyTypes types `k?: T`,
  // with zod's issue for it at the key's path; the same on every parse
  for (let i = 0; i < 3; i++) {
    const parsed = schema.safeParse(message.message.value);
    assert.ok(!parsed.success);
    assert.deepEqual(
      parsed.error.issues.map((issue) => [issue.path.join("."), issue.code, issue.message]),
      [
        ["messages.0.attachments.1.meta", "invalid_type", "Invalid input: expected object, received undefined"],
        ["messages.0.attachments.1.thumbnailUrl", "invalid_type", "Invalid input: expected string, received undefined"],
        ["messages.0.botName", "invalid_type", "Invalid input: expected string, received undefined"],
        ["messages.0.meta.has_cards", "invalid_type", "Invalid input: expected string, received undefined"],
        ["messages.1.author", "invalid_type", "Invalid input: expected object, received undefined"],
      ],
    );
  }
});

test("a union that takes another member over an optional key given undefined is read as the JSON text", async () => {
  // the first member, once the undefined key is absent, is what JSON text gives
  const dir = scratch();
  const catalog = join(dir, "union.yaml");
  writeFileSync(
    catalog,
    [
      "shapes:",
      "  First: {fields: {a: string, b: {type: string, optional: true}}}",
      "  Second: {fields: {a: string, c: {type: string, optional: true}}}",
      "events:",
      "  - name: demo-union-v1",
      "    direction: received",
      "    status: active",
      "    active: 2025-01-01",
      "    payloads:",
      '      "1.0.0":',
      "        fields:",
      "          item: {one_of: [First, Second]}",
      '          schemaVersion: {literal: "1.0.0"}',
      "",
    ].join("\n"),
  );
  cli(["typescript", "--catalog", catalog, "--out", join(dir, "union.ts")]);
  const union = await importModule(join(dir, "union.ts"));
  const value = (item) => ({ item, schemaVersion: "1.0.0" });
  const message = (item) => ({ type: "event", message: { eventName: "demo-union-v1", value: value(item) } });
  assert.deepEqual(union.decode(message({ a: "x", c: "y" })).value, value({ a: "x" }));
  // the schema alone takes the second member (the first refuses b: undefined); decode does not
  const schema = union.RECEIVED_SCHEMAS["demo-union-v1"]["1.0.0"];
  assert.deepEqual(schema.safeParse(value({ a: "x", b: undefined, c: "y" })).data, value({ a: "x", c: "y" }));
  const decoded = counting(union, () => union.decode(message({ a: "x", b: undefined, c: "y" })), "demo-union-v1");
  // read once as it is, then as its JSON text
  assert.deepEqual(decoded.counts, { stringify: 1, runs: 2 });
  assert.equal(decoded.outcome, "ok", decoded.error);
  assert.deepEqual(decoded.value, value({ a: "x" }));
});

test("route calls the event's handler with its typed payload, and the fallback for the rest", async () => {
  const seen = [];
  const handlers = {
    "aw-interaction-hold-v1": (value, decoded) => (seen.push(["hold", value.interactionId, decoded.outcome]), "held"),
    "constructor": () => "never: not an event",
    fallback: (decoded) => (seen.push(["fallback", decoded.outcome, decoded.event]), "other"),
  };
  const [hold] = samples.filter((s) => s.event === "aw-interaction-hold-v1").map((s) => s.line);
  assert.equal(pe.route(hold, handlers), "held");
  assert.equal(pe.route(JSON.parse(hold), handlers, { asOf: AS_OF }), "held");
  const mute = samples.find((s) => s.event === "aw-interaction-mute-v1").line;
  assert.equal(pe.route(mute, handlers), "other");
  assert.equal(pe.route("not json", handlers), "other");
  assert.equal(pe.route({ type: "event", message: { eventName: "constructor", value: {} } }, handlers), "other");
  assert.equal(pe.route(mute, {}), undefined);
  assert.deepEqual(seen, [
    ["hold", "interaction-1", "ok"],
    ["hold", "interaction-1", "ok"],
    ["fallback", "ok", "aw-interaction-mute-v1"],
    ["fallback", "invalid", null],
    ["fallback", "unknown_event", "constructor"],
  ]);
  // an async handler's promise comes back
  assert.equal(await pe.route(hold, { "aw-interaction-hold-v1": async () => "later" }), "later");
  // the send helper gives sendEvent's arguments
  assert.deepEqual(pe.sendEventArgs("aw-chat-message-received-v1", { interactionId: "i", message: "m", schemaVersion: "1.0.0" }), [
    "aw-chat-message-received-v1",
    { interactionId: "i", message: "m", schemaVersion: "1.0.0" },
  ]);
});

test("the lifecycle is data, with dates, replacements and versions as the catalog has them", () => {
  const lifecycle = JSON.parse(cli(["lifecycle", "--json", "--as-of", AS_OF]).stdout).events;
  assert.equal(Object.keys(pe.EVENTS).length, lifecycle.length);
  for (const row of lifecycle) {
    const facts = pe.EVENTS[row.event];
    assert.ok(facts, row.event);
    assert.equal(facts.direction, row.direction);
    assert.equal(facts.active, row.active);
    assert.equal(facts.deprecation, row.deprecation);
    assert.equal(facts.sunset, row.sunset);
    assert.equal(facts.replacedBy, row.replaced_by);
  }
  const source = readFileSync(committed, "utf8");
  // a deprecated event's types are struck through in editors
  assert.match(source, /@deprecated Deprecated on 2025-09-08; sunset on 2026-12-08; use `aw-interaction-focus-v2`\.\n \*\/\nexport interface AwInteractionFocusV1 /);
});
