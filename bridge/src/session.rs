//! One agent session: one WebSocket connection, one handler value, and the way its replies go
//! back to that connection's page and no other.

use std::fmt;
use std::sync::Arc;

use partner_events::{Outbox, SendError, SendEvent, Sender};
use serde::Serialize;
use tokio::sync::mpsc;

use crate::wire::ServerFrame;

/// A handle on one connection, given to the factory that makes its handler. Clone it freely: every
/// clone sends to the same page.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

struct Inner {
    id: u64,
    token: Option<String>,
    outbox: mpsc::UnboundedSender<ServerFrame>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.inner.id)
            .field("has_token", &self.inner.token.is_some())
            .finish()
    }
}

impl Session {
    pub(crate) fn new(
        id: u64,
        token: Option<String>,
        outbox: mpsc::UnboundedSender<ServerFrame>,
    ) -> Self {
        Session {
            inner: Arc::new(Inner { id, token, outbox }),
        }
    }

    /// The session's number, unique within the bridge for the life of the process.
    pub fn id(&self) -> u64 {
        self.inner.id
    }

    /// The token the page connected with (`?token=`), if any: already accepted by the bridge's
    /// [`authorize`](crate::Bridge::authorize) check when there is one.
    pub fn token(&self) -> Option<&str> {
        self.inner.token.as_deref()
    }

    /// Sends an event to this session's page, which calls `partnerSDK.system.sendEvent(name,
    /// data)` with it. Only send-direction events compile here. Frames reach the page in the
    /// order they were sent.
    pub fn send<E>(&self, event: &E) -> Result<(), SendError>
    where
        E: SendEvent + Serialize,
    {
        let (name, data) = partner_events::send_event_args(event).map_err(SendError::Serialize)?;
        self.frame(ServerFrame::SendEvent {
            name: name.to_owned(),
            data,
        })
    }

    /// A [`Sender`] for this session: what a handler holds, so that the same handler also runs
    /// under `partner_events::testing::FakeHost` in a unit test. It sends as [`Session::send`]
    /// does, in the same order.
    pub fn sender(&self) -> Sender {
        Sender::new(SessionOutbox(Arc::clone(&self.inner)))
    }

    pub(crate) fn frame(&self, frame: ServerFrame) -> Result<(), SendError> {
        self.inner.frame(frame)
    }
}

impl Inner {
    fn frame(&self, frame: ServerFrame) -> Result<(), SendError> {
        self.outbox.send(frame).map_err(|_| SendError::Closed)
    }
}

/// The session as a runtime [`Outbox`].
struct SessionOutbox(Arc<Inner>);

impl Outbox for SessionOutbox {
    fn post(&self, name: &'static str, data: serde_json::Value) -> Result<(), SendError> {
        self.0.frame(ServerFrame::SendEvent {
            name: name.to_owned(),
            data,
        })
    }
}
