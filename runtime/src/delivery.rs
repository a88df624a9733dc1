//! Delivery ids: what makes a handler's side effects idempotent across resends and restarts.

use std::fmt;
use std::sync::Arc;

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
