// Times partner_events decoding in the page (tests/wasm-check's module, wasm-release profile)
// beside JSON.parse of the same text, on the native decode benchmark's two messages, and the
// generated TypeScript module's decode beside a bare zod 4 safeParse of the same payload with the
// same schema. Each figure is the median of 7 rounds of at least 50 ms; the ratios compare figures
// from the same run.
import { RECEIVED_SCHEMAS, decode } from "../typescript/partner-events";

interface CheckExports {
  readonly memory: WebAssembly.Memory;
  bench_message(which: number): number;
  input(length: number): number;
  decode_input(length: number, as: number): number;
}

const encoder = new TextEncoder();
const { instance } = await WebAssembly.instantiate(await (await fetch("check.wasm")).arrayBuffer(), {});
const wasm = instance.exports as unknown as CheckExports;
let sink = 0;

function nsPerCall(operation: () => void): number {
  let calls = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) operation();
    if (performance.now() - start >= 50) break;
    calls *= 2;
  }
  const rounds = [];
  for (let round = 0; round < 7; round++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) operation();
    rounds.push(((performance.now() - start) / calls) * 1e6);
  }
  return rounds.sort((a, b) => a - b)[3] as number;
}

const results: Record<string, number | string>[] = [];
for (const [label, which, event] of [
  ["hold", 0, "aw-interaction-hold-v1"],
  ["chat-init", 1, "aw-chat-init-v1"],
] as const) {
  const length = wasm.bench_message(which);
  const at = wasm.input(length);
  const text = new TextDecoder().decode(new Uint8Array(wasm.memory.buffer, at, length));
  const object = JSON.parse(text);
  if (wasm.decode_input(length, 1) !== 1) throw new Error(`${label} did not decode as an event`);
  const copyIn = (json: string) => {
    const bytes = encoder.encode(json);
    const where = wasm.input(bytes.length);
    new Uint8Array(wasm.memory.buffer, where, bytes.length).set(bytes);
    return bytes.length;
  };
  const schema = RECEIVED_SCHEMAS[event]["1.0.0"];
  const payload = object.message.value;
  if (decode(object).outcome !== "ok") throw new Error(`${label} did not decode in TypeScript`);
  const row = {
    message: label,
    bytes: length,
    jsonParseNs: nsPerCall(() => { sink += JSON.parse(text).type.length; }),
    decodeNs: nsPerCall(() => { sink += wasm.decode_input(length, 1); }),
    // what a page pays per message: the text into wasm memory, then decode
    copyAndDecodeNs: nsPerCall(() => { sink += wasm.decode_input(copyIn(text), 1); }),
    // and from the object onMessage receives: JSON.stringify first
    fromOnMessageNs: nsPerCall(() => { sink += wasm.decode_input(copyIn(JSON.stringify(object)), 1); }),
  };
  // the generated module, on the object onMessage receives, and a bare zod 4 safeParse of its
  // payload with the same schema
  const zodNs = nsPerCall(() => { sink += schema.safeParse(payload).success ? 1 : 0; });
  const tsDecodeNs = nsPerCall(() => { sink += decode(object).outcome.length; });
  const tsDecodeTextNs = nsPerCall(() => { sink += decode(text).outcome.length; });
  results.push({
    ...row,
    decodeOverParse: row.decodeNs / row.jsonParseNs,
    copyAndDecodeOverParse: row.copyAndDecodeNs / row.jsonParseNs,
    zodNs,
    tsDecodeNs,
    tsDecodeTextNs,
    tsOverZod: tsDecodeNs / zodNs,
    tsAddedNs: tsDecodeNs - zodNs,
  });
}
(window as unknown as { benchResult: unknown }).benchResult = { results, sink, userAgent: navigator.userAgent };
(document.getElementById("result") as HTMLElement).textContent = JSON.stringify(results, null, 2);
