//! A connection's limits and timeouts, in one place: set on the [`Bridge`](crate::Bridge)
//! builder, read by the connections. The defaults are documented on the builder's methods. (What
//! the bridge decides at the handshake, the origins, the session cap and the handshake rate, is
//! in `admission`; the resume window belongs to the session registry.)

use std::time::Duration;

use crate::outbox::Limits;

/// Largest message a bridge accepts by default, in bytes: 1 MiB, fifty times the largest
/// realistic SDK message (a chat-init with twenty messages is 20 KB).
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 1024 * 1024;

/// The smallest limit [`Bridge::max_message_bytes`](crate::Bridge::max_message_bytes) takes: the
/// protocol's own frames (a hello with its token, a `skipped` frame) must fit.
pub const MIN_MESSAGE_BYTES: usize = 1024;

/// How long a session whose connection dropped is kept for its page to resume, by default.
pub const DEFAULT_RESUME_WINDOW: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy)]
pub(crate) struct Config {
    /// The largest message, in bytes (the socket's frame and message limit, and the decoder's).
    pub(crate) max_message_bytes: usize,
    /// What a session may hold for its page.
    pub(crate) outgoing: Limits,
    /// How long a new acknowledged connection may take to say hello.
    pub(crate) hello_within: Duration,
    /// How long a hello that takes a session over waits for its previous connection to let go.
    pub(crate) takeover_within: Duration,
    /// How long a connection that is ending may take to write its last frames and its close.
    pub(crate) close_within: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            outgoing: Limits::default(),
            hello_within: Duration::from_secs(10),
            takeover_within: Duration::from_secs(10),
            close_within: Duration::from_secs(5),
        }
    }
}
