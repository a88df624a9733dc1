//! What the backbone's tests share: a real nats-server of their own (a random port, a temporary
//! store, `sync_interval: always`), bridges on loopback, and pages that speak the acknowledged
//! protocol frame by frame.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use partner_events::events::{AwChatInitV1, AwChatMessageReceivedV1};
use partner_events_bridge::wire::ACKED_PROTOCOL;
use partner_events_bridge::{Bridge, BridgeStats, Drain, Session, Unauthorized};
use partner_events_nats::{NatsBackbone, NatsOptions};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for something that should happen at once.
pub const WITHIN: Duration = Duration::from_secs(15);

/// A nats-server of the test's own.
pub struct Nats {
    pub port: u16,
    store: PathBuf,
    config: PathBuf,
    child: Option<tokio::process::Child>,
    /// `sync_interval: always`: an fsync before each acknowledgement.
    synced: bool,
}

impl Nats {
    /// Starts one on a random port, with JetStream on a fresh store, syncing before each
    /// acknowledgement.
    pub async fn start() -> Nats {
        Self::start_with(true).await
    }

    /// The same, syncing as nats-server does by default (every 2 minutes) when `synced` is false.
    pub async fn start_with(synced: bool) -> Nats {
        let dir = std::env::temp_dir().join(format!(
            "partner-events-nats-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut nats = Nats {
            port: 0,
            store: dir.join("store"),
            config: dir.join("nats.conf"),
            child: None,
            synced,
        };
        nats.write_config(-1);
        nats.spawn().await;
        // the same port on every restart, so that clients reconnect to it
        nats.write_config(i32::from(nats.port));
        nats
    }

    fn write_config(&self, port: i32) {
        std::fs::write(
            &self.config,
            format!(
                "listen: \"127.0.0.1:{port}\"\njetstream {{\n  store_dir: {:?}\n  {}\n}}\n",
                self.store,
                if self.synced {
                    "sync_interval: always"
                } else {
                    ""
                },
            ),
        )
        .unwrap();
    }

    async fn spawn(&mut self) {
        let binary = std::env::var("NATS_SERVER").unwrap_or_else(|_| "nats-server".into());
        let mut child = tokio::process::Command::new(&binary)
            .arg("-c")
            .arg(&self.config)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("{binary} (set NATS_SERVER, or put nats-server on PATH; .ci/run installs it): {error}"));
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let port = tokio::time::timeout(WITHIN, async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some((_, address)) = line.split_once("Listening for client connections on ")
                {
                    return address
                        .rsplit(':')
                        .next()
                        .unwrap()
                        .trim()
                        .parse::<u16>()
                        .unwrap();
                }
            }
            panic!("nats-server ended before it listened");
        })
        .await
        .expect("nats-server listens");
        // keep reading its log, so that it never blocks on a full pipe
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        self.port = port;
        self.child = Some(child);
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// SIGKILL: the process dies with whatever it had not written.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.unwrap();
        }
    }

    /// Starts it again on the same port and store.
    pub async fn restart(&mut self) {
        self.spawn().await;
    }

    /// A plain client, as another system would use (not the bridge's crate).
    pub async fn client(&self) -> async_nats::Client {
        async_nats::connect(self.url()).await.unwrap()
    }
}

static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Answers each chat with a reply, so a test sees its handler ran.
pub struct Echo {
    session: Session,
}

#[partner_events::handler]
impl Echo {
    fn on_chat(&mut self, chat: AwChatInitV1) {
        let reply = AwChatMessageReceivedV1 {
            message: "seen".into(),
            interaction_id: chat.interaction_id,
            schema_version: Default::default(),
        };
        let _ = self.session.send(&reply);
    }
}

/// A bridge process on loopback, with the backbone.
pub struct BridgeProcess {
    pub address: SocketAddr,
    pub backbone: Arc<NatsBackbone>,
    pub stats: BridgeStats,
    pub drain: Drain,
    pub metrics: partner_events_bridge::BridgeMetrics,
    server: tokio::task::JoinHandle<()>,
}

impl BridgeProcess {
    /// A bridge whose page tokens are their agents' keys.
    pub async fn start(nats_url: &str) -> BridgeProcess {
        Self::start_with(NatsOptions::new(nats_url)).await
    }

    pub async fn start_with(options: NatsOptions) -> BridgeProcess {
        let backbone = options.connect().await.unwrap();
        let drain = Drain::new();
        let bridge = Bridge::new(|session: Session| Echo { session })
            .authorize(|token: Option<String>| async move {
                token.ok_or_else(|| Unauthorized::new("a token is required"))
            })
            .drain(drain.clone())
            .backbone(Arc::clone(&backbone));
        let stats = bridge.stats();
        let metrics = bridge.metrics();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let app = bridge.into_router();
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        BridgeProcess {
            address,
            backbone,
            stats,
            drain,
            metrics,
            server,
        }
    }

    /// Waits until the backbone has made its streams (its ingest readiness says so).
    pub async fn ready(&self) {
        let backbone = self.backbone.clone();
        until("the backbone's streams", move || {
            partner_events_bridge::Backbone::ready(&*backbone)
        })
        .await;
    }

    /// Ends the process's server at once, as a crash would (its sockets close).
    pub fn crash(&self) {
        self.server.abort();
    }
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A page of the acknowledged protocol, as the page module behaves: it applies each addressed
/// position once, keeps the last, and acknowledges what it applies.
pub struct Page {
    socket: Socket,
    pub session: String,
    pub agent: String,
    pub applied: Option<u64>,
    /// Server frames applied on this connection's session.
    received: u64,
    next_seq: u64,
    pub welcome: Value,
}

impl Page {
    pub async fn open(bridge: SocketAddr, agent: &str, session: &str) -> Page {
        Self::open_from(bridge, agent, session, None, 1).await
    }

    /// A page that has applied addressed messages through `applied`, whose next message is
    /// numbered `next_seq` (a page that moved from another process).
    pub async fn open_from(
        bridge: SocketAddr,
        agent: &str,
        session: &str,
        applied: Option<u64>,
        next_seq: u64,
    ) -> Page {
        let mut request = format!("ws://{bridge}/events")
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("sec-websocket-protocol", ACKED_PROTOCOL.parse().unwrap());
        // the bridge's own origin, as its page would send it
        request
            .headers_mut()
            .insert("origin", format!("http://{bridge}").parse().unwrap());
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        let mut hello = json!({"session": session, "token": agent, "acked": next_seq - 1});
        if let Some(applied) = applied {
            hello["addressed"] = json!(applied);
        }
        socket
            .send(Message::text(json!({ "hello": hello }).to_string()))
            .await
            .unwrap();
        let mut page = Page {
            socket,
            session: session.into(),
            agent: agent.into(),
            applied,
            received: 0,
            next_seq,
            welcome: Value::Null,
        };
        let welcome = page.frame().await;
        assert!(welcome.get("welcome").is_some(), "{welcome}");
        if page.applied.is_none() {
            page.applied = welcome["welcome"]["addressed"].as_u64();
        }
        page.welcome = welcome;
        page
    }

    /// The next frame, whatever it is.
    pub async fn frame(&mut self) -> Value {
        let message = tokio::time::timeout(WITHIN, self.socket.next())
            .await
            .expect("a frame in time")
            .expect("the connection is open")
            .expect("a frame");
        match message {
            Message::Text(text) => serde_json::from_str(&text).unwrap(),
            other => panic!("not a text frame: {other:?}"),
        }
    }

    /// The next addressed message the page applies (repeats skipped, as the page module skips
    /// them): its position and its frame. Acknowledges every numbered frame.
    pub async fn addressed(&mut self) -> (u64, Value) {
        loop {
            let frame = self.frame().await;
            if let Some(position) = self.apply(&frame).await {
                return (position, frame);
            }
        }
    }

    /// Applies one frame as the page module does; the position of an addressed message applied.
    async fn apply(&mut self, frame: &Value) -> Option<u64> {
        let seq = frame["seq"].as_u64()?;
        if seq <= self.received {
            return None;
        }
        self.received = seq;
        self.socket
            .send(Message::text(json!({ "ack": seq }).to_string()))
            .await
            .unwrap();
        let position = frame["id"]
            .as_str()?
            .strip_prefix('a')?
            .parse::<u64>()
            .ok()?;
        if self.applied.is_some_and(|applied| position <= applied) {
            return None;
        }
        self.applied = Some(position);
        Some(position)
    }

    /// Waits until nothing arrives for `quiet`, applying what does; the positions applied.
    pub async fn drain_for(&mut self, quiet: Duration) -> Vec<u64> {
        let mut applied = Vec::new();
        while let Ok(Some(Ok(Message::Text(text)))) =
            tokio::time::timeout(quiet, self.socket.next()).await
        {
            let frame: Value = serde_json::from_str(&text).unwrap();
            if let Some(position) = self.apply(&frame).await {
                applied.push(position);
            }
        }
        applied
    }

    /// Sends a chat as the SDK delivered it, numbered; returns its number. Odd numbers go in the
    /// page module's spelling (`{"seq":N,"event":…}`, which the bridge reads in one pass), even
    /// ones with their keys in another order (read whole), so that both reach the store.
    pub async fn send_chat(&mut self, interaction: &str) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        let event = json!({"type": "event", "schemaVersion": "1.0.0", "message": {
            "eventName": "aw-chat-init-v1",
            "value": chat_value(interaction),
        }});
        let frame = if seq % 2 == 1 {
            format!(r#"{{"seq":{seq},"event":{event}}}"#)
        } else {
            format!(r#"{{"event":{event},"seq":{seq}}}"#)
        };
        self.socket.send(Message::text(frame)).await.unwrap();
        seq
    }

    /// Waits for the server's acknowledgement of `seq`, applying what comes meanwhile.
    pub async fn acked(&mut self, seq: u64) {
        loop {
            let frame = self.frame().await;
            if frame["ack"].as_u64().is_some_and(|acked| acked >= seq) {
                return;
            }
            self.apply(&frame).await;
        }
    }

    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}

/// A chat-init payload the built-in catalog accepts.
pub fn chat_value(interaction: &str) -> Value {
    let sample: Value = serde_json::from_str(include_str!("chat-init.json")).unwrap();
    let mut value = sample;
    value["interactionId"] = json!(interaction);
    value
}

/// Waits until `condition` holds, checking every 10 ms, or fails after [`WITHIN`].
pub async fn until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WITHIN;
    while !condition() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
