// Loads the example partner's WebAssembly module and wraps its three exports (see
// examples/wasm-partner/src/abi.rs): one SDK message in as UTF-8 JSON, one outcome out.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Instantiates the module at `url`. It needs no imports. */
export async function loadPartner(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
  const { instance } = await WebAssembly.instantiate(await response.arrayBuffer(), {});
  const { memory, partner_input, partner_handle, partner_output } = instance.exports;
  return {
    /** Handles one message (the JSON text of what onMessage received) on the day of `nowMillis`. */
    handle(json, nowMillis = Date.now()) {
      const bytes = encoder.encode(json);
      const at = partner_input(bytes.length);
      new Uint8Array(memory.buffer, at, bytes.length).set(bytes);
      const length = partner_handle(bytes.length, nowMillis);
      return JSON.parse(decoder.decode(new Uint8Array(memory.buffer, partner_output(), length)));
    },
  };
}
