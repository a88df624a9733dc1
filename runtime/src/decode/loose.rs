//! The slow path's loose reading: the envelope and payload kept as raw JSON, so that anything
//! that is not the common case is classified precisely and kept byte for byte.

use super::*;

/// A host message's envelope, each key optional so that what is missing is said precisely.
///
/// The keys here and in [`LooseEventMessage`] are spelled in `crate::envelope`, but serde's
/// `rename` takes only a literal, so they are spelled again; `decode`'s tests hold the two
/// spellings together: this reading must find every key `envelope` writes.
#[derive(Deserialize)]
pub(super) struct LooseEnvelope<'a> {
    #[serde(rename = "type", borrow, default)]
    pub(super) kind: Option<&'a RawValue>,
    #[serde(rename = "schemaVersion", borrow, default)]
    pub(super) schema_version: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub(super) message: Option<&'a RawValue>,
}

/// An event message, the `message` of an event's envelope.
#[derive(Deserialize)]
pub(super) struct LooseEventMessage<'a> {
    #[serde(rename = "eventName", borrow, default)]
    pub(super) event_name: Option<&'a RawValue>,
    /// `null` is a value here, kept as the payload (an unknown event's comes back as it was sent;
    /// a known event's schema refuses it): only an absent `value` is missing.
    #[serde(borrow, default, deserialize_with = "present")]
    pub(super) value: Option<&'a RawValue>,
}

/// `Some` for any value, `null` included (serde's `Option` reads `null` as `None`).
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(deserializer).map(Some)
}

#[derive(Deserialize)]
pub(super) struct PayloadVersion<'a> {
    #[serde(rename = "schemaVersion", borrow, default)]
    pub(super) schema_version: Option<Cow<'a, str>>,
}

/// A string that borrows from the input when it can, and is read even when escaped. serde's own
/// `Cow<str>` impl always allocates (it reads a `String`).
pub(super) struct Text<'de>(pub(super) Cow<'de, str>);

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

pub(super) fn required_string<'a>(
    raw: Option<&'a RawValue>,
    what: &str,
) -> Result<Cow<'a, str>, DecodeError> {
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

pub(super) fn optional_string(
    raw: Option<&RawValue>,
    what: &str,
) -> Result<Option<String>, DecodeError> {
    raw.map(|raw| required_string(Some(raw), what).map(Cow::into_owned))
        .transpose()
}

/// The payload's own `schemaVersion`, when it is an object with a string there. (Not an array:
/// serde's derived structs read arrays too, and `["2.0.0"]` has no `schemaVersion`.)
pub(super) fn payload_schema_version(payload: &RawValue) -> Option<String> {
    if !payload.get().starts_with('{') {
        return None;
    }
    serde_json::from_str::<PayloadVersion<'_>>(payload.get())
        .ok()?
        .schema_version
        .map(Cow::into_owned)
}

/// The payload with its `schemaVersion` set to `version`; `None` when it is not an object. The
/// other values are kept as raw text, so a number JSON allows but `f64` cannot hold (`1e400`)
/// in a key the type ignores does not make the payload unreadable.
pub(super) fn with_schema_version(payload: &RawValue, version: &SchemaVersion) -> Option<String> {
    let mut object: std::collections::BTreeMap<String, &RawValue> =
        serde_json::from_str(payload.get()).ok()?;
    let version = serde_json::value::to_raw_value(&version.to_string()).ok()?;
    object.insert("schemaVersion".into(), &version);
    serde_json::to_string(&object).ok()
}
