//! Durable ingest: each event a page delivered, published to the events stream under its
//! delivery id (`Nats-Msg-Id`), so that a resend after a crash is deduplicated by the stream.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::message::PublishMessage as Publish;
use async_nats::jetstream::Context;
use bytes::Bytes;
use partner_events_bridge::backbone::{PageEvent, Storing};

use crate::metrics::Metrics;
use crate::subjects;

/// The longest wait between two tries of a store.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// Starts the store of one event: the future retries until the stream acknowledges it (the page
/// holds the event unacknowledged meanwhile, and the session goes on).
pub(crate) fn store(
    jetstream: &Arc<Context>,
    metrics: &Arc<Metrics>,
    event: PageEvent<'_>,
) -> Storing {
    let jetstream = Arc::clone(jetstream);
    let metrics = Arc::clone(metrics);
    let subject = subjects::event_subject(event.name);
    let id = event.delivery.to_string();
    let agent = event.agent.map(str::to_owned);
    let payload = Bytes::copy_from_slice(event.message.get().as_bytes());
    Box::pin(async move {
        let mut backoff = Duration::from_millis(50);
        loop {
            let mut publish = Publish::build().payload(payload.clone()).message_id(&id);
            if let Some(agent) = &agent {
                publish = publish.header(subjects::AGENT_HEADER, agent.as_str());
            }
            let acked = match jetstream.send_publish(subject.clone(), publish).await {
                Ok(ack) => ack.await.map_err(|error| error.to_string()),
                Err(error) => Err(error.to_string()),
            };
            match acked {
                Ok(ack) => {
                    if ack.duplicate {
                        metrics.duplicates.inc();
                    } else {
                        metrics.stored.inc();
                    }
                    return;
                }
                Err(error) => {
                    // the same id again: if the first try was stored after all, the stream
                    // says duplicate and keeps one
                    metrics.store_retries.inc();
                    tracing::debug!(%error, delivery = %id, "storing a page event; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    })
}
