// The host simulator: plays Agent Workspace's side of the partner SDK's protocol, so a partner page
// can be tried without an 8x8 account.
//
// - It embeds the partner page in an iframe, opens a MessageChannel and posts the string "init" to
//   the iframe's window with the channel's second port, as the host does. (It posts "init" again,
//   on a new channel, if the page's SDK asks for initialisation.)
// - It plays SDK messages ({type, schemaVersion, message}) from a JSON-lines file on that port, one
//   object per line, and records every request the partner posts back.
// - Partner pages of this project (and any page that wants to) may report how they handled each
//   message by posting {partnerEventsTrace: {...}} to this window; the log shows those reports
//   between the message in and the requests out, and notes ({partnerEventsNote: {kind, text}})
//   about what happens between messages.
//
//   A partner URL with a `trace` query parameter asks for these reports; the simulator then waits for
//   each message's report (up to 2 s) before it posts the next, so the log reads in order.
//
// URL parameters: partner (the partner page's URL), messages (a JSON-lines URL), delay (ms between
// messages), autoplay=0 (wait for the Play button), log=0 (do not render the log). Tests read
// window.hostSimulator.

const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);
const iframe = $("partner");
const logList = $("log");

const simulator = {
  /** Every log line, as {kind, text, data}. */
  log: [],
  /** Every message the partner posted on the port that is not the SDK's own, in order. */
  requests: [],
  /** The SDK's own messages (setup-complete, capabilities). */
  sdkMessages: [],
  /** Every message posted to the partner, in order. */
  posted: [],
  /** The partner's reports of how it handled each message, in order. */
  traces: [],
  /** The partner's notes between messages ({kind, text}), in order. */
  notes: [],
  /** Line numbers of the file that were not JSON (skipped). */
  skipped: [],
  /** True once the partner's initialise request has arrived. */
  ready: false,
  /** True once a play has posted its last line. */
  played: false,
  post,
  play,
};
window.hostSimulator = simulator;

let port = null;
let messagesText = null;
let playing = false;
let expectTraces = false;
let traceArrived = () => {};
let scrollPending = false;
// log=0 keeps the log in window.hostSimulator only: for runs of thousands of messages
const showLog = params.get("log") !== "0";

function log(kind, text, data) {
  simulator.log.push({ kind, text, data });
  if (!showLog) return;
  const item = document.createElement("li");
  item.className = kind;
  item.textContent = text;
  logList.append(item);
  // one scroll per frame: scrolling each line into view forces a layout per message, which made
  // thousands of messages quadratic
  if (!scrollPending) {
    scrollPending = true;
    requestAnimationFrame(() => {
      scrollPending = false;
      logList.lastElementChild?.scrollIntoView({ block: "nearest" });
    });
  }
}

function status(text) {
  $("status").textContent = text;
}

function summary(message) {
  if (message === null || typeof message !== "object") return JSON.stringify(message);
  const name = message.message?.eventName ?? message.message?.request ?? message.message?.name;
  const version = message.message?.value?.schemaVersion ?? message.schemaVersion;
  return [message.type, name, version && `schema ${version}`].filter(Boolean).join(" · ");
}

function connect() {
  port?.close();
  const channel = new MessageChannel();
  port = channel.port1;
  port.onmessage = (event) => onPortMessage(event.data);
  iframe.contentWindow.postMessage("init", "*", [channel.port2]);
  log("note", "· posted \"init\" with a MessagePort to the partner page");
}

function onPortMessage(data) {
  if (data?.type === "sdk-message") {
    simulator.sdkMessages.push(data);
    log("note", `· SDK: ${data.message?.name ?? JSON.stringify(data)}`, data);
    return;
  }
  simulator.requests.push(data);
  const action = data?.message?.action;
  if (action === "sendEvent") {
    const { name, data: payload } = data.message.value ?? {};
    log("out", `← sendEvent ${name} ${JSON.stringify(payload)}`, data);
  } else {
    log("out", `← ${action ?? data?.type ?? "message"} ${JSON.stringify(data)}`, data);
  }
  if (data?.type === "request" && action === "initialise" && !simulator.ready) {
    simulator.ready = true;
    status(`partner initialised: ${data.message.value?.appName ?? "?"}`);
    $("play").disabled = false;
    if (params.get("autoplay") !== "0" && messagesText !== null) play(messagesText);
  }
}

function onTrace(trace) {
  simulator.traces.push(trace);
  traceArrived();
  switch (trace.outcome) {
    case "handled":
      log("handled", `  ✓ ${trace.event} → ${trace.rustType} · ${trace.lifecycle} · version ${trace.version} · ${trace.detail}`, trace);
      break;
    case "fallback":
      log("fallback", `  ↪ fallback (${trace.kind}) ${trace.name}: ${trace.payload}`, trace);
      break;
    case "error":
      log("error", `  ✗ ${trace.error}`, trace);
      break;
    case "dropped":
      log("error", `  ✗ ${trace.detail}`, trace);
      break;
    default:
      log("note", `  · ${trace.outcome ?? "partner"}: ${trace.detail ?? JSON.stringify(trace)}`, trace);
  }
}

window.addEventListener("message", (event) => {
  if (event.source !== iframe.contentWindow) return;
  const data = event.data;
  if (data && typeof data === "object" && "partnerEventsTrace" in data) {
    onTrace(data.partnerEventsTrace);
  } else if (data && typeof data === "object" && "partnerEventsNote" in data) {
    // what the partner reports between messages: its connection, a server's replies and errors
    const { kind, text } = data.partnerEventsNote;
    simulator.notes.push(data.partnerEventsNote);
    log(["handled", "error"].includes(kind) ? kind : "note", `  · partner: ${text}`, data.partnerEventsNote);
  } else if (JSON.stringify(data ?? null).includes("ask-initialisation")) {
    log("note", "· the partner's SDK asked for initialisation");
    connect();
  }
});

/** Posts one SDK message to the partner, as the host does. */
function post(message) {
  if (!port) throw new Error("the partner page is not connected yet");
  simulator.posted.push(message);
  log("in", `→ ${summary(message)}`, message);
  port.postMessage(message);
}

/** Plays a JSON-lines text: one SDK message per line, `delay` ms apart. */
async function play(text) {
  if (playing) return;
  playing = true;
  simulator.played = false;
  const delay = Number($("delay").value) || 0;
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (!line.trim()) continue;
    let message;
    try {
      message = JSON.parse(line);
    } catch (error) {
      // A host posts structured objects, never text that is not JSON: say so and go on.
      simulator.skipped.push(index + 1);
      log("note", `· line ${index + 1} is not JSON, skipped (${error.message})`);
      continue;
    }
    const traced = simulator.traces.length + 1;
    post(message);
    if (expectTraces && simulator.traces.length < traced) {
      const arrived = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), 2000);
        traceArrived = () => simulator.traces.length >= traced && (clearTimeout(timer), resolve(true));
      });
      if (!arrived) log("note", "  · no report from the partner within 2 s");
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  playing = false;
  simulator.played = true;
  status(`played ${simulator.posted.length} message(s)`);
}

function loadPartner(url) {
  simulator.ready = false;
  expectTraces = new URL(url, location.href).searchParams.has("trace");
  $("play").disabled = true;
  status(`loading ${url}…`);
  iframe.src = url;
}

async function loadMessages(url) {
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    messagesText = await response.text();
    log("note", `· ${messagesText.trim().split(/\r?\n/).length} line(s) from ${url}`);
  } catch (error) {
    log("error", `✗ cannot load messages from ${url}: ${error.message}`);
  }
}

iframe.addEventListener("load", () => {
  if (iframe.src) connect();
});
$("load").addEventListener("click", () => loadPartner($("partner-url").value));
$("play").addEventListener("click", () => messagesText !== null && play(messagesText));
$("messages-file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  messagesText = await file.text();
  log("note", `· ${file.name}: ${messagesText.trim().split(/\r?\n/).length} line(s)`);
});
$("delay").value = params.get("delay") ?? "400";

const partnerUrl = params.get("partner") ?? "../partner/?trace";
const messagesUrl = params.get("messages") ?? "../samples/sample-messages.jsonl";
$("partner-url").value = partnerUrl;
$("messages-url").value = messagesUrl;
$("messages-url").addEventListener("change", () => loadMessages($("messages-url").value));
await loadMessages(messagesUrl);
loadPartner(partnerUrl);
