//! Sending: what `partnerSDK.system.sendEvent(name, data)` takes, and what it posts.

use serde::Serialize;

use crate::SendEvent;

/// The `(name, data)` arguments of `partnerSDK.system.sendEvent` for a send-direction event.
///
/// A received-direction type does not compile here: it does not implement [`SendEvent`].
pub fn send_event_args<E>(event: &E) -> Result<(&'static str, serde_json::Value), serde_json::Error>
where
    E: SendEvent + Serialize,
{
    Ok((E::NAME, serde_json::to_value(event)?))
}

/// The request message the SDK posts for `system.sendEvent`, exactly as it posts it:
/// `{"type":"request","message":{"action":"sendEvent","namespace":"system","value":{"name":…,"data":…}}}`.
///
/// ```
/// use partner_events::events::{AwChatMessageReceivedV1, AwChatMessageReceivedV1SchemaVersion};
///
/// let reply = AwChatMessageReceivedV1 {
///     interaction_id: "int-1".into(),
///     message: "Hello".into(),
///     schema_version: AwChatMessageReceivedV1SchemaVersion::V1_0_0,
/// };
/// assert_eq!(
///     partner_events::send_request(&reply).unwrap(),
///     r#"{"type":"request","message":{"action":"sendEvent","namespace":"system","value":{"name":"aw-chat-message-received-v1","data":{"interactionId":"int-1","message":"Hello","schemaVersion":"1.0.0"}}}}"#
/// );
/// ```
pub fn send_request<E>(event: &E) -> Result<String, serde_json::Error>
where
    E: SendEvent + Serialize,
{
    #[derive(Serialize)]
    struct Request<'a, D> {
        #[serde(rename = "type")]
        kind: &'static str,
        message: RequestMessage<'a, D>,
    }
    #[derive(Serialize)]
    struct RequestMessage<'a, D> {
        action: &'static str,
        namespace: &'static str,
        value: SendEventValue<'a, D>,
    }
    #[derive(Serialize)]
    struct SendEventValue<'a, D> {
        name: &'static str,
        data: &'a D,
    }
    serde_json::to_string(&Request {
        kind: "request",
        message: RequestMessage {
            action: "sendEvent",
            namespace: "system",
            value: SendEventValue {
                name: E::NAME,
                data: event,
            },
        },
    })
}
