//! Addressed push across processes, timed: a plain NATS client publishes to agents' subjects at
//! a steady rate, and pages connected to a bridge in another process (`partner-bridge --nats URL
//! --dev-tokens`) read each message; the latency is from just before the publish to the page's
//! read of the frame (both in this process, on one clock).
//!
//! ```text
//! cargo run --release -p partner-events-nats --example push_latency -- \
//!     --bridge ws://127.0.0.1:PORT/events --nats nats://127.0.0.1:4222 \
//!     [--pages 100] [--rate 1000] [--seconds 10]
//! ```
//!
//! It prints the count, p50, p99 and the largest latency, then a JSON line; it exits 1 if a
//! message did not arrive exactly once.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

struct Options {
    bridge: String,
    nats: String,
    pages: usize,
    rate: u64,
    seconds: u64,
}

fn parse() -> Result<Options, String> {
    let mut options = Options {
        bridge: String::new(),
        nats: String::new(),
        pages: 100,
        rate: 1000,
        seconds: 10,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} takes a value"))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag}: not a number"))
        };
        match flag.as_str() {
            "--bridge" => options.bridge = value.clone(),
            "--nats" => options.nats = value.clone(),
            "--pages" => options.pages = number()? as usize,
            "--rate" => options.rate = number()?,
            "--seconds" => options.seconds = number()?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if options.bridge.is_empty() || options.nats.is_empty() {
        return Err("give --bridge ws://HOST:PORT/events and --nats URL".into());
    }
    Ok(options)
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
    let epoch = Instant::now();
    let latencies = Arc::new(Mutex::new(Vec::<(u64, Duration)>::new()));
    let origin = {
        let rest = options.bridge.trim_start_matches("ws://");
        format!("http://{}", rest.split('/').next().unwrap_or(rest))
    };
    let mut ready = Vec::new();
    for n in 0..options.pages {
        let mut request = options
            .bridge
            .as_str()
            .into_client_request()
            .expect("a URL");
        request
            .headers_mut()
            .insert("origin", origin.parse().expect("an origin"));
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "partner-events.v1".parse().expect("a protocol"),
        );
        let (mut socket, _) =
            match tokio_tungstenite::connect_async_with_config(request, None, true).await {
                Ok(connected) => connected,
                Err(error) => {
                    eprintln!("error: cannot connect to {}: {error}", options.bridge);
                    return ExitCode::FAILURE;
                }
            };
        let hello = json!({"hello": {"session": format!("latency-page-{n:06}"), "token": format!("dev:latency-{n}"), "acked": 0, "received": 0}});
        let _ = socket.send(Message::text(hello.to_string())).await;
        let latencies = Arc::clone(&latencies);
        let (welcomed_tx, welcomed) = tokio::sync::oneshot::channel();
        ready.push(welcomed);
        tokio::spawn(async move {
            let mut welcomed_tx = Some(welcomed_tx);
            while let Some(Ok(Message::Text(text))) = socket.next().await {
                let read_at = epoch.elapsed();
                let Ok(frame) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                if frame.get("welcome").is_some() {
                    if let Some(tx) = welcomed_tx.take() {
                        let _ = tx.send(());
                    }
                    continue;
                }
                let Some(seq) = frame["seq"].as_u64() else {
                    continue;
                };
                let _ = socket
                    .send(Message::text(format!(r#"{{"ack":{seq}}}"#)))
                    .await;
                let (Some(n), Some(sent)) =
                    (frame["page"]["n"].as_u64(), frame["page"]["t"].as_u64())
                else {
                    continue;
                };
                let latency = read_at.saturating_sub(Duration::from_nanos(sent));
                latencies
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((n, latency));
            }
        });
    }
    for welcomed in ready {
        let _ = welcomed.await;
    }
    let client = match async_nats::connect(&options.nats).await {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {}: {error}", options.nats);
            return ExitCode::FAILURE;
        }
    };
    let jetstream = async_nats::jetstream::new(client);
    let total = options.rate * options.seconds;
    let mut ticker = tokio::time::interval(Duration::from_secs(1) / options.rate as u32);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    // the stream's acknowledgements, awaited as they come (the client holds back a publish while
    // too many are outstanding)
    let (acks, mut acked) = tokio::sync::mpsc::unbounded_channel();
    let confirmed = tokio::spawn(async move {
        let mut failed = 0u64;
        while let Some(ack) = acked.recv().await {
            let ack: async_nats::jetstream::context::PublishAckFuture = ack;
            if ack.await.is_err() {
                failed += 1;
            }
        }
        failed
    });
    for n in 0..total {
        ticker.tick().await;
        let agent = n as usize % options.pages;
        let sent = epoch.elapsed().as_nanos() as u64;
        let payload = json!({"n": n, "t": sent}).to_string();
        match jetstream
            .send_publish(
                format!("partner-events.page.latency-{agent}"),
                async_nats::jetstream::message::PublishMessage::build().payload(payload.into()),
            )
            .await
        {
            Ok(ack) => {
                let _ = acks.send(ack);
            }
            Err(error) => {
                eprintln!("error: publish {n}: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    drop(acks);
    let failed = confirmed.await.unwrap_or(u64::MAX);
    if failed > 0 {
        eprintln!("error: {failed} publish(es) not acknowledged");
        return ExitCode::FAILURE;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while latencies.lock().unwrap_or_else(|p| p.into_inner()).len() < total as usize
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await; // anything more would be a repeat
    let mut got = latencies.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let mut ids: Vec<u64> = got.iter().map(|(n, _)| *n).collect();
    ids.sort_unstable();
    ids.dedup();
    let once = ids.len() == got.len() && ids.len() as u64 == total;
    got.sort_by_key(|(_, latency)| *latency);
    let at = |q: f64| {
        got.get(((got.len() as f64 * q) as usize).min(got.len().saturating_sub(1)))
            .map_or(0.0, |(_, l)| l.as_secs_f64() * 1000.0)
    };
    println!(
        "{} pushes at {}/s to {} pages: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; each exactly once: {once}",
        got.len(), options.rate, options.pages, at(0.5), at(0.99), at(1.0)
    );
    println!(
        "{}",
        json!({"pushes": got.len(), "rate": options.rate, "pages": options.pages, "p50Ms": at(0.5), "p99Ms": at(0.99), "maxMs": at(1.0), "exactlyOnce": once})
    );
    if once {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
