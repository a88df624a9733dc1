use serde::Serialize;

#[derive(Serialize, partner_events::Event)]
#[event(name = "aw-chat-message-received-v1", version = "1.0.0")]
#[serde(rename_all = "camelCase")]
struct Reply {
    interaction_id: Option<String>,
    message: String,
    schema_version: String,
}

fn main() {}
