//! `partner-bridge-load`: a bounded load run against partner-bridge (or its Node.js peer) on
//! loopback.
//!
//! ```text
//! cargo build --release --bin partner-bridge --bin partner-bridge-load
//! target/release/partner-bridge-load --server target/release/partner-bridge [--acked] \
//!     [--sessions 200] [--messages 1000] \
//!     [--server-threads 1] [--server-cpu 0] [--timeout-secs 300] [--idle-sessions N]
//! target/release/partner-bridge-load --node-peer web/peer/server.mjs [...]
//! ```
//!
//! `--acked` speaks the acknowledged protocol (`partner-events.v1`: a hello, numbered messages,
//! an ack every 32 frames; the page module acknowledges 20 ms after a frame, about every 11 frames
//! at `scripts/bridge-bench`'s rate, and acknowledging so measured the same); without it, the
//! plain wire. `--node-peer`
//! starts the Node.js peer (`ws` and zod v4, plain wire) instead of partner-bridge. The report
//! includes the server's CPU time per message (user + system, from `/proc`), which is what one
//! core's throughput is made of. `--idle-sessions N` instead opens N sessions that send nothing
//! and reports the server's resident memory per session. `--server-arg ARG` (repeat it) passes
//! more arguments to partner-bridge, such as `--nats URL`; each acknowledged session's token is
//! `dev:load-<n>`, its agent under `--dev-tokens`.
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
    node_peer: Option<String>,
    url: Option<String>,
    acked: bool,
    idle_sessions: Option<usize>,
    sessions: usize,
    messages: usize,
    server_threads: Option<usize>,
    server_cpu: Option<usize>,
    timeout: Duration,
    /// More arguments for partner-bridge (`--server-arg --nats --server-arg URL`).
    server_args: Vec<String>,
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
        node_peer: None,
        url: None,
        acked: false,
        idle_sessions: None,
        sessions: 200,
        messages: 1000,
        server_threads: None,
        server_cpu: None,
        timeout: Duration::from_secs(300),
        server_args: Vec::new(),
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
            "--server-arg" => options.server_args.push(value()?),
            "--node-peer" => options.node_peer = Some(value()?),
            "--acked" => options.acked = true,
            "--idle-sessions" => options.idle_sessions = Some(number(value()?)?),
            "--url" => options.url = Some(value()?),
            "--sessions" => options.sessions = number(value()?)?,
            "--messages" => options.messages = number(value()?)?,
            "--server-threads" => options.server_threads = Some(number(value()?)?),
            "--server-cpu" => options.server_cpu = Some(number(value()?)?),
            "--timeout-secs" => options.timeout = Duration::from_secs(number(value()?)? as u64),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let targets = [&options.server, &options.node_peer, &options.url]
        .iter()
        .filter(|target| target.is_some())
        .count();
    if targets != 1 {
        return Err(
            "give one of --server PATH (start partner-bridge), --node-peer PATH (start the Node.js peer) or --url ws://HOST:PORT/events"
                .into(),
        );
    }
    if options.acked && options.node_peer.is_some() {
        return Err("the Node.js peer speaks the plain wire only: drop --acked".into());
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
    let started = match (&options.server, &options.node_peer, &options.url) {
        (Some(path), _, _) => {
            // all sessions come from one address here: no per-address handshake limit
            let mut args = vec![
                "--port",
                "0",
                "--no-pages",
                "--quiet",
                "--max-handshakes-per-second",
                "0",
            ]
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
            if let Some(threads) = options.server_threads {
                args.extend(["--threads".to_owned(), threads.to_string()]);
            }
            args.extend(options.server_args.iter().cloned());
            Some(start_server(path, &args, "partner-bridge", options.server_cpu).await)
        }
        (None, Some(script), _) => {
            let args = [script.clone(), "--port".into(), "0".into()];
            Some(start_server("node", &args, "node-peer", options.server_cpu).await)
        }
        (None, None, Some(_)) => None,
        (None, None, None) => unreachable!("parse requires one"),
    };
    let url = match (started, &options.url) {
        (Some(Ok((child, url))), _) => {
            server = Some(child);
            url
        }
        (Some(Err(message)), _) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
        (None, Some(url)) => url.clone(),
        (None, None) => unreachable!("parse requires one"),
    };
    let pid = server.as_ref().and_then(|child| child.id());
    if let Some(idle) = options.idle_sessions {
        return idle_run(&url, idle, options.acked, pid, server).await;
    }
    let cpu_before = pid.and_then(cpu_seconds);
    let origin = origin_of(&url);

    let started = Instant::now();
    let runs: Vec<_> = (0..options.sessions)
        .map(|index| {
            tokio::spawn(session(
                url.clone(),
                origin.clone(),
                index,
                options.messages,
                options.acked,
            ))
        })
        .collect();
    let joined = tokio::time::timeout(options.timeout, futures_util::future::join_all(runs)).await;
    let elapsed = started.elapsed();
    let peak_kib = pid.and_then(|pid| memory_kib(pid, "VmHWM:"));
    // (user, system) seconds the server spent on this run
    let cpu_used = pid
        .and_then(cpu_seconds)
        .zip(cpu_before)
        .map(|(after, before)| (after.0 - before.0, after.1 - before.1));
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
    let per_message = |seconds: f64| seconds * 1e6 / total.replies.max(1) as f64;
    let cpu_us_per_message = cpu_used.map(|(user, system)| per_message(user + system));
    let system_us_per_message = cpu_used.map(|(_, system)| per_message(system));
    println!(
        "{:.2} s, {throughput:.0} messages/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; server peak memory {}; server CPU {} per message",
        elapsed.as_secs_f64(),
        percentile(0.50),
        percentile(0.99),
        percentile(1.0),
        peak_kib.map_or("unknown".to_owned(), |kib| format!("{:.1} MiB", kib as f64 / 1024.0)),
        cpu_us_per_message.map_or("unknown".to_owned(), |us| format!("{us:.1} µs")),
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
            "serverCpuUsPerMessage": cpu_us_per_message,
            "serverSystemCpuUsPerMessage": system_us_per_message,
            "acked": options.acked,
        })
    );
    if total.violations.is_empty() && total.replies == sent {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Starts `program` with `args` (under `taskset` when pinned), and reads where it listens from
/// its first line, `<name> listening on http://ADDRESS`.
async fn start_server(
    program: &str,
    args: &[String],
    name: &str,
    cpu: Option<usize>,
) -> Result<(tokio::process::Child, String), String> {
    // taskset execs the server, so the child's pid is the server's
    let mut command = match cpu {
        Some(cpu) => {
            let mut command = tokio::process::Command::new("taskset");
            command.args(["-c", &cpu.to_string(), program]);
            command
        }
        None => tokio::process::Command::new(program),
    };
    command.args(args).stdout(Stdio::piped()).kill_on_drop(true);
    let mut child = command
        .spawn()
        .map_err(|error| format!("cannot start {program}: {error}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .map_err(|_| format!("{program} did not say where it listens within 30 s"))?
        .map_err(|error| error.to_string())?
        .ok_or(format!("{program} exited before listening"))?;
    let address = first
        .strip_prefix(&format!("{name} listening on http://"))
        .ok_or(format!("unexpected first line from {program}: {first}"))?;
    let address = address.to_owned();
    // keep reading its output, so that a full pipe never blocks it
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok((child, format!("ws://{address}/events")))
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a session: the WebSocket, and in the acknowledged protocol the hello and its welcome.
async fn open(url: &str, origin: &str, index: usize, acked: bool) -> Result<Socket, String> {
    let mut request = url
        .into_client_request()
        .map_err(|error| error.to_string())?;
    let headers = request.headers_mut();
    headers.insert("origin", origin.parse().map_err(|_| "a bad origin")?);
    if acked {
        headers.insert(
            "sec-websocket-protocol",
            "partner-events.v1".parse().map_err(|_| "?")?,
        );
    }
    // as browsers do: no Nagle delay on WebSocket connections
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(request, None, true)
        .await
        .map_err(|error| error.to_string())?;
    if acked {
        let hello = format!(
            r#"{{"hello":{{"session":"load-{run:08x}-{index:010}","token":"dev:load-{index}","acked":0,"received":0}}}}"#,
            run = std::process::id()
        );
        socket
            .send(Message::text(hello))
            .await
            .map_err(|error| error.to_string())?;
        let welcome = next_text(&mut socket).await.ok_or("no welcome")?;
        if !welcome.starts_with(r#"{"welcome""#) {
            return Err(format!("expected a welcome, got {welcome}"));
        }
    }
    Ok(socket)
}

/// `--idle-sessions`: the server's resident memory per session that sends nothing.
async fn idle_run(
    url: &str,
    count: usize,
    acked: bool,
    pid: Option<u32>,
    server: Option<tokio::process::Child>,
) -> ExitCode {
    let Some(pid) = pid else {
        eprintln!(
            "error: --idle-sessions measures a server it starts: give --server or --node-peer"
        );
        return ExitCode::from(2);
    };
    let origin = origin_of(url);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = memory_kib(pid, "VmRSS:").unwrap_or(0);
    let mut sockets = Vec::with_capacity(count);
    for index in 0..count {
        match open(url, &origin, index, acked).await {
            Ok(socket) => sockets.push(socket),
            Err(error) => {
                eprintln!("error: session {index} could not open: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = memory_kib(pid, "VmRSS:").unwrap_or(0);
    let per_session = (after.saturating_sub(before)) as f64 * 1024.0 / count as f64;
    println!(
        "{count} idle sessions: server resident memory {:.1} MiB -> {:.1} MiB, {:.1} KB per session",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        per_session / 1000.0
    );
    println!(
        "{}",
        serde_json::json!({
            "idleSessions": count,
            "acked": acked,
            "serverRssBeforeKiB": before,
            "serverRssAfterKiB": after,
            "bytesPerSession": per_session,
        })
    );
    drop(sockets);
    if let Some(mut child) = server {
        let _ = child.kill().await;
    }
    ExitCode::SUCCESS
}

fn origin_of(url: &str) -> String {
    url.replace("ws://", "http://")
        .trim_end_matches("/events")
        .to_owned()
}

async fn session(
    url: String,
    origin: String,
    index: usize,
    messages: usize,
    acked: bool,
) -> SessionResult {
    let mut result = SessionResult::default();
    let mut socket = match open(&url, &origin, index, acked).await {
        Ok(socket) => socket,
        Err(error) => {
            result
                .violations
                .push(format!("session {index} could not connect: {error}"));
            return result;
        }
    };
    let (mut received, mut acknowledged) = (0u64, 0u64);
    for n in 0..messages {
        let id = format!("s{index}-{n}");
        let sdk = format!(
            r#"{{"type":"event","schemaVersion":"1.0.0","message":{{"eventName":"aw-chat-init-v1","value":{{"interactionId":"{id}","messages":[],"schemaVersion":"1.0.0"}}}}}}"#
        );
        let message = if acked {
            format!(r#"{{"seq":{},"event":{sdk}}}"#, n + 1)
        } else {
            sdk
        };
        let sent = Instant::now();
        if let Err(error) = socket.send(Message::text(message)).await {
            result
                .violations
                .push(format!("session {index} could not send {id}: {error}"));
            return result;
        }
        // the reply, past acknowledgements and the example app's screen-pop card
        let reply = loop {
            match next_text(&mut socket).await {
                Some(text) if acked && text.starts_with(r#"{"ack""#) => continue,
                Some(text) if acked && is_page_frame(&text) => {
                    received += 1;
                    continue;
                }
                other => break other,
            }
        };
        match reply {
            Some(text) => {
                result.latencies.push(sent.elapsed());
                match reply_id(&text) {
                    Some(got) if got == id => result.replies += 1,
                    _ => result
                        .violations
                        .push(format!("session {index} sent {id}, got {text}")),
                }
                if acked {
                    received += 1;
                    // acknowledge about every 32 frames, as the page module's timer would
                    if received >= acknowledged + 32 {
                        acknowledged = received;
                        let _ = socket
                            .send(Message::text(format!(r#"{{"ack":{received}}}"#)))
                            .await;
                    }
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
    // the acknowledged protocol: the run ends when the last message is acknowledged (handled,
    // and stored when the bridge stores events), so that the server's work is all counted
    if acked {
        let last = messages as u64;
        loop {
            match next_text(&mut socket).await {
                Some(text) if acked_through(&text).is_some_and(|through| through >= last) => break,
                Some(text) if acked_through(&text).is_some() || is_page_frame(&text) => continue,
                Some(text) => {
                    result.violations.push(format!(
                        "session {index}: a frame after the last reply: {text}"
                    ));
                }
                None => {
                    result.violations.push(format!(
                        "session {index} closed before its last message was acknowledged"
                    ));
                    return result;
                }
            }
        }
    }
    // nothing may follow the last reply: a duplicate or another session's reply would
    let _ = socket.send(Message::Close(None)).await;
    while let Some(text) = next_text(&mut socket).await {
        if acked && text.starts_with(r#"{"ack""#) {
            continue;
        }
        result.violations.push(format!(
            "session {index}: a frame after the last reply: {text}"
        ));
    }
    result
}

async fn next_text(socket: &mut Socket) -> Option<String> {
    while let Some(frame) = socket.next().await {
        match frame {
            Ok(Message::Text(text)) => return Some(text.to_string()),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
    None
}

/// The number an `{"ack":N}` frame acknowledges through.
fn acked_through(text: &str) -> Option<u64> {
    text.strip_prefix(r#"{"ack":"#)?
        .strip_suffix('}')?
        .parse()
        .ok()
}

/// A numbered frame of the server's own JSON for the page (the example's cards).
fn is_page_frame(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|frame| frame.get("page").is_some())
}

fn reply_id(text: &str) -> Option<String> {
    let frame: serde_json::Value = serde_json::from_str(text).ok()?;
    let reply = frame.get("sendEvent")?;
    (reply.get("name")? == "aw-chat-message-received-v1")
        .then(|| reply["data"]["interactionId"].as_str().map(str::to_owned))?
}

/// A line of the process's `/proc/PID/status` in KiB: `VmHWM:` (peak) or `VmRSS:` (now).
fn memory_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The process's CPU time so far, in the program (user) and in the kernel on its behalf
/// (system), from `/proc/PID/stat`, in seconds.
fn cpu_seconds(pid: u32) -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // the fields after the command name, which is in parentheses and may hold spaces
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    let ticks = clock_ticks_per_second();
    Some((utime / ticks, stime / ticks))
}

fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100.0)
}
