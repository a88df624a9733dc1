//! The acknowledged protocol (`partner-events.v1`), frame by frame, against a real server on
//! loopback: acknowledgements after handling, duplicates and gaps, resume within the process,
//! foreign session ids, the page's own messages, a resend burst, and the drain.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use partner_events::events::{AwChatInitV1, AwChatMessageReceivedV1};
use partner_events::{DeliveryId, EventContext};
use partner_events_bridge::{Bridge, BridgeStats, Drain, PageHandler, PageSender, Session};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Counts what it handles, and answers each chat with the count and the delivery id.
struct Counter {
    session: Session,
    page: PageSender<Value>,
    handled: usize,
}

#[partner_events::handler]
impl Counter {
    async fn on_chat(&mut self, chat: AwChatInitV1, context: &EventContext) {
        self.handled += 1;
        let delivery = context.delivery.as_ref().map(ToString::to_string);
        if chat.interaction_id == "slow" {
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        let reply = AwChatMessageReceivedV1 {
            message: format!("{} {}", self.handled, delivery.unwrap_or_default()),
            interaction_id: chat.interaction_id,
            schema_version: Default::default(),
        };
        let _ = self.session.send(&reply);
    }
}

#[derive(serde::Deserialize)]
struct Click {
    n: u64,
}

impl PageHandler for Counter {
    type FromPage = Click;

    async fn on_page_message(&mut self, click: Click, delivery: &DeliveryId) {
        let _ = self
            .page
            .send(&json!({"answer": click.n, "delivery": delivery.to_string()}));
    }
}

struct Server {
    address: SocketAddr,
    made: Arc<AtomicUsize>,
    drain: Drain,
    stats: BridgeStats,
}

async fn serve() -> Server {
    let made = Arc::new(AtomicUsize::new(0));
    let drain = Drain::new();
    let counted = Arc::clone(&made);
    let bridge = Bridge::new(move |session: Session| {
        counted.fetch_add(1, Ordering::Relaxed);
        Counter {
            page: session.page_sender(),
            session,
            handled: 0,
        }
    })
    .page_messages()
    .drain(drain.clone());
    let stats = bridge.stats();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let stop = drain.clone();
    tokio::spawn(async move {
        axum::serve(listener, bridge.into_router())
            .with_graceful_shutdown(stop.started())
            .await
            .unwrap()
    });
    Server {
        address,
        made,
        drain,
        stats,
    }
}

async fn open(address: SocketAddr) -> Client {
    let mut request = format!("ws://{address}/events")
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    headers.insert("origin", format!("http://{address}").parse().unwrap());
    headers.insert(
        "sec-websocket-protocol",
        "partner-events.v1".parse().unwrap(),
    );
    let (client, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "partner-events.v1"
    );
    client
}

async fn send(client: &mut Client, frame: Value) {
    client.send(Message::text(frame.to_string())).await.unwrap();
}

async fn hello(
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

/// The next frame as JSON; `None` once the connection closed (the close frame's code in `closed`).
async fn next(client: &mut Client) -> Option<Value> {
    next_or_close(client).await.ok()
}

async fn next_or_close(client: &mut Client) -> Result<Value, Option<u16>> {
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

fn chat(seq: u64, id: &str) -> Value {
    json!({"seq": seq, "event": {"type": "event", "schemaVersion": "1.0.0", "message": {"eventName": "aw-chat-init-v1", "value": {"interactionId": id, "messages": [], "schemaVersion": "1.0.0"}}}})
}

/// Reads frames until the server acknowledges `seq`; returns the numbered frames before it.
async fn until_ack(client: &mut Client, seq: u64) -> Vec<Value> {
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

const SESSION: &str = "test-session-0000000001";

#[tokio::test]
async fn each_message_is_handled_once_then_acknowledged_and_replies_are_named_after_it() {
    let server = serve().await;
    let mut client = open(server.address).await;
    let welcome = hello(&mut client, SESSION, None, 0, 0).await;
    assert_eq!(welcome["resumed"], false);
    assert_eq!(welcome["acked"], 0);
    assert_eq!(welcome["key"].as_str().unwrap().len(), 32);

    send(&mut client, chat(1, "c-1")).await;
    send(&mut client, chat(2, "c-2")).await;
    let replies = until_ack(&mut client, 2).await;
    assert_eq!(replies.len(), 2, "{replies:?}");
    for (n, reply) in replies.iter().enumerate() {
        let n = n as u64 + 1;
        assert_eq!(reply["seq"], n);
        assert_eq!(reply["id"], format!("d{n}.0"));
        assert_eq!(reply["sendEvent"]["name"], "aw-chat-message-received-v1");
        assert_eq!(
            reply["sendEvent"]["data"]["interactionId"],
            format!("c-{n}")
        );
        // the handler saw the delivery id: the page's session and the message's number
        assert_eq!(
            reply["sendEvent"]["data"]["message"],
            format!("{n} {SESSION}/{n}")
        );
    }

    // a resend of what was handled is acknowledged again, and not handled twice
    send(&mut client, chat(2, "c-2")).await;
    send(&mut client, chat(3, "c-3")).await;
    let replies = until_ack(&mut client, 3).await;
    assert_eq!(replies.len(), 1);
    assert_eq!(
        replies[0]["sendEvent"]["data"]["message"],
        format!("3 {SESSION}/3")
    );
    assert_eq!(server.made.load(Ordering::Relaxed), 1);

    // what the page could not keep, it reports, and the server counts
    send(&mut client, json!({"dropped": {"count": 3, "total": 3}})).await;
    send(&mut client, chat(4, "c-4")).await;
    until_ack(&mut client, 4).await;
    let stats = server.stats.snapshot();
    assert_eq!(stats.drops_reported, 3);
    assert_eq!(stats.duplicates_ignored, 1);
    assert_eq!(stats.messages_handled, 4);
    assert_eq!((stats.sessions_started, stats.connections_open), (1, 1));
}

#[tokio::test]
async fn bad_numbers_and_acks_get_clear_errors_and_lose_nothing() {
    let server = serve().await;
    let mut client = open(server.address).await;
    let key = hello(&mut client, SESSION, None, 0, 0).await["key"].clone();

    // an ack for a frame never sent: an error, and the session goes on
    send(&mut client, json!({"ack": 7})).await;
    let error = next(&mut client).await.unwrap();
    assert_eq!(
        error["error"]["message"],
        "an ack for frame 7, but the server has sent 0 so far; ignored"
    );
    for seq in [0, 1u64 << 53, u64::MAX] {
        send(&mut client, json!({"seq": seq, "event": {}})).await;
        assert_eq!(
            next(&mut client).await.unwrap()["error"]["message"],
            "page messages are numbered from 1 to 9007199254740991"
        );
    }
    send(&mut client, json!({"what": 1})).await;
    assert!(next(&mut client).await.unwrap()["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("not a frame of partner-events.v1"));
    send(&mut client, chat(1, "c-1")).await;
    assert_eq!(until_ack(&mut client, 1).await.len(), 1);

    // a gap: message 3 before 2 is not handled; the connection closes so the page resends
    send(&mut client, chat(3, "c-3")).await;
    let error = next(&mut client).await.unwrap();
    assert_eq!(error["error"]["seq"], 3);
    assert_eq!(
        error["error"]["message"],
        "message 3 arrived out of order: the next is 2; nothing after 1 was handled, so reconnect and resend from there"
    );
    assert_eq!(next_or_close(&mut client).await, Err(Some(4400)));

    // the page resumes and resends 2 and 3, in order: both handled, by the same handler
    let mut client = open(server.address).await;
    let welcome = hello(&mut client, SESSION, key.as_str(), 1, 1).await;
    assert_eq!(welcome["resumed"], true);
    assert_eq!(welcome["acked"], 1);
    send(&mut client, chat(2, "c-2")).await;
    send(&mut client, chat(3, "c-3")).await;
    let replies = until_ack(&mut client, 3).await;
    let texts: Vec<_> = replies
        .iter()
        .map(|r| {
            r["sendEvent"]["data"]["message"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(texts, [format!("2 {SESSION}/2"), format!("3 {SESSION}/3")]);
    assert_eq!(server.made.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn a_page_that_reconnects_gets_its_handler_back_and_what_it_had_not_applied() {
    let server = serve().await;
    let mut client = open(server.address).await;
    let key = hello(&mut client, SESSION, None, 0, 0).await["key"].clone();
    for seq in 1..=5 {
        send(&mut client, chat(seq, &format!("c-{seq}"))).await;
    }
    let replies = until_ack(&mut client, 5).await;
    assert_eq!(replies.len(), 5);
    // the page applied replies 1..=3, then its network dropped
    drop(client);

    let mut client = open(server.address).await;
    let welcome = hello(&mut client, SESSION, key.as_str(), 5, 3).await;
    assert_eq!(welcome["resumed"], true);
    assert_eq!(welcome["acked"], 5);
    // replies 4 and 5 again, as they were
    let again = [
        next(&mut client).await.unwrap(),
        next(&mut client).await.unwrap(),
    ];
    assert_eq!(again, [replies[3].clone(), replies[4].clone()]);
    // and the handler's state carries on: the sixth chat is its sixth message
    send(&mut client, chat(6, "c-6")).await;
    let replies = until_ack(&mut client, 6).await;
    assert_eq!(
        replies[0]["sendEvent"]["data"]["message"],
        format!("6 {SESSION}/6")
    );
    assert_eq!(replies[0]["seq"], 6);
    assert_eq!(server.made.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn a_page_that_reloaded_goes_on_numbering_and_the_server_skips_what_died_with_it() {
    let server = serve().await;
    let mut client = open(server.address).await;
    let key = hello(&mut client, SESSION, None, 0, 0).await["key"].clone();
    for seq in 1..=3 {
        send(&mut client, chat(seq, &format!("c-{seq}"))).await;
    }
    until_ack(&mut client, 3).await;
    // the page had sent 4 to 10 when it reloaded, and the server never read them: the reloaded
    // page says it holds nothing up to 10, and numbers on from 11
    drop(client);
    let mut client = open(server.address).await;
    let welcome = hello(&mut client, SESSION, key.as_str(), 10, 3).await;
    assert_eq!(
        (welcome["resumed"].clone(), welcome["acked"].clone()),
        (json!(true), json!(10))
    );
    send(&mut client, chat(11, "c-11")).await;
    let replies = until_ack(&mut client, 11).await;
    // the same handler (its fourth message), with the page's number
    assert_eq!(
        replies[0]["sendEvent"]["data"]["message"],
        format!("4 {SESSION}/11")
    );
}

#[tokio::test]
async fn a_foreign_or_forged_session_id_never_attaches_to_another_pages_session() {
    let server = serve().await;
    let mut owner = open(server.address).await;
    let key = hello(&mut owner, SESSION, None, 0, 0).await["key"].clone();
    send(&mut owner, chat(1, "c-1")).await;
    until_ack(&mut owner, 1).await;

    for forged in [None, Some("00000000000000000000000000000000")] {
        let mut intruder = open(server.address).await;
        send(
            &mut intruder,
            json!({"hello": {"session": SESSION, "key": forged, "acked": 0, "received": 0}}),
        )
        .await;
        let error = next(&mut intruder).await.unwrap();
        assert!(error["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("this session id belongs to another page"));
        assert_eq!(next_or_close(&mut intruder).await, Err(Some(4403)));
    }
    // numbers no page counts to, which would overflow on the next message
    for (acked, received) in [(u64::MAX, 0), (0, 1u64 << 53)] {
        let mut client = open(server.address).await;
        send(
            &mut client,
            json!({"hello": {"session": "another-session-00001", "acked": acked, "received": received}}),
        )
        .await;
        assert_eq!(
            next(&mut client).await.unwrap()["error"]["message"],
            "the hello's numbers must be at most 9007199254740991 (2^53 - 1)"
        );
        assert_eq!(next_or_close(&mut client).await, Err(Some(4400)));
    }
    for bad in ["short", "has spaces in it, many of them", &"x".repeat(65)] {
        let mut client = open(server.address).await;
        send(&mut client, json!({"hello": {"session": bad}})).await;
        assert!(next(&mut client).await.unwrap()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("the hello's session id must be 16 to 64 characters"));
    }
    // a first frame that is not a hello
    let mut client = open(server.address).await;
    send(&mut client, chat(1, "c-1")).await;
    assert_eq!(
        next(&mut client).await.unwrap()["error"]["message"],
        r#"the first frame must be {"hello":{"session":…}}"#
    );

    // the owner's session is undisturbed, and still on its first handler
    send(&mut owner, chat(2, "c-2")).await;
    let replies = until_ack(&mut owner, 2).await;
    assert_eq!(
        replies[0]["sendEvent"]["data"]["message"],
        format!("2 {SESSION}/2")
    );
    drop(owner);
    let mut owner = open(server.address).await;
    assert_eq!(
        hello(&mut owner, SESSION, key.as_str(), 2, 2).await["resumed"],
        true
    );
}

#[tokio::test]
async fn the_pages_own_messages_go_both_ways_in_order_with_the_events() {
    let server = serve().await;
    let mut client = open(server.address).await;
    hello(&mut client, SESSION, None, 0, 0).await;
    send(&mut client, json!({"seq": 1, "page": {"n": 10}})).await;
    send(&mut client, chat(2, "c-2")).await;
    send(&mut client, json!({"seq": 3, "page": {"n": 11}})).await;
    send(&mut client, json!({"seq": 4, "page": {"wrong": true}})).await;
    let mut frames = Vec::new();
    loop {
        let frame = next(&mut client).await.unwrap();
        if frame["ack"] == 4 {
            break;
        }
        frames.push(frame);
    }
    let numbered: Vec<_> = frames
        .iter()
        .filter(|f| f.get("seq").is_some() && f.get("error").is_none())
        .collect();
    assert_eq!(numbered.len(), 3, "{frames:?}");
    assert_eq!(
        numbered[0]["page"],
        json!({"answer": 10, "delivery": format!("{SESSION}/1")})
    );
    assert_eq!(numbered[0]["id"], "d1.0");
    assert_eq!(numbered[1]["sendEvent"]["data"]["interactionId"], "c-2");
    assert_eq!(numbered[2]["page"]["answer"], 11);
    // a page message that is not the partner's type: an error naming it, acknowledged all the same
    let error = frames.iter().find(|f| f.get("error").is_some()).unwrap();
    assert_eq!(error["error"]["seq"], 4);
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("the page's message is not a `acked::Click`: missing field `n`"));
}

#[tokio::test]
async fn a_huge_resend_burst_is_handled_once_in_order() {
    // A page that comes back with 5,000 unacknowledged messages sends them all at once, and
    // acknowledges replies as it applies them (every 100 here). The server handles faster than
    // acknowledgements return; when its outbox fills, it closes with 4008 and the page resumes.
    const BURST: u64 = 5_000;
    let server = serve().await;
    let (mut key, mut acked, mut received, mut connections) = (None::<String>, 0, 0, 0);
    let mut applied = Vec::new();
    while acked < BURST {
        connections += 1;
        assert!(connections < 20, "the burst does not get through");
        let mut client = open(server.address).await;
        let welcome = hello(&mut client, SESSION, key.as_deref(), acked, received).await;
        key = welcome["key"].as_str().map(str::to_owned);
        acked = welcome["acked"].as_u64().unwrap();
        let (mut sink, mut stream) = client.split();
        let (acks_to_send, mut acks) = tokio::sync::mpsc::unbounded_channel::<u64>();
        let writer = tokio::spawn(async move {
            for seq in acked + 1..=BURST {
                let frame = Message::text(chat(seq, &format!("b-{seq}")).to_string());
                if sink.feed(frame).await.is_err() {
                    return;
                }
                while let Ok(received) = acks.try_recv() {
                    let _ = sink
                        .feed(Message::text(json!({"ack": received}).to_string()))
                        .await;
                }
            }
            let _ = sink.flush().await;
            while let Some(received) = acks.recv().await {
                let _ = sink
                    .send(Message::text(json!({"ack": received}).to_string()))
                    .await;
            }
        });
        while let Some(Ok(frame)) = tokio::time::timeout(Duration::from_secs(30), stream.next())
            .await
            .expect("the server answers")
        {
            let Message::Text(text) = frame else { break };
            let frame: Value = serde_json::from_str(&text).unwrap();
            if let Some(seq) = frame["seq"].as_u64() {
                if seq > received {
                    received = seq;
                    applied.push(frame["id"].as_str().unwrap().to_owned());
                    let n = applied.len();
                    assert_eq!(
                        frame["sendEvent"]["data"]["message"],
                        format!("{n} {SESSION}/{n}")
                    );
                    if received % 100 == 0 {
                        let _ = acks_to_send.send(received);
                    }
                }
            } else if let Some(handled) = frame["ack"].as_u64() {
                acked = handled;
                if acked == BURST {
                    break;
                }
            }
        }
        drop(acks_to_send);
        writer.abort();
    }
    // each message handled once, in order, by one handler, and each reply applied once
    let expected: Vec<_> = (1..=BURST).map(|n| format!("d{n}.0")).collect();
    assert_eq!(applied, expected);
    assert_eq!(server.made.load(Ordering::Relaxed), 1);
    eprintln!("{connections} connection(s)");
}

#[tokio::test]
async fn a_drain_finishes_the_message_in_hand_acknowledges_it_and_closes_with_1012() {
    let server = serve().await;
    let mut client = open(server.address).await;
    hello(&mut client, SESSION, None, 0, 0).await;
    send(&mut client, chat(1, "slow")).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    // the handler is in its 300 ms sleep: the drain waits for it
    let drain = server.drain.clone();
    let report = tokio::spawn(async move { drain.finish(Duration::from_secs(10)).await });
    let reply = next(&mut client).await.unwrap();
    assert_eq!(reply["sendEvent"]["data"]["interactionId"], "slow");
    assert_eq!(next(&mut client).await.unwrap(), json!({"ack": 1}));
    assert_eq!(next_or_close(&mut client).await, Err(Some(1012)));
    let report = report.await.unwrap();
    assert_eq!((report.connections, report.still_open), (1, 0));

    // no new sessions while draining (the listener may already be gone: refused either way)
    let mut request = format!("ws://{}/events", server.address)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "origin",
        format!("http://{}", server.address).parse().unwrap(),
    );
    assert!(tokio_tungstenite::connect_async(request).await.is_err());
}

#[test]
fn close_codes_are_the_documented_ones() {
    // the page module reconnects at once on these two
    assert_eq!(u16::from(CloseCode::Restart), 1012);
    let module = partner_events_bridge::PAGE_MODULE;
    assert!(module.contains("event.code === 1012 || event.code === 4000 || event.code === 4008"));
    assert!(module.contains("event.code === 4403"));
}
