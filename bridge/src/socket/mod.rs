//! The WebSocket layer, server side (RFC 6455): the handshake ([`Upgrade`]) and one connection's
//! frames ([`Socket`]).
//!
//! Written here rather than taken from a crate, for the hot path and for idle memory. Through
//! axum's `WebSocket` (tokio-tungstenite), reading and writing a frame cost about 4,000
//! instructions of a plain message's 20,000: a compatibility layer that registers wakers on
//! every poll, a message type built per frame and a copy into a write queue. The leaner crates
//! (tokio-websockets, fastwebsockets) read through an 8 KiB buffer that every idle session would
//! hold, twice what a whole session costs here. The bridge needs a small part of the protocol: a
//! server that takes text, refuses binary, answers pings and closes; no extensions, no client.
//! What it reads is checked as RFC 6455 says (masks, reserved bits, control frames, fragments,
//! UTF-8, close codes), in `frame`, whose functions are tested on bytes alone.

mod frame;
mod handshake;

use std::cell::RefCell;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use partner_events::__private::with_reused;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use frame::{FrameError, OpCode};
pub(crate) use handshake::Upgrade;

/// How much the socket reads at a time, which every idle session holds: small, since almost every
/// SDK message is small. Of the catalog's received events' samples (`partner-events sample`),
/// every minimal one fits in 512 bytes with the frame's header and the acknowledged protocol's
/// `{"seq":…,"event":…}` (a hold is 155 bytes), so it arrives in one read; full ones with arrays
/// (a chat's messages, wrap-up codes) or every optional field of a terminated call (592 bytes)
/// take a second read into a buffer grown for them. 1024 cost every idle session 512 bytes more.
const READ_BUFFER_BYTES: usize = 512;

/// The write buffer an idle connection keeps; a larger one, grown by a burst, is let go once
/// written.
const WRITE_BUFFER_BYTES: usize = 1024;

thread_local! {
    /// Where this thread's connections put their frames together on the way to the kernel
    /// ([`Socket::write_now`]). A connection's own buffer is cold by the time its next message
    /// comes, as every other session's went through the cache meanwhile; callgrind's cache model
    /// (a 1 MiB last level, 200 sessions) counted the copy into it as about 2 of an acknowledged
    /// message's 11 write misses (9 since). This one is warm. What the kernel does not take at once (a page
    /// slow to read) moves to the connection's buffer.
    static OUTGOING: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The connection's I/O: hyper's upgraded connection.
pub(crate) type Io = hyper_util::rt::TokioIo<hyper::upgrade::Upgraded>;

/// An outgoing text frame's payload: UTF-8 (made from strings only). A short one (an
/// acknowledgement, sent for nearly every message) is kept inline, with no allocation; any other
/// keeps its `String` (written once and dropped) or is the server's own fixed text.
#[derive(Debug, Clone)]
pub(crate) struct Text(Repr);

#[derive(Debug, Clone)]
enum Repr {
    Owned(String),
    /// A fixed text (the server's own).
    Static(&'static str),
    Inline {
        len: u8,
        bytes: [u8; INLINE_BYTES],
    },
}

/// The longest text kept inline: `{"ack":N}` is at most 28 bytes (a `u64` has 20 digits).
const INLINE_BYTES: usize = 30;

impl Text {
    /// A short text, the concatenation of `parts`, inline; `None` when it is longer than
    /// [`INLINE_BYTES`].
    pub(crate) fn inline(parts: &[&str]) -> Option<Text> {
        let mut bytes = [0; INLINE_BYTES];
        let mut len = 0;
        for part in parts {
            bytes
                .get_mut(len..len + part.len())?
                .copy_from_slice(part.as_bytes());
            len += part.len();
        }
        Some(Text(Repr::Inline {
            len: len as u8,
            bytes,
        }))
    }

    pub(crate) fn len(&self) -> usize {
        self.as_bytes().len()
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Owned(text) => text.as_bytes(),
            Repr::Static(text) => text.as_bytes(),
            Repr::Inline { len, bytes } => &bytes[..usize::from(*len)],
        }
    }
}

/// Equal by text, however it is kept.
impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Text {}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Text(Repr::Owned(text))
    }
}

impl From<&'static str> for Text {
    fn from(text: &'static str) -> Self {
        Text(Repr::Static(text))
    }
}

/// What the page sent.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Incoming {
    /// A text message, whole.
    Text(String),
    /// A binary message (the bridge takes none: it says so, and goes on).
    Binary,
    /// A ping: its pong is queued, for the connection to write with its next frames.
    Ping,
    /// The page's close frame: nothing more comes.
    Close,
}

/// Why a connection cannot go on.
#[derive(Debug)]
pub(crate) enum SocketError {
    /// The page sent what RFC 6455 does not allow, or more than the bridge takes.
    Frame(FrameError),
    Io(io::Error),
}

impl fmt::Display for SocketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SocketError::Frame(error) => error.fmt(f),
            SocketError::Io(error) => write!(f, "the network: {error}"),
        }
    }
}

/// One WebSocket connection, server side. Reading and writing are cancel-safe: what is read and
/// what is left to write stay in the socket, so a wait on the page can be dropped for another.
pub(crate) struct Socket<S = Io> {
    io: S,
    /// The read buffer (zeroed as it grows, not on every read): bytes read and not yet taken are
    /// `read[taken..filled]`.
    read: Vec<u8>,
    taken: usize,
    filled: usize,
    /// How many bytes the frame in hand needs in all, when more than are read.
    needed: usize,
    /// A message in fragments, as far as it has come: whether it is text, and its payload.
    fragments: Option<(OpCode, Vec<u8>)>,
    /// Frames to write: `out[written..]`. What the kernel did not take at once, a pong, the close.
    out: Vec<u8>,
    written: usize,
    /// Everything is written, and the I/O's flush said it was not done yet.
    unflushed: bool,
    /// The largest message the bridge takes.
    max_message: usize,
    /// Nothing more is read: the page closed, the network did, or a frame broke the protocol.
    read_closed: bool,
    /// A frame broke the protocol: what follows is not read as frames.
    refused: bool,
    close_sent: bool,
    /// The last read took all the room it had: the kernel may hold more ([`Socket::recv_ready`]).
    more_waiting: bool,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Socket<S> {
    /// A connection whose handshake is done; messages over `max_message` bytes end it.
    pub(crate) fn new(io: S, max_message: usize) -> Self {
        Socket {
            io,
            read: Vec::new(),
            taken: 0,
            filled: 0,
            needed: 0,
            fragments: None,
            out: Vec::new(),
            written: 0,
            unflushed: false,
            max_message,
            read_closed: false,
            refused: false,
            close_sent: false,
            more_waiting: false,
        }
    }

    /// The page's next message; `None` once it closed or the connection ended.
    pub(crate) async fn recv(&mut self) -> Option<Result<Incoming, SocketError>> {
        poll_fn(|cx| self.poll_recv(cx, true)).await
    }

    /// The page's next message if it is here already: in what was read, or in the connection when
    /// the last read took all the room it had. After a shorter read the connection most likely
    /// has nothing more (the kernel had nothing more, unless hyper handed over bytes it had
    /// buffered), and asking it again before the runtime's next turn would only be told so,
    /// through every layer of hyper's upgraded I/O; the next [`Socket::recv`] asks (a guess
    /// wrong costs a wait, never a message). `None`: nothing without waiting.
    pub(crate) fn recv_ready(&mut self) -> Option<Option<Result<Incoming, SocketError>>> {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        match self.poll_recv(&mut cx, false) {
            Poll::Ready(next) => Some(next),
            Poll::Pending => None,
        }
    }

    /// `ask`: read the connection whenever what was read holds no whole message; otherwise only
    /// while the last read took all the room it had.
    fn poll_recv(
        &mut self,
        cx: &mut Context<'_>,
        ask: bool,
    ) -> Poll<Option<Result<Incoming, SocketError>>> {
        loop {
            if self.read_closed {
                return Poll::Ready(None);
            }
            match self.next_message() {
                Ok(Some(incoming)) => return Poll::Ready(Some(Ok(incoming))),
                Ok(None) if ask || self.more_waiting => {}
                Ok(None) => return Poll::Pending,
                Err(error) => {
                    self.read_closed = true;
                    self.refused = true;
                    return Poll::Ready(Some(Err(SocketError::Frame(error))));
                }
            }
            match ready!(self.poll_fill(cx)) {
                Ok(0) => {
                    self.read_closed = true;
                    // between messages, the page (or the network) just went; within a frame or
                    // a message in fragments, the connection broke
                    if self.taken < self.filled || self.fragments.is_some() {
                        let broken = io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "the connection ended within a message",
                        );
                        return Poll::Ready(Some(Err(SocketError::Io(broken))));
                    }
                    return Poll::Ready(None);
                }
                Ok(_) => {}
                Err(error) => {
                    self.read_closed = true;
                    // between messages, a reset is the page's network going, as an end is
                    if self.taken == self.filled && self.fragments.is_none() {
                        return Poll::Ready(None);
                    }
                    return Poll::Ready(Some(Err(SocketError::Io(error))));
                }
            }
        }
    }

    /// Takes the frames read, up to a message, a ping or a close; `None` when more must be read.
    fn next_message(&mut self) -> Result<Option<Incoming>, FrameError> {
        loop {
            let data = &mut self.read[self.taken..self.filled];
            let Some(header) = frame::read_header(data, self.max_message)? else {
                self.needed = 0;
                return Ok(None);
            };
            if data.len() < header.frame_len() {
                self.needed = header.frame_len();
                return Ok(None);
            }
            let payload = &mut data[header.payload_at..header.frame_len()];
            frame::unmask(payload, header.mask);
            self.taken += header.frame_len();
            let incoming = match (header.opcode, header.fin, &mut self.fragments) {
                (OpCode::Text, true, None) => match std::str::from_utf8(payload) {
                    Ok(text) => Incoming::Text(text.to_owned()),
                    Err(_) => return Err(FrameError::NotUtf8),
                },
                (OpCode::Binary, true, None) => Incoming::Binary,
                (OpCode::Text | OpCode::Binary, false, fragments @ None) => {
                    *fragments = Some((header.opcode, payload.to_vec()));
                    continue;
                }
                (OpCode::Continuation, fin, Some((_, so_far))) => {
                    let len = so_far.len() + payload.len();
                    if len > self.max_message {
                        return Err(FrameError::TooLarge {
                            len: len as u64,
                            max: self.max_message,
                        });
                    }
                    so_far.extend_from_slice(payload);
                    if !fin {
                        continue;
                    }
                    match self.fragments.take() {
                        Some((OpCode::Text, whole)) => Incoming::Text(
                            String::from_utf8(whole).map_err(|_| FrameError::NotUtf8)?,
                        ),
                        _ => Incoming::Binary,
                    }
                }
                (OpCode::Ping, ..) => {
                    // none after the close frame (RFC 6455 §5.5.1), where nothing more is
                    // written: a page pinging while the connection closes queues nothing
                    if !self.close_sent {
                        frame::write_frame(&mut self.out, OpCode::Pong, payload);
                    }
                    Incoming::Ping
                }
                (OpCode::Pong, ..) => continue,
                (OpCode::Close, ..) => {
                    frame::check_close(payload)?;
                    self.read_closed = true;
                    Incoming::Close
                }
                (OpCode::Continuation, _, None) | (OpCode::Text | OpCode::Binary, _, Some(_)) => {
                    return Err(FrameError::Fragments)
                }
            };
            return Ok(Some(incoming));
        }
    }

    /// Reads more, into a buffer of [`READ_BUFFER_BYTES`], or of what is read already and the
    /// rest of the frame in hand up to as much again: the buffer grows with what arrives, never on
    /// a length the page only claims. `Ok(0)`: the page or the network closed.
    fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // what was taken makes room; a buffer grown by a large frame is let go once the frame is
        // taken (what follows it moves to a buffer of the usual size)
        let rest = self.filled - self.taken;
        if self.read.len() > READ_BUFFER_BYTES && rest <= READ_BUFFER_BYTES {
            let mut usual = vec![0; READ_BUFFER_BYTES];
            usual[..rest].copy_from_slice(&self.read[self.taken..self.filled]);
            self.read = usual;
        } else if self.taken > 0 {
            self.read.copy_within(self.taken..self.filled, 0);
        }
        self.filled = rest;
        self.taken = 0;
        let missing = self.needed.saturating_sub(self.filled);
        let want =
            READ_BUFFER_BYTES.max(self.filled + missing.min(self.filled.max(READ_BUFFER_BYTES)));
        if self.read.len() < want {
            // zeroed as it grows, not on every read
            self.read.resize(want, 0);
        }
        // never empty: `missing` is 0 only while a header is incomplete (under 14 bytes read)
        let mut buf = ReadBuf::new(&mut self.read[self.filled..]);
        let room = buf.remaining();
        let polled = Pin::new(&mut self.io).poll_read(cx, &mut buf);
        let read = buf.filled().len();
        self.filled += read;
        self.more_waiting = matches!(polled, Poll::Ready(Ok(()))) && read == room;
        polled.map_ok(|()| read)
    }

    /// After a frame the protocol forbids, and once the close frame is written: ends the writing
    /// (a FIN, after which the page closes its side), then reads what the page still sends, and
    /// drops it, until the page closes. A connection closed with bytes unread is answered by the
    /// kernel with a reset, which can discard the error frame and the close before the page reads
    /// them. Nothing to do otherwise. The caller bounds it in time.
    pub(crate) async fn discard_after_refusal(&mut self) {
        if !self.refused {
            return;
        }
        if poll_fn(|cx| Pin::new(&mut self.io).poll_shutdown(cx))
            .await
            .is_err()
        {
            return;
        }
        self.needed = 0;
        poll_fn(|cx| loop {
            self.taken = self.filled;
            match ready!(self.poll_fill(cx)) {
                Ok(0) | Err(_) => return Poll::Ready(()),
                Ok(_) => {}
            }
        })
        .await;
    }

    /// Queues a text frame, written by the next [`Socket::flush`] (the tests' way in; the
    /// connection writes through [`Socket::write_now`]).
    #[cfg(test)]
    pub(crate) fn queue_text(&mut self, text: &Text) {
        debug_assert!(!self.close_sent, "a frame after the close");
        Outgoing(&mut self.out).text(text.as_bytes());
    }

    /// Writes the text frames `put` hands over at once, from this thread's buffer, as far as the
    /// kernel takes them; the rest stays in the socket for [`Socket::flush`]. Behind frames the
    /// socket holds already, they are queued after them instead. `Ok(false)`: `put` had none.
    ///
    /// Never waits, so a caller that is cancelled loses nothing: every frame handed over is
    /// either with the kernel or in the socket when this returns.
    pub(crate) fn write_now(
        &mut self,
        cx: &mut Context<'_>,
        put: impl FnOnce(&mut Outgoing<'_>) -> bool,
    ) -> io::Result<bool> {
        debug_assert!(!self.close_sent, "a frame after the close");
        if self.has_unwritten() {
            return Ok(put(&mut Outgoing(&mut self.out)));
        }
        with_reused(&OUTGOING, |outgoing| {
            if !put(&mut Outgoing(outgoing)) {
                return Ok(false);
            }
            let mut written = 0;
            let wrote = poll_write_from(&mut self.io, cx, outgoing, &mut written);
            if written < outgoing.len() {
                // the kernel did not take it all (or the write failed part-way): the rest waits
                // in the socket, in order, for the next flush
                debug_assert!(
                    self.out.is_empty(),
                    "frames behind unwritten ones go to `out`"
                );
                self.out.extend_from_slice(&outgoing[written..]);
                self.written = 0;
            }
            match wrote {
                // `cx` is woken once the connection takes more, and `flush` goes on
                Poll::Pending => {}
                Poll::Ready(Err(error)) => return Err(error),
                Poll::Ready(Ok(())) => {
                    if Pin::new(&mut self.io).poll_flush(cx)?.is_pending() {
                        self.unflushed = true;
                    }
                }
            }
            Ok(true)
        })
    }

    /// Whether frames are queued (a pong included) that are not written yet, or not flushed.
    pub(crate) fn has_unwritten(&self) -> bool {
        self.written < self.out.len() || self.unflushed
    }

    /// How many bytes are queued and not written yet (for tests of the bound).
    #[cfg(test)]
    pub(crate) fn unwritten_bytes(&self) -> usize {
        self.out.len() - self.written
    }

    /// Writes every queued frame.
    pub(crate) async fn flush(&mut self) -> io::Result<()> {
        poll_fn(|cx| self.poll_write_out(cx)).await
    }

    fn poll_write_out(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(poll_write_from(
            &mut self.io,
            cx,
            &self.out,
            &mut self.written
        ))?;
        self.out.clear();
        self.written = 0;
        if self.out.capacity() > WRITE_BUFFER_BYTES {
            self.out = Vec::new();
        }
        // written, not yet flushed: a wait here that is dropped must not read as done
        self.unflushed = true;
        ready!(Pin::new(&mut self.io).poll_flush(cx))?;
        self.unflushed = false;
        Poll::Ready(Ok(()))
    }

    /// Queues the close frame, once, and writes it with what is queued before it.
    pub(crate) async fn close(&mut self, code: u16, reason: &str) -> io::Result<()> {
        if !std::mem::replace(&mut self.close_sent, true) {
            frame::write_close(&mut self.out, code, reason);
        }
        self.flush().await
    }
}

/// Writes `bytes[*written..]` as far as `io` takes it, counting in `written`: `Pending` once it
/// takes no more for now, an error if it takes nothing or fails.
fn poll_write_from<S: AsyncWrite + Unpin>(
    io: &mut S,
    cx: &mut Context<'_>,
    bytes: &[u8],
    written: &mut usize,
) -> Poll<io::Result<()>> {
    while *written < bytes.len() {
        let wrote = ready!(Pin::new(&mut *io).poll_write(cx, &bytes[*written..]))?;
        if wrote == 0 {
            return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
        }
        *written += wrote;
    }
    Poll::Ready(Ok(()))
}

/// Frames on their way out ([`Socket::write_now`]).
pub(crate) struct Outgoing<'a>(&'a mut Vec<u8>);

impl Outgoing<'_> {
    /// Adds a text frame, its payload UTF-8 (every frame queued is made from strings).
    pub(crate) fn text(&mut self, payload: &[u8]) {
        frame::write_frame(self.0, OpCode::Text, payload);
    }
}

#[cfg(test)]
mod tests;
