// The AsyncAPI document (`partner-events asyncapi`): valid for the official parser, in YAML and
// JSON, with a receive and a send operation from the partner app's point of view, one message per
// event and schema version, deprecation where the catalog has it, and payload schemas (draft-07,
// AsyncAPI's default format) that accept the `sample` command's output for their event.
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
    assert.equal(document.messages().length, versions.length);
    const actions = document.operations().all().map((op) => `${op.id()} ${op.action()}`).sort();
    assert.deepEqual(actions, ["receiveHostEvents receive", "sendPartnerEvents send"]);
  }
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
