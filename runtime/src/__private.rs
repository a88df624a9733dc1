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

/// What the one-pass decoder got for a payload: the typed event (written to the caller's slot,
/// so that the event is built once, where it will live, instead of being moved out through
/// every layer of the envelope's visitors), or the raw text to classify.
pub enum FastPayload<'de> {
    /// Decoded with the event's newest type, whose literal `schemaVersion` matched; the event is
    /// in the slot.
    Typed,
    /// Not decoded in the first pass.
    Raw(&'de serde_json::value::RawValue),
}

/// Wraps a deserializer so that structs are read only from JSON objects. serde's derived structs
/// also accept a sequence of their fields in order (`["int-1", "1.0.0"]` would be a hold
/// payload); the SDK's zod objects refuse that, and so must the generated types.
pub struct MapOnly<D>(pub D);

macro_rules! forward {
    ($($method:ident)*) => {
        $(
            fn $method<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
                self.0.$method(visitor)
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for MapOnly<D> {
    type Error = D::Error;

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(visitor)
    }

    forward! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: serde::de::Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: serde::de::Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, visitor)
    }

    fn deserialize_tuple<V: serde::de::Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, visitor)
    }

    fn deserialize_tuple_struct<V: serde::de::Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, visitor)
    }

    fn deserialize_enum<V: serde::de::Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}
