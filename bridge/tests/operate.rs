//! Operating the bridge: its Prometheus metrics, bounded under a flood of made-up event names; the
//! health routes; and admission control (a session cap and a handshake rate per address) that
//! leaves sessions already open undisturbed.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use partner_events::events::{AwChatInitV1, AwChatMessageReceivedV1};
use partner_events::{CatalogDate, Decoder, Unhandled};
use partner_events_bridge::{Bridge, BridgeMetrics, Drain, Session};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

struct Echo {
    session: Session,
}

#[partner_events::handler]
impl Echo {
    fn on_chat(&mut self, chat: AwChatInitV1) {
        let reply = AwChatMessageReceivedV1 {
            message: "hi".into(),
            interaction_id: chat.interaction_id,
            schema_version: Default::default(),
        };
        let _ = self.session.send(&reply);
    }

    fn fallback(&mut self, _unhandled: Unhandled) {}
}

// a bridge is a type that can be named, stored and returned
type EchoBridge = Bridge<Echo>;

fn bridge() -> EchoBridge {
    Bridge::new(|session| Echo { session })
}

/// Serves `bridge` with `/metrics`, `/healthz` and `/readyz` beside it, as partner-bridge does.
async fn serve(bridge: EchoBridge, drain: Drain) -> (SocketAddr, BridgeMetrics) {
    let bridge = bridge.drain(drain.clone());
    let metrics = bridge.metrics();
    let router = bridge
        .into_router()
        .route("/metrics", metrics.route())
        .route("/healthz", Drain::liveness())
        .route("/readyz", drain.readiness());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap()
    });
    (address, metrics)
}

/// A handshake request from a page of the bridge's own origin.
fn request(address: SocketAddr) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let mut request = format!("ws://{address}/events")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("origin", format!("http://{address}").parse().unwrap());
    request
}

async fn connect(address: SocketAddr) -> Result<Client, WsError> {
    tokio_tungstenite::connect_async(request(address))
        .await
        .map(|(client, _)| client)
}

/// A handshake from the local address `from` (any of 127.0.0.0/8 on loopback), so that the rate
/// limit sees another client.
async fn connect_from(from: &str, address: SocketAddr) -> Result<Client, WsError> {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket
        .bind(format!("{from}:0").parse().unwrap())
        .unwrap_or_else(|error| panic!("binding {from} (loopback): {error}"));
    let stream = socket.connect(address).await.unwrap();
    tokio_tungstenite::client_async(request(address), MaybeTlsStream::Plain(stream))
        .await
        .map(|(client, _)| client)
}

fn status_of(result: Result<Client, WsError>) -> u16 {
    match result {
        Err(WsError::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("expected an HTTP refusal, got {other}"),
        Ok(_) => panic!("expected a refusal, the handshake succeeded"),
    }
}

fn event(name: &str, value: &str) -> String {
    format!(
        r#"{{"type":"event","schemaVersion":"1.0.0","message":{{"eventName":"{name}","value":{value}}}}}"#
    )
}

fn chat(id: &str) -> String {
    event(
        "aw-chat-init-v1",
        &format!(r#"{{"interactionId":"{id}","messages":[],"schemaVersion":"1.0.0"}}"#),
    )
}

async fn next_text(client: &mut Client) -> String {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), client.next())
            .await
            .expect("an answer within 10 s")
        {
            Some(Ok(Message::Text(text))) => return text.to_string(),
            Some(Ok(_)) => continue,
            other => panic!("the connection ended: {other:?}"),
        }
    }
}

fn refusal_of(result: Result<Client, WsError>) -> (u16, String) {
    match result {
        Err(WsError::Http(response)) => (
            response.status().as_u16(),
            String::from_utf8_lossy(response.body().as_deref().unwrap_or_default()).into_owned(),
        ),
        Err(other) => panic!("expected an HTTP refusal, got {other}"),
        Ok(_) => panic!("expected a refusal, the handshake succeeded"),
    }
}

/// Polls `metrics` until `condition` holds of its text, for at most 10 s; fails naming `what`.
async fn wait_for_metrics(metrics: &BridgeMetrics, what: &str, condition: impl Fn(&str) -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let text = metrics.render();
        if condition(&text) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "waited 10 s for {what}; the metrics:\n{text}"
        );
        // the poll's interval, not a guess at how long the server takes
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The value of the metric line that starts with `prefix` (name and labels), if any.
fn metric(text: &str, prefix: &str) -> Option<f64> {
    text.lines()
        .find(|line| line.starts_with(prefix))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

async fn http(address: SocketAddr, method: &str, path: &str) -> (u16, String) {
    http_with(address, method, path, "connection: close\r\n").await
}

/// A request with `headers` (each line ending in CRLF): the status and the body.
async fn http_with(address: SocketAddr, method: &str, path: &str, headers: &str) -> (u16, String) {
    let response = http_raw(address, method, path, headers).await;
    let status = response[9..12].parse().unwrap();
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}

/// The whole response, head and body.
async fn http_raw(address: SocketAddr, method: &str, path: &str, headers: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = format!("{method} {path} HTTP/1.1\r\nhost: {address}\r\n{headers}\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test]
async fn messages_are_counted_by_event_outcome_and_lifecycle_in_prometheus_text() {
    // judged on a fixed day, when aw-interaction-focus-v1 is deprecated
    let decoder = Decoder::for_catalog().as_of(CatalogDate::new(2026, 1, 15));
    let (address, metrics) = serve(bridge().decoder(decoder), Drain::new()).await;
    let mut client = connect(address).await.unwrap();
    for frame in [
        chat("c-1"),
        chat("c-2"),
        event(
            "aw-interaction-focus-v1",
            r#"{"interactionId":"i-1","schemaVersion":"1.0.0"}"#,
        ),
        event(
            "aw-interaction-mute-v1",
            r#"{"interactionId":"i-1","schemaVersion":"1.3.0"}"#,
        ),
        event(
            "aw-interaction-unmute-v1",
            r#"{"interactionId":"i-1","schemaVersion":"9.0.0"}"#,
        ),
        r#"{"type":"response","message":{}}"#.to_owned(),
        "not json".to_owned(),
    ] {
        client.send(Message::text(frame)).await.unwrap();
    }
    client
        .send(Message::Binary(vec![1, 2].into()))
        .await
        .unwrap();
    // two replies, two error frames (not JSON, binary): then everything was counted
    for _ in 0..4 {
        next_text(&mut client).await;
    }
    let (status, text) = http(address, "GET", "/metrics").await;
    assert_eq!(status, 200);
    assert_eq!(text, metrics.render());
    let expect = [
        (
            r#"partner_events_messages_total{event="aw-chat-init-v1",outcome="ok"}"#,
            2.0,
        ),
        (
            r#"partner_events_messages_total{event="aw-interaction-mute-v1",outcome="newer_compatible"}"#,
            1.0,
        ),
        (
            r#"partner_events_messages_total{event="aw-interaction-unmute-v1",outcome="unknown_version"}"#,
            1.0,
        ),
        (
            r#"partner_events_messages_total{event="none",outcome="not_event"}"#,
            1.0,
        ),
        (
            r#"partner_events_messages_total{event="none",outcome="invalid"}"#,
            1.0,
        ),
        (
            r#"partner_events_messages_by_status_total{event="aw-interaction-focus-v1",status="deprecated"}"#,
            1.0,
        ),
        (
            r#"partner_events_messages_by_status_total{event="aw-chat-init-v1",status="active"}"#,
            2.0,
        ),
        (
            r#"partner_events_replies_total{event="aw-chat-message-received-v1"}"#,
            2.0,
        ),
        (
            r#"partner_events_handler_duration_seconds_count{event="aw-chat-init-v1"}"#,
            2.0,
        ),
        (r#"partner_events_errors_total{kind="connection"}"#, 1.0),
        ("partner_events_sessions_open ", 1.0),
        ("partner_events_sessions_started_total ", 1.0),
        ("partner_events_messages_handled_total ", 7.0),
    ];
    for (line, value) in expect {
        assert_eq!(metric(&text, line), Some(value), "{line}\n{text}");
    }
    assert!(text.ends_with("# EOF\n"), "{text}");
}

#[tokio::test]
async fn a_flood_of_made_up_event_names_adds_no_label_values() {
    let (address, metrics) = serve(bridge(), Drain::new()).await;
    let mut client = connect(address).await.unwrap();
    for n in 0..1_000 {
        let frame = event(&format!("made-up-{n}"), "{}");
        client.send(Message::text(frame)).await.unwrap();
    }
    client.send(Message::text(chat("last"))).await.unwrap();
    next_text(&mut client).await;
    let text = metrics.render();
    assert_eq!(
        metric(
            &text,
            r#"partner_events_messages_total{event="unknown",outcome="unknown_event"}"#
        ),
        Some(1000.0)
    );
    assert!(
        !text.contains("made-up"),
        "no made-up name is a label value"
    );
    assert!(text.lines().count() < 100, "{} lines", text.lines().count());
}

#[tokio::test]
async fn health_routes_answer_and_readiness_turns_to_503_when_the_drain_starts() {
    let drain = Drain::new();
    let (address, _) = serve(bridge(), drain.clone()).await;
    assert_eq!(http(address, "GET", "/healthz").await, (200, "ok".into()));
    assert_eq!(http(address, "GET", "/readyz").await, (200, "ready".into()));
    // what the bridge does not serve gets a plain HTTP error
    assert_eq!(http(address, "POST", "/metrics").await.0, 405);
    assert_eq!(http(address, "DELETE", "/readyz").await.0, 405);
    assert_eq!(http(address, "GET", "/metrics/../admin").await.0, 404);
    assert_eq!(http(address, "GET", "/nothing-here").await.0, 404);
    // the WebSocket path takes handshakes only, and says what a request lacks
    let (status, body) = http(address, "GET", "/events").await;
    assert_eq!(status, 400);
    assert!(
        body.contains("`Connection` header must include `upgrade`"),
        "{body}"
    );
    let handshake = |version: &str, key: &str| {
        format!("connection: Upgrade, close\r\nupgrade: WebSocket\r\nsec-websocket-version: {version}\r\n{key}")
    };
    // a version the bridge does not speak: 426, naming the one it does (RFC 6455 §4.4)
    let response = http_raw(address, "GET", "/events", &handshake("8", "")).await;
    assert!(response.starts_with("HTTP/1.1 426"), "{response}");
    assert!(
        response.contains("sec-websocket-version: 13\r\n"),
        "{response}"
    );
    assert!(response.contains("upgrade: websocket\r\n"), "{response}");
    assert!(
        response.contains("`Sec-WebSocket-Version` header must be 13"),
        "{response}"
    );
    let (status, body) = http_with(
        address,
        "GET",
        "/events",
        "connection: Upgrade, close\r\nsec-websocket-version: 13\r\n",
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("`Upgrade` header must be `websocket`"),
        "{body}"
    );
    assert_eq!(
        http_with(address, "HEAD", "/events", "connection: close\r\n")
            .await
            .0,
        405
    );
    let (status, body) = http_with(address, "GET", "/events", &handshake("13", "")).await;
    assert_eq!(status, 400);
    assert!(
        body.contains("`Sec-WebSocket-Key` header is missing"),
        "{body}"
    );

    drain.start();
    assert_eq!(
        http(address, "GET", "/readyz").await,
        (503, "draining".into())
    );
    assert_eq!(http(address, "GET", "/healthz").await, (200, "ok".into()));
    assert_eq!(status_of(connect(address).await), 503);
}

#[tokio::test]
async fn the_session_cap_holds_under_a_flood_of_handshakes_and_open_sessions_go_on() {
    let (address, metrics) = serve(bridge().max_sessions(3), Drain::new()).await;
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(connect(address).await.unwrap());
    }
    let flood: Vec<_> = (0..50).map(|_| tokio::spawn(connect(address))).collect();
    for attempt in flood {
        assert_eq!(status_of(attempt.await.unwrap()), 503);
    }
    assert_eq!(
        metric(
            &metrics.render(),
            r#"partner_events_refused_total{reason="session_cap"}"#
        ),
        Some(50.0)
    );
    for (n, client) in open.iter_mut().enumerate() {
        client
            .send(Message::text(chat(&format!("open-{n}"))))
            .await
            .unwrap();
        assert!(next_text(client).await.contains(&format!("open-{n}")));
    }
    // a place comes back when a session ends
    let mut closing = open.pop().unwrap();
    closing.close(None).await.unwrap();
    while closing.next().await.is_some() {}
    // once the server counts the session closed, its place is back (both happen in the
    // connection's last step, and this runtime has one thread)
    wait_for_metrics(
        &metrics,
        "the closed session to leave sessions_open",
        |text| metric(text, "partner_events_sessions_open ") == Some(2.0),
    )
    .await;
    assert!(connect(address).await.is_ok());
    assert_eq!(
        metric(
            &metrics.render(),
            r#"partner_events_refused_total{reason="session_cap"}"#
        ),
        Some(50.0),
        "no refusal after the place came back"
    );
}

// The limit's windows come from the clock the bridge reads (`std::time::Instant::now()` at each
// handshake), which a test cannot hold still: how many of a burst past the limit are refused
// depends on whether the burst straddles the end of a window. So the windows, the count per
// address and the table's bound are tested exactly as a unit, with the instants given
// (src/admission.rs), and these tests assert only what no clock changes: with a limit of 0
// every handshake is refused, and the first handshakes of each address up to the limit are
// accepted, whatever the time.

#[tokio::test]
async fn with_a_rate_of_zero_every_handshake_gets_429_and_is_counted() {
    let (address, metrics) = serve(bridge().max_handshakes_per_second(0), Drain::new()).await;
    for _ in 0..5 {
        assert_eq!(
            refusal_of(connect(address).await),
            (
                429,
                "too many handshakes from this address; retry in a second".to_owned()
            )
        );
    }
    let text = metrics.render();
    assert_eq!(
        metric(&text, r#"partner_events_refused_total{reason="rate"}"#),
        Some(5.0),
        "{text}"
    );
    assert_eq!(
        metric(&text, "partner_events_sessions_started_total "),
        Some(0.0),
        "{text}"
    );
}

#[tokio::test]
async fn each_address_gets_its_own_handshakes_up_to_the_rate() {
    let (address, metrics) = serve(bridge().max_handshakes_per_second(2), Drain::new()).await;
    // two from each of two addresses: within one window or across two, none is past the limit
    // of its address (were the addresses counted together, the third would be refused)
    let mut open = Vec::new();
    for from in ["127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.2"] {
        open.push(
            connect_from(from, address)
                .await
                .unwrap_or_else(|error| panic!("a handshake from {from}: {error}")),
        );
    }
    for (n, client) in open.iter_mut().enumerate() {
        client
            .send(Message::text(chat(&format!("rate-{n}"))))
            .await
            .unwrap();
        assert!(next_text(client).await.contains(&format!("rate-{n}")));
    }
    let text = metrics.render();
    assert_eq!(
        metric(&text, r#"partner_events_refused_total{reason="rate"}"#).unwrap_or(0.0),
        0.0,
        "no refusal\n{text}"
    );
}
