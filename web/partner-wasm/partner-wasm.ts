// Loads the example partner's WebAssembly module and wraps its three exports (see
// examples/wasm-partner/src/abi.rs): one SDK message in as UTF-8 JSON, one outcome out. The
// outcome's types mirror the Rust `Outcome` (examples/wasm-partner/src/app.rs); what the module
// sends is typed by the generated catalog module, so only send events with their payloads.
import type { SendEventName, SendPayloads } from "../typescript/partner-events";

/** An event the app sends: the arguments of `partnerSDK.system.sendEvent(name, data)`. */
export type Outgoing = {
  [K in SendEventName]: { readonly name: K; readonly data: SendPayloads[K] };
}[SendEventName];

/** What one message came to (the Rust `Outcome`, tagged by `outcome`). */
export type Outcome =
  | {
      readonly outcome: "handled";
      readonly event: string;
      readonly rustType: string;
      readonly lifecycle: string;
      readonly version: string;
      readonly detail: string;
      readonly sends: readonly Outgoing[];
    }
  | {
      readonly outcome: "fallback";
      readonly kind: "no-handler" | "unknown-event" | "unknown-version" | "get-events" | "not-event";
      readonly name: string;
      readonly payload: string;
    }
  | { readonly outcome: "error"; readonly error: string };

/** The module's exports (abi.rs). */
interface PartnerExports {
  readonly memory: WebAssembly.Memory;
  partner_input(length: number): number;
  partner_handle(length: number, nowMillis: number): number;
  partner_output(): number;
}

/** The loaded partner. */
export interface Partner {
  /** Handles one message (the JSON text of what onMessage received) on the day of `nowMillis`. */
  handle(json: string, nowMillis?: number): Outcome;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Instantiates the module at `url`. It needs no imports. */
export async function loadPartner(url: URL | string): Promise<Partner> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
  const { instance } = await WebAssembly.instantiate(await response.arrayBuffer(), {});
  const { memory, partner_input, partner_handle, partner_output } =
    instance.exports as unknown as PartnerExports;
  return {
    handle(json, nowMillis = Date.now()) {
      const bytes = encoder.encode(json);
      const at = partner_input(bytes.length);
      new Uint8Array(memory.buffer, at, bytes.length).set(bytes);
      const length = partner_handle(bytes.length, nowMillis);
      return JSON.parse(decoder.decode(new Uint8Array(memory.buffer, partner_output(), length))) as Outcome;
    },
  };
}
