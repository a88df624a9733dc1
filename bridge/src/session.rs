//! One agent session: its handler's handle on the page, and the way its replies go back to that
//! session's page and no other.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use partner_events::{EventJson, Identity, Outbox as RuntimeOutbox, SendError, SendEvent, Sender};
use serde::Serialize;

use crate::outbox::{Json, Outlet};
use crate::principal::Principal;

/// A handle on one session, given to the factory that makes its handler. Clone it freely: every
/// clone sends to the same page.
///
/// On the plain wire a session is one connection. In the acknowledged protocol it is the page's
/// session: it outlives a dropped connection for the bridge's resume window, and what it sends
/// meanwhile reaches the page when it reconnects.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

struct Inner {
    id: u64,
    page_session: Option<Arc<str>>,
    token: Option<String>,
    identity: Option<Identity>,
    outlet: Arc<dyn Outlet>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // never the token's value: only whether there is one
        f.debug_struct("Session")
            .field("id", &self.inner.id)
            .field("page_session", &self.inner.page_session)
            .field("agent", &self.agent())
            .field("has_token", &self.inner.token.is_some())
            .finish()
    }
}

impl Session {
    pub(crate) fn new(
        id: u64,
        page_session: Option<Arc<str>>,
        token: Option<String>,
        identity: Option<Identity>,
        outlet: Arc<dyn Outlet>,
    ) -> Self {
        Session {
            inner: Arc::new(Inner {
                id,
                page_session,
                token,
                identity,
                outlet,
            }),
        }
    }

    /// The session's number, unique within the bridge for the life of the process.
    pub fn id(&self) -> u64 {
        self.inner.id
    }

    /// The page's own id for its session (acknowledged protocol): stable across reconnections
    /// and server restarts, unlike [`Session::id`]. `None` on the plain wire.
    pub fn page_session(&self) -> Option<&str> {
        self.inner.page_session.as_deref()
    }

    /// The token the page connected with, if any: already accepted by the bridge's
    /// [`authorize`](crate::Bridge::authorize) check when there is one.
    pub fn token(&self) -> Option<&str> {
        self.inner.token.as_deref()
    }

    /// The key of the principal the bridge's [`authorize`](crate::Bridge::authorize) check
    /// resolved the token to ([`Principal::key`]): the agent this session's page belongs to.
    /// `None` without a check.
    pub fn agent(&self) -> Option<&str> {
        self.inner.identity.as_ref().map(Identity::key)
    }

    /// The principal the bridge's [`authorize`](crate::Bridge::authorize) check resolved the
    /// token to, as its type `P`; `None` without a check, or for another type.
    pub fn principal<P: Principal>(&self) -> Option<&P> {
        self.inner.identity.as_ref()?.principal()
    }

    /// Whom the session belongs to: its principal's key, and the principal, as the handler's
    /// [`EventContext::identity`](partner_events::EventContext) has it for every message of the
    /// session. `None` without a check.
    pub fn identity(&self) -> Option<&Identity> {
        self.inner.identity.as_ref()
    }

    /// Sends an event to this session's page, which calls `partnerSDK.system.sendEvent(name,
    /// data)` with it. Only send-direction events compile here. Frames reach the page in the
    /// order they were sent.
    pub fn send<E>(&self, event: &E) -> Result<(), SendError>
    where
        E: SendEvent + Serialize,
    {
        with_json(event, |data| {
            self.inner.outlet.post_event(E::NAME, Json(data))
        })
    }

    /// A [`Sender`] for this session: what a handler holds, so that the same handler also runs
    /// under `partner_events::testing::FakeHost` in a unit test. It sends as [`Session::send`]
    /// does, in the same order.
    pub fn sender(&self) -> Sender {
        Sender::new(SessionOutbox(Arc::clone(&self.inner)))
    }

    /// Sends the partner's own JSON to this session's page, which hands it to its
    /// `onPageMessage` callback, in order with the events, once. Acknowledged protocol only: on
    /// the plain wire it fails with [`SendError::Closed`].
    pub fn send_to_page<T: Serialize + ?Sized>(&self, message: &T) -> Result<(), SendError> {
        if !self.inner.outlet.takes_pages() {
            return Err(SendError::Closed);
        }
        with_json(message, |body| self.inner.outlet.post_page(Json(body)))
    }

    /// A typed handle for [`Session::send_to_page`], for a handler to hold.
    pub fn page_sender<T: Serialize + ?Sized>(&self) -> PageSender<T> {
        let session = self.clone();
        let takes_pages = self.inner.outlet.takes_pages();
        PageSender::from_outlet(takes_pages, move |body| {
            session.inner.outlet.post_page(body)
        })
    }
}

/// Serializes `value` (through the runtime's per-thread buffer, as `Sender::send` does: no
/// allocation of its own) and hands its text to `post`.
fn with_json<T: Serialize + ?Sized>(
    value: &T,
    post: impl FnOnce(&str) -> Result<(), SendError>,
) -> Result<(), SendError> {
    partner_events::__private::with_json(value, post).map_err(SendError::Serialize)?
}

/// The session as a runtime outbox.
struct SessionOutbox(Arc<Inner>);

impl RuntimeOutbox for SessionOutbox {
    fn post(&self, name: &'static str, data: EventJson<'_>) -> Result<(), SendError> {
        self.0.outlet.post_event(name, Json(data.get()))
    }
}

type PostPage = dyn Fn(Json<'_>) -> Result<(), SendError> + Send + Sync;

/// Sends messages of type `T` (the partner's own, serialized as JSON) to one session's page: made
/// by [`Session::page_sender`], or by [`PageSender::new`] in a test.
pub struct PageSender<T: ?Sized> {
    post: Arc<PostPage>,
    /// Whether the session can carry page messages at all: on the plain wire a send fails at
    /// once, without serializing a message that could never be sent.
    takes_pages: bool,
    _message: PhantomData<fn(&T)>,
}

impl<T: Serialize + ?Sized> PageSender<T> {
    /// A sender that hands each message's JSON text to `post` (for tests: record them).
    pub fn new(post: impl Fn(String) -> Result<(), SendError> + Send + Sync + 'static) -> Self {
        PageSender::from_outlet(true, move |body| post(body.0.to_owned()))
    }

    fn from_outlet(
        takes_pages: bool,
        post: impl Fn(Json<'_>) -> Result<(), SendError> + Send + Sync + 'static,
    ) -> Self {
        PageSender {
            post: Arc::new(post),
            takes_pages,
            _message: PhantomData,
        }
    }

    /// Whether the session's protocol carries page messages: `false` on the plain wire, where
    /// every [`PageSender::send`] fails with [`SendError::Closed`]; `true` on the acknowledged
    /// protocol, also while the page is between connections (what is sent then is kept for it).
    /// A handler checks it before it builds a message that costs something to make (a record
    /// looked up for a card no page will show).
    pub fn has_page(&self) -> bool {
        self.takes_pages
    }

    /// Sends one message to the page; on the plain wire, [`SendError::Closed`] at once.
    pub fn send(&self, message: &T) -> Result<(), SendError> {
        if !self.takes_pages {
            return Err(SendError::Closed);
        }
        with_json(message, |body| (self.post)(Json(body)))
    }
}

impl<T: ?Sized> Clone for PageSender<T> {
    fn clone(&self) -> Self {
        PageSender {
            post: Arc::clone(&self.post),
            takes_pages: self.takes_pages,
            _message: PhantomData,
        }
    }
}

impl<T: ?Sized> fmt::Debug for PageSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageSender").finish_non_exhaustive()
    }
}
