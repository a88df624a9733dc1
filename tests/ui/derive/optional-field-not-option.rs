use serde::Deserialize;

#[derive(Deserialize, partner_events::Event)]
#[event(name = "global-user-details-v1", version = "1.0.0")]
#[serde(rename_all = "camelCase")]
struct User {
    customer_id: String,
    email: String,
    first_name: String,
    job_title: String,
    last_name: String,
    login_id: String,
    name: String,
    schema_version: String,
    user_id: String,
}

fn main() {}
