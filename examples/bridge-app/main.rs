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
//! Options: `--port PORT` (default 8080; 0 picks a free one), `--no-pages` (only `/events`),
//! `--no-build` (serve `target/web` as it is), `--quiet` (print no line per message), `--threads N`
//! (the runtime's worker threads; 1 runs everything on one thread).

mod app;
mod pages;

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use axum::response::Redirect;
use axum::routing::get;
use partner_events_bridge::Bridge;
use tower_http::services::ServeDir;

const USAGE: &str =
    "usage: partner-bridge [--port PORT] [--no-pages] [--no-build] [--quiet] [--threads N]";

struct Options {
    port: u16,
    pages: bool,
    build: bool,
    quiet: bool,
    threads: Option<usize>,
}

impl Options {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut options = Options {
            port: 8080,
            pages: true,
            build: true,
            quiet: false,
            threads: None,
        };
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--port" => {
                    let value = args.next().ok_or("--port takes a port number")?;
                    options.port = value.parse().map_err(|_| {
                        format!("--port `{value}` is not a port number (0 to 65535)")
                    })?;
                }
                "--threads" => {
                    let value = args.next().ok_or("--threads takes a number")?;
                    options.threads = match value.parse() {
                        Ok(n) if n > 0 => Some(n),
                        _ => return Err(format!("--threads `{value}` is not a number above 0")),
                    };
                }
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
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, options.port));
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {address}: {error}; pick another with --port");
            return ExitCode::FAILURE;
        }
    };
    let port = listener
        .local_addr()
        .map_or(options.port, |bound| bound.port());
    let quiet = options.quiet;
    let mut router =
        Bridge::new(move |session| app::AgentAssist::new(session.id(), session.sender(), quiet))
            .allow_origin(format!("http://localhost:{port}"))
            .allow_origin(format!("http://127.0.0.1:{port}"))
            .into_router();
    if options.pages {
        router = router
            .route("/", get(|| async { Redirect::to("/host/") }))
            .fallback_service(ServeDir::new(pages::dir()));
    }
    println!("partner-bridge listening on http://127.0.0.1:{port}");
    if options.pages {
        println!(
            "open http://localhost:{port}/host/ : the host simulator plays the sample messages into the partner page, which forwards them here; each line below is one message handled in Rust"
        );
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: the server stopped: {error}");
            ExitCode::FAILURE
        }
    }
}
