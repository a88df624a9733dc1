//! One connection, start to end, on either protocol.
//!
//! The core here owns the socket, once for both protocols: it reads frames, writes what the
//! session queues (between reads and while a handler runs, on the connection's own task, so a
//! reply costs no hop to another task), watches the drain and a takeover, and ends the connection
//! with its last frames and its close frame. A protocol is the small piece that says what an
//! incoming text frame means ([`Protocol`]): [`plain`] and [`acked`].
//!
//! Nothing a page sends can end another session: a bad message gets an error frame and the
//! session goes on; a handler that panics gets its session closed (its state may be broken), with
//! an error frame saying so, and the page's next connection starts a new handler.

mod acked;
mod plain;
mod route;

pub(crate) use acked::run as run_acked;
pub(crate) use plain::run as run_plain;

use std::future::Future;
use std::pin::pin;

use partner_events::Identity;

use crate::config::Config;
use crate::drain::Drain;
use crate::outbox::Pipe;
use crate::signal::{Flag, FlagWait};
use crate::socket::{Incoming, Socket, SocketError};
use crate::stats::{Counters, ErrorKind};
use crate::wire::close;

/// Frames handled one after another, while more are ready, before the connection writes what
/// they produced (replies, one cumulative acknowledgement).
const READ_AHEAD: usize = 64;

/// How long a closing connection waits for the page's own close frame.
const CLOSE_ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(1);

/// What the handshake accepted: the page's token, and whom the partner's check resolved it to
/// (the plain wire checks at the handshake; the acknowledged protocol at its hello, so it has no
/// identity here). Boxed on its way into the connection's task, and let go with
/// [`Credentials::into_parts`] before the connection's first wait: unboxed, each layer of the task
/// would keep room for it for the life of the session.
pub(crate) struct Credentials {
    pub(crate) token: Option<String>,
    pub(crate) identity: Option<Identity>,
}

impl Credentials {
    /// The token and the identity, the box freed (a plain function, so that the box is gone when
    /// it returns, not when its binding goes out of scope after the session).
    // the box is the point: taken by value, it is freed here, not after the session
    #[allow(clippy::boxed_local)]
    pub(crate) fn into_parts(self: Box<Self>) -> (Option<String>, Option<Identity>) {
        let Credentials { token, identity } = *self;
        (token, identity)
    }
}

/// Why a connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// The page closed it, or the network did (acknowledged: the session is kept for the resume
    /// window).
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
    /// The page sent what the WebSocket protocol forbids, or too large a message: the
    /// connection closes with RFC 6455's code for it (1002, 1007 or 1009), after the error frame.
    Broken(u16),
}

/// What the connection does after a frame.
pub(crate) enum Flow {
    Continue,
    End(End),
}

/// What a protocol does with its connection's frames; the core does everything else.
pub(crate) trait Protocol: Send {
    /// Whether the page sends again what a connection did not handle (the acknowledged protocol
    /// does): then a drain ends the connection before the frame in hand, which the next process
    /// handles; otherwise the frame in hand is handled first.
    const PAGE_RESENDS: bool;

    /// Handles one text frame. What it queues on the connection's pipe meanwhile is written as
    /// it goes.
    fn on_text(&mut self, text: String) -> impl Future<Output = Flow> + Send;

    /// Refuses a binary frame (the session goes on): counts it and queues an error frame.
    fn on_binary(&mut self);

    /// The protocol's error frame for a problem with the connection rather than one message.
    fn error(&self, message: &str) -> String;

    /// The connection has handled what was ready and is about to wait for the page.
    fn idle(&mut self) {}

    /// Work of the protocol's own that the connection waits on beside the page (the acknowledged
    /// protocol's stores): resolves when a piece of it is done, and the connection goes round
    /// again (through [`Protocol::idle`]).
    fn background(&mut self) -> impl Future<Output = ()> + Send {
        std::future::pending()
    }

    /// Whether the connection reads the page's next frame now; `false` holds the page back (TCP
    /// does) until [`Protocol::background`] makes room.
    fn reading(&self) -> bool {
        true
    }

    /// The connection ends for `end`: let go of the session, queue the last frames; the close
    /// code and reason.
    fn end(self, end: End) -> (u16, &'static str);
}

/// Serves `protocol` on `socket` until the connection ends, then closes it.
pub(crate) async fn serve<P: Protocol>(
    socket: &mut Socket,
    pipe: &Pipe,
    mut protocol: P,
    taken_over: Option<Flag>,
    (drain, config, counters): (&Drain, &Config, &Counters),
) {
    // Frames this task queues wake no one: every wait below looks at the pipe after everything
    // else it polls that could queue one (the handler, the protocol's background work).
    pipe.served_by_this_task();
    // Made once per connection, not once per wait: each registers with its notifier once, then
    // every wait reads an atomic flag.
    let mut first_write = true;
    let mut drained = pin!(drain.signal().wait());
    let mut taken_over = FlagWait::on(taken_over);
    let end = 'connection: loop {
        protocol.idle();
        // The drain and a takeover come first, in every wait: a page that stops reading (its
        // writes block) or a stream of frames to write cannot hold the connection.
        let wrote = tokio::select! {
            biased;
            () = &mut drained => break End::Drained,
            () = &mut taken_over => break End::TakenOver,
            wrote = write_queued(socket, pipe) => wrote,
        };
        if wrote.is_err() {
            break End::PageGone;
        }
        if std::mem::take(&mut first_write) {
            pipe.let_go();
        }
        let reading = protocol.reading();
        let waited = tokio::select! {
            biased;
            () = &mut drained => break End::Drained,
            () = &mut taken_over => break End::TakenOver,
            frame = socket.recv(), if reading => Some(frame),
            () = protocol.background() => None,
            // last: what the branches above queued as they were polled is seen in this poll
            () = pipe.queued() => None,
        };
        let Some(mut frame) = waited else {
            continue;
        };
        let mut read_ahead = READ_AHEAD;
        loop {
            if P::PAGE_RESENDS && drain.is_draining() {
                // the frame in hand is not handled: the page resends it to the next process
                break 'connection End::Drained;
            }
            let flow = match frame {
                Some(Ok(Incoming::Text(text))) => {
                    // boxed: the handler's future lives only while it handles a message, not in
                    // every idle connection's task
                    while_writing(socket, pipe, Box::pin(protocol.on_text(text))).await
                }
                Some(Ok(Incoming::Binary)) => {
                    protocol.on_binary();
                    Flow::Continue
                }
                // its pong is queued in the socket, and written with the next frames
                Some(Ok(Incoming::Ping)) => Flow::Continue,
                Some(Ok(Incoming::Close)) | None => Flow::End(End::PageGone),
                Some(Err(socket_error)) => {
                    // too large a message, a forbidden frame, or a broken connection: the
                    // stream cannot go on
                    counters.error(ErrorKind::connection);
                    pipe.push(protocol.error(&format!(
                        "the connection cannot go on: {socket_error} (messages may be at most {} bytes)",
                        config.max_message_bytes
                    )).into());
                    Flow::End(match socket_error {
                        SocketError::Frame(refused) => End::Broken(refused.close_code()),
                        SocketError::Io(_) => End::PageGone,
                    })
                }
            };
            if let Flow::End(end) = flow {
                break 'connection end;
            }
            if drain.is_draining() {
                break 'connection End::Drained;
            }
            // read on while the page has sent more, so that their replies and acknowledgement
            // go out together
            read_ahead -= 1;
            // nor while the page is not reading what is written (the socket holds frames it
            // could not write): its replies would pile up behind them
            if read_ahead == 0 || !protocol.reading() || socket.has_unwritten() {
                break;
            }
            match socket.recv_ready() {
                Some(next) => frame = next,
                None => break,
            }
        }
    };
    if end == End::Drained {
        counters.unlabelled.drained_connections.inc();
    }
    let (code, reason) = protocol.end(end);
    close_with(socket, pipe, (code, reason), config).await;
}

/// Ends a connection, within the configured time: writes what is queued and the close frame,
/// then waits for the page's close (so that the kernel does not answer frames the page is still
/// sending with a reset, which could discard the last frames before they are read).
///
/// Boxed: with its two timers it is the largest thing a connection awaits, and it runs once, at
/// the end; unboxed, every idle connection's task would keep room for it.
pub(crate) fn close_with<'a>(
    socket: &'a mut Socket,
    pipe: &'a Pipe,
    (code, reason): (u16, &'static str),
    config: &'a Config,
) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
    Box::pin(closing(socket, pipe, (code, reason), config))
}

async fn closing(
    socket: &mut Socket,
    pipe: &Pipe,
    (code, reason): (u16, &'static str),
    config: &Config,
) {
    pipe.close();
    let closing = async {
        write_queued(socket, pipe).await?;
        socket.close(code, reason).await?;
        // a page answers within a round trip; a client that never does costs a second at most
        let _ = tokio::time::timeout(CLOSE_ANSWER_WITHIN, async {
            while let Some(Ok(frame)) = socket.recv().await {
                if frame == Incoming::Close {
                    break;
                }
            }
            // after a forbidden frame, the page's close cannot be told from the rest
            socket.discard_after_refusal().await;
        })
        .await;
        Ok::<_, std::io::Error>(())
    };
    let _ = tokio::time::timeout(config.close_within, closing).await;
}

/// Runs a handler's work, writing what it queues as it goes (a handler that sends, then awaits
/// something slow, has its first frames on the way already). A write that cannot go on (the
/// page stopped reading) does not hold the handler up: it is dropped when the handler is done,
/// and its frames are written after.
async fn while_writing(
    socket: &mut Socket,
    pipe: &Pipe,
    handling: impl Future<Output = Flow>,
) -> Flow {
    let mut handling = pin!(handling);
    let mut writable = true;
    loop {
        tokio::select! {
            biased;
            flow = &mut handling => return flow,
            wrote = async {
                pipe.queued().await;
                write_queued(socket, pipe).await
            }, if writable => {
                // a broken socket: let the handler finish; the next read ends the connection
                writable = wrote.is_ok();
            }
        }
    }
}

/// Writes every queued frame (and a pong the socket owes), in one write when they fit; nothing
/// to write, nothing done.
///
/// Frames go from the pipe to the kernel through the thread's buffer ([`Socket::write_now`]); the
/// socket's own buffer keeps what the kernel did not take, and frames leave the pipe only once it
/// has written that: a page that stops reading holds at most one pipe's worth there, and the
/// pipe's bound then refuses sends.
///
/// Cancel-safe, so that the drain or a takeover can interrupt a write to a page that stopped
/// reading: the frames move from the pipe to the kernel or the socket's buffer in one step, with
/// no wait, and the socket keeps what it has not written for the next call.
async fn write_queued<S>(socket: &mut Socket<S>, pipe: &Pipe) -> std::io::Result<()>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    loop {
        if socket.has_unwritten() {
            socket.flush().await?;
        }
        let wrote = std::future::poll_fn(|cx| {
            std::task::Poll::Ready(
                socket.write_now(cx, |outgoing| pipe.take_each(|text| outgoing.text(text))),
            )
        })
        .await?;
        if !wrote {
            return Ok(());
        }
    }
}

/// The close code of a drained connection, on both protocols.
pub(crate) const DRAINED: (u16, &str) = (close::RESTART, "the server is restarting");

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;

    use super::*;

    /// The bound `write_queued` promises: a page that stops reading holds at most one pipe's
    /// worth in the socket, and what is queued after stays in the pipe, whose bound refuses the
    /// sends past it (a socket that took every frame would grow without a bound).
    #[tokio::test]
    async fn a_page_that_stops_reading_holds_one_pipes_worth_in_the_socket() {
        // the page's side is never read: 64 bytes fit on the way, the rest waits in the socket
        let (server, mut page) = tokio::io::duplex(64);
        let mut socket = Socket::new(server, 1024);
        let pipe = Pipe::new();
        let frame = "x".repeat(100);
        for _ in 0..10 {
            pipe.push(frame.clone().into());
        }
        assert!(
            write_queued(&mut socket, &pipe).now_or_never().is_none(),
            "the page reads nothing: the write waits"
        );
        assert_eq!(
            pipe.queued_bytes(),
            0,
            "the first frames moved into the socket"
        );
        let held = socket.unwritten_bytes();
        assert!(
            held > 0 && held <= 10 * (100 + 2),
            "the socket holds the first batch: {held}"
        );

        for _ in 0..10 {
            pipe.push(frame.clone().into());
        }
        assert!(write_queued(&mut socket, &pipe).now_or_never().is_none());
        assert_eq!(
            pipe.queued_bytes(),
            1000,
            "frames stay in the pipe while the socket has not written what it holds"
        );
        assert_eq!(
            socket.unwritten_bytes(),
            held,
            "the socket took nothing more"
        );

        // once the page reads, every frame arrives, whole and in order
        let (wrote, read) = tokio::join!(
            async {
                write_queued(&mut socket, &pipe).await?;
                drop(socket);
                Ok::<_, std::io::Error>(())
            },
            async {
                let mut bytes = Vec::new();
                tokio::io::AsyncReadExt::read_to_end(&mut page, &mut bytes).await?;
                Ok::<_, std::io::Error>(bytes)
            }
        );
        wrote.unwrap();
        let one = [&[0x81, 100][..], frame.as_bytes()].concat();
        assert_eq!(read.unwrap(), one.repeat(20));
    }
}
