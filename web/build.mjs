// Builds the browser side into target/web/ (served as it is by `partner-bridge` and the tests):
//   host/          the host simulator
//   partner/       the bridge example's partner page (the SDK connected to a Rust server)
//   partner-wasm/  the example partner page in Rust and WebAssembly (when the .wasm is built)
//   samples/       the bundled sample messages
//   bench/         the in-page decode benchmark: the wasm module (when tests/wasm-check's .wasm is
//                  built) and the generated TypeScript module
// Pages that import the partner SDK are bundled with esbuild; the SDK comes from node_modules and
// is never copied into the repository.
//
//   node web/build.mjs        (npm ci in web/ first; scripts/build-wasm for the wasm pages)
import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const web = dirname(fileURLToPath(import.meta.url));
const root = resolve(web, "..");
const out = join(root, "target", "web");
const wasmBuilt = join(root, "target", "wasm", "wasm32-unknown-unknown", "wasm-release");
const wasm = join(wasmBuilt, "partner_events_example_wasm.wasm");
const checkWasm = join(wasmBuilt, "partner_events_wasm_check.wasm");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

cpSync(join(web, "host-simulator"), join(out, "host"), { recursive: true });
mkdirSync(join(out, "samples"));
cpSync(join(root, "examples", "sample-messages.jsonl"), join(out, "samples", "sample-messages.jsonl"));

async function bundle(entry, outfile) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: true,
    logLevel: "warning",
  });
}

const bridgePage = join(out, "partner");
mkdirSync(bridgePage);
cpSync(join(web, "bridge-page", "index.html"), join(bridgePage, "index.html"));
await bundle(join(web, "bridge-page", "main.ts"), join(bridgePage, "main.js"));

const built = ["host", "samples", "partner"];
if (existsSync(wasm)) {
  const page = join(out, "partner-wasm");
  mkdirSync(page);
  cpSync(join(web, "partner-wasm", "index.html"), join(page, "index.html"));
  cpSync(wasm, join(page, "partner.wasm"));
  await bundle(join(web, "partner-wasm", "main.ts"), join(page, "main.js"));
  built.push("partner-wasm");
} else {
  console.warn(`note: no ${wasm}; the wasm partner page is not built (see docs/page-wasm.md)`);
}
if (existsSync(checkWasm)) {
  const bench = join(out, "bench");
  mkdirSync(bench);
  cpSync(join(web, "bench", "index.html"), join(bench, "index.html"));
  cpSync(checkWasm, join(bench, "check.wasm"));
  await bundle(join(web, "bench", "bench.ts"), join(bench, "bench.js"));
  built.push("bench");
}
console.log(`built ${built.join(", ")} into ${out}`);
