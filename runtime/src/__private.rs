//! Not public API: what generated code needs, reached through one path so that user code that
//! shadows `serde` or `Option` cannot break an expansion.

pub use serde;
pub use serde_json;

/// The bridge serializes its sends through the same per-thread buffer as [`crate::Sender`], and
/// composes its numbered frames in a per-thread buffer kept by the same rule: one implementation
/// of it, for the workspace's own crates.
pub use crate::json_buffer::{with_json, with_reused, Reusable};

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Deserializer, Serialize};

// The generated serde impls. The generated code is the list of fields and values of each type;
// the rules of reading and writing them are here, written once, and instantiated per type.

/// A generated struct's fields, read from a map. `Deserialize` for the struct is
/// [`deserialize_struct`]; this is the part that differs per type.
#[doc(hidden)]
pub trait FromMap: Sized {
    /// What an input of the wrong type is told: `struct AwInteractionHoldV1`, as serde says it.
    const EXPECTING: &'static str;

    /// Reads the fields from `map`: unknown keys are skipped, a repeated key is refused, a missing
    /// required field is refused.
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize` for a generated struct: from a map only. serde's derived structs also accept a
/// sequence of their fields in order (`["int-1", "1.0.0"]` would be a hold payload); the SDK's zod
/// objects refuse that, and so do the generated types.
pub fn deserialize_struct<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromMap,
{
    struct StructVisitor<T>(PhantomData<T>);

    impl<'de, T: FromMap> Visitor<'de> for StructVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_map(map)
        }
    }

    deserializer.deserialize_map(StructVisitor(PhantomData))
}

/// A map key, borrowed from the input when it can be.
pub struct Key<'de>(Cow<'de, str>);

impl std::ops::Deref for Key<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("field identifier")
            }

            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }

            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }

        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Reads the value of field `name` into its slot; a second value for the field is refused. The
/// slot's type says what is accepted: `Option<T>` for a field that must be a `T` when present
/// (`null` refused unless `T` is an `Option` itself), `Option<Option<T>>` for a nullable one.
pub fn field<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    field_with::<Plain, A, T>(map, slot, name)
}

/// [`field`], with the value read by `R`: for arrays, maps and unions, whose readers record where
/// inside them a read failed.
pub fn field_with<'de, R, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    R: Read<'de, T>,
    A: MapAccess<'de>,
{
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    match map.next_value_seed(ReadSeed::<R, T>(PhantomData)) {
        Ok(value) => {
            *slot = Some(value);
            Ok(())
        }
        Err(error) => {
            crate::error_path::push_key(name);
            Err(error)
        }
    }
}

/// Skips the value of a key the type does not have, as the SDK's zod objects ("strip") do.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A, key: &str) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>()
        .map(|_| ())
        .inspect_err(|_| crate::error_path::push_key(key.to_owned()))
}

/// How a field's value is read: [`Plain`] for most, [`Seq`], [`Map`] and [`Opt`] around the
/// reader of what they hold, and [`Union`]. The generator picks the reader from the field's
/// catalog type; each records, on an error, where inside the value it failed.
pub trait Read<'de, T> {
    /// Reads a `T`.
    fn read<D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>;
}

/// `T`'s own `Deserialize`.
pub struct Plain;

impl<'de, T: Deserialize<'de>> Read<'de, T> for Plain {
    fn read<D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }
}

/// An untagged union: it tries each alternative, and what a failed attempt recorded is not where
/// the union failed (serde_path_to_error, too, stops at the union).
pub struct Union;

impl<'de, T: Deserialize<'de>> Read<'de, T> for Union {
    fn read<D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        let mark = crate::error_path::mark();
        let value = T::deserialize(deserializer);
        crate::error_path::truncate(mark);
        value
    }
}

/// `null` or a value read by `R`, as serde reads an `Option`.
pub struct Opt<R>(PhantomData<R>);

impl<'de, T, R: Read<'de, T>> Read<'de, Option<T>> for Opt<R> {
    fn read<D: Deserializer<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
        struct OptVisitor<R, T>(PhantomData<(R, T)>);

        impl<'de, T, R: Read<'de, T>> Visitor<'de> for OptVisitor<R, T> {
            type Value = Option<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("option")
            }

            fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }

            fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }

            fn visit_some<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Option<T>, D::Error> {
                R::read(deserializer).map(Some)
            }
        }

        deserializer.deserialize_option(OptVisitor::<R, T>(PhantomData))
    }
}

/// An array whose items are read by `R`; an item that fails records its index.
pub struct Seq<R>(PhantomData<R>);

impl<'de, T, R: Read<'de, T>> Read<'de, Vec<T>> for Seq<R> {
    fn read<D: Deserializer<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
        struct SeqVisitor<R, T>(PhantomData<(R, T)>);

        impl<'de, T, R: Read<'de, T>> Visitor<'de> for SeqVisitor<R, T> {
            type Value = Vec<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                // as serde's own: a hint, capped, so that a lying length cannot allocate much
                let cap = seq.size_hint().unwrap_or(0).min(4096);
                let mut items = Vec::with_capacity(cap);
                loop {
                    match seq.next_element_seed(ReadSeed::<R, T>(PhantomData)) {
                        Ok(Some(item)) => items.push(item),
                        Ok(None) => return Ok(items),
                        Err(error) => {
                            crate::error_path::push_index(items.len());
                            return Err(error);
                        }
                    }
                }
            }
        }

        deserializer.deserialize_seq(SeqVisitor::<R, T>(PhantomData))
    }
}

/// A string-keyed map whose values are read by `R`; a value that fails records its key.
pub struct Map<R>(PhantomData<R>);

impl<'de, T, R: Read<'de, T>> Read<'de, BTreeMap<String, T>> for Map<R> {
    fn read<D: Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<String, T>, D::Error> {
        struct MapVisitor<R, T>(PhantomData<(R, T)>);

        impl<'de, T, R: Read<'de, T>> Visitor<'de> for MapVisitor<R, T> {
            type Value = BTreeMap<String, T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    match map.next_value_seed(ReadSeed::<R, T>(PhantomData)) {
                        Ok(value) => {
                            entries.insert(key, value);
                        }
                        Err(error) => {
                            crate::error_path::push_key(key);
                            return Err(error);
                        }
                    }
                }
                Ok(entries)
            }
        }

        deserializer.deserialize_map(MapVisitor::<R, T>(PhantomData))
    }
}

/// A reader as a `DeserializeSeed`.
struct ReadSeed<R, T>(PhantomData<(R, T)>);

impl<'de, T, R: Read<'de, T>> de::DeserializeSeed<'de> for ReadSeed<R, T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        R::read(deserializer)
    }
}

/// A required field's value: absent is refused, even for a nullable field (`null` must be
/// written).
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// `Deserialize` for a generated string enum or literal: one of `names`, as the value at the same
/// index of `values`. Anything else is refused with serde's "unknown variant" message.
pub fn deserialize_variant<'de, D, T>(
    deserializer: D,
    names: &'static [&'static str],
    values: &'static [T],
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Copy,
{
    struct VariantVisitor(&'static [&'static str]);

    impl Visitor<'_> for VariantVisitor {
        type Value = usize;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self.0 {
                [only] => write!(f, "the string `{only}`"),
                names => write!(f, "one of the strings `{}`", names.join("`, `")),
            }
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<usize, E> {
            self.0
                .iter()
                .position(|name| *name == value)
                .ok_or_else(|| E::unknown_variant(value, self.0))
        }
    }

    let index = deserializer.deserialize_str(VariantVisitor(names))?;
    Ok(values[index])
}

/// `Serialize` for a generated struct, field by field: the struct's header, with the number of
/// fields that will be written (the required ones and the optional ones that are present).
pub fn serialize_struct<S: Serializer>(
    serializer: S,
    name: &'static str,
    required: usize,
    present: &[bool],
) -> Result<S::SerializeStruct, S::Error> {
    let len = required + present.iter().filter(|present| **present).count();
    serializer.serialize_struct(name, len)
}

/// Writes a required field.
pub fn write<S, T>(fields: &mut S, name: &'static str, value: &T) -> Result<(), S::Error>
where
    S: SerializeStruct,
    T: ?Sized + Serialize,
{
    fields.serialize_field(name, value)
}

/// Writes an optional field when present (`Some(None)` of a nullable one is written as `null`).
pub fn write_optional<S, T>(
    fields: &mut S,
    name: &'static str,
    value: &Option<T>,
) -> Result<(), S::Error>
where
    S: SerializeStruct,
    T: Serialize,
{
    match value {
        Some(value) => fields.serialize_field(name, value),
        None => fields.skip_field(name),
    }
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
    read_payload(json).map(wrap)
}

/// Reads a whole payload as `T` with the plain serde_json deserializer (the one the one-pass
/// decoder uses, so each type's reader is compiled once), and on an error the path the generated
/// readers recorded (see `error_path`).
pub(crate) fn read_payload<'de, T>(json: &'de str) -> Result<T, crate::PayloadError>
where
    T: Deserialize<'de>,
{
    let mut deserializer = serde_json::Deserializer::from_str(json);
    crate::error_path::reset();
    let value = T::deserialize(&mut deserializer)
        .map_err(|error| crate::PayloadError::at_path(crate::error_path::take(), error))?;
    deserializer
        .end()
        .map_err(crate::PayloadError::from_json_error)?;
    Ok(value)
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
