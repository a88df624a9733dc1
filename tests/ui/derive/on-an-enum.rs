#[derive(partner_events::Event)]
#[event(name = "aw-chat-message-received-v1", version = "1.0.0")]
enum Reply {
    A,
}

fn main() {}
