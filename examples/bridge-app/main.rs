//! `partner-bridge`, the main job: a partner backend in Rust that the partner page feeds over a
//! WebSocket, with the host simulator to drive it.
//!
//! ```text
//! cargo run --bin partner-bridge [-- --port PORT]
//! ```
//!
//! It bundles the pages (`web/build.mjs`), serves on 127.0.0.1 the host simulator at `/host/`,
//! the bridge partner page at `/partner/` and the bridge at `/events`, and prints the URL. Opening
//! it plays `examples/sample-messages.jsonl` into the page; each message goes through the SDK to
//! the server, where the example app (`app.rs`) handles it and prints a line, and its reply to
//! every `aw-chat-init-v1` goes back through the page's SDK to the simulated host. It accepts
//! WebSockets from the origins it serves, `http://localhost:PORT` and `http://127.0.0.1:PORT`.
//!
//! Options: `--port PORT` (default 8080; 0 picks a free one), `--bind ADDRESS` (default
//! 127.0.0.1), `--allow-origin ORIGIN` (repeat it; default: the pages' own origins),
//! `--no-pages` (only `/events`), `--no-build` (serve `target/web` as it is), `--quiet` (print no
//! line per message), `--threads N` (the runtime's worker threads; 1 runs everything on one
//! thread), `--drain-timeout-secs N` (default 10), `--max-sessions N` (default 10,000),
//! `--max-message-bytes N` (the largest page message, default the bridge's 1 MiB),
//! `--max-handshakes-per-second N` (per client address, default 20; 0 turns it off),
//! `--log-format text|json` (default text), `--nats URL` (the backbone on NATS JetStream: messages
//! published to `partner-events.page.<agent>` or `partner-events.send.<agent>` reach that agent's
//! pages on whichever process holds them, and every page event is stored in the stream
//! `PARTNER_EVENTS` before it is acknowledged), `--dev-tokens` (for trying addressing by hand:
//! accepts the page token `dev:<agent>` as agent `<agent>`, with no check at all; never use it in
//! production, and the log says so at start).
//!
//! Beside the pages and `/events` it serves `/metrics` (Prometheus text), `/healthz` (liveness)
//! and `/readyz` (readiness: 503 once a drain starts), and with `--nats`, `/readyz/ingest` (503
//! while events cannot be stored). Logs go to standard error through
//! `tracing-subscriber`, filtered by `RUST_LOG` (default `info`); standard output keeps one
//! readable line per message for a person watching the demo.
//!
//! On SIGTERM or Ctrl-C it drains: no new sessions, each connection finishes the message in hand,
//! acknowledges it and closes with 1012 (the page reconnects at once, to the next process), then
//! it prints how long the drain took and exits.

mod app;
mod pages;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use axum::response::Redirect;
use axum::routing::get;
use axum::serve::ListenerExt;
use partner_events_bridge::{Bridge, Drain};
use tower_http::services::ServeDir;

const USAGE: &str = "usage: partner-bridge [--port PORT] [--bind ADDRESS] [--allow-origin ORIGIN]... [--no-pages] [--no-build] [--quiet] [--threads N] [--drain-timeout-secs N] [--max-sessions N] [--max-message-bytes N] [--max-handshakes-per-second N] [--log-format text|json] [--nats URL] [--dev-tokens]";

#[derive(Debug)]
struct Options {
    max_sessions: usize,
    max_message_bytes: Option<usize>,
    handshakes_per_second: u32,
    json_logs: bool,
    port: u16,
    bind: IpAddr,
    origins: Vec<String>,
    drain_timeout: Duration,
    pages: bool,
    build: bool,
    quiet: bool,
    threads: Option<usize>,
    nats: Option<String>,
    dev_tokens: bool,
}

impl Options {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut options = Options {
            max_sessions: 10_000,
            max_message_bytes: None,
            handshakes_per_second: 20,
            json_logs: false,
            port: 8080,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            origins: Vec::new(),
            drain_timeout: Duration::from_secs(10),
            pages: true,
            build: true,
            quiet: false,
            threads: None,
            nats: None,
            dev_tokens: false,
        };
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--port" => {
                    let value = args.next().ok_or("--port takes a port number")?;
                    options.port = value.parse().map_err(|_| {
                        format!("--port `{value}` is not a port number (0 to 65535)")
                    })?;
                }
                "--bind" => {
                    let value = args.next().ok_or("--bind takes an IP address")?;
                    options.bind = value.parse().map_err(|_| {
                        format!(
                            "--bind `{value}` is not an IP address (such as 127.0.0.1 or 0.0.0.0)"
                        )
                    })?;
                }
                "--allow-origin" => {
                    let value = args.next().ok_or("--allow-origin takes an origin")?;
                    options.origins.push(check_origin(&value)?);
                }
                "--drain-timeout-secs" => {
                    let value = args.next().ok_or("--drain-timeout-secs takes a number")?;
                    let seconds: u64 = value.parse().map_err(|_| {
                        format!("--drain-timeout-secs `{value}` is not a number of seconds")
                    })?;
                    options.drain_timeout = Duration::from_secs(seconds);
                }
                "--max-sessions" => {
                    let value = args.next().ok_or("--max-sessions takes a number")?;
                    options.max_sessions = match value.parse() {
                        Ok(n) if n > 0 => n,
                        _ => {
                            return Err(format!("--max-sessions `{value}` is not a number above 0"))
                        }
                    };
                }
                "--max-message-bytes" => {
                    let value = args.next().ok_or("--max-message-bytes takes a number")?;
                    let floor = partner_events_bridge::MIN_MESSAGE_BYTES;
                    options.max_message_bytes = match value.parse() {
                        Ok(n) if n >= floor => Some(n),
                        _ => {
                            return Err(format!(
                                "--max-message-bytes `{value}` is not a number of at least {floor} (the protocol's own frames must fit)"
                            ))
                        }
                    };
                }
                "--max-handshakes-per-second" => {
                    let value = args
                        .next()
                        .ok_or("--max-handshakes-per-second takes a number")?;
                    options.handshakes_per_second = value.parse().map_err(|_| {
                        format!("--max-handshakes-per-second `{value}` is not a number (0 turns the limit off)")
                    })?;
                }
                "--log-format" => {
                    let value = args.next().ok_or("--log-format takes text or json")?;
                    options.json_logs = match value.as_str() {
                        "text" => false,
                        "json" => true,
                        _ => return Err(format!("--log-format `{value}` is not text or json")),
                    };
                }
                "--threads" => {
                    let value = args.next().ok_or("--threads takes a number")?;
                    options.threads = match value.parse() {
                        Ok(n) if n > 0 => Some(n),
                        _ => return Err(format!("--threads `{value}` is not a number above 0")),
                    };
                }
                "--nats" => {
                    let value = args
                        .next()
                        .ok_or("--nats takes a URL, such as nats://127.0.0.1:4222")?;
                    options.nats = Some(value);
                }
                "--dev-tokens" => options.dev_tokens = true,
                "--no-pages" => options.pages = false,
                "--no-build" => options.build = false,
                "--quiet" => options.quiet = true,
                "-h" | "--help" => return Err(String::new()),
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        Ok(options)
    }
}

/// `--dev-tokens`: the token `dev:<agent>` is agent `<agent>` (whose key the bridge checks).
fn dev_agent(token: Option<String>) -> Result<String, partner_events_bridge::Unauthorized> {
    match token.as_deref().and_then(|token| token.strip_prefix("dev:")) {
        Some(agent) => Ok(agent.to_owned()),
        None => Err(partner_events_bridge::Unauthorized::new(
            "this bridge runs with --dev-tokens: give the page the token dev:<agent> (#token=dev:alice)",
        )),
    }
}

/// An origin as browsers send it: `http://` or `https://`, a host, maybe a port, no path.
fn check_origin(origin: &str) -> Result<String, String> {
    let refuse = || {
        format!("--allow-origin `{origin}` is not an origin: give scheme://host[:port], such as https://partner.example.com")
    };
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(refuse)?;
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || rest.starts_with('[') => (host, Some(port)),
        _ => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.[]:".contains(c));
    let port_ok = port.is_none_or(|port| port.parse::<u16>().is_ok());
    if host_ok && port_ok {
        Ok(origin.to_owned())
    } else {
        Err(refuse())
    }
}

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    logs(options.json_logs);
    if options.pages && options.build {
        if let Err(message) = pages::build() {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    }
    let runtime = match options.threads {
        Some(1) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        Some(threads) => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build(),
        None => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build(),
    };
    match runtime {
        Ok(runtime) => runtime.block_on(serve(options)),
        Err(error) => {
            eprintln!("error: cannot start the runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(options: Options) -> ExitCode {
    let address = SocketAddr::from((options.bind, options.port));
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "error: cannot listen on {address}: {error}; pick another with --port or --bind"
            );
            return ExitCode::FAILURE;
        }
    };
    let port = listener
        .local_addr()
        .map_or(options.port, |bound| bound.port());
    let quiet = options.quiet;
    let drain = Drain::new();
    let mut bridge = Bridge::new(move |session| {
        app::AgentAssist::new(session.id(), session.sender(), session.page_sender(), quiet)
    })
    .page_messages()
    .max_sessions(options.max_sessions)
    .drain(drain.clone());
    if options.handshakes_per_second > 0 {
        bridge = bridge.max_handshakes_per_second(options.handshakes_per_second);
    }
    if let Some(bytes) = options.max_message_bytes {
        bridge = bridge.max_message_bytes(bytes);
    }
    if options.dev_tokens {
        tracing::warn!("--dev-tokens: ANY page that sends the token dev:<agent> is taken as that agent, unchecked. For trying addressing by hand only; never in production");
        eprintln!("WARNING: --dev-tokens is on: any page claiming `dev:<agent>` is that agent. Never use it in production.");
        bridge = bridge.authorize(|token: Option<String>| async move { dev_agent(token) });
    }
    let mut backbone = None;
    if let Some(url) = &options.nats {
        match partner_events_nats::NatsOptions::new(url.as_str())
            .name(format!("partner-bridge :{port}"))
            .connect()
            .await
        {
            Ok(nats) => {
                tracing::info!(url = %url, "the backbone: NATS JetStream (connects in the background)");
                bridge = bridge.backbone(std::sync::Arc::clone(&nats));
                backbone = Some(nats);
            }
            Err(error) => {
                eprintln!("error: --nats {url}: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    let metrics = bridge.metrics();
    let stats = bridge.stats();
    let origins = if options.origins.is_empty() {
        vec![
            format!("http://localhost:{port}"),
            format!("http://127.0.0.1:{port}"),
        ]
    } else {
        options.origins.clone()
    };
    for origin in &origins {
        bridge = bridge.allow_origin(origin);
    }
    let ingest_readiness = bridge.ingest_readiness();
    let mut router = bridge
        .into_router()
        .route("/metrics", metrics.route())
        .route("/healthz", Drain::liveness())
        .route("/readyz", drain.readiness());
    if backbone.is_some() {
        router = router.route("/readyz/ingest", ingest_readiness);
    }
    if options.pages {
        router = router
            .route("/", get(|| async { Redirect::to("/host/") }))
            .fallback_service(ServeDir::new(pages::dir()));
    }
    let shown = match options.bind {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    println!("partner-bridge listening on http://{shown}:{port}");
    if options.pages {
        println!(
            "open http://localhost:{port}/host/ : the host simulator plays the sample messages into the partner page, which forwards them here; each line below is one message handled in Rust"
        );
    }
    // On the signal: readiness turns to 503 and new sessions are refused while the open ones
    // finish, acknowledge and close; the listener stays up until then (a load balancer's checks
    // see the 503), then stops.
    let (drained, drained_rx) = tokio::sync::oneshot::channel();
    let stop = drain.clone();
    let timeout = options.drain_timeout;
    tokio::spawn(async move {
        stop_signal().await;
        tracing::info!("stop signal: draining");
        let report = stop.finish(timeout).await;
        let _ = drained.send(report);
    });
    // Small frames go out at once: with Nagle's algorithm, a reply written while the page's
    // acknowledgement of the previous one is in flight waits for the peer's delayed ACK (40 ms).
    let listener = listener.tap_io(|stream| {
        let _ = stream.set_nodelay(true);
    });
    let (report_tx, report_rx) = tokio::sync::oneshot::channel();
    let served = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        if let Ok(report) = drained_rx.await {
            let _ = report_tx.send(report);
        }
    })
    .await;
    if let Err(error) = served {
        eprintln!("error: the server stopped: {error}");
        return ExitCode::FAILURE;
    }
    let Ok(report) = report_rx.await else {
        return ExitCode::SUCCESS;
    };
    println!(
        "partner-bridge drained {} connection(s) in {} ms; it handled {} message(s){}",
        report.connections,
        report.elapsed.as_millis(),
        stats.snapshot().messages_handled,
        if report.still_open > 0 {
            format!("; {} still open at the timeout", report.still_open)
        } else {
            String::new()
        }
    );
    ExitCode::SUCCESS
}

/// Logs to standard error, filtered by `RUST_LOG` (default `info`), as text or JSON lines.
fn logs(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    // a second subscriber cannot be set; there is none before this
    let _ = if json {
        logs.json().try_init()
    } else {
        logs.try_init()
    };
}

/// SIGTERM (a deploy, a process manager) or Ctrl-C.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = terminate.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_tokens_take_the_agent_after_dev_and_refuse_anything_else() {
        assert_eq!(dev_agent(Some("dev:alice".into())), Ok("alice".to_owned()));
        for refused in [None, Some("alice".to_owned()), Some("Dev:alice".to_owned())] {
            let why = dev_agent(refused).unwrap_err();
            assert!(why.reason().contains("dev:<agent>"), "{}", why.reason());
        }
    }

    #[test]
    fn the_backbone_flags_parse_and_are_off_by_default() {
        let args = |list: &[&str]| list.iter().map(|arg| arg.to_string()).collect::<Vec<_>>();
        let default = Options::parse(args(&[]).into_iter()).unwrap();
        assert!(!default.dev_tokens && default.nats.is_none());
        let on =
            Options::parse(args(&["--nats", "nats://127.0.0.1:4222", "--dev-tokens"]).into_iter())
                .unwrap();
        assert_eq!(on.nats.as_deref(), Some("nats://127.0.0.1:4222"));
        assert!(on.dev_tokens);
        assert!(Options::parse(args(&["--nats"]).into_iter())
            .unwrap_err()
            .contains("--nats takes a URL"));
    }

    #[test]
    fn the_message_size_limit_parses_and_refuses_what_is_not_a_size() {
        let args = |list: &[&str]| list.iter().map(|arg| arg.to_string()).collect::<Vec<_>>();
        assert_eq!(
            Options::parse(args(&[]).into_iter())
                .unwrap()
                .max_message_bytes,
            None
        );
        let set = Options::parse(args(&["--max-message-bytes", "4096"]).into_iter()).unwrap();
        assert_eq!(set.max_message_bytes, Some(4096));
        for bad in ["0", "1023", "lots", "-1"] {
            let error =
                Options::parse(args(&["--max-message-bytes", bad]).into_iter()).unwrap_err();
            assert!(
                error.contains("is not a number of at least 1024"),
                "{error}"
            );
        }
    }
}
