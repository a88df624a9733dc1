//! The acknowledged protocol (`partner-events.v1`), frame by frame, against a real server on
//! loopback: acknowledgements after handling, duplicates and gaps, resume within the process,
//! foreign session ids, the page's own messages, a resend burst, the drain, and each close code
//! as a real connection receives it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use partner_events::events::{AwChatInitV1, AwChatMessageReceivedV1};
use partner_events::{DeliveryId, EventContext};
use partner_events_bridge::wire::{close, ACKED_PROTOCOL};
use partner_events_bridge::{
    Bridge, BridgeStats, Drain, PageHandler, PageSender, Session, Unauthorized,
};
use serde_json::{json, Value};
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

mod support;

use support::{
    chat, close_code, frames_until_close, hello, next, next_or_close, open, send, until_ack,
    SESSION,
};

/// Counts what it handles, and answers each chat with the count and the delivery id. A chat
/// `held` waits inside the handler for the test's go-ahead (see [`Gate`]); `early` replies
/// first, then waits; a chat `boom` panics, `said-then-boom` after a reply.
struct Counter {
    session: Session,
    page: PageSender<Value>,
    handled: usize,
    gate: Arc<Gate>,
}

/// Holds a handler inside a message, so a test decides exactly what happens meanwhile: the
/// handler signals `inside` and waits for `go`.
#[derive(Default)]
struct Gate {
    inside: Notify,
    go: Notify,
}

#[partner_events::handler]
impl Counter {
    async fn on_chat(&mut self, chat: AwChatInitV1, context: &EventContext) {
        self.handled += 1;
        let delivery = context.delivery.as_ref().map(ToString::to_string);
        match chat.interaction_id.as_str() {
            "held" => {
                self.gate.inside.notify_one();
                self.gate.go.notified().await;
            }
            "early" => {
                let reply = AwChatMessageReceivedV1 {
                    message: "before the wait".into(),
                    interaction_id: chat.interaction_id,
                    schema_version: Default::default(),
                };
                let _ = self.session.send(&reply);
                self.gate.inside.notify_one();
                self.gate.go.notified().await;
                return;
            }
            "boom" => panic!("a handler bug"),
            "said-then-boom" => {
                let reply = AwChatMessageReceivedV1 {
                    message: "before the panic".into(),
                    interaction_id: chat.interaction_id,
                    schema_version: Default::default(),
                };
                let _ = self.session.send(&reply);
                panic!("a handler bug after a reply");
            }
            _ => {}
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
        // what the handler calls for the message sees the same id
        let current = DeliveryId::current().map(|id| id.to_string());
        let _ = self.page.send(
            &json!({"answer": click.n, "delivery": delivery.to_string(), "current": current}),
        );
    }
}

struct Server {
    address: SocketAddr,
    made: Arc<AtomicUsize>,
    drain: Drain,
    stats: BridgeStats,
    gate: Arc<Gate>,
}

/// What a test changes from the bridge's defaults.
#[derive(Default)]
struct Options {
    /// Accept only these tokens.
    tokens: Option<&'static [&'static str]>,
    /// The bound on unacknowledged frames.
    max_unacknowledged: Option<usize>,
}

async fn serve() -> Server {
    serve_with(Options::default()).await
}

async fn serve_with(options: Options) -> Server {
    let made = Arc::new(AtomicUsize::new(0));
    let drain = Drain::new();
    let gate = Arc::new(Gate::default());
    let counted = Arc::clone(&made);
    let handlers_gate = Arc::clone(&gate);
    let mut bridge = Bridge::new(move |session: Session| {
        counted.fetch_add(1, Ordering::Relaxed);
        Counter {
            page: session.page_sender(),
            session,
            handled: 0,
            gate: Arc::clone(&handlers_gate),
        }
    })
    .page_messages()
    .drain(drain.clone());
    if let Some(tokens) = options.tokens {
        bridge = bridge.authorize(move |token| async move {
            match token {
                Some(token) if tokens.contains(&token.as_str()) => Ok(token),
                _ => Err(Unauthorized::new("not one of the test's tokens")),
            }
        });
    }
    if let Some(frames) = options.max_unacknowledged {
        bridge = bridge.max_unacknowledged(frames, 1 << 20);
    }
    let stats = bridge.stats();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    // the listener stays up through a drain, as partner-bridge's does, so that a handshake made
    // meanwhile gets the bridge's answer (the test's runtime ends the server)
    tokio::spawn(async move { axum::serve(listener, bridge.into_router()).await.unwrap() });
    Server {
        address,
        made,
        drain,
        stats,
        gate,
    }
}

/// Waits for `what` to happen, at most 10 s.
async fn within<T>(what: &str, happens: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), happens)
        .await
        .unwrap_or_else(|_| panic!("waited 10 s for {what}"))
}

/// A handshake the server refuses (the acknowledged protocol's when `acked`): its status and body.
async fn refused(address: SocketAddr, acked: bool) -> (u16, String) {
    let mut request = format!("ws://{address}/events")
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    headers.insert("origin", format!("http://{address}").parse().unwrap());
    if acked {
        headers.insert("sec-websocket-protocol", ACKED_PROTOCOL.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Err(WsError::Http(response)) => (
            response.status().as_u16(),
            String::from_utf8_lossy(response.body().as_deref().unwrap_or_default()).into_owned(),
        ),
        Err(other) => panic!("expected an HTTP refusal, got {other}"),
        Ok(_) => panic!("expected a refusal, the handshake succeeded"),
    }
}

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
    assert_eq!(stats.page_drops, 3);
    assert_eq!(stats.duplicates_ignored, 1);
    assert_eq!(stats.messages_handled, 4);
    assert_eq!((stats.sessions_started, stats.sessions_open), (1, 1));
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
    assert_eq!(next_or_close(&mut client).await, Err(Some(close::PROTOCOL)));

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
        assert_eq!(
            next_or_close(&mut intruder).await,
            Err(Some(close::FOREIGN_SESSION))
        );
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
        assert_eq!(next_or_close(&mut client).await, Err(Some(close::PROTOCOL)));
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
        json!({"answer": 10, "delivery": format!("{SESSION}/1"), "current": format!("{SESSION}/1")})
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
                // serde_json's key order (`event` first): the whole-frame path, beside `send`'s
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

/// A frame the connection's own task queues wakes no one: the connection writes it as the handler
/// waits, and the page has it before the handler is done.
#[tokio::test]
async fn a_reply_sent_before_the_handler_waits_reaches_the_page_while_it_waits() {
    let server = serve().await;
    let mut client = open(server.address).await;
    hello(&mut client, SESSION, None, 0, 0).await;
    send(&mut client, chat(1, "early")).await;
    within(
        "the handler to reply and wait",
        server.gate.inside.notified(),
    )
    .await;
    let reply = within("the reply, while the handler waits", next(&mut client))
        .await
        .unwrap();
    assert_eq!(reply["sendEvent"]["data"]["message"], "before the wait");
    server.gate.go.notify_one();
    assert_eq!(next(&mut client).await.unwrap(), json!({"ack": 1}));
}

#[tokio::test]
async fn a_drain_finishes_the_message_in_hand_acknowledges_it_and_closes_with_restart() {
    let server = serve().await;
    let mut client = open(server.address).await;
    hello(&mut client, SESSION, None, 0, 0).await;
    send(&mut client, chat(1, "held")).await;
    within(
        "the handler to take the message",
        server.gate.inside.notified(),
    )
    .await;
    // the drain starts while the handler is inside the message
    server.drain.start();
    // no new session meanwhile, in either protocol: 503, and why
    for acked in [false, true] {
        assert_eq!(
            refused(server.address, acked).await,
            (503, "the server is restarting; reconnect".to_owned()),
            "acked: {acked}"
        );
    }
    let drain = server.drain.clone();
    let report = tokio::spawn(async move { drain.finish(Duration::from_secs(10)).await });
    server.gate.go.notify_one();
    // the message in hand is finished, then acknowledged, then the connection closes
    let reply = next(&mut client).await.unwrap();
    assert_eq!(reply["sendEvent"]["data"]["interactionId"], "held");
    assert_eq!(next(&mut client).await.unwrap(), json!({"ack": 1}));
    assert_eq!(next_or_close(&mut client).await, Err(Some(close::RESTART)));
    // the page goes, as a browser does on 1012 (it answers the close and reconnects elsewhere)
    drop(client);
    let report = report.await.unwrap();
    assert_eq!((report.connections, report.still_open), (1, 0));
    assert_eq!(server.stats.snapshot().messages_handled, 1);
}

#[tokio::test]
async fn each_close_code_is_what_a_real_connection_receives() {
    // the wire's numbers, which clients (the page module among them) have written down
    assert_eq!(
        [
            close::RESTART,
            close::PANICKED,
            close::TAKEN_OVER,
            close::OUTBOX_FULL,
            close::PROTOCOL,
            close::UNAUTHORIZED,
            close::FOREIGN_SESSION
        ],
        [1012, 1011, 4000, 4008, 4400, 4401, 4403]
    );
    // RESTART, PROTOCOL and FOREIGN_SESSION (a wrong key): the tests above

    // TAKEN_OVER: the same page connects again while its first connection is attached
    let server = serve().await;
    let mut first = open(server.address).await;
    let key = hello(&mut first, SESSION, None, 0, 0).await["key"].clone();
    let mut second = open(server.address).await;
    let welcome = hello(&mut second, SESSION, key.as_str(), 0, 0).await;
    assert_eq!(welcome["resumed"], true);
    assert_eq!(close_code(&mut first).await, Some(close::TAKEN_OVER));

    // PANICKED: the handler panics; the message is acknowledged, and the session is gone
    send(&mut second, chat(1, "boom")).await;
    let (frames, code) = frames_until_close(&mut second).await;
    assert_eq!(code, Some(close::PANICKED), "{frames:?}");
    assert!(frames.contains(&json!({"ack": 1})), "{frames:?}");
    assert!(
        frames.iter().any(|f| f["error"]["seq"] == 1),
        "an error frame for the message: {frames:?}"
    );

    // OUTBOX_FULL: a page that does not acknowledge the server's one permitted frame
    let server = serve_with(Options {
        max_unacknowledged: Some(1),
        ..Options::default()
    })
    .await;
    let mut client = open(server.address).await;
    hello(&mut client, SESSION, None, 0, 0).await;
    send(&mut client, chat(1, "c-1")).await;
    send(&mut client, chat(2, "c-2")).await;
    let replies = until_ack(&mut client, 1).await;
    assert_eq!(replies.len(), 1);
    assert_eq!(close_code(&mut client).await, Some(close::OUTBOX_FULL));
    assert_eq!(
        server.stats.snapshot().messages_handled,
        1,
        "2 is left to resend"
    );

    // UNAUTHORIZED: a token the partner's check refuses; FOREIGN_SESSION: another page's
    // session id and key, with another accepted token
    let server = serve_with(Options {
        tokens: Some(&["agent-1", "agent-2"]),
        ..Options::default()
    })
    .await;
    let hello_with = |key: &Value, token: &str| json!({"hello": {"session": SESSION, "key": key, "token": token, "acked": 0, "received": 0}});
    let mut intruder = open(server.address).await;
    send(&mut intruder, hello_with(&Value::Null, "agent-3")).await;
    assert_eq!(
        next(&mut intruder).await.unwrap()["error"]["message"],
        "the session's token was refused: not one of the test's tokens"
    );
    assert_eq!(close_code(&mut intruder).await, Some(close::UNAUTHORIZED));
    let mut owner = open(server.address).await;
    send(&mut owner, hello_with(&Value::Null, "agent-1")).await;
    let key = next(&mut owner).await.unwrap()["welcome"]["key"].clone();
    assert!(key.is_string());
    let mut other_agent = open(server.address).await;
    send(&mut other_agent, hello_with(&key, "agent-2")).await;
    assert!(next(&mut other_agent).await.unwrap()["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("this session id belongs to another page"));
    assert_eq!(
        close_code(&mut other_agent).await,
        Some(close::FOREIGN_SESSION)
    );
}

/// `{"seq":N,"event":…}` with its keys in this order, as the page module writes it.
fn page_modules_spelling(seq: u64, event: &str) -> Message {
    Message::text(format!(r#"{{"seq":{seq},"event":{event}}}"#))
}

#[tokio::test]
async fn the_page_modules_spelling_is_read_once_and_what_is_not_one_frame_is_refused_as_ever() {
    let server = serve().await;
    let mut client = open(server.address).await;
    hello(&mut client, SESSION, None, 0, 0).await;
    let chat_1 = chat(1, "c-1")["event"].to_string();
    client
        .send(page_modules_spelling(1, &chat_1))
        .await
        .unwrap();
    let replies = until_ack(&mut client, 1).await;
    assert_eq!(
        replies[0]["sendEvent"]["data"]["message"],
        format!("1 {SESSION}/1")
    );
    // an event the decoder refuses (its payload's schema) is read whole, handled as invalid and
    // acknowledged, as in any other spelling
    let refused =
        r#"{"type":"event","message":{"eventName":"aw-chat-init-v1","value":{"interactionId":7}}}"#;
    client
        .send(page_modules_spelling(2, refused))
        .await
        .unwrap();
    let error = next(&mut client).await.unwrap();
    assert_eq!(error["error"]["seq"], 2, "{error}");
    assert_eq!(next(&mut client).await.unwrap(), json!({"ack": 2}));
    // what follows the event is not skipped: a frame that also acknowledges is refused whole
    let chat_3 = chat(3, "c-3")["event"].to_string();
    client
        .send(page_modules_spelling(3, &format!(r#"{chat_3},"ack":1"#)))
        .await
        .unwrap();
    let error = next(&mut client).await.unwrap();
    assert_eq!(error["error"]["seq"], 3);
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .ends_with("this one has `seq` and `ack`"),
        "{error}"
    );
    assert_eq!(next_or_close(&mut client).await, Err(Some(close::PROTOCOL)));
    assert_eq!(server.made.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn a_reply_sent_before_its_handler_panics_reaches_the_page_before_the_close() {
    // the connection lets the session go (it ends, as its handler panicked) before it writes
    // its last frames: the reply must still be among them
    let server = serve().await;
    let mut client = open(server.address).await;
    hello(&mut client, SESSION, None, 0, 0).await;
    send(&mut client, chat(1, "said-then-boom")).await;
    let (frames, code) = frames_until_close(&mut client).await;
    assert_eq!(code, Some(close::PANICKED), "{frames:?}");
    assert!(
        frames
            .iter()
            .any(|frame| frame["sendEvent"]["data"]["message"] == "before the panic"),
        "the reply is lost: {frames:?}"
    );
}
