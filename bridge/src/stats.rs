//! What a bridge counts: sessions, messages and the acknowledged protocol's repairs, for a
//! partner's metrics and logs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A live view of a bridge's counters (cheap to clone; every clone reads the same counters).
/// Take one with [`Bridge::stats`](crate::Bridge::stats) before `into_router`.
#[derive(Debug, Clone, Default)]
pub struct BridgeStats {
    pub(crate) counters: Arc<Counters>,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) connections_open: AtomicU64,
    pub(crate) sessions_started: AtomicU64,
    pub(crate) sessions_resumed: AtomicU64,
    pub(crate) messages_handled: AtomicU64,
    pub(crate) page_messages_handled: AtomicU64,
    pub(crate) duplicates_ignored: AtomicU64,
    pub(crate) frames_resent: AtomicU64,
    pub(crate) drops_reported: AtomicU64,
    pub(crate) protocol_errors: AtomicU64,
    pub(crate) handler_panics: AtomicU64,
    pub(crate) drained_connections: AtomicU64,
}

impl Counters {
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
}

/// The counters at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct StatsSnapshot {
    /// WebSocket connections open now.
    pub connections_open: u64,
    /// Sessions started (a fresh handler made), on either protocol.
    pub sessions_started: u64,
    /// Sessions a reconnecting page got back, handler and all.
    pub sessions_resumed: u64,
    /// SDK messages handed to a handler.
    pub messages_handled: u64,
    /// The page's own messages handed to a handler.
    pub page_messages_handled: u64,
    /// Page messages received again after they were handled, and not handled again.
    pub duplicates_ignored: u64,
    /// Frames sent to a page again on resume, because it had not applied them.
    pub frames_resent: u64,
    /// Messages pages reported dropped because their buffer was full.
    pub drops_reported: u64,
    /// Frames that broke the protocol (bad numbers, unknown frames, acks for frames never sent).
    pub protocol_errors: u64,
    /// Handlers that panicked (their sessions were closed).
    pub handler_panics: u64,
    /// Connections closed by a drain.
    pub drained_connections: u64,
}

impl BridgeStats {
    /// The counters now.
    pub fn snapshot(&self) -> StatsSnapshot {
        let c = &self.counters;
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        StatsSnapshot {
            connections_open: get(&c.connections_open),
            sessions_started: get(&c.sessions_started),
            sessions_resumed: get(&c.sessions_resumed),
            messages_handled: get(&c.messages_handled),
            page_messages_handled: get(&c.page_messages_handled),
            duplicates_ignored: get(&c.duplicates_ignored),
            frames_resent: get(&c.frames_resent),
            drops_reported: get(&c.drops_reported),
            protocol_errors: get(&c.protocol_errors),
            handler_panics: get(&c.handler_panics),
            drained_connections: get(&c.drained_connections),
        }
    }
}
