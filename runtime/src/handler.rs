//! What `#[partner_events::handler]` generates code against: the context a handler may take, and
//! what happened to a message.

use std::future::Future;

use crate::{
    DecodeError, DecodedEvent, DeliveryId, EnvelopeVersion, EventCatalog, Identity,
    LifecycleStatus, Message, VersionMatch, VersionSource,
};

/// The received events of a handler's catalog.
pub type ReceivedOf<H> = <<H as Handler>::Catalog as EventCatalog>::Received;

/// A `#[partner_events::handler]` impl block, as generic code sees it. The macro implements it;
/// you do not.
///
/// Code that hosts handlers (the WebSocket bridge, `partner-events-bridge`; a test harness) decodes
/// each message with a [`Decoder`](crate::Decoder) for [`Handler::Catalog`] and hands the result
/// to [`Handler::route`], so it sees the decode error itself and the handler still gets the message.
///
/// The future is `Send`, so that handlers run on multi-threaded runtimes: an `async` handler method
/// must not hold a value that is not `Send` (an `Rc`, a `RefCell` borrow) across an `.await`. For a
/// handler whose methods are all synchronous, the future is ready at once.
pub trait Handler {
    /// The catalog the handler's events come from (`partner_events::events::Catalog`, or a
    /// partner's own from `include_catalog!`).
    type Catalog: EventCatalog;

    /// Routes a decoded message, or the error decoding it, to its handler method or to
    /// `fallback`; what no method takes is returned in [`Dispatch::Unhandled`].
    ///
    /// For a handler whose methods are all synchronous, the method runs as `route` is called (the
    /// future is ready at once, and the handler need not be `Send`): a host calls it inside its
    /// [`DeliveryId::scope`](crate::DeliveryId::scope), [`Identity::scope`](crate::Identity::scope)
    /// and unwind guard, not before them.
    fn route(
        &mut self,
        message: Result<Message<ReceivedOf<Self>>, DecodeError>,
    ) -> impl Future<Output = Dispatch<ReceivedOf<Self>>> + Send;
}

/// What a handler may take after the event: how the message was decoded.
///
/// ```text
/// fn on_hold(&mut self, event: AwInteractionHoldV1, context: &partner_events::EventContext)
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EventContext {
    /// Exact, or a newer compatible version.
    pub version: VersionMatch,
    /// Where the dispatch version came from.
    pub version_source: VersionSource,
    /// Where the event stands on the decoder's date.
    pub lifecycle: LifecycleStatus,
    /// The event is past its sunset date (under [`SunsetPolicy::Flag`](crate::SunsetPolicy)).
    pub past_sunset: bool,
    /// The envelope's `schemaVersion`, if it had one.
    pub envelope_version: Option<EnvelopeVersion>,
    /// Which delivery this is: stable when the host resends the message, even to another server
    /// process, so side effects can be made idempotent (see [`DeliveryId`]). The host's
    /// [`DeliveryId::scope`] ([`DeliveryId::current`], which `fallback` reads too). `None` where
    /// the host does not number messages (a plain decode, the bridge's plain wire).
    pub delivery: Option<DeliveryId>,
    /// Whom the message came from: the principal the host resolved the page's session to (the
    /// bridge's `authorize` check), by its key and, where the host has it, as the partner's own
    /// type ([`EventContext::principal`]). The host's [`Identity::scope`] ([`Identity::current`],
    /// which `fallback` reads too). `None` where the host identifies no one.
    pub identity: Option<Identity>,
}

impl EventContext {
    /// A context, as a host or a test builds one: the version and lifecycle of the event, no
    /// envelope version, not past its sunset, no delivery. Its fields are public: set the others
    /// after:
    ///
    /// ```
    /// use partner_events::{DeliveryId, EventContext, LifecycleStatus, VersionMatch, VersionSource};
    ///
    /// let mut context =
    ///     EventContext::new(VersionMatch::Exact, VersionSource::Payload, LifecycleStatus::Active);
    /// context.delivery = Some(DeliveryId::new("b5f0c2d4e6a81f3c", 1));
    /// ```
    pub fn new(
        version: VersionMatch,
        version_source: VersionSource,
        lifecycle: LifecycleStatus,
    ) -> Self {
        EventContext {
            version,
            version_source,
            lifecycle,
            past_sunset: false,
            envelope_version: None,
            delivery: None,
            identity: None,
        }
    }

    /// The principal the message came from, as the host's type `P` (the bridge's `authorize`
    /// check's): `None` where the host identified no one, knows the key only, or for another
    /// type.
    ///
    /// ```
    /// use partner_events::{EventContext, Identity, LifecycleStatus, VersionMatch, VersionSource};
    ///
    /// struct Agent { team: String }
    ///
    /// let mut context =
    ///     EventContext::new(VersionMatch::Exact, VersionSource::Payload, LifecycleStatus::Active);
    /// context.identity = Some(Identity::new("agent-7").with_principal(Agent { team: "blue".into() }));
    /// assert_eq!(context.principal::<Agent>().map(|agent| agent.team.as_str()), Some("blue"));
    /// ```
    pub fn principal<P: std::any::Any>(&self) -> Option<&P> {
        self.identity.as_ref()?.principal()
    }
}

impl<R> DecodedEvent<R> {
    /// The event and its context, apart.
    pub fn into_parts(self) -> (R, EventContext) {
        (
            self.event,
            EventContext {
                version: self.version,
                version_source: self.version_source,
                lifecycle: self.lifecycle,
                past_sunset: self.past_sunset,
                envelope_version: self.envelope_version,
                delivery: DeliveryId::current(),
                identity: Identity::current(),
            },
        )
    }

    /// The event and its context together again ([`DecodedEvent::into_parts`] apart). The
    /// context's `delivery` and `identity` are not kept: a decoded event has none of its own,
    /// they are the host's ([`DeliveryId::scope`], [`Identity::scope`]).
    pub fn from_parts(event: R, context: EventContext) -> Self {
        DecodedEvent {
            event,
            version: context.version,
            version_source: context.version_source,
            lifecycle: context.lifecycle,
            past_sunset: context.past_sunset,
            envelope_version: context.envelope_version,
        }
    }
}

/// A message no handler method took: handed to the `fallback` method, or returned.
#[derive(Debug, Clone)]
pub enum Unhandled<R = crate::events::Received> {
    /// It decoded, but there is no handler for it: a catalog event without a method, an unknown
    /// event or version (raw payload kept), or a message that is not an event.
    Message(Message<R>),
    /// It did not decode.
    Invalid(DecodeError),
}

/// What `handle` did with a message. `#[must_use]`: a message that reached no handler is in
/// [`Dispatch::Unhandled`] and should not be ignored.
#[must_use = "a message no handler took is returned in `Dispatch::Unhandled`; define a `fallback` method or look at it"]
#[derive(Debug, Clone)]
pub enum Dispatch<R = crate::events::Received> {
    /// A handler method took the event with this wire name.
    Handled(&'static str),
    /// The impl block's `fallback` method took the message.
    Fallback,
    /// No handler took it, and the impl block has no `fallback` method.
    Unhandled(Unhandled<R>),
}
