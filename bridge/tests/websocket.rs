//! The bridge's WebSocket layer end to end, on the acknowledged protocol, whose first frame is the
//! hello: a ping may come before it, and a first frame the layer refuses closes the connection
//! with RFC 6455's code for it, after the error frame. (The plain wire's are in `safety.rs`.)

mod support;

use futures_util::SinkExt;
use partner_events::events::AwChatInitV1;
use partner_events::EventContext;
use partner_events_bridge::Bridge;
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

use support::{close_code, hello, next, next_or_close, open, SESSION};

/// A handler that takes chats and does nothing.
struct Quiet;

#[partner_events::handler]
impl Quiet {
    fn on_chat(&mut self, _chat: AwChatInitV1, _context: &EventContext) {}
}

async fn serve() -> std::net::SocketAddr {
    let bridge = Bridge::new(|_session| Quiet).max_message_bytes(1024);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, bridge.into_router()).await.unwrap() });
    address
}

fn error_text(frame: &Value) -> &str {
    frame["error"]["message"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_ping_before_the_hello_is_answered_and_the_hello_still_taken() {
    let address = serve().await;
    let mut client = open(address).await;
    client
        .send(Message::Ping(b"anyone?".to_vec().into()))
        .await
        .unwrap();
    let welcome = hello(&mut client, SESSION, None, 0, 0).await;
    assert_eq!(welcome["resumed"], false, "{welcome}");
}

#[tokio::test]
async fn a_first_frame_over_the_size_limit_closes_with_1009_after_the_error_frame() {
    let address = serve().await;
    let mut client = open(address).await;
    client.send(Message::text("x".repeat(2048))).await.unwrap();
    let error = next(&mut client).await.expect("an error frame");
    assert!(
        error_text(&error).contains("over the limit of 1024"),
        "{error}"
    );
    assert_eq!(close_code(&mut client).await, Some(1009));
}

#[tokio::test]
async fn a_first_frame_that_is_not_text_closes_with_the_protocols_own_code() {
    let address = serve().await;
    let mut client = open(address).await;
    client
        .send(Message::binary(b"\x00\x01".to_vec()))
        .await
        .unwrap();
    let error = next_or_close(&mut client).await.expect("an error frame");
    assert_eq!(
        error_text(&error),
        "the first frame must be the hello, as text"
    );
    assert_eq!(
        close_code(&mut client).await,
        Some(partner_events_bridge::wire::close::PROTOCOL)
    );
}
