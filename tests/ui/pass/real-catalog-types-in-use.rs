#![deny(warnings)]

use partner_events::events::{AwChatMessageReceivedV1, AwChatMessageReceivedV1SchemaVersion, AwInteractionHoldV1};
use partner_events::Event;

fn main() {
    let hold: AwInteractionHoldV1 =
        serde_json::from_str(r#"{"interactionId":"i","schemaVersion":"1.0.0"}"#).unwrap();
    assert_eq!(hold.interaction_id, "i");
    let reply = AwChatMessageReceivedV1 {
        interaction_id: "i".into(),
        message: "hello".into(),
        schema_version: AwChatMessageReceivedV1SchemaVersion::V1_0_0,
    };
    assert_eq!(AwChatMessageReceivedV1::NAME, "aw-chat-message-received-v1");
    let _ = serde_json::to_string(&reply).unwrap();
}
