//! A bridge from the partner page to a Rust server.
//!
//! 8x8's partner events exist only in the browser, inside the partner page. The page module that
//! ships with this crate ([`PAGE_MODULE`], served at `/partner-events-bridge.js`) initialises the
//! partner SDK, forwards every message `onMessage` receives over a WebSocket, and calls
//! `partnerSDK.system.sendEvent(name, data)` for each event the server sends back. On the server,
//! each WebSocket connection is one agent session with its own `#[partner_events::handler]`
//! value:
//!
//! ```no_run
//! use partner_events::events::{AwChatInitV1, AwChatMessageReceivedV1};
//! use partner_events_bridge::Session;
//!
//! struct Assistant {
//!     session: Session,
//! }
//!
//! #[partner_events::handler]
//! impl Assistant {
//!     async fn on_chat_init(&mut self, chat: AwChatInitV1) {
//!         let reply = AwChatMessageReceivedV1 {
//!             interaction_id: chat.interaction_id,
//!             message: "Hello from the server".into(),
//!             schema_version: Default::default(),
//!         };
//!         // goes to this session's page, and no other
//!         let _ = self.session.send(&reply);
//!     }
//! }
//!
//! # async fn serve() -> std::io::Result<()> {
//! use axum::serve::ListenerExt;
//! let app = axum::Router::new().merge(
//!     partner_events_bridge::Bridge::new(|session| Assistant { session })
//!         .allow_origin("https://partner.example.com")
//!         .into_router(),
//! );
//! // small frames at once: without TCP_NODELAY a reply can wait 40 ms for a delayed ACK
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000")
//!     .await?
//!     .tap_io(|stream| drop(stream.set_nodelay(true)));
//! axum::serve(listener, app).await
//! # }
//! ```
//!
//! The wire is fixed, so that other clients can speak it: see [`wire`]. The endpoint is `/events`
//! unless [`Bridge::path`] says otherwise. The page module speaks the **acknowledged protocol**
//! (`partner-events.v1`): it numbers every message and keeps it until the server acknowledges it,
//! which the server does only after the handler has returned; after a reconnect, to this process
//! or a new one, it resends what is unacknowledged, in order. A page that reconnects to the same
//! process within [`Bridge::resume_window`] gets its session back, handler value and all; a new
//! process starts a fresh handler and the resent messages replay into it. So:
//!
//! - **at least once into handlers across a crash**: a message handled by a process that died
//!   before its acknowledgement reached the page is handled again by the next one. Within one
//!   process a message is never handled twice. Each message carries a [`DeliveryId`]
//!   (`EventContext::delivery`), the same on every resend: a handler whose side effects matter
//!   records it in its own store, under a unique key, to do them once;
//! - **once at the host**: what a handler sends while handling a message is named after that
//!   delivery, so a rerun that sends the same replies for the same delivery is applied once by
//!   the page;
//! - **nothing dropped silently**: past the page's buffer bound the page reports what it could not
//!   keep, and the server counts it ([`BridgeStats`]).
//!
//! [`DeliveryId`]: partner_events::DeliveryId
//!
//! **Who may connect:** only pages of the origins the partner allows ([`Bridge::allow_origin`];
//! by default the bridge's own origin), and, with [`Bridge::authorize`], only handshakes whose
//! `?token=` the partner's check accepts.
//!
//! **What a session survives:** a message that is not JSON, not an SDK message or refused by its
//! schema gets an error frame, and the session goes on. A message over the size limit
//! ([`Bridge::max_message_bytes`]) gets an error frame and ends the connection (the page
//! reconnects; the page module, told the limit in the welcome, does not send one). A handler
//! that panics ends its own session only, with an error frame saying so (panics must unwind, the
//! default; under `panic = "abort"` one ends the process).
//!
//! **Draining:** [`Drain::start`] (on SIGTERM) stops new sessions (503), lets each connection
//! finish the message in hand, acknowledges it, and closes with 1012, so pages reconnect at once
//! (to the next process) and resend only what was not handled.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod admission;
pub mod backbone;
mod config;
mod connection;
mod drain;
mod outbox;
mod page;
mod principal;
mod registry;
mod session;
mod signal;
mod socket;
mod stats;
pub mod wire;

use std::future::Future;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use partner_events::{Decoder, Handler};

pub use backbone::Backbone;
pub use config::{DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_RESUME_WINDOW, MIN_MESSAGE_BYTES};
pub use drain::{Drain, DrainReport};
pub use page::PageHandler;
pub use partner_events::SendError;
pub use principal::{Principal, Unauthorized};
pub use session::{PageSender, Session};
pub use stats::{BridgeMetrics, BridgeStats, StatsSnapshot};

use crate::config::Config;
use crate::registry::Registry;
use crate::stats::{Counters, Refused};

/// The page side: an ES module that connects the partner SDK to the bridge with the acknowledged
/// protocol. The router serves it at `/partner-events-bridge.js`; its header documents
/// `connectBridge`.
pub const PAGE_MODULE: &str = include_str!("../page/partner-events-bridge.js");

/// A router serving the bridge at `/events`, with the default settings: the bridge's own origin
/// only, no token check, messages up to [`DEFAULT_MAX_MESSAGE_BYTES`].
pub fn router<H, F>(make_handler: F) -> Router
where
    H: Handler + Send + 'static,
    F: Fn(Session) -> H + Send + Sync + 'static,
{
    Bridge::new(make_handler).into_router()
}

type MakeHandler<H> = dyn Fn(Session) -> H + Send + Sync;

/// A bridge's settings, built up and then turned into an axum [`Router`].
///
/// It names only the handler's type (the factory is boxed, as axum boxes its handlers), so a
/// bridge can be stored in a field, returned from a function and passed around before it is
/// served.
pub struct Bridge<H: Handler> {
    shared: Shared<H>,
    path: String,
}

impl<H: Handler> std::fmt::Debug for Bridge<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bridge")
            .field("path", &self.path)
            .field("max_message_bytes", &self.shared.config.max_message_bytes)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Shared<H: Handler> {
    pub(crate) make_handler: Box<MakeHandler<H>>,
    pub(crate) decoder: Decoder<H::Catalog>,
    pub(crate) config: Config,
    pub(crate) sessions: Arc<Registry<H>>,
    pub(crate) route_page: Option<page::RoutePage<H>>,
    pub(crate) drain: Drain,
    pub(crate) counters: Arc<Counters>,
    pub(crate) authorize: Option<Box<principal::Authorize>>,
    origins: admission::Origins,
    session_cap: admission::SessionCap,
    handshake_rate: Option<admission::HandshakeRate>,
    pub(crate) next_session: AtomicU64,
}

/// The handshake's query string: the plain wire's `token` (the acknowledged protocol's comes in
/// its hello). Read with `form_urlencoded`, which axum depends on anyway, rather than axum's
/// `query` feature, which would add serde_urlencoded to every partner's build for one field.
struct Handshake {
    token: Option<String>,
}

impl Handshake {
    fn from_query(query: Option<&str>) -> Self {
        let token = query.and_then(|query| {
            form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == "token")
                .map(|(_, value)| value.into_owned())
        });
        Handshake { token }
    }
}

impl<H> Bridge<H>
where
    H: Handler + Send + 'static,
{
    /// A bridge whose sessions each get the handler `make_handler` returns.
    pub fn new<F>(make_handler: F) -> Self
    where
        F: Fn(Session) -> H + Send + Sync + 'static,
    {
        let config = Config::default();
        Bridge {
            shared: Shared {
                make_handler: Box::new(make_handler),
                decoder: Decoder::for_catalog().max_message_bytes(config.max_message_bytes),
                config,
                sessions: Arc::new(Registry::new(DEFAULT_RESUME_WINDOW)),
                route_page: None,
                drain: Drain::new(),
                counters: Arc::default(),
                authorize: None,
                origins: admission::Origins::default(),
                session_cap: admission::SessionCap::default(),
                handshake_rate: None,
                next_session: AtomicU64::new(1),
            },
            path: "/events".into(),
        }
    }

    /// Serve the WebSocket at `path` instead of `/events`.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Accept pages of `origin` (`scheme://host[:port]`, as browsers send it). Call once per
    /// origin. Once any is allowed, only the allowed ones are; with none, only the bridge's own.
    pub fn allow_origin(mut self, origin: impl AsRef<str>) -> Self {
        self.shared.origins.allow(origin.as_ref());
        self
    }

    /// Check each session's token before it starts, and resolve it to whom it belongs: the
    /// hello's `token` (acknowledged protocol, where no URL carries it), else the handshake's
    /// `?token=` (plain wire); absent: `None`. `Ok(principal)` starts the session as that
    /// principal ([`Session::principal`], [`Session::agent`]); `Err(Unauthorized)` refuses it
    /// with its reason: 401 on the plain wire, close code 4401 in the acknowledged protocol.
    ///
    /// ```
    /// use partner_events_bridge::{Bridge, Session, Unauthorized};
    /// # struct App;
    /// # #[partner_events::handler] impl App {}
    /// let bridge = Bridge::new(|session: Session| {
    ///     let _agent = session.agent(); // Some("agent-7")
    ///     App
    /// })
    /// .authorize(|token: Option<String>| async move {
    ///     // look the token up in the partner's own store; here a demo token `demo:<agent id>`
    ///     match token.as_deref().and_then(|token| token.strip_prefix("demo:")) {
    ///         Some(agent) => Ok(agent.to_owned()),
    ///         None => Err(Unauthorized::new("sign in to the partner app first")),
    ///     }
    /// });
    /// ```
    pub fn authorize<P, C, Fut>(mut self, check: C) -> Self
    where
        P: Principal,
        C: Fn(Option<String>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<P, Unauthorized>> + Send + 'static,
    {
        self.shared.authorize = Some(principal::erase(check));
        self
    }

    /// Refuse messages larger than `bytes` (an error frame, then the connection closes). The
    /// acknowledged protocol's welcome tells the page, whose module then drops a larger message
    /// instead of sending it. At least [`MIN_MESSAGE_BYTES`]: a smaller limit is raised to it, as
    /// the protocol's own frames (a hello with its token) must fit.
    pub fn max_message_bytes(mut self, bytes: usize) -> Self {
        let bytes = bytes.max(MIN_MESSAGE_BYTES);
        self.shared.config.max_message_bytes = bytes;
        self.shared.decoder = self.shared.decoder.clone().max_message_bytes(bytes);
        self
    }

    /// Decode with this decoder (sunset policy, date); its size limit is replaced by
    /// [`Bridge::max_message_bytes`]'s.
    pub fn decoder(mut self, decoder: Decoder<H::Catalog>) -> Self {
        self.shared.decoder = decoder.max_message_bytes(self.shared.config.max_message_bytes);
        self
    }

    /// Keep a session whose connection dropped for `window` (default
    /// [`DEFAULT_RESUME_WINDOW`], 30 s), so that its page, reconnecting within it, gets the same
    /// handler value back. After it, the handler is dropped and the page's next connection starts
    /// a fresh one (and resends what was not acknowledged).
    pub fn resume_window(mut self, window: Duration) -> Self {
        self.shared.sessions = Arc::new(Registry::new(window));
        self
    }

    /// Bound what one session keeps for its page until acknowledged (default 4,096 frames and
    /// 4 MiB): past either, a handler's send fails with [`SendError::Full`].
    pub fn max_unacknowledged(mut self, frames: usize, bytes: usize) -> Self {
        self.shared.config.outgoing.unacked_frames = frames;
        self.shared.config.outgoing.unacked_bytes = bytes;
        self
    }

    /// Bound what a plain-wire connection queues for its page, in bytes (default 4 MiB): past
    /// it, a handler's send fails with [`SendError::Full`]. (The connection writes what is
    /// queued before it reads on, so only sends from outside the handler can pile up.)
    pub fn max_queued_bytes(mut self, bytes: usize) -> Self {
        self.shared.config.outgoing.queued_bytes = bytes;
        self
    }

    /// How long a new connection of the acknowledged protocol may take to send its hello
    /// (default 10 s); past it, it is closed with 4400.
    pub fn hello_timeout(mut self, timeout: Duration) -> Self {
        self.shared.config.hello_within = timeout;
        self
    }

    /// How long a hello that takes over a session waits for the session's previous connection
    /// to finish the message in hand and let go (default 10 s); past it, the hello is refused
    /// with 4000 and the page reconnects shortly.
    pub fn takeover_timeout(mut self, timeout: Duration) -> Self {
        self.shared.config.takeover_within = timeout;
        self
    }

    /// How long an ending connection may take to write its last frames and its close frame
    /// (default 5 s), on both protocols: a page that stops reading cannot hold a connection,
    /// or a drain, open longer.
    pub fn close_timeout(mut self, timeout: Duration) -> Self {
        self.shared.config.close_within = timeout;
        self
    }

    /// Refuse a handshake with 503 while `sessions` WebSocket sessions are open (default: no
    /// cap). Sessions already open are not disturbed.
    pub fn max_sessions(mut self, sessions: usize) -> Self {
        self.shared.session_cap = admission::SessionCap::new(Some(sessions));
        self
    }

    /// Refuse a handshake with 429 when its address has opened `handshakes` in the current
    /// one-second window (default: no limit). The address is the TCP peer's, so serve the router with
    /// `into_make_service_with_connect_info::<SocketAddr>()`; without it the limit is not applied.
    /// Behind a proxy that address is the proxy's: limit there, or leave this off.
    pub fn max_handshakes_per_second(mut self, handshakes: u32) -> Self {
        self.shared.handshake_rate = Some(admission::HandshakeRate::new(handshakes));
        self
    }

    /// Drain with this switch (see [`Drain`]); keep a clone to start it.
    pub fn drain(mut self, drain: Drain) -> Self {
        self.shared.drain = drain;
        self
    }

    /// Connect the bridge to other processes through `backbone`: messages addressed to an agent
    /// reach its pages here, and the pages' events are stored before they are acknowledged (see
    /// [`backbone`]). Sessions need an agent for the first: set [`Bridge::authorize`].
    pub fn backbone<B: Backbone>(self, backbone: Arc<B>) -> Self {
        // set once: a second call keeps the first, which metrics and readiness already report
        let _ = self.shared.counters.backbone.set(backbone);
        self
    }

    /// A `GET` route that says whether the bridge can store events now: 200 `ingest ready`, or
    /// 503 `ingest unavailable` while the backbone cannot store (sessions go on meanwhile; their
    /// events wait, unacknowledged, on their pages). Without a backbone, always 200. Point an
    /// alert at it, not the load balancer: every process shares the backbone, so a balancer
    /// following it would refuse every page at once.
    pub fn ingest_readiness<S: Clone + Send + Sync + 'static>(
        &self,
    ) -> axum::routing::MethodRouter<S> {
        let counters = Arc::clone(&self.shared.counters);
        get(move || {
            let ready = counters
                .backbone
                .get()
                .is_none_or(|backbone| backbone.ready());
            async move {
                if ready {
                    (StatusCode::OK, "ingest ready")
                } else {
                    (StatusCode::SERVICE_UNAVAILABLE, "ingest unavailable")
                }
            }
        })
    }

    /// The bridge's counters, live, read in Rust.
    pub fn stats(&self) -> BridgeStats {
        BridgeStats {
            counters: Arc::clone(&self.shared.counters),
        }
    }

    /// The bridge's metrics, for Prometheus: serve [`BridgeMetrics::render`] on a path of your
    /// choice (`/metrics`).
    pub fn metrics(&self) -> BridgeMetrics {
        BridgeMetrics {
            counters: Arc::clone(&self.shared.counters),
        }
    }

    /// The router: the WebSocket at the bridge's path, and [`PAGE_MODULE`] at
    /// `/partner-events-bridge.js`. Merge or nest it into the partner's own app.
    pub fn into_router(self) -> Router {
        let shared = Arc::new(self.shared);
        Router::new()
            .route(&self.path, get(upgrade::<H>))
            .with_state(shared)
            .route(
                "/partner-events-bridge.js",
                get(|| async {
                    (
                        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                        PAGE_MODULE,
                    )
                }),
            )
    }
}

impl<H> Bridge<H>
where
    H: Handler + PageHandler + Send + 'static,
{
    /// Hand the page's own messages (acknowledged protocol) to the handler's [`PageHandler`]
    /// implementation. Without it, a page message gets an error frame.
    pub fn page_messages(mut self) -> Self {
        self.shared.route_page = Some(page::route_page::<H>);
        self
    }
}

async fn upgrade<H>(
    State(shared): State<Arc<Shared<H>>>,
    peer: Option<axum::Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    upgrade: socket::Upgrade,
) -> Response
where
    H: Handler + Send + 'static,
{
    let handshake = Handshake::from_query(query.as_deref());
    if shared.drain.is_draining() {
        shared.counters.refused(Refused::draining);
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is restarting; reconnect",
        )
            .into_response();
    }
    if let (Some(rate), Some(axum::Extension(ConnectInfo(peer)))) = (&shared.handshake_rate, peer) {
        if !rate.allow(peer.ip(), std::time::Instant::now()) {
            shared.counters.refused(Refused::rate);
            return (
                StatusCode::TOO_MANY_REQUESTS,
                "too many handshakes from this address; retry in a second",
            )
                .into_response();
        }
    }
    let place = match shared.session_cap.take() {
        Ok(place) => place,
        Err(max) => {
            shared.counters.refused(Refused::session_cap);
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("the server holds its most sessions ({max}); retry later"),
            )
                .into_response();
        }
    };
    if let Err(why) = shared.origins.check(&headers) {
        shared.counters.refused(Refused::origin);
        return (StatusCode::FORBIDDEN, why).into_response();
    }
    let acked = upgrade.offers_acked();
    let mut identity = None;
    if !acked {
        // the plain wire checks the token at the handshake; the acknowledged protocol, at hello
        if let Some(check) = &shared.authorize {
            match check(handshake.token.clone()).await {
                Ok(principal) => identity = Some(principal),
                Err(refused) => {
                    shared.counters.refused(Refused::token);
                    return (StatusCode::UNAUTHORIZED, refused.to_string()).into_response();
                }
            }
        }
    }
    let credentials = Box::new(connection::Credentials {
        token: handshake.token,
        identity,
    });
    let limit = shared.config.max_message_bytes;
    let drain = shared.drain.clone();
    let protocol = acked.then_some(wire::ACKED_PROTOCOL);
    upgrade.answer(protocol, limit, move |socket| {
        // boxed: the socket is large, and each async layer of the connection would keep a copy
        // of it in every idle connection's task
        let socket = Box::new(socket);
        drain.track(async move {
            let _place = place;
            let counters = Arc::clone(&shared.counters);
            counters.unlabelled.sessions_open.inc();
            if acked {
                let (token, _) = credentials.into_parts();
                connection::run_acked(socket, shared, token).await;
            } else {
                connection::run_plain(socket, shared, credentials).await;
            }
            counters.unlabelled.sessions_open.dec();
        })
    })
}
