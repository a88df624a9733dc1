//! The plain wire: one SDK message per text frame, `sendEvent` and `error` frames back, nothing
//! numbered. A session is one connection.

use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use futures_util::FutureExt;
use partner_events::Handler;
use tracing::Instrument;

use super::route::{log_unhandled, make_handler, panicked, route};
use super::{close_with, serve, Credentials, End, Flow, Protocol, DRAINED};
use crate::outbox::{Pipe, PlainOutlet};
use crate::session::Session;
use crate::socket::Socket;
use crate::stats::{ErrorKind, LastEvent};
use crate::wire::ServerFrame;
use crate::Shared;

pub(crate) async fn run<H>(
    mut socket: Box<Socket>,
    shared: Arc<Shared<H>>,
    credentials: Box<Credentials>,
) where
    H: Handler + Send + 'static,
{
    let pipe = Pipe::new();
    let outlet = PlainOutlet {
        pipe: Arc::clone(&pipe),
        limits: shared.config.outgoing,
        counters: Arc::clone(&shared.counters),
        last_reply: Default::default(),
    };
    let id = shared.next_session.fetch_add(1, Ordering::Relaxed);
    let (token, identity) = credentials.into_parts();
    let session = Session::new(id, None, token, identity, Arc::new(outlet));
    let handler = match make_handler(&shared, &session) {
        Ok(handler) => handler,
        Err(message) => {
            pipe.push(error(&message).into());
            close_with(&mut socket, &pipe, (1000, ""), &shared.config).await;
            return;
        }
    };
    // the token's presence, never its value
    let span = tracing::info_span!(
        "session",
        session = id,
        has_token = session.token().is_some()
    );
    let plain = Plain {
        shared: &shared,
        handler,
        pipe: &pipe,
        session,
        last_event: LastEvent::default(),
    };
    serve(
        &mut socket,
        &pipe,
        plain,
        None,
        (&shared.drain, &shared.config, &shared.counters),
    )
    .instrument(span)
    .await;
}

/// A plain session: its handler, its connection's pipe and its handle.
struct Plain<'a, H: Handler> {
    shared: &'a Shared<H>,
    handler: H,
    pipe: &'a Pipe,
    session: Session,
    last_event: LastEvent,
}

fn error(message: &str) -> String {
    ServerFrame::error(message).to_text()
}

impl<H: Handler + Send> Protocol for Plain<'_, H> {
    // nothing is numbered: a frame not handled is lost, so a drain handles the one in hand
    const PAGE_RESENDS: bool = false;

    fn on_text(&mut self, text: String) -> impl Future<Output = Flow> + Send {
        let counters = &self.shared.counters;
        // decoded as it is called, and the text let go: the future keeps only the routing
        let decoded = self.shared.decoder.decode(&text);
        drop(text);
        if let Err(decode_error) = &decoded {
            self.pipe.push(error(&decode_error.to_string()).into());
        }
        let (pipe, session) = (self.pipe, self.session.id());
        let routing = route(
            &mut self.handler,
            &self.session,
            decoded,
            (counters, &mut self.last_event),
        );
        // `map`, not an `async` block, which would keep room for the routing twice
        routing.map(move |routed| match routed {
            Ok(dispatch) => {
                log_unhandled(session, &dispatch);
                Flow::Continue
            }
            Err(panic) => {
                counters.error(ErrorKind::handler_panic);
                pipe.push(error(&panicked(&panic)).into());
                // its state may be half-updated: do not hand it another message
                Flow::End(End::Panicked)
            }
        })
    }

    fn on_binary(&mut self) {
        self.shared.counters.error(ErrorKind::connection);
        self.pipe.push(
            error(
                "a binary frame is not an SDK message: send each message as one text frame of JSON",
            )
            .into(),
        );
    }

    fn error(&self, message: &str) -> String {
        error(message)
    }

    fn end(self, end: End) -> (u16, &'static str) {
        match end {
            End::Drained => DRAINED,
            End::Broken(code) => (code, ""),
            // the plain wire has no codes of its own: a session is its connection
            _ => (1000, ""),
        }
    }
}
