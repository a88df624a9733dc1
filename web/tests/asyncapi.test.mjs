// The AsyncAPI document (`partner-events asyncapi`): valid for the official parser, in YAML and
// JSON, with a receive and a send operation from the partner app's point of view, one message per
// event and schema version, deprecation where the catalog has it, and payload schemas (draft-07,
// AsyncAPI's default format) that accept the `sample` command's output for their event; and the
// NATS backbone's channels (`partner-events.page.{agent}`, `partner-events.send.{agent}`,
// `partner-events.events.{event}`) on the `nats` server, with nats bindings.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { Parser } from "@asyncapi/parser";
import Ajv from "ajv";
import { catalogVersions, cli, sampleLines } from "./support/typescript.mjs";

let yaml;
let json;

/** The components.schemas entry of a message's event payload. */
function payloadSchemaOf(message) {
  const body = message.payload.properties.message.properties.value;
  const ref = body.$ref ?? body.properties.data.$ref;
  return json.components.schemas[ref.split("/").pop()];
}
before(() => {
  yaml = cli(["asyncapi"]).stdout;
  json = JSON.parse(cli(["asyncapi", "--format", "json"]).stdout);
});

test("the official parser accepts the document, in YAML and in JSON, with no errors", async () => {
  const parser = new Parser();
  for (const [format, text] of [["yaml", yaml], ["json", JSON.stringify(json)]]) {
    const { document, diagnostics } = await parser.parse(text);
    // severity 0 is an error, 1 a warning, 2 information, 3 a hint
    for (const d of diagnostics) console.log(`${format}: severity ${d.severity} ${d.code}: ${d.message} at ${d.path.join(".")}`);
    assert.deepEqual(diagnostics.filter((d) => d.severity === 0).map((d) => d.message), [], format);
    assert.ok(document, `${format}: the parser gave no document`);
    const versions = catalogVersions();
    assert.equal(document.components().messages().length, versions.length);
    const actions = document.operations().all().map((op) => `${op.id()} ${op.action()}`).sort();
    assert.deepEqual(actions, [
      "receiveHostEvents receive",
      "receiveNatsPageMessages receive",
      "receiveNatsSendEvents receive",
      "sendNatsEvents send",
      "sendPartnerEvents send",
    ]);
  }
});

test("the NATS backbone's channels, on the nats server, with their parameters, nats bindings and headers", async () => {
  const versions = catalogVersions();
  const received = new Set(JSON.parse(cli(["lifecycle", "--json"]).stdout).events.filter((e) => e.direction === "received").map((e) => e.event));
  const receivedKeys = versions.filter((v) => received.has(v.event)).map((v) => `${v.event}_${v.version}`);
  const channels = {
    natsPageMessages: { address: "partner-events.page.{agent}", parameter: "agent", operation: "receiveNatsPageMessages receive", messages: ["pageMessage"] },
    natsSendEvents: { address: "partner-events.send.{agent}", parameter: "agent", operation: "receiveNatsSendEvents receive", messages: ["sendEvent"] },
    natsEvents: { address: "partner-events.events.{event}", parameter: "event", operation: "sendNatsEvents send", messages: [...receivedKeys, "otherEvent"] },
  };
  for (const text of [yaml, JSON.stringify(json)]) {
    const { document } = await new Parser().parse(text);
    const server = document.servers().get("nats");
    assert.ok(server, "a nats server");
    assert.equal(server.protocol(), "nats");
    for (const [id, expected] of Object.entries(channels)) {
      const channel = document.channels().get(id);
      assert.ok(channel, id);
      assert.equal(channel.address(), expected.address);
      assert.deepEqual(channel.parameters().all().map((p) => p.id()), [expected.parameter], `${id} parameters`);
      assert.deepEqual(channel.servers().all().map((s) => s.id()), ["nats"], `${id} servers`);
      assert.deepEqual(channel.messages().all().map((m) => m.id()).sort(), [...expected.messages].sort(), `${id} messages`);
      const operations = channel.operations().all();
      assert.deepEqual(operations.map((op) => `${op.id()} ${op.action()}`), [expected.operation], id);
      const binding = operations[0].bindings().get("nats");
      assert.ok(binding, `${expected.operation}: a nats binding`);
      assert.equal(binding.version(), "0.1.0");
      // the messages the operation names are its channel's, all of them
      assert.deepEqual(operations[0].messages().all().map((m) => m.id()).sort(), [...expected.messages].sort());
    }
    for (const message of document.channels().get("natsEvents").messages().all()) {
      const headers = message.headers();
      assert.ok(headers, `${message.id()}: headers`);
      assert.deepEqual(Object.keys(headers.properties()).sort(), ["Nats-Msg-Id", "Partner-Events-Agent"], message.id());
      assert.deepEqual(headers.required(), ["Nats-Msg-Id"], message.id());
    }
  }
  // the SDK channels are as they were
  assert.deepEqual(Object.keys(json.channels.hostEvents.messages).sort(), receivedKeys.sort());
  assert.equal(json.channels.hostEvents.address, "onMessage");
  assert.equal(json.channels.partnerEvents.address, "system.sendEvent");
});

test("one message per event and version, in its direction's channel, with its lifecycle", () => {
  const versions = catalogVersions();
  const events = JSON.parse(cli(["lifecycle", "--json", "--as-of", "2026-11-27"]).stdout).events;
  for (const { event, version } of versions) {
    const key = `${event}_${version}`;
    const message = json.components.messages[key];
    assert.ok(message, key);
    const row = events.find((e) => e.event === event);
    const channel = row.direction === "received" ? "hostEvents" : "partnerEvents";
    assert.ok(json.channels[channel].messages[key], `${key} in ${channel}`);
    assert.equal(message.name, event);
    assert.equal(message["x-schema-version"], version);
    assert.equal(message["x-active"], row.active);
    assert.equal(message["x-deprecation"], row.deprecation);
    assert.equal(message["x-sunset"], row.sunset);
    assert.equal(message["x-replaced-by"], row.replaced_by);
    assert.equal(payloadSchemaOf(message).deprecated === true, row.deprecation !== null, `${key} deprecated`);
  }
  assert.equal(json.asyncapi, "3.0.0");
});

test("each message's payload schema accepts every sample of its event, and refuses a broken one", () => {
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: false });
  ajv.addSchema(json, "asyncapi");
  const validators = new Map();
  const validator = (key) => {
    if (!validators.has(key)) validators.set(key, ajv.compile({ $ref: `asyncapi#/components/messages/${key}/payload` }));
    return validators.get(key);
  };
  let checked = 0;
  for (const { event, version, line } of sampleLines()) {
    const key = `${event}_${version}`;
    const sample = JSON.parse(line);
    const validate = validator(key);
    assert.ok(validate(sample), `${key} refuses ${line}: ${ajv.errorsText(validate.errors)}`);
    checked += 1;
    // the same sample under another event's name is refused
    const renamed = structuredClone(sample);
    if (renamed.type === "event") renamed.message.eventName = "aw-some-other-v1";
    else renamed.message.value.name = "aw-some-other-v1";
    assert.ok(!validate(renamed), `${key} accepts another event's name`);
    // and so is one without a required field of its payload
    const [required] = payloadSchemaOf(json.components.messages[key]).required ?? [];
    if (required !== undefined) {
      const broken = structuredClone(sample);
      delete (broken.type === "event" ? broken.message.value : broken.message.value.data)[required];
      assert.ok(!validate(broken), `${key} accepts a payload without ${required}`);
    }
  }
  console.log(`${checked} samples checked against their message's payload schema`);
});

test("the NATS channels' payloads: stored events as the SDK message, send events keyed by name", () => {
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: false });
  ajv.addSchema(json, "asyncapi");
  const compile = (pointer) => ajv.compile({ $ref: `asyncapi#${pointer}` });
  const sendEvent = compile("/channels/natsSendEvents/messages/sendEvent/payload");
  const otherEvent = compile("/channels/natsEvents/messages/otherEvent/payload");
  const stored = new Map();
  let receivedSample;
  let events = 0;
  let sends = 0;
  for (const { event, version, line } of sampleLines()) {
    const key = `${event}_${version}`;
    const sample = JSON.parse(line);
    if (sample.type === "event") {
      // what a page delivered is stored exactly as onMessage received it
      if (!stored.has(key)) stored.set(key, compile(`/channels/natsEvents/messages/${key}/payload`));
      const validate = stored.get(key);
      assert.ok(validate(sample), `natsEvents ${key} refuses ${line}: ${ajv.errorsText(validate.errors)}`);
      const renamed = structuredClone(sample);
      renamed.message.eventName = "aw-some-other-v1";
      assert.ok(!validate(renamed), `natsEvents ${key} accepts another event's name`);
      assert.ok(otherEvent(renamed), `otherEvent refuses ${JSON.stringify(renamed)}`);
      receivedSample ??= sample;
      events += 1;
      continue;
    }
    // a send event on partner-events.send.{agent} is the request's {name, data}
    const { name, data } = sample.message.value;
    assert.ok(sendEvent({ name, data }), `sendEvent refuses ${line}: ${ajv.errorsText(sendEvent.errors)}`);
    assert.ok(!sendEvent({ name: "aw-some-other-v1", data }), `sendEvent accepts another name: ${line}`);
    assert.ok(!sendEvent({ name, data, extra: 1 }), `sendEvent accepts an unknown field: ${line}`);
    assert.ok(!sendEvent({ name }), `sendEvent accepts no data: ${line}`);
    const [required] = payloadSchemaOf(json.components.messages[key]).required ?? [];
    if (required !== undefined) {
      const broken = structuredClone(data);
      delete broken[required];
      assert.ok(!sendEvent({ name, data: broken }), `sendEvent accepts ${key} without ${required}`);
    }
    sends += 1;
  }
  assert.ok(events > 0 && sends > 0, `${events} events, ${sends} send events`);
  // a received event is no send event, even with a payload of its own
  const { eventName, value } = receivedSample.message;
  assert.ok(!sendEvent({ name: eventName, data: value }), `sendEvent accepts the received event ${eventName}`);
  console.log(`${events} events and ${sends} send events checked against the NATS channels' payloads`);
});
