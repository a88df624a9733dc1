// Helpers for the TypeScript module's tests: the command-line tool, the generated module bundled
// for Node, the corpora the Rust decoder and the module are compared on, and seeded mutations.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";

export const root = new URL("../../../", import.meta.url).pathname;
const cliPath = process.env.PARTNER_EVENTS ?? join(root, "target", "debug", "partner-events");

/** Runs `partner-events ARGS`; throws with its stderr unless it exits 0 (or `allowFailure`). */
export function cli(args, { input, allowFailure = false } = {}) {
  const result = spawnSync(cliPath, args, { cwd: root, input, encoding: "utf8", maxBuffer: 1 << 30 });
  if (result.error) throw result.error;
  if (!allowFailure && result.status !== 0) {
    throw new Error(`partner-events ${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
  }
  return result;
}

export const scratch = () => mkdtempSync(join(tmpdir(), "partner-events-ts-"));

/** The TypeScript module at `path`, bundled with zod for Node and imported. */
export async function importModule(path) {
  const outfile = join(scratch(), "module.mjs");
  await build({
    entryPoints: [path],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "es2022",
    logLevel: "error",
    nodePaths: [join(root, "web", "node_modules")],
  });
  return import(outfile);
}

/** The Rust decoder's report for each line, from `partner-events decode`. */
export function rustReports(lines, args = []) {
  const file = join(scratch(), "messages.jsonl");
  writeFileSync(file, lines.map((line) => `${line}\n`).join(""));
  const out = cli(["decode", ...args, file]).stdout.trim().split("\n");
  if (out.length !== lines.length) throw new Error(`${out.length} reports for ${lines.length} lines`);
  return out.map((line) => JSON.parse(line));
}

/** Every event name and version of the catalog, from `partner-events schema`. */
export function catalogVersions() {
  const all = JSON.parse(cli(["schema"]).stdout).events;
  return Object.entries(all).flatMap(([event, versions]) =>
    Object.keys(versions).map((version) => ({ event, version, schema: versions[version] })),
  );
}

/** The `sample` command's output for every event and version: full, minimal and 20 seeds. */
export function sampleLines() {
  const lines = [];
  for (const { event, version } of catalogVersions()) {
    for (const mode of [[], ["--minimal"], ["--count", "20", "--seed", "1"]]) {
      const out = cli(["sample", event, "--version", version, ...mode]).stdout.trim();
      lines.push(...out.split("\n").map((line) => ({ event, version, line })));
    }
  }
  return lines;
}

/** The project's corpora of messages, as lines: the sample file, the fixtures, the decode fuzz
 * corpus and the adversarial cases. Multi-line JSON files become one line. */
export function corpusLines() {
  const text = (path) => readFileSync(join(root, path), "utf8");
  const lines = [
    ...text("examples/sample-messages.jsonl").split("\n").filter((l) => l !== ""),
    ...text("tests/fixtures/adversarial.jsonl").split("\n").filter((l) => l !== ""),
    JSON.stringify(JSON.parse(text("tests/fixtures/get-events-response.json"))),
  ];
  const fuzz = join(root, "fuzz", "corpus", "decode");
  for (const name of readdirSync(fuzz).sort()) {
    const content = readFileSync(join(fuzz, name), "utf8");
    lines.push(content.replace(/\r?\n/g, " ").trim());
  }
  return lines;
}

/** A seeded generator (mulberry32): the same seed, the same numbers. */
export function rng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, below: (n) => Math.floor(next() * n), pick: (items) => items[Math.floor(next() * items.length)] };
}

// Bytes a mutation may insert: JSON's punctuation, digits, letters, escapes, a multi-byte letter.
const ALPHABET = Buffer.from('{}[]":,.-+0123456789eEtrufalsn \\/abcxyzIV_é');
const fatal = new TextDecoder("utf-8", { fatal: true });

/** One seeded byte mutation of `line`, as text: a byte deleted, inserted, replaced, a span
 * duplicated or deleted. Mutations that leave invalid UTF-8 or a line break are tried again. */
export function mutate(line, random) {
  for (;;) {
    const bytes = Buffer.from(line, "utf8");
    const at = random.below(bytes.length + 1);
    let out;
    switch (random.below(5)) {
      case 0:
        out = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
        break;
      case 1:
        out = Buffer.concat([bytes.subarray(0, at), Buffer.from([random.pick(ALPHABET)]), bytes.subarray(at)]);
        break;
      case 2:
        out = Buffer.from(bytes);
        if (at < out.length) out[at] = random.pick(ALPHABET);
        break;
      case 3: {
        const length = 1 + random.below(16);
        out = Buffer.concat([bytes.subarray(0, at + length), bytes.subarray(at, at + length), bytes.subarray(at + length)]);
        break;
      }
      default: {
        const length = 1 + random.below(16);
        out = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + length)]);
      }
    }
    let text;
    try {
      text = fatal.decode(out);
    } catch {
      continue;
    }
    if (!/[\n\r]/.test(text)) return text;
  }
}

/** Whether some object in the JSON text has a key twice. JSON.parse keeps the last; the Rust
 * decoder refuses a duplicated key it reads. (Only text has duplicates: an object cannot.) */
export function hasDuplicateKeys(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const string = () => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i));
  };
  // iterative over containers, so deep nesting cannot overflow the stack
  const stack = [];
  let duplicate = false;
  try {
    for (;;) {
      ws();
      if (i >= text.length) break;
      const c = text[i];
      if (c === "{") {
        stack.push(new Set());
        i++;
      } else if (c === "[") {
        stack.push(null);
        i++;
      } else if (c === "}" || c === "]") {
        stack.pop();
        i++;
      } else if (c === ",") {
        i++;
      } else if (c === '"') {
        const value = string();
        ws();
        const top = stack[stack.length - 1];
        if (text[i] === ":" && top instanceof Set) {
          if (top.has(value)) duplicate = true;
          top.add(value);
          i++;
        }
      } else {
        while (i < text.length && !',]} \t\n\r'.includes(text[i])) i++;
      }
    }
  } catch {
    return duplicate;
  }
  return duplicate;
}
