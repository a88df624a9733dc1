//! The 8x8 partner SDK's wire envelope, spelled once for every generator of this crate: the
//! sample text (`sample`) and the JSON Schema (`schema`, `asyncapi`) of
//!
//! - a host message, as `onMessage` receives it:
//!   `{"type":"event","schemaVersion":…,"message":{"eventName":…,"value":…}}` (other `type`s
//!   are messages that are not events);
//! - the request the partner's SDK posts for `system.sendEvent(name, data)`:
//!   `{"type":"request","message":{"action":"sendEvent","namespace":"system","value":{"name":…,"data":…}}}`.
//!
//! The runtime writes and reads the same envelope in `runtime/src/envelope.rs`. It cannot use
//! this module (a partner's wasm build must not compile this crate, which pulls in syn), so the
//! two homes are held together by a test instead: `tests/tests/envelope_agreement.rs` decodes
//! this crate's samples with the runtime and compares what the runtime writes with them.

#[cfg(feature = "sample")]
use std::fmt::{self, Write as _};

#[cfg(feature = "tooling")]
use serde_json::json;
use serde_json::Value;

/// A message's kind, first key of every envelope.
pub(crate) const TYPE: &str = "type";
/// The host's version of the envelope (`"1.0.0"` today), next to `type` in a host message.
pub(crate) const SCHEMA_VERSION: &str = "schemaVersion";
/// The message itself, inside the envelope.
pub(crate) const MESSAGE: &str = "message";
/// The `type` of a host message that carries an event.
pub(crate) const EVENT: &str = "event";
/// An event message's event name.
pub(crate) const EVENT_NAME: &str = "eventName";
/// An event message's payload, and a request's arguments.
pub(crate) const VALUE: &str = "value";
/// The `type` of what the partner's SDK posts to the host.
pub(crate) const REQUEST: &str = "request";
/// Which SDK call a request is.
pub(crate) const ACTION: &str = "action";
/// The `action` of `system.sendEvent`.
pub(crate) const SEND_EVENT: &str = "sendEvent";
/// The SDK namespace a request's action belongs to.
pub(crate) const NAMESPACE: &str = "namespace";
/// The `namespace` of `system.sendEvent`.
pub(crate) const SYSTEM: &str = "system";
/// The event name among `sendEvent`'s arguments.
pub(crate) const NAME: &str = "name";
/// The payload among `sendEvent`'s arguments.
pub(crate) const DATA: &str = "data";

/// The text of the host message that carries an event's payload, on one line, with the keys in
/// the SDK's order (`type`, `schemaVersion`, `message`).
#[cfg(feature = "sample")]
pub(crate) fn event_message_text(name: &str, schema_version: &str, payload: &Value) -> String {
    let message = object_text(&[(EVENT_NAME, &Value::from(name)), (VALUE, payload)]);
    object_text(&[
        (TYPE, &Value::from(EVENT)),
        (SCHEMA_VERSION, &Value::from(schema_version)),
        (MESSAGE, &message),
    ])
}

/// The text of the request the partner's SDK posts for `system.sendEvent(name, data)`, on one
/// line, with the keys in the SDK's order.
#[cfg(feature = "sample")]
pub(crate) fn send_request_text(name: &str, data: &Value) -> String {
    let arguments = object_text(&[(NAME, &Value::from(name)), (DATA, data)]);
    let message = object_text(&[
        (ACTION, &Value::from(SEND_EVENT)),
        (NAMESPACE, &Value::from(SYSTEM)),
        (VALUE, &arguments),
    ]);
    object_text(&[(TYPE, &Value::from(REQUEST)), (MESSAGE, &message)])
}

/// One JSON object's text, its members in the order given. Built by hand because a
/// `serde_json::Value` sorts its keys (this workspace does not turn on `preserve_order`), and a
/// sample shows the keys in the order the SDK sends them. Each value is already JSON text: a
/// `Value`, or an object written here.
#[cfg(feature = "sample")]
fn object_text(members: &[(&str, &dyn fmt::Display)]) -> String {
    let mut text = String::from("{");
    for (index, (key, value)) in members.iter().enumerate() {
        if index > 0 {
            text.push(',');
        }
        // a `Value` quotes and escapes the key as JSON does
        write!(text, "{}:{value}", Value::from(*key)).expect("writing to a String cannot fail");
    }
    text.push('}');
    text
}

/// The schema of a host message of any kind, with an event message's `eventName` and `value`
/// required when its `type` is `event`.
#[cfg(feature = "tooling")]
pub(crate) fn any_message_schema() -> Value {
    json!({
        "type": "object",
        "required": [TYPE, MESSAGE],
        "properties": {
            TYPE: {"type": "string"},
            SCHEMA_VERSION: {"type": "string"},
            MESSAGE: true
        },
        "if": {"properties": {TYPE: {"const": EVENT}}},
        "then": {
            "properties": {
                MESSAGE: event_body_schema(json!({"type": "string"}), Value::Bool(true))
            }
        }
    })
}

/// The schema of a host message that carries an event, with the schemas of its event name and
/// its payload: any event's, or one event's in the AsyncAPI document.
#[cfg(feature = "tooling")]
pub(crate) fn event_message_schema(name: Value, value: Value) -> Value {
    json!({
        "type": "object",
        "required": [TYPE, MESSAGE],
        "properties": {
            TYPE: {"const": EVENT},
            SCHEMA_VERSION: {"type": "string"},
            MESSAGE: event_body_schema(name, value),
        },
    })
}

/// The schema of an event message, the `message` inside the envelope.
#[cfg(feature = "tooling")]
fn event_body_schema(name: Value, value: Value) -> Value {
    json!({
        "type": "object",
        "required": [EVENT_NAME, VALUE],
        "properties": {EVENT_NAME: name, VALUE: value},
    })
}

/// The schema of a `sendEvent` request, with the schemas of its event name and its data: any
/// name and data in the `schema` command's document, one event's in the AsyncAPI document.
#[cfg(feature = "tooling")]
pub(crate) fn send_request_schema(name: Value, data: Value) -> Value {
    json!({
        "type": "object",
        "required": [TYPE, MESSAGE],
        "properties": {
            TYPE: {"const": REQUEST},
            MESSAGE: {
                "type": "object",
                "required": [ACTION, NAMESPACE, VALUE],
                "properties": {
                    ACTION: {"const": SEND_EVENT},
                    NAMESPACE: {"const": SYSTEM},
                    VALUE: {
                        "type": "object",
                        "required": [NAME, DATA],
                        "properties": {NAME: name, DATA: data}
                    }
                }
            }
        }
    })
}

#[cfg(all(test, feature = "sample"))]
mod tests {
    use serde_json::json;

    use super::*;

    /// The texts are the SDK's, key order included: a change of spelling here must be a change of
    /// the SDK's.
    #[test]
    fn the_texts_are_the_sdks() {
        let payload = json!({"interactionId": "int-1", "schemaVersion": "1.0.0"});
        assert_eq!(
            event_message_text("aw-interaction-hold-v1", "1.0.0", &payload),
            r#"{"type":"event","schemaVersion":"1.0.0","message":{"eventName":"aw-interaction-hold-v1","value":{"interactionId":"int-1","schemaVersion":"1.0.0"}}}"#
        );
        assert_eq!(
            send_request_text("aw-chat-message-received-v1", &json!({"message": "hi"})),
            r#"{"type":"request","message":{"action":"sendEvent","namespace":"system","value":{"name":"aw-chat-message-received-v1","data":{"message":"hi"}}}}"#
        );
    }

    /// A name that needs escaping comes out escaped, as the `Value` it is written through escapes
    /// it.
    #[test]
    fn names_are_escaped() {
        assert_eq!(
            send_request_text("a\"b", &Value::Null),
            r#"{"type":"request","message":{"action":"sendEvent","namespace":"system","value":{"name":"a\"b","data":null}}}"#
        );
    }
}
