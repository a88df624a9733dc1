//! Graceful drain: stop taking new sessions, let each connection finish the message in hand,
//! acknowledge it, and close with 1012 (service restart), so the page reconnects at once and
//! resends only what was not handled.
//!
//! axum's graceful shutdown does not wait for upgraded WebSockets (their tasks are detached), so
//! the bridge tracks its connections itself.

use std::future::Future;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::signal::Signal;

/// A bridge's drain switch: clone it before [`Bridge::into_router`](crate::Bridge::into_router)
/// (with [`Bridge::drain`](crate::Bridge::drain)), and call [`Drain::start`] on SIGTERM.
///
/// ```no_run
/// # async fn serve(listener: tokio::net::TcpListener, router: axum::Router, drain: partner_events_bridge::Drain) {
/// let stop = drain.clone();
/// tokio::spawn(async move {
///     let _ = tokio::signal::ctrl_c().await;
///     stop.start();
/// });
/// axum::serve(listener, router)
///     .with_graceful_shutdown(drain.started())
///     .await
///     .unwrap();
/// let report = drain.finish(std::time::Duration::from_secs(10)).await;
/// println!("drained {} connection(s) in {:?}", report.connections, report.elapsed);
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Drain {
    started: CancellationToken,
    /// The same as `started`, for the connections: read with one atomic load before each frame
    /// and in each wait (the token's checks take a lock).
    draining: Signal,
    connections: TaskTracker,
}

/// What a drain did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DrainReport {
    /// Connections open when the drain started.
    pub connections: usize,
    /// From [`Drain::finish`]'s call to the last connection's close.
    pub elapsed: Duration,
    /// Connections still open when the timeout passed (0 if all closed in time).
    pub still_open: usize,
}

impl Drain {
    /// A drain switch, not started.
    pub fn new() -> Self {
        Drain::default()
    }

    /// Starts the drain: new handshakes get 503, and each connection finishes the message it is
    /// handling, acknowledges what it handled and closes with 1012.
    pub fn start(&self) {
        self.draining.set();
        self.started.cancel();
        self.connections.close();
    }

    /// Whether the drain has started (readiness turns false then).
    pub fn is_draining(&self) -> bool {
        self.draining.is_set()
    }

    /// Resolves when the drain starts: give it to axum's `with_graceful_shutdown`.
    pub fn started(&self) -> impl Future<Output = ()> + Send + 'static {
        self.started.clone().cancelled_owned()
    }

    /// Waits for every connection to close, at most `timeout`; starts the drain if it has not.
    pub async fn finish(&self, timeout: Duration) -> DrainReport {
        self.start();
        let connections = self.connections.len();
        let began = Instant::now();
        let _ = tokio::time::timeout(timeout, self.connections.wait()).await;
        DrainReport {
            connections,
            elapsed: began.elapsed(),
            still_open: self.connections.len(),
        }
    }

    /// A `GET` route for a load balancer's liveness check: 200 `ok` while the process serves.
    pub fn liveness<S: Clone + Send + Sync + 'static>() -> axum::routing::MethodRouter<S> {
        axum::routing::get(|| async { "ok" })
    }

    /// A `GET` route for a load balancer's readiness check: 200 `ready`, and 503 `draining` from
    /// the moment the drain starts, so the balancer sends new sessions elsewhere first.
    pub fn readiness<S: Clone + Send + Sync + 'static>(&self) -> axum::routing::MethodRouter<S> {
        let drain = self.clone();
        axum::routing::get(move || {
            let draining = drain.is_draining();
            async move {
                if draining {
                    (axum::http::StatusCode::SERVICE_UNAVAILABLE, "draining")
                } else {
                    (axum::http::StatusCode::OK, "ready")
                }
            }
        })
    }

    /// Resolves when the drain starts, for a connection's waits.
    pub(crate) fn signal(&self) -> &Signal {
        &self.draining
    }

    pub(crate) fn track<F>(&self, connection: F) -> impl Future<Output = ()> + Send + 'static
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.connections.track_future(connection)
    }
}
