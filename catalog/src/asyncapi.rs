//! An AsyncAPI 3.0 document of the catalog, for docs portals, EventCatalog and code generators.
//!
//! The application described is the partner app:
//!
//! - channel `hostEvents` carries what the 8x8 host posts on the SDK's `MessagePort`, which the
//!   SDK hands to `onMessage`; operation `receiveHostEvents` receives it;
//! - channel `partnerEvents` carries the `system.sendEvent` requests the partner's SDK posts;
//!   operation `sendPartnerEvents` sends them.
//!
//! Each event and schema version is one message, named `<event>_<version>`. Its payload is the
//! whole SDK message as it travels (the envelope, with the event's name as a `const` and its
//! payload schema inside), in AsyncAPI's default schema format, a superset of draft-07 JSON
//! Schema: the same keywords the `schema` command writes, with shapes under
//! `components.schemas`. AsyncAPI 3.0 has `deprecated` only on schemas, so a deprecated event's
//! payload schema says `deprecated: true`, and its message carries the lifecycle in `x-` fields.

use serde_json::{json, Map, Value};

use crate::docs;
use crate::model::{Catalog, Direction, Event, Payload, Version};
use crate::naming::version_type_name;
use crate::schema::{object_schema, send_request, Refs};

const SHAPES: Refs = Refs("#/components/schemas/");

/// The channel and operation of each direction, from the partner app's point of view.
fn channel_of(direction: Direction) -> (&'static str, &'static str, &'static str) {
    match direction {
        Direction::Received => ("hostEvents", "receiveHostEvents", "receive"),
        Direction::Send => ("partnerEvents", "sendPartnerEvents", "send"),
    }
}

/// The message's key under `components.messages` and in its channel.
pub fn message_key(event: &Event, version: &Version) -> String {
    format!("{}_{}", event.name, version.version)
}

/// The document, as JSON (the `asyncapi` command writes it as YAML or JSON).
pub fn document(catalog: &Catalog) -> Value {
    let mut schemas = Map::new();
    let mut messages = Map::new();
    let mut channel_messages = [Map::new(), Map::new()];
    let mut operation_messages = [Vec::new(), Vec::new()];
    for event in &catalog.events {
        let index = usize::from(event.direction == Direction::Send);
        let (channel, _, _) = channel_of(event.direction);
        for version in &event.versions {
            let key = message_key(event, version);
            let type_name = version_type_name(event, &version.version);
            let mut payload = match &version.payload {
                Payload::Object(object) => object_schema(object, catalog, &mut schemas, SHAPES),
                Payload::Open(why) => {
                    json!({"description": format!("Payload not yet documented: kept as open JSON. {why}")})
                }
            };
            if event.deprecation.is_some() {
                payload["deprecated"] = json!(true);
            }
            payload["title"] = json!(type_name);
            schemas.insert(type_name.clone(), payload);
            messages.insert(key.clone(), message(event, version, &type_name));
            channel_messages[index].insert(
                key.clone(),
                json!({"$ref": format!("#/components/messages/{key}")}),
            );
            operation_messages[index]
                .push(json!({"$ref": format!("#/channels/{channel}/messages/{key}")}));
        }
    }
    let [received_messages, send_messages] = channel_messages;
    let [received_operation, send_operation] = operation_messages;
    let channel = |direction: Direction, messages: Map<String, Value>| {
        let (address, description) = match direction {
            Direction::Received => (
                "onMessage",
                "What the 8x8 host posts on the partner SDK's MessagePort; the SDK hands each message to the partner's `onMessage`.",
            ),
            Direction::Send => (
                "system.sendEvent",
                "The requests the partner's SDK posts for `system.sendEvent(name, data)`.",
            ),
        };
        json!({"address": address, "description": description, "messages": messages})
    };
    let operation = |direction: Direction, messages: Vec<Value>| {
        let (channel, _, action) = channel_of(direction);
        let summary = match direction {
            Direction::Received => "The partner app receives the events the host sends.",
            Direction::Send => "The partner app sends events to the host with `system.sendEvent`.",
        };
        json!({
            "action": action,
            "channel": {"$ref": format!("#/channels/{channel}")},
            "summary": summary,
            "messages": messages,
        })
    };
    let (received_channel, received_op, _) = channel_of(Direction::Received);
    let (send_channel, send_op, _) = channel_of(Direction::Send);
    json!({
        "asyncapi": "3.0.0",
        "info": {
            "title": "8x8 partner events",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The events 8x8's apps (Agent Workspace and the 8x8 shell) exchange with an embedded partner app through the partner SDK, `@8x8/pui-partner-comm`, as the partner-events catalog describes them. Generated by `partner-events asyncapi`.",
        },
        "defaultContentType": "application/json",
        "channels": {
            received_channel: channel(Direction::Received, received_messages),
            send_channel: channel(Direction::Send, send_messages),
        },
        "operations": {
            received_op: operation(Direction::Received, received_operation),
            send_op: operation(Direction::Send, send_operation),
        },
        "components": {
            "schemas": schemas,
            "messages": messages,
        },
    })
}

/// One event version's message: the whole SDK message as its payload, the catalog row in its
/// description, and the lifecycle in `x-` fields.
fn message(event: &Event, version: &Version, type_name: &str) -> Value {
    let value = json!({"$ref": format!("{}{type_name}", SHAPES.0)});
    let payload = match event.direction {
        Direction::Received => json!({
            "type": "object",
            "required": ["type", "message"],
            "properties": {
                "type": {"const": "event"},
                "schemaVersion": {"type": "string"},
                "message": {
                    "type": "object",
                    "required": ["eventName", "value"],
                    "properties": {"eventName": {"const": event.name}, "value": value},
                },
            },
        }),
        Direction::Send => send_request(json!({"const": event.name}), value),
    };
    let date = |d: Option<crate::Date>| d.map(|d| d.to_string());
    let mut message = json!({
        "name": event.name,
        "title": format!("{} {}", event.name, version.version),
        "summary": match event.direction {
            Direction::Received => "The 8x8 host sends it to the partner app.",
            Direction::Send => "The partner app sends it with `system.sendEvent`.",
        },
        "description": docs::event_rustdoc(event, version),
        "payload": payload,
        "x-schema-version": version.version.to_string(),
        "x-status": event.status.as_str(),
        "x-active": event.active.to_string(),
        "x-deprecation": date(event.deprecation),
        "x-sunset": date(event.sunset),
        "x-replaced-by": event.replaced_by,
    });
    // `externalDocs.url` must be an absolute URI; the documentation table's links are relative
    // to a site this catalog does not name, so those are kept as they are, in an `x-` field
    match &event.doc_link {
        Some(link) if link.starts_with("https://") || link.starts_with("http://") => {
            message["externalDocs"] = json!({"url": link});
        }
        Some(link) => message["x-doc-link"] = json!(link),
        None => {}
    }
    message
}

/// `value` as YAML.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    yaml_rust2::YamlEmitter::new(&mut out)
        .dump(&to_yaml_node(value))
        .expect("writing YAML into a String cannot fail");
    out.push('\n');
    out
}

fn to_yaml_node(value: &Value) -> yaml_rust2::Yaml {
    use yaml_rust2::Yaml;
    match value {
        Value::Null => Yaml::Null,
        Value::Bool(b) => Yaml::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Integer(i),
            None => Yaml::Real(n.to_string()),
        },
        Value::String(s) => Yaml::String(s.clone()),
        Value::Array(items) => Yaml::Array(items.iter().map(to_yaml_node).collect()),
        Value::Object(map) => Yaml::Hash(
            map.iter()
                .map(|(k, v)| (Yaml::String(k.clone()), to_yaml_node(v)))
                .collect(),
        ),
    }
}
