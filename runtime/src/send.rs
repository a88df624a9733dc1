//! Sending: what `partnerSDK.system.sendEvent(name, data)` takes, what it posts, and the handle
//! a handler sends with.

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
    crate::envelope::request_text(E::NAME, event)
}

/// Where a handler's send events go: the page's `system.sendEvent`, whoever carries them there.
///
/// A handler that sends holds a [`Sender`], not the thing behind it, so the same handler runs
/// behind the WebSocket bridge (`partner_events_bridge::Session::sender`) and in a unit test
/// (`partner_events::testing::FakeHost::sender`, feature `testing`). Implement it to carry events
/// some other way.
pub trait Outbox: Send + Sync + 'static {
    /// Posts one event: the `(name, data)` arguments of `system.sendEvent`. Already checked to be
    /// a send-direction event, and serialized once: `data` is its JSON text, ready to write
    /// (`data.get()`), or to read back with `serde_json::from_str`. It is borrowed for the call
    /// (the sender's buffer is reused): an outbox that keeps it copies the text
    /// (`data.get().to_owned()`, or `serde_json::value::RawValue::from_string` for a `RawValue`).
    /// A test posts through a [`Sender`] made with [`Sender::new`].
    fn post(&self, name: &'static str, data: EventJson<'_>) -> Result<(), SendError>;
}

/// A send event's payload as JSON text, as the [`Sender`] serialized it, handed to
/// [`Outbox::post`]. Only a `Sender` makes one, so it is always one JSON value written by
/// serde_json.
#[derive(Debug, Clone, Copy)]
pub struct EventJson<'a>(&'a str);

impl<'a> EventJson<'a> {
    /// The JSON text.
    pub fn get(&self) -> &'a str {
        self.0
    }
}

impl std::fmt::Display for EventJson<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// A handle a handler sends events with: cheap to clone, shared by every clone, `Send + Sync`.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use partner_events::events::AwChatMessageReceivedV1;
/// use partner_events::{EventJson, Outbox, SendError, Sender};
///
/// #[derive(Clone, Default)]
/// struct Log(Arc<Mutex<Vec<String>>>);
/// impl Outbox for Log {
///     fn post(&self, name: &'static str, data: EventJson<'_>) -> Result<(), SendError> {
///         self.0.lock().unwrap().push(format!("{name} {}", data.get()));
///         Ok(())
///     }
/// }
///
/// let log = Log::default();
/// let sender = Sender::new(log.clone());
/// let reply = AwChatMessageReceivedV1 {
///     interaction_id: "int-1".into(),
///     message: "hi".into(),
///     schema_version: Default::default(),
/// };
/// sender.send(&reply).unwrap();
/// assert_eq!(
///     log.0.lock().unwrap()[0],
///     r#"aw-chat-message-received-v1 {"interactionId":"int-1","message":"hi","schemaVersion":"1.0.0"}"#
/// );
/// ```
#[derive(Clone)]
pub struct Sender {
    outbox: std::sync::Arc<dyn Outbox>,
}

impl Sender {
    /// A sender that posts to `outbox`.
    pub fn new(outbox: impl Outbox) -> Self {
        Sender {
            outbox: std::sync::Arc::new(outbox),
        }
    }

    /// Sends a send-direction event; a received-direction type does not compile here. Events
    /// reach the outbox in the order they were sent.
    pub fn send<E>(&self, event: &E) -> Result<(), SendError>
    where
        E: SendEvent + Serialize,
    {
        crate::json_buffer::with_json(event, |data| self.outbox.post(E::NAME, EventJson(data)))
            .map_err(SendError::Serialize)?
    }
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

/// Why an event was not sent.
#[derive(Debug)]
#[non_exhaustive]
pub enum SendError {
    /// The event did not serialize (a hand-written `Serialize` that failed).
    Serialize(serde_json::Error),
    /// What carries events to the page has gone (the connection closed): it will not receive it.
    Closed,
    /// What carries events to the page holds as much as it may: the page has stopped reading or
    /// acknowledging. The event was not queued; the caller decides whether to retry later.
    Full,
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Serialize(error) => write!(f, "the event did not serialize: {error}"),
            SendError::Closed => f.write_str("the connection to the page has closed"),
            SendError::Full => f.write_str(
                "the page's outgoing buffer is full: the page is not reading or acknowledging",
            ),
        }
    }
}

impl std::error::Error for SendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SendError::Serialize(error) => Some(error),
            SendError::Closed | SendError::Full => None,
        }
    }
}
