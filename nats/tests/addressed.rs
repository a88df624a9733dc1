//! Addressed delivery against a real nats-server: a message published on an agent's subject, by
//! a plain NATS client, reaches each of the agent's pages once and in order, on whichever bridge
//! process each is connected; a page that moves is caught up; bad input reaches no page.

mod support;

use std::time::Duration;

use partner_events_nats::NatsOptions;
use serde_json::{json, Value};
use support::{until, BridgeProcess, Nats, Page};

/// Publishes through JetStream (so the stream's ack says it is stored) on `subject`.
async fn publish(client: &async_nats::Client, subject: &str, payload: &str) -> u64 {
    let jetstream = async_nats::jetstream::new(client.clone());
    jetstream
        .publish(subject.to_owned(), payload.to_owned().into())
        .await
        .unwrap()
        .await
        .unwrap()
        .sequence
}

fn page_body(frame: &Value) -> &Value {
    &frame["page"]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_reaches_each_page_of_its_agent_once_in_order_on_any_process() {
    let nats = Nats::start().await;
    let one = BridgeProcess::start(&nats.url()).await;
    let two = BridgeProcess::start(&nats.url()).await;
    one.ready().await;
    two.ready().await;
    let mut first = Page::open(one.address, "agent-1", "page-one-of-agent-1").await;
    let mut second = Page::open(two.address, "agent-1", "page-two-of-agent-1").await;
    let mut other = Page::open(one.address, "agent-2", "page-one-of-agent-2").await;
    assert!(
        first.applied.is_some(),
        "a new page's welcome says where it starts: {}",
        first.welcome
    );

    let client = nats.client().await;
    let mut positions = Vec::new();
    for n in 0..5 {
        positions.push(
            publish(
                &client,
                "partner-events.page.agent-1",
                &json!({"n": n}).to_string(),
            )
            .await,
        );
    }
    let event = json!({"name": "aw-chat-message-received-v1", "data": {"interactionId": "i-1", "message": "from the CRM", "schemaVersion": "1.0.0"}});
    positions.push(publish(&client, "partner-events.send.agent-1", &event.to_string()).await);

    for page in [&mut first, &mut second] {
        for (n, position) in positions.iter().enumerate() {
            let (applied, frame) = page.addressed().await;
            assert_eq!(applied, *position, "in publish order");
            if n < 5 {
                assert_eq!(page_body(&frame), &json!({"n": n}));
            } else {
                assert_eq!(frame["sendEvent"]["name"], "aw-chat-message-received-v1");
                assert_eq!(frame["sendEvent"]["data"]["message"], "from the CRM");
            }
        }
        assert_eq!(
            page.drain_for(Duration::from_millis(300)).await,
            Vec::<u64>::new(),
            "once each"
        );
    }
    assert_eq!(
        other.drain_for(Duration::from_millis(300)).await,
        Vec::<u64>::new(),
        "another agent gets none"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_moves_to_another_process_gets_what_was_published_meanwhile() {
    let nats = Nats::start().await;
    let one = BridgeProcess::start(&nats.url()).await;
    let two = BridgeProcess::start(&nats.url()).await;
    one.ready().await;
    two.ready().await;
    let client = nats.client().await;
    let mut page = Page::open(one.address, "agent-9", "a-page-that-moves").await;
    let before = publish(&client, "partner-events.page.agent-9", r#"{"n":0}"#).await;
    assert_eq!(page.addressed().await.0, before);
    let applied = page.applied;
    page.close().await;
    // published while the page is away; other agents' messages come between
    let mut meanwhile = Vec::new();
    for n in 1..=3 {
        publish(&client, "partner-events.page.agent-8", r#"{"other":true}"#).await;
        meanwhile.push(
            publish(
                &client,
                "partner-events.page.agent-9",
                &json!({"n": n}).to_string(),
            )
            .await,
        );
    }
    let mut moved = Page::open_from(two.address, "agent-9", "a-page-that-moves", applied, 1).await;
    for position in &meanwhile {
        assert_eq!(moved.addressed().await.0, *position);
    }
    let after = publish(&client, "partner-events.page.agent-9", r#"{"n":4}"#).await;
    assert_eq!(
        moved.addressed().await.0,
        after,
        "and then what comes next, live"
    );
    assert_eq!(
        moved.drain_for(Duration::from_millis(300)).await,
        Vec::<u64>::new()
    );
}

/// A process started while NATS is away takes a page that is behind before its router has reached
/// the stream: the page is caught up once the router does (it waited forever before).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_behind_on_a_process_that_has_not_reached_nats_yet_is_caught_up_once_it_has() {
    let mut nats = Nats::start().await;
    let first = BridgeProcess::start(&nats.url()).await;
    first.ready().await;
    let client = nats.client().await;
    let missed = publish(&client, "partner-events.page.agent-5", r#"{"n":1}"#).await;
    nats.kill().await;
    let started_without_nats = BridgeProcess::start(&nats.url()).await;
    let mut page = Page::open_from(
        started_without_nats.address,
        "agent-5",
        "a-page-that-is-behind",
        Some(missed - 1),
        1,
    )
    .await;
    nats.restart().await;
    started_without_nats.ready().await;
    assert_eq!(page.addressed().await.0, missed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_counted_and_reaches_no_page() {
    let nats = Nats::start().await;
    let bridge =
        BridgeProcess::start_with(NatsOptions::new(nats.url()).max_message_bytes(64 * 1024)).await;
    bridge.ready().await;
    let mut page = Page::open(bridge.address, "agent-b", "page-of-agent-b-1").await;
    let mut dotted = Page::open(bridge.address, "agent", "page-of-agent-plain").await;
    let client = nats.client().await;
    let backbone = &bridge.backbone;

    publish(&client, "partner-events.page.agent-b", "{not json").await;
    publish(
        &client,
        "partner-events.page.agent-b",
        &format!("\"{}\"", "x".repeat(70_000)),
    )
    .await;
    publish(&client, "partner-events.page.agent.b", r#"{"dotted":true}"#).await;
    // a received event, an unknown one, and a send event whose data fails its schema
    publish(
        &client,
        "partner-events.send.agent-b",
        r#"{"name":"aw-interaction-hold-v1","data":{}}"#,
    )
    .await;
    publish(
        &client,
        "partner-events.send.agent-b",
        r#"{"name":"no-such-event","data":{}}"#,
    )
    .await;
    publish(
        &client,
        "partner-events.send.agent-b",
        r#"{"name":"aw-chat-message-received-v1","data":{"interactionId":7}}"#,
    )
    .await;
    // a wildcard in a publish subject: the raw protocol, since clients refuse to send it
    let mut raw = tokio::net::TcpStream::connect(("127.0.0.1", nats.port))
        .await
        .unwrap();
    tokio::io::AsyncWriteExt::write_all(
        &mut raw,
        b"CONNECT {}\r\nPUB partner-events.page.* 2\r\n{}\r\nPING\r\n",
    )
    .await
    .unwrap();
    // an unknown agent: stored, delivered to no page
    publish(&client, "partner-events.page.nobody-here", r#"{"n":1}"#).await;
    let good = publish(&client, "partner-events.page.agent-b", r#"{"good":true}"#).await;

    let (position, frame) = page.addressed().await;
    assert_eq!(
        position, good,
        "nothing before it reached the page, and the bridge went on"
    );
    assert_eq!(page_body(&frame), &json!({"good": true}));
    assert_eq!(
        page.drain_for(Duration::from_millis(300)).await,
        Vec::<u64>::new()
    );
    assert_eq!(
        dotted.drain_for(Duration::from_millis(100)).await,
        Vec::<u64>::new(),
        "agent.b is not agent"
    );
    until("the refusals counted", || {
        backbone.refused_count("malformed") == 1
            && backbone.refused_count("too_large") == 1
            && backbone.refused_count("not_send_event") == 2
            && backbone.refused_count("schema") == 1
            && backbone.refused_count("agent") >= 1
    })
    .await;
    let metrics = bridge.metrics.render();
    assert!(
        metrics.contains("partner_events_addressed_refused_total{reason=\"schema\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("partner_events_addressed_no_page_total"),
        "{metrics}"
    );
    assert!(metrics.ends_with("# EOF\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_router_goes_on_after_nats_is_killed_and_restarted() {
    let mut nats = Nats::start().await;
    let bridge = BridgeProcess::start(&nats.url()).await;
    bridge.ready().await;
    let mut page = Page::open(bridge.address, "agent-r", "page-of-agent-r-1").await;
    let client = nats.client().await;
    let first = publish(&client, "partner-events.page.agent-r", r#"{"n":1}"#).await;
    assert_eq!(page.addressed().await.0, first);
    nats.kill().await;
    nats.restart().await;
    let client = nats.client().await;
    let mut after = Vec::new();
    for n in 2..=4 {
        after.push(
            publish(
                &client,
                "partner-events.page.agent-r",
                &json!({"n": n}).to_string(),
            )
            .await,
        );
    }
    for position in after {
        assert_eq!(page.addressed().await.0, position);
    }
}
