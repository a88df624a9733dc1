// The bridge's page module as an npm package (bridge/page): `npm pack` carries the module the
// bridge crate serves and its declarations, and a partner's TypeScript project that installs the
// tarball type-checks against them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, scratch } from "./support/typescript.mjs";

const npm = (args, cwd) => {
  const result = spawnSync("npm", args, { cwd, encoding: "utf8" });
  assert.equal(result.status, 0, `npm ${args.join(" ")}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
};

test("npm pack carries the served module and its types, and a partner's project type-checks with them", async () => {
  const packageDir = join(root, "bridge", "page");
  const out = scratch();
  const [packed] = JSON.parse(npm(["pack", "--json", "--pack-destination", out], packageDir));
  assert.deepEqual(packed.files.map((f) => f.path).sort(), ["package.json", "partner-events-bridge.js", "types.d.ts"]);
  assert.equal(packed.name, "partner-events-bridge");

  // a partner's project: the tarball installed, a page that uses it, checked by tsc
  const project = scratch();
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "partner-page", private: true, type: "module" }));
  npm(["install", "--offline", "--no-audit", "--no-fund", join(out, packed.filename)], project);
  const installed = join(project, "node_modules", "partner-events-bridge");
  assert.equal(
    readFileSync(join(installed, "partner-events-bridge.js"), "utf8"),
    readFileSync(join(packageDir, "partner-events-bridge.js"), "utf8"),
  );
  writeFileSync(join(project, "page.ts"), `
import { BUFFER_LIMIT, PROTOCOL, connectBridge, type Bridge, type PartnerSdk } from "partner-events-bridge";
type ToPage = { kind: "card"; who: string } | { kind: "answer"; text: string };
type FromPage = { action: "open-record"; interactionId: string };
declare const sdk: PartnerSdk;
const protocol: "partner-events.v1" = PROTOCOL;
const bridge: Bridge<FromPage> = connectBridge<ToPage, FromPage>({
  sdk,
  app: { appName: "a", appVersion: "1", vendor: "v" },
  buffer: { messages: BUFFER_LIMIT.messages, bytes: 1024 },
  onPageMessage(message, { id }) {
    if (message.kind === "card") console.log(message.who, id);
  },
  onEvent(event) {
    if (event.kind === "dropped") console.log(event.total);
  },
});
bridge.send({ action: "open-record", interactionId: "i" });
// @ts-expect-error the page's messages are FromPage
bridge.send({ action: "close" });
export { protocol };
`);
  writeFileSync(join(project, "tsconfig.json"), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: "es2022", lib: ["es2022", "dom"], module: "esnext", moduleResolution: "bundler", exactOptionalPropertyTypes: true },
    include: ["page.ts"],
  }));
  const tsc = spawnSync(process.execPath, [join(root, "web", "node_modules", "typescript", "bin", "tsc"), "-p", project], { encoding: "utf8" });
  assert.equal(tsc.status, 0, `${tsc.stdout}${tsc.stderr}`);
  // and it loads as an ES module
  const module = await import(join(installed, "partner-events-bridge.js"));
  assert.equal(module.PROTOCOL, "partner-events.v1");
  assert.deepEqual(module.BUFFER_LIMIT, { messages: 10_000, bytes: 16 * 1024 * 1024 });
});
