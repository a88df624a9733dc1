//! A message's way through the handler: counted by event and outcome, routed with panics
//! contained, timed, and logged when nothing took it.

use std::any::Any;
use std::borrow::Cow;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Instant;

use futures_util::FutureExt;
use partner_events::{
    AnyEvent, DecodeError, Dispatch, Handler, IdentityScope, Message as SdkMessage, Outcome,
    ReceivedOf, Unhandled,
};
use prometheus_client::metrics::histogram::Histogram;
use tracing::Instrument;

use crate::session::Session;
use crate::stats::{Counters, ErrorKind, LastEvent};
use crate::Shared;

/// Makes a session's handler, with a panic in the partner's factory contained: `Err` is the error
/// frame's text.
pub(crate) fn make_handler<H: Handler>(shared: &Shared<H>, session: &Session) -> Result<H, String> {
    let made =
        std::panic::catch_unwind(AssertUnwindSafe(|| (shared.make_handler)(session.clone())));
    match made {
        Ok(handler) => {
            shared.counters.unlabelled.sessions_started.inc();
            Ok(handler)
        }
        Err(panic) => {
            shared.counters.error(ErrorKind::handler_panic);
            Err(format!(
                "the session could not start: its handler's constructor panicked ({})",
                panic_text(&*panic)
            ))
        }
    }
}

/// `handling`, with whom the session belongs to in place for the handler's context
/// ([`EventContext::identity`](partner_events::EventContext),
/// [`Identity::current`](partner_events::Identity::current)).
pub(crate) fn identified<F: Future>(session: &Session, handling: F) -> IdentityScope<F> {
    IdentityScope::new(session.identity().cloned(), handling)
}

/// Counts a decoded message, routes it through the handler (with the session's identity in
/// place) and times it; `Err` with the panic's text if the handler panicked.
///
/// Futures put together, not an `async fn`, so that the message is kept once: an `async fn` keeps
/// room for its argument, for the local it moves into, and for the routing future that holds it
/// again. A message's future is allocated for each message, and one small enough for
/// the allocator's per-thread cache costs a fraction of one that is not.
pub(crate) fn route<'a, H: Handler>(
    handler: &'a mut H,
    session: &'a Session,
    decoded: Result<SdkMessage<ReceivedOf<H>>, DecodeError>,
    (counters, last): (&'a Counters, &'a mut LastEvent),
) -> impl Future<Output = Result<Dispatch<ReceivedOf<H>>, String>> + 'a {
    let (event, outcome, version, timer) = count(counters, last, &decoded);
    let span = tracing::debug_span!("message", event = %event, version = version.as_deref(), outcome = ?outcome);
    let started = Instant::now();
    // `route` is called on the first poll, inside the scope and the unwind guard, not as the
    // future is made: for a handler whose methods are all synchronous it runs the method as it is
    // called (`lazy` then `flatten`: the message, then the handler's future, in the same room)
    let routing = futures_util::future::lazy(move |_| handler.route(decoded)).flatten();
    let routing = identified(session, AssertUnwindSafe(routing).catch_unwind()).instrument(span);
    // `map`, not an `async` block: a block awaiting what it captured keeps room for it twice
    routing.map(move |routed| {
        match timer {
            Some(histogram) => histogram.observe(started.elapsed().as_secs_f64()),
            None => counters.handler_took(event, started.elapsed()),
        }
        counters.unlabelled.messages_handled.inc();
        routed.map_err(|panic| panic_text(&*panic).to_owned())
    })
}

/// Counts a message by event and outcome, and a decoded event by lifecycle status; returns its
/// `event` label, its outcome, its schema version and, for a catalog event, its handler's
/// histogram (from `last` when the event repeats). Labels stay bounded: an event the catalog does
/// not know is `unknown`.
fn count<'a, R: AnyEvent>(
    counters: &Counters,
    last: &'a mut LastEvent,
    decoded: &Result<SdkMessage<R>, DecodeError>,
) -> (
    Cow<'static, str>,
    Outcome,
    Option<String>,
    Option<&'a Histogram>,
) {
    let outcome = Outcome::of(decoded);
    let event: Cow<'static, str> = match decoded {
        Ok(SdkMessage::Event(decoded)) => {
            let name = decoded.event.event_name();
            let version = tracing::enabled!(tracing::Level::DEBUG)
                .then(|| decoded.event.schema_version().to_string());
            let timer = counters.event(last, name, outcome, &decoded.lifecycle);
            return (Cow::Borrowed(name), outcome, version, Some(timer));
        }
        Ok(SdkMessage::UnknownEvent { .. }) => Cow::Borrowed("unknown"),
        // the decoder says "unknown version" only of an event the catalog has
        Ok(SdkMessage::UnknownVersion { name, .. }) => Cow::Owned(name.clone()),
        Ok(_) | Err(_) => Cow::Borrowed("none"),
    };
    counters.message(event.clone(), outcome);
    (event, outcome, None, None)
}

pub(crate) fn log_unhandled<R: AnyEvent>(session: u64, dispatch: &Dispatch<R>) {
    if let Dispatch::Unhandled(unhandled) = dispatch {
        tracing::debug!(
            session,
            message = %describe(unhandled),
            "no handler method took a message, and the handler has no fallback"
        );
    }
}

fn describe<R: AnyEvent>(unhandled: &Unhandled<R>) -> String {
    match unhandled {
        Unhandled::Message(SdkMessage::Event(event)) => event.event.event_name().to_owned(),
        Unhandled::Message(SdkMessage::UnknownEvent { name, .. }) => {
            format!("unknown event {name}")
        }
        Unhandled::Message(SdkMessage::UnknownVersion {
            name,
            schema_version,
            ..
        }) => format!("{name} at unknown version {schema_version}"),
        Unhandled::Message(SdkMessage::NotEvent(non_event)) => {
            format!("a `{}` message", non_event.kind)
        }
        Unhandled::Invalid(error) => format!("invalid: {error}"),
        _ => "a message".to_owned(),
    }
}

pub(crate) fn panic_text(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
}

/// The error frame for a handler that panicked.
pub(crate) fn panicked(panic: &str) -> String {
    format!(
        "the handler panicked ({panic}); this session is closed, and the page's next connection starts a new one"
    )
}
