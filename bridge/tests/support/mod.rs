//! What the bridge's test files share: a client of the acknowledged protocol (open, hello, send,
//! read frames, wait for an acknowledgement) and a partner's principal type.
// each test file uses a part of it
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use partner_events_bridge::wire::ACKED_PROTOCOL;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The partner's own principal type, as its `authorize` check resolves a token: what a handler's
/// context gives back.
pub struct Agent {
    pub id: String,
    pub team: &'static str,
}

impl partner_events_bridge::Principal for Agent {
    fn key(&self) -> &str {
        &self.id
    }
}

pub async fn open(address: SocketAddr) -> Client {
    let mut request = format!("ws://{address}/events")
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    headers.insert("origin", format!("http://{address}").parse().unwrap());
    headers.insert("sec-websocket-protocol", ACKED_PROTOCOL.parse().unwrap());
    let (client, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(response.headers()["sec-websocket-protocol"], ACKED_PROTOCOL);
    client
}

/// Sends `frame`; a numbered event in the page module's spelling (`{"seq":N,"event":…}`, keys in
/// this order), which the bridge reads in one pass. (A frame sent as `frame.to_string()` has
/// serde_json's order, `event` first, and is read whole: tests that send so cover that path.)
pub async fn send(client: &mut Client, frame: Value) {
    let text = match (frame.get("seq"), frame.get("event")) {
        (Some(seq), Some(event)) if frame.as_object().map(|keys| keys.len()) == Some(2) => {
            format!(r#"{{"seq":{seq},"event":{event}}}"#)
        }
        _ => frame.to_string(),
    };
    client.send(Message::text(text)).await.unwrap();
}

pub async fn hello(
    client: &mut Client,
    session: &str,
    key: Option<&str>,
    acked: u64,
    received: u64,
) -> Value {
    send(
        client,
        json!({"hello": {"session": session, "key": key, "acked": acked, "received": received}}),
    )
    .await;
    let welcome = next(client).await.expect("a welcome");
    welcome["welcome"].clone()
}

/// The next frame as JSON; `None` once the connection closed.
pub async fn next(client: &mut Client) -> Option<Value> {
    next_or_close(client).await.ok()
}

/// Reads to the end of the connection; the close frame's code (`None`: no close frame).
pub async fn close_code(client: &mut Client) -> Option<u16> {
    loop {
        if let Err(code) = next_or_close(client).await {
            return code;
        }
    }
}

/// Every frame until the close, and the close's code.
pub async fn frames_until_close(client: &mut Client) -> (Vec<Value>, Option<u16>) {
    let mut frames = Vec::new();
    loop {
        match next_or_close(client).await {
            Ok(frame) => frames.push(frame),
            Err(code) => return (frames, code),
        }
    }
}

pub async fn next_or_close(client: &mut Client) -> Result<Value, Option<u16>> {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), client.next())
            .await
            .expect("the server answers within 10 s");
        match frame {
            Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text).unwrap()),
            Some(Ok(Message::Close(frame))) => return Err(frame.map(|f| u16::from(f.code))),
            None | Some(Err(_)) => return Err(None),
            Some(Ok(_)) => continue,
        }
    }
}

pub fn chat(seq: u64, id: &str) -> Value {
    json!({"seq": seq, "event": {"type": "event", "schemaVersion": "1.0.0", "message": {"eventName": "aw-chat-init-v1", "value": {"interactionId": id, "messages": [], "schemaVersion": "1.0.0"}}}})
}

/// Reads frames until the server acknowledges `seq`; returns the numbered frames before it.
pub async fn until_ack(client: &mut Client, seq: u64) -> Vec<Value> {
    let mut numbered = Vec::new();
    loop {
        let frame = next(client).await.expect("the connection stays open");
        if frame["ack"].as_u64().is_some_and(|acked| acked >= seq) {
            return numbered;
        }
        if frame.get("seq").is_some() {
            numbered.push(frame);
        }
    }
}

pub const SESSION: &str = "test-session-0000000001";
