//! An AsyncAPI 3.0 document of the catalog, for docs portals, EventCatalog and code generators.
//!
//! The application described is the partner app: its page, on the partner SDK, and its bridge,
//! on the NATS backbone (`partner-events-nats`).
//!
//! - channel `hostEvents` carries what the 8x8 host posts on the SDK's `MessagePort`, which the
//!   SDK hands to `onMessage`; operation `receiveHostEvents` receives it;
//! - channel `partnerEvents` carries the `system.sendEvent` requests the partner's SDK posts;
//!   operation `sendPartnerEvents` sends them;
//! - on the server `nats`, the backbone's subjects, for any system with a plain NATS client
//!   (`partner_events_nats::subjects` spells them): channel `natsPageMessages`
//!   (`partner-events.page.{agent}`) and channel `natsSendEvents` (`partner-events.send.{agent}`)
//!   carry what other systems publish for an agent's pages, which the bridge receives
//!   (operations `receiveNatsPageMessages`, `receiveNatsSendEvents`); channel `natsEvents`
//!   (`partner-events.events.{event}`) carries every event a page delivered, which the bridge
//!   sends (operation `sendNatsEvents`). Their operations have `nats` bindings.
//!
//! Each event and schema version is one message, named `<event>_<version>`. Its payload is the
//! whole SDK message as it travels (the envelope, with the event's name as a `const` and its
//! payload schema inside), in AsyncAPI's default schema format, a superset of draft-07 JSON
//! Schema: the same keywords the `schema` command writes, with shapes under
//! `components.schemas`. AsyncAPI 3.0 has `deprecated` only on schemas, so a deprecated event's
//! payload schema says `deprecated: true`, and its message carries the lifecycle in `x-` fields.
//! The `natsEvents` channel has one message per received event and version too, whose payload is
//! the SDK message's (a `$ref` to it), with the stored event's NATS headers.

use serde_json::{json, Map, Value};

use crate::model::{Catalog, Direction, Event, Payload, Version};
use crate::naming::version_type_name;
use crate::schema::{object_schema, Refs};
use crate::{docs, envelope};

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
    let mut channels = Map::new();
    channels.insert(
        received_channel.into(),
        channel(Direction::Received, received_messages),
    );
    channels.insert(send_channel.into(), channel(Direction::Send, send_messages));
    let mut operations = Map::new();
    operations.insert(
        received_op.into(),
        operation(Direction::Received, received_operation),
    );
    operations.insert(send_op.into(), operation(Direction::Send, send_operation));
    let backbone = nats::Backbone::of(catalog);
    channels.extend(backbone.channels);
    operations.extend(backbone.operations);
    json!({
        "asyncapi": "3.0.0",
        "info": {
            "title": "8x8 partner events",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The events 8x8's apps (Agent Workspace and the 8x8 shell) exchange with an embedded partner app through the partner SDK, `@8x8/pui-partner-comm`, as the partner-events catalog describes them, and the subjects of the partner-events bridge's NATS backbone, on which any system with a plain NATS client reaches an agent's pages and reads the events pages delivered. Generated by `partner-events asyncapi`.",
        },
        "defaultContentType": "application/json",
        "servers": {nats::SERVER: nats::server()},
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": schemas,
            "messages": messages,
            "parameters": nats::parameters(catalog),
            "messageTraits": nats::message_traits(),
        },
    })
}

/// The NATS backbone's channels (`partner-events-nats`, whose `subjects` module spells the same
/// subjects and streams), from the bridge's point of view: it receives what other systems publish
/// for an agent's pages, and sends every event a page delivered.
mod nats {
    use serde_json::{json, Map, Value};

    use super::{message_key, SHAPES};
    use crate::envelope;
    use crate::model::{Catalog, Direction};
    use crate::naming::version_type_name;

    /// The key of the NATS server under `servers`.
    pub const SERVER: &str = "nats";
    /// Addressed messages for an agent's pages: any JSON, for `onPageMessage`.
    pub const PAGE_CHANNEL: &str = "natsPageMessages";
    /// Addressed send events for an agent's pages to post with `sendEvent`.
    pub const SEND_CHANNEL: &str = "natsSendEvents";
    /// Every event a page delivered.
    pub const EVENTS_CHANNEL: &str = "natsEvents";
    /// The message of [`EVENTS_CHANNEL`] for an event or version the catalog does not have.
    pub const OTHER_EVENT: &str = "otherEvent";
    /// The trait of the messages of [`EVENTS_CHANNEL`]: their headers.
    const STORED_EVENT_TRAIT: &str = "natsStoredEvent";
    const ADDRESSED_STREAM: &str = "PARTNER_EVENTS_ADDRESSED";
    const EVENTS_STREAM: &str = "PARTNER_EVENTS";

    /// The NATS channels and their operations, keyed as in the document.
    pub struct Backbone {
        pub channels: Map<String, Value>,
        pub operations: Map<String, Value>,
    }

    impl Backbone {
        pub fn of(catalog: &Catalog) -> Self {
            let mut channels = Map::new();
            let mut operations = Map::new();
            let mut add =
                |id: &str, channel: Value, operation: &str, action: &str, summary: &str| {
                    let messages: Vec<Value> = channel["messages"]
                        .as_object()
                        .expect("a channel has messages")
                        .keys()
                        .map(|key| json!({"$ref": format!("#/channels/{id}/messages/{key}")}))
                        .collect();
                    channels.insert(id.into(), channel);
                    operations.insert(
                        operation.into(),
                        json!({
                            "action": action,
                            "channel": {"$ref": format!("#/channels/{id}")},
                            "summary": summary,
                            "messages": messages,
                            "bindings": {"nats": {"bindingVersion": "0.1.0"}},
                        }),
                    );
                };
            add(
                PAGE_CHANNEL,
                page_channel(),
                "receiveNatsPageMessages",
                "receive",
                "The bridge receives each message for an agent's pages and hands it to the `onPageMessage` of every live page of the agent, whichever bridge process holds it.",
            );
            add(
                SEND_CHANNEL,
                send_channel(catalog),
                "receiveNatsSendEvents",
                "receive",
                "The bridge receives each send event for an agent's pages, checks it against the catalog, and has every live page of the agent post it to the host with `sendEvent`.",
            );
            add(
                EVENTS_CHANNEL,
                events_channel(catalog),
                "sendNatsEvents",
                "send",
                "The bridge stores every event a page delivered, once, under its delivery id; the page is acknowledged only once the stream has it.",
            );
            Backbone {
                channels,
                operations,
            }
        }
    }

    /// The NATS server, a placeholder for the deployment's.
    pub fn server() -> Value {
        json!({
            "host": "localhost:4222",
            "protocol": "nats",
            "title": "The NATS backbone",
            "description": "A placeholder for the NATS server (JetStream enabled) the bridge connects to (`partner-bridge --nats URL`). The `partner-events.*` channels are on it; the SDK channels (`hostEvents`, `partnerEvents`) are the page's `MessagePort`, on no server.",
        })
    }

    /// The subject tokens of the channels' addresses.
    pub fn parameters(catalog: &Catalog) -> Value {
        let mut event_examples: Vec<Value> = catalog
            .events_of(Direction::Received)
            .take(1)
            .map(|event| json!(event.name))
            .collect();
        event_examples.push(json!("_other"));
        json!({
            "agent": {
                "description": "The agent's key (`Principal::key`): 1 to 64 characters of `[A-Za-z0-9_-]`, so one subject token (no dots, no wildcards).",
                "examples": ["agent-7"],
            },
            "event": {
                "description": "The event's name (`message.eventName`) when it is 1 to 128 characters of `[A-Za-z0-9_-]`; otherwise `_other` (an unknown event may be named anything), the name kept in the message.",
                "examples": event_examples,
            },
        })
    }

    /// The headers of a stored event.
    pub fn message_traits() -> Value {
        json!({
            STORED_EVENT_TRAIT: {
                "headers": {
                    "type": "object",
                    "required": ["Nats-Msg-Id"],
                    "properties": {
                        "Nats-Msg-Id": {
                            "type": "string",
                            "pattern": "^.+/[0-9]+$",
                            "description": "The delivery id, `<page session id>/<page message number>`. A resend after a crash has the same, and the stream deduplicates on it, so it keeps one.",
                        },
                        "Partner-Events-Agent": {
                            "type": "string",
                            "pattern": "^[A-Za-z0-9_-]{1,64}$",
                            "description": "The agent key of the page's session, when the bridge authorizes sessions; absent otherwise.",
                        },
                    },
                },
            },
        })
    }

    fn agent_parameters() -> Value {
        json!({"agent": {"$ref": "#/components/parameters/agent"}})
    }

    fn servers() -> Value {
        json!([{"$ref": format!("#/servers/{SERVER}")}])
    }

    fn page_channel() -> Value {
        json!({
            "address": "partner-events.page.{agent}",
            "title": "Messages for an agent's pages",
            "description": format!("Published by any system: a JSON message for the `onPageMessage` of each live page of agent `{{agent}}`. Kept in the JetStream stream `{ADDRESSED_STREAM}` for the retention (5 minutes by default), so that a page that reconnects, to any bridge process, gets what was published meanwhile; each page applies each message once."),
            "servers": servers(),
            "parameters": agent_parameters(),
            "messages": {
                "pageMessage": {
                    "name": "pageMessage",
                    "title": "A message for the pages",
                    "summary": "The partner's own JSON, handed as it is to `onPageMessage`.",
                    "payload": {"description": "Any JSON value: the partner's own."},
                },
            },
            "x-nats-stream": ADDRESSED_STREAM,
        })
    }

    /// The send channel's payload: `{name, data}`, one alternative per send event, keyed by its
    /// name, whose data is one of the event's versions.
    fn send_channel(catalog: &Catalog) -> Value {
        let mut names = Vec::new();
        let mut alternatives = Vec::new();
        for event in catalog.events_of(Direction::Send) {
            let mut versions: Vec<Value> = event
                .versions
                .iter()
                .map(|version| {
                    let type_name = version_type_name(event, &version.version);
                    json!({"$ref": format!("{}{type_name}", SHAPES.0)})
                })
                .collect();
            let data = if versions.len() == 1 {
                versions.remove(0)
            } else {
                json!({"anyOf": versions})
            };
            names.push(json!(event.name));
            alternatives.push(json!({
                "title": event.name,
                "properties": {"name": {"const": event.name}, "data": data},
            }));
        }
        let payload = if names.is_empty() {
            json!({"description": "The catalog has no send events: the bridge refuses every message here.", "not": {}})
        } else {
            json!({
                "type": "object",
                "required": ["name", "data"],
                "additionalProperties": false,
                "properties": {
                    "name": {"type": "string", "enum": names, "description": "The wire name of a send event of the catalog."},
                    "data": {"description": "The event's payload, as `sendEvent(name, data)` takes it."},
                },
                "oneOf": alternatives,
            })
        };
        json!({
            "address": "partner-events.send.{agent}",
            "title": "Send events for an agent's pages",
            "description": format!("Published by any system: `{{\"name\": <send event wire name>, \"data\": <its payload>}}`, a send event each live page of agent `{{agent}}` posts to the host with `sendEvent`. The bridge checks it against the catalog: `name` must be a send event of the catalog and `data` must pass that event's schema; otherwise it is refused and counted. Kept in the JetStream stream `{ADDRESSED_STREAM}` for the retention (5 minutes by default), as the page messages are."),
            "servers": servers(),
            "parameters": agent_parameters(),
            "messages": {
                "sendEvent": {
                    "name": "sendEvent",
                    "title": "A send event for the pages",
                    "summary": "A send event of the catalog and its payload, for `sendEvent(name, data)`.",
                    "payload": payload,
                },
            },
            "x-nats-stream": ADDRESSED_STREAM,
        })
    }

    /// The events channel: one message per received event and version, its payload the SDK
    /// message's, and one for what the catalog does not have.
    fn events_channel(catalog: &Catalog) -> Value {
        let traits = json!([{"$ref": format!("#/components/messageTraits/{STORED_EVENT_TRAIT}")}]);
        let mut messages = Map::new();
        for event in catalog.events_of(Direction::Received) {
            for version in &event.versions {
                let key = message_key(event, version);
                messages.insert(
                    key.clone(),
                    json!({
                        "name": event.name,
                        "title": format!("{} {}", event.name, version.version),
                        "summary": format!("A page delivered it: the SDK message `{key}` (see `components.messages`), as the page's `onMessage` received it."),
                        "payload": {"$ref": format!("#/components/messages/{key}/payload")},
                        "traits": traits,
                        "x-schema-version": version.version.to_string(),
                    }),
                );
            }
        }
        messages.insert(
            OTHER_EVENT.into(),
            json!({
                "name": OTHER_EVENT,
                "title": "An event the catalog does not have",
                "summary": "A page delivered an event whose name or schema version the catalog does not have, as the page's `onMessage` received it.",
                "payload": envelope::event_message_schema(
                    json!({"type": "string"}),
                    json!({"description": "The event's payload, as the host sent it."}),
                ),
                "traits": traits,
            }),
        );
        json!({
            "address": "partner-events.events.{event}",
            "title": "Events the pages delivered",
            "description": format!("Published by the bridge: every event a page delivered, once, as the SDK message exactly as the page's `onMessage` received it, on the subject of its name (`partner-events.events._other` for a name that cannot stand as one subject token). Stored in the JetStream stream `{EVENTS_STREAM}` (7 days by default), which deduplicates on `Nats-Msg-Id`, the delivery id."),
            "servers": servers(),
            "parameters": {"event": {"$ref": "#/components/parameters/event"}},
            "messages": messages,
            "x-nats-stream": EVENTS_STREAM,
        })
    }
}

/// One event version's message: the whole SDK message as its payload, the catalog row in its
/// description, and the lifecycle in `x-` fields.
fn message(event: &Event, version: &Version, type_name: &str) -> Value {
    let value = json!({"$ref": format!("{}{type_name}", SHAPES.0)});
    let payload = match event.direction {
        Direction::Received => envelope::event_message_schema(json!({"const": event.name}), value),
        Direction::Send => envelope::send_request_schema(json!({"const": event.name}), value),
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::document;

    fn document_of(catalog: &str) -> serde_json::Value {
        let loaded = crate::load_str(catalog);
        let catalog = loaded.catalog.unwrap_or_else(|| {
            panic!("{:?}", loaded.diagnostics);
        });
        document(&catalog)
    }

    const RECEIVED: &str = "  - name: demo-ping-v1\n    direction: received\n    status: active\n    active: 2025-01-01\n    payloads:\n      \"1.0.0\": {fields: {id: string}}\n";

    #[test]
    fn the_nats_channels_are_on_the_nats_server_with_nats_bindings() {
        let document = document_of(&format!("events:\n{RECEIVED}"));
        assert_eq!(
            document["servers"],
            json!({"nats": {
                "host": "localhost:4222",
                "protocol": "nats",
                "title": "The NATS backbone",
                "description": document["servers"]["nats"]["description"],
            }})
        );
        for (channel, address, operation, action) in [
            (
                "natsPageMessages",
                "partner-events.page.{agent}",
                "receiveNatsPageMessages",
                "receive",
            ),
            (
                "natsSendEvents",
                "partner-events.send.{agent}",
                "receiveNatsSendEvents",
                "receive",
            ),
            (
                "natsEvents",
                "partner-events.events.{event}",
                "sendNatsEvents",
                "send",
            ),
        ] {
            assert_eq!(document["channels"][channel]["address"], address);
            assert_eq!(
                document["channels"][channel]["servers"],
                json!([{"$ref": "#/servers/nats"}])
            );
            let operation = &document["operations"][operation];
            assert_eq!(operation["action"], action, "{channel}");
            assert_eq!(
                operation["bindings"],
                json!({"nats": {"bindingVersion": "0.1.0"}})
            );
        }
        for (channel, parameter) in [
            ("natsPageMessages", "agent"),
            ("natsSendEvents", "agent"),
            ("natsEvents", "event"),
        ] {
            assert_eq!(
                document["channels"][channel]["parameters"],
                json!({parameter: {"$ref": format!("#/components/parameters/{parameter}")}}),
                "{channel}"
            );
            assert!(
                document["components"]["parameters"][parameter]["description"]
                    .as_str()
                    .unwrap()
                    .contains("[A-Za-z0-9_-]"),
                "{parameter}"
            );
        }
        assert_eq!(
            document["components"]["parameters"]["event"]["examples"],
            json!(["demo-ping-v1", "_other"])
        );
        // the SDK channels name no server and have no bindings
        for (channel, operation) in [
            ("hostEvents", "receiveHostEvents"),
            ("partnerEvents", "sendPartnerEvents"),
        ] {
            assert!(document["channels"][channel].get("servers").is_none());
            assert!(document["operations"][operation].get("bindings").is_none());
        }
    }

    #[test]
    fn a_send_event_is_keyed_by_its_name_its_data_one_of_its_versions() {
        let document = document_of(&format!(
            "events:\n{RECEIVED}  - name: demo-reply-v1\n    direction: send\n    status: active\n    active: 2025-01-01\n    payloads:\n      \"1.0.0\": {{fields: {{text: string}}}}\n      \"1.1.0\": {{fields: {{text: string, more: string}}}}\n  - name: demo-note-v1\n    direction: send\n    status: active\n    active: 2025-01-01\n    payloads:\n      \"1.0.0\": {{open: not documented yet}}\n"
        ));
        let payload = &document["channels"]["natsSendEvents"]["messages"]["sendEvent"]["payload"];
        assert_eq!(payload["required"], json!(["name", "data"]));
        assert_eq!(payload["additionalProperties"], false);
        assert_eq!(
            payload["properties"]["name"]["enum"],
            json!(["demo-reply-v1", "demo-note-v1"])
        );
        assert_eq!(
            payload["oneOf"],
            json!([
                {
                    "title": "demo-reply-v1",
                    "properties": {
                        "name": {"const": "demo-reply-v1"},
                        "data": {"anyOf": [
                            {"$ref": "#/components/schemas/DemoReplyV1Schema1_0_0"},
                            {"$ref": "#/components/schemas/DemoReplyV1Schema1_1_0"},
                        ]},
                    },
                },
                {
                    "title": "demo-note-v1",
                    "properties": {
                        "name": {"const": "demo-note-v1"},
                        "data": {"$ref": "#/components/schemas/DemoNoteV1"},
                    },
                },
            ])
        );
        // each schema referenced is there
        for name in [
            "DemoReplyV1Schema1_0_0",
            "DemoReplyV1Schema1_1_0",
            "DemoNoteV1",
        ] {
            assert!(
                document["components"]["schemas"].get(name).is_some(),
                "{name}"
            );
        }
    }

    #[test]
    fn with_no_send_events_the_send_channel_accepts_nothing() {
        let document = document_of(&format!("events:\n{RECEIVED}"));
        let payload = &document["channels"]["natsSendEvents"]["messages"]["sendEvent"]["payload"];
        assert_eq!(payload["not"], json!({}));
        assert!(payload.get("oneOf").is_none());
    }

    #[test]
    fn the_events_channel_has_each_received_version_with_the_nats_headers() {
        let document = document_of(&format!("events:\n{RECEIVED}"));
        let messages = document["channels"]["natsEvents"]["messages"]
            .as_object()
            .unwrap();
        assert_eq!(
            messages.keys().collect::<Vec<_>>(),
            ["demo-ping-v1_1.0.0", "otherEvent"]
        );
        assert_eq!(
            messages["demo-ping-v1_1.0.0"]["payload"],
            json!({"$ref": "#/components/messages/demo-ping-v1_1.0.0/payload"})
        );
        let headers = &document["components"]["messageTraits"]["natsStoredEvent"]["headers"];
        assert_eq!(
            headers["properties"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["Nats-Msg-Id", "Partner-Events-Agent"]
        );
        assert_eq!(headers["required"], json!(["Nats-Msg-Id"]));
        for message in messages.values() {
            assert_eq!(
                message["traits"],
                json!([{"$ref": "#/components/messageTraits/natsStoredEvent"}])
            );
        }
    }
}
