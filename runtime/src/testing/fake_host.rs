//! A host for unit tests: it plays messages into a handler and records what the handler sends.

use std::sync::{Arc, Mutex, MutexGuard};

use serde::de::DeserializeOwned;

use crate::{Decoder, Dispatch, EventCatalog, Handler, Outbox, SendError, SendEvent, Sender};

/// The 8x8 host, faked for a partner's unit tests: [`play`](FakeHost::play) hands each message to
/// a `#[handler]` value as the page's `onMessage` would, after decoding it with the host's
/// [`Decoder`], and every event the handler sends through [`FakeHost::sender`] is recorded, in
/// order, for [`sent`](FakeHost::sent).
///
/// The handler sends through a [`Sender`]; behind the WebSocket bridge it is the session's
/// (`partner_events_bridge::Session::sender`), here it is the fake host's.
///
/// ```
/// use partner_events::events::{AwChatInitV1, AwChatMessageReceivedV1, AwInteractionHoldV1};
/// use partner_events::testing::{self, FakeHost};
/// use partner_events::{Dispatch, Sender};
///
/// struct Greeter { sender: Sender }
///
/// #[partner_events::handler]
/// impl Greeter {
///     fn on_chat(&mut self, chat: AwChatInitV1) {
///         let reply = AwChatMessageReceivedV1 {
///             interaction_id: chat.interaction_id,
///             message: "Hello!".into(),
///             schema_version: Default::default(),
///         };
///         self.sender.send(&reply).unwrap();
///     }
/// }
///
/// let host = FakeHost::new();
/// let mut greeter = Greeter { sender: host.sender() };
/// let played = host.play(&mut greeter, [
///     testing::message(&testing::full::<AwChatInitV1>()),
///     testing::message(&testing::minimal::<AwInteractionHoldV1>()),
/// ]);
/// assert!(matches!(played[0], Dispatch::Handled("aw-chat-init-v1")));
/// assert!(matches!(played[1], Dispatch::Unhandled(_)));
///
/// let sent = host.sent();
/// assert_eq!(sent.len(), 1);
/// let reply: AwChatMessageReceivedV1 = sent[0].payload().unwrap();
/// assert_eq!((reply.interaction_id.as_str(), reply.message.as_str()), ("interaction-1", "Hello!"));
/// ```
pub struct FakeHost<C: EventCatalog = crate::events::Catalog> {
    decoder: Decoder<C>,
    recorded: Arc<Recorded>,
    identity: Option<crate::Identity>,
}

/// One event a handler sent: the `(name, data)` arguments of `system.sendEvent`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SentEvent {
    /// The event's wire name.
    pub name: &'static str,
    /// Its payload, as sent.
    pub data: serde_json::Value,
}

impl SentEvent {
    /// The payload as `E`, when the event is `E`'s (same wire name) and the payload reads as one;
    /// `None` otherwise.
    pub fn payload<E: SendEvent + DeserializeOwned>(&self) -> Option<E> {
        (self.name == E::NAME)
            .then(|| E::deserialize(&self.data).ok())
            .flatten()
    }

    /// The request the SDK posts to the host for it, exactly as [`send_request`](crate::send_request) writes it.
    pub fn request(&self) -> String {
        // a `Value` always serializes
        crate::envelope::request_text(self.name, &self.data).unwrap_or_default()
    }
}

#[derive(Default)]
struct Recorded(Mutex<Vec<SentEvent>>);

impl Recorded {
    fn lock(&self) -> MutexGuard<'_, Vec<SentEvent>> {
        // a handler that panicked while sending leaves the record as it was
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Outbox for Arc<Recorded> {
    fn post(&self, name: &'static str, data: crate::EventJson<'_>) -> Result<(), SendError> {
        // JSON the sender wrote: it reads back (the test kit keeps it as a `Value` to compare)
        let data = serde_json::from_str(data.get()).map_err(SendError::Serialize)?;
        self.lock().push(SentEvent { name, data });
        Ok(())
    }
}

impl FakeHost {
    /// A host for the built-in catalog, judging lifecycles on today's date.
    pub fn new() -> Self {
        FakeHost::with_decoder(Decoder::new())
    }
}

impl Default for FakeHost {
    fn default() -> Self {
        FakeHost::new()
    }
}

impl<C: EventCatalog> FakeHost<C> {
    /// A host that decodes with `decoder`: a partner's own catalog
    /// (`Decoder::<my_events::Catalog>::for_catalog()`), a fixed date
    /// ([`Decoder::as_of`]), a sunset policy.
    pub fn with_decoder(decoder: Decoder<C>) -> Self {
        FakeHost {
            decoder,
            recorded: Arc::default(),
            identity: None,
        }
    }

    /// The same host, playing every message as from `identity`, as the bridge does for a session
    /// its `authorize` check identified: a handler reads it in `EventContext::identity` and
    /// [`EventContext::principal`](crate::EventContext::principal), and `fallback` in
    /// [`Identity::current`](crate::Identity::current).
    ///
    /// ```
    /// use partner_events::events::AwInteractionHoldV1;
    /// use partner_events::testing::{self, FakeHost};
    /// use partner_events::{EventContext, Identity};
    ///
    /// struct Agent { team: &'static str }
    ///
    /// #[derive(Default)]
    /// struct Teams { seen: Vec<Option<&'static str>> }
    ///
    /// #[partner_events::handler]
    /// impl Teams {
    ///     fn on_hold(&mut self, _hold: AwInteractionHoldV1, context: &EventContext) {
    ///         self.seen.push(context.principal::<Agent>().map(|agent| agent.team));
    ///     }
    /// }
    ///
    /// let host = FakeHost::new().identified(Identity::new("agent-7").with_principal(Agent { team: "blue" }));
    /// let mut teams = Teams::default();
    /// let hold = testing::message(&testing::minimal::<AwInteractionHoldV1>());
    /// let _ = host.play(&mut teams, [hold]);
    /// assert_eq!(teams.seen, [Some("blue")]);
    /// ```
    pub fn identified(self, identity: crate::Identity) -> Self {
        FakeHost {
            identity: Some(identity),
            ..self
        }
    }

    /// The handle to give the handler: what it sends through it is recorded here.
    pub fn sender(&self) -> Sender {
        Sender::new(Arc::clone(&self.recorded))
    }

    /// Plays `messages` (SDK messages as `onMessage` receives them, e.g. from
    /// [`message`](super::message) or `partner-events sample`) into `handler`, one after the other,
    /// and returns what became of each. An `async` handler's futures are driven on this thread;
    /// in an async test use [`play_async`](FakeHost::play_async) instead.
    pub fn play<H, I>(&self, handler: &mut H, messages: I) -> Vec<Dispatch<C::Received>>
    where
        H: Handler<Catalog = C>,
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        pollster::block_on(self.play_async(handler, messages))
    }

    /// [`play`](FakeHost::play), awaiting each message's handling: for handlers that need an
    /// async runtime (timers, I/O) in a `#[tokio::test]`.
    pub async fn play_async<H, I>(&self, handler: &mut H, messages: I) -> Vec<Dispatch<C::Received>>
    where
        H: Handler<Catalog = C>,
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let mut played = Vec::new();
        for message in messages {
            let decoded = self.decoder.decode(message.as_ref());
            // `route` called inside the scope: a synchronous method runs as it is called
            let routing = async { handler.route(decoded).await };
            played.push(crate::IdentityScope::new(self.identity.clone(), routing).await);
        }
        played
    }

    /// Every event sent so far, in order.
    pub fn sent(&self) -> Vec<SentEvent> {
        self.recorded.lock().clone()
    }

    /// Every event sent so far, in order, leaving the record empty.
    pub fn take_sent(&self) -> Vec<SentEvent> {
        std::mem::take(&mut *self.recorded.lock())
    }
}

impl<C: EventCatalog> std::fmt::Debug for FakeHost<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeHost")
            .field("decoder", &self.decoder)
            .field("sent", &self.recorded.lock().len())
            .field("identity", &self.identity)
            .finish()
    }
}
