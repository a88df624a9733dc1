// The runtime built for wasm32-unknown-unknown (scripts/build-wasm), run under Node: the modules
// need no imports, and nothing in them traps (a Rust panic is a trap there).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const built = new URL("../../target/wasm/wasm32-unknown-unknown/wasm-release/", import.meta.url);
const load = (name) => new WebAssembly.Module(readFileSync(new URL(name, built)));
const text = (memory, at, length) => new TextDecoder().decode(new Uint8Array(memory.buffer, at, length));

test("the runtime's checks pass in a module with no imports", () => {
  const module = load("partner_events_wasm_check.wasm");
  assert.deepEqual(WebAssembly.Module.imports(module), []);
  const { exports } = new WebAssembly.Instance(module, {});
  const length = exports.run_checks(); // first: running may grow memory
  const report = text(exports.memory, exports.report(), length).trim().split("\n");
  assert.deepEqual(report.filter((line) => !line.startsWith("ok ")), []);
  assert.ok(report.length >= 14, report.join("\n"));
  // decoding without a clock judged on the build date, as docs/page-wasm.md says
  assert.ok(report.includes("ok Decoder::new() judges on the build date"));
});

test("the example partner's module needs no imports and handles every sample line", () => {
  const module = load("partner_events_example_wasm.wasm");
  assert.deepEqual(WebAssembly.Module.imports(module), []);
  const { exports } = new WebAssembly.Instance(module, {});
  const handle = (json) => {
    const bytes = new TextEncoder().encode(json);
    const at = exports.partner_input(bytes.length); // first: it may grow memory
    new Uint8Array(exports.memory.buffer, at, bytes.length).set(bytes);
    const length = exports.partner_handle(bytes.length, Date.UTC(2026, 9, 1));
    return JSON.parse(text(exports.memory, exports.partner_output(), length));
  };
  const lines = readFileSync(new URL("../../examples/sample-messages.jsonl", import.meta.url), "utf8").trim().split("\n");
  const outcomes = lines.map(handle);
  assert.deepEqual(outcomes.map((o) => o.outcome), [
    "handled", "handled", "handled", "handled", "handled", "handled",
    "fallback", "fallback", "fallback", "fallback", "error", "error",
  ]);
  // invalid UTF-8 and a message of a million brackets are errors, not traps
  const invalid = new Uint8Array([0x7b, 0xff, 0x7d]);
  const at = exports.partner_input(3);
  new Uint8Array(exports.memory.buffer, at, 3).set(invalid);
  const handled = exports.partner_handle(3, 0);
  const outcome = JSON.parse(text(exports.memory, exports.partner_output(), handled));
  assert.equal(outcome.outcome, "error");
  assert.match(outcome.error, /not UTF-8/);
  assert.equal(handle("[".repeat(1_000_000)).outcome, "error");
  // and the page goes on
  assert.equal(handle(lines[1]).outcome, "handled");
});
