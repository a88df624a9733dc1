//! One connection, start to end: make the session's handler, route each text frame through it,
//! and write its replies and errors back in order.
//!
//! Nothing a page sends can end another session: a bad message gets an error frame and the
//! session goes on; a handler that panics gets its session closed (its state may be broken), with
//! an error frame saying so, and the page's next connection starts a new handler.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket};
use futures_util::{FutureExt, SinkExt, StreamExt};
use partner_events::{AnyEvent, Dispatch, Handler, Message as SdkMessage, Unhandled};
use tokio::sync::{mpsc, oneshot};

use crate::session::Session;
use crate::wire::ServerFrame;
use crate::Shared;

pub(crate) async fn run<H, F>(
    socket: WebSocket,
    shared: Arc<Shared<H, F>>,
    id: u64,
    token: Option<String>,
) where
    H: Handler + Send + 'static,
    F: Fn(Session) -> H + Send + Sync + 'static,
{
    let (mut sink, mut stream) = socket.split();
    let (outbox, mut outgoing) = mpsc::unbounded_channel::<ServerFrame>();
    let (reader_done, mut reader_done_rx) = oneshot::channel::<()>();

    // Replies and errors go out in the order they were made, from one writer.
    let writer = tokio::spawn(async move {
        loop {
            tokio::select! {
                biased;
                frame = outgoing.recv() => match frame {
                    Some(frame) => {
                        if sink.send(Message::Text(frame.to_text().into())).await.is_err() {
                            return;
                        }
                    }
                    None => break,
                },
                _ = &mut reader_done_rx => {
                    // the page is gone or the session ended: flush what is queued, then close
                    while let Ok(frame) = outgoing.try_recv() {
                        if sink.send(Message::Text(frame.to_text().into())).await.is_err() {
                            return;
                        }
                    }
                    break;
                }
            }
        }
        let _ = sink.close().await;
    });

    let session = Session::new(id, token, outbox);
    let made =
        std::panic::catch_unwind(AssertUnwindSafe(|| (shared.make_handler)(session.clone())));
    let mut handler = match made {
        Ok(handler) => Some(handler),
        Err(panic) => {
            let _ = session.frame(ServerFrame::error(format!(
                "the session could not start: its handler's constructor panicked ({})",
                panic_text(&*panic)
            )));
            None
        }
    };

    while let Some(handler_ref) = handler.as_mut() {
        let Some(frame) = stream.next().await else {
            break;
        };
        match frame {
            Ok(Message::Text(text)) => {
                let decoded = shared.decoder.decode(text.as_str());
                if let Err(error) = &decoded {
                    let _ = session.frame(ServerFrame::error(error.to_string()));
                }
                match AssertUnwindSafe(handler_ref.route(decoded))
                    .catch_unwind()
                    .await
                {
                    Ok(Dispatch::Unhandled(unhandled)) => {
                        tracing::debug!(
                            session = id,
                            message = %describe(&unhandled),
                            "no handler method took a message, and the handler has no fallback"
                        );
                    }
                    Ok(Dispatch::Handled(_) | Dispatch::Fallback) => {}
                    Err(panic) => {
                        let _ = session.frame(ServerFrame::error(format!(
                            "the handler panicked ({}); this session is closed, and the page's next connection starts a new one",
                            panic_text(&*panic)
                        )));
                        // its state may be half-updated: do not hand it another message
                        handler = None;
                    }
                }
            }
            Ok(Message::Binary(_)) => {
                let _ = session.frame(ServerFrame::error(
                    "a binary frame is not an SDK message: send each message as one text frame of JSON",
                ));
            }
            Ok(Message::Close(_)) => break,
            // pings are answered by the socket itself
            Ok(Message::Ping(_) | Message::Pong(_)) => {}
            Err(error) => {
                // too large a message, or a broken connection: the stream cannot go on
                let _ = session.frame(ServerFrame::error(format!(
                    "the connection cannot go on: {error} (messages may be at most {} bytes)",
                    shared.max_message_bytes
                )));
                break;
            }
        }
    }
    drop(handler);
    drop(session);
    let _ = reader_done.send(());
    let _ = writer.await;
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
    }
}

fn panic_text(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
}
