//! Reaching an agent's pages from any process: a publish to the agent's subject, which every
//! bridge process routes to the pages it holds.

use std::fmt;

use async_nats::jetstream::message::PublishMessage as Publish;
use async_nats::jetstream::Context;
use bytes::Bytes;
use partner_events::SendEvent;
use serde::Serialize;

use crate::subjects;

/// An agent's pages, wherever they are connected (from
/// [`NatsBackbone::to`](crate::NatsBackbone::to)).
#[derive(Debug, Clone)]
pub struct AgentAddress {
    pub(crate) jetstream: Context,
    pub(crate) agent: String,
}

/// Where an addressed message was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Published {
    /// Its position in the addressed stream: the page's frame carries it as `a<position>`.
    pub position: u64,
}

/// Why an addressed message was not published.
#[derive(Debug)]
#[non_exhaustive]
pub enum AddressError {
    /// The agent key cannot be one: 1 to 64 characters of `[A-Za-z0-9_-]`, as
    /// [`Principal::key`](partner_events_bridge::Principal::key) requires.
    InvalidAgent(String),
    /// The message could not be serialized.
    Serialize(serde_json::Error),
    /// The addressed stream did not acknowledge it (NATS away, or the stream missing). Publishing
    /// again may deliver it twice to a page that got the first; the page applies each position
    /// once, and this is another position.
    Publish(String),
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressError::InvalidAgent(agent) => write!(
                f,
                "`{agent}` is no agent key: 1 to 64 characters of [A-Za-z0-9_-]"
            ),
            AddressError::Serialize(error) => write!(f, "the message does not serialize: {error}"),
            AddressError::Publish(error) => {
                write!(f, "the addressed stream did not take the message: {error}")
            }
        }
    }
}

impl std::error::Error for AddressError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AddressError::Serialize(error) => Some(error),
            _ => None,
        }
    }
}

impl AgentAddress {
    /// The agent this addresses.
    pub fn agent(&self) -> &str {
        &self.agent
    }

    /// Sends the partner's own JSON to the `onPageMessage` of each of the agent's live pages.
    pub async fn page<T: Serialize + ?Sized>(
        &self,
        message: &T,
    ) -> Result<Published, AddressError> {
        let payload = serde_json::to_vec(message).map_err(AddressError::Serialize)?;
        self.publish(subjects::page_subject(&self.agent), payload)
            .await
    }

    /// Sends a send event for each of the agent's live pages to post with `sendEvent`. A
    /// received-direction type does not compile here.
    pub async fn send<E: SendEvent + Serialize>(
        &self,
        event: &E,
    ) -> Result<Published, AddressError> {
        #[derive(Serialize)]
        struct Send<'a, E> {
            name: &'static str,
            data: &'a E,
        }
        let payload = serde_json::to_vec(&Send {
            name: E::NAME,
            data: event,
        })
        .map_err(AddressError::Serialize)?;
        self.publish(subjects::send_subject(&self.agent), payload)
            .await
    }

    async fn publish(&self, subject: String, payload: Vec<u8>) -> Result<Published, AddressError> {
        let publish = Publish::build().payload(Bytes::from(payload));
        let ack = self
            .jetstream
            .send_publish(subject, publish)
            .await
            .map_err(|error| AddressError::Publish(error.to_string()))?
            .await
            .map_err(|error| AddressError::Publish(error.to_string()))?;
        Ok(Published {
            position: ack.sequence,
        })
    }
}
