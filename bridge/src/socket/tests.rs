//! The socket's own tests: framing on bytes and on an in-memory pipe.

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

/// An I/O that takes `room` bytes, then fails every write.
struct BreaksAfter {
    room: usize,
    taken: Vec<u8>,
}

impl AsyncRead for BreaksAfter {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        _: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Poll::Pending
    }
}

impl AsyncWrite for BreaksAfter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.room == 0 {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        let take = buf.len().min(self.room).min(30);
        self.room -= take;
        self.taken.extend_from_slice(&buf[..take]);
        Poll::Ready(Ok(take))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// `write_now` keeps its promise when the write fails part-way: every frame handed over is with
/// the I/O or in the socket, so a later flush goes on in order, from where it stopped.
#[test]
fn a_write_that_fails_part_way_keeps_the_rest_in_the_socket() {
    let mut socket = Socket::new(
        BreaksAfter {
            room: 50,
            taken: Vec::new(),
        },
        64,
    );
    let mut cx = Context::from_waker(std::task::Waker::noop());
    let frames = [Text::from("a".repeat(100)), Text::from("b".repeat(100))];
    let wrote = socket.write_now(&mut cx, |outgoing| {
        frames
            .iter()
            .for_each(|text| outgoing.text(text.as_bytes()));
        true
    });
    assert_eq!(wrote.unwrap_err().kind(), io::ErrorKind::BrokenPipe);
    assert_eq!(socket.unwritten_bytes(), 2 * 102 - 50);
    // the I/O mends (a test's liberty): the flush writes the rest, whole frames in order
    socket.io.room = usize::MAX;
    assert!(matches!(
        socket.poll_write_out(&mut cx),
        Poll::Ready(Ok(()))
    ));
    let mut expected = vec![0x81, 100];
    expected.extend_from_slice(&[b'a'; 100]);
    expected.extend_from_slice(&[0x81, 100]);
    expected.extend_from_slice(&[b'b'; 100]);
    assert_eq!(socket.io.taken, expected);
    assert!(!socket.has_unwritten());
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
