//! The bridge's seam to a backbone across processes: what reaches an agent's pages from outside
//! their sessions, and where the pages' events are stored before they are acknowledged.
//!
//! The bridge knows no broker. A [`Backbone`] (the crate `partner-events-nats` is one, on NATS
//! JetStream) is told of every acknowledged session that has an agent, as an [`AgentPage`] it can
//! deliver to, and is handed every event a page delivers ([`PageEvent`]) to store. The bridge
//! keeps its own promises around it:
//!
//! - **An addressed message is applied once per page.** It goes out as a numbered frame whose id
//!   is `a<position>`, the backbone's position of the message (a stream sequence). The page keeps
//!   the last position it applied, across reloads, and says it in its hello; a page that moves to
//!   another process is caught up from there by that process's backbone.
//! - **An event is acknowledged to the page only once it is stored.** The handler runs at once;
//!   the acknowledgement waits for the store. A bridge that dies in between is resent the event,
//!   under the same delivery id, which the store deduplicates.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Weak};

use partner_events::{DeliveryId, SendError};
use serde_json::value::RawValue;

use crate::outbox::{Json, Outbox};

/// A store of one page event in progress: resolves once the event is stored durably. It is
/// polled by the session's connection; dropped (the connection ended first), the event is not
/// acknowledged, and the page sends it again.
pub type Storing = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// What connects a bridge to other processes. Install one with
/// [`Bridge::backbone`](crate::Bridge::backbone).
pub trait Backbone: Send + Sync + 'static {
    /// An acknowledged session of an agent is attached on this process: a new page, a page that
    /// moved here from another process, or a page that resumed here. Deliver what is addressed
    /// to its agent through `page`, from [`AgentPage::applied`] on.
    ///
    /// Returns the position the page is caught up through, which its welcome carries: for a page
    /// that has applied nothing yet, where its delivery starts (a page keeps it only if it has
    /// none of its own). `None` says nothing: a page that resumed here knows, and a backbone that
    /// cannot reach its broker yet does not know.
    fn page_attached(&self, page: AgentPage) -> Option<u64>;

    /// Stores one event a page delivered, or `None` when this backbone stores nothing. The
    /// future must copy what it needs from `event` before it returns.
    fn store(&self, event: PageEvent<'_>) -> Option<Storing>;

    /// Whether the backbone can store events now (the readiness check says so).
    fn ready(&self) -> bool {
        true
    }

    /// Appends the backbone's metrics to the bridge's, in the OpenMetrics text format, without
    /// the closing `# EOF` (see [`BridgeMetrics`](crate::BridgeMetrics)).
    fn render_metrics(&self, _text: &mut String) {}
}

/// One event a page delivered, for [`Backbone::store`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct PageEvent<'a> {
    /// The session's agent ([`Principal::key`](crate::Principal::key)), when the bridge
    /// authorizes sessions.
    pub agent: Option<&'a str>,
    /// The delivery: the page's session id and the message's number. A resend has the same.
    pub delivery: &'a DeliveryId,
    /// The event's name (`message.eventName`), as the page sent it.
    pub name: &'a str,
    /// The SDK message, exactly as `onMessage` received it.
    pub message: &'a RawValue,
}

/// One page of an agent, attached on this process: what a [`Backbone`] delivers through. Cheap to
/// clone; it does not keep the session alive, and a delivery to a session that has ended fails
/// with [`SendError::Closed`].
#[derive(Clone)]
pub struct AgentPage {
    agent: Arc<str>,
    page_session: Arc<str>,
    applied: Option<u64>,
    resumed: bool,
    outbox: Weak<Outbox>,
}

impl std::fmt::Debug for AgentPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentPage")
            .field("agent", &self.agent)
            .field("page_session", &self.page_session)
            .field("applied", &self.applied)
            .field("resumed", &self.resumed)
            .finish_non_exhaustive()
    }
}

impl AgentPage {
    pub(crate) fn new(
        agent: Arc<str>,
        page_session: Arc<str>,
        applied: Option<u64>,
        resumed: bool,
        outbox: &Arc<Outbox>,
    ) -> Self {
        AgentPage {
            agent,
            page_session,
            applied,
            resumed,
            outbox: Arc::downgrade(outbox),
        }
    }

    /// The agent whose page it is.
    pub fn agent(&self) -> &str {
        &self.agent
    }

    /// The page's session id, stable across reloads and processes.
    pub fn page_session(&self) -> &str {
        &self.page_session
    }

    /// The last position the page says it applied (its hello's `addressed`), or `None` for a page
    /// that has none yet.
    pub fn applied(&self) -> Option<u64> {
        self.applied
    }

    /// Whether this process still had the session: what it delivered before and the page did
    /// not acknowledge is sent again by the session itself.
    pub fn resumed(&self) -> bool {
        self.resumed
    }

    /// Delivers the partner's own JSON for the page's `onPageMessage`, at `position`.
    pub fn deliver_page(&self, position: u64, message: &RawValue) -> Result<(), SendError> {
        self.outbox()?
            .post_addressed_page(position, Json(message.get()))
    }

    /// Delivers a send event for the page to post with `sendEvent`, at `position`. `data` must
    /// have been checked against the event's schema.
    pub fn deliver_event(
        &self,
        position: u64,
        name: &'static str,
        data: &RawValue,
    ) -> Result<(), SendError> {
        self.outbox()?
            .post_addressed_event(position, name, Json(data.get()))
    }

    /// Whether the session has ended: nothing delivered now would reach the page.
    pub fn is_gone(&self) -> bool {
        self.outbox.upgrade().is_none_or(|outbox| outbox.is_gone())
    }

    /// Whether `other` is the same attachment of the same session: a page that attaches again
    /// later (a new session after its old one ended) is another.
    pub fn is_same_session(&self, other: &AgentPage) -> bool {
        Weak::ptr_eq(&self.outbox, &other.outbox)
    }

    fn outbox(&self) -> Result<Arc<Outbox>, SendError> {
        self.outbox.upgrade().ok_or(SendError::Closed)
    }
}
