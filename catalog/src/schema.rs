//! JSON Schema (draft 2020-12) for event payloads and the SDK envelope, from the same model the
//! Rust types come from, so that the two accept exactly the same JSON:
//!
//! - optional fields are left out of `required`; `null` is allowed only where the field is
//!   nullable (an optional, non-nullable field refuses `null`, as the types and zod do);
//! - literals are `const`, enums are `enum`, unions are `anyOf` (serde tries them in order);
//! - objects allow unknown properties, as the types accept and drop them;
//! - shapes are `$defs` referenced with `$ref`, so each document is self-contained;
//! - an open payload is the `true` schema, with a description saying why.

use serde_json::{json, Map, Value};

use crate::envelope;
use crate::model::{Catalog, Event, Object, Payload, Type, Version};

/// The JSON Schema dialect every document declares.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// One self-contained schema document for one version of an event's payload.
pub fn payload_schema(catalog: &Catalog, event: &Event, version: &Version) -> Value {
    let mut defs = Map::new();
    let mut schema = match &version.payload {
        Payload::Open(why) => json!({
            "description": format!("Payload not yet documented: kept as open JSON. {why}"),
        }),
        Payload::Object(object) => object_schema(object, catalog, &mut defs, Refs::DEFS),
    };
    let body = schema.as_object_mut().expect("schemas here are objects");
    let mut document = Map::new();
    document.insert("$schema".into(), json!(DIALECT));
    document.insert(
        "title".into(),
        json!(format!("{} {} payload", event.name, version.version)),
    );
    document.append(body);
    if !defs.is_empty() {
        document.insert("$defs".into(), Value::Object(defs));
    }
    Value::Object(document)
}

/// The envelope a partner's `onMessage` receives, for any message, with event messages checked
/// for `eventName` and `value`.
pub fn envelope_schema() -> Value {
    let mut schema = envelope::any_message_schema();
    schema["$schema"] = json!(DIALECT);
    schema["title"] = json!("SDK message (onMessage)");
    schema
}

/// The request the SDK posts for `system.sendEvent`, for any event name and data.
pub fn send_request_schema() -> Value {
    let mut schema = envelope::send_request_schema(json!({"type": "string"}), Value::Bool(true));
    schema["$schema"] = json!(DIALECT);
    schema["title"] = json!("SDK sendEvent request");
    schema
}

/// Every event's payload schemas, by event name and then version, with the envelope.
pub fn catalog_schemas(catalog: &Catalog) -> Value {
    let mut events = Map::new();
    for event in &catalog.events {
        let versions: Map<String, Value> = event
            .versions
            .iter()
            .map(|v| (v.version.to_string(), payload_schema(catalog, event, v)))
            .collect();
        events.insert(event.name.clone(), Value::Object(versions));
    }
    json!({
        "envelope": envelope_schema(),
        "send_request": send_request_schema(),
        "events": events,
    })
}

/// Where a document keeps its shapes: `#/$defs/` in a JSON Schema document of its own,
/// `#/components/schemas/` in an AsyncAPI document.
#[derive(Clone, Copy)]
pub(crate) struct Refs(pub(crate) &'static str);

impl Refs {
    const DEFS: Refs = Refs("#/$defs/");
}

/// The schema of an object type, with the shapes it uses added to `defs`.
pub(crate) fn object_schema(
    object: &Object,
    catalog: &Catalog,
    defs: &mut Map<String, Value>,
    refs: Refs,
) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in &object.fields {
        let mut schema = type_schema(&field.ty, catalog, defs, refs);
        if field.nullable {
            schema = json!({"anyOf": [schema, {"type": "null"}]});
        }
        if let Some(doc) = &field.doc {
            if let Some(map) = schema.as_object_mut() {
                map.insert("description".into(), json!(doc));
            }
        }
        if !field.optional {
            required.push(json!(field.wire_name));
        }
        properties.insert(field.wire_name.clone(), schema);
    }
    json!({"type": "object", "properties": properties, "required": required})
}

/// The schema of a type, with the shapes it uses added to `defs`.
pub(crate) fn type_schema(
    ty: &Type,
    catalog: &Catalog,
    defs: &mut Map<String, Value>,
    refs: Refs,
) -> Value {
    match ty {
        Type::String => json!({"type": "string"}),
        Type::Number => json!({"type": "number"}),
        Type::Boolean => json!({"type": "boolean"}),
        Type::Json => json!({}),
        Type::Literal(value) => json!({"const": value}),
        Type::Enum(values) => json!({"enum": values}),
        Type::Array(item) => {
            json!({"type": "array", "items": type_schema(item, catalog, defs, refs)})
        }
        Type::Map(value) => {
            json!({"type": "object", "additionalProperties": type_schema(value, catalog, defs, refs)})
        }
        Type::Union(variants) => {
            let any_of: Vec<Value> = variants
                .iter()
                .map(|v| type_schema(v, catalog, defs, refs))
                .collect();
            json!({"anyOf": any_of})
        }
        Type::Object(object) => object_schema(object, catalog, defs, refs),
        Type::Named(name) => {
            if !defs.contains_key(name) {
                // placeholder first, so a shape that refers to itself through an array ends
                defs.insert(name.clone(), Value::Bool(true));
                let shape = &catalog.shapes[name];
                let mut schema = type_schema(&shape.ty, catalog, defs, refs);
                if let (Some(doc), Some(map)) = (&shape.doc, schema.as_object_mut()) {
                    map.insert("description".into(), json!(doc));
                }
                defs.insert(name.clone(), schema);
            }
            json!({"$ref": format!("{}{name}", refs.0)})
        }
    }
}
