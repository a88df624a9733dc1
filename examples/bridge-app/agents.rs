//! `partner-bridge-agents`: many agents' pages at once, for the backbone's chaos test
//! (`web/tests/backbone-chaos.test.mjs`).
//!
//! ```text
//! target/debug/partner-bridge-agents --url ws://127.0.0.1:PORT/events [--agents 1000]
//!     [--events 10] [--gap-ms 1000]
//! ```
//!
//! Agent `n` is `agent-<n>` (token `dev:agent-<n>`, for a bridge run with `--dev-tokens`), with one
//! page that speaks the acknowledged protocol as the page module does: it sends `--events` chats,
//! one every `--gap-ms`, keeping each until acknowledged and resending what is unacknowledged
//! after a reconnect (to whichever process); it applies each addressed message (`a<position>`)
//! once, keeps the last position and says it in its hello.
//!
//! It prints `ready` once every page is welcomed and `acked` once every event is acknowledged.
//! Then it reads one line on standard input: the path of a JSON file `{"agent-<n>": [positions in
//! publish order]}`, what was published to each agent. Each page waits until it has applied that
//! many messages (or the time limit), and the tool prints one JSON report: the violations (a
//! position missing, applied twice, out of order, or never published), how many messages were
//! applied and how many repeats the pages skipped. It exits 1 on any violation.

mod page_side;

use std::collections::{HashMap, VecDeque};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use page_side::{next_json, open, origin_of};

use futures_util::SinkExt;
use serde_json::{json, Value};
use tokio::sync::{watch, Notify};
use tokio_tungstenite::tungstenite::Message;

/// What was published to each agent, once the test says.
type Published = watch::Receiver<Option<Arc<HashMap<String, Vec<u64>>>>>;

/// How long the pages may take to apply what was published, once told what it was.
const APPLY_WITHIN: Duration = Duration::from_secs(90);

struct Options {
    url: String,
    agents: usize,
    events: u64,
    gap: Duration,
}

fn parse() -> Result<Options, String> {
    let mut options = Options {
        url: String::new(),
        agents: 1000,
        events: 10,
        gap: Duration::from_millis(1000),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} takes a value"));
        let number = |text: String| -> Result<u64, String> {
            text.parse()
                .map_err(|_| format!("{flag} takes a number, not {text:?}"))
        };
        match flag.as_str() {
            "--url" => options.url = value()?,
            "--agents" => options.agents = number(value()?)? as usize,
            "--events" => options.events = number(value()?)?,
            "--gap-ms" => options.gap = Duration::from_millis(number(value()?)?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if options.url.is_empty() {
        return Err("give --url ws://HOST:PORT/events".into());
    }
    Ok(options)
}

/// What the pages share: milestones, and what each agent was sent (once it is known).
#[derive(Default)]
struct Shared {
    welcomed: AtomicUsize,
    acked: AtomicUsize,
    progress: Notify,
}

/// One page's account, at the end.
#[derive(Default)]
struct Report {
    applied: Vec<u64>,
    repeats: usize,
    reconnects: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse() {
        Ok(options) => options,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let shared = Arc::new(Shared::default());
    let (expected_tx, expected_rx) = watch::channel(None::<Arc<HashMap<String, Vec<u64>>>>);
    let origin = origin_of(&options.url);
    let mut pages = Vec::with_capacity(options.agents);
    for n in 0..options.agents {
        let page = Page {
            url: options.url.clone(),
            origin: origin.clone(),
            agent: format!("agent-{n:04}"),
            events: options.events,
            gap: options.gap,
            shared: Arc::clone(&shared),
            expected: expected_rx.clone(),
        };
        pages.push(tokio::spawn(page.run()));
    }
    for (milestone, count) in [("ready", &shared.welcomed), ("acked", &shared.acked)] {
        while count.load(Ordering::Acquire) < options.agents {
            shared.progress.notified().await;
        }
        println!("{milestone}");
    }
    let line = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await
    .ok()
    .and_then(Result::ok)
    .unwrap_or_default();
    if line.trim().is_empty() {
        eprintln!("error: expected the path of the published messages on standard input");
        return ExitCode::from(2);
    }
    let expected: HashMap<String, Vec<u64>> = match std::fs::read_to_string(line.trim())
        .map_err(|error| error.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|error| error.to_string()))
    {
        Ok(expected) => expected,
        Err(error) => {
            eprintln!("error: {}: {error}", line.trim());
            return ExitCode::from(2);
        }
    };
    let expected = Arc::new(expected);
    let _ = expected_tx.send(Some(Arc::clone(&expected)));

    let mut violations = Vec::new();
    let (mut applied, mut repeats, mut reconnects) = (0, 0, 0);
    for (n, page) in pages.into_iter().enumerate() {
        let agent = format!("agent-{n:04}");
        let report = page.await.unwrap_or_default();
        let want = expected.get(&agent).cloned().unwrap_or_default();
        if report.applied != want {
            violations.push(format!(
                "{agent}: applied {:?}, published {:?}",
                report.applied, want
            ));
        }
        applied += report.applied.len();
        repeats += report.repeats;
        reconnects += report.reconnects;
    }
    for violation in violations.iter().take(10) {
        eprintln!("violation: {violation}");
    }
    println!(
        "{}",
        json!({
            "agents": options.agents,
            "applied": applied,
            "published": expected.values().map(Vec::len).sum::<usize>(),
            "repeatsSkipped": repeats,
            "reconnects": reconnects,
            "violations": violations.len(),
        })
    );
    if violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// One agent's page.
struct Page {
    url: String,
    origin: String,
    agent: String,
    events: u64,
    gap: Duration,
    shared: Arc<Shared>,
    expected: Published,
}

impl Page {
    async fn run(mut self) -> Report {
        let mut report = Report::default();
        let session = format!("chaos-page-of-{}", self.agent);
        let mut key: Option<String> = None;
        let mut unacked: VecDeque<(u64, String)> = VecDeque::new();
        let (mut next_seq, mut acked, mut received) = (1u64, 0u64, 0u64);
        let mut addressed: Option<u64> = None;
        let (mut welcomed_once, mut all_acked) = (false, false);
        let mut backoff = Duration::from_millis(20);
        // set when the published messages are known: the page has until then to apply them
        let mut apply_by: Option<tokio::time::Instant> = None;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(600);
        'connection: loop {
            if tokio::time::Instant::now() > deadline {
                break;
            }
            let Ok(mut socket) = open(&self.url, &self.origin).await else {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_millis(500));
                continue;
            };
            let token = format!("dev:{}", self.agent);
            let hello = json!({"hello": {"session": session, "key": key, "token": token,
                "acked": acked, "received": received, "addressed": addressed}});
            if socket.send(Message::text(hello.to_string())).await.is_err() {
                continue;
            }
            let welcome = match next_json(&mut socket).await {
                Some(frame) if frame.get("welcome").is_some() => frame["welcome"].clone(),
                _ => {
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_millis(500));
                    continue;
                }
            };
            backoff = Duration::from_millis(20);
            key = welcome["key"].as_str().map(str::to_owned);
            if welcome["resumed"] != true {
                received = 0;
            }
            if addressed.is_none() {
                addressed = welcome["addressed"].as_u64();
            }
            let handled = welcome["acked"].as_u64().unwrap_or(0);
            acked = acked.max(handled);
            unacked.retain(|(seq, _)| *seq > handled);
            if welcomed_once {
                report.reconnects += 1;
            } else {
                welcomed_once = true;
                self.shared.welcomed.fetch_add(1, Ordering::AcqRel);
                self.shared.progress.notify_one();
            }
            for (_, frame) in &unacked {
                if socket.send(Message::text(frame.clone())).await.is_err() {
                    continue 'connection;
                }
            }
            let mut ticker = tokio::time::interval(self.gap);
            loop {
                if acked >= self.events && !all_acked {
                    all_acked = true;
                    self.shared.acked.fetch_add(1, Ordering::AcqRel);
                    self.shared.progress.notify_one();
                }
                if all_acked && self.finished(&report, apply_by) {
                    let _ = socket.send(Message::Close(None)).await;
                    break 'connection;
                }
                let give_up = apply_by.unwrap_or(deadline);
                tokio::select! {
                    _ = ticker.tick(), if next_seq <= self.events => {
                        let seq = next_seq;
                        next_seq += 1;
                        let event = format!(
                            r#"{{"type":"event","schemaVersion":"1.0.0","message":{{"eventName":"aw-chat-init-v1","value":{{"interactionId":"{}-{seq}","messages":[],"schemaVersion":"1.0.0"}}}}}}"#,
                            self.agent
                        );
                        let frame = format!(r#"{{"seq":{seq},"event":{event}}}"#);
                        unacked.push_back((seq, frame.clone()));
                        if socket.send(Message::text(frame)).await.is_err() {
                            break;
                        }
                    }
                    changed = self.expected.changed(), if apply_by.is_none() => {
                        if changed.is_err() {
                            break 'connection;
                        }
                        apply_by = Some(tokio::time::Instant::now() + APPLY_WITHIN);
                    }
                    () = tokio::time::sleep_until(give_up) => {}
                    frame = next_json(&mut socket) => {
                        let Some(frame) = frame else { break };
                        if let Some(handled) = frame.get("ack").and_then(Value::as_u64) {
                            acked = acked.max(handled);
                            unacked.retain(|(seq, _)| *seq > handled);
                        } else if let Some(seq) = frame.get("seq").and_then(Value::as_u64) {
                            if seq <= received {
                                continue;
                            }
                            received = seq;
                            let _ = socket.send(Message::text(format!(r#"{{"ack":{received}}}"#))).await;
                            let position = frame["id"]
                                .as_str()
                                .and_then(|id| id.strip_prefix('a'))
                                .and_then(|position| position.parse::<u64>().ok());
                            if let Some(position) = position {
                                if addressed.is_some_and(|last| position <= last) {
                                    report.repeats += 1;
                                } else {
                                    addressed = Some(position);
                                    report.applied.push(position);
                                }
                            }
                        }
                    }
                }
            }
        }
        report
    }

    /// Once the published messages are known: all of this agent's applied, or the time to apply
    /// them is up.
    fn finished(&self, report: &Report, apply_by: Option<tokio::time::Instant>) -> bool {
        let Some(apply_by) = apply_by else {
            return false;
        };
        let expected = self.expected.borrow();
        let want = expected
            .as_ref()
            .and_then(|expected| expected.get(&self.agent))
            .map_or(0, Vec::len);
        report.applied.len() >= want || tokio::time::Instant::now() > apply_by
    }
}
