// A nats-server of the test's own ($NATS_SERVER, or nats-server on PATH; .ci/run installs it):
// JetStream on a fresh temporary store with `sync_interval: always`, on a free port that stays
// the same across a kill and a restart, so that clients reconnect to it.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export const natsBinary = process.env.NATS_SERVER ?? "nats-server";

export async function startNats(port) {
  const dir = mkdtempSync(join(tmpdir(), "partner-events-nats-"));
  const config = join(dir, "nats.conf");
  writeFileSync(config, `listen: "127.0.0.1:${port}"\njetstream {\n  store_dir: ${JSON.stringify(join(dir, "store"))}\n  sync_interval: always\n}\n`);
  let child;
  const logs = [];
  const spawnServer = () =>
    new Promise((resolve, reject) => {
      child = spawn(natsBinary, ["-c", config], { stdio: ["ignore", "ignore", "pipe"] });
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`nats-server exited (${code}) before it listened:\n${logs.slice(-5).join("\n")}`)));
      createInterface({ input: child.stderr }).on("line", (line) => {
        logs.push(line);
        if (line.includes("Server is ready")) resolve();
      });
    });
  await spawnServer();
  return {
    url: `nats://127.0.0.1:${port}`,
    logs,
    /** SIGKILL: it dies with whatever it had not written. */
    async kill() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
    /** Starts it again on the same port and store. */
    restart: spawnServer,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) await this.kill();
    },
  };
}
