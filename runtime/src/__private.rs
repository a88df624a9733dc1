//! Not public API: what generated code needs, reached through one path so that user code that
//! shadows `serde` or `Option` cannot break an expansion.

pub use serde;
pub use serde_json;

use serde::{Deserialize, Deserializer};

/// For optional fields: a present value must be a `T` (so `null` is refused unless `T` is itself
/// an `Option`), and an absent one is `None` through `#[serde(default)]`.
pub fn some<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// For required nullable fields: with `deserialize_with`, serde reports a missing key instead of
/// quietly reading it as `None`.
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer)
}

/// One event type of a dispatch table: its name, its version, and how to decode its payload.
pub struct Entry<E> {
    /// The wire name.
    pub name: &'static str,
    /// The schema version.
    pub version: crate::SchemaVersion,
    /// The event's lifecycle.
    pub lifecycle: crate::Lifecycle,
    /// Decodes a payload of this type, wrapped in the dispatch enum.
    pub decode: fn(&str) -> Result<E, crate::PayloadError>,
}

/// Decodes a payload, keeping the JSON path of the first field that does not fit.
pub fn decode_payload<T, E>(json: &str, wrap: fn(T) -> E) -> Result<E, crate::PayloadError>
where
    T: serde::de::DeserializeOwned,
{
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let value: T = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(crate::PayloadError::from_path_error)?;
    deserializer
        .end()
        .map_err(crate::PayloadError::from_json_error)?;
    Ok(wrap(value))
}

/// What the one-pass decoder got for a payload: the typed event, or the raw text to classify.
pub enum FastPayload<'de, R> {
    /// Decoded with the event's newest type, whose literal `schemaVersion` matched.
    Typed(R),
    /// Not decoded in the first pass.
    Raw(&'de serde_json::value::RawValue),
}
