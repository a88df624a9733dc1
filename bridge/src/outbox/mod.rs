//! A session's outgoing frames, in three pieces with one job each:
//!
//! - [`Pipe`] (`pipe`): one connection's queue of frames for its socket. The connection writes
//!   them itself, between reads and while a handler runs, so a frame costs no task hop;
//! - [`Outbox`]: an acknowledged session's numbered frames, kept (back to back in one buffer,
//!   `kept`) until the page acknowledges them and sent again to the next connection of the
//!   session;
//! - [`Outlet`]: where a [`Session`](crate::Session)'s sends go: the plain wire's pipe, or the
//!   acknowledged session's outbox. Neither knows the other protocol.
//!
//! Nothing here grows without a bound: a plain connection's queue is bounded by
//! [`Limits::queued_bytes`], an acknowledged session's unacknowledged frames by
//! [`Limits::unacked_frames`] and [`Limits::unacked_bytes`]. Past a bound a send fails with
//! [`SendError::Full`] instead of queueing. The page's own frames are not read while the
//! connection has frames to write, so a page that stops reading is held back by TCP.

mod kept;
mod pipe;

use std::cell::Cell;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use crate::stats::{Counters, LastReply};
use kept::Kept;
use partner_events::SendError;
pub(crate) use pipe::Pipe;

/// The bounds of one session's outgoing frames.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Bytes a plain connection may have queued for its socket.
    pub(crate) queued_bytes: usize,
    /// Frames an acknowledged session may keep unacknowledged.
    pub(crate) unacked_frames: usize,
    /// Bytes an acknowledged session may keep unacknowledged.
    pub(crate) unacked_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            queued_bytes: 4 * 1024 * 1024,
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

/// JSON text that serde_json wrote (a payload, a page message): written into frames as it is,
/// without a second check or copy.
#[derive(Clone, Copy)]
pub(crate) struct Json<'a>(pub(crate) &'a str);

/// Where a session's sends go.
pub(crate) trait Outlet: Send + Sync {
    /// A handler's event for `sendEvent`: its wire name and its serialized payload.
    fn post_event(&self, name: &'static str, data: Json<'_>) -> Result<(), SendError>;
    /// The partner's own JSON for the page.
    fn post_page(&self, body: Json<'_>) -> Result<(), SendError>;
    /// Whether the session's protocol carries the partner's own JSON at all (a sender checks it
    /// before serializing a message that could never be sent).
    fn takes_pages(&self) -> bool {
        true
    }
}

/// A plain session's outlet: its connection's pipe (a plain session is one connection).
pub(crate) struct PlainOutlet {
    pub(crate) pipe: Arc<Pipe>,
    pub(crate) limits: Limits,
    pub(crate) counters: Arc<Counters>,
    pub(crate) last_reply: LastReply,
}

impl Outlet for PlainOutlet {
    fn post_event(&self, name: &'static str, data: Json<'_>) -> Result<(), SendError> {
        let text = crate::wire::plain::send_event(name, data.0);
        self.pipe
            .push_within(text.into(), self.limits.queued_bytes)?;
        self.counters.reply(&self.last_reply, name);
        Ok(())
    }

    fn post_page(&self, _body: Json<'_>) -> Result<(), SendError> {
        // The plain wire has no frame for it; a plain session is never offered one.
        Err(SendError::Closed)
    }

    fn takes_pages(&self) -> bool {
        false
    }
}

/// An acknowledged session's outgoing stream.
pub(crate) struct Outbox {
    limits: Limits,
    state: Mutex<State>,
    counters: Arc<Counters>,
    last_reply: LastReply,
}

#[derive(Default)]
struct State {
    /// The number of the last numbered frame.
    last_seq: u64,
    /// Numbered frames the page has not acknowledged, oldest first: the newest is `last_seq`.
    unacked: Kept,
    /// The connection writing for the session, while it has one.
    live: Option<Arc<Pipe>>,
    /// The session is gone (its handler panicked, or its resume window passed): nothing sent
    /// now would ever reach the page.
    gone: bool,
}

impl Outbox {
    pub(crate) fn new(limits: Limits, counters: Arc<Counters>) -> Self {
        Outbox {
            limits,
            state: Mutex::new(State::default()),
            counters,
            last_reply: LastReply::default(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the state half-updated (each update is a
        // push or a pop, and a frame whose writing panics is not kept), so a poisoned lock is
        // still usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Numbers `body` as a frame of `kind` and keeps it until the page acknowledges it.
    fn post_numbered(&self, kind: &str, name: Name, body: &str) -> Result<(), SendError> {
        self.post_numbered_with(kind, name, body.len(), |text| text.push_str(body))
    }

    /// The same, with the body written straight into the frame by `write_body` (`body_len`
    /// bytes): no intermediate buffer.
    fn post_numbered_with(
        &self,
        kind: &str,
        name: Name,
        body_len: usize,
        write_body: impl FnOnce(&mut String),
    ) -> Result<(), SendError> {
        let mut state = self.state();
        if state.gone {
            return Err(SendError::Closed);
        }
        let frame_len = numbered_len(kind, body_len);
        if state.unacked.frames() >= self.limits.unacked_frames
            || state.unacked.bytes() + frame_len > self.limits.unacked_bytes
        {
            return Err(SendError::Full);
        }
        let seq = state.last_seq + 1;
        let State {
            unacked,
            live,
            last_seq,
            ..
        } = &mut *state;
        unacked.push_with(frame_len, |text| {
            write_numbered(text, seq, name, kind, write_body);
        });
        // numbered once kept: should the writing panic, nothing was kept and no number is missing
        *last_seq = seq;
        if let Some(pipe) = live {
            pipe.push_numbered(seq);
        }
        Ok(())
    }

    /// A message addressed to the session's agent, at its backbone `position`: the partner's own
    /// JSON for the page.
    pub(crate) fn post_addressed_page(
        &self,
        position: u64,
        body: Json<'_>,
    ) -> Result<(), SendError> {
        self.post_numbered("page", Name::Addressed(position), body.0)
    }

    /// A send event addressed to the session's agent, at its backbone `position`.
    pub(crate) fn post_addressed_event(
        &self,
        position: u64,
        name: &'static str,
        data: Json<'_>,
    ) -> Result<(), SendError> {
        self.post_event_named(Name::Addressed(position), name, data)
    }

    fn post_event_named(
        &self,
        frame_name: Name,
        name: &'static str,
        data: Json<'_>,
    ) -> Result<(), SendError> {
        let body_len = crate::wire::send_event_body_len(name, data.0);
        let posted = self.post_numbered_with("sendEvent", frame_name, body_len, |text| {
            crate::wire::send_event_body(text, name, data.0);
        });
        if posted.is_ok() {
            self.counters.reply(&self.last_reply, name);
        }
        posted
    }

    /// Whether the session is gone.
    pub(crate) fn is_gone(&self) -> bool {
        self.state().gone
    }

    /// Whether the session may send another frame: its unacknowledged frames are below the
    /// bounds (with room for a frame of `headroom` bytes).
    pub(crate) fn has_room(&self, headroom: usize) -> bool {
        let state = self.state();
        state.unacked.frames() < self.limits.unacked_frames
            && state.unacked.bytes() + headroom <= self.limits.unacked_bytes
    }

    /// Connects `pipe` as the session's writer: it gets `first` (the welcome), then every frame
    /// the page has not applied (above `received`), in order. Refuses a `received` above what was
    /// ever sent. Returns how many frames it sends again.
    pub(crate) fn attach(
        self: &Arc<Self>,
        pipe: &Arc<Pipe>,
        first: String,
        received: u64,
    ) -> Result<usize, String> {
        let mut state = self.state();
        if state.gone {
            return Err("this session has ended; start a new one".into());
        }
        if received > state.last_seq {
            return Err(format!(
                "the hello says frame {received} was received, but this session has sent {} so far",
                state.last_seq
            ));
        }
        forget_through(&mut state, received);
        // a connection writes for one session
        let writes_for = pipe.numbered.get_or_init(|| Arc::downgrade(self));
        debug_assert!(Weak::ptr_eq(writes_for, &Arc::downgrade(self)));
        pipe.push(first.into());
        let kept = state.unacked.frames() as u64;
        for seq in state.last_seq - kept + 1..=state.last_seq {
            pipe.push_numbered(seq);
        }
        state.live = Some(Arc::clone(pipe));
        Ok(state.unacked.frames())
    }

    /// Disconnects `pipe`, if it is still the session's writer. The numbered frames it has yet
    /// to write become copies: the session may be gone (its handler panicked) before the
    /// connection writes its last frames.
    pub(crate) fn detach(&self, pipe: &Arc<Pipe>) {
        let mut state = self.state();
        pipe.copy_numbered(|seq| state.numbered(seq));
        if state
            .live
            .as_ref()
            .is_some_and(|live| Arc::ptr_eq(live, pipe))
        {
            state.live = None;
        }
    }

    /// The session is gone: every send fails with [`SendError::Closed`] from now on.
    pub(crate) fn close(&self) {
        let mut state = self.state();
        state.gone = true;
        // a connection still writing for the session (one that resumed it as its resume window
        // ran out) writes what it has queued, as copies
        if let Some(pipe) = state.live.take() {
            pipe.copy_numbered(|seq| state.numbered(seq));
        }
        state.unacked.clear();
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

impl Outlet for Outbox {
    fn post_event(&self, name: &'static str, data: Json<'_>) -> Result<(), SendError> {
        self.post_event_named(Name::Handling, name, data)
    }

    fn post_page(&self, body: Json<'_>) -> Result<(), SendError> {
        self.post_numbered("page", Name::Handling, body.0)
    }
}

/// What a numbered frame's id names.
#[derive(Clone, Copy)]
enum Name {
    /// The delivery being handled on this task (`d<page seq>.<k>`), else the frame's own number
    /// (`s<N>`).
    Handling,
    /// A message addressed to the agent, at its backbone position (`a<position>`).
    Addressed(u64),
}

/// The length of a numbered frame of `kind` around a body of `body_len` bytes, at most (the
/// number, the id of at most 32 bytes and the punctuation take at most 72): what the bound on
/// unacknowledged bytes counts before the frame is written.
fn numbered_len(kind: &str, body_len: usize) -> usize {
    body_len + kind.len() + 72
}

/// Appends a numbered frame, `{"seq":N,"id":I,<kind>:<body>}`, its id as `name` says, to `text`.
fn write_numbered(
    text: &mut String,
    seq: u64,
    name: Name,
    kind: &str,
    write_body: impl FnOnce(&mut String),
) {
    let mut digits = itoa::Buffer::new();
    text.push_str(r#"{"seq":"#);
    text.push_str(digits.format(seq));
    text.push_str(r#","id":""#);
    match name {
        Name::Addressed(position) => {
            text.push('a');
            text.push_str(digits.format(position));
        }
        Name::Handling => {
            let named = DELIVERY.try_with(|delivery| {
                let (page_seq, k) = delivery.get();
                delivery.set((page_seq, k + 1));
                (page_seq, k)
            });
            match named {
                Ok((page_seq, k)) => {
                    text.push('d');
                    text.push_str(digits.format(page_seq));
                    text.push('.');
                    text.push_str(digits.format(k));
                }
                Err(_) => {
                    text.push('s');
                    text.push_str(digits.format(seq));
                }
            }
        }
    }
    // `kind` is the bridge's own ASCII name, which needs no escaping; the body is JSON already
    text.push_str(r#"",""#);
    text.push_str(kind);
    text.push_str(r#"":"#);
    write_body(text);
    text.push('}');
}

impl State {
    /// The text of numbered frame `seq`, while it is kept.
    fn numbered(&self, seq: u64) -> Option<&str> {
        let oldest = self.last_seq - self.unacked.frames() as u64 + 1;
        let place = usize::try_from(seq.checked_sub(oldest)?).ok()?;
        self.unacked.get(place)
    }
}

/// Forgets the frames the page has applied: those numbered up to `received`.
fn forget_through(state: &mut State, received: u64) {
    let newest_forgotten = state.last_seq - state.unacked.frames() as u64;
    let applied = received.saturating_sub(newest_forgotten);
    state
        .unacked
        .forget_oldest(usize::try_from(applied).unwrap_or(usize::MAX));
}

#[cfg(test)]
mod tests {
    use super::pipe::tests::written;
    use super::*;

    fn json(text: &str) -> Json<'_> {
        Json(text)
    }

    #[tokio::test]
    async fn frames_are_numbered_named_after_their_delivery_and_kept_until_acknowledged() {
        let (outbox, pipe) = attached();
        outbox.post_page(json("1")).unwrap();
        DELIVERY
            .scope(Cell::new((7, 0)), async {
                outbox.post_page(json("2")).unwrap();
                outbox
                    .post_event("aw-chat-message-received-v1", json(r#"{"a":1}"#))
                    .unwrap();
            })
            .await;
        assert_eq!(
            written(&pipe),
            [
                "hi",
                r#"{"seq":1,"id":"s1","page":1}"#,
                r#"{"seq":2,"id":"d7.0","page":2}"#,
                r#"{"seq":3,"id":"d7.1","sendEvent":{"name":"aw-chat-message-received-v1","data":{"a":1}}}"#
            ]
        );
        // a new connection that had applied frame 1 gets 2 and 3 again
        outbox.acknowledge(1).unwrap();
        assert!(outbox.acknowledge(4).is_err(), "never sent");
        let again = Pipe::new();
        outbox.attach(&again, "hi".into(), 2).unwrap();
        assert_eq!(
            written(&again),
            [
                "hi",
                r#"{"seq":3,"id":"d7.1","sendEvent":{"name":"aw-chat-message-received-v1","data":{"a":1}}}"#
            ]
        );
    }

    /// A session's outbox and the connection it writes to, which has taken its welcome, `hi`.
    fn attached() -> (Arc<Outbox>, Arc<Pipe>) {
        let outbox = Arc::new(Outbox::new(Limits::default(), Arc::default()));
        let pipe = Pipe::new();
        outbox.attach(&pipe, "hi".into(), 0).unwrap();
        (outbox, pipe)
    }

    /// Page frames `from..=to` as an outbox numbers them outside a delivery.
    fn page_frames(from: u64, to: u64, body: &str) -> Vec<String> {
        (from..=to)
            .map(|seq| format!(r#"{{"seq":{seq},"id":"s{seq}","page":{body}}}"#))
            .collect()
    }

    #[test]
    fn a_new_connection_gets_exactly_the_frames_after_what_the_page_applied() {
        // enough frames, acknowledged in part, that the kept ones are moved inside their buffer
        let outbox = Arc::new(Outbox::new(Limits::default(), Arc::default()));
        let body = format!(r#""{}""#, "b".repeat(100));
        for _ in 1..=40 {
            outbox.post_page(json(&body)).unwrap();
        }
        outbox.acknowledge(25).unwrap();
        for _ in 41..=60 {
            outbox.post_page(json(&body)).unwrap();
        }
        let kept = page_frames(26, 60, &body);
        assert_eq!(
            outbox.state().unacked.bytes(),
            kept.iter().map(String::len).sum::<usize>()
        );
        let pipe = Pipe::new();
        assert_eq!(outbox.attach(&pipe, "hi".into(), 30).unwrap(), 30);
        let mut expected = vec!["hi".to_owned()];
        expected.extend(page_frames(31, 60, &body));
        assert_eq!(written(&pipe), expected);
        // a hello that says less than the page acknowledged before: what is forgotten stays so
        let again = Pipe::new();
        assert_eq!(outbox.attach(&again, "hi".into(), 2).unwrap(), 30);
        assert_eq!(written(&again).len(), 31);
    }

    #[test]
    fn unacknowledged_bytes_past_their_bound_fail_a_send_until_acknowledged() {
        let body = format!(r#""{}""#, "b".repeat(100));
        let frame = page_frames(1, 1, &body)[0].len();
        let limits = Limits {
            // one frame, and the room the bound asks for before a frame is written: two frames
            unacked_bytes: frame + numbered_len("page", body.len()),
            ..Limits::default()
        };
        let outbox = Arc::new(Outbox::new(limits, Arc::default()));
        outbox.post_page(json(&body)).unwrap();
        outbox.post_page(json(&body)).unwrap();
        assert!(matches!(
            outbox.post_page(json(&body)),
            Err(SendError::Full)
        ));
        outbox.acknowledge(1).unwrap();
        outbox.post_page(json(&body)).unwrap();
    }

    #[test]
    fn a_numbered_frame_is_written_from_where_it_is_kept_unless_acknowledged_first() {
        let (outbox, pipe) = attached();
        outbox.post_page(json("1")).unwrap();
        outbox.post_page(json("2")).unwrap();
        // the page had frame 1 from an earlier connection: it is not written again
        outbox.acknowledge(1).unwrap();
        assert_eq!(written(&pipe), ["hi", r#"{"seq":2,"id":"s2","page":2}"#]);
    }

    #[test]
    fn a_connection_let_go_still_writes_its_frames_after_the_session_is_gone() {
        // a handler that panics: its connection lets the session go, which ends it, and then
        // writes its last frames
        let (outbox, pipe) = attached();
        outbox.post_page(json("1")).unwrap();
        outbox.detach(&pipe);
        outbox.close();
        assert_eq!(written(&pipe), ["hi", r#"{"seq":1,"id":"s1","page":1}"#]);
    }

    #[test]
    fn frames_queued_by_number_are_written_whole_after_the_session_moved_its_frames() {
        let (outbox, pipe) = attached();
        let body = format!(r#""{}""#, "b".repeat(100));
        for _ in 1..=40 {
            outbox.post_page(json(&body)).unwrap();
        }
        outbox.acknowledge(25).unwrap();
        // these move the kept frames inside their buffer, under the numbers queued before
        for _ in 41..=60 {
            outbox.post_page(json(&body)).unwrap();
        }
        let mut expected = vec!["hi".to_owned()];
        expected.extend(page_frames(26, 60, &body));
        assert_eq!(written(&pipe), expected);
        // every frame acknowledged: the buffer starts again, and the numbers queued since
        // name the new frames
        outbox.acknowledge(60).unwrap();
        outbox.post_page(json("61")).unwrap();
        assert_eq!(written(&pipe), [r#"{"seq":61,"id":"s61","page":61}"#]);
    }

    #[test]
    fn a_session_that_ends_under_a_live_connection_lets_it_write_what_it_queued() {
        // its resume window running out just as a page resumed it
        let (outbox, pipe) = attached();
        outbox.post_page(json("1")).unwrap();
        outbox.close();
        assert_eq!(written(&pipe), ["hi", r#"{"seq":1,"id":"s1","page":1}"#]);
    }

    #[test]
    fn a_page_that_does_not_acknowledge_fills_the_outbox_and_sends_fail() {
        let limits = Limits {
            unacked_frames: 2,
            ..Limits::default()
        };
        let outbox = Arc::new(Outbox::new(limits, Arc::default()));
        outbox.post_page(json("1")).unwrap();
        outbox.post_page(json("2")).unwrap();
        assert!(matches!(outbox.post_page(json("3")), Err(SendError::Full)));
        outbox.acknowledge(1).unwrap();
        outbox.post_page(json("3")).unwrap();
    }

    #[test]
    fn a_send_to_a_session_that_is_gone_says_so() {
        let outbox = Arc::new(Outbox::new(Limits::default(), Arc::default()));
        outbox.post_page(json("1")).unwrap();
        outbox.close();
        assert!(matches!(
            outbox.post_page(json("2")),
            Err(SendError::Closed)
        ));
    }

    #[test]
    fn a_plain_connection_queues_up_to_its_bound_then_refuses() {
        let pipe = Pipe::new();
        let outlet = PlainOutlet {
            pipe: Arc::clone(&pipe),
            limits: Limits {
                queued_bytes: 100,
                ..Limits::default()
            },
            counters: Arc::default(),
            last_reply: LastReply::default(),
        };
        let data = json(r#""0123456789012345678901234567890123456789""#);
        outlet.post_event("e", data).unwrap();
        assert!(matches!(outlet.post_event("e", data), Err(SendError::Full)));
        assert_eq!(written(&pipe).len(), 1);
        // written: room again
        outlet.post_event("e", data).unwrap();
        pipe.close();
        assert!(matches!(
            outlet.post_event("e", data),
            Err(SendError::Closed)
        ));
    }
}
