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
//!
//! One step per file: this one holds the decoded message's types, the [`Decoder`] and the
//! classification; `fast` the one-pass decoder; `loose` the slow path's loose reading; `error` the
//! reasons a message is refused.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

mod error;
mod fast;
mod loose;

pub use error::DecodeError;
use error::{json_error, json_kind, not_sdk, strip_position};
use fast::*;
use loose::*;

use crate::__private::FastPayload;
use crate::envelope;
use crate::{
    AnyEvent, CatalogDate, EventCatalog, GetEventsResponse, LifecycleStatus, PayloadError,
    SchemaVersion,
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
#[non_exhaustive]
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
}

/// A message that is not an event (`response`, `error`, `message`, `file-transfer`, ...).
#[derive(Debug, Clone)]
#[non_exhaustive]
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
#[non_exhaustive]
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

/// How a message decoded, in one word: what the command-line tool's `decode` report says and
/// what the bridge's metrics count by (`outcome` label). The one place these words are spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// A catalog event at a version the catalog has.
    Ok,
    /// A catalog event at a newer compatible version (read as the newest the catalog has).
    NewerCompatible,
    /// An event the catalog does not know.
    UnknownEvent,
    /// A catalog event at a version the catalog cannot decode.
    UnknownVersion,
    /// Not an event (a `response`, an `error`, ...).
    NotEvent,
    /// Not a message, or refused by its schema.
    Invalid,
}

impl Outcome {
    /// The outcome of a decode.
    pub fn of<R>(decoded: &Result<Message<R>, DecodeError>) -> Outcome {
        match decoded {
            Ok(message) => message.outcome(),
            Err(_) => Outcome::Invalid,
        }
    }

    /// `ok`, `newer_compatible`, `unknown_event`, `unknown_version`, `not_event` or `invalid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::NewerCompatible => "newer_compatible",
            Outcome::UnknownEvent => "unknown_event",
            Outcome::UnknownVersion => "unknown_version",
            Outcome::NotEvent => "not_event",
            Outcome::Invalid => "invalid",
        }
    }
}

impl<R> Message<R> {
    /// How this message decoded (a decoded message is never [`Outcome::Invalid`]).
    pub fn outcome(&self) -> Outcome {
        match self {
            Message::Event(event) => match event.version {
                VersionMatch::Exact => Outcome::Ok,
                VersionMatch::NewerCompatible { .. } => Outcome::NewerCompatible,
            },
            Message::UnknownEvent { .. } => Outcome::UnknownEvent,
            Message::UnknownVersion { .. } => Outcome::UnknownVersion,
            Message::NotEvent(_) => Outcome::NotEvent,
        }
    }
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
    ///
    /// `Ok` only for text that is exactly one JSON value (whitespace around it aside): a host may
    /// take a successful decode as the check that the text is whole (the WebSocket bridge reads
    /// its page's frames so, without reading the event twice). Trailing text is an error.
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
        if kind != envelope::EVENT {
            let get_events = if kind == crate::envelope::RESPONSE {
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
        }))
    }
}

impl<R: AnyEvent + Serialize> Message<R> {
    /// The message as the SDK sends it: `{"type":…,"schemaVersion":…,"message":…}`. Decoding the
    /// result gives this message back (a newer compatible version comes back as the catalog's).
    pub fn to_json(&self) -> String {
        let result = match self {
            Message::Event(decoded) => envelope::event_message_text(
                decoded.envelope_version.as_deref(),
                decoded.event.event_name(),
                &decoded.event,
            ),
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
            } => envelope::event_message_text(envelope_version.as_deref(), name, payload),
            Message::NotEvent(non_event) => envelope::host_message_text(
                &non_event.kind,
                non_event.envelope_version.as_deref(),
                &non_event.message,
            ),
        };
        // Generated payload types, strings and raw JSON always serialize.
        result.expect("serializing a decoded message cannot fail")
    }
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
    let (Some(message), true) = (envelope.message, kind == envelope::EVENT) else {
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

/// The decoders' keys are serde `rename` literals, the writers' are `crate::envelope`'s
/// constants: these tests hold the two spellings together, since no compiler does.
#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::events::Catalog;

    /// The fuzzer's find (`roundtrip`): a timestamp past `u64` is a float, which serde_json's
    /// default parser read one unit in the last place off, so the message re-encoded decoded to
    /// another number. Read exactly (`float_roundtrip`), a decode and re-encode is stable.
    #[test]
    fn a_float_re_encoded_decodes_to_the_same_float() {
        let message = concat!(
            r#"{"type":"event","schemaVersion":"1.0.0","message":{"eventName":"aw-chat-init-v1","#,
            r#""value":{"interactionId":"int-1","schemaVersion":"1.0.0","messages":[{"id":"m1","#,
            r#""rawMessage":"Hi","type":"text","timestamp":1751445651445666666638}]}}}"#
        );
        let once = decode(message).unwrap().to_json();
        assert!(once.contains("1.7514456514456665e+21"), "{once}");
        assert_eq!(decode(&once).unwrap().to_json(), once);
    }

    #[test]
    fn only_text_that_is_exactly_one_json_value_decodes() {
        let decoder = Decoder::<Catalog>::new();
        // one message on the typed one-pass path, one on the slower path (not an event)
        for whole in [
            hold_message(),
            r#"{"type":"response","message":{}}"#.to_owned(),
        ] {
            assert!(decoder.decode(&whole).is_ok(), "{whole}");
            assert!(decoder.decode(&format!(" {whole}\n")).is_ok(), "{whole}");
            for trailing in [r#","ack":1"#, " x", "}", "{}"] {
                let text = format!("{whole}{trailing}");
                assert!(decoder.decode(&text).is_err(), "{text}");
            }
        }
        assert!(decoder.decode("null").is_err());
    }

    fn hold_message() -> String {
        let payload = json!({"interactionId": "int-1", "schemaVersion": "1.0.0"});
        envelope::event_message_text(Some("1.0.0"), "aw-interaction-hold-v1", &payload).unwrap()
    }

    /// The one-pass decoder takes the common case as `envelope` writes it; were a key spelled
    /// otherwise, it would leave the message to the slow path and this would fail.
    #[test]
    fn the_one_pass_decoder_reads_what_envelope_writes() {
        let text = hold_message();
        let mut slot = None;
        let fast = decode_fast::<Catalog>(&text, &mut slot).expect("the one-pass decoder reads it");
        assert_eq!(fast.envelope_version, Some("1.0.0"));
        assert_eq!(fast.name, "aw-interaction-hold-v1");
        assert!(matches!(fast.payload, FastPayload::Typed));
        assert!(slot.is_some());
    }

    /// The slow path's loose reading finds every key `envelope` writes.
    #[test]
    fn the_loose_reading_finds_what_envelope_writes() {
        let text = hold_message();
        let read: LooseEnvelope<'_> = serde_json::from_str(&text).unwrap();
        assert_eq!(read.kind.map(RawValue::get), Some(r#""event""#));
        assert_eq!(read.schema_version.map(RawValue::get), Some(r#""1.0.0""#));
        let message: LooseEventMessage<'_> =
            serde_json::from_str(read.message.expect("a message").get()).unwrap();
        assert_eq!(
            message.event_name.map(RawValue::get),
            Some(r#""aw-interaction-hold-v1""#)
        );
        assert!(message.value.is_some());
    }
}
