//! What the decode benchmark and the `decode_loop` example share: the small message and the floor
//! they compare `partner_events::decode` with, so that both measure against the same thing.

use serde::Deserialize;

/// The small message: a hold event, 178 bytes.
pub const HOLD: &str = r#"{"type":"event","schemaVersion":"1.0.0","message":{"eventName":"aw-interaction-hold-v1","value":{"interactionId":"9b2f6c1e-5d4a-4f6b-8e1a-2c3d4e5f6a7b","schemaVersion":"1.0.0"}}}"#;

/// Baseline (a), the floor for a serde-based decoder: the envelope, with the payload type known
/// in advance. Fields are read by serde only.
#[derive(Deserialize)]
#[allow(dead_code)]
pub struct KnownEnvelope<'a, T> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(rename = "schemaVersion")]
    schema_version: &'a str,
    #[serde(borrow)]
    message: KnownMessage<'a, T>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct KnownMessage<'a, T> {
    #[serde(rename = "eventName")]
    event_name: &'a str,
    value: T,
}
