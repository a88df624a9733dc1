//! The partner-events bridge on NATS JetStream: any system reaches any agent's pages, whichever
//! bridge process holds them, and every event a page delivers lands in a durable stream.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use partner_events_bridge::{Bridge, Unauthorized};
//! use partner_events_nats::NatsOptions;
//! # #[derive(Default)] struct Crm;
//! # #[partner_events::handler] impl Crm { fn fallback(&mut self, _: partner_events::Unhandled) {} }
//!
//! let nats = NatsOptions::new("nats://127.0.0.1:4222").connect().await?;
//! let bridge = Bridge::new(|_session| Crm::default())
//!     .authorize(|token: Option<String>| async move {
//!         token.ok_or_else(|| Unauthorized::new("a token is required")) // the agent's key
//!     })
//!     .backbone(Arc::clone(&nats));
//! // from this process or any other: a message for each of agent-7's live pages
//! nats.to("agent-7")?.page(&serde_json::json!({"kind": "note", "text": "ticket 42 changed"})).await?;
//! # let _ = bridge; Ok(()) }
//! ```
//!
//! What goes where, for clients in any language, is in `partner_events_bridge::wire` (*The
//! backbone's subjects*). In short:
//!
//! - **Addressed delivery.** A message published on `partner-events.page.<agent>` (or a send
//!   event on `partner-events.send.<agent>`) is kept in the stream `PARTNER_EVENTS_ADDRESSED` for
//!   the retention ([`NatsOptions::retention`], 5 minutes by default). Each bridge process reads
//!   that stream once and hands each message to every page of the agent it holds, as a numbered
//!   frame with id `a<position>`; the page applies each position once and says in its hello the
//!   last it applied, so a page that moves to another process is caught up from there.
//! - **Durable ingest.** Each event a page delivers is published to `PARTNER_EVENTS`, on
//!   `partner-events.events.<event name>`, with `Nats-Msg-Id` set to its delivery id; the page is
//!   acknowledged only once the stream has acknowledged it. A resend after a crash has the same
//!   id, and the stream keeps one. [`EventConsumer`] runs a `#[handler]` value on that stream.
//!
//! NATS away at the start or later: the bridge goes on serving its sessions. Addressed messages
//! wait in the stream (or, while NATS itself is down, are refused to their publisher); page events
//! wait unacknowledged on their pages until they are stored. `Bridge::ingest_readiness` says
//! which.
//!
//! This crate needs Rust 1.89 (async-nats, the official client, does); the other crates of
//! partner-events keep 1.85.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod address;
mod addressed;
mod consumer;
mod ingest;
mod metrics;
mod router;
pub mod subjects;

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, stream};
use partner_events::EventCatalog;
use partner_events_bridge::backbone::{AgentPage, Backbone, PageEvent, Storing};

pub use address::{AddressError, AgentAddress, Published};
pub use consumer::{Consumed, EventConsumer};

use crate::addressed::CheckSend;
use crate::metrics::Metrics;
use crate::router::Router;

/// How long the addressed stream keeps a message by default: what a page that is away for up to
/// this long still gets when it comes back.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(5 * 60);

/// Settings of a [`NatsBackbone`], then [`NatsOptions::connect`].
#[derive(Debug, Clone)]
pub struct NatsOptions {
    url: String,
    retention: Duration,
    events_retention: Duration,
    ingest: bool,
    route_pages: bool,
    max_message_bytes: usize,
    check: CheckSend,
    name: String,
}

impl NatsOptions {
    /// A backbone on the NATS server(s) at `url` (`nats://host:port`, comma-separated for a
    /// cluster), with ingest on, a retention of [`DEFAULT_RETENTION`] and the built-in catalog.
    pub fn new(url: impl Into<String>) -> Self {
        NatsOptions {
            url: url.into(),
            retention: DEFAULT_RETENTION,
            events_retention: Duration::from_secs(7 * 24 * 3600),
            ingest: true,
            route_pages: true,
            max_message_bytes: partner_events_bridge::DEFAULT_MAX_MESSAGE_BYTES,
            check: addressed::check_send::<partner_events::events::Catalog>,
            name: "partner-events-bridge".into(),
        }
    }

    /// How long addressed messages are kept for pages that are away (created with the stream;
    /// an existing stream keeps its own).
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// How long the events stream keeps events (7 days by default; created with the stream).
    pub fn events_retention(mut self, retention: Duration) -> Self {
        self.events_retention = retention;
        self
    }

    /// Whether page events are stored before they are acknowledged (on by default).
    pub fn ingest(mut self, ingest: bool) -> Self {
        self.ingest = ingest;
        self
    }

    /// Whether this process delivers addressed messages to the pages it holds (on by default).
    /// Off for a process with no pages, such as an [`EventConsumer`]'s, which then reads nothing
    /// of the addressed stream.
    pub fn route_pages(mut self, route: bool) -> Self {
        self.route_pages = route;
        self
    }

    /// The largest addressed message a page is handed; larger ones are refused and counted.
    /// Keep it at the bridge's `max_message_bytes`.
    pub fn max_message_bytes(mut self, bytes: usize) -> Self {
        self.max_message_bytes = bytes;
        self
    }

    /// Check addressed send events against the catalog `C` (the built-in one by default).
    pub fn catalog<C: EventCatalog>(mut self) -> Self {
        self.check = addressed::check_send::<C>;
        self
    }

    /// The connection's name, as NATS monitoring shows it.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Connects, without waiting for the server: a server that is down now is connected to when
    /// it comes up, and the streams are made (if they do not exist) then. Fails only on settings
    /// that can never work (an address that is not one).
    pub async fn connect(self) -> Result<Arc<NatsBackbone>, ConnectError> {
        let metrics = Arc::new(Metrics::default());
        let connected = Arc::clone(&metrics);
        let reconnected = Arc::new(tokio::sync::Notify::new());
        let reconnects = Arc::clone(&reconnected);
        let client = async_nats::ConnectOptions::new()
            .name(&self.name)
            .retry_on_initial_connect()
            .max_reconnects(None)
            .event_callback(move |event| {
                let metrics = Arc::clone(&connected);
                let reconnected = Arc::clone(&reconnects);
                async move {
                    match event {
                        async_nats::Event::Connected => {
                            metrics.connected.set(1);
                            // a restarted server has lost the readers' consumers: make them again
                            // now rather than after their missed heartbeats
                            reconnected.notify_waiters();
                        }
                        async_nats::Event::Disconnected => {
                            metrics.connected.set(0);
                        }
                        _ => {}
                    }
                }
            })
            .connect(&self.url)
            .await
            .map_err(|error| ConnectError(error.to_string()))?;
        // shared, not cloned per event: a context's clone is a client's (several reference counts)
        let jetstream = Arc::new(jetstream::new(client.clone()));
        let router = Arc::new(Router::new(
            Arc::clone(&metrics),
            self.check,
            self.max_message_bytes,
            Arc::clone(&reconnected),
        ));
        let backbone = Arc::new(NatsBackbone {
            client,
            jetstream,
            router,
            metrics,
            reconnected,
            ingest: self.ingest,
            streams_ready: AtomicBool::new(false),
        });
        tokio::spawn(Arc::clone(&backbone).start(
            self.retention,
            self.events_retention,
            self.route_pages,
        ));
        Ok(backbone)
    }
}

/// The backbone on NATS JetStream: install it with
/// [`Bridge::backbone`](partner_events_bridge::Bridge::backbone), and address agents with
/// [`NatsBackbone::to`].
pub struct NatsBackbone {
    client: async_nats::Client,
    jetstream: Arc<jetstream::Context>,
    router: Arc<Router>,
    metrics: Arc<Metrics>,
    reconnected: Arc<tokio::sync::Notify>,
    ingest: bool,
    streams_ready: AtomicBool,
}

impl fmt::Debug for NatsBackbone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NatsBackbone")
            .field("state", &self.client.connection_state())
            .field("ingest", &self.ingest)
            .finish_non_exhaustive()
    }
}

impl NatsBackbone {
    /// The pages of `agent`, on whichever process they are connected.
    pub fn to(&self, agent: &str) -> Result<AgentAddress, AddressError> {
        subjects::check_agent(agent).map_err(|_| AddressError::InvalidAgent(agent.to_owned()))?;
        Ok(AgentAddress {
            jetstream: jetstream::Context::clone(&self.jetstream),
            agent: agent.to_owned(),
        })
    }

    /// A durable consumer of the events stream, named `durable`: run a `#[handler]` value on it
    /// with [`EventConsumer::run`].
    pub fn consumer(&self, durable: impl Into<String>) -> EventConsumer {
        EventConsumer {
            reconnected: Arc::clone(&self.reconnected),
            jetstream: jetstream::Context::clone(&self.jetstream),
            durable: durable.into(),
            ack_wait: Duration::from_secs(30),
        }
    }

    /// The NATS client, for anything else the partner does on the same connection.
    pub fn client(&self) -> &async_nats::Client {
        &self.client
    }

    /// Makes the streams once NATS can be reached, then reads the addressed one for ever.
    async fn start(self: Arc<Self>, retention: Duration, events_retention: Duration, route: bool) {
        let addressed = stream::Config {
            name: subjects::ADDRESSED_STREAM.into(),
            subjects: vec![
                format!("{}>", subjects::PAGE_PREFIX),
                format!("{}>", subjects::SEND_PREFIX),
            ],
            max_age: retention,
            duplicate_window: retention.min(Duration::from_secs(120)),
            storage: stream::StorageType::File,
            discard: stream::DiscardPolicy::Old,
            allow_direct: true,
            ..Default::default()
        };
        let events = stream::Config {
            name: subjects::EVENTS_STREAM.into(),
            subjects: vec![format!("{}>", subjects::EVENTS_PREFIX)],
            max_age: events_retention,
            storage: stream::StorageType::File,
            // readers may fetch one event by its sequence without a consumer
            allow_direct: true,
            ..Default::default()
        };
        let mut backoff = Duration::from_millis(100);
        let addressed = loop {
            let made = async {
                let addressed = self
                    .jetstream
                    .get_or_create_stream(addressed.clone())
                    .await?;
                self.jetstream.get_or_create_stream(events.clone()).await?;
                Ok::<_, jetstream::context::CreateStreamError>(addressed)
            };
            match made.await {
                Ok(addressed) => break addressed,
                Err(error) => {
                    tracing::warn!(%error, "NATS JetStream not reachable yet; the bridge serves meanwhile");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(2));
                }
            }
        };
        self.streams_ready.store(true, Ordering::Release);
        tracing::info!("NATS JetStream streams ready");
        if route {
            Arc::clone(&self.router).run(addressed).await;
        }
    }

    /// Addressed messages refused for `reason` on this process (`agent`, `too_large`,
    /// `malformed`, `not_send_event`, `schema`), for tests and diagnostics.
    #[doc(hidden)]
    pub fn refused_count(&self, reason: &str) -> u64 {
        use crate::metrics::Refusal;
        let reason = match reason {
            "agent" => Refusal::agent,
            "too_large" => Refusal::too_large,
            "malformed" => Refusal::malformed,
            "not_send_event" => Refusal::not_send_event,
            "schema" => Refusal::schema,
            _ => return 0,
        };
        self.metrics.refused_count(reason)
    }
}

impl Backbone for NatsBackbone {
    fn page_attached(&self, page: AgentPage) -> Option<u64> {
        self.router.attach(page)
    }

    fn store(&self, event: PageEvent<'_>) -> Option<Storing> {
        self.ingest
            .then(|| ingest::store(&self.jetstream, &self.metrics, event))
    }

    fn ready(&self) -> bool {
        self.streams_ready.load(Ordering::Acquire)
            && self.client.connection_state() == async_nats::connection::State::Connected
    }

    fn render_metrics(&self, text: &mut String) {
        self.metrics.render(text);
    }
}

/// The backbone's settings can never connect (the address is not one).
#[derive(Debug)]
pub struct ConnectError(String);

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot connect to NATS: {}", self.0)
    }
}

impl std::error::Error for ConnectError {}
