//! One agent session: one WebSocket connection, one handler value, and the way its replies go
//! back to that connection's page and no other.

use std::fmt;
use std::sync::Arc;

use partner_events::SendEvent;
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

/// Why [`Session::send`] could not send.
#[derive(Debug)]
#[non_exhaustive]
pub enum SendError {
    /// The event did not serialize (a hand-written `Serialize` that failed).
    Serialize(serde_json::Error),
    /// The connection has closed; the page will not receive it.
    Closed,
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Serialize(error) => write!(f, "the event did not serialize: {error}"),
            SendError::Closed => f.write_str("the session's connection has closed"),
        }
    }
}

impl std::error::Error for SendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SendError::Serialize(error) => Some(error),
            SendError::Closed => None,
        }
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

    pub(crate) fn frame(&self, frame: ServerFrame) -> Result<(), SendError> {
        self.inner.outbox.send(frame).map_err(|_| SendError::Closed)
    }
}
