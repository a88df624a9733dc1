//! The plain wire: one SDK message per text frame, `sendEvent` and `error` frames back, nothing
//! numbered. A session is one connection.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket};
use futures_util::StreamExt;
use partner_events::Handler;
use tracing::Instrument;

use super::{log_unhandled, panic_text, panicked, route, spawn_writer};
use crate::outbox::{Outbox, Pipe, Protocol};
use crate::session::Session;
use crate::stats::ErrorKind;
use crate::wire::ServerFrame;
use crate::Shared;

pub(crate) async fn run<H, F>(socket: WebSocket, shared: Arc<Shared<H, F>>, token: Option<String>)
where
    H: Handler + Send + 'static,
    F: Fn(Session) -> H + Send + Sync + 'static,
{
    let (sink, mut stream) = socket.split();
    let (pipe, queued) = Pipe::new();
    let writer = spawn_writer(sink, Arc::clone(&pipe), queued);
    let counters = &shared.counters;
    let outbox = Arc::new(Outbox::new(
        Protocol::Plain,
        shared.limits,
        Arc::clone(counters),
    ));
    outbox
        .attach(Arc::clone(&pipe), None, 0)
        .expect("a new outbox has sent nothing");
    let error = |message: String| outbox.control(ServerFrame::error(message).to_text());

    let id = shared.next_session.fetch_add(1, Ordering::Relaxed);
    let session = Session::new(id, None, token, Arc::clone(&outbox));
    let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        (shared.make_handler)(session.clone())
    }));
    let mut handler = match made {
        Ok(handler) => {
            counters.sessions_started.inc();
            Some(handler)
        }
        Err(panic) => {
            counters.error(ErrorKind::handler_panic);
            error(format!(
                "the session could not start: its handler's constructor panicked ({})",
                panic_text(&*panic)
            ));
            None
        }
    };

    // the token's presence, never its value
    let span = tracing::info_span!(
        "session",
        session = id,
        has_token = session.token().is_some()
    );
    async {
    while let Some(handler_ref) = handler.as_mut() {
        if shared.drain.token().is_cancelled() {
            break;
        }
        pipe.writable(shared.limits.unwritten_bytes).await;
        let frame = tokio::select! {
            biased;
            _ = shared.drain.token().cancelled() => break,
            frame = stream.next() => frame,
        };
        let Some(frame) = frame else { break };
        match frame {
            Ok(Message::Text(text)) => {
                let decoded = shared.decoder.decode(text.as_str());
                if let Err(decode_error) = &decoded {
                    error(decode_error.to_string());
                }
                match route(handler_ref, decoded, counters).await {
                    Ok(dispatch) => log_unhandled(id, &dispatch),
                    Err(panic) => {
                        counters.error(ErrorKind::handler_panic);
                        error(panicked(&panic));
                        // its state may be half-updated: do not hand it another message
                        handler = None;
                    }
                }
            }
            Ok(Message::Binary(_)) => {
                counters.error(ErrorKind::connection);
                error(
                "a binary frame is not an SDK message: send each message as one text frame of JSON"
                    .into(),
                )
            }
            Ok(Message::Close(_)) => break,
            // pings are answered by the socket itself
            Ok(Message::Ping(_) | Message::Pong(_)) => {}
            Err(socket_error) => {
                // too large a message, or a broken connection: the stream cannot go on
                counters.error(ErrorKind::connection);
                error(format!(
                    "the connection cannot go on: {socket_error} (messages may be at most {} bytes)",
                    shared.max_message_bytes
                ));
                break;
            }
        }
    }
    }
    .instrument(span)
    .await;
    drop(handler);
    outbox.detach(&pipe);
    if shared.drain.token().is_cancelled() {
        counters.drained_connections.inc();
        pipe.close(crate::wire::close::RESTART, "the server is restarting");
    } else {
        pipe.close(1000, "");
    }
    drop(pipe);
    let _ = writer.await;
}
