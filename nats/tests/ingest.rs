//! Durable ingest against a real nats-server: each event a page delivers lands in the stream
//! once, under its delivery id, before the page is told it was handled; a resend is deduplicated;
//! a consumer killed mid-stream resumes and sees every delivery id.

mod support;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::jetstream;
use partner_events::events::AwChatInitV1;
use partner_events::EventContext;
use support::{until, BridgeProcess, Nats, Page};

/// Every message of the events stream: (subject, Nats-Msg-Id, agent header).
async fn stored(nats: &Nats) -> Vec<(String, String, String)> {
    let jetstream = jetstream::new(nats.client().await);
    let mut stream = jetstream.get_stream("PARTNER_EVENTS").await.unwrap();
    let last = stream.info().await.unwrap().state.last_sequence;
    let mut all = Vec::new();
    for sequence in 1..=last {
        let Ok(message) = stream.get_raw_message(sequence).await else {
            continue;
        };
        let header = |name: &str| {
            message
                .headers
                .get(name)
                .map(|value| value.as_str().to_owned())
                .unwrap_or_default()
        };
        all.push((
            message.subject.to_string(),
            header("Nats-Msg-Id"),
            header("Partner-Events-Agent"),
        ));
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_event_is_stored_once_under_its_delivery_id() {
    let nats = Nats::start().await;
    let bridge = BridgeProcess::start(&nats.url()).await;
    bridge.ready().await;
    let mut page = Page::open(bridge.address, "agent-i", "page-of-agent-i-01").await;
    for n in 0..3 {
        page.send_chat(&format!("chat-{n}")).await;
    }
    page.acked(3).await;
    let all = stored(&nats).await;
    let expected: Vec<_> = (1..=3)
        .map(|seq| {
            (
                "partner-events.events.aw-chat-init-v1".to_owned(),
                format!("page-of-agent-i-01/{seq}"),
                "agent-i".to_owned(),
            )
        })
        .collect();
    assert_eq!(all, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_is_acknowledged_only_once_stored_and_nats_down_at_the_start_stops_nothing_else() {
    let mut nats = Nats::start().await;
    nats.kill().await;
    // NATS is down as the bridge starts: it serves pages all the same
    let bridge = BridgeProcess::start(&nats.url()).await;
    assert!(!partner_events_bridge::Backbone::ready(&*bridge.backbone));
    let mut page = Page::open(bridge.address, "agent-d", "page-of-agent-d-01").await;
    page.send_chat("while-nats-is-down").await;
    // the handler ran (its reply came), but the event is not acknowledged: it is not stored
    let mut frames = Vec::new();
    loop {
        let frame = page.frame().await;
        let reply = frame.get("sendEvent").is_some();
        frames.push(frame);
        if reply {
            break;
        }
    }
    let quiet = tokio::time::timeout(Duration::from_millis(500), page.frame()).await;
    frames.extend(quiet.ok());
    assert!(
        frames.iter().all(|frame| frame.get("ack").is_none()),
        "nothing acknowledged before it is stored: {frames:?}"
    );
    nats.restart().await;
    page.acked(1).await;
    assert_eq!(stored(&nats).await.len(), 1);
    bridge.ready().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resend_to_another_process_is_deduplicated_by_the_stream() {
    let nats = Nats::start().await;
    let one = BridgeProcess::start(&nats.url()).await;
    let two = BridgeProcess::start(&nats.url()).await;
    one.ready().await;
    two.ready().await;
    let mut page = Page::open(one.address, "agent-x", "page-of-agent-x-01").await;
    page.send_chat("once").await;
    page.acked(1).await;
    page.close().await;
    // the acknowledgement was lost with the first process: the page resends to the next
    let mut again = Page::open_from(two.address, "agent-x", "page-of-agent-x-01", None, 1).await;
    again.send_chat("once").await;
    again.acked(1).await;
    let all = stored(&nats).await;
    assert_eq!(all.len(), 1, "{all:?}");
    let metrics = two.metrics.render();
    assert!(
        metrics.contains("partner_events_ingest_duplicates_total 1"),
        "{metrics}"
    );
}

/// Records every delivery id it is handed, and applies each once; with `stall_at`, it stops
/// inside the handler of that many-th event, for ever (so the test kills it mid-event).
#[derive(Clone, Default)]
struct Recorder {
    seen: Arc<Mutex<Vec<String>>>,
    applied: Arc<Mutex<HashSet<String>>>,
    stall_at: Option<usize>,
}

#[partner_events::handler]
impl Recorder {
    async fn on_chat(&mut self, _chat: AwChatInitV1, context: &EventContext) {
        let id = context
            .delivery
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let seen = {
            let mut seen = self.seen.lock().unwrap();
            seen.push(id.clone());
            seen.len()
        };
        if self.stall_at == Some(seen) {
            std::future::pending::<()>().await;
        }
        // insert-if-absent: a redelivery is seen, not applied again
        self.applied.lock().unwrap().insert(id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_killed_mid_stream_resumes_and_sees_every_delivery_id() {
    let nats = Nats::start().await;
    let bridge = BridgeProcess::start(&nats.url()).await;
    bridge.ready().await;
    let mut page = Page::open(bridge.address, "agent-c", "page-of-agent-c-01").await;
    let total = 40;
    for n in 0..total {
        page.send_chat(&format!("chat-{n}")).await;
    }
    page.acked(total).await;

    let recorder = Recorder::default();
    let stalling = Recorder {
        stall_at: Some(10),
        ..recorder.clone()
    };
    let first = tokio::spawn(
        bridge
            .backbone
            .consumer("crm-sync")
            .ack_wait(Duration::from_secs(2))
            .run(stalling),
    );
    let seen = Arc::clone(&recorder.seen);
    until(
        "the first consumer to be inside its 10th event",
        move || seen.lock().unwrap().len() >= 10,
    )
    .await;
    first.abort();
    let _ = first.await;
    assert_eq!(
        recorder.applied.lock().unwrap().len(),
        9,
        "killed inside the 10th event"
    );

    // what the first had fetched and not acknowledged comes again after the ack wait (2 s here)
    let second = tokio::spawn(
        bridge
            .backbone
            .consumer("crm-sync")
            .ack_wait(Duration::from_secs(2))
            .run(recorder.clone()),
    );
    let applied = Arc::clone(&recorder.applied);
    until("every delivery id", move || {
        applied.lock().unwrap().len() == total as usize
    })
    .await;
    second.abort();
    let expected: HashSet<String> = (1..=total)
        .map(|seq| format!("page-of-agent-c-01/{seq}"))
        .collect();
    assert_eq!(*recorder.applied.lock().unwrap(), expected);
    assert!(recorder.seen.lock().unwrap().len() >= total as usize);
}

/// A handler whose method is synchronous: it reads its delivery id and whom the event came from
/// as it is called.
#[derive(Clone, Default)]
struct SyncIds(Arc<Mutex<Vec<Seen>>>);

/// A delivery id and an agent's key, as a handler saw them.
type Seen = (Option<String>, Option<String>);

#[partner_events::handler]
impl SyncIds {
    fn on_chat(&mut self, _chat: AwChatInitV1, context: &EventContext) {
        let id = context.delivery.as_ref().map(ToString::to_string);
        let agent = context
            .identity
            .as_ref()
            .map(|identity| identity.key().to_owned());
        self.0.lock().unwrap().push((id, agent));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_synchronous_handler_method_sees_its_delivery_id_and_agent_too() {
    let nats = Nats::start().await;
    let bridge = BridgeProcess::start(&nats.url()).await;
    bridge.ready().await;
    let mut page = Page::open(bridge.address, "agent-s", "page-of-agent-s-01").await;
    page.send_chat("sync").await;
    page.acked(1).await;
    let ids = SyncIds::default();
    let consumer = tokio::spawn(bridge.backbone.consumer("sync").run(ids.clone()));
    let seen = Arc::clone(&ids.0);
    until("the consumer to handle the event", move || {
        !seen.lock().unwrap().is_empty()
    })
    .await;
    consumer.abort();
    assert_eq!(
        *ids.0.lock().unwrap(),
        vec![(
            Some("page-of-agent-s-01/1".to_owned()),
            Some("agent-s".to_owned())
        )]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_was_acknowledged_survives_a_sigkill_of_nats_server_without_an_fsync_per_message() {
    // nats-server as it comes: it writes each message to the operating system before it
    // acknowledges it, and syncs to disk every 2 minutes; a crash of the process loses nothing
    let mut nats = Nats::start_with(false).await;
    let bridge = BridgeProcess::start(&nats.url()).await;
    bridge.ready().await;
    let mut page = Page::open(bridge.address, "agent-k", "page-of-agent-k-01").await;
    for n in 0..20 {
        page.send_chat(&format!("chat-{n}")).await;
    }
    page.acked(20).await;
    nats.kill().await;
    nats.restart().await;
    let all = stored(&nats).await;
    let ids: Vec<&str> = all.iter().map(|(_, id, _)| id.as_str()).collect();
    let expected: Vec<String> = (1..=20)
        .map(|seq| format!("page-of-agent-k-01/{seq}"))
        .collect();
    assert_eq!(ids, expected);
}
