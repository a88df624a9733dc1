//! The acknowledged protocol (`partner-events.v1`, see [`crate::wire`]): a hello that attaches the
//! page's session, numbered messages handled once each and acknowledged after their handler
//! returns, the page's acknowledgements of what the server sent, and the ways a connection ends.

use std::cell::Cell;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket};
use futures_util::stream::SplitStream;
use futures_util::{FutureExt, StreamExt};
use partner_events::{DeliveryId, Handler, Message as SdkMessage};
use tracing::Instrument;

use super::{log_unhandled, panic_text, panicked, route, spawn_writer};
use crate::outbox::{Outbox, Pipe, Protocol, DELIVERY};
use crate::registry::{check_page_session, Attached, Refusal};
use crate::session::Session;
use crate::stats::{ErrorKind, Refused};
use crate::wire::{acked, close, PageFrame};
use crate::Shared;

/// How long a new connection may take to say hello.
const HELLO_WITHIN: Duration = Duration::from_secs(10);
/// The largest number either side counts to: JavaScript's largest exact integer.
const MAX_NUMBER: u64 = (1 << 53) - 1;
/// Acknowledge at least this often while frames keep arriving.
const ACK_EVERY: u32 = 64;
/// Room the outbox must have before a message is handled: a few replies' worth.
const OUTBOX_HEADROOM: usize = 16 * 1024;

/// Why a connection ended.
#[derive(Debug)]
enum End {
    /// The page closed it, or the network did: keep the session for the resume window.
    PageGone,
    /// A newer connection of the same session took over.
    TakenOver,
    /// The bridge is draining.
    Drained,
    /// The handler panicked: the session is gone.
    Panicked,
    /// A frame broke the protocol in a way the page repairs by reconnecting.
    Protocol,
    /// The outbox is full of frames the page has not acknowledged: it resumes at once.
    OutboxFull,
}

pub(crate) async fn run<H, F>(
    socket: WebSocket,
    shared: Arc<Shared<H, F>>,
    url_token: Option<String>,
) where
    H: Handler + Send + 'static,
    F: Fn(Session) -> H + Send + Sync + 'static,
{
    let (sink, mut stream) = socket.split();
    let (pipe, queued) = Pipe::new();
    let writer = spawn_writer(sink, Arc::clone(&pipe), queued);
    // Before a session is attached, errors go straight to this connection's writer.
    let refuse = |message: &str, code: u16| {
        pipe.push(acked::error(message, None).into());
        pipe.close(code, "");
    };

    match hello(&mut stream, &shared, url_token).await {
        Err((message, code)) => {
            if code == close::UNAUTHORIZED {
                shared.counters.refused(Refused::token);
            } else {
                shared.counters.error(ErrorKind::protocol);
            }
            refuse(&message, code);
        }
        Ok(hello) => match attach(&shared, &hello).await {
            Err(message) => refuse(&message, close::PROTOCOL),
            Ok(Err(Refusal::Foreign)) => {
                shared.counters.refused(Refused::foreign_session);
                refuse(
                "this session id belongs to another page (the key or the token does not match): start a new session id",
                close::FOREIGN_SESSION,
                )
            }
            Ok(Err(Refusal::Busy)) => refuse(
                "this session's previous connection is still busy; reconnect shortly",
                close::TAKEN_OVER,
            ),
            Ok(Ok(attached)) => {
                let span = tracing::info_span!(
                    "session",
                    session = attached.slot.session.id(),
                    page_session = %attached.slot.page_session,
                    has_token = attached.slot.session.token().is_some(),
                );
                serve(&mut stream, &shared, &pipe, attached, &hello)
                    .instrument(span)
                    .await;
            }
        },
    }
    drop(pipe);
    // the ack and the close frame are written before the connection counts as finished
    let _ = tokio::time::timeout(Duration::from_secs(5), writer).await;
}

struct HelloFrame {
    session: String,
    key: Option<String>,
    token: Option<String>,
    acked: u64,
    received: u64,
}

/// Reads the hello and checks its token: the page's first frame.
async fn hello<H: Handler, F>(
    stream: &mut SplitStream<WebSocket>,
    shared: &Shared<H, F>,
    url_token: Option<String>,
) -> Result<HelloFrame, (String, u16)> {
    let first = tokio::time::timeout(HELLO_WITHIN, stream.next())
        .await
        .map_err(|_| ("no hello within 10 s".to_owned(), close::PROTOCOL))?;
    let text = match first {
        Some(Ok(Message::Text(text))) => text,
        _ => {
            return Err((
                "the first frame must be the hello, as text".into(),
                close::PROTOCOL,
            ))
        }
    };
    let frame: PageFrame<'_> = serde_json::from_str(text.as_str()).map_err(|error| {
        (
            format!("the first frame is not a hello: {error}"),
            close::PROTOCOL,
        )
    })?;
    let Some(hello) = frame.hello else {
        return Err((
            r#"the first frame must be {"hello":{"session":…}}"#.into(),
            close::PROTOCOL,
        ));
    };
    check_page_session(&hello.session).map_err(|message| (message, close::PROTOCOL))?;
    // numbers a page counts in JavaScript; and no arithmetic on them can overflow
    if hello.acked > MAX_NUMBER || hello.received > MAX_NUMBER {
        return Err((
            format!("the hello's numbers must be at most {MAX_NUMBER} (2^53 - 1)"),
            close::PROTOCOL,
        ));
    }
    let token = hello.token.or(url_token);
    if let Some(check) = &shared.authorize {
        if !check(token.clone()).await {
            return Err((
                "the session's token was refused".into(),
                close::UNAUTHORIZED,
            ));
        }
    }
    Ok(HelloFrame {
        session: hello.session,
        key: hello.key,
        token,
        acked: hello.acked,
        received: hello.received,
    })
}

async fn attach<H, F>(
    shared: &Arc<Shared<H, F>>,
    hello: &HelloFrame,
) -> Result<Result<Attached<H>, Refusal>, String>
where
    H: Handler + Send + 'static,
    F: Fn(Session) -> H + Send + Sync + 'static,
{
    shared
        .sessions
        .attach(
            &hello.session,
            hello.key.as_deref(),
            hello.token.as_deref(),
            |page_session| {
                let outbox = Arc::new(Outbox::new(
                    Protocol::Acked,
                    shared.limits,
                    Arc::clone(&shared.counters),
                ));
                let id = shared.next_session.fetch_add(1, Ordering::Relaxed);
                let session = Session::new(
                    id,
                    Some(page_session),
                    hello.token.clone(),
                    Arc::clone(&outbox),
                );
                let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    (shared.make_handler)(session.clone())
                }));
                match made {
                    Ok(handler) => {
                        shared.counters.sessions_started.inc();
                        Ok((session, outbox, handler))
                    }
                    Err(panic) => {
                        shared.counters.error(ErrorKind::handler_panic);
                        Err(format!(
                            "the session could not start: its handler's constructor panicked ({})",
                            panic_text(&*panic)
                        ))
                    }
                }
            },
        )
        .await
}

/// Runs an attached session until its connection ends.
async fn serve<H, F>(
    stream: &mut SplitStream<WebSocket>,
    shared: &Arc<Shared<H, F>>,
    pipe: &Arc<Pipe>,
    attached: Attached<H>,
    hello: &HelloFrame,
) where
    H: Handler + Send + 'static,
    F: Fn(Session) -> H + Send + Sync + 'static,
{
    let Attached {
        slot,
        mut core,
        resumed,
        taken_over,
    } = attached;
    let counters = &shared.counters;
    let outbox = &slot.outbox;
    let session_id = slot.session.id();

    // A fresh session starts where the page says it has been acknowledged; a resumed one knows.
    let received = if resumed {
        counters.sessions_resumed.inc();
        // A page that reloaded lost what it held unacknowledged, and says so with an `acked`
        // above what this session handled: those numbers will never come, so do not wait for them.
        core.handled = core.handled.max(hello.acked);
        hello.received
    } else {
        core.handled = hello.acked;
        0
    };
    let welcome = acked::welcome(&slot.page_session, &slot.key, resumed, core.handled);
    match outbox.attach(Arc::clone(pipe), Some(welcome), received) {
        Ok(resent) => counters.frames_resent.inc_by(resent as u64),
        Err(message) => {
            counters.error(ErrorKind::protocol);
            pipe.push(acked::error(&message, None).into());
            pipe.close(close::PROTOCOL, "");
            drop(core);
            shared.sessions.detached(&slot);
            return;
        }
    };
    tracing::info!(resumed, handled = core.handled, "session attached");
    let error = |message: &str, seq: Option<u64>| outbox.control(acked::error(message, seq));
    let protocol_error = |message: &str, seq: Option<u64>| {
        counters.error(ErrorKind::protocol);
        error(message, seq);
    };

    let mut acked_through = core.handled;
    let mut since_ack = 0u32;
    let mut carried = None;
    let end = loop {
        let frame = match carried.take() {
            Some(frame) => frame,
            None => {
                if core.handled > acked_through {
                    outbox.control(acked::ack(core.handled));
                    acked_through = core.handled;
                    since_ack = 0;
                }
                pipe.writable(shared.limits.unwritten_bytes).await;
                tokio::select! {
                    biased;
                    _ = shared.drain.token().cancelled() => break End::Drained,
                    _ = taken_over.cancelled() => break End::TakenOver,
                    frame = stream.next() => frame,
                }
            }
        };
        if shared.drain.token().is_cancelled() {
            // the frame in hand was not handled: the page resends it to the next process
            break End::Drained;
        }
        let text = match frame {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Binary(_))) => {
                protocol_error(
                    "a binary frame is not a frame of partner-events.v1: send JSON text",
                    None,
                );
                continue;
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Close(_))) | None => break End::PageGone,
            Some(Err(socket_error)) => {
                counters.error(ErrorKind::connection);
                error(
                    &format!(
                        "the connection cannot go on: {socket_error} (messages may be at most {} bytes)",
                        shared.max_message_bytes
                    ),
                    None,
                );
                break End::PageGone;
            }
        };
        let frame: PageFrame<'_> = match serde_json::from_str(text.as_str()) {
            Ok(frame) => frame,
            Err(parse_error) => {
                protocol_error(
                    &format!("not a frame of partner-events.v1: {parse_error}"),
                    None,
                );
                continue;
            }
        };

        if let Some(seq) = frame.seq {
            if seq == 0 || seq > MAX_NUMBER {
                protocol_error(
                    &format!("page messages are numbered from 1 to {MAX_NUMBER}"),
                    Some(seq),
                );
                continue;
            } else if seq <= core.handled {
                // a resend of what this process already handled: acknowledge it again, only
                counters.duplicates_ignored.inc();
                acked_through = acked_through.min(seq - 1);
            } else if seq != core.handled + 1 {
                protocol_error(
                    &format!(
                        "message {seq} arrived out of order: the next is {}; nothing after {} was handled, so reconnect and resend from there",
                        core.handled + 1,
                        core.handled
                    ),
                    Some(seq),
                );
                break End::Protocol;
            } else if !outbox.has_room(OUTBOX_HEADROOM) {
                // Handling it could send replies with nowhere to keep them; the page's
                // acknowledgements are queued behind this frame, so waiting here would wait
                // forever. Leave it unhandled: the page resumes (its hello says what it applied)
                // and resends it.
                break End::OutboxFull;
            } else {
                let delivery = DeliveryId::new(Arc::clone(&slot.page_session), seq);
                let handled = match (frame.event, frame.page) {
                    (Some(message), None) => {
                        let mut decoded = shared.decoder.decode(message.get());
                        match &mut decoded {
                            Ok(SdkMessage::Event(event)) => event.delivery = Some(delivery),
                            Err(decode_error) => error(&decode_error.to_string(), Some(seq)),
                            Ok(_) => {}
                        }
                        let routed = DELIVERY
                            .scope(
                                Cell::new((seq, 0)),
                                route(&mut core.handler, decoded, counters),
                            )
                            .await;
                        routed.map(|dispatch| log_unhandled(session_id, &dispatch))
                    }
                    (None, Some(message)) => match shared.route_page {
                        None => {
                            error("this bridge takes no page messages (the server enables them with Bridge::page_messages)", Some(seq));
                            Ok(())
                        }
                        Some(route_page) => {
                            match route_page(&mut core.handler, message, delivery) {
                                Err(refused) => {
                                    counters.error(ErrorKind::page_message);
                                    error(&refused, Some(seq));
                                    Ok(())
                                }
                                Ok(handling) => {
                                    let routed = DELIVERY
                                        .scope(
                                            Cell::new((seq, 0)),
                                            std::panic::AssertUnwindSafe(handling).catch_unwind(),
                                        )
                                        .await;
                                    counters.page_messages_handled.inc();
                                    routed.map_err(|panic| panic_text(&*panic).to_owned())
                                }
                            }
                        }
                    },
                    _ => {
                        protocol_error(
                            "a numbered frame carries exactly one of `event` and `page`; it was not handled",
                            Some(seq),
                        );
                        break End::Protocol;
                    }
                };
                // Handled, or panicked: either way it is done with. A message that panics is
                // acknowledged, so it is not replayed into the next handler forever.
                core.handled = seq;
                if let Err(panic) = handled {
                    counters.error(ErrorKind::handler_panic);
                    outbox.control(acked::ack(seq));
                    error(&panicked(&panic), Some(seq));
                    break End::Panicked;
                }
            }
            since_ack += 1;
        } else if let Some(received) = frame.ack {
            if let Err(message) = outbox.acknowledge(received) {
                protocol_error(&message, None);
            }
            continue;
        } else if let Some(dropped) = frame.dropped {
            counters.drops_reported.inc_by(dropped.count);
            tracing::warn!(
                count = dropped.count,
                total = dropped.total,
                "the page's buffer was full: it did not keep some messages, which will never arrive"
            );
            continue;
        } else if frame.hello.is_some() {
            protocol_error("a second hello: the hello is the first frame only", None);
            continue;
        } else {
            protocol_error(
                "not a frame of partner-events.v1: expected `seq` with `event` or `page`, `ack` or `dropped`",
                None,
            );
            continue;
        }

        // Batch acknowledgements: while more frames are ready, read on (up to ACK_EVERY).
        if since_ack < ACK_EVERY {
            if let Some(ready) = stream.next().now_or_never() {
                carried = Some(ready);
            }
        }
    };

    tracing::info!(reason = ?end, handled = core.handled, "connection ended");
    if core.handled > acked_through && !matches!(end, End::Panicked) {
        outbox.control(acked::ack(core.handled));
    }
    match end {
        End::PageGone | End::TakenOver | End::Protocol | End::OutboxFull => {
            outbox.detach(pipe);
            drop(core);
            shared.sessions.detached(&slot);
            let code = match end {
                End::TakenOver => close::TAKEN_OVER,
                End::Protocol => close::PROTOCOL,
                End::OutboxFull => close::OUTBOX_FULL,
                _ => 1000,
            };
            pipe.close(code, "");
        }
        End::Drained => {
            outbox.detach(pipe);
            counters.drained_connections.inc();
            pipe.close(close::RESTART, "the server is restarting");
        }
        End::Panicked => {
            outbox.detach(pipe);
            shared.sessions.remove(&slot);
            pipe.close(close::PANICKED, "the handler panicked");
        }
    }
}
