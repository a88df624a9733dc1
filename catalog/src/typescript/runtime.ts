// ---------------------------------------------------------------------------------------------
// decode, route and sendEventArgs: the same rules as the Rust decoder (`partner_events::Decoder`),
// written once here and appended to every generated module by `partner-events typescript`.
// ---------------------------------------------------------------------------------------------

/** What {@link decode} made of a message: the words of the `partner-events decode` report. */
export type Outcome =
  | "ok"
  | "newer_compatible"
  | "unknown_event"
  | "unknown_version"
  | "not_event"
  | "invalid";

/** Where an event stands on the decoder's date (`lifecycle` of the `decode` report). */
export type LifecycleStatus =
  | { readonly status: "not_yet_active"; readonly active: string }
  | { readonly status: "active" }
  | {
      readonly status: "deprecated";
      readonly sunset: string | null;
      readonly replacedBy: string | null;
    }
  | {
      readonly status: "sunset";
      readonly sunset: string;
      readonly replacedBy: string | null;
      /** `true` under the `"flag"` sunset policy, `false` under `"accept"`. */
      readonly flagged: boolean;
    };

/** A catalog event the host sends, decoded and typed; narrow on `event` to get its payload. */
export type DecodedEvent<K extends ReceivedEventName = ReceivedEventName> = {
  [N in K]: {
    /** `ok`: a version the catalog lists; `newer_compatible`: a newer minor or patch of a
     * major it knows, read with that major's newest schema. */
    readonly outcome: "ok" | "newer_compatible";
    /** The event name. */
    readonly event: N;
    /** The catalog version for `ok`, the version the message carried for `newer_compatible`. */
    readonly schemaVersion: string;
    /** Where the event stands on the decoder's date. */
    readonly lifecycle: LifecycleStatus;
    /** The payload, unknown keys stripped at every depth. */
    readonly value: ReceivedPayloads[N];
    readonly error: null;
    /** The envelope's `type`. */
    readonly kind: "event";
  };
}[K];

/** An event the catalog does not know, or a version of it the catalog cannot read. */
export interface UndecodedEvent {
  readonly outcome: "unknown_event" | "unknown_version";
  /** `message.eventName`. */
  readonly event: string;
  /** The payload's `schemaVersion`, else the envelope's; `null` when neither has one. */
  readonly schemaVersion: string | null;
  readonly lifecycle: null;
  /** `message.value`, untouched. */
  readonly value: unknown;
  readonly error: null;
  readonly kind: "event";
}

/** A message that is not an event (`response`, `error`, ...): reported, not an error. */
export interface NotEvent {
  readonly outcome: "not_event";
  readonly event: null;
  readonly schemaVersion: null;
  readonly lifecycle: null;
  /** The envelope's `message`, untouched. */
  readonly value: unknown;
  readonly error: null;
  /** The envelope's `type`. */
  readonly kind: string;
  /** For the answer to `system.getEvents()`: event name to the versions the host sends. */
  readonly getEvents: Readonly<Record<string, readonly string[]>> | null;
}

/** A message refused, with the reason. */
export interface Invalid {
  readonly outcome: "invalid";
  /** The event, when the payload or the sunset policy refused it. */
  readonly event: string | null;
  /** The version the payload was checked against, when the payload was refused. */
  readonly schemaVersion: string | null;
  readonly lifecycle: null;
  readonly value: null;
  /** Why, in the words of the Rust decoder. */
  readonly error: string;
  readonly kind: null;
}

/** Everything {@link decode} can return. Nothing is dropped: what is not decoded is kept. */
export type Decoded = DecodedEvent | UndecodedEvent | NotEvent | Invalid;

/** How {@link decode} judges a message. */
export interface DecodeOptions {
  /** The day lifecycles are judged on, `YYYY-MM-DD` or a `Date` (its UTC day); default today. */
  readonly asOf?: string | Date;
  /** Events past their sunset: decode them (`accept`), decode and flag them (`flag`, the
   * default), or refuse them (`reject`). */
  readonly sunset?: "accept" | "flag" | "reject";
  /** The largest JSON text accepted, in UTF-8 bytes (default 16 MiB, as in Rust). */
  readonly maxBytes?: number;
}

/** Handlers keyed by event name, each given its typed payload; `fallback` gets everything else
 * (other outcomes, and events without a handler). The TypeScript counterpart of `#[handler]`. */
export type Handlers<R = unknown> = {
  readonly [K in ReceivedEventName]?: (value: ReceivedPayloads[K], decoded: DecodedEvent<K>) => R;
} & {
  readonly fallback?: (decoded: Decoded) => R;
};

/** The largest JSON text {@link decode} accepts by default, in bytes. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const DAY_MS = 86_400_000;

/** The day this module was loaded: days only move forward, so an event with no deprecation or
 * sunset that was active then is active now, and the clock need not be read for it. */
const LOADED_ON = Math.floor(Date.now() / DAY_MS);

interface ReceivedEntry {
  readonly version: string;
  readonly parts: readonly [string, string, string];
  readonly schema: z.ZodType;
  /** The schema refuses a `schemaVersion` other than `version`: a payload that names no version
   * or another is read as `version` first (read as it is, it would only be refused). */
  readonly requiresVersion: boolean;
  readonly lifecycle: LifecycleFacts;
}

interface LifecycleFacts {
  readonly active: number;
  readonly activeText: string;
  readonly deprecation: number | null;
  readonly sunset: number | null;
  readonly sunsetText: string | null;
  readonly replacedBy: string | null;
}

function facts(event: EventFacts): LifecycleFacts {
  return {
    active: dayNumber(event.active) as number,
    activeText: event.active,
    deprecation: event.deprecation === null ? null : dayNumber(event.deprecation),
    sunset: event.sunset === null ? null : dayNumber(event.sunset),
    sunsetText: event.sunset,
    replacedBy: event.replacedBy,
  };
}

/** Received events by name, each with its versions oldest first. A `Map`, so that names such as
 * `constructor` are not found on a prototype. */
const RECEIVED: ReadonlyMap<string, readonly ReceivedEntry[]> = (() => {
  const table = new Map<string, ReceivedEntry[]>();
  for (const name of Object.keys(RECEIVED_SCHEMAS)) {
    const event = EVENTS[name as EventName];
    const lifecycle = facts(event);
    const versions = RECEIVED_SCHEMAS[name as ReceivedEventName] as Readonly<
      Record<string, z.ZodType>
    >;
    table.set(
      name,
      event.versions.map((version) => {
        const schema = versions[version] as z.ZodType;
        return {
          version,
          parts: version.split(".") as unknown as readonly [string, string, string],
          schema,
          requiresVersion: requiresVersion(schema, version),
          lifecycle,
        };
      }),
    );
  }
  return table;
})();

/** Whether `schema` is an object whose `schemaVersion` can only be `version`. */
function requiresVersion(schema: z.ZodType, version: string): boolean {
  if (!(schema instanceof z.ZodObject)) return false;
  const field = (schema.shape as Readonly<Record<string, z.ZodType | undefined>>)["schemaVersion"];
  return field instanceof z.ZodLiteral && field.values.size === 1 && field.values.has(version);
}

/**
 * Decodes what a partner's `onMessage` receives, the object or its JSON text, with the Rust
 * decoder's rules: the same `outcome`, `event` and `schemaVersion` as `partner-events decode`
 * reports for the same message on the same date. Never throws.
 *
 * An object is judged as its JSON text would be: a key whose value is `undefined` is absent, and
 * values JSON cannot carry (functions, cycles, `BigInt`) are refused.
 */
export function decode(message: unknown, options?: DecodeOptions): Decoded {
  try {
    return decodeMessage(message, options);
  } catch (thrown) {
    // a getter or proxy of a hostile object threw, or a cycle through typed fields overflowed
    // the stack
    return invalid(null, null, `cannot be decoded: ${describeThrown(thrown)}`);
  }
}

/**
 * Decodes `message` and calls the handler for its event with the typed payload, or `fallback`
 * with anything else. Returns what the handler returned (a promise, for an async handler), or
 * `undefined` when nothing handled the message. Never throws, except what a handler throws.
 */
export function route<R>(
  message: unknown,
  handlers: Handlers<R>,
  options?: DecodeOptions,
): R | undefined {
  const decoded = decode(message, options);
  if (decoded.outcome === "ok" || decoded.outcome === "newer_compatible") {
    if (Object.prototype.hasOwnProperty.call(handlers, decoded.event)) {
      const handler = handlers[decoded.event] as
        | ((value: unknown, decoded: Decoded) => R)
        | undefined;
      if (handler !== undefined) return handler(decoded.value, decoded);
    }
  }
  return handlers.fallback === undefined ? undefined : handlers.fallback(decoded);
}

/**
 * The arguments of the partner SDK's `system.sendEvent(name, data)` for an event the partner
 * sends, checked at compile time: `partnerSDK.system.sendEvent(...sendEventArgs(name, data))`.
 * A received event's name, or a payload missing a required field, is a type error.
 */
export function sendEventArgs<K extends SendEventName>(
  name: K,
  data: SendPayloads[K],
): [name: K, data: SendPayloads[K]] {
  return [name, data];
}

function decodeMessage(message: unknown, options: DecodeOptions | undefined): Decoded {
  let envelope = message;
  let fromText = false;
  if (typeof message === "string") {
    const limit = options?.maxBytes ?? MAX_MESSAGE_BYTES;
    const bytes = utf8Length(message, limit);
    if (bytes > limit) {
      return invalid(null, null, `message of ${bytes} bytes is over the ${limit}-byte limit`);
    }
    try {
      envelope = JSON.parse(message);
    } catch (thrown) {
      return invalid(null, null, `not JSON: ${describeThrown(thrown)}`);
    }
    fromText = true;
  }
  if (!isObject(envelope)) {
    return notSdk(
      `an SDK message is a JSON object with \`type\` and \`message\`, not ${kindOf(envelope)}`,
    );
  }
  const kind = envelope["type"];
  if (kind === undefined || kind === null) return notSdk("`type` is missing");
  if (typeof kind !== "string") return notSdk(`\`type\` must be a string, not ${kindOf(kind)}`);
  const envelopeVersion = envelope["schemaVersion"];
  if (envelopeVersion !== undefined && envelopeVersion !== null) {
    if (typeof envelopeVersion !== "string") {
      return notSdk(`\`schemaVersion\` must be a string, not ${kindOf(envelopeVersion)}`);
    }
  }
  const body = envelope["message"];
  if (body === undefined || body === null) return notSdk("the envelope has no `message`");
  if (kind !== "event") {
    let getEvents: Record<string, string[]> | null = null;
    if (kind === "response") {
      const answer = getEventsAnswer(body);
      if (typeof answer === "string") return invalid(null, null, answer);
      getEvents = answer;
    }
    return {
      outcome: "not_event",
      event: null,
      schemaVersion: null,
      lifecycle: null,
      value: body,
      error: null,
      kind,
      getEvents,
    };
  }
  if (!isObject(body)) {
    return notSdk(
      `the \`message\` of an event is an object with \`eventName\` and \`value\`, not ${kindOf(body)}`,
    );
  }
  const name = body["eventName"];
  if (name === undefined || name === null) return notSdk("`message.eventName` is missing");
  if (typeof name !== "string") {
    return notSdk(`\`message.eventName\` must be a string, not ${kindOf(name)}`);
  }
  // null is a value (an unknown event's is kept; a known event's schema refuses it)
  const value = body["value"];
  if (value === undefined) return notSdk("the event message has no `value`");
  return classify(
    name,
    value,
    typeof envelopeVersion === "string" ? envelopeVersion : null,
    fromText,
    // JSON text can escape half a surrogate pair, which the Rust decoder refuses where it reads
    // the string; walking the payload for them costs a fifth of a zod parse, so only when the
    // text has such an escape at all
    fromText && (message as string).indexOf("\\u") !== -1 && /\\u[dD][89a-fA-F]/.test(message as string),
    options,
  );
}

/** Finds the version and the schema of a payload, and reads it. */
function classify(
  name: string,
  value: unknown,
  envelopeVersion: string | null,
  fromText: boolean,
  surrogateEscapes: boolean,
  options: DecodeOptions | undefined,
): Decoded {
  const entries = RECEIVED.get(name);
  const payloadVersion =
    isObject(value) && typeof value["schemaVersion"] === "string"
      ? (value["schemaVersion"] as string)
      : null;
  const versionText = payloadVersion ?? envelopeVersion;
  if (entries === undefined) return undecoded("unknown_event", name, versionText, value);
  let entry = entries[entries.length - 1] as ReceivedEntry;
  let exact = true;
  // the common case first: the version as the catalog writes it
  let listedAsWritten: ReceivedEntry | undefined;
  if (versionText !== null) {
    for (const e of entries) if (e.version === versionText) listedAsWritten = e;
  }
  if (listedAsWritten !== undefined) {
    entry = listedAsWritten;
  } else if (versionText !== null) {
    const sent = parseVersion(versionText);
    if (sent === null) return undecoded("unknown_version", name, versionText, value);
    let listed: ReceivedEntry | undefined;
    for (const e of entries) if (compareParts(e.parts, sent) === 0) listed = e;
    if (listed !== undefined) {
      entry = listed;
    } else {
      let sameMajor: ReceivedEntry | undefined;
      for (const e of entries) if (e.parts[0] === sent[0]) sameMajor = e;
      if (sameMajor === undefined || compareParts(sameMajor.parts, sent) >= 0) {
        return undecoded("unknown_version", name, versionText, value);
      }
      entry = sameMajor;
      exact = false;
    }
  }
  // A payload that names another version (newer compatible) or none (the docs' samples) is read
  // as the entry's version.
  const needsPatch = payloadVersion === null || !exact;
  let read = readPayload(entry, value, needsPatch);
  if (read.output.issues.length !== 0 && !fromText) {
    // judged as its JSON text would be: `undefined` keys absent, `toJSON` applied (an object
    // given `undefined` for an optional key alone was read so already, without the copy)
    let json: unknown;
    try {
      json = JSON.parse(JSON.stringify(value));
    } catch (thrown) {
      return invalid(
        name,
        versionText ?? entry.version,
        `\`${name}\` ${versionText ?? entry.version} payload is not JSON: ${describeThrown(thrown)}`,
      );
    }
    read = readPayload(entry, json, needsPatch);
  }
  if (read.output.issues.length !== 0) {
    const version = versionText ?? entry.version;
    // the issues as zod words them: the refused input again, through safeParse
    const refused = entry.schema.safeParse(read.input);
    const why = refused.success ? "" : describeIssues(refused.error);
    return invalid(name, version, `\`${name}\` ${version} payload refused ${why}`);
  }
  const data = read.output.value;
  if (surrogateEscapes && hasLoneSurrogate(data)) {
    const lone = loneSurrogatePath(data);
    // JSON text cannot carry it: the Rust decoder refuses such a string where it reads one
    const version = versionText ?? entry.version;
    return invalid(name, version, `\`${name}\` ${version} payload refused at \`${lone}\`: a lone surrogate`);
  }
  const status = lifecycleOn(entry.lifecycle, options);
  if (typeof status === "string") return invalid(null, null, status);
  if (status.status === "sunset") {
    const policy = options?.sunset ?? "flag";
    if (policy === "reject") {
      const use = status.replacedBy === null ? "" : `; use \`${status.replacedBy}\``;
      return invalid(name, null, `\`${name}\` was sunset on ${status.sunset}${use}`);
    }
  }
  return {
    outcome: exact ? "ok" : "newer_compatible",
    event: name,
    schemaVersion: exact ? entry.version : (versionText as string),
    lifecycle: status,
    value: data,
    error: null,
    kind: "event",
  } as DecodedEvent;
}

/** A read of a payload: what the schema made of `input` (refused when it has issues). */
interface Read {
  readonly input: unknown;
  readonly output: z.core.ParsePayload;
}

/** Reads a payload with the entry's schema; with `patch`, a payload refused as it is is read as
 * the entry's version. */
function readPayload(entry: ReceivedEntry, value: unknown, patch: boolean): Read {
  if (!patch || !isObject(value)) return { input: value, output: parseWith(entry.schema, value) };
  const patched = { ...value, schemaVersion: entry.version };
  if (entry.requiresVersion) {
    // as it is, the schema can only refuse it: one pass, unless refused either way
    const output = parseWith(entry.schema, patched);
    if (output.issues.length === 0) return { input: patched, output };
    return { input: value, output: parseWith(entry.schema, value) };
  }
  const first = parseWith(entry.schema, value);
  if (first.issues.length === 0) return { input: value, output: first };
  const second = parseWith(entry.schema, patched);
  return second.issues.length === 0 ? { input: patched, output: second } : { input: value, output: first };
}

/** A refusal that stands for "read the object as its JSON text". */
const AS_JSON: z.core.ParsePayload = Object.freeze({
  value: undefined,
  issues: Object.freeze([{ code: "custom", input: undefined }]) as unknown as z.core.$ZodRawIssue[],
});

/**
 * What `schema` makes of `input`: zod's parse, without the copy of its result `safeParse` makes.
 *
 * An object given `undefined` for an optional key (a page's own objects, or postMessage's copy of
 * them, keep such keys; JSON text cannot) is read as its JSON text would be, with the key absent.
 * When that is the only thing refused, the keys are taken out of what the schema made, where its
 * issues point; when something else is refused too, or a union took another of its members
 * instead, the answer is {@link AS_JSON}, and the caller reads the object's JSON text.
 */
function parseWith(schema: z.ZodType, input: unknown): z.core.ParsePayload {
  const made = presentUndefinedMade;
  const output = schema._zod.run({ value: input, issues: [] }, { async: false });
  // every schema of this module is synchronous; safeParse would throw the same
  if (output instanceof Promise) throw new Error("a schema of this module answered asynchronously");
  if (made === presentUndefinedMade) return output;
  const issues = output.issues;
  if (issues.length === 0) return AS_JSON;
  for (const issue of issues) {
    if (!(issue instanceof PresentUndefined) || issue.path === undefined || issue.path.length === 0) return AS_JSON;
  }
  for (const issue of issues) {
    // the object that holds the key, and what holds it (zod made both: they are not the input)
    const path = issue.path as PropertyKey[];
    let holder: unknown = output;
    let at: PropertyKey = "value";
    for (let i = 0; i < path.length - 1; i++) {
      holder = (holder as Record<PropertyKey, unknown>)[at];
      at = path[i] as PropertyKey;
      if (typeof holder !== "object" || holder === null) return AS_JSON;
    }
    const object = (holder as Record<PropertyKey, unknown>)[at];
    if (typeof object !== "object" || object === null) return AS_JSON;
    // a copy without the key, rather than `delete`, which would leave the object slow to read
    const key = path[path.length - 1];
    const copy: Record<string, unknown> = {};
    for (const k in object) if (k !== key) copy[k] = (object as Record<string, unknown>)[k];
    (holder as Record<PropertyKey, unknown>)[at] = copy;
  }
  return { value: output.value, issues: [] };
}

function lifecycleOn(
  event: LifecycleFacts,
  options: DecodeOptions | undefined,
): LifecycleStatus | string {
  let day: number;
  const asOf = options?.asOf;
  if (asOf === undefined) {
    if (event.deprecation === null && event.sunset === null && event.active <= LOADED_ON) {
      return ACTIVE;
    }
    day = Math.floor(Date.now() / DAY_MS);
  } else if (asOf instanceof Date) {
    day = Math.floor(asOf.getTime() / DAY_MS);
    if (!Number.isFinite(day)) return "`options.asOf` is an invalid Date";
  } else if (asOf === lastAsOf) {
    day = lastAsOfDay;
  } else {
    const parsed = typeof asOf === "string" ? dayNumber(asOf) : null;
    if (parsed === null) {
      return `\`options.asOf\` \`${String(asOf)}\` is not a date; write it as YYYY-MM-DD`;
    }
    day = parsed;
    lastAsOf = asOf;
    lastAsOfDay = parsed;
  }
  if (day < event.active) return { status: "not_yet_active", active: event.activeText };
  if (event.sunset !== null && day > event.sunset) {
    return {
      status: "sunset",
      sunset: event.sunsetText as string,
      replacedBy: event.replacedBy,
      flagged: (options?.sunset ?? "flag") === "flag",
    };
  }
  if (event.deprecation !== null && day >= event.deprecation) {
    return { status: "deprecated", sunset: event.sunsetText, replacedBy: event.replacedBy };
  }
  return ACTIVE;
}

/** The last `asOf` text and its day: a page passes the same date with every message. */
let lastAsOf: string | undefined;
let lastAsOfDay = 0;

const ACTIVE: LifecycleStatus = Object.freeze({ status: "active" });

/** `YYYY-MM-DD` to days since 1970-01-01, checking that the day exists; `null` otherwise. */
function dayNumber(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null;
  }
  return Math.floor(date.getTime() / DAY_MS);
}

/** `MAJOR.MINOR.PATCH` as Rust's `SchemaVersion::parse` reads it: digits, no leading zeros, each
 * part a u64. Parts stay strings (u64 is past JavaScript's exact integers); without leading
 * zeros, longer means larger. */
function parseVersion(text: string): [string, string, string] | null {
  const parts = text.split(".");
  if (parts.length !== 3) return null;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]*)$/.test(part)) return null;
    if (part.length > 20 || (part.length === 20 && part > "18446744073709551615")) return null;
  }
  return parts as [string, string, string];
}

function compareNumber(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareParts(
  a: readonly [string, string, string],
  b: readonly [string, string, string],
): number {
  return compareNumber(a[0], b[0]) || compareNumber(a[1], b[1]) || compareNumber(a[2], b[2]);
}

/** The answer to `getEvents`, `null` for a response to anything else, or why it is refused. */
function getEventsAnswer(body: unknown): Record<string, string[]> | null | string {
  if (!isObject(body)) return null;
  const request = body["request"];
  const namespace = body["namespace"];
  const stringOrAbsent = (v: unknown) => v === undefined || v === null || typeof v === "string";
  if (!stringOrAbsent(request) || !stringOrAbsent(namespace)) return null;
  if (request !== "getEvents" || (namespace !== undefined && namespace !== null && namespace !== "system")) {
    return null;
  }
  const value = body["value"];
  if (value === undefined || value === null) {
    return "invalid getEvents response: `message.value` is missing";
  }
  const refused =
    "invalid getEvents response: `message.value` must map event names to lists of schema versions";
  if (!isObject(value)) return refused;
  const events: Record<string, string[]> = {};
  for (const [event, versions] of Object.entries(value)) {
    if (versions === undefined) continue;
    if (!Array.isArray(versions) || !versions.every((v) => typeof v === "string")) return refused;
    events[event] = versions as string[];
  }
  return events;
}

function undecoded(
  outcome: "unknown_event" | "unknown_version",
  event: string,
  schemaVersion: string | null,
  value: unknown,
): UndecodedEvent {
  return { outcome, event, schemaVersion, lifecycle: null, value, error: null, kind: "event" };
}

function invalid(event: string | null, schemaVersion: string | null, error: string): Invalid {
  return { outcome: "invalid", event, schemaVersion, lifecycle: null, value: null, error, kind: null };
}

function notSdk(reason: string): Invalid {
  return invalid(null, null, `not an SDK message: ${reason}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "an array", "a string", ... for messages about the wrong kind of value. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "object":
      return "an object of another shape";
    case "string":
      return "a string";
    case "boolean":
      return "a boolean";
    case "number":
    case "bigint":
      return "a number";
    case "undefined":
      return "undefined";
    default:
      return `a ${typeof value}`;
  }
}

/** The first problem zod found, with its path written as the Rust decoder writes it. */
function describeIssues(error: z.ZodError): string {
  const issues = error.issues;
  const first = issues[0];
  if (first === undefined) return "";
  let path = "";
  for (const key of first.path) {
    if (typeof key === "number") path += `[${key}]`;
    else path += path === "" ? String(key) : `.${String(key)}`;
  }
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return `${path === "" ? "" : `at \`${path}\`: `}${first.message}${more}`;
}

function describeThrown(thrown: unknown): string {
  try {
    return thrown instanceof Error ? thrown.message : String(thrown);
  } catch {
    return "an exception that cannot be printed";
  }
}

const isWellFormed: (text: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === "function"
    ? (text) => (text as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (text) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

/** Whether a decoded payload holds a string with a lone surrogate. Only what the schema kept is
 * walked: unknown keys are already stripped. */
function hasLoneSurrogate(node: unknown): boolean {
  if (typeof node === "string") return !isWellFormed(node);
  if (typeof node !== "object" || node === null) return false;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) if (hasLoneSurrogate(node[i])) return true;
    return false;
  }
  for (const key in node) {
    if (hasLoneSurrogate((node as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** The path of the string {@link hasLoneSurrogate} found, written as the Rust decoder writes
 * paths; only looked for once one is known to be there. */
function loneSurrogatePath(node: unknown): string {
  if (typeof node !== "object" || node === null) return "";
  for (const key of Object.keys(node)) {
    const child = (node as Record<string, unknown>)[key];
    if (!hasLoneSurrogate(child)) continue;
    const rest = loneSurrogatePath(child);
    const here = Array.isArray(node) ? `[${key}]` : key;
    return rest === "" ? here : rest.startsWith("[") ? here + rest : `${here}.${rest}`;
  }
  return "";
}

/** The UTF-8 length of `text`, counted only when it could be over `limit`. */
function utf8Length(text: string, limit: number): number {
  // a UTF-16 unit is at most 3 UTF-8 bytes, and a string longer than the limit is over it
  if (text.length * 3 <= limit || text.length > limit) return text.length * 3 <= limit ? 0 : text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
