//! Heap allocations per message on the bridge's side, counted by a global allocator that counts
//! only on the server's thread: a bridge on a current-thread runtime of its own thread, one
//! client on another, sending `aw-chat-init-v1` one at a time and waiting for each reply (and, in
//! the acknowledged protocol, the card the handler pops on its page and the ack), as
//! `scripts/bridge-bench`'s load does per session.
//!
//!   cargo run --release -p partner-events-bridge --example allocations [-- MESSAGES]
//!
//! It prints the allocations per message on each protocol, after a warm-up; then the heap bytes
//! the server holds per idle session (1,000 sessions opened, welcomed, and left open).
//! `bridge/tests/allocations.rs` runs the same measure and holds the counts to the README's.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use futures_util::{SinkExt, StreamExt};
use partner_events::events::{AwChatInitV1, AwChatMessageReceivedV1};
use partner_events::Sender;
use partner_events_bridge::{Bridge, PageSender};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
/// Bytes allocated and not yet freed on the server's thread.
static LIVE_BYTES: AtomicI64 = AtomicI64::new(0);

thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

// SAFETY: every call is passed to the system allocator unchanged; counting touches no memory the
// allocator hands out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as i64);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // freed on the server's thread: what it allocated (a few frees happen elsewhere, which
        // the counts of many sessions average out)
        if COUNTED.try_with(Cell::get).unwrap_or(false) {
            LIVE_BYTES.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as i64);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as i64 - layout.size() as i64);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn count(bytes: i64) {
    // `try_with`: the thread-local may be gone while a thread exits
    if COUNTED.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        LIVE_BYTES.fetch_add(bytes, Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The example app's work for a chat, without its printing: a reply and a card on the page.
struct Assist {
    sender: Sender,
    page: PageSender<Card>,
}

#[derive(serde::Serialize)]
struct Card {
    kind: &'static str,
    interaction_id: String,
}

#[partner_events::handler]
impl Assist {
    fn on_chat_init(&mut self, chat: AwChatInitV1) {
        let _ = self.page.send(&Card {
            kind: "card",
            interaction_id: chat.interaction_id.clone(),
        });
        let reply = AwChatMessageReceivedV1 {
            message: "Hello from the Rust server".into(),
            interaction_id: chat.interaction_id,
            schema_version: Default::default(),
        };
        let _ = self.sender.send(&reply);
    }
}

fn main() {
    let messages: u64 = std::env::args()
        .nth(1)
        .and_then(|count| count.parse().ok())
        .unwrap_or(20_000);
    let (address, stats) = start_server();
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    client.block_on(async move {
        for acked in [false, true] {
            let per_message = run(address, acked, messages).await;
            let protocol = if acked { "acknowledged" } else { "plain wire" };
            println!("{protocol}: {per_message:.2} allocations per message on the server");
        }
        for acked in [false, true] {
            let per_session = idle(address, acked, 1_000, &stats).await;
            let protocol = if acked { "acknowledged" } else { "plain wire" };
            println!("{protocol}: {per_session:.0} heap bytes per idle session on the server");
        }
    });
}

/// Starts the bridge on a current-thread runtime of its own thread, whose allocations are
/// counted; its address and its stats.
pub fn start_server() -> (std::net::SocketAddr, partner_events_bridge::BridgeStats) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener.set_nonblocking(true).expect("non-blocking");
    let address = listener.local_addr().expect("its address");
    let (stats_to_client, stats) = std::sync::mpsc::channel();
    // named, so that a profiler can tell the server's samples from the client's
    // (`perf report --comm bridge-server`)
    let server = std::thread::Builder::new().name("bridge-server".into());
    let _ = server.spawn(move || {
        COUNTED.with(|counted| counted.set(true));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let bridge = Bridge::new(|session: partner_events_bridge::Session| Assist {
                sender: session.sender(),
                page: session.page_sender(),
            })
            .allow_origin("http://load.test");
            let _ = stats_to_client.send(bridge.stats());
            let router = bridge.into_router();
            let listener = tokio::net::TcpListener::from_std(listener).expect("a listener");
            axum::serve(listener, router).await.expect("serving");
        });
    });
    (address, stats.recv().expect("the server's stats"))
}

/// Opens `sessions` sessions that then send nothing; the server's heap bytes per session.
async fn idle(
    address: std::net::SocketAddr,
    acked: bool,
    sessions: usize,
    stats: &partner_events_bridge::BridgeStats,
) -> f64 {
    // every earlier connection gone on the server's side, so that its frees are not counted here
    settle(stats, 0).await;
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let mut open = Vec::with_capacity(sessions);
    for index in 0..sessions {
        open.push(connect(address, acked, &format!("idle-{acked}-{index:08}")).await);
    }
    settle(stats, sessions as u64).await;
    let held = LIVE_BYTES.load(Ordering::Relaxed) - before;
    drop(open);
    held as f64 / sessions as f64
}

/// Waits until the server has `open` connections.
async fn settle(stats: &partner_events_bridge::BridgeStats, open: u64) {
    while stats.snapshot().sessions_open != open {
        tokio::task::yield_now().await;
    }
}

async fn connect(
    address: std::net::SocketAddr,
    acked: bool,
    session: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let mut request = format!("ws://{address}/events")
        .into_client_request()
        .expect("a request");
    request
        .headers_mut()
        .insert("origin", "http://load.test".parse().expect("a header"));
    if acked {
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "partner-events.v1".parse().expect("a header"),
        );
    }
    // small client buffers: the client shares this process, and its default 128 KiB each would
    // bury the server's allocations in a heap profile (valgrind --tool=massif)
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .read_buffer_size(1024)
        .write_buffer_size(1024);
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(request, Some(config), true)
        .await
        .expect("a connection");
    if acked {
        let hello = format!(r#"{{"hello":{{"session":"{session}","acked":0,"received":0}}}}"#);
        socket.send(Message::text(hello)).await.expect("the hello");
        next_text(&mut socket).await;
    }
    socket
}

/// Runs `messages` chats on one session after a warm-up; the server's allocations per chat.
pub async fn run(address: std::net::SocketAddr, acked: bool, messages: u64) -> f64 {
    let session = format!("allocations-{:012}", std::process::id());
    let mut socket = connect(address, acked, &session).await;
    let warm_up = 1_000;
    let mut received = 0u64;
    let mut started = 0;
    for seq in 1..=warm_up + messages {
        if seq == warm_up + 1 {
            started = ALLOCATIONS.load(Ordering::Relaxed);
        }
        let event = format!(
            r#"{{"type":"event","schemaVersion":"1.0.0","message":{{"eventName":"aw-chat-init-v1","value":{{"interactionId":"chat-{seq}","messages":[],"schemaVersion":"1.0.0"}}}}}}"#
        );
        let frame = if acked {
            format!(r#"{{"seq":{seq},"event":{event}}}"#)
        } else {
            event
        };
        socket.send(Message::text(frame)).await.expect("a send");
        // the reply; in the acknowledged protocol also the card and the ack, in any order
        let mut awaited = if acked { 3 } else { 1 };
        while awaited > 0 {
            let text = next_text(&mut socket).await;
            awaited -= 1;
            if acked && text.contains(r#""seq":"#) && !text.starts_with(r#"{"ack""#) {
                received += 1;
            }
        }
        if acked && seq % 64 == 0 {
            let ack = format!(r#"{{"ack":{received}}}"#);
            socket.send(Message::text(ack)).await.expect("an ack");
        }
    }
    let counted = ALLOCATIONS.load(Ordering::Relaxed) - started;
    let _ = socket.close(None).await;
    counted as f64 / messages as f64
}

async fn next_text(
    socket: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> String {
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => return text.to_string(),
            Some(Ok(_)) => continue,
            other => panic!("the connection ended: {other:?}"),
        }
    }
}
