// The in-page decode benchmark: serves target/web/ (node web/build.mjs), opens bench/ in headless
// Chromium and prints the figures as a Markdown table. `node web/bench.mjs` after
// scripts/build-wasm and node web/build.mjs.
import { launch } from "./tests/support/browser.mjs";
import { serveStatic } from "./tests/support/server.mjs";

const server = await serveStatic();
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/bench/`);
  await page.waitForFunction(() => window.benchResult, null, { timeout: 120_000 });
  const { results, userAgent } = await page.evaluate(() => window.benchResult);
  const us = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(1)} µs` : `${Math.round(ns)} ns`);
  console.log(`${userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? userAgent}\n`);
  console.log("| message | bytes | JSON.parse | decode (wasm) | ÷ JSON.parse | text copied in + decode | ÷ JSON.parse | from the onMessage object (JSON.stringify + copy + decode) |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of results) {
    console.log(`| ${r.message} | ${r.bytes.toLocaleString("en")} | ${us(r.jsonParseNs)} | ${us(r.decodeNs)} | ${r.decodeOverParse.toFixed(2)}× | ${us(r.copyAndDecodeNs)} | ${r.copyAndDecodeOverParse.toFixed(2)}× | ${us(r.fromOnMessageNs)} |`);
  }
  console.log("\nThe generated TypeScript module (`partner-events typescript`), on the same messages:\n");
  console.log("| message | zod 4 safeParse of the payload | decode (the onMessage object) | ÷ zod | added | decode (the JSON text) | the wasm path from the object |");
  console.log("|---|---|---|---|---|---|---|");
  for (const r of results) {
    console.log(`| ${r.message} | ${us(r.zodNs)} | ${us(r.tsDecodeNs)} | ${r.tsOverZod.toFixed(2)}× | ${us(r.tsAddedNs)} | ${us(r.tsDecodeTextNs)} | ${us(r.fromOnMessageNs)} |`);
  }
} finally {
  await browser.close();
  await server.close();
}
