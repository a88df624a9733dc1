//! What a bridge counts, in one place: Prometheus metrics (text format, [`BridgeMetrics::render`])
//! and the same counters read back in Rust ([`BridgeStats`]).
//!
//! Every name starts with `partner_events_`. Label values are bounded: `event` is a catalog event's
//! wire name (a name the catalog does not know is `unknown`, a message with no event name is
//! `none`), `outcome`, `status`, `kind` and `reason` come from fixed lists. So a page that sends a
//! flood of made-up event names adds no label values.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use partner_events::{LifecycleStatus, Outcome};
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// What went wrong, for `partner_events_errors_total{kind}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub(crate) enum ErrorKind {
    /// A frame that broke the acknowledged protocol.
    protocol,
    /// A binary frame, a message too large, a frame the WebSocket protocol forbids, or a
    /// connection that broke within a message.
    connection,
    /// A handler (or its constructor) panicked.
    handler_panic,
    /// A page message that is not the partner's type.
    page_message,
}

/// Why a handshake was refused, for `partner_events_refused_total{reason}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub(crate) enum Refused {
    origin,
    token,
    draining,
    session_cap,
    rate,
    foreign_session,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct EventOutcome {
    event: Cow<'static, str>,
    /// [`Outcome::as_str`]: the runtime spells the words.
    outcome: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct EventStatus {
    event: Cow<'static, str>,
    status: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct EventLabel {
    event: Cow<'static, str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct KindLabel {
    kind: ErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ReasonLabel {
    reason: Refused,
}

fn handler_histogram() -> Histogram {
    // 50 µs to about 3 s
    Histogram::new(exponential_buckets(0.000_05, 4.0, 9))
}

/// The bridge's unlabelled metrics, each declared once, here: its field is its metric's name
/// (under `partner_events_`) and its [`StatsSnapshot`] field; its help text is both docs. A new
/// one is one line.
macro_rules! unlabelled_metrics {
    ($($name:ident: $kind:ident = $help:literal;)*) => {
        /// The unlabelled metrics.
        #[derive(Debug, Default)]
        pub(crate) struct Unlabelled {
            $(pub(crate) $name: $kind,)*
        }

        impl Unlabelled {
            fn register(&self, registry: &mut Registry) {
                $(registry.register(stringify!($name), $help, self.$name.clone());)*
            }
        }

        /// The counters at one moment.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        #[non_exhaustive]
        pub struct StatsSnapshot {
            $(
                #[doc = $help]
                pub $name: u64,
            )*
            /// Frames that broke the protocol (bad numbers, unknown frames, acks for frames never
            /// sent).
            pub protocol_errors: u64,
            /// Handlers that panicked (their sessions were closed).
            pub handler_panics: u64,
        }

        impl BridgeStats {
            /// The counters now.
            pub fn snapshot(&self) -> StatsSnapshot {
                let c = &self.counters;
                StatsSnapshot {
                    $($name: Read::read(&c.unlabelled.$name),)*
                    protocol_errors: c.error_count(ErrorKind::protocol),
                    handler_panics: c.error_count(ErrorKind::handler_panic),
                }
            }
        }
    };
}

unlabelled_metrics! {
    sessions_open: Gauge = "WebSocket connections open now, on either protocol (a hello not yet answered included)";
    sessions_started: Counter = "Sessions started (a fresh handler made), on either protocol";
    sessions_resumed: Counter = "Sessions a reconnecting page got back, handler and all";
    messages_handled: Counter = "SDK messages handed to a handler";
    page_messages_handled: Counter = "The page's own messages handed to a handler";
    duplicates_ignored: Counter = "Page messages received again after they were handled, and not handled again";
    resends: Counter = "Frames sent to a page again on resume, because it had not applied them";
    page_drops: Counter = "Messages pages reported they could not keep (their buffer was full, or a message was over the size limit)";
    drained_connections: Counter = "Connections closed by a drain";
}

/// A metric's value, for a snapshot.
trait Read {
    fn read(&self) -> u64;
}

impl Read for Counter {
    fn read(&self) -> u64 {
        self.get()
    }
}

impl Read for Gauge {
    fn read(&self) -> u64 {
        self.get().max(0) as u64
    }
}

/// The counters, shared by every connection of a bridge.
pub(crate) struct Counters {
    registry: Registry,
    /// The bridge's backbone, once installed: its metrics render with the bridge's, and its state
    /// is the ingest readiness (kept here, so that routes taken before it was set see it).
    pub(crate) backbone: std::sync::OnceLock<Arc<dyn crate::Backbone>>,
    pub(crate) unlabelled: Unlabelled,
    messages: Family<EventOutcome, Counter>,
    by_status: Family<EventStatus, Counter>,
    handler_seconds: Family<EventLabel, Histogram, fn() -> Histogram>,
    replies: Family<EventLabel, Counter>,
    errors: Family<KindLabel, Counter>,
    refused: Family<ReasonLabel, Counter>,
}

impl std::fmt::Debug for Counters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Counters")
            .field("unlabelled", &self.unlabelled)
            .field("backbone", &self.backbone.get().is_some())
            .finish_non_exhaustive()
    }
}

impl Default for Counters {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("partner_events");
        let counters = Counters {
            backbone: std::sync::OnceLock::new(),
            unlabelled: Unlabelled::default(),
            messages: Family::default(),
            by_status: Family::default(),
            handler_seconds: Family::new_with_constructor(handler_histogram),
            replies: Family::default(),
            errors: Family::default(),
            refused: Family::default(),
            registry: Registry::default(),
        };
        let c = &counters;
        c.unlabelled.register(&mut registry);
        registry.register(
            "messages",
            "SDK messages received, by event and decode outcome",
            c.messages.clone(),
        );
        registry.register("messages_by_status", "Decoded events by their lifecycle status on the decoder's date: a deprecated or sunset event still arriving", c.by_status.clone());
        registry.register(
            "handler_duration_seconds",
            "Time a handler took with a message, by event",
            c.handler_seconds.clone(),
        );
        registry.register(
            "replies",
            "Events handlers sent to their page (sendEvent), by event",
            c.replies.clone(),
        );
        registry.register("errors", "Errors, by kind", c.errors.clone());
        registry.register(
            "refused",
            "Handshakes and hellos refused, by reason",
            c.refused.clone(),
        );
        Counters {
            registry,
            ..counters
        }
    }
}

/// The reply counter of the last event a session sent (see [`Counters::reply`]). A session's
/// sends come from its handler and from other tasks (a `Session` clone): behind a lock of its own,
/// never contended in practice.
#[derive(Default)]
pub(crate) struct LastReply(Mutex<Option<(&'static str, Counter)>>);

/// The metric handles of the last catalog event a connection counted. A page's stream is mostly
/// runs of the same few events, so a repeat costs no label hashing and no lock on the label
/// families. Made on the connection's first event: an idle connection holds 8 bytes for it.
#[derive(Default)]
pub(crate) struct LastEvent(Option<Box<EventHandles>>);

struct EventHandles {
    event: &'static str,
    outcome: Outcome,
    status: &'static str,
    messages: Counter,
    by_status: Counter,
    handler_seconds: Histogram,
}

impl Counters {
    /// Counts a decoded catalog event: by event and outcome (as [`Counters::message`] does), and
    /// by lifecycle status. Returns its handler's histogram. The handles of a repeat come from
    /// `last`.
    pub(crate) fn event<'a>(
        &self,
        last: &'a mut LastEvent,
        event: &'static str,
        outcome: Outcome,
        status: &LifecycleStatus,
    ) -> &'a Histogram {
        let status = status.as_str();
        let current = last.0.as_ref().is_some_and(|handles| {
            handles.event == event && handles.outcome == outcome && handles.status == status
        });
        if !current {
            let handles = EventHandles {
                event,
                outcome,
                status,
                messages: self
                    .messages
                    .get_or_create(&EventOutcome {
                        event: Cow::Borrowed(event),
                        outcome: outcome.as_str(),
                    })
                    .clone(),
                by_status: self
                    .by_status
                    .get_or_create(&EventStatus {
                        event: Cow::Borrowed(event),
                        status,
                    })
                    .clone(),
                handler_seconds: self
                    .handler_seconds
                    .get_or_create(&EventLabel {
                        event: Cow::Borrowed(event),
                    })
                    .clone(),
            };
            // in place when there is a box already: a stream that alternates events allocates
            // nothing for it
            match &mut last.0 {
                Some(boxed) => **boxed = handles,
                None => last.0 = Some(Box::new(handles)),
            }
        }
        let handles = last.0.as_deref().expect("made above");
        handles.messages.inc();
        handles.by_status.inc();
        &handles.handler_seconds
    }

    pub(crate) fn message(&self, event: Cow<'static, str>, outcome: Outcome) {
        self.messages
            .get_or_create(&EventOutcome {
                event,
                outcome: outcome.as_str(),
            })
            .inc();
    }

    pub(crate) fn handler_took(&self, event: Cow<'static, str>, took: Duration) {
        self.handler_seconds
            .get_or_create(&EventLabel { event })
            .observe(took.as_secs_f64());
    }

    /// Counts a reply (an event a handler sent); a repeat of the session's last one takes its
    /// counter from `last`, with no label hashing and no lock on the family.
    pub(crate) fn reply(&self, last: &LastReply, event: &'static str) {
        let mut last = last.0.lock().unwrap_or_else(PoisonError::into_inner);
        match &*last {
            Some((cached, counter)) if *cached == event => {
                counter.inc();
            }
            _ => {
                let counter = self
                    .replies
                    .get_or_create(&EventLabel {
                        event: Cow::Borrowed(event),
                    })
                    .clone();
                counter.inc();
                *last = Some((event, counter));
            }
        }
    }

    pub(crate) fn error(&self, kind: ErrorKind) {
        self.errors.get_or_create(&KindLabel { kind }).inc();
    }

    pub(crate) fn refused(&self, reason: Refused) {
        self.refused.get_or_create(&ReasonLabel { reason }).inc();
    }

    fn error_count(&self, kind: ErrorKind) -> u64 {
        self.errors.get_or_create(&KindLabel { kind }).get()
    }
}

/// A bridge's metrics in the Prometheus text format: take one with
/// [`Bridge::metrics`](crate::Bridge::metrics) before `into_router`, and serve
/// [`BridgeMetrics::render`] on the path of your choice.
///
/// ```
/// use partner_events_bridge::{Bridge, BridgeMetrics, Drain};
/// # struct App;
/// # #[partner_events::handler]
/// # impl App { fn fallback(&mut self, _message: partner_events::Unhandled) {} }
/// let drain = Drain::new();
/// let bridge = Bridge::new(|_session| App).drain(drain.clone());
/// let metrics: BridgeMetrics = bridge.metrics();
/// let app = bridge
///     .into_router()
///     .route("/metrics", metrics.route())
///     .route("/healthz", Drain::liveness())
///     .route("/readyz", drain.readiness());
/// # let _: axum::Router = app;
/// ```
#[derive(Debug, Clone)]
pub struct BridgeMetrics {
    pub(crate) counters: Arc<Counters>,
}

impl BridgeMetrics {
    /// A `GET` route that serves [`BridgeMetrics::render`]: `.route("/metrics", metrics.route())`.
    /// Other methods get 405.
    pub fn route<S: Clone + Send + Sync + 'static>(&self) -> axum::routing::MethodRouter<S> {
        let metrics = self.clone();
        axum::routing::get(move || {
            let text = metrics.render();
            async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        BridgeMetrics::CONTENT_TYPE,
                    )],
                    text,
                )
            }
        })
    }

    /// The `Content-Type` of [`BridgeMetrics::render`]'s text.
    pub const CONTENT_TYPE: &'static str =
        "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /// Every metric now, in the OpenMetrics text format, which Prometheus scrapes.
    pub fn render(&self) -> String {
        use prometheus_client::encoding::text::{encode_eof, encode_registry};
        let mut text = String::new();
        // writing to a String cannot fail
        let _ = encode_registry(&mut text, &self.counters.registry);
        if let Some(backbone) = self.counters.backbone.get() {
            backbone.render_metrics(&mut text);
        }
        let _ = encode_eof(&mut text);
        text
    }
}

/// A live view of a bridge's counters, read in Rust (cheap to clone; every clone reads the same
/// counters). Take one with [`Bridge::stats`](crate::Bridge::stats) before `into_router`.
#[derive(Debug, Clone, Default)]
pub struct BridgeStats {
    pub(crate) counters: Arc<Counters>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of the metric line that starts with `prefix`.
    fn value(text: &str, prefix: &str) -> Option<f64> {
        text.lines()
            .find(|line| line.starts_with(prefix))
            .and_then(|line| line.rsplit(' ').next()?.parse().ok())
    }

    #[test]
    fn a_repeated_event_counts_through_its_cached_handles_and_a_change_of_label_is_its_own() {
        let counters = Arc::new(Counters::default());
        let metrics = BridgeMetrics {
            counters: Arc::clone(&counters),
        };
        let mut last = LastEvent::default();
        let active = LifecycleStatus::Active;
        for _ in 0..3 {
            counters
                .event(&mut last, "hold-v1", Outcome::Ok, &active)
                .observe(0.001);
        }
        counters.event(&mut last, "hold-v1", Outcome::NewerCompatible, &active);
        counters.event(&mut last, "mute-v1", Outcome::Ok, &active);
        counters.event(&mut last, "hold-v1", Outcome::Ok, &active);
        let deprecated = LifecycleStatus::Deprecated {
            sunset: None,
            replaced_by: None,
        };
        counters.event(&mut last, "hold-v1", Outcome::Ok, &deprecated);
        let text = metrics.render();
        let count = |prefix: &str| value(&text, prefix);
        assert_eq!(
            count(r#"partner_events_messages_total{event="hold-v1",outcome="ok"}"#),
            Some(5.0)
        );
        assert_eq!(
            count(r#"partner_events_messages_total{event="hold-v1",outcome="newer_compatible"}"#),
            Some(1.0)
        );
        assert_eq!(
            count(r#"partner_events_messages_total{event="mute-v1",outcome="ok"}"#),
            Some(1.0)
        );
        assert_eq!(
            count(r#"partner_events_messages_by_status_total{event="hold-v1",status="active"}"#),
            Some(5.0)
        );
        assert_eq!(
            count(
                r#"partner_events_messages_by_status_total{event="hold-v1",status="deprecated"}"#
            ),
            Some(1.0)
        );
        assert_eq!(
            count(r#"partner_events_handler_duration_seconds_count{event="hold-v1"}"#),
            Some(3.0)
        );
    }

    #[test]
    fn a_repeated_reply_counts_through_its_cached_counter_and_another_event_is_its_own() {
        let counters = Arc::new(Counters::default());
        let metrics = BridgeMetrics {
            counters: Arc::clone(&counters),
        };
        let last = LastReply::default();
        for event in ["chat-v1", "chat-v1", "chat-v1", "note-v1", "chat-v1"] {
            counters.reply(&last, event);
        }
        let text = metrics.render();
        assert_eq!(
            value(&text, r#"partner_events_replies_total{event="chat-v1"}"#),
            Some(4.0)
        );
        assert_eq!(
            value(&text, r#"partner_events_replies_total{event="note-v1"}"#),
            Some(1.0)
        );
    }
}
