//! Valid sample payloads and SDK messages for an event, from the same model the Rust types and the
//! JSON Schema come from: for partners' tests and for the host simulator (`partner-events
//! sample`).
//!
//! - [`Fill::Minimal`]: required fields only; arrays and maps empty; a required nullable field is
//!   `null`; a union takes its first alternative.
//! - [`Fill::Full`]: every optional field present with a value, every array and map non-empty.
//! - [`Fill::Random`]: each optional field present or not, each nullable one `null` or not, any
//!   enum value and union alternative, arrays of 0 to 3 items: from a seeded generator, so a seed
//!   gives the same samples every time.
//! - [`Fill::Choices`]: the same choices as random, each taken from the next byte of a sequence,
//!   and minimal once the bytes run out. A property-testing library that shrinks the bytes towards
//!   fewer and smaller ones (proptest does) so shrinks the sample towards the minimal one.
//!
//! Samples are what a host sends: where the catalog accepts more values on read than the host is
//! known to send (a field's `host_sends:`), samples use only the latter.
//!
//! Values are plausible for their field (`interactionId` is `interaction-1`, `email` an address,
//! `timestamp` epoch milliseconds), never `"string"`. A shape that contains itself is filled
//! minimally past [`MAX_DEPTH`] levels, so every sample is finite.

use serde_json::{json, Map, Number, Value};

use crate::envelope;
use crate::model::{Catalog, Event, Object, Payload, Type, Version};

/// Past this many nested objects, samples are filled minimally.
pub const MAX_DEPTH: usize = 6;

/// How to fill a sample.
pub enum Fill<'r> {
    /// Required fields only.
    Minimal,
    /// Every optional field, every array non-empty.
    Full,
    /// Chosen by a seeded generator.
    Random(&'r mut fastrand::Rng),
    /// Chosen by a sequence of bytes: `0` (and the end) is the minimal choice.
    Choices(&'r mut dyn Iterator<Item = u8>),
}

/// A valid payload (`message.value`) for one version of an event.
pub fn payload(catalog: &Catalog, version: &Version, fill: &mut Fill<'_>) -> Value {
    match &version.payload {
        // undocumented: any JSON is valid, and an empty object is the least surprising
        Payload::Open(_) => json!({}),
        Payload::Object(object) => Sampler { catalog, fill }.object(object, 0),
    }
}

/// The SDK message that carries a payload, as `onMessage` receives it, as one line of JSON with
/// the envelope's keys in the SDK's order (`type`, `schemaVersion`, `message`).
pub fn message(event: &Event, version: &Version, payload: &Value) -> String {
    envelope::event_message_text(&event.name, &version.version.to_string(), payload)
}

/// The request the partner's SDK posts for `system.sendEvent(name, data)` with a send-direction
/// event's payload, as one line of JSON with the SDK's keys in its order.
pub fn send_request(event: &Event, payload: &Value) -> String {
    envelope::send_request_text(&event.name, payload)
}

struct Sampler<'c, 'f, 'r> {
    catalog: &'c Catalog,
    fill: &'f mut Fill<'r>,
}

impl Sampler<'_, '_, '_> {
    fn object(&mut self, object: &Object, depth: usize) -> Value {
        let mut map = Map::new();
        for field in &object.fields {
            let present = !field.optional || self.choose(false, true);
            if !present {
                continue;
            }
            // a required nullable field is null when minimal; an optional one that is present has
            // a value when full
            let null = field.nullable && self.choose(!field.optional, false);
            let value = match &field.host_sends {
                _ if null => Value::Null,
                // what the host sends, when the catalog accepts more on read
                Some(sends) => json!(sends[self.pick(sends.len())]),
                None => self.value(&field.ty, &field.wire_name, depth + 1),
            };
            map.insert(field.wire_name.clone(), value);
        }
        Value::Object(map)
    }

    fn value(&mut self, ty: &Type, field: &str, depth: usize) -> Value {
        let deep = depth > MAX_DEPTH;
        match ty {
            Type::String => json!(plausible_string(field)),
            Type::Number => Value::Number(plausible_number(field)),
            Type::Boolean => json!(self.pick(2) == 1),
            Type::Json => json!({"note": format!("any JSON for {field}")}),
            Type::Literal(value) => json!(value),
            Type::Enum(values) => json!(values[self.pick(values.len())]),
            Type::Union(variants) => {
                let chosen = self.pick(variants.len());
                self.value(&variants[chosen], field, depth)
            }
            Type::Array(item) => {
                let count = if deep { 0 } else { self.count() };
                Value::Array(
                    (0..count)
                        .map(|_| self.value(item, field, depth + 1))
                        .collect(),
                )
            }
            Type::Map(value) => {
                let count = if deep { 0 } else { self.count() };
                let map = (0..count)
                    .map(|i| {
                        (
                            format!("{field}-key-{}", i + 1),
                            self.value(value, field, depth + 1),
                        )
                    })
                    .collect();
                Value::Object(map)
            }
            Type::Object(object) if deep => self.minimal(|s| s.object(object, depth)),
            Type::Object(object) => self.object(object, depth),
            Type::Named(name) => {
                let shape = &self.catalog.shapes[name];
                if deep {
                    self.minimal(|s| s.value(&shape.ty, field, depth))
                } else {
                    self.value(&shape.ty, field, depth)
                }
            }
        }
    }

    /// `minimal`, `full`, or a coin toss.
    fn choose(&mut self, minimal: bool, full: bool) -> bool {
        match self.fill {
            Fill::Minimal => minimal,
            Fill::Full => full,
            Fill::Random(rng) => rng.bool(),
            Fill::Choices(bytes) => match bytes.next() {
                Some(byte) if byte % 2 == 1 => !minimal,
                _ => minimal,
            },
        }
    }

    /// The first of `n` when minimal or full; any when random.
    fn pick(&mut self, n: usize) -> usize {
        match self.fill {
            Fill::Random(rng) => rng.usize(..n),
            Fill::Choices(bytes) => bytes.next().map_or(0, |byte| usize::from(byte) % n),
            Fill::Minimal | Fill::Full => 0,
        }
    }

    /// How many items an array or map gets.
    fn count(&mut self) -> usize {
        match self.fill {
            Fill::Minimal => 0,
            Fill::Full => 2,
            Fill::Random(rng) => rng.usize(..=3),
            Fill::Choices(bytes) => bytes.next().map_or(0, |byte| usize::from(byte % 4)),
        }
    }

    fn minimal(&mut self, sample: impl FnOnce(&mut Sampler<'_, '_, '_>) -> Value) -> Value {
        let mut fill = Fill::Minimal;
        sample(&mut Sampler {
            catalog: self.catalog,
            fill: &mut fill,
        })
    }
}

fn plausible_string(field: &str) -> String {
    let lower = field.to_ascii_lowercase();
    let has = |part: &str| lower.contains(part);
    if has("email") {
        "ada.lovelace@example.com".into()
    } else if has("url") || has("link") {
        format!("https://example.com/{field}")
    } else if has("firstname") {
        "Ada".into()
    } else if has("lastname") {
        "Lovelace".into()
    } else if lower == "name" || has("displayname") || has("botname") {
        "Ada Lovelace".into()
    } else if has("phone") || has("searchcontext") || has("number") {
        "+15550100".into()
    } else if has("message") || has("text") || has("body") {
        "Hello, I need help with my order.".into()
    } else if has("time") || has("date") {
        "2025-07-02T08:41:06.638Z".into()
    } else if lower == "type" {
        "text".into()
    } else if let Some(stem) = lower.strip_suffix("id") {
        let stem = if stem.is_empty() { "id" } else { stem };
        format!("{stem}-1")
    } else {
        format!("{field} 1")
    }
}

fn plausible_number(field: &str) -> Number {
    let lower = field.to_ascii_lowercase();
    if lower.contains("time") || lower.contains("date") {
        Number::from(1_751_445_666_638_u64)
    } else if lower.contains("size") {
        Number::from(20_480)
    } else if lower.contains("width") {
        Number::from(1920)
    } else if lower.contains("height") {
        Number::from(1080)
    } else {
        Number::from(1)
    }
}
