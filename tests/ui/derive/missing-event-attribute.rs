use serde::Serialize;

#[derive(Serialize, partner_events::Event)]

#[serde(rename_all = "camelCase")]
struct Reply {
    interaction_id: String,
    message: String,
    schema_version: String,
}

fn main() {}
