//! An event consumer beside the bridge: every event a page delivered, from the durable stream,
//! applied once by its delivery id, as a CRM sync or an audit log would.
//!
//! ```text
//! cargo run -p partner-events-nats --example consumer -- --nats nats://127.0.0.1:4222 \
//!     [--durable audit] [--applied applied.txt]
//! ```
//!
//! It prints `seen <delivery id>` for every delivery and `applied <delivery id>` the first time
//! an id is applied. What it applied is its own store (`--applied`, one id per line, appended
//! before the event is acknowledged), read back at start: killed at any moment and started again,
//! it is handed again what it had not acknowledged, and skips what it had applied.

use std::collections::HashSet;
use std::io::Write;
use std::process::ExitCode;

use partner_events::events::AwChatInitV1;
use partner_events::{DeliveryId, EventContext, Unhandled};
use partner_events_nats::NatsOptions;

/// Applies each delivery once: the set of ids is the store's unique key.
struct Audit {
    applied: HashSet<String>,
    store: std::fs::File,
}

impl Audit {
    fn apply(&mut self, delivery: Option<&DeliveryId>, what: &str) {
        let Some(id) = delivery.map(ToString::to_string) else {
            println!("seen an event with no delivery id: {what}");
            return;
        };
        println!("seen {id}");
        if self.applied.contains(&id) {
            return; // a redelivery: applied already
        }
        // written (and flushed) before the handler returns, so before the acknowledgement
        if writeln!(self.store, "{id}")
            .and_then(|()| self.store.flush())
            .is_ok()
        {
            self.applied.insert(id.clone());
            println!("applied {id}");
        }
    }
}

#[partner_events::handler]
impl Audit {
    fn on_chat(&mut self, chat: AwChatInitV1, context: &EventContext) {
        self.apply(context.delivery.as_ref(), &chat.interaction_id);
    }

    fn fallback(&mut self, _unhandled: Unhandled) {
        self.apply(DeliveryId::current().as_ref(), "another event");
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (mut url, mut durable, mut applied) = (None, "audit".to_owned(), "applied.txt".to_owned());
    while let Some(flag) = args.next() {
        let value = args.next();
        match (flag.as_str(), value) {
            ("--nats", Some(value)) => url = Some(value),
            ("--durable", Some(value)) => durable = value,
            ("--applied", Some(value)) => applied = value,
            (flag, _) => {
                eprintln!("error: unknown argument or missing value: {flag}\nusage: consumer --nats URL [--durable NAME] [--applied FILE]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(url) = url else {
        eprintln!("error: give --nats URL");
        return ExitCode::from(2);
    };
    let known: HashSet<String> = std::fs::read_to_string(&applied)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect();
    let store = match std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&applied)
    {
        Ok(store) => store,
        Err(error) => {
            eprintln!("error: {applied}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let nats = match NatsOptions::new(url)
        .ingest(false)
        .route_pages(false)
        .connect()
        .await
    {
        Ok(nats) => nats,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("consuming as {durable}, {} applied before", known.len());
    nats.consumer(durable)
        .run(Audit {
            applied: known,
            store,
        })
        .await;
    ExitCode::SUCCESS
}
