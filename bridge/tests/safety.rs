//! The bridge's safety rules, each against a real server on loopback: origins, tokens, the size
//! limit, invalid messages, panicking handlers, and replies reaching only their own session.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use partner_events::events::{AwChatInitV1, AwChatMessageReceivedV1, AwInteractionHoldV1};
use partner_events_bridge::wire::ServerFrame;
use partner_events_bridge::{Bridge, Session, Unauthorized};
use serde_json::json;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

mod support;

use support::Agent;

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

struct TestApp {
    session: Session,
}

#[partner_events::handler]
impl TestApp {
    async fn on_chat(&mut self, chat: AwChatInitV1) {
        let reply = AwChatMessageReceivedV1 {
            message: format!(
                "session {} token {:?} agent {:?}",
                self.session.id(),
                self.session.token(),
                self.session.agent()
            ),
            interaction_id: chat.interaction_id,
            schema_version: Default::default(),
        };
        self.session.send(&reply).expect("the page is connected");
    }

    fn on_hold(&mut self, hold: AwInteractionHoldV1) {
        assert_ne!(hold.interaction_id, "boom", "a handler bug");
    }
}

async fn serve<H>(bridge: Bridge<H>) -> SocketAddr
where
    H: partner_events::Handler + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, bridge.into_router()).await.unwrap() });
    address
}

fn app() -> Bridge<TestApp> {
    Bridge::new(|session| TestApp { session })
}

async fn connect(
    address: SocketAddr,
    query: &str,
    origin: Option<&str>,
) -> Result<Client, WsError> {
    let mut request = format!("ws://{address}/events{query}")
        .into_client_request()
        .unwrap();
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(client, _)| client)
}

fn same_origin(address: SocketAddr) -> String {
    format!("http://{address}")
}

fn chat_init(id: &str) -> String {
    format!(
        r#"{{"type":"event","schemaVersion":"1.0.0","message":{{"eventName":"aw-chat-init-v1","value":{{"interactionId":"{id}","messages":[],"schemaVersion":"1.0.0"}}}}}}"#
    )
}

fn hold(id: &str) -> String {
    format!(
        r#"{{"type":"event","schemaVersion":"1.0.0","message":{{"eventName":"aw-interaction-hold-v1","value":{{"interactionId":"{id}","schemaVersion":"1.0.0"}}}}}}"#
    )
}

/// The next frame from the server, as the wire defines it; `None` when the connection closed.
async fn next(client: &mut Client) -> Option<ServerFrame> {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), client.next())
            .await
            .expect("the server answers within 10 s");
        match frame {
            Some(Ok(Message::Text(text))) => {
                return Some(serde_json::from_str(&text).expect("a frame of the wire"))
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => continue,
        }
    }
}

fn reply_to(frame: Option<ServerFrame>) -> (String, String) {
    match frame {
        Some(ServerFrame::SendEvent { name, data }) => {
            assert_eq!(name, "aw-chat-message-received-v1");
            (
                data["interactionId"].as_str().unwrap().to_owned(),
                data["message"].as_str().unwrap().to_owned(),
            )
        }
        other => panic!("expected a reply, got {other:?}"),
    }
}

fn error_of(frame: Option<ServerFrame>) -> String {
    match frame {
        Some(ServerFrame::Error { message }) => message,
        other => panic!("expected an error frame, got {other:?}"),
    }
}

fn refused_with(result: Result<Client, WsError>) -> (u16, String) {
    match result {
        Err(WsError::Http(response)) => (
            response.status().as_u16(),
            String::from_utf8_lossy(response.body().as_deref().unwrap_or_default()).into_owned(),
        ),
        Err(other) => panic!("refused, but not by HTTP: {other}"),
        Ok(_) => panic!("the handshake was accepted"),
    }
}

#[tokio::test]
async fn only_allowed_origins_open_sessions() {
    let address = serve(
        app()
            .allow_origin("http://localhost:3000")
            .allow_origin("http://127.0.0.1:3000"),
    )
    .await;
    for allowed in ["http://localhost:3000", "http://127.0.0.1:3000"] {
        let mut client = connect(address, "", Some(allowed)).await.expect(allowed);
        client.send(Message::text(chat_init("c1"))).await.unwrap();
        assert_eq!(reply_to(next(&mut client).await).0, "c1");
    }
    for refused in ["http://evil.example", "http://localhost:3001"] {
        let (status, body) = refused_with(connect(address, "", Some(refused)).await);
        assert_eq!(status, 403, "{refused}");
        // the caller's own origin, and how the operator allows one; no allowed origin
        assert_eq!(
            body,
            format!("origin `{refused}` is not allowed here; the server's operator allows an origin with `Bridge::allow_origin`")
        );
        assert!(
            !body.contains("localhost:3000") && !body.contains("127.0.0.1"),
            "{body}"
        );
    }
    let (status, body) = refused_with(connect(address, "", None).await);
    assert_eq!(status, 403);
    assert!(
        body.starts_with("the handshake has no Origin header"),
        "{body}"
    );

    // with no origin configured, only the bridge's own
    let address = serve(app()).await;
    assert!(connect(address, "", Some(&same_origin(address)))
        .await
        .is_ok());
    let (status, body) = refused_with(connect(address, "", Some("http://localhost:1")).await);
    assert_eq!(status, 403);
    assert!(
        body.contains("allow it with `Bridge::allow_origin`"),
        "{body}"
    );
}

#[tokio::test]
async fn the_partners_token_check_runs_before_a_session_starts() {
    let address = serve(app().authorize(|token| async move {
        // the partner's look-up: a token names an agent, whom the session then belongs to
        match token.as_deref() {
            Some("agent-7") => Ok("agent-7".to_owned()),
            Some("agent 7+é") => Ok("agent-7e".to_owned()),
            _ => Err(Unauthorized::new("no agent has this token")),
        }
    }))
    .await;
    let origin = same_origin(address);
    let mut client = connect(address, "?token=agent-7", Some(&origin))
        .await
        .unwrap();
    client.send(Message::text(chat_init("c1"))).await.unwrap();
    let (_, message) = reply_to(next(&mut client).await);
    assert!(
        message.ends_with(r#"token Some("agent-7") agent Some("agent-7")"#),
        "{message}"
    );

    // the query string is form-encoded: the token is decoded, whatever else the query holds
    let mut client = connect(address, "?lang=en&token=agent%207%2B%C3%A9", Some(&origin))
        .await
        .unwrap();
    client.send(Message::text(chat_init("c2"))).await.unwrap();
    let (_, message) = reply_to(next(&mut client).await);
    assert!(
        message.ends_with(r#"token Some("agent 7+é") agent Some("agent-7e")"#),
        "{message}"
    );

    for query in ["?token=agent-8", "", "?token="] {
        let (status, body) = refused_with(connect(address, query, Some(&origin)).await);
        assert_eq!(
            (status, body.as_str()),
            (
                401,
                "the session's token was refused: no agent has this token"
            ),
            "{query}"
        );
    }
}

#[tokio::test]
async fn an_invalid_message_gets_an_error_frame_and_the_session_goes_on() {
    let address = serve(app()).await;
    let mut client = connect(address, "", Some(&same_origin(address)))
        .await
        .unwrap();
    client
        .send(Message::text(chat_init("before")))
        .await
        .unwrap();
    client
        .send(Message::text("this line is not JSON"))
        .await
        .unwrap();
    client
        .send(Message::text(r#"{"type":"event"}"#))
        .await
        .unwrap();
    client
        .send(Message::text(r#"{"type":"event","schemaVersion":"1.0.0","message":{"eventName":"aw-interaction-hold-v1","value":{"interactionId":5}}}"#))
        .await
        .unwrap();
    client
        .send(Message::binary(b"\x00\x01".to_vec()))
        .await
        .unwrap();
    client
        .send(Message::text(chat_init("after")))
        .await
        .unwrap();

    assert_eq!(reply_to(next(&mut client).await).0, "before");
    assert_eq!(
        error_of(next(&mut client).await),
        "not JSON: expected ident at line 1 column 2"
    );
    assert_eq!(
        error_of(next(&mut client).await),
        "not an SDK message: the envelope has no `message`"
    );
    assert!(error_of(next(&mut client).await)
        .starts_with("`aw-interaction-hold-v1` 1.0.0 payload refused at `interactionId`"));
    assert!(error_of(next(&mut client).await).starts_with("a binary frame is not an SDK message"));
    assert_eq!(reply_to(next(&mut client).await).0, "after");
}

#[tokio::test]
async fn messages_over_the_size_limit_are_refused() {
    let address = serve(app().max_message_bytes(1024)).await;
    let origin = same_origin(address);
    let mut other = connect(address, "", Some(&origin)).await.unwrap();
    let mut client = connect(address, "", Some(&origin)).await.unwrap();
    let padded = chat_init(&"x".repeat(1000));
    assert!(padded.len() > 1024);
    client.send(Message::text(padded)).await.unwrap();
    let error = error_of(next(&mut client).await);
    assert!(
        error.contains("messages may be at most 1024 bytes"),
        "{error}"
    );
    // with RFC 6455's code for a message too big
    let close = tokio::time::timeout(Duration::from_secs(10), client.next())
        .await
        .expect("the close in time");
    match close {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 1009),
        other => panic!("not a close frame: {other:?}"),
    }

    // the limit is the bridge's, not the session's: others go on, and a new connection works
    other.send(Message::text(chat_init("other"))).await.unwrap();
    assert_eq!(reply_to(next(&mut other).await).0, "other");
    let mut again = connect(address, "", Some(&origin)).await.unwrap();
    again
        .send(Message::text(chat_init(&"x".repeat(800))))
        .await
        .unwrap();
    assert_eq!(reply_to(next(&mut again).await).0.len(), 800);
}

#[tokio::test]
async fn the_acknowledged_protocol_tells_the_page_the_limit_and_takes_a_message_it_gave_up_on() {
    let bridge = app().max_message_bytes(1024);
    let stats = bridge.stats();
    let address = serve(bridge).await;
    let mut client = support::open(address).await;
    let welcome = support::hello(&mut client, support::SESSION, None, 0, 0).await;
    assert_eq!(welcome["maxMessageBytes"], 1024);

    // message 1 was numbered before the page knew the limit, and is over it: the page gives up
    // on it, and what comes after it is handled (sent instead, it would end each connection)
    support::send(&mut client, json!({"seq": 1, "skipped": {"bytes": 5000}})).await;
    support::send(&mut client, support::chat(2, "after")).await;
    let replies = support::until_ack(&mut client, 2).await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert_eq!(replies[0]["sendEvent"]["data"]["interactionId"], "after");
    let snapshot = stats.snapshot();
    assert_eq!((snapshot.page_drops, snapshot.messages_handled), (1, 1));

    // one kind per numbered frame, as ever; and a bad `skipped` is refused with its number: the
    // page must resend it for anything after it to be handled
    let key = welcome["key"].as_str().unwrap().to_owned();
    for (frame, says) in [
        (
            json!({"seq": 3, "skipped": {"bytes": 1}, "event": {}}),
            "exactly one of `event`, `page` and `skipped`",
        ),
        (
            json!({"seq": 3, "skipped": {"bytes": "many"}}),
            "`skipped` is `{\"bytes\":B}`",
        ),
    ] {
        support::send(&mut client, frame).await;
        let error = support::next(&mut client).await.unwrap();
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{error}");
        assert_eq!(error["error"]["seq"], 3, "{error}");
        assert_eq!(support::close_code(&mut client).await, Some(4400));
        client = support::open(address).await;
        support::hello(&mut client, support::SESSION, Some(&key), 2, 1).await;
    }
}

#[tokio::test]
async fn a_panicking_handler_ends_only_its_own_session() {
    let address = serve(app()).await;
    let origin = same_origin(address);
    let mut doomed = connect(address, "", Some(&origin)).await.unwrap();
    let mut bystander = connect(address, "", Some(&origin)).await.unwrap();
    bystander
        .send(Message::text(chat_init("b1")))
        .await
        .unwrap();
    assert_eq!(reply_to(next(&mut bystander).await).0, "b1");

    doomed.send(Message::text(hold("boom"))).await.unwrap();
    let error = error_of(next(&mut doomed).await);
    assert!(
        error.starts_with("the handler panicked (assertion `left != right` failed: a handler bug"),
        "{error}"
    );
    assert!(
        error.ends_with("this session is closed, and the page's next connection starts a new one"),
        "{error}"
    );
    assert_eq!(next(&mut doomed).await, None);

    bystander
        .send(Message::text(chat_init("b2")))
        .await
        .unwrap();
    assert_eq!(reply_to(next(&mut bystander).await).0, "b2");
    let mut reborn = connect(address, "", Some(&origin)).await.unwrap();
    reborn.send(Message::text(chat_init("r1"))).await.unwrap();
    assert_eq!(reply_to(next(&mut reborn).await).0, "r1");
}

#[tokio::test]
async fn replies_reach_their_own_session_only_in_order() {
    let address = serve(app()).await;
    let origin = same_origin(address);
    let mut clients = Vec::new();
    for _ in 0..8 {
        clients.push(connect(address, "", Some(&origin)).await.unwrap());
    }
    for round in 0..20 {
        for (index, client) in clients.iter_mut().enumerate() {
            client
                .send(Message::text(chat_init(&format!("s{index}-{round}"))))
                .await
                .unwrap();
        }
    }
    for (index, client) in clients.iter_mut().enumerate() {
        let mut session = None;
        for round in 0..20 {
            let (id, message) = reply_to(next(client).await);
            assert_eq!(id, format!("s{index}-{round}"));
            // one handler per connection: every reply names the same session
            let this = message.split(' ').nth(1).unwrap().to_owned();
            assert_eq!(session.get_or_insert(this.clone()), &this);
        }
    }
}

#[tokio::test]
async fn the_page_module_is_served_beside_the_endpoint() {
    let address = serve(app()).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(
            b"GET /partner-events-bridge.js HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains("content-type: text/javascript"),
        "{response}"
    );
    assert!(response.ends_with(partner_events_bridge::PAGE_MODULE));
}

/// A handler whose methods are all synchronous: its `route` runs the method as it is called.
struct SyncApp {
    session: Session,
}

#[partner_events::handler]
impl SyncApp {
    fn on_hold(&mut self, hold: AwInteractionHoldV1, context: &partner_events::EventContext) {
        assert_ne!(hold.interaction_id, "boom", "a synchronous handler bug");
        let said = format!(
            "key {:?} team {:?} page {} {:?}",
            context.identity.as_ref().map(partner_events::Identity::key),
            context.principal::<Agent>().map(|agent| agent.team),
            // the plain wire carries no page messages: said, and refused at once
            self.session.page_sender::<u8>().has_page(),
            self.session.page_sender::<u8>().send(&1),
        );
        self.say(hold.interaction_id, said);
    }

    fn fallback(&mut self, _message: partner_events::Unhandled) {
        let current = partner_events::Identity::current();
        let said = format!(
            "fallback key {:?}",
            current.as_ref().map(|identity| identity.key())
        );
        self.say("fallback".into(), said);
    }
}

impl SyncApp {
    fn say(&self, interaction_id: String, message: String) {
        let reply = AwChatMessageReceivedV1 {
            message,
            interaction_id,
            schema_version: Default::default(),
        };
        self.session.send(&reply).expect("the page is connected");
    }
}

#[tokio::test]
async fn every_message_carries_the_sessions_principal_and_a_synchronous_panic_is_contained() {
    let bridge = Bridge::new(|session| SyncApp { session }).authorize(|token| async move {
        match token.as_deref() {
            Some("agent-7") => Ok(Agent {
                id: "agent-7".into(),
                team: "blue",
            }),
            _ => Err(Unauthorized::new("no agent has this token")),
        }
    });
    let address = serve(bridge).await;
    let origin = same_origin(address);
    let mut client = connect(address, "?token=agent-7", Some(&origin))
        .await
        .unwrap();
    client.send(Message::text(hold("h1"))).await.unwrap();
    assert_eq!(
        reply_to(next(&mut client).await),
        (
            "h1".into(),
            r#"key Some("agent-7") team Some("blue") page false Err(Closed)"#.into()
        )
    );
    // not an event: `fallback` reads the identity from its scope
    client
        .send(Message::text(r#"{"type":"error","message":{}}"#))
        .await
        .unwrap();
    assert_eq!(
        reply_to(next(&mut client).await),
        ("fallback".into(), r#"fallback key Some("agent-7")"#.into())
    );

    client.send(Message::text(hold("boom"))).await.unwrap();
    let error = error_of(next(&mut client).await);
    assert!(
        error.starts_with(
            "the handler panicked (assertion `left != right` failed: a synchronous handler bug"
        ),
        "{error}"
    );
    assert_eq!(next(&mut client).await, None);
}
