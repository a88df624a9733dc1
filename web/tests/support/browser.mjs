// Debian's Chromium, headless, driven by playwright-core. The flags keep it off the network,
// which these machines do not have (Chromium otherwise retries background connections).
import { chromium } from "playwright-core";

export const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

export function launch() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Waits until `predicate(window.hostSimulator)` holds in the page, or fails naming `what`. */
export async function until(page, what, predicate, arg, timeout = 20_000) {
  try {
    await page.waitForFunction(
      ([source, value]) => window.hostSimulator && new Function("s", "arg", `return (${source})(s, arg)`)(window.hostSimulator, value),
      [predicate.toString(), arg],
      { timeout, polling: 50 },
    );
  } catch (error) {
    const log = await page.evaluate(() => window.hostSimulator?.log.map((line) => line.text).join("\n"));
    throw new Error(`timed out waiting for ${what}\n--- host log ---\n${log}`, { cause: error });
  }
}
