//! Every message a handler sees has its delivery id, in the acknowledged protocol: also those
//! no method takes, which reach `fallback` (an unknown event, a message that is not an event, an
//! invalid one), so that its side effects can be made idempotent too.

mod support;

use partner_events_bridge::{Bridge, PageSender, Session};
use serde_json::{json, Value};
use support::{hello, next, open, send, SESSION};

/// Records, for every message no method takes, the delivery id its `fallback` sees.
struct Fallbacks {
    page: PageSender<Value>,
}

#[partner_events::handler]
impl Fallbacks {
    fn fallback(&mut self, unhandled: partner_events::Unhandled) {
        let what = match unhandled {
            partner_events::Unhandled::Message(message) => message.outcome().as_str(),
            partner_events::Unhandled::Invalid(_) => "invalid",
        };
        let delivery = partner_events::DeliveryId::current().map(|id| id.to_string());
        let _ = self
            .page
            .send(&json!({"fallback": what, "delivery": delivery}));
    }
}

#[tokio::test]
async fn every_message_a_fallback_sees_has_its_delivery_id() {
    let bridge = Bridge::new(|session: Session| Fallbacks {
        page: session.page_sender(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, bridge.into_router()).await.unwrap() });
    let mut client = open(address).await;
    hello(&mut client, SESSION, None, 0, 0).await;
    let unknown = json!({"type": "event", "schemaVersion": "1.0.0", "message": {"eventName": "made-up-v1", "value": {}}});
    let not_event = json!({"type": "response", "message": {}});
    let invalid = json!({"type": "event", "message": {"eventName": "aw-chat-init-v1", "value": {"interactionId": 7}}});
    for (seq, message) in [(1, unknown), (2, not_event), (3, invalid)] {
        send(&mut client, json!({"seq": seq, "event": message})).await;
    }
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let frame = next(&mut client).await.expect("the server answers");
        if let Some(page) = frame.get("page") {
            seen.push((page["fallback"].clone(), page["delivery"].clone()));
        }
    }
    assert_eq!(
        seen,
        [
            (json!("unknown_event"), json!(format!("{SESSION}/1"))),
            (json!("not_event"), json!(format!("{SESSION}/2"))),
            (json!("invalid"), json!(format!("{SESSION}/3"))),
        ]
    );
}
