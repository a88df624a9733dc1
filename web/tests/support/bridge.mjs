// Starts and stops the partner-bridge binary (built by cargo: target/debug/partner-bridge, or
// $PARTNER_BRIDGE) for the browser tests, and collects what it prints.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export const bridgeBinary =
  process.env.PARTNER_BRIDGE ?? new URL("../../../target/debug/partner-bridge", import.meta.url).pathname;

/** Starts partner-bridge on `port` (0: a free one), serving target/web as built, with `args`
 * after; `env` is added to its environment. */
export async function startBridge(port = 0, args = [], env = {}) {
  const child = spawn(bridgeBinary, ["--port", String(port), "--no-build", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  const lines = [];
  const logs = [];
  createInterface({ input: child.stderr }).on("line", (line) => logs.push(line));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  // "close": the process exited and its output has been read to the end
  const closed = new Promise((resolve) => child.once("close", resolve));
  const listening = new Promise((resolve, reject) => {
    child.once("error", reject);
    exited.then((code) => reject(new Error(`partner-bridge exited (${code}) before listening`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      lines.push(line);
      const match = line.match(/^partner-bridge listening on http:\/\/127\.0\.0\.1:(\d+)$/);
      if (match) resolve(Number(match[1]));
    });
  });
  const bound = await listening;
  return {
    port: bound,
    url: `http://localhost:${bound}`,
    /** Every line printed, in order. */
    lines,
    /** Every log line (standard error), in order. */
    logs,
    /** The lines of handled messages (`session N: ...`). */
    handled: () => lines.filter((line) => /^session \d+: /.test(line)),
    /** Kills the process at once, as a crash would. */
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    /** Stops the process as a deploy does (SIGTERM): it drains, then exits; resolves to the drain's
     * milliseconds, as it printed them. */
    async terminate() {
      child.kill("SIGTERM");
      const code = await closed;
      if (code !== 0) throw new Error(`partner-bridge exited with ${code} after SIGTERM`);
      const drained = lines.map((line) => line.match(/^partner-bridge drained (\d+) connection\(s\) in (\d+) ms; it handled (\d+) message\(s\)/)).find(Boolean);
      if (!drained) throw new Error(`partner-bridge did not report its drain:\n${lines.slice(-5).join("\n")}`);
      return { connections: Number(drained[1]), ms: Number(drained[2]), handled: Number(drained[3]) };
    },
  };
}

/** Waits until `condition()` holds, polling; fails naming `what`. */
export async function waitFor(what, condition, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
