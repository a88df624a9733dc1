//! A session's outgoing stream: what its handler sends to the page, numbered and kept until the
//! page acknowledges it (acknowledged protocol), and the pipe to the connection that writes it.
//!
//! Two bounds keep a page that stops reading from growing the server's memory:
//! - a connection's *unwritten* bytes (queued for its socket, not yet written): past
//!   [`Limits::unwritten_bytes`], the connection stops reading the page's frames until the writer
//!   catches up, so the page's own buffer holds the rest (TCP backpressure, nothing lost);
//! - a session's *unacknowledged* frames (written, not yet acknowledged): past
//!   [`Limits::unacked_frames`] or [`Limits::unacked_bytes`], a handler's send fails with
//!   [`SendError::Full`] instead of queueing.

use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::ws::Utf8Bytes;
use partner_events::SendError;
use tokio::sync::{mpsc, Notify};

use crate::stats::Counters;
use crate::wire::acked;

/// The bounds of one session's outgoing stream.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) unwritten_bytes: usize,
    pub(crate) unacked_frames: usize,
    pub(crate) unacked_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            unwritten_bytes: 256 * 1024,
            unacked_frames: 4096,
            unacked_bytes: 4 * 1024 * 1024,
        }
    }
}

tokio::task_local! {
    /// The page message being handled on this task, and how many numbered frames its handling
    /// has sent so far: the source of the `d<seq>.<k>` ids. Task-local, so a frame sent from a
    /// task the handler spawned is not attributed to whatever delivery runs at the time.
    pub(crate) static DELIVERY: Cell<(u64, u32)>;
}

/// What a connection's writer writes.
pub(crate) enum Outgoing {
    Text(Utf8Bytes),
    Close(u16, &'static str),
}

/// One connection's queue to its writer, with the count of bytes not yet written.
pub(crate) struct Pipe {
    sender: mpsc::UnboundedSender<Outgoing>,
    unwritten: AtomicUsize,
    written: Notify,
}

impl Pipe {
    pub(crate) fn new() -> (Arc<Pipe>, mpsc::UnboundedReceiver<Outgoing>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let pipe = Pipe {
            sender,
            unwritten: AtomicUsize::new(0),
            written: Notify::new(),
        };
        (Arc::new(pipe), receiver)
    }

    /// Queues a frame; `false` if the writer has gone.
    pub(crate) fn push(&self, text: Utf8Bytes) -> bool {
        self.unwritten.fetch_add(text.len(), Ordering::Relaxed);
        self.sender.send(Outgoing::Text(text)).is_ok()
    }

    pub(crate) fn close(&self, code: u16, reason: &'static str) {
        let _ = self.sender.send(Outgoing::Close(code, reason));
    }

    /// The writer has written `bytes`.
    pub(crate) fn wrote(&self, bytes: usize) {
        self.unwritten.fetch_sub(bytes, Ordering::Relaxed);
        self.written.notify_waiters();
    }

    pub(crate) fn unwritten(&self) -> usize {
        self.unwritten.load(Ordering::Relaxed)
    }

    /// Waits until at most `limit` bytes are unwritten.
    pub(crate) async fn writable(&self, limit: usize) {
        while self.unwritten() > limit {
            let written = self.written.notified();
            if self.unwritten() <= limit || self.sender.is_closed() {
                return;
            }
            written.await;
        }
    }
}

/// How frames are framed for the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    Plain,
    Acked,
}

/// A session's outgoing stream.
pub(crate) struct Outbox {
    protocol: Protocol,
    limits: Limits,
    state: Mutex<State>,
    counters: Arc<Counters>,
}

#[derive(Default)]
struct State {
    /// The number of the last numbered frame.
    last_seq: u64,
    /// Numbered frames the page has not acknowledged, oldest first.
    unacked: VecDeque<(u64, Utf8Bytes)>,
    unacked_bytes: usize,
    /// The connection writing for the session, while it has one.
    live: Option<Arc<Pipe>>,
}

impl Outbox {
    pub(crate) fn new(protocol: Protocol, limits: Limits, counters: Arc<Counters>) -> Self {
        Outbox {
            protocol,
            limits,
            state: Mutex::new(State::default()),
            counters,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the state half-updated (each update is a
        // push or a pop), so a poisoned lock is still usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A handler's event for `sendEvent`.
    pub(crate) fn post_event(
        &self,
        name: &'static str,
        data: &serde_json::Value,
    ) -> Result<(), SendError> {
        let posted = self.post_event_frame(name, data);
        if posted.is_ok() {
            self.counters.reply(name);
        }
        posted
    }

    fn post_event_frame(&self, name: &str, data: &serde_json::Value) -> Result<(), SendError> {
        match self.protocol {
            Protocol::Plain => {
                let frame = crate::wire::ServerFrame::SendEvent {
                    name: name.to_owned(),
                    data: data.clone(),
                };
                self.post_plain(frame.to_text())
            }
            Protocol::Acked => {
                #[derive(serde::Serialize)]
                struct Body<'a> {
                    name: &'a str,
                    data: &'a serde_json::Value,
                }
                let body =
                    serde_json::to_string(&Body { name, data }).map_err(SendError::Serialize)?;
                self.post_numbered("sendEvent", &body)
            }
        }
    }

    /// The server's own JSON for the page (acknowledged protocol only).
    pub(crate) fn post_page(&self, body: &str) -> Result<(), SendError> {
        match self.protocol {
            // The plain wire has no frame for it; a plain session is never offered one.
            Protocol::Plain => Err(SendError::Closed),
            Protocol::Acked => self.post_numbered("page", body),
        }
    }

    fn post_plain(&self, text: String) -> Result<(), SendError> {
        let state = self.state();
        let Some(pipe) = &state.live else {
            return Err(SendError::Closed);
        };
        if pipe.unwritten() > self.limits.unacked_bytes {
            return Err(SendError::Full);
        }
        if pipe.push(text.into()) {
            Ok(())
        } else {
            Err(SendError::Closed)
        }
    }

    fn post_numbered(&self, kind: &str, body: &str) -> Result<(), SendError> {
        let mut state = self.state();
        if state.unacked.len() >= self.limits.unacked_frames
            || state.unacked_bytes + body.len() > self.limits.unacked_bytes
        {
            return Err(SendError::Full);
        }
        let seq = state.last_seq + 1;
        let id = DELIVERY
            .try_with(|delivery| {
                let (page_seq, k) = delivery.get();
                delivery.set((page_seq, k + 1));
                format!("d{page_seq}.{k}")
            })
            .unwrap_or_else(|_| format!("s{seq}"));
        let text: Utf8Bytes = acked::numbered(seq, &id, kind, body).into();
        state.last_seq = seq;
        state.unacked_bytes += text.len();
        state.unacked.push_back((seq, text.clone()));
        if let Some(pipe) = &state.live {
            // a writer that has gone is a connection that is ending: the frame waits for the next
            pipe.push(text);
        }
        Ok(())
    }

    /// Whether the session may send another frame: its unacknowledged frames are below the
    /// bounds (with room for a frame of `headroom` bytes).
    pub(crate) fn has_room(&self, headroom: usize) -> bool {
        let state = self.state();
        state.unacked.len() < self.limits.unacked_frames
            && state.unacked_bytes + headroom <= self.limits.unacked_bytes
    }

    /// An unnumbered frame for the connection writing now, if any (acks, errors).
    pub(crate) fn control(&self, text: String) {
        if let Some(pipe) = &self.state().live {
            pipe.push(text.into());
        }
    }

    /// Connects `pipe` as the session's writer: it gets `first` (the welcome), then every frame
    /// the page has not applied (above `received`), in order. Refuses a `received` above what was
    /// ever sent.
    /// Returns how many frames it sends again.
    pub(crate) fn attach(
        &self,
        pipe: Arc<Pipe>,
        first: Option<String>,
        received: u64,
    ) -> Result<usize, String> {
        let mut state = self.state();
        if received > state.last_seq {
            return Err(format!(
                "the hello says frame {received} was received, but this session has sent {} so far",
                state.last_seq
            ));
        }
        forget_through(&mut state, received);
        if let Some(first) = first {
            pipe.push(first.into());
        }
        for (_, text) in &state.unacked {
            pipe.push(text.clone());
        }
        state.live = Some(pipe);
        Ok(state.unacked.len())
    }

    /// Disconnects `pipe`, if it is still the session's writer.
    pub(crate) fn detach(&self, pipe: &Arc<Pipe>) {
        let mut state = self.state();
        if state
            .live
            .as_ref()
            .is_some_and(|live| Arc::ptr_eq(live, pipe))
        {
            state.live = None;
        }
    }

    /// The page has applied every frame up to `received`.
    pub(crate) fn acknowledge(&self, received: u64) -> Result<(), String> {
        let mut state = self.state();
        if received > state.last_seq {
            return Err(format!(
                "an ack for frame {received}, but the server has sent {} so far; ignored",
                state.last_seq
            ));
        }
        forget_through(&mut state, received);
        Ok(())
    }
}

fn forget_through(state: &mut State, received: u64) {
    while state
        .unacked
        .front()
        .is_some_and(|(seq, _)| *seq <= received)
    {
        if let Some((_, text)) = state.unacked.pop_front() {
            state.unacked_bytes -= text.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(receiver: &mut mpsc::UnboundedReceiver<Outgoing>) -> Vec<String> {
        let mut texts = Vec::new();
        while let Ok(Outgoing::Text(text)) = receiver.try_recv() {
            texts.push(text.to_string());
        }
        texts
    }

    #[tokio::test]
    async fn frames_are_numbered_named_after_their_delivery_and_kept_until_acknowledged() {
        let outbox = Outbox::new(Protocol::Acked, Limits::default(), Arc::default());
        let (pipe, mut receiver) = Pipe::new();
        outbox.attach(pipe.clone(), Some("hi".into()), 0).unwrap();
        outbox.post_page("1").unwrap();
        DELIVERY
            .scope(Cell::new((7, 0)), async {
                outbox.post_page("2").unwrap();
                outbox.post_page("3").unwrap();
            })
            .await;
        assert_eq!(
            drain(&mut receiver),
            [
                "hi",
                r#"{"seq":1,"id":"s1","page":1}"#,
                r#"{"seq":2,"id":"d7.0","page":2}"#,
                r#"{"seq":3,"id":"d7.1","page":3}"#
            ]
        );
        // a new connection that had applied frame 1 gets 2 and 3 again
        outbox.acknowledge(1).unwrap();
        assert!(outbox.acknowledge(4).is_err(), "never sent");
        let (again, mut receiver) = Pipe::new();
        outbox.attach(again, None, 2).unwrap();
        assert_eq!(drain(&mut receiver), [r#"{"seq":3,"id":"d7.1","page":3}"#]);
    }

    #[test]
    fn a_page_that_does_not_acknowledge_fills_the_outbox_and_sends_fail() {
        let limits = Limits {
            unacked_frames: 2,
            ..Limits::default()
        };
        let outbox = Outbox::new(Protocol::Acked, limits, Arc::default());
        outbox.post_page("1").unwrap();
        outbox.post_page("2").unwrap();
        assert!(matches!(outbox.post_page("3"), Err(SendError::Full)));
        outbox.acknowledge(1).unwrap();
        outbox.post_page("3").unwrap();
    }
}
