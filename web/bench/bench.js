// Times partner_events decoding in the page (tests/wasm-check's module, wasm-release profile)
// beside JSON.parse of the same text, on the native decode benchmark's two messages. Each figure is
// the median of 7 rounds of at least 50 ms; the ratios compare figures from the same run.
const encoder = new TextEncoder();
const { instance } = await WebAssembly.instantiate(await (await fetch("check.wasm")).arrayBuffer(), {});
const wasm = instance.exports;
let sink = 0;

function nsPerCall(operation) {
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
  return rounds.sort((a, b) => a - b)[3];
}

const results = [];
for (const [label, which] of [["hold", 0], ["chat-init", 1]]) {
  const length = wasm.bench_message(which);
  const at = wasm.input(length);
  const text = new TextDecoder().decode(new Uint8Array(wasm.memory.buffer, at, length));
  const object = JSON.parse(text);
  if (wasm.decode_input(length, 1) !== 1) throw new Error(`${label} did not decode as an event`);
  const copyIn = (json) => {
    const bytes = encoder.encode(json);
    const where = wasm.input(bytes.length);
    new Uint8Array(wasm.memory.buffer, where, bytes.length).set(bytes);
    return bytes.length;
  };
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
  row.decodeOverParse = row.decodeNs / row.jsonParseNs;
  row.copyAndDecodeOverParse = row.copyAndDecodeNs / row.jsonParseNs;
  results.push(row);
}
window.benchResult = { results, sink, userAgent: navigator.userAgent };
document.getElementById("result").textContent = JSON.stringify(results, null, 2);
