//! The 8x8 partner SDK's wire envelope, spelled once for the runtime, and written here:
//!
//! - a host message, as `onMessage` receives it:
//!   `{"type":"event","schemaVersion":…,"message":{"eventName":…,"value":…}}` (other `type`s
//!   are messages that are not events), written by [`Message::to_json`](crate::Message::to_json);
//! - the request the partner's SDK posts for `system.sendEvent(name, data)`:
//!   `{"type":"request","message":{"action":"sendEvent","namespace":"system","value":{"name":…,"data":…}}}`,
//!   written by [`send_request`](crate::send_request) and the test kit's `SentEvent::request`.
//!
//! The writers are `Serialize` impls written by hand so that they name their keys with the
//! constants below (serde's `rename` takes only a string literal). The decoders (`decode::fast`,
//! `decode::loose`) still spell the keys they read in `rename`s, for the same reason; the tests of
//! `decode` hold them to these constants.
//!
//! The catalog crate's generators (samples, JSON Schema, AsyncAPI) spell the same envelope in
//! `catalog/src/envelope.rs`. This crate cannot use that module (a partner's wasm build must not
//! compile the catalog crate, which pulls in syn), so `tests/tests/envelope_agreement.rs` holds
//! the two together.

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// A message's kind, first key of every envelope.
pub(crate) const TYPE: &str = "type";
/// The host's version of the envelope (`"1.0.0"` today), next to `type` in a host message.
pub(crate) const SCHEMA_VERSION: &str = "schemaVersion";
/// The message itself, inside the envelope.
pub(crate) const MESSAGE: &str = "message";
/// The `type` of a host message that carries an event.
pub(crate) const EVENT: &str = "event";
/// The `type` of a host message that answers a request (`getEvents`' report).
pub(crate) const RESPONSE: &str = "response";
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

/// The text of a host message of any kind: `{"type":…,"schemaVersion":…,"message":…}`, without
/// `schemaVersion` when there is none.
pub(crate) fn host_message_text<M>(
    kind: &str,
    schema_version: Option<&str>,
    message: &M,
) -> Result<String, serde_json::Error>
where
    M: Serialize + ?Sized,
{
    serde_json::to_string(&HostMessage {
        kind,
        schema_version,
        message,
    })
}

/// The text of a host message that carries an event's payload.
pub(crate) fn event_message_text<P>(
    schema_version: Option<&str>,
    name: &str,
    value: &P,
) -> Result<String, serde_json::Error>
where
    P: Serialize + ?Sized,
{
    host_message_text(EVENT, schema_version, &EventMessage { name, value })
}

/// The text of the `sendEvent` request for an event's name and payload, exactly as the SDK posts
/// it.
pub(crate) fn request_text<D>(name: &str, data: &D) -> Result<String, serde_json::Error>
where
    D: Serialize + ?Sized,
{
    serde_json::to_string(&SendEventRequest(SendEventArguments { name, data }))
}

/// `{"type":…,"schemaVersion":…,"message":…}`.
struct HostMessage<'a, M: ?Sized> {
    kind: &'a str,
    /// Left out when `None`, as a message without one is sent.
    schema_version: Option<&'a str>,
    message: &'a M,
}

impl<M: Serialize + ?Sized> Serialize for HostMessage<'_, M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = 2 + usize::from(self.schema_version.is_some());
        let mut envelope = serializer.serialize_struct("HostMessage", fields)?;
        envelope.serialize_field(TYPE, self.kind)?;
        match self.schema_version {
            Some(version) => envelope.serialize_field(SCHEMA_VERSION, version)?,
            None => envelope.skip_field(SCHEMA_VERSION)?,
        }
        envelope.serialize_field(MESSAGE, self.message)?;
        envelope.end()
    }
}

/// An event message, the `message` of a host message of type `event`: `{"eventName":…,"value":…}`.
struct EventMessage<'a, P: ?Sized> {
    name: &'a str,
    value: &'a P,
}

impl<P: Serialize + ?Sized> Serialize for EventMessage<'_, P> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut message = serializer.serialize_struct("EventMessage", 2)?;
        message.serialize_field(EVENT_NAME, self.name)?;
        message.serialize_field(VALUE, self.value)?;
        message.end()
    }
}

/// The request the partner's SDK posts for `system.sendEvent`: `{"type":"request","message":…}`.
struct SendEventRequest<'a, D: ?Sized>(SendEventArguments<'a, D>);

impl<D: Serialize + ?Sized> Serialize for SendEventRequest<'_, D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut request = serializer.serialize_struct("SendEventRequest", 2)?;
        request.serialize_field(TYPE, REQUEST)?;
        request.serialize_field(MESSAGE, &SendEventMessage(&self.0))?;
        request.end()
    }
}

/// Its `message`: `{"action":"sendEvent","namespace":"system","value":…}`.
struct SendEventMessage<'r, 'a, D: ?Sized>(&'r SendEventArguments<'a, D>);

impl<D: Serialize + ?Sized> Serialize for SendEventMessage<'_, '_, D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut message = serializer.serialize_struct("SendEventMessage", 3)?;
        message.serialize_field(ACTION, SEND_EVENT)?;
        message.serialize_field(NAMESPACE, SYSTEM)?;
        message.serialize_field(VALUE, self.0)?;
        message.end()
    }
}

/// The arguments of `system.sendEvent(name, data)`: `{"name":…,"data":…}`.
struct SendEventArguments<'a, D: ?Sized> {
    name: &'a str,
    data: &'a D,
}

impl<D: Serialize + ?Sized> Serialize for SendEventArguments<'_, D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut arguments = serializer.serialize_struct("SendEventArguments", 2)?;
        arguments.serialize_field(NAME, self.name)?;
        arguments.serialize_field(DATA, self.data)?;
        arguments.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The texts are the SDK's, key order included: a change of spelling here must be a change of
    /// the SDK's.
    #[test]
    fn the_texts_are_the_sdks() {
        let payload = json!({"interactionId": "int-1", "schemaVersion": "1.0.0"});
        assert_eq!(
            event_message_text(Some("1.0.0"), "aw-interaction-hold-v1", &payload).unwrap(),
            r#"{"type":"event","schemaVersion":"1.0.0","message":{"eventName":"aw-interaction-hold-v1","value":{"interactionId":"int-1","schemaVersion":"1.0.0"}}}"#
        );
        assert_eq!(
            event_message_text(None, "e", &json!(null)).unwrap(),
            r#"{"type":"event","message":{"eventName":"e","value":null}}"#
        );
        assert_eq!(
            host_message_text("response", Some("1.0.0"), &json!({"a": 1})).unwrap(),
            r#"{"type":"response","schemaVersion":"1.0.0","message":{"a":1}}"#
        );
        assert_eq!(
            request_text("aw-chat-message-received-v1", &json!({"message": "hi"})).unwrap(),
            r#"{"type":"request","message":{"action":"sendEvent","namespace":"system","value":{"name":"aw-chat-message-received-v1","data":{"message":"hi"}}}}"#
        );
    }
}
