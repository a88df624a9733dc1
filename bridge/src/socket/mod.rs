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

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

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

/// The connection's I/O: hyper's upgraded connection.
pub(crate) type Io = hyper_util::rt::TokioIo<hyper::upgrade::Upgraded>;

/// An outgoing text frame's payload: UTF-8 (made from strings only). A frame an acknowledged
/// session keeps until the page acknowledges it is [`Text::shared`]: one allocation, cloned by
/// count. A short one (an acknowledgement, sent for nearly every message) is kept inline, with no
/// allocation; one written once and dropped (the plain wire's) keeps its `String`.
#[derive(Debug, Clone)]
pub(crate) struct Text(Repr);

#[derive(Debug, Clone)]
enum Repr {
    /// Count and text in one allocation.
    Shared(Arc<str>),
    /// Cloned by copy: for a text that is not kept.
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

    /// `text`, copied into one allocation that its clones share.
    pub(crate) fn shared(text: &str) -> Text {
        Text(Repr::Shared(Arc::from(text)))
    }

    pub(crate) fn len(&self) -> usize {
        self.as_bytes().len()
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Shared(text) => text.as_bytes(),
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
    /// Frames to write: `out[written..]`.
    out: Vec<u8>,
    written: usize,
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

    /// Queues a text frame, written by the next [`Socket::flush`].
    pub(crate) fn queue_text(&mut self, text: &Text) {
        debug_assert!(!self.close_sent, "a frame after the close");
        frame::write_frame(&mut self.out, OpCode::Text, text.as_bytes());
    }

    /// Whether frames are queued (a pong included) that are not written yet.
    pub(crate) fn has_unwritten(&self) -> bool {
        self.written < self.out.len()
    }

    /// Writes every queued frame.
    pub(crate) async fn flush(&mut self) -> io::Result<()> {
        poll_fn(|cx| self.poll_write_out(cx)).await
    }

    fn poll_write_out(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.out.len() {
            let wrote = ready!(Pin::new(&mut self.io).poll_write(cx, &self.out[self.written..]))?;
            if wrote == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += wrote;
        }
        self.out.clear();
        self.written = 0;
        if self.out.capacity() > WRITE_BUFFER_BYTES {
            self.out = Vec::new();
        }
        Pin::new(&mut self.io).poll_flush(cx)
    }

    /// Queues the close frame, once, and writes it with what is queued before it.
    pub(crate) async fn close(&mut self, code: u16, reason: &str) -> io::Result<()> {
        if !std::mem::replace(&mut self.close_sent, true) {
            frame::write_close(&mut self.out, code, reason);
        }
        self.flush().await
    }
}

#[cfg(test)]
mod tests {
    use super::frame::tests::client_frame;
    use super::*;

    use futures_util::FutureExt;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

    const MASK: [u8; 4] = [0x37, 0xFA, 0x21, 0x3D];

    fn pair(max: usize) -> (Socket<DuplexStream>, DuplexStream) {
        let (server, client) = tokio::io::duplex(1 << 20);
        (Socket::new(server, max), client)
    }

    async fn recv_all(socket: &mut Socket<DuplexStream>) -> Vec<Result<Incoming, String>> {
        let mut got = Vec::new();
        while let Some(next) = socket.recv().await {
            let failed = next.is_err();
            got.push(next.map_err(|error| error.to_string()));
            if failed {
                break;
            }
        }
        got
    }

    /// An I/O that counts how often it is asked to read.
    struct CountingReads {
        inner: DuplexStream,
        reads: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    }

    impl AsyncRead for CountingReads {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            self.reads
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Pin::new(&mut self.inner).poll_read(cx, buf)
        }
    }

    impl AsyncWrite for CountingReads {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut self.inner).poll_write(cx, buf)
        }
        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.inner).poll_flush(cx)
        }
        fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.inner).poll_shutdown(cx)
        }
    }

    /// What is read already comes without waiting; the connection is asked again only when the
    /// last read took all the room it had (the kernel may hold more), not after a shorter one.
    #[tokio::test]
    async fn a_message_ready_is_taken_without_asking_a_connection_that_had_nothing_more() {
        let (server, mut client) = tokio::io::duplex(1 << 20);
        let reads = std::sync::Arc::default();
        let mut socket = Socket::new(
            CountingReads {
                inner: server,
                reads: std::sync::Arc::clone(&reads),
            },
            1 << 16,
        );
        let asked = || reads.load(std::sync::atomic::Ordering::Relaxed);
        let ready = |socket: &mut Socket<CountingReads>| {
            socket
                .recv_ready()
                .map(|next| next.map(|message| message.map_err(|error| error.to_string())))
        };
        // two messages in one read, shorter than the room: the second is taken from the buffer
        let mut two = client_frame(0x81, b"one", MASK);
        two.extend(client_frame(0x81, b"two", MASK));
        client.write_all(&two).await.unwrap();
        assert_eq!(
            socket.recv().await.unwrap().unwrap(),
            Incoming::Text("one".into())
        );
        let after_first = asked();
        assert_eq!(
            ready(&mut socket),
            Some(Some(Ok(Incoming::Text("two".into()))))
        );
        // nothing read, and the last read was short: the connection is not asked
        assert_eq!(ready(&mut socket), None);
        assert_eq!(asked(), after_first);
        // a read that fills the room (512 bytes of two frames) leaves more to ask for
        let mut long = client_frame(0x81, "x".repeat(500).as_bytes(), MASK);
        long.extend(client_frame(0x81, b"three", MASK));
        client.write_all(&long).await.unwrap();
        assert_eq!(
            socket.recv().await.unwrap().unwrap(),
            Incoming::Text("x".repeat(500))
        );
        assert_eq!(
            ready(&mut socket),
            Some(Some(Ok(Incoming::Text("three".into()))))
        );
    }

    /// Texts, a binary message, a ping and a message in fragments with a ping between them,
    /// then a close: the same whether the bytes arrive at once or one by one.
    #[tokio::test]
    async fn reads_messages_however_the_bytes_arrive() {
        let mut bytes = Vec::new();
        bytes.extend(client_frame(0x81, b"{\"a\":1}", MASK));
        bytes.extend(client_frame(0x81, "é".repeat(400).as_bytes(), MASK));
        bytes.extend(client_frame(0x82, &[0, 1, 2], MASK));
        bytes.extend(client_frame(0x01, b"frag", MASK));
        bytes.extend(client_frame(0x89, b"are you there", MASK));
        bytes.extend(client_frame(0x80, b"ments", MASK));
        bytes.extend(client_frame(0x8A, b"unasked pong", MASK));
        // a character cut between two fragments, and a binary message in fragments
        bytes.extend(client_frame(0x01, &[b'a', 0xC3], MASK));
        bytes.extend(client_frame(0x80, &[0xA9, b'b'], MASK));
        bytes.extend(client_frame(0x02, &[1], MASK));
        bytes.extend(client_frame(0x80, &[2], MASK));
        bytes.extend(client_frame(0x88, &1000u16.to_be_bytes(), MASK));
        let expected = vec![
            Ok(Incoming::Text("{\"a\":1}".into())),
            Ok(Incoming::Text("é".repeat(400))),
            Ok(Incoming::Binary),
            Ok(Incoming::Ping),
            Ok(Incoming::Text("fragments".into())),
            Ok(Incoming::Text("aéb".into())),
            Ok(Incoming::Binary),
            Ok(Incoming::Close),
        ];
        for piece in [bytes.len(), 1, 7] {
            let (mut socket, mut client) = pair(1 << 16);
            let sending = bytes.clone();
            let writer = tokio::spawn(async move {
                for chunk in sending.chunks(piece) {
                    client.write_all(chunk).await.unwrap();
                }
                client
            });
            assert_eq!(recv_all(&mut socket).await, expected, "pieces of {piece}");
            let mut client = writer.await.unwrap();
            // the ping's pong, written with the next frames
            assert!(socket.has_unwritten());
            socket.flush().await.unwrap();
            let mut pong = [0; 15];
            client.read_exact(&mut pong).await.unwrap();
            assert_eq!(&pong[..2], [0x8A, 13]);
            assert_eq!(&pong[2..], b"are you there");
        }
    }

    #[tokio::test]
    async fn a_frame_against_the_protocol_ends_the_reading_with_its_close_code() {
        let cases: Vec<(Vec<u8>, &str, u16)> = vec![
            (vec![0x81, 0x02, b'h', b'i'], "unmasked", 1002),
            (client_frame(0xC1, b"x", MASK), "reserved bit", 1002),
            (client_frame(0x83, b"x", MASK), "unknown opcode 0x3", 1002),
            (
                client_frame(0x09, b"", MASK),
                "ping or pong frame in fragments",
                1002,
            ),
            (client_frame(0x81, &[0xFF, 0xFE], MASK), "not UTF-8", 1007),
            (
                // a character cut in two is fine (below); a byte no UTF-8 has is not
                [
                    client_frame(0x01, &[b'a', 0xC3], MASK),
                    client_frame(0x80, &[0xFF], MASK),
                ]
                .concat(),
                "not UTF-8",
                1007,
            ),
            (client_frame(0x80, b"x", MASK), "continuation", 1002),
            (
                [
                    client_frame(0x01, b"a", MASK),
                    client_frame(0x81, b"b", MASK),
                ]
                .concat(),
                "continuation",
                1002,
            ),
            (
                client_frame(0x81, &[b'x'; 65], MASK),
                "over the limit of 64",
                1009,
            ),
            (
                [
                    client_frame(0x01, &[b'x'; 40], MASK),
                    client_frame(0x80, &[b'x'; 40], MASK),
                ]
                .concat(),
                "a message of 80 bytes, over the limit of 64",
                1009,
            ),
            (client_frame(0x88, &[0x03, 0xED], MASK), "close frame", 1002),
        ];
        for (bytes, says, code) in cases {
            let (mut socket, mut client) = pair(64);
            client.write_all(&bytes).await.unwrap();
            // followed by a good frame, which is never read, and the end of the connection
            client
                .write_all(&client_frame(0x81, b"ok", MASK))
                .await
                .unwrap();
            drop(client);
            match socket.recv().await {
                Some(Err(SocketError::Frame(error))) => {
                    assert!(
                        error.to_string().contains(says),
                        "{error} (expected {says})"
                    );
                    assert_eq!(error.close_code(), code, "{says}");
                }
                other => panic!("{says}: {other:?}"),
            }
            assert!(
                socket.recv().await.is_none(),
                "{says}: nothing more is read"
            );
        }
    }

    /// After a forbidden frame: the close is written, the writing ended, and what the page still
    /// sends read and dropped until it closes its side, which it does on the end of the writing.
    #[tokio::test]
    async fn after_a_refusal_the_page_gets_the_close_and_its_bytes_are_read_to_its_end() {
        let (mut socket, mut client) = pair(64);
        client.write_all(&[0x81, 0x02, b'h', b'i']).await.unwrap();
        client.write_all(&[b'x'; 5000]).await.unwrap();
        assert!(matches!(
            socket.recv().await,
            Some(Err(SocketError::Frame(_)))
        ));
        socket.close(1002, "").await.unwrap();
        let page = tokio::spawn(async move {
            // the page reads to the end of the server's writing, then closes its side
            let mut got = Vec::new();
            client.read_to_end(&mut got).await.unwrap();
            got
        });
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            socket.discard_after_refusal(),
        )
        .await
        .expect("the page closes its side once the server's writing ended");
        assert_eq!(page.await.unwrap(), [0x88, 2, 0x03, 0xEA]);
    }

    #[tokio::test]
    async fn the_end_within_a_message_in_fragments_says_so() {
        let (mut socket, mut client) = pair(64);
        client
            .write_all(&client_frame(0x01, b"half", MASK))
            .await
            .unwrap();
        drop(client);
        assert_eq!(
            recv_all(&mut socket).await,
            [Err(
                "the network: the connection ended within a message".into()
            )]
        );
    }

    /// Pings while the connection closes queue nothing: nothing is written after the close.
    #[tokio::test]
    async fn no_pong_after_the_close() {
        let (mut socket, mut client) = pair(64);
        socket.close(1000, "").await.unwrap();
        for _ in 0..100 {
            client
                .write_all(&client_frame(0x89, b"still there?", MASK))
                .await
                .unwrap();
        }
        drop(client);
        assert_eq!(recv_all(&mut socket).await.len(), 100);
        assert!(!socket.has_unwritten());
    }

    /// A header that claims a large frame grows the buffer only as the frame's bytes arrive, and a
    /// buffer grown for a large frame is let go once it is taken.
    #[tokio::test]
    async fn the_read_buffer_grows_with_what_arrives_not_with_what_is_claimed() {
        let (mut socket, mut client) = pair(1 << 20);
        let frame = client_frame(0x81, &[b'x'; 100_000], MASK);
        client.write_all(&frame[..14]).await.unwrap();
        assert!(
            socket.recv().now_or_never().is_none(),
            "the frame is not all there"
        );
        assert!(
            socket.read.len() <= 2 * READ_BUFFER_BYTES,
            "{} bytes for a 14-byte header",
            socket.read.len()
        );
        let sending = frame[14..].to_vec();
        let writer = tokio::spawn(async move {
            for piece in sending.chunks(1000) {
                client.write_all(piece).await.unwrap();
                tokio::task::yield_now().await;
            }
            client
        });
        match socket.recv().await {
            Some(Ok(Incoming::Text(text))) => assert_eq!(text.len(), 100_000),
            other => panic!("{other:?}"),
        }
        let mut client = writer.await.unwrap();
        client
            .write_all(&client_frame(0x81, b"small", MASK))
            .await
            .unwrap();
        assert_eq!(
            socket.recv().await.unwrap().unwrap(),
            Incoming::Text("small".into())
        );
        assert!(socket.read.len() <= READ_BUFFER_BYTES, "let go");
    }

    /// A flush interrupted half way (the page reads slowly) and started again writes every byte
    /// once, in order.
    #[tokio::test]
    async fn an_interrupted_flush_goes_on_where_it_stopped() {
        let (server, mut client) = tokio::io::duplex(16);
        let mut socket = Socket::new(server, 64);
        let text = "0123456789".repeat(10);
        socket.queue_text(&Text::from(text.clone()));
        assert!(
            socket.flush().now_or_never().is_none(),
            "16 bytes fit, not 102"
        );
        let reader = tokio::spawn(async move {
            let mut written = vec![0; 102];
            client.read_exact(&mut written).await.unwrap();
            written
        });
        socket.flush().await.unwrap();
        let written = reader.await.unwrap();
        assert_eq!(&written[..2], [0x81, 100]);
        assert_eq!(&written[2..], text.as_bytes());
    }

    #[tokio::test]
    async fn the_network_closing_ends_the_messages_and_within_a_frame_says_so() {
        let (mut socket, mut client) = pair(64);
        client
            .write_all(&client_frame(0x81, b"last", MASK))
            .await
            .unwrap();
        drop(client);
        assert_eq!(
            recv_all(&mut socket).await,
            [Ok(Incoming::Text("last".into()))]
        );

        let (mut socket, mut client) = pair(64);
        client
            .write_all(&client_frame(0x81, b"last", MASK))
            .await
            .unwrap();
        // half a frame, then the connection drops
        client
            .write_all(&client_frame(0x81, b"cut", MASK)[..4])
            .await
            .unwrap();
        drop(client);
        assert_eq!(
            recv_all(&mut socket).await,
            [
                Ok(Incoming::Text("last".into())),
                Err("the network: the connection ended within a message".into())
            ]
        );
    }

    #[test]
    fn short_texts_are_inline_and_read_back_whole() {
        let ack = Text::inline(&[r#"{"ack":"#, "18446744073709551615", "}"]).expect("fits");
        assert!(matches!(ack.0, Repr::Inline { .. }));
        assert_eq!(ack.as_bytes(), br#"{"ack":18446744073709551615}"#);
        assert_eq!(ack.len(), 28);
        let most = "x".repeat(INLINE_BYTES);
        assert_eq!(Text::inline(&[&most]).unwrap().len(), INLINE_BYTES);
        assert_eq!(Text::inline(&[&most, "x"]), None);
    }

    #[tokio::test]
    async fn writes_queued_frames_and_one_close() {
        let (mut socket, mut client) = pair(64);
        socket.queue_text(&Text::from("one"));
        socket.queue_text(&Text::from(String::from("two")));
        socket.queue_text(&Text::inline(&["th", "ree"]).unwrap());
        socket.flush().await.unwrap();
        assert!(!socket.has_unwritten());
        socket.close(4001, "bye").await.unwrap();
        socket.close(4001, "bye").await.unwrap();
        drop(socket);
        let mut written = Vec::new();
        client.read_to_end(&mut written).await.unwrap();
        assert_eq!(
            written,
            [
                &[0x81, 3][..],
                b"one",
                &[0x81, 3],
                b"two",
                &[0x81, 5],
                b"three",
                &[0x88, 5, 0x0F, 0xA1],
                b"bye"
            ]
            .concat()
        );
    }

    /// Random bytes, whole and in pieces: an error or messages, never a panic.
    #[tokio::test]
    async fn random_bytes_never_panic() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..2000 {
            let len = (next() % 64) as usize;
            let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            // often a plausible first byte and a masked length, so that parsing goes deep
            if len > 2 && next() % 2 == 0 {
                bytes[0] = [0x81, 0x01, 0x80, 0x89, 0x88, 0x82][(next() % 6) as usize];
                bytes[1] |= 0x80;
            }
            let (mut socket, mut client) = pair(32);
            client.write_all(&bytes).await.unwrap();
            drop(client);
            let _ = recv_all(&mut socket).await;
        }
    }
}
