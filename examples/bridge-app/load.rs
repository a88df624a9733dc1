//! `partner-bridge-load`: a bounded load run against partner-bridge on loopback.
//!
//! ```text
//! cargo build --release --bin partner-bridge --bin partner-bridge-load
//! target/release/partner-bridge-load --server target/release/partner-bridge \
//!     [--sessions 200] [--messages 1000] \
//!     [--server-threads 1] [--server-cpu 0] [--timeout-secs 300]
//! ```
//!
//! It starts the server (`--no-pages --quiet`, on a free port), opens `--sessions` WebSocket
//! sessions at once, and has each send `--messages` `aw-chat-init-v1` messages, one at a time,
//! each with its own `interactionId` (`s<session>-<n>`); the example app answers each with one
//! `aw-chat-message-received-v1` for the same id. So every message handled exactly once, in order,
//! in its own session, is one reply per message, in order, naming this session's ids, and nothing
//! after the last. Anything else is counted as a violation. It prints throughput, latency
//! percentiles (message sent to reply read) and the server's peak memory (`VmHWM`), then a JSON
//! line; it exits 1 on any violation or when the time limit passes. `--server-cpu N` pins the
//! server to one CPU (with `taskset`), so that its throughput is one core's.

use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

struct Options {
    server: Option<String>,
    url: Option<String>,
    sessions: usize,
    messages: usize,
    server_threads: Option<usize>,
    server_cpu: Option<usize>,
    timeout: Duration,
}

#[derive(Default)]
struct SessionResult {
    replies: usize,
    violations: Vec<String>,
    latencies: Vec<Duration>,
}

fn parse() -> Result<Options, String> {
    let mut options = Options {
        server: None,
        url: None,
        sessions: 200,
        messages: 1000,
        server_threads: None,
        server_cpu: None,
        timeout: Duration::from_secs(300),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} takes a value"));
        let number = |text: String| {
            text.parse::<usize>()
                .map_err(|_| format!("`{text}` is not a number"))
        };
        match arg.as_str() {
            "--server" => options.server = Some(value()?),
            "--url" => options.url = Some(value()?),
            "--sessions" => options.sessions = number(value()?)?,
            "--messages" => options.messages = number(value()?)?,
            "--server-threads" => options.server_threads = Some(number(value()?)?),
            "--server-cpu" => options.server_cpu = Some(number(value()?)?),
            "--timeout-secs" => options.timeout = Duration::from_secs(number(value()?)? as u64),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if options.server.is_none() == options.url.is_none() {
        return Err(
            "give one of --server PATH (start partner-bridge) or --url ws://HOST:PORT/events"
                .into(),
        );
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let mut server = None;
    let url = match (&options.server, &options.url) {
        (Some(path), _) => {
            match start_server(path, options.server_threads, options.server_cpu).await {
                Ok((child, url)) => {
                    server = Some(child);
                    url
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    return ExitCode::FAILURE;
                }
            }
        }
        (None, Some(url)) => url.clone(),
        (None, None) => unreachable!("parse requires one"),
    };
    let origin = url
        .replace("ws://", "http://")
        .trim_end_matches("/events")
        .to_owned();

    let started = Instant::now();
    let runs: Vec<_> = (0..options.sessions)
        .map(|index| {
            tokio::spawn(session(
                url.clone(),
                origin.clone(),
                index,
                options.messages,
            ))
        })
        .collect();
    let joined = tokio::time::timeout(options.timeout, futures_util::future::join_all(runs)).await;
    let elapsed = started.elapsed();
    let peak_kib = server
        .as_ref()
        .and_then(|child| child.id())
        .and_then(peak_memory_kib);
    if let Some(mut child) = server {
        let _ = child.kill().await;
    }

    let Ok(results) = joined else {
        eprintln!("error: the run did not finish within {:?}", options.timeout);
        return ExitCode::FAILURE;
    };
    let mut total = SessionResult::default();
    for result in results {
        match result {
            Ok(result) => {
                total.replies += result.replies;
                total.violations.extend(result.violations);
                total.latencies.extend(result.latencies);
            }
            Err(error) => total
                .violations
                .push(format!("a session task failed: {error}")),
        }
    }
    total.latencies.sort();
    let percentile = |p: f64| -> f64 {
        if total.latencies.is_empty() {
            return 0.0;
        }
        let index = ((total.latencies.len() as f64 * p).ceil() as usize)
            .clamp(1, total.latencies.len())
            - 1;
        total.latencies[index].as_secs_f64() * 1e3
    };
    let sent = options.sessions * options.messages;
    let throughput = total.replies as f64 / elapsed.as_secs_f64();
    println!(
        "{} sessions × {} messages: {} of {sent} handled once, in order, in their own session; {} violation(s)",
        options.sessions,
        options.messages,
        total.replies,
        total.violations.len()
    );
    println!(
        "{:.2} s, {throughput:.0} messages/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; server peak memory {}",
        elapsed.as_secs_f64(),
        percentile(0.50),
        percentile(0.99),
        percentile(1.0),
        peak_kib.map_or("unknown".to_owned(), |kib| format!("{:.1} MiB", kib as f64 / 1024.0)),
    );
    for violation in total.violations.iter().take(10) {
        println!("violation: {violation}");
    }
    println!(
        "{}",
        serde_json::json!({
            "sessions": options.sessions,
            "messages": options.messages,
            "sent": sent,
            "handled": total.replies,
            "violations": total.violations.len(),
            "seconds": elapsed.as_secs_f64(),
            "messagesPerSecond": throughput,
            "p50Ms": percentile(0.50),
            "p99Ms": percentile(0.99),
            "serverPeakKiB": peak_kib,
        })
    );
    if total.violations.is_empty() && total.replies == sent {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

async fn start_server(
    path: &str,
    threads: Option<usize>,
    cpu: Option<usize>,
) -> Result<(tokio::process::Child, String), String> {
    // taskset execs the server, so the child's pid is the server's
    let mut command = match cpu {
        Some(cpu) => {
            let mut command = tokio::process::Command::new("taskset");
            command.args(["-c", &cpu.to_string(), path]);
            command
        }
        None => tokio::process::Command::new(path),
    };
    command
        .args(["--port", "0", "--no-pages", "--quiet"])
        .stdout(Stdio::piped())
        .kill_on_drop(true);
    if let Some(threads) = threads {
        command.args(["--threads", &threads.to_string()]);
    }
    let mut child = command
        .spawn()
        .map_err(|error| format!("cannot start {path}: {error}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .map_err(|_| format!("{path} did not say where it listens within 30 s"))?
        .map_err(|error| error.to_string())?
        .ok_or(format!("{path} exited before listening"))?;
    let address = first
        .strip_prefix("partner-bridge listening on http://")
        .ok_or(format!("unexpected first line from {path}: {first}"))?;
    Ok((child, format!("ws://{address}/events")))
}

async fn session(url: String, origin: String, index: usize, messages: usize) -> SessionResult {
    let mut result = SessionResult::default();
    let mut request = url.into_client_request().expect("a ws:// URL");
    request
        .headers_mut()
        .insert("origin", origin.parse().expect("an origin"));
    let mut socket = match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => socket,
        Err(error) => {
            result
                .violations
                .push(format!("session {index} could not connect: {error}"));
            return result;
        }
    };
    for n in 0..messages {
        let id = format!("s{index}-{n}");
        let message = format!(
            r#"{{"type":"event","schemaVersion":"1.0.0","message":{{"eventName":"aw-chat-init-v1","value":{{"interactionId":"{id}","messages":[],"schemaVersion":"1.0.0"}}}}}}"#
        );
        let sent = Instant::now();
        if let Err(error) = socket.send(Message::text(message)).await {
            result
                .violations
                .push(format!("session {index} could not send {id}: {error}"));
            return result;
        }
        match next_text(&mut socket).await {
            Some(text) => {
                result.latencies.push(sent.elapsed());
                match reply_id(&text) {
                    Some(got) if got == id => result.replies += 1,
                    _ => result
                        .violations
                        .push(format!("session {index} sent {id}, got {text}")),
                }
            }
            None => {
                result
                    .violations
                    .push(format!("session {index} closed before the reply to {id}"));
                return result;
            }
        }
    }
    // nothing may follow the last reply: a duplicate or another session's reply would
    let _ = socket.send(Message::Close(None)).await;
    while let Some(text) = next_text(&mut socket).await {
        result.violations.push(format!(
            "session {index}: a frame after the last reply: {text}"
        ));
    }
    result
}

async fn next_text(
    socket: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> Option<String> {
    while let Some(frame) = socket.next().await {
        match frame {
            Ok(Message::Text(text)) => return Some(text.to_string()),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
    None
}

fn reply_id(text: &str) -> Option<String> {
    let frame: serde_json::Value = serde_json::from_str(text).ok()?;
    let reply = frame.get("sendEvent")?;
    (reply.get("name")? == "aw-chat-message-received-v1")
        .then(|| reply["data"]["interactionId"].as_str().map(str::to_owned))?
}

/// The process's peak resident memory (`VmHWM`), from Linux's `/proc`.
fn peak_memory_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}
