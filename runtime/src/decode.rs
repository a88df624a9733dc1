//! Decoding what a partner's `onMessage` receives: `{type, schemaVersion, message}`.
//!
//! The common case, a known event at its current schema version, is decoded in one pass: the
//! envelope's keys are matched as they are read, its strings are borrowed, and the payload is read
//! straight into its generated type as soon as `eventName` is known, with no intermediate
//! `serde_json::Value`, and written once into a slot the caller owns rather than returned up
//! through every visitor. The payload type's literal `schemaVersion` proves the version matched.
//! Anything else (another version, an unknown event, a non-event message, escaped names, bad
//! input) falls back to a slower path that classifies it precisely and keeps the raw payload byte
//! for byte.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

use crate::__private::FastPayload;
use crate::{
    AnyEvent, CatalogDate, DeliveryId, EventCatalog, GetEventsResponse, LifecycleStatus,
    PayloadError, SchemaVersion,
};

/// The envelope's `schemaVersion` as sent. Shared, not allocated, for the one value the SDK sends
/// today (`"1.0.0"`).
pub type EnvelopeVersion = Cow<'static, str>;

#[inline]
fn share_envelope_version(text: &str) -> EnvelopeVersion {
    if text == "1.0.0" {
        Cow::Borrowed("1.0.0")
    } else {
        Cow::Owned(text.to_owned())
    }
}

/// Largest message [`Decoder`] accepts by default, in bytes. Nesting is limited by serde_json to
/// 128 levels; deeper input is refused as malformed JSON.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// What to do with an event whose sunset date has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SunsetPolicy {
    /// Decode it like any other.
    Accept,
    /// Decode it and set [`DecodedEvent::past_sunset`].
    #[default]
    Flag,
    /// Refuse it with [`DecodeError::Sunset`].
    Reject,
}

/// How the payload's schema version relates to the type it was decoded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionMatch {
    /// The catalog lists this exact version.
    Exact,
    /// A newer minor or patch of a major the catalog knows; decoded with the newest known schema
    /// of that major. Re-encoding writes the catalog's version.
    NewerCompatible {
        /// The version the message carried.
        sent: SchemaVersion,
    },
}

/// Where the schema version used for dispatch came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSource {
    /// The payload's own `schemaVersion`.
    Payload,
    /// The envelope's `schemaVersion`, because the payload had none (as in the public docs'
    /// samples).
    Envelope,
    /// Neither had one; the event's newest version was assumed.
    Assumed,
}

/// A known event, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedEvent<R> {
    /// The event, as its generated type.
    pub event: R,
    /// Exact, or a newer compatible version.
    pub version: VersionMatch,
    /// Where the dispatch version came from.
    pub version_source: VersionSource,
    /// Where the event stands on the decoder's date.
    pub lifecycle: LifecycleStatus,
    /// The event is past its sunset date (only under [`SunsetPolicy::Flag`]).
    pub past_sunset: bool,
    /// The envelope's `schemaVersion`, if it had one.
    pub envelope_version: Option<EnvelopeVersion>,
    /// Which delivery this is, when the host numbers what it delivers (the bridge's acknowledged
    /// protocol does); `None` from [`decode`] itself. Set it before routing.
    pub delivery: Option<DeliveryId>,
}

/// A message that is not an event (`response`, `error`, `message`, `file-transfer`, ...).
#[derive(Debug, Clone)]
pub struct NonEvent {
    /// The envelope's `type`.
    pub kind: String,
    /// The envelope's `schemaVersion`, if it had one.
    pub envelope_version: Option<EnvelopeVersion>,
    /// The envelope's `message`, byte for byte.
    pub message: Box<RawValue>,
    /// The parsed answer, when this is the `getEvents` response.
    pub get_events: Option<GetEventsResponse>,
}

impl PartialEq for NonEvent {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.envelope_version == other.envelope_version
            && self.message.get() == other.message.get()
            && self.get_events == other.get_events
    }
}

/// Everything a partner can receive, decoded. Nothing is dropped: what is not decoded is kept.
#[derive(Debug, Clone)]
pub enum Message<R> {
    /// A catalog event, as its generated type.
    Event(DecodedEvent<R>),
    /// An event the catalog does not know; the payload is kept byte for byte.
    UnknownEvent {
        /// `message.eventName`.
        name: String,
        /// The dispatch version (payload's, else envelope's), if any.
        schema_version: Option<String>,
        /// The envelope's `schemaVersion`, if it had one.
        envelope_version: Option<EnvelopeVersion>,
        /// `message.value`, byte for byte.
        payload: Box<RawValue>,
    },
    /// A catalog event at a version the catalog cannot decode (another major, or not a version).
    UnknownVersion {
        /// `message.eventName`.
        name: String,
        /// The version the message carried.
        schema_version: String,
        /// The envelope's `schemaVersion`, if it had one.
        envelope_version: Option<EnvelopeVersion>,
        /// `message.value`, byte for byte.
        payload: Box<RawValue>,
    },
    /// Not an event: reported, not an error.
    NotEvent(NonEvent),
}

impl<R: PartialEq> PartialEq for Message<R> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Message::Event(a), Message::Event(b)) => a == b,
            (
                Message::UnknownEvent {
                    name: a,
                    schema_version: av,
                    envelope_version: ae,
                    payload: ap,
                },
                Message::UnknownEvent {
                    name: b,
                    schema_version: bv,
                    envelope_version: be,
                    payload: bp,
                },
            ) => a == b && av == bv && ae == be && ap.get() == bp.get(),
            (
                Message::UnknownVersion {
                    name: a,
                    schema_version: av,
                    envelope_version: ae,
                    payload: ap,
                },
                Message::UnknownVersion {
                    name: b,
                    schema_version: bv,
                    envelope_version: be,
                    payload: bp,
                },
            ) => a == b && av == bv && ae == be && ap.get() == bp.get(),
            (Message::NotEvent(a), Message::NotEvent(b)) => a == b,
            _ => false,
        }
    }
}

/// Why a message could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The input is not JSON (or nests deeper than 128 levels).
    Json {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What serde_json says.
        message: String,
    },
    /// The input is larger than the decoder's limit.
    TooLarge {
        /// The input's size in bytes.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// JSON, but not an SDK message: `type` or `message` missing or of the wrong type.
    NotSdkMessage {
        /// What is wrong.
        reason: String,
    },
    /// A catalog event whose payload its schema refuses.
    InvalidPayload {
        /// The event name.
        event: String,
        /// The schema version it was checked against.
        schema_version: String,
        /// Where and why.
        error: PayloadError,
    },
    /// An event past its sunset date, under [`SunsetPolicy::Reject`].
    Sunset {
        /// The event name.
        event: String,
        /// Its sunset date.
        sunset: CatalogDate,
        /// Its replacement, if any.
        replaced_by: Option<&'static str>,
    },
    /// A `getEvents` response whose value is not a map of event names to lists of versions.
    InvalidResponse {
        /// What is wrong.
        reason: String,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Json {
                line,
                column,
                message,
            } => write!(f, "not JSON: {message} at line {line} column {column}"),
            DecodeError::TooLarge { bytes, limit } => {
                write!(f, "message of {bytes} bytes is over the {limit}-byte limit")
            }
            DecodeError::NotSdkMessage { reason } => write!(f, "not an SDK message: {reason}"),
            DecodeError::InvalidPayload {
                event,
                schema_version,
                error,
            } => write!(f, "`{event}` {schema_version} payload refused {error}"),
            DecodeError::Sunset {
                event,
                sunset,
                replaced_by,
            } => {
                write!(f, "`{event}` was sunset on {sunset}")?;
                match replaced_by {
                    Some(replacement) => write!(f, "; use `{replacement}`"),
                    None => Ok(()),
                }
            }
            DecodeError::InvalidResponse { reason } => {
                write!(f, "invalid getEvents response: {reason}")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes SDK messages with one catalog, one sunset policy and one date.
///
/// ```
/// use partner_events::{Decoder, Message, SunsetPolicy, CatalogDate};
///
/// let decoder = Decoder::new()
///     .sunset_policy(SunsetPolicy::Reject)
///     .as_of(CatalogDate::new(2026, 1, 1));
/// let message = decoder
///     .decode(r#"{"type":"event","schemaVersion":"1.0.0","message":{"eventName":"aw-interaction-hold-v1","value":{"interactionId":"i","schemaVersion":"1.0.0"}}}"#)
///     .unwrap();
/// assert!(matches!(message, Message::Event(_)));
/// ```
pub struct Decoder<C = crate::events::Catalog> {
    sunset_policy: SunsetPolicy,
    as_of: Option<CatalogDate>,
    /// The day the decoder was made: days only move forward, so an event with no deprecation or
    /// sunset that was active then is active now, and the clock need not be read for it.
    created_on: CatalogDate,
    max_bytes: usize,
    catalog: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for Decoder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder")
            .field("sunset_policy", &self.sunset_policy)
            .field("as_of", &self.as_of)
            .field("max_bytes", &self.max_bytes)
            .finish()
    }
}

impl<C> Clone for Decoder<C> {
    fn clone(&self) -> Self {
        Decoder {
            sunset_policy: self.sunset_policy,
            as_of: self.as_of,
            created_on: self.created_on,
            max_bytes: self.max_bytes,
            catalog: PhantomData,
        }
    }
}

impl Default for Decoder<crate::events::Catalog> {
    fn default() -> Self {
        Decoder::new()
    }
}

impl Decoder<crate::events::Catalog> {
    /// A decoder for this crate's catalog: sunset events flagged, lifecycle judged on today's
    /// date (UTC), messages up to [`MAX_MESSAGE_BYTES`]. On a target without a clock
    /// (`wasm32-unknown-unknown`), "today" is the day the runtime was built
    /// ([`CatalogDate::BUILD_DATE`]); pass the page's date to [`Decoder::as_of`] to judge on it.
    pub fn new() -> Self {
        Decoder::for_catalog()
    }
}

/// Decodes one SDK message with this crate's catalog and the default [`Decoder`].
pub fn decode(json: &str) -> Result<Message<crate::events::Received>, DecodeError> {
    Decoder::new().decode(json)
}

/// [`decode`] for bytes; they must be UTF-8.
pub fn decode_slice(json: &[u8]) -> Result<Message<crate::events::Received>, DecodeError> {
    Decoder::new().decode_slice(json)
}

impl<C: EventCatalog> Decoder<C> {
    /// A decoder for the catalog `C` (a partner's own `include_catalog!`).
    pub fn for_catalog() -> Self {
        Decoder {
            sunset_policy: SunsetPolicy::default(),
            as_of: None,
            created_on: CatalogDate::today_utc(),
            max_bytes: MAX_MESSAGE_BYTES,
            catalog: PhantomData,
        }
    }

    /// What to do with events past their sunset date.
    pub fn sunset_policy(mut self, policy: SunsetPolicy) -> Self {
        self.sunset_policy = policy;
        self
    }

    /// Judge lifecycles on this date instead of today's.
    pub fn as_of(mut self, date: CatalogDate) -> Self {
        self.as_of = Some(date);
        self
    }

    /// Refuse messages larger than this many bytes.
    pub fn max_message_bytes(mut self, bytes: usize) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// [`Decoder::decode`] for bytes; they must be UTF-8.
    pub fn decode_slice(&self, json: &[u8]) -> Result<Message<C::Received>, DecodeError> {
        match std::str::from_utf8(json) {
            Ok(text) => self.decode(text),
            Err(error) => {
                let valid = &json[..error.valid_up_to()];
                let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
                let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                let column = String::from_utf8_lossy(&valid[line_start..])
                    .chars()
                    .count()
                    + 1;
                Err(DecodeError::Json {
                    line,
                    column,
                    message: "invalid UTF-8".into(),
                })
            }
        }
    }

    /// Decodes one SDK message.
    pub fn decode(&self, json: &str) -> Result<Message<C::Received>, DecodeError> {
        if json.len() > self.max_bytes {
            return Err(DecodeError::TooLarge {
                bytes: json.len(),
                limit: self.max_bytes,
            });
        }
        let mut slot = None;
        match decode_fast::<C>(json, &mut slot) {
            Some(Fast {
                envelope_version,
                payload: FastPayload::Typed,
                ..
            }) => match slot {
                Some(event) => self.finish(
                    event,
                    VersionMatch::Exact,
                    VersionSource::Payload,
                    envelope_version.map(share_envelope_version),
                ),
                // only a hand-written catalog could say "typed" and leave the slot empty
                None => self.decode_slow(json),
            },
            Some(Fast {
                envelope_version,
                name,
                payload: FastPayload::Raw(payload),
            }) => self.classify(name, payload, envelope_version.map(share_envelope_version)),
            None => self.decode_slow(json),
        }
    }

    fn decode_slow(&self, json: &str) -> Result<Message<C::Received>, DecodeError> {
        // Syntax first, so that "not JSON" always comes with its line and column.
        if let Err(error) = serde_json::from_str::<IgnoredAny>(json) {
            return Err(json_error(&error));
        }
        // serde's derived structs also accept arrays, so the object check comes first.
        let not_an_envelope = || {
            not_sdk(format!(
                "an SDK message is a JSON object with `type` and `message`, not {}",
                json_kind(json)
            ))
        };
        if !json.trim_start().starts_with('{') {
            return Err(not_an_envelope());
        }
        let envelope: LooseEnvelope<'_> =
            serde_json::from_str(json).map_err(|error| not_sdk(strip_position(&error)))?;
        let kind = required_string(envelope.kind, "`type`")?;
        let envelope_version = optional_string(envelope.schema_version, "`schemaVersion`")?
            .map(|text| share_envelope_version(&text));
        let message = envelope
            .message
            .ok_or_else(|| not_sdk("the envelope has no `message`".into()))?;
        if kind != "event" {
            let get_events = if kind == "response" {
                GetEventsResponse::from_message(message.get())?
            } else {
                None
            };
            return Ok(Message::NotEvent(NonEvent {
                kind: kind.into_owned(),
                envelope_version,
                message: message.to_owned(),
                get_events,
            }));
        }
        let not_an_event_message = || {
            not_sdk(format!(
                "the `message` of an event is an object with `eventName` and `value`, not {}",
                json_kind(message.get())
            ))
        };
        if !message.get().starts_with('{') {
            return Err(not_an_event_message());
        }
        let event_message: LooseEventMessage<'_> = serde_json::from_str(message.get())
            .map_err(|error| not_sdk(format!("in `message`: {}", strip_position(&error))))?;
        let name = required_string(event_message.event_name, "`message.eventName`")?;
        let payload = event_message
            .value
            .ok_or_else(|| not_sdk("the event message has no `value`".into()))?;
        self.classify(&name, payload, envelope_version)
    }

    /// Decodes a payload that the one-pass decoder did not: finds the version and the type.
    fn classify(
        &self,
        name: &str,
        payload: &RawValue,
        envelope_version: Option<EnvelopeVersion>,
    ) -> Result<Message<C::Received>, DecodeError> {
        let entries: Vec<_> = C::received().iter().filter(|e| e.name == name).collect();
        let payload_version = payload_schema_version(payload);
        let (version_text, source) = match (&payload_version, &envelope_version) {
            (Some(version), _) => (Some(version.clone()), VersionSource::Payload),
            (None, Some(version)) => (Some(version.to_string()), VersionSource::Envelope),
            (None, None) => (None, VersionSource::Assumed),
        };
        if entries.is_empty() {
            return Ok(Message::UnknownEvent {
                name: name.to_owned(),
                schema_version: version_text,
                envelope_version,
                payload: payload.to_owned(),
            });
        }
        let newest = entries
            .iter()
            .max_by_key(|e| e.version)
            .expect("entries is not empty");
        let unknown_version = |version: String| Message::UnknownVersion {
            name: name.to_owned(),
            schema_version: version,
            envelope_version: envelope_version.clone(),
            payload: payload.to_owned(),
        };
        let (entry, version_match) = match &version_text {
            None => (*newest, VersionMatch::Exact),
            Some(text) => {
                let Some(sent) = SchemaVersion::parse(text) else {
                    return Ok(unknown_version(text.clone()));
                };
                if let Some(exact) = entries.iter().find(|e| e.version == sent) {
                    (*exact, VersionMatch::Exact)
                } else {
                    let same_major = entries
                        .iter()
                        .filter(|e| e.version.major == sent.major)
                        .max_by_key(|e| e.version);
                    match same_major {
                        Some(entry) if entry.version < sent => {
                            (*entry, VersionMatch::NewerCompatible { sent })
                        }
                        _ => return Ok(unknown_version(text.clone())),
                    }
                }
            }
        };
        // The payload is read as the entry's version: a payload that names another version
        // (newer compatible) or none (docs samples) is given the entry's, and only then decoded.
        let needs_patch = payload_version.is_none() || version_match != VersionMatch::Exact;
        let decoded = match (entry.decode)(payload.get()) {
            Ok(event) => Ok(event),
            Err(error) if needs_patch => match with_schema_version(payload, &entry.version) {
                Some(patched) => (entry.decode)(&patched),
                None => Err(error),
            },
            Err(error) => Err(error),
        };
        let event = decoded.map_err(|error| DecodeError::InvalidPayload {
            event: name.to_owned(),
            schema_version: version_text
                .clone()
                .unwrap_or_else(|| entry.version.to_string()),
            error,
        })?;
        self.finish(event, version_match, source, envelope_version)
    }

    #[inline]
    fn finish(
        &self,
        event: C::Received,
        version: VersionMatch,
        version_source: VersionSource,
        envelope_version: Option<EnvelopeVersion>,
    ) -> Result<Message<C::Received>, DecodeError>
    where
        C::Received: AnyEvent,
    {
        let lifecycle = event.lifecycle();
        let status = match self.as_of {
            Some(date) => lifecycle.status_on(date),
            None if lifecycle.deprecation.is_none()
                && lifecycle.sunset.is_none()
                && lifecycle.active <= self.created_on =>
            {
                LifecycleStatus::Active
            }
            None => lifecycle.status_on(CatalogDate::today_utc()),
        };
        let lifecycle = status;
        let past_sunset = match lifecycle {
            LifecycleStatus::Sunset {
                sunset,
                replaced_by,
            } => match self.sunset_policy {
                SunsetPolicy::Accept => false,
                SunsetPolicy::Flag => true,
                SunsetPolicy::Reject => {
                    return Err(DecodeError::Sunset {
                        event: event.event_name().to_owned(),
                        sunset,
                        replaced_by,
                    })
                }
            },
            _ => false,
        };
        Ok(Message::Event(DecodedEvent {
            event,
            version,
            version_source,
            lifecycle,
            past_sunset,
            envelope_version,
            delivery: None,
        }))
    }
}

impl<R: AnyEvent + Serialize> Message<R> {
    /// The message as the SDK sends it: `{"type":…,"schemaVersion":…,"message":…}`. Decoding the
    /// result gives this message back (a newer compatible version comes back as the catalog's).
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Envelope<'a, M> {
            #[serde(rename = "type")]
            kind: &'a str,
            #[serde(rename = "schemaVersion", skip_serializing_if = "Option::is_none")]
            schema_version: Option<&'a str>,
            message: M,
        }
        #[derive(Serialize)]
        struct EventMessage<'a, P> {
            #[serde(rename = "eventName")]
            event_name: &'a str,
            value: P,
        }
        let result = match self {
            Message::Event(decoded) => serde_json::to_string(&Envelope {
                kind: "event",
                schema_version: decoded.envelope_version.as_deref(),
                message: EventMessage {
                    event_name: decoded.event.event_name(),
                    value: &decoded.event,
                },
            }),
            Message::UnknownEvent {
                name,
                envelope_version,
                payload,
                ..
            }
            | Message::UnknownVersion {
                name,
                envelope_version,
                payload,
                ..
            } => serde_json::to_string(&Envelope {
                kind: "event",
                schema_version: envelope_version.as_deref(),
                message: EventMessage {
                    event_name: name,
                    value: payload,
                },
            }),
            Message::NotEvent(non_event) => serde_json::to_string(&Envelope {
                kind: &non_event.kind,
                schema_version: non_event.envelope_version.as_deref(),
                message: &non_event.message,
            }),
        };
        // Generated payload types, strings and raw JSON always serialize.
        result.expect("serializing a decoded message cannot fail")
    }
}

// ---- the one-pass decoder ----------------------------------------------------------------------

/// What the first pass found, when the message is an event. The strings borrow from the input:
/// an escaped name or version sends the message to the slow path, which reads it properly.
struct Fast<'de> {
    envelope_version: Option<&'de str>,
    name: &'de str,
    payload: FastPayload<'de>,
}

/// `None` means "not the common case": the slow path decides what it is. A typed payload is
/// written to `slot`; it only counts when the whole message was read.
fn decode_fast<'de, C: EventCatalog>(
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
#[derive(Deserialize)]
#[serde(field_identifier)]
enum EnvelopeKey {
    #[serde(rename = "type")]
    Type,
    #[serde(rename = "schemaVersion")]
    SchemaVersion,
    #[serde(rename = "message")]
    Message,
    #[serde(other)]
    Other,
}

/// An event message's keys.
#[derive(Deserialize)]
#[serde(field_identifier)]
enum MessageKey {
    #[serde(rename = "eventName")]
    EventName,
    #[serde(rename = "value")]
    Value,
    #[serde(other)]
    Other,
}

struct EnvelopeVisitor<'s, C: EventCatalog> {
    slot: &'s mut Option<C::Received>,
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
                    is_event = map.next_value::<&'de str>()? == "event";
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

struct MessageSeed<'s, C: EventCatalog> {
    slot: &'s mut Option<C::Received>,
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

struct PayloadSeed<'n, 's, C: EventCatalog> {
    name: &'n str,
    slot: &'s mut Option<C::Received>,
}

impl<'de, C: EventCatalog> DeserializeSeed<'de> for PayloadSeed<'_, '_, C> {
    type Value = FastPayload<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        C::deserialize_received_fast(self.name, deserializer, self.slot)
    }
}

// ---- the slow path's loose reading -------------------------------------------------------------

#[derive(Deserialize)]
struct LooseEnvelope<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<&'a RawValue>,
    #[serde(rename = "schemaVersion", borrow, default)]
    schema_version: Option<&'a RawValue>,
    #[serde(borrow, default)]
    message: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct LooseEventMessage<'a> {
    #[serde(rename = "eventName", borrow, default)]
    event_name: Option<&'a RawValue>,
    #[serde(borrow, default)]
    value: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct PayloadVersion<'a> {
    #[serde(rename = "schemaVersion", borrow, default)]
    schema_version: Option<Cow<'a, str>>,
}

/// A string that borrows from the input when it can, and is read even when escaped. serde's own
/// `Cow<str>` impl always allocates (it reads a `String`).
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                text: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

fn not_sdk(reason: String) -> DecodeError {
    DecodeError::NotSdkMessage { reason }
}

fn json_error(error: &serde_json::Error) -> DecodeError {
    DecodeError::Json {
        line: error.line(),
        column: error.column(),
        message: strip_position(error),
    }
}

/// serde_json's message without its " at line L column C" suffix.
fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
}

/// "an array", "a string", ... for messages about the wrong kind of JSON.
fn json_kind(json: &str) -> &'static str {
    match json.trim_start().as_bytes().first() {
        Some(b'{') => "an object of another shape",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

fn required_string<'a>(raw: Option<&'a RawValue>, what: &str) -> Result<Cow<'a, str>, DecodeError> {
    let raw = raw.ok_or_else(|| not_sdk(format!("{what} is missing")))?;
    serde_json::from_str::<Text<'a>>(raw.get())
        .map(|text| text.0)
        .map_err(|_| {
            not_sdk(format!(
                "{what} must be a string, not {}",
                json_kind(raw.get())
            ))
        })
}

fn optional_string(raw: Option<&RawValue>, what: &str) -> Result<Option<String>, DecodeError> {
    raw.map(|raw| required_string(Some(raw), what).map(Cow::into_owned))
        .transpose()
}

/// The payload's own `schemaVersion`, when it is an object with a string there.
fn payload_schema_version(payload: &RawValue) -> Option<String> {
    serde_json::from_str::<PayloadVersion<'_>>(payload.get())
        .ok()?
        .schema_version
        .map(Cow::into_owned)
}

/// The payload with its `schemaVersion` set to `version`; `None` when it is not an object.
fn with_schema_version(payload: &RawValue, version: &SchemaVersion) -> Option<String> {
    let mut object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(payload.get()).ok()?;
    object.insert(
        "schemaVersion".into(),
        serde_json::Value::String(version.to_string()),
    );
    serde_json::to_string(&object).ok()
}

/// Decodes a message into one received-event type, which may borrow from `json` (a partner's own
/// `#[derive(partner_events::Event)]` view, say). `Ok(None)` when the message is another event or
/// not an event; a version of another major is [`DecodeError::InvalidPayload`] too, since `T`
/// cannot read it.
pub fn decode_as<'a, T>(json: &'a str) -> Result<Option<T>, DecodeError>
where
    T: crate::ReceivedEvent + Deserialize<'a>,
{
    if let Err(error) = serde_json::from_str::<IgnoredAny>(json) {
        return Err(json_error(&error));
    }
    let Ok(envelope) = serde_json::from_str::<LooseEnvelope<'a>>(json) else {
        return Ok(None);
    };
    let kind = required_string(envelope.kind, "`type`")?;
    let (Some(message), true) = (envelope.message, kind == "event") else {
        return Ok(None);
    };
    let Ok(event_message) = serde_json::from_str::<LooseEventMessage<'a>>(message.get()) else {
        return Ok(None);
    };
    let name = required_string(event_message.event_name, "`message.eventName`")?;
    if name != T::NAME {
        return Ok(None);
    }
    let payload = event_message
        .value
        .ok_or_else(|| not_sdk("the event message has no `value`".into()))?;
    let version = payload_schema_version(payload)
        .or(optional_string(envelope.schema_version, "`schemaVersion`")?)
        .unwrap_or_else(|| T::SCHEMA_VERSION.to_string());
    let invalid = |error| DecodeError::InvalidPayload {
        event: T::NAME.to_owned(),
        schema_version: version.clone(),
        error,
    };
    match SchemaVersion::parse(&version) {
        Some(sent) if sent.major == T::SCHEMA_VERSION.major => {}
        _ => {
            return Err(invalid(PayloadError::message_only(format!(
                "schema version `{version}` cannot be read as {} (major {})",
                T::SCHEMA_VERSION,
                T::SCHEMA_VERSION.major
            ))))
        }
    }
    crate::__private::read_payload(payload.get())
        .map(Some)
        .map_err(invalid)
}
