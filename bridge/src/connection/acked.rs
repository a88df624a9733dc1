//! The acknowledged protocol (`partner-events.v1`, see [`crate::wire`]): a hello that attaches the
//! page's session, numbered messages handled once each and acknowledged after their handler
//! returns, the page's acknowledgements of what the server sent, and the ways a connection ends.

use std::cell::Cell;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use futures_util::FutureExt;
use partner_events::{
    DecodeError, DeliveryId, Handler, Identity, Message as SdkMessage, ReceivedOf,
};
use serde_json::value::RawValue;
use tokio::sync::OwnedMutexGuard;
use tracing::Instrument;

use super::route::{identified, log_unhandled, make_handler, panic_text, panicked, route};
use super::{close_with, serve, End, Flow, Protocol, DRAINED};
use crate::backbone::{AgentPage, PageEvent};
use crate::outbox::{Outbox, Pipe, DELIVERY};
use crate::registry::{check_page_session, Attached, Core, Refusal, Slot};
use crate::session::Session;
use crate::signal::Flag;
use crate::socket::{Incoming, Socket, SocketError};
use crate::stats::{ErrorKind, LastEvent, Refused};
use crate::wire::{acked, close, Body, Hello, PageFrame};
use crate::Shared;

/// The largest number either side counts to: JavaScript's largest exact integer.
const MAX_NUMBER: u64 = (1 << 53) - 1;
/// Room the outbox must have before a message is handled: a few replies' worth.
const OUTBOX_HEADROOM: usize = 16 * 1024;
/// Events a session may have handled and not yet stored before it stops reading the page (the
/// backbone is slow or away): the page holds the rest, as it does for a server that is away. Each
/// holds a copy of its message until stored, so this bounds a session's memory for them.
const MAX_STORING: usize = 128;

pub(crate) async fn run<H>(
    mut socket: Box<Socket>,
    shared: Arc<Shared<H>>,
    url_token: Option<String>,
) where
    H: Handler + Send + 'static,
{
    let pipe = Pipe::new();
    // The hello is read and the session attached in a function of their own, so that neither the
    // hello nor its futures stay in the connection's task for the life of the session.
    // (boxed too: the hello's and the attach's futures are the largest a connection awaits, once)
    match Box::pin(open(&mut socket, &shared, &pipe, url_token)).await {
        Ok((session, taken_over, span)) => {
            serve(
                &mut socket,
                &pipe,
                session,
                Some(taken_over),
                (&shared.drain, &shared.config, &shared.counters),
            )
            .instrument(span)
            .await;
        }
        Err((message, code)) => {
            pipe.push(acked::error(&message, None).into());
            close_with(&mut socket, &pipe, (code, ""), &shared.config).await;
        }
    }
}

/// Reads the hello, checks its token and attaches the session: the session on this connection,
/// the signal of a takeover and the session's span; or the error frame's text and the close code.
async fn open<'a, H>(
    socket: &mut Socket,
    shared: &'a Arc<Shared<H>>,
    pipe: &'a Arc<Pipe>,
    url_token: Option<String>,
) -> Result<(Acked<'a, H>, Flag, tracing::Span), (String, u16)>
where
    H: Handler + Send + 'static,
{
    let (hello, identity) = hello(socket, shared, url_token)
        .await
        .inspect_err(|(_, code)| {
            if *code == close::UNAUTHORIZED {
                shared.counters.refused(Refused::token);
            } else {
                shared.counters.error(ErrorKind::protocol);
            }
        })?;
    let attached = match attach(shared, &hello, identity).await {
        Err(message) => return Err((message, close::PROTOCOL)),
        Ok(Err(Refusal::Foreign)) => {
            shared.counters.refused(Refused::foreign_session);
            return Err((
                "this session id belongs to another page (the key or the token does not match): start a new session id".into(),
                close::FOREIGN_SESSION,
            ));
        }
        Ok(Err(Refusal::Busy)) => {
            return Err((
                "this session's previous connection is still busy; reconnect shortly".into(),
                close::TAKEN_OVER,
            ))
        }
        Ok(Ok(attached)) => attached,
    };
    let span = tracing::info_span!(
        "session",
        session = attached.slot.session.id(),
        page_session = %attached.slot.page_session,
        has_token = attached.slot.session.token().is_some(),
    );
    let taken_over = attached.taken_over.clone();
    let session = Acked::start(shared, pipe, attached, &hello)
        .map_err(|message| (message, close::PROTOCOL))?;
    Ok((session, taken_over, span))
}

/// Reads the hello and checks its token: the page's first frame.
async fn hello<H: Handler>(
    socket: &mut Socket,
    shared: &Shared<H>,
    url_token: Option<String>,
) -> Result<(Hello, Option<Identity>), (String, u16)> {
    let within = shared.config.hello_within;
    // pings may come at any time, before the hello too (answered with the first frames)
    let first = tokio::time::timeout(within, async {
        loop {
            match socket.recv().await {
                Some(Ok(Incoming::Ping)) => continue,
                other => return other,
            }
        }
    })
    .await
    .map_err(|_| {
        let seconds = within.as_secs_f64();
        (format!("no hello within {seconds} s"), close::PROTOCOL)
    })?;
    let text = match first {
        Some(Ok(Incoming::Text(text))) => text,
        // a frame the WebSocket protocol forbids, or too large a hello: RFC 6455's code for it
        Some(Err(SocketError::Frame(refused))) => {
            shared.counters.error(ErrorKind::connection);
            return Err((
                format!(
                    "the connection cannot go on: {refused} (messages may be at most {} bytes)",
                    shared.config.max_message_bytes
                ),
                refused.close_code(),
            ));
        }
        _ => {
            return Err((
                "the first frame must be the hello, as text".into(),
                close::PROTOCOL,
            ))
        }
    };
    let mut hello = match PageFrame::parse(&text) {
        Ok(PageFrame::Hello(hello)) => hello,
        Ok(_) => {
            return Err((
                r#"the first frame must be {"hello":{"session":…}}"#.into(),
                close::PROTOCOL,
            ))
        }
        Err(malformed) => {
            return Err((
                format!("the first frame is not a hello: {}", malformed.reason()),
                close::PROTOCOL,
            ))
        }
    };
    check_page_session(&hello.session).map_err(|message| (message, close::PROTOCOL))?;
    // numbers a page counts in JavaScript; and no arithmetic on them can overflow
    if hello.acked > MAX_NUMBER
        || hello.received > MAX_NUMBER
        || hello
            .addressed
            .is_some_and(|position| position > MAX_NUMBER)
    {
        return Err((
            format!("the hello's numbers must be at most {MAX_NUMBER} (2^53 - 1)"),
            close::PROTOCOL,
        ));
    }
    hello.token = hello.token.or(url_token);
    let identity = match &shared.authorize {
        Some(check) => Some(
            check(hello.token.clone())
                .await
                .map_err(|refused| (refused.to_string(), close::UNAUTHORIZED))?,
        ),
        None => None,
    };
    Ok((hello, identity))
}

async fn attach<H>(
    shared: &Arc<Shared<H>>,
    hello: &Hello,
    identity: Option<Identity>,
) -> Result<Result<Attached<H>, Refusal>, String>
where
    H: Handler + Send + 'static,
{
    shared
        .sessions
        .attach(
            &hello.session,
            hello.key.as_deref(),
            hello.token.as_deref(),
            shared.config.takeover_within,
            |page_session| {
                let outbox = Arc::new(Outbox::new(
                    shared.config.outgoing,
                    Arc::clone(&shared.counters),
                ));
                let id = shared.next_session.fetch_add(1, Ordering::Relaxed);
                let session = Session::new(
                    id,
                    Some(page_session),
                    hello.token.clone(),
                    identity,
                    Arc::clone(&outbox) as _,
                );
                let handler = make_handler(shared, &session)?;
                Ok((session, outbox, handler))
            },
        )
        .await
}

/// A numbered message, as the connection read it.
enum Numbered<'a, R> {
    /// Read by the frame's parse; an event not decoded yet.
    Read(Body<'a>),
    /// The page module's `{"seq":N,"event":…}`, its event decoded in the one reading: the
    /// event's text and the message.
    Decoded(&'a str, SdkMessage<R>),
}

/// An attached session on one connection.
struct Acked<'a, H: Handler> {
    shared: &'a Arc<Shared<H>>,
    pipe: &'a Arc<Pipe>,
    slot: Arc<Slot<H>>,
    core: OwnedMutexGuard<Core<H>>,
    /// The last page number this connection acknowledged.
    acked_through: u64,
    last_event: LastEvent,
}

impl<'a, H: Handler + Send + 'static> Acked<'a, H> {
    /// Welcomes the page: a fresh session starts where the page says it has been acknowledged,
    /// a resumed one knows; then what the page has not applied, again.
    fn start(
        shared: &'a Arc<Shared<H>>,
        pipe: &'a Arc<Pipe>,
        attached: Attached<H>,
        hello: &Hello,
    ) -> Result<Self, String> {
        let Attached {
            slot,
            mut core,
            resumed,
            taken_over: _,
        } = attached;
        let counters = &shared.counters;
        let received = if resumed {
            counters.unlabelled.sessions_resumed.inc();
            // A page that reloaded lost what it held unacknowledged, and says so with an `acked`
            // above what this session handled: those numbers will never come, so do not wait.
            core.handled = core.handled.max(hello.acked);
            hello.received
        } else {
            core.handled = hello.acked;
            0
        };
        // the agent's addressed messages start flowing to the outbox now; the welcome, queued
        // first when the outbox attaches below, says from where
        let addressed = match (counters.backbone.get(), slot.session.agent()) {
            (Some(backbone), Some(agent)) => backbone.page_attached(AgentPage::new(
                agent.into(),
                Arc::clone(&slot.page_session),
                hello.addressed,
                resumed,
                &slot.outbox,
            )),
            _ => None,
        };
        let welcome = acked::welcome(
            &slot.page_session,
            &slot.key,
            resumed,
            core.acknowledgeable(),
            addressed,
            shared.config.max_message_bytes,
        );
        match slot.outbox.attach(pipe, welcome, received) {
            Ok(resent) => {
                counters.unlabelled.resends.inc_by(resent as u64);
            }
            Err(message) => {
                counters.error(ErrorKind::protocol);
                shared.sessions.detached(&slot);
                drop(core);
                return Err(message);
            }
        }
        tracing::info!(resumed, handled = core.handled, "session attached");
        let acked_through = core.acknowledgeable();
        Ok(Acked {
            shared,
            pipe,
            slot,
            core,
            acked_through,
            last_event: LastEvent::default(),
        })
    }

    fn outbox(&self) -> &Outbox {
        &self.slot.outbox
    }

    /// Waits for the oldest store in progress to finish (forever, when there is none).
    async fn stored_one(&mut self) {
        match self.core.storing.front_mut() {
            Some((_, storing)) => {
                storing.as_mut().await;
                self.core.storing.pop_front();
            }
            None => std::future::pending().await,
        }
    }

    /// Waits for every store in progress to finish.
    async fn stored_all(&mut self) {
        while !self.core.storing.is_empty() {
            self.stored_one().await;
        }
    }

    fn send_error(&self, message: &str, seq: Option<u64>) {
        self.pipe.push(acked::error(message, seq).into());
    }

    fn protocol_error(&self, message: &str, seq: Option<u64>) {
        self.shared.counters.error(ErrorKind::protocol);
        self.send_error(message, seq);
    }

    /// A numbered page message: handled once, in order.
    async fn on_numbered(&mut self, seq: u64, body: Numbered<'_, ReceivedOf<H>>) -> Flow {
        let counters = &self.shared.counters;
        let handled = self.core.handled;
        if seq == 0 || seq > MAX_NUMBER {
            self.protocol_error(
                &format!("page messages are numbered from 1 to {MAX_NUMBER}"),
                Some(seq),
            );
            return Flow::Continue;
        }
        if seq <= handled {
            // a resend of what this process already handled: acknowledge it again, only
            counters.unlabelled.duplicates_ignored.inc();
            self.acked_through = self.acked_through.min(seq - 1);
            return Flow::Continue;
        }
        if seq != handled + 1 {
            self.protocol_error(
                &format!(
                    "message {seq} arrived out of order: the next is {}; nothing after {handled} was handled, so reconnect and resend from there",
                    handled + 1
                ),
                Some(seq),
            );
            return Flow::End(End::Protocol);
        }
        if !self.outbox().has_room(OUTBOX_HEADROOM) {
            // Handling it could send replies with nowhere to keep them; the page's
            // acknowledgements are queued behind this frame, so waiting here would wait forever.
            // Leave it unhandled: the page resumes (its hello says what it applied) and resends.
            return Flow::End(End::OutboxFull);
        }
        let delivery = DeliveryId::new(Arc::clone(&self.slot.page_session), seq);
        let outcome = match body {
            Numbered::Read(Body::Event(message)) => {
                let decoded = self.shared.decoder.decode(message.get());
                self.on_event(seq, message.get(), decoded, delivery).await
            }
            Numbered::Decoded(text, message) => {
                self.on_event(seq, text, Ok(message), delivery).await
            }
            Numbered::Read(Body::Page(message)) => self.on_page(seq, message, delivery).await,
            Numbered::Read(Body::Skipped(skipped)) => {
                counters.unlabelled.page_drops.inc();
                tracing::warn!(
                    seq,
                    bytes = skipped.bytes,
                    limit = self.shared.config.max_message_bytes,
                    "the page gave up on a message over the size limit: it will never arrive"
                );
                Ok(())
            }
        };
        // Handled, or panicked: either way it is done with. A message that panics is
        // acknowledged (before the error that says so), so it is not replayed into the next
        // handler forever.
        self.core.handled = seq;
        match outcome {
            Ok(()) => Flow::Continue,
            Err(panic) => {
                counters.error(ErrorKind::handler_panic);
                // its store too, or the page would resend it into the next handler
                let within = self.shared.config.close_within;
                let _ = tokio::time::timeout(within, self.stored_all()).await;
                self.idle();
                self.send_error(&panicked(&panic), Some(seq));
                Flow::End(End::Panicked)
            }
        }
    }

    /// An SDK message, through the handler; `Err` with the panic's text if it panicked. An event
    /// is stored meanwhile, when the bridge has a backbone that stores.
    async fn on_event(
        &mut self,
        seq: u64,
        text: &str,
        decoded: Result<SdkMessage<ReceivedOf<H>>, DecodeError>,
        delivery: DeliveryId,
    ) -> Result<(), String> {
        let shared = self.shared;
        if let Err(decode_error) = &decoded {
            self.send_error(&decode_error.to_string(), Some(seq));
        }
        if let (Some(backbone), Some(name)) = (
            shared.counters.backbone.get(),
            decoded.as_ref().ok().and_then(event_name),
        ) {
            // the text is one JSON value: the decoder (or the frame's parse) read it as one
            match serde_json::from_str::<&RawValue>(text) {
                Ok(message) => {
                    let event = PageEvent {
                        agent: self.slot.session.agent(),
                        delivery: &delivery,
                        name,
                        message,
                    };
                    // started before the handler runs, so that the two overlap
                    if let Some(storing) = backbone.store(event) {
                        self.core.storing.push_back((seq, storing));
                    }
                }
                // unreachable while `Decoder::decode` keeps its promise (and its test): `Ok` only
                // for one whole JSON value; counted and logged should it ever break it
                Err(error) => {
                    debug_assert!(false, "a decoded event is not one JSON value: {error}");
                    shared.counters.error(ErrorKind::protocol);
                    tracing::error!(%error, "a decoded event is not one JSON value; not stored");
                }
            }
        }
        let session = self.slot.session.id();
        // every message has its delivery id, whatever becomes of it (a method, `fallback`)
        let routing = DELIVERY.scope(
            Cell::new((seq, 0)),
            delivery.scope(route(
                &mut self.core.handler,
                &self.slot.session,
                decoded,
                (&shared.counters, &mut self.last_event),
            )),
        );
        // boxed apart: small enough for the allocator's per-thread cache, where the connection's
        // future for the whole frame (the store and the acknowledgement around it) is not
        let routed = Box::pin(routing).await;
        routed.map(|dispatch| log_unhandled(session, &dispatch))
    }

    /// The page's own JSON, through the handler's `PageHandler`, if the bridge takes them.
    async fn on_page(
        &mut self,
        seq: u64,
        message: &RawValue,
        delivery: DeliveryId,
    ) -> Result<(), String> {
        let counters = &self.shared.counters;
        let Some(route_page) = self.shared.route_page else {
            self.send_error("this bridge takes no page messages (the server enables them with Bridge::page_messages)", Some(seq));
            return Ok(());
        };
        let scope = delivery.clone();
        match route_page(&mut self.core.handler, message, delivery) {
            Err(refused) => {
                counters.error(ErrorKind::page_message);
                self.pipe.push(acked::error(&refused, Some(seq)).into());
                Ok(())
            }
            Ok(handling) => {
                let routed = DELIVERY
                    .scope(
                        Cell::new((seq, 0)),
                        scope.scope(identified(
                            &self.slot.session,
                            std::panic::AssertUnwindSafe(handling).catch_unwind(),
                        )),
                    )
                    .await;
                counters.unlabelled.page_messages_handled.inc();
                routed.map_err(|panic| panic_text(&*panic).to_owned())
            }
        }
    }
}

impl<H: Handler + Send + 'static> Protocol for Acked<'_, H> {
    const PAGE_RESENDS: bool = true;

    async fn on_text(&mut self, text: String) -> Flow {
        // The page module's numbered event is read once: the decoder reads the event, and its
        // success says the frame was exactly `{"seq":N,"event":<one JSON value>}`. Anything else
        // (an event the decoder refuses included) is read whole below, with the errors it
        // always had.
        if let Some((seq, event)) = PageFrame::split_numbered_event(&text) {
            if let Ok(message) = self.shared.decoder.decode(event) {
                return self
                    .on_numbered(seq, Numbered::Decoded(event, message))
                    .await;
            }
        }
        let frame = match PageFrame::parse(&text) {
            Ok(frame) => frame,
            Err(malformed) => {
                self.protocol_error(&malformed.message, malformed.seq);
                // a numbered frame that could not be read was not handled: the page must resend
                // it, after a reconnect, for anything after it to be handled
                return match malformed.seq {
                    Some(_) => Flow::End(End::Protocol),
                    None => Flow::Continue,
                };
            }
        };
        match frame {
            PageFrame::Numbered { seq, body } => self.on_numbered(seq, Numbered::Read(body)).await,
            PageFrame::Ack(received) => {
                if let Err(message) = self.outbox().acknowledge(received) {
                    self.protocol_error(&message, None);
                }
                Flow::Continue
            }
            PageFrame::Dropped(dropped) => {
                self.shared
                    .counters
                    .unlabelled
                    .page_drops
                    .inc_by(dropped.count);
                tracing::warn!(
                    count = dropped.count,
                    total = dropped.total,
                    "the page did not keep some messages (its buffer was full, or they were over the size limit): they will never arrive"
                );
                Flow::Continue
            }
            PageFrame::Hello(_) => {
                self.protocol_error("a second hello: the hello is the first frame only", None);
                Flow::Continue
            }
        }
    }

    fn on_binary(&mut self) {
        self.protocol_error(
            "a binary frame is not a frame of partner-events.v1: send JSON text",
            None,
        );
    }

    fn error(&self, message: &str) -> String {
        acked::error(message, None)
    }

    fn idle(&mut self) {
        // stores that have finished since (most finish while their handler runs)
        while let Some((_, storing)) = self.core.storing.front_mut() {
            if storing.as_mut().now_or_never().is_none() {
                break;
            }
            self.core.storing.pop_front();
        }
        // one cumulative acknowledgement for everything handled (and stored) since the last wait
        let through = self.core.acknowledgeable();
        if through > self.acked_through {
            self.pipe.push(acked::ack(through));
            self.acked_through = through;
        }
    }

    async fn background(&mut self) {
        self.stored_one().await;
    }

    fn reading(&self) -> bool {
        self.core.storing.len() < MAX_STORING
    }

    fn end(mut self, end: End) -> (u16, &'static str) {
        tracing::info!(reason = ?end, handled = self.core.handled, "connection ended");
        self.idle();
        self.slot.outbox.detach(self.pipe);
        let Acked {
            shared, slot, core, ..
        } = self;
        match end {
            End::Drained => DRAINED,
            End::Panicked => {
                shared.sessions.remove(&slot);
                (close::PANICKED, "the handler panicked")
            }
            End::PageGone | End::TakenOver | End::Protocol | End::OutboxFull | End::Broken(_) => {
                // counted before the session is let go, so that a connection taking it up at
                // once is seen by the expiry
                shared.sessions.detached(&slot);
                drop(core);
                let code = match end {
                    End::TakenOver => close::TAKEN_OVER,
                    End::Protocol => close::PROTOCOL,
                    End::OutboxFull => close::OUTBOX_FULL,
                    End::Broken(code) => code,
                    _ => 1000,
                };
                (code, "")
            }
        }
    }
}

/// The name of an event a page delivered, for its store: an event of the catalog or not, at a
/// version it knows or not. Other messages (responses, errors, invalid ones) are not events.
fn event_name<R: partner_events::AnyEvent>(message: &partner_events::Message<R>) -> Option<&str> {
    match message {
        partner_events::Message::Event(event) => Some(event.event.event_name()),
        partner_events::Message::UnknownEvent { name, .. }
        | partner_events::Message::UnknownVersion { name, .. } => Some(name),
        _ => None,
    }
}
