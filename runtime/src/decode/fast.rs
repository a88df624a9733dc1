//! The one-pass decoder: the common case, a known event at its current schema version, read
//! straight into its generated type.

use super::*;

/// What the first pass found, when the message is an event. The strings borrow from the input:
/// an escaped name or version sends the message to the slow path, which reads it properly.
pub(super) struct Fast<'de> {
    pub(super) envelope_version: Option<&'de str>,
    pub(super) name: &'de str,
    pub(super) payload: FastPayload<'de>,
}

/// `None` means "not the common case": the slow path decides what it is. A typed payload is
/// written to `slot`; it only counts when the whole message was read.
pub(super) fn decode_fast<'de, C: EventCatalog>(
    json: &'de str,
    slot: &mut Option<C::Received>,
) -> Option<Fast<'de>> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let fast = deserializer
        .deserialize_map(EnvelopeVisitor::<C> { slot })
        .ok()?;
    deserializer.end().ok()?;
    Some(fast)
}

/// The envelope's keys, matched as they are read, with no string kept (as serde's derived structs
/// match theirs).
///
/// The keys are spelled in `crate::envelope`, but serde's `rename` takes only a literal, so they
/// are spelled again here and in [`MessageKey`]; a hand-written identifier visitor would name the
/// constants at the cost of a change to the hot path. `decode`'s tests hold the two spellings
/// together: this decoder must read what `envelope` writes.
#[derive(Deserialize)]
#[serde(field_identifier)]
pub(super) enum EnvelopeKey {
    #[serde(rename = "type")]
    Type,
    #[serde(rename = "schemaVersion")]
    SchemaVersion,
    #[serde(rename = "message")]
    Message,
    #[serde(other)]
    Other,
}

/// An event message's keys (spelled in `crate::envelope`; see [`EnvelopeKey`]).
#[derive(Deserialize)]
#[serde(field_identifier)]
pub(super) enum MessageKey {
    #[serde(rename = "eventName")]
    EventName,
    #[serde(rename = "value")]
    Value,
    #[serde(other)]
    Other,
}

pub(super) struct EnvelopeVisitor<'s, C: EventCatalog> {
    pub(super) slot: &'s mut Option<C::Received>,
}

impl<'de, C: EventCatalog> Visitor<'de> for EnvelopeVisitor<'_, C> {
    type Value = Fast<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an SDK event message")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut is_event = false;
        let mut envelope_version: Option<&'de str> = None;
        let mut message: Option<(&'de str, FastPayload<'de>)> = None;
        while let Some(key) = map.next_key::<EnvelopeKey>()? {
            match key {
                EnvelopeKey::Type if !is_event => {
                    is_event = map.next_value::<&'de str>()? == envelope::EVENT;
                    if !is_event {
                        return Err(A::Error::custom("not an event"));
                    }
                }
                EnvelopeKey::SchemaVersion if envelope_version.is_none() => {
                    envelope_version = Some(map.next_value()?)
                }
                // Only an event's message is read here, and only once `type` said so.
                EnvelopeKey::Message if message.is_none() && is_event => {
                    message = Some(map.next_value_seed(MessageSeed::<C> {
                        slot: &mut *self.slot,
                    })?)
                }
                EnvelopeKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
                // A repeated key, or `message` before `type`.
                _ => return Err(A::Error::custom("left to the slow path")),
            }
        }
        let (name, payload) = message.ok_or_else(|| A::Error::custom("no event message"))?;
        Ok(Fast {
            envelope_version,
            name,
            payload,
        })
    }
}

pub(super) struct MessageSeed<'s, C: EventCatalog> {
    pub(super) slot: &'s mut Option<C::Received>,
}

impl<'de, C: EventCatalog> DeserializeSeed<'de> for MessageSeed<'_, C> {
    type Value = (&'de str, FastPayload<'de>);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, C: EventCatalog> Visitor<'de> for MessageSeed<'_, C> {
    type Value = (&'de str, FastPayload<'de>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event message")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut name: Option<&'de str> = None;
        let mut payload: Option<FastPayload<'de>> = None;
        while let Some(key) = map.next_key::<MessageKey>()? {
            match key {
                MessageKey::EventName if name.is_none() => name = Some(map.next_value()?),
                MessageKey::Value if payload.is_none() => {
                    payload = Some(match name {
                        Some(name) => map.next_value_seed(PayloadSeed::<C> {
                            name,
                            slot: &mut *self.slot,
                        })?,
                        // `value` before `eventName`: keep it raw and decode it afterwards
                        None => FastPayload::Raw(map.next_value()?),
                    })
                }
                MessageKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
                _ => return Err(A::Error::custom("left to the slow path")),
            }
        }
        match (name, payload) {
            (Some(name), Some(payload)) => Ok((name, payload)),
            _ => Err(A::Error::custom("incomplete event message")),
        }
    }
}

pub(super) struct PayloadSeed<'n, 's, C: EventCatalog> {
    pub(super) name: &'n str,
    pub(super) slot: &'s mut Option<C::Received>,
}

impl<'de, C: EventCatalog> DeserializeSeed<'de> for PayloadSeed<'_, '_, C> {
    type Value = FastPayload<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        C::deserialize_received_fast(self.name, deserializer, self.slot)
    }
}
