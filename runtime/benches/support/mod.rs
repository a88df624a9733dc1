//! What the decode benchmark, the `decode_loop` example and the in-page benchmark
//! (`tests/wasm-check`, through a link to this file) share: the small and the large message,
//! and the floor they compare `partner_events::decode` with, so that all measure the same thing.

use serde::Deserialize;

/// The small message: a hold event, 178 bytes.
pub const HOLD: &str = r#"{"type":"event","schemaVersion":"1.0.0","message":{"eventName":"aw-interaction-hold-v1","value":{"interactionId":"9b2f6c1e-5d4a-4f6b-8e1a-2c3d4e5f6a7b","schemaVersion":"1.0.0"}}}"#;

/// chat-init with 20 messages, each with attachments and every optional field.
pub fn chat_init() -> String {
    let message = |i: usize| {
        format!(
            r#"{{"attachments":[{{"filename":"photo-{i}.png","id":"att-{i}","meta":{{"originalHeight":1080,"originalWidth":1920,"thumbnailContentType":"image/png","thumbnailHeight":108,"thumbnailWidth":192}},"size":204800,"thumbnailUrl":"https://cdn.example.com/t/{i}.png","type":"image"}},{{"filename":"notes-{i}.pdf","id":"att-{i}b","meta":null,"size":1024,"type":"document"}}],"author":{{"email":"customer{i}@example.com","id":"cust-{i}","name":"Customer {i}"}},"botName":"Helper","displayName":"Customer {i}","id":"msg-{i}","isBot":false,"isDeleted":false,"lastUpdatedTimestamp":1751445666638,"meta":{{"app":"webchat","conversation_id":"conv-1","conversation_message_id":"cm-{i}","has_cards":"false","type":"text"}},"msgStatus":"delivered","originalMessage":"Hello, I have a question about order {i}","rawMessage":{{"text":"Hello, I have a question about order {i}","lang":"en"}},"resent":false,"timestamp":1751445666638,"translatedMessage":"Bonjour, j'ai une question sur la commande {i}","type":"text","variables":{{"orderId":"{i}","channel":"web"}}}}"#
        )
    };
    let messages: Vec<String> = (0..20).map(message).collect();
    format!(
        r#"{{"type":"event","schemaVersion":"1.0.0","message":{{"eventName":"aw-chat-init-v1","value":{{"interactionId":"int-7","messages":[{}],"schemaVersion":"1.0.0"}}}}}}"#,
        messages.join(",")
    )
}

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
