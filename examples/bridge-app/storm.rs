//! `partner-bridge-storm`: a reconnect storm through a proxy, bounded, on loopback.
//!
//! ```text
//! target/release/partner-bridge-storm --url ws://127.0.0.1:PORT/events --metrics URL,URL,URL \
//!     --pids PID,PID,PID [--sessions 2000] [--messages 60] [--gap-ms 50] [--timeout-secs 120]
//! ```
//!
//! Each session speaks the page's side of the acknowledged protocol, as the page module does: it
//! numbers its `aw-chat-init-v1` messages and keeps each until the server acknowledges it; after
//! a dropped connection it reconnects (with backoff), says hello with its key and what it has
//! seen, and resends what is unacknowledged, in order; it applies a numbered server frame once (by
//! its number, and a `d` id once). Every session sends a message every `--gap-ms`.
//!
//! Once every session is welcomed and mid-stream, it reads each process's `sessions_open` from
//! `--metrics` (in `--pids` order), SIGKILLs the process holding the most, and measures how long
//! until every session of that process is welcomed again. At the end it checks that every message
//! was acknowledged (handled at least once) and that its reply was applied exactly once, and
//! reads the survivors' peak memory (`VmHWM`). It prints a report and a JSON line, and exits 1 on
//! any violation, a session not back within 10 s, or the time limit.

mod page_side;

use std::collections::{HashMap, HashSet, VecDeque};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use page_side::{next_json, open, origin_of};

use futures_util::SinkExt;
use serde_json::{json, Value};
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::Message;

/// How long a session of the killed process may take to be back.
const BACK_WITHIN: Duration = Duration::from_secs(10);

struct Options {
    url: String,
    metrics: Vec<String>,
    pids: Vec<u32>,
    sessions: usize,
    messages: u64,
    gap: Duration,
    timeout: Duration,
}

fn parse() -> Result<Options, String> {
    let mut options = Options {
        url: String::new(),
        metrics: Vec::new(),
        pids: Vec::new(),
        sessions: 2000,
        messages: 60,
        gap: Duration::from_millis(50),
        timeout: Duration::from_secs(120),
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
            "--metrics" => options.metrics = value()?.split(',').map(str::to_owned).collect(),
            "--pids" => {
                options.pids = value()?
                    .split(',')
                    .map(|pid| pid.parse().map_err(|_| format!("a bad pid {pid:?}")))
                    .collect::<Result<_, _>>()?;
            }
            "--sessions" => options.sessions = number(value()?)? as usize,
            "--messages" => options.messages = number(value()?)?,
            "--gap-ms" => options.gap = Duration::from_millis(number(value()?)?),
            "--timeout-secs" => options.timeout = Duration::from_secs(number(value()?)?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if options.url.is_empty()
        || options.metrics.len() != options.pids.len()
        || options.pids.len() < 2
    {
        return Err(
            "give --url, and --metrics and --pids for the same processes (two or more)".into(),
        );
    }
    Ok(options)
}

/// What the whole run shares: how many sessions are welcomed, and the kill's moment.
#[derive(Default)]
struct Shared {
    welcomed_once: AtomicUsize,
    all_welcomed: Notify,
    /// Set at the kill: sessions that lose their connection from now on count as the killed
    /// process's.
    killed: AtomicBool,
    killed_at: std::sync::Mutex<Option<Instant>>,
}

#[derive(Default)]
struct Report {
    violations: Vec<String>,
    /// From the kill to this session's next welcome, if it lost its connection after the kill.
    back_after: Option<Duration>,
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
    let origin = origin_of(&options.url);
    let started = Instant::now();
    let mut sessions = Vec::with_capacity(options.sessions);
    for index in 0..options.sessions {
        let (url, origin, shared) = (options.url.clone(), origin.clone(), Arc::clone(&shared));
        let (messages, gap, total) = (options.messages, options.gap, options.sessions);
        sessions.push(tokio::spawn(async move {
            session(url, origin, index, messages, gap, total, shared).await
        }));
    }

    // every session welcomed, then a moment of traffic, then the kill
    let waited = tokio::time::timeout(options.timeout, async {
        while shared.welcomed_once.load(Ordering::Acquire) < options.sessions {
            shared.all_welcomed.notified().await;
        }
    })
    .await;
    if waited.is_err() {
        eprintln!("error: not every session connected within the time limit");
        return ExitCode::FAILURE;
    }
    tokio::time::sleep(options.gap * 5).await; // mid-stream: each session has sent a few
    let held = sessions_open(&options.metrics).await;
    let (victim, victim_held) = held
        .iter()
        .copied()
        .enumerate()
        .max_by_key(|(_, open)| *open)
        .unwrap_or((0, 0));
    *shared.killed_at.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
    shared.killed.store(true, Ordering::Release);
    let pid = options.pids[victim];
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .is_ok_and(|status| status.success());
    if !killed {
        eprintln!("error: could not kill process {pid}");
        return ExitCode::FAILURE;
    }
    println!(
        "killed process {} (pid {pid}) holding {victim_held} of {} sessions ({held:?} by process)",
        victim + 1,
        options.sessions
    );

    let mut reports = Vec::new();
    let finished = tokio::time::timeout(options.timeout, async {
        for handle in sessions {
            reports.push(handle.await.unwrap_or_else(|panic| Report {
                violations: vec![format!("a session task failed: {panic}")],
                ..Report::default()
            }));
        }
    })
    .await;
    if finished.is_err() {
        eprintln!("error: the sessions did not finish within the time limit");
        return ExitCode::FAILURE;
    }
    let violations: Vec<&String> = reports.iter().flat_map(|r| &r.violations).collect();
    let mut back: Vec<Duration> = reports.iter().filter_map(|r| r.back_after).collect();
    back.sort();
    let reconnects: usize = reports.iter().map(|r| r.reconnects).sum();
    let slowest = back.last().copied().unwrap_or_default();
    let survivors: Vec<(u32, Option<u64>)> = options
        .pids
        .iter()
        .enumerate()
        .filter(|(index, _)| *index != victim)
        .map(|(_, pid)| (*pid, memory_kib(*pid, "VmHWM")))
        .collect();
    for violation in violations.iter().take(20) {
        println!("violation: {violation}");
    }
    println!(
        "{} sessions × {} messages in {:.1} s: {} violation(s); {} session(s) of the killed process back, the slowest after {:.2} s (p50 {:.2} s); {reconnects} reconnection(s); survivors' peak memory {:?} KiB",
        options.sessions,
        options.messages,
        started.elapsed().as_secs_f64(),
        violations.len(),
        back.len(),
        slowest.as_secs_f64(),
        back.get(back.len() / 2).copied().unwrap_or_default().as_secs_f64(),
        survivors.iter().map(|(_, kib)| kib.unwrap_or(0)).collect::<Vec<_>>(),
    );
    println!(
        "{}",
        json!({
            "sessions": options.sessions,
            "messages": options.messages,
            "killedHeld": victim_held,
            "back": back.len(),
            "slowestBackSeconds": slowest.as_secs_f64(),
            "reconnects": reconnects,
            "violations": violations.len(),
            "survivorsPeakKiB": survivors.iter().map(|(_, kib)| *kib).collect::<Vec<_>>(),
        })
    );
    if violations.is_empty() && slowest <= BACK_WITHIN && back.len() >= victim_held as usize {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// One page: sends `messages` chats, one every `gap`, through every reconnection, and checks
/// what it gets back.
async fn session(
    url: String,
    origin: String,
    index: usize,
    messages: u64,
    gap: Duration,
    total: usize,
    shared: Arc<Shared>,
) -> Report {
    let mut report = Report::default();
    let id = format!("storm-session-{index:08}");
    let mut key: Option<String> = None;
    // page → server: what is unacknowledged, oldest first
    let mut unacked: VecDeque<(u64, String)> = VecDeque::new();
    let (mut next_seq, mut acked) = (1u64, 0u64);
    // server → page: the last applied number, and the `d` ids applied since (the page forgets
    // them once the page message they name is acknowledged)
    let (mut received, mut acknowledged_to_server) = (0u64, 0u64);
    let mut applied_ids: HashSet<String> = HashSet::new();
    let mut replies: HashMap<u64, u32> = HashMap::new();
    let mut first_welcome = true;
    let mut lost_after_kill: Option<Instant> = None;
    let mut backoff = Duration::from_millis(20);
    let deadline = Instant::now() + Duration::from_secs(600);

    'connection: while acked < messages || (replies.len() as u64) < messages {
        if Instant::now() > deadline {
            report.violations.push(format!("{id}: gave up"));
            break;
        }
        let Ok(mut socket) = open(&url, &origin).await else {
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_millis(500));
            continue;
        };
        let hello =
            json!({"hello": {"session": id, "key": key, "acked": acked, "received": received}});
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
            // a fresh handler: its numbers start again
            received = 0;
            acknowledged_to_server = 0;
        }
        let handled = welcome["acked"].as_u64().unwrap_or(0);
        acked = acked.max(handled);
        unacked.retain(|(seq, _)| *seq > handled);
        if first_welcome {
            first_welcome = false;
            if shared.welcomed_once.fetch_add(1, Ordering::AcqRel) + 1 == total {
                shared.all_welcomed.notify_one();
            }
        } else {
            report.reconnects += 1;
        }
        if let Some(lost) = lost_after_kill.take() {
            let killed_at = *shared.killed_at.lock().unwrap_or_else(|p| p.into_inner());
            let since = killed_at.map_or(lost, |at| at.min(lost));
            report.back_after.get_or_insert(since.elapsed());
        }
        for (_, frame) in &unacked {
            if socket.send(Message::text(frame.clone())).await.is_err() {
                continue 'connection;
            }
        }
        let mut ticker = tokio::time::interval(gap);
        loop {
            tokio::select! {
                _ = ticker.tick(), if next_seq <= messages => {
                    let seq = next_seq;
                    next_seq += 1;
                    let event = format!(
                        r#"{{"type":"event","schemaVersion":"1.0.0","message":{{"eventName":"aw-chat-init-v1","value":{{"interactionId":"{id}-{seq}","messages":[],"schemaVersion":"1.0.0"}}}}}}"#
                    );
                    let frame = format!(r#"{{"seq":{seq},"event":{event}}}"#);
                    unacked.push_back((seq, frame.clone()));
                    if socket.send(Message::text(frame)).await.is_err() {
                        break;
                    }
                }
                frame = next_json(&mut socket) => {
                    let Some(frame) = frame else { break };
                    if let Some(handled) = frame.get("ack").and_then(Value::as_u64) {
                        acked = acked.max(handled);
                        unacked.retain(|(seq, _)| *seq > handled);
                    } else if let Some(seq) = frame.get("seq").and_then(Value::as_u64) {
                        if seq <= received {
                            continue; // applied already
                        }
                        received = seq;
                        let name = frame["id"].as_str().unwrap_or_default().to_owned();
                        if name.starts_with('d') && !applied_ids.insert(name) {
                            continue; // a rerun's frame for a delivery applied already
                        }
                        if let Some(reply) = frame.get("sendEvent") {
                            let interaction = reply["data"]["interactionId"].as_str().unwrap_or_default();
                            match interaction.rsplit('-').next().and_then(|n| n.parse().ok()) {
                                Some(n) if interaction.starts_with(&id) => *replies.entry(n).or_insert(0) += 1,
                                _ => report.violations.push(format!("{id}: a reply for {interaction}")),
                            }
                        }
                        if received >= acknowledged_to_server + 32 {
                            acknowledged_to_server = received;
                            let _ = socket.send(Message::text(format!(r#"{{"ack":{received}}}"#))).await;
                        }
                    }
                    if acked >= messages && replies.len() as u64 >= messages {
                        let _ = socket.send(Message::Close(None)).await;
                        break 'connection;
                    }
                }
            }
        }
        // the connection dropped: after the kill, this session counts as the killed process's
        if shared.killed.load(Ordering::Acquire)
            && lost_after_kill.is_none()
            && report.back_after.is_none()
        {
            lost_after_kill = Some(Instant::now());
        }
        // forget the `d` ids of acknowledged messages: they cannot recur
        applied_ids.retain(|name| {
            name.trim_start_matches('d')
                .split('.')
                .next()
                .and_then(|n| n.parse::<u64>().ok())
                .is_some_and(|page_seq| page_seq > acked)
        });
    }
    for n in 1..=messages {
        match replies.get(&n).copied().unwrap_or(0) {
            1 => {}
            0 => report
                .violations
                .push(format!("{id}: no reply to message {n}")),
            more => report
                .violations
                .push(format!("{id}: message {n}'s reply applied {more} times")),
        }
    }
    report
}

/// Each process's `partner_events_sessions_open`, in order (0 where it does not answer), read
/// with a plain HTTP/1.0 GET.
async fn sessions_open(metrics: &[String]) -> Vec<u64> {
    let mut open = Vec::with_capacity(metrics.len());
    for url in metrics {
        let text = tokio::time::timeout(Duration::from_secs(2), http_get(url))
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        let value = text
            .lines()
            .find_map(|line| line.strip_prefix("partner_events_sessions_open "))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(0);
        open.push(value);
    }
    open
}

async fn http_get(url: &str) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream = tokio::net::TcpStream::connect(host).await.ok()?;
    let request = format!("GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await.ok()?;
    Some(response)
}

fn memory_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
