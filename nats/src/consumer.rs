//! Handlers beside the bridge: a `#[handler]` value fed from the events stream by a durable pull
//! consumer, each event acknowledged after the handler returns, with its page delivery id.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use async_nats::jetstream::consumer::{pull, AckPolicy};
use async_nats::jetstream::{AckKind, Context};
use futures_util::{FutureExt, StreamExt};
use partner_events::{Decoder, DeliveryId, Dispatch, Handler, Identity, IdentityScope};

use crate::subjects;

const RETRY_AFTER: Duration = Duration::from_millis(500);

/// A durable consumer of the events stream (from
/// [`NatsBackbone::consumer`](crate::NatsBackbone::consumer)).
///
/// Delivery is at least once: an event whose handler returned but whose acknowledgement was lost
/// (the consumer died in between) comes again, with the same [`DeliveryId`], which the handler
/// reads in `EventContext::delivery` (or [`DeliveryId::current`]) to apply it once. Whom the
/// event came from is in `EventContext::identity` (or [`Identity::current`]): the agent's key,
/// from the stored event's header, which the bridge writes from its `authorize` check (the
/// principal's own type stays in the bridge's process). Trust it as far as the stream's
/// permissions go: a client allowed to publish to the events subjects could write any key, so
/// only the bridges should be.
#[derive(Debug, Clone)]
pub struct EventConsumer {
    pub(crate) jetstream: Context,
    pub(crate) durable: String,
    pub(crate) ack_wait: Duration,
    pub(crate) reconnected: std::sync::Arc<tokio::sync::Notify>,
}

/// What the consumer did with one event, for [`EventConsumer::run_with`]'s observer.
#[derive(Debug)]
#[non_exhaustive]
pub struct Consumed<'a> {
    /// The event's delivery id.
    pub delivery: Option<&'a DeliveryId>,
    /// The agent whose page delivered it, when the bridge had agents.
    pub agent: Option<&'a str>,
    /// Whether the handler panicked (the event is then not delivered again).
    pub panicked: bool,
}

impl EventConsumer {
    /// How long the stream waits for an acknowledgement before it delivers an event again
    /// (30 s by default): longer than the handler's slowest event.
    pub fn ack_wait(mut self, wait: Duration) -> Self {
        self.ack_wait = wait;
        self
    }

    /// Runs `handler` on every event, in stream order, from where this durable consumer left
    /// off; never returns while NATS can be reached again (it waits and resumes when it cannot).
    pub async fn run<H: Handler + Send>(self, handler: H) {
        self.run_with(handler, |_| {}).await
    }

    /// [`EventConsumer::run`], calling `observe` after each event is handled.
    pub async fn run_with<H: Handler + Send>(
        self,
        mut handler: H,
        mut observe: impl FnMut(Consumed<'_>) + Send,
    ) {
        let decoder = Decoder::<H::Catalog>::for_catalog();
        loop {
            let messages = match self.messages().await {
                Ok(messages) => messages,
                Err(error) => {
                    tracing::warn!(%error, durable = %self.durable, "cannot read the events stream; retrying");
                    tokio::time::sleep(RETRY_AFTER).await;
                    continue;
                }
            };
            let mut messages = std::pin::pin!(messages);
            loop {
                let message = tokio::select! {
                    message = messages.next() => message,
                    // a restarted server lost the pull requests: ask again now
                    () = self.reconnected.notified() => break,
                };
                let Some(message) = message else { break };
                let message = match message {
                    Ok(message) => message,
                    Err(error) => {
                        tracing::debug!(%error, "the events stream's reader");
                        continue;
                    }
                };
                let headers = message.headers.as_ref();
                let delivery = headers
                    .and_then(|headers| headers.get(async_nats::header::NATS_MESSAGE_ID))
                    .and_then(|id| parse_delivery(id.as_str()));
                let agent = headers
                    .and_then(|headers| headers.get(subjects::AGENT_HEADER))
                    .map(|agent| agent.as_str().to_owned());
                let decoded = decoder.decode_slice(&message.payload);
                // the handler's route is called inside the scopes (not only polled there): a
                // synchronous method reads its delivery id and identity as it is called
                let routing = async {
                    AssertUnwindSafe(async { handler.route(decoded).await })
                        .catch_unwind()
                        .await
                };
                // whom the event came from: the agent's key (the bridge's principal type is
                // the bridge process's own; the stream carries the key)
                let identified = IdentityScope::new(agent.as_deref().map(Identity::new), routing);
                let routed = match delivery.clone() {
                    Some(delivery) => delivery.scope(identified).await,
                    None => identified.await,
                };
                let panicked = routed.is_err();
                if let Ok(Dispatch::Unhandled(_)) = &routed {
                    tracing::debug!(delivery = ?delivery, "an event no handler method took");
                }
                // a panic is not delivered again (it would panic again): it is terminated
                let kind = if panicked {
                    AckKind::Term
                } else {
                    AckKind::Ack
                };
                if panicked {
                    tracing::error!(delivery = ?delivery, "the consumer's handler panicked; the event is not delivered again");
                }
                if let Err(error) = message.double_ack_with(kind).await {
                    // delivered again after the ack wait: the handler sees the id a second time
                    tracing::warn!(%error, delivery = ?delivery, "an acknowledgement was not confirmed");
                }
                observe(Consumed {
                    delivery: delivery.as_ref(),
                    agent: agent.as_deref(),
                    panicked,
                });
            }
        }
    }

    async fn messages(&self) -> Result<pull::Stream, String> {
        let stream = self
            .jetstream
            .get_stream(subjects::EVENTS_STREAM)
            .await
            .map_err(|error| error.to_string())?;
        let consumer = stream
            .get_or_create_consumer(
                &self.durable,
                pull::Config {
                    durable_name: Some(self.durable.clone()),
                    ack_policy: AckPolicy::Explicit,
                    ack_wait: self.ack_wait,
                    ..Default::default()
                },
            )
            .await
            .map_err(|error| error.to_string())?;
        consumer
            .stream()
            .expires(Duration::from_secs(5))
            .heartbeat(Duration::from_millis(2500))
            .messages()
            .await
            .map_err(|error| error.to_string())
    }
}

/// A delivery id as the bridge writes it, `session/seq`.
fn parse_delivery(id: &str) -> Option<DeliveryId> {
    let (session, seq) = id.rsplit_once('/')?;
    Some(DeliveryId::new(session, seq.parse().ok()?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_delivery_id_reads_back_from_its_text() {
        let id = partner_events::DeliveryId::new("b5f0c2d4e6a81f3c", 17);
        assert_eq!(super::parse_delivery(&id.to_string()), Some(id));
        assert_eq!(super::parse_delivery("no-slash"), None);
        assert_eq!(super::parse_delivery("s/x"), None);
    }
}
