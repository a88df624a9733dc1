//! The backbone's metrics, rendered with the bridge's (`partner_events_` prefix, like them).

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

/// Why an addressed message reached no page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub(crate) enum Refusal {
    /// The subject's agent is no agent key (dots, wildcards, too long, empty).
    agent,
    /// The payload is larger than the bridge takes from a page.
    too_large,
    /// The payload is not JSON (or a send event is not `{"name":…,"data":…}`).
    malformed,
    /// A send event names no send event of the catalog (a received event, or an unknown one).
    not_send_event,
    /// A send event's data fails its schema.
    schema,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ReasonLabel {
    reason: Refusal,
}

#[derive(Debug)]
pub(crate) struct Metrics {
    registry: Registry,
    refused: Family<ReasonLabel, Counter>,
    pub(crate) delivered: Counter,
    pub(crate) no_page: Counter,
    pub(crate) page_full: Counter,
    pub(crate) catch_ups: Counter,
    pub(crate) stored: Counter,
    pub(crate) duplicates: Counter,
    pub(crate) store_retries: Counter,
    pub(crate) connected: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("partner_events");
        let metrics = Metrics {
            refused: Family::default(),
            delivered: Counter::default(),
            no_page: Counter::default(),
            page_full: Counter::default(),
            catch_ups: Counter::default(),
            stored: Counter::default(),
            duplicates: Counter::default(),
            store_retries: Counter::default(),
            connected: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register(
            "addressed_refused",
            "Addressed messages refused (they reach no page), by reason",
            metrics.refused.clone(),
        );
        registry.register(
            "addressed_delivered",
            "Addressed messages handed to a page's session on this process (once per page)",
            metrics.delivered.clone(),
        );
        registry.register(
            "addressed_no_page",
            "Addressed messages for an agent with no page on this process",
            metrics.no_page.clone(),
        );
        registry.register(
            "addressed_page_full",
            "Addressed messages a page's session had no room for (delivered after its reconnect)",
            metrics.page_full.clone(),
        );
        registry.register(
            "addressed_catch_ups",
            "Pages caught up from the addressed stream (a page that moved here, or fell behind)",
            metrics.catch_ups.clone(),
        );
        registry.register(
            "ingest_stored",
            "Page events the events stream acknowledged",
            metrics.stored.clone(),
        );
        registry.register(
            "ingest_duplicates",
            "Page events the events stream already had (a resend after a crash)",
            metrics.duplicates.clone(),
        );
        registry.register(
            "ingest_retries",
            "Stores of a page event tried again (NATS away or slow)",
            metrics.store_retries.clone(),
        );
        registry.register(
            "backbone_connected",
            "1 while the connection to NATS is up",
            metrics.connected.clone(),
        );
        Metrics {
            registry,
            ..metrics
        }
    }
}

impl Metrics {
    pub(crate) fn refused(&self, reason: Refusal) {
        self.refused.get_or_create(&ReasonLabel { reason }).inc();
    }

    pub(crate) fn refused_count(&self, reason: Refusal) -> u64 {
        self.refused.get_or_create(&ReasonLabel { reason }).get()
    }

    /// The metrics in the OpenMetrics text format, without `# EOF`.
    pub(crate) fn render(&self, text: &mut String) {
        // writing to a String cannot fail
        let _ = prometheus_client::encoding::text::encode_registry(text, &self.registry);
    }
}
