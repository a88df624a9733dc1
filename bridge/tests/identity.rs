//! Whom a message came from, in the acknowledged protocol: every message of a session that the
//! partner's `authorize` check identified carries its principal (a handler method's context, a
//! page message, `fallback`), also after the page resumes its session on a new connection.

mod support;

use partner_events::events::AwChatInitV1;
use partner_events::{DeliveryId, EventContext};
use partner_events_bridge::{Bridge, PageHandler, PageSender, Session, Unauthorized};
use serde_json::{json, Value};
use support::{chat, next, open, send, until_ack, Agent, Client, SESSION};

#[derive(serde::Deserialize)]
struct Click {
    #[allow(dead_code)] // the page's message only has to arrive
    n: u64,
}

/// A handler whose methods are all synchronous (its `route` runs them as it is called), telling
/// the page what each message's context says: its delivery, and whom it came from.
struct WhoAmI {
    page: PageSender<Value>,
}

#[partner_events::handler]
impl WhoAmI {
    fn on_chat(&mut self, _chat: AwChatInitV1, context: &EventContext) {
        let said = json!({
            "method": context.delivery.as_ref().map(ToString::to_string),
            "agent": context.identity.as_ref().map(|identity| identity.key().to_owned()),
            "team": context.principal::<Agent>().map(|agent| agent.team),
            "hasPage": self.page.has_page(),
        });
        let _ = self.page.send(&said);
    }

    fn fallback(&mut self, _unhandled: partner_events::Unhandled) {
        let agent = partner_events::Identity::current().map(|identity| identity.key().to_owned());
        let _ = self.page.send(&json!({"fallback": agent}));
    }
}

impl PageHandler for WhoAmI {
    type FromPage = Click;

    async fn on_page_message(&mut self, _click: Click, _delivery: &DeliveryId) {
        let agent = partner_events::Identity::current().map(|identity| identity.key().to_owned());
        let _ = self.page.send(&json!({"page": agent}));
    }
}

/// The page frames the server sends until it acknowledges `seq`.
async fn pages_until_ack(client: &mut Client, seq: u64) -> Vec<Value> {
    until_ack(client, seq)
        .await
        .into_iter()
        .filter_map(|frame| frame.get("page").cloned())
        .collect()
}

#[tokio::test]
async fn every_message_of_an_identified_session_carries_its_principal_also_after_a_resume() {
    let bridge = Bridge::new(|session: Session| WhoAmI {
        page: session.page_sender(),
    })
    .page_messages()
    .authorize(|token| async move {
        match token.as_deref() {
            Some("token-of-agent-9") => Ok(Agent {
                id: "agent-9".into(),
                team: "blue",
            }),
            _ => Err(Unauthorized::new("not the test's token")),
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, bridge.into_router()).await.unwrap() });
    let hello = |key: &Value, acked: u64, received: u64| json!({"hello": {"session": SESSION, "key": key, "token": "token-of-agent-9", "acked": acked, "received": received}});

    let mut client = open(address).await;
    send(&mut client, hello(&Value::Null, 0, 0)).await;
    let key = next(&mut client).await.unwrap()["welcome"]["key"].clone();
    send(&mut client, chat(1, "c-1")).await;
    send(&mut client, json!({"seq": 2, "page": {"n": 1}})).await;
    send(
        &mut client,
        json!({"seq": 3, "event": {"type": "response", "message": {}}}),
    )
    .await;
    assert_eq!(
        pages_until_ack(&mut client, 3).await,
        [
            json!({"method": format!("{SESSION}/1"), "agent": "agent-9", "team": "blue", "hasPage": true}),
            json!({"page": "agent-9"}),
            json!({"fallback": "agent-9"}),
        ]
    );

    // the network drops; the page resumes its session on a new connection
    drop(client);
    let mut client = open(address).await;
    send(&mut client, hello(&key, 3, 3)).await;
    assert_eq!(next(&mut client).await.unwrap()["welcome"]["resumed"], true);
    send(&mut client, chat(4, "c-4")).await;
    assert_eq!(
        pages_until_ack(&mut client, 4).await,
        [
            json!({"method": format!("{SESSION}/4"), "agent": "agent-9", "team": "blue", "hasPage": true})
        ]
    );
}
