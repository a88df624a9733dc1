//! Delivery ids: what makes a handler's side effects idempotent across resends and restarts.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::ambient::{self, Slot};

/// Which delivery of which session a message is: the page's session id and the number the page
/// gave the message. A host that resends messages (the WebSocket bridge's acknowledged protocol
/// resends what the server had not acknowledged when it died) gives a resent message the same id,
/// whichever server process handles it, so a handler can record the ids it has acted on in its
/// own store and skip a repeat:
///
/// ```
/// use std::collections::HashSet;
/// use partner_events::DeliveryId;
///
/// struct Crm { done: HashSet<String> } // in production: a table with a UNIQUE key on the id
///
/// impl Crm {
///     fn log_call(&mut self, delivery: Option<&DeliveryId>, note: &str) -> bool {
///         match delivery {
///             // insert-if-absent in the same transaction as the side effect
///             Some(id) if !self.done.insert(id.to_string()) => false, // already done: skip
///             _ => { /* write `note` */ true }
///         }
///     }
/// }
///
/// let mut crm = Crm { done: HashSet::new() };
/// let id = DeliveryId::new("b5f0c2d4e6a81f3c", 17);
/// assert_eq!(id.to_string(), "b5f0c2d4e6a81f3c/17");
/// assert!(crm.log_call(Some(&id), "called back"));
/// assert!(!crm.log_call(Some(&id.clone()), "called back"), "the resend is skipped");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeliveryId {
    session: Arc<str>,
    seq: u64,
}

impl DeliveryId {
    /// The delivery numbered `seq` of the page session `session`.
    pub fn new(session: impl Into<Arc<str>>, seq: u64) -> Self {
        DeliveryId {
            session: session.into(),
            seq,
        }
    }

    /// The page's session id: stable across reloads of the page and reconnections.
    pub fn session(&self) -> &str {
        &self.session
    }

    /// The message's number within its session, from 1, in the order the page received them.
    pub fn seq(&self) -> u64 {
        self.seq
    }
}

impl fmt::Display for DeliveryId {
    /// `session/seq`: a string to keep as a unique key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.session, self.seq)
    }
}

impl fmt::Debug for DeliveryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeliveryId({self})")
    }
}

std::thread_local! {
    /// The delivery the future being polled on this thread is handling (see [`DeliveryId::scope`]).
    static CURRENT: Slot<DeliveryId> = const { RefCell::new(None) };
}

impl DeliveryId {
    /// The delivery being handled: what the host set with [`DeliveryId::scope`] around routing
    /// the message. Every message has it, whatever becomes of it: a handler method's event, and
    /// what `fallback` sees (an event without a method, an unknown event or version, a message
    /// that is not an event, one that did not decode), so the fallback's side effects can be made
    /// idempotent too. `None` where the host numbers nothing (a plain decode, the bridge's plain
    /// wire, the test kit).
    ///
    /// ```
    /// use partner_events::DeliveryId;
    ///
    /// let id = DeliveryId::new("b5f0c2d4e6a81f3c", 17);
    /// let seen = pollster::block_on(id.clone().scope(async { DeliveryId::current() }));
    /// assert_eq!(seen, Some(id));
    /// assert_eq!(DeliveryId::current(), None, "only inside the scope");
    /// ```
    pub fn current() -> Option<DeliveryId> {
        ambient::current(&CURRENT)
    }

    /// Runs `future` with this id as [`DeliveryId::current`], for a host that numbers what it
    /// delivers. The id is in place only while the future is polled, so futures of other
    /// deliveries polled on the same thread in between see theirs. Call the handler's `route`
    /// inside the future, not before: for a handler whose methods are all synchronous, `route`
    /// runs the method as it is called:
    ///
    /// ```text
    /// id.scope(async { handler.route(message).await })   // not id.scope(handler.route(message))
    /// ```
    pub fn scope<F: Future>(self, future: F) -> DeliveryScope<F> {
        DeliveryScope {
            delivery: Some(self),
            future,
        }
    }
}

pin_project_lite::pin_project! {
    /// A future running with a [`DeliveryId`] in place: see [`DeliveryId::scope`].
    #[derive(Debug)]
    #[must_use = "futures do nothing unless polled"]
    pub struct DeliveryScope<F> {
        delivery: Option<DeliveryId>,
        #[pin]
        future: F,
    }
}

impl<F: Future> Future for DeliveryScope<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        ambient::with(&CURRENT, this.delivery, || this.future.poll(cx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scope_sees_its_own_delivery_and_nothing_leaks_out() {
        let outer = DeliveryId::new("s", 1);
        let inner = DeliveryId::new("s", 2);
        let seen = pollster::block_on(outer.clone().scope(async {
            let before = DeliveryId::current();
            let nested = inner.clone().scope(async { DeliveryId::current() }).await;
            (before, nested, DeliveryId::current())
        }));
        assert_eq!(seen, (Some(outer.clone()), Some(inner), Some(outer)));
        assert_eq!(DeliveryId::current(), None);
    }

    #[test]
    fn a_panicking_future_puts_the_previous_delivery_back() {
        let caught = std::panic::catch_unwind(|| {
            pollster::block_on(DeliveryId::new("s", 3).scope(async { panic!("a handler bug") }))
        });
        assert!(caught.is_err());
        assert_eq!(DeliveryId::current(), None);
    }
}
