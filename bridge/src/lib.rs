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
//! let app = axum::Router::new().merge(
//!     partner_events_bridge::Bridge::new(|session| Assistant { session })
//!         .allow_origin("https://partner.example.com")
//!         .into_router(),
//! );
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await
//! # }
//! ```
//!
//! The wire is fixed, so that other clients can speak it: see [`wire`]. The endpoint is `/events`
//! unless [`Bridge::path`] says otherwise.
//!
//! **Who may connect:** only pages of the origins the partner allows ([`Bridge::allow_origin`];
//! by default the bridge's own origin), and, with [`Bridge::authorize`], only handshakes whose
//! `?token=` the partner's check accepts.
//!
//! **What a session survives:** a message that is not JSON, not an SDK message or refused by its
//! schema gets an error frame, and the session goes on. A message over the size limit
//! ([`Bridge::max_message_bytes`]) gets an error frame and ends the connection (the page
//! reconnects). A handler that panics ends its own session only, with an error frame saying so
//! (panics must unwind, the default; under `panic = "abort"` one ends the process).

#![deny(missing_docs)]

mod admission;
mod connection;
mod session;
pub mod wire;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::{Query, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use partner_events::{Decoder, Handler};

pub use partner_events::SendError;
pub use session::Session;

/// The page side: an ES module that connects the partner SDK to the bridge, with reconnection and
/// a bounded queue. The router serves it at `/partner-events-bridge.js`; its header documents
/// `connectBridge`.
pub const PAGE_MODULE: &str = include_str!("../page/partner-events-bridge.js");

/// Largest message a bridge accepts by default, in bytes: 1 MiB, fifty times the largest
/// realistic SDK message (a chat-init with twenty messages is 20 KB).
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 1024 * 1024;

/// A router serving the bridge at `/events`, with the default settings: the bridge's own origin
/// only, no token check, messages up to [`DEFAULT_MAX_MESSAGE_BYTES`].
pub fn router<H, F>(make_handler: F) -> Router
where
    H: Handler + Send + 'static,
    F: Fn(Session) -> H + Send + Sync + 'static,
{
    Bridge::new(make_handler).into_router()
}

type TokenCheck =
    dyn Fn(Option<String>) -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync;

/// A bridge's settings, built up and then turned into an axum [`Router`].
pub struct Bridge<H: Handler, F> {
    shared: Shared<H, F>,
    path: String,
}

pub(crate) struct Shared<H: Handler, F> {
    pub(crate) make_handler: F,
    pub(crate) decoder: Decoder<H::Catalog>,
    pub(crate) max_message_bytes: usize,
    origins: admission::Origins,
    authorize: Option<Box<TokenCheck>>,
    next_session: AtomicU64,
}

#[derive(serde::Deserialize)]
struct Handshake {
    token: Option<String>,
}

impl<H, F> Bridge<H, F>
where
    H: Handler + Send + 'static,
    F: Fn(Session) -> H + Send + Sync + 'static,
{
    /// A bridge whose sessions each get the handler `make_handler` returns.
    pub fn new(make_handler: F) -> Self {
        Bridge {
            shared: Shared {
                make_handler,
                decoder: Decoder::for_catalog().max_message_bytes(DEFAULT_MAX_MESSAGE_BYTES),
                max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
                origins: admission::Origins::default(),
                authorize: None,
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

    /// Check each handshake's `?token=` (absent: `None`) before its session starts; a `false`
    /// answer refuses it with 401. The session's [`Session::token`] is the accepted token.
    pub fn authorize<C, Fut>(mut self, check: C) -> Self
    where
        C: Fn(Option<String>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.shared.authorize = Some(Box::new(move |token| Box::pin(check(token))));
        self
    }

    /// Refuse messages larger than `bytes` (an error frame, then the connection closes).
    pub fn max_message_bytes(mut self, bytes: usize) -> Self {
        self.shared.max_message_bytes = bytes;
        self.shared.decoder = self.shared.decoder.clone().max_message_bytes(bytes);
        self
    }

    /// Decode with this decoder (sunset policy, date); its size limit is replaced by
    /// [`Bridge::max_message_bytes`]'s.
    pub fn decoder(mut self, decoder: Decoder<H::Catalog>) -> Self {
        self.shared.decoder = decoder.max_message_bytes(self.shared.max_message_bytes);
        self
    }

    /// The router: the WebSocket at the bridge's path, and [`PAGE_MODULE`] at
    /// `/partner-events-bridge.js`. Merge or nest it into the partner's own app.
    pub fn into_router(self) -> Router {
        let shared = Arc::new(self.shared);
        Router::new()
            .route(&self.path, get(upgrade::<H, F>))
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

async fn upgrade<H, F>(
    State(shared): State<Arc<Shared<H, F>>>,
    headers: HeaderMap,
    Query(handshake): Query<Handshake>,
    upgrade: WebSocketUpgrade,
) -> Response
where
    H: Handler + Send + 'static,
    F: Fn(Session) -> H + Send + Sync + 'static,
{
    if let Err(why) = shared.origins.check(&headers) {
        return (StatusCode::FORBIDDEN, why).into_response();
    }
    if let Some(check) = &shared.authorize {
        if !check(handshake.token.clone()).await {
            return (StatusCode::UNAUTHORIZED, "the session's token was refused").into_response();
        }
    }
    let id = shared.next_session.fetch_add(1, Ordering::Relaxed);
    let limit = shared.max_message_bytes;
    upgrade
        .max_message_size(limit)
        .max_frame_size(limit)
        .on_upgrade(move |socket| connection::run(socket, shared, id, handshake.token))
}
