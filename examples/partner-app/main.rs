//! An example partner app: it handles a bundled file of SDK messages (as the partner SDK's
//! `onMessage` would receive them) through `#[partner_events::handler]`, and builds the
//! `aw-chat-message-received-v1` event it would send back.
//!
//! `cargo run --bin partner-app [-- MESSAGES.jsonl [--as-of YYYY-MM-DD]]`

use std::process::ExitCode;

// Handled on purpose until its sunset: the allows keep the build quiet and greppable, and the
// handler prints the deprecation note at run time.
#[allow(deprecated)]
use partner_events::events::AwInteractionFocusV1;
use partner_events::events::{
    AwChatInitV1, AwChatMessageReceivedV1, AwChatMessageReceivedV1SchemaVersion,
    AwInteractionHoldV1, AwInteractionMuteV1, ChatMessageRawMessage, GlobalUserDetailsV1,
    MashellVoicePhoneOfferedCcEventV1,
};
use partner_events::{
    CatalogDate, Decoder, Dispatch, Event, EventContext, LifecycleStatus, Message, Unhandled,
    VersionMatch,
};

/// What the app remembers between messages.
#[derive(Default)]
struct AgentAssist {
    agent: Option<String>,
    on_hold: Vec<String>,
}

#[partner_events::handler]
impl AgentAssist {
    fn on_user(&mut self, event: GlobalUserDetailsV1) {
        println!("signed in: {} ({})", event.name, event.login_id);
        self.agent = Some(event.name);
    }

    fn on_hold(&mut self, event: AwInteractionHoldV1) {
        println!("interaction {} is on hold", event.interaction_id);
        self.on_hold.push(event.interaction_id);
    }

    fn on_mute(&mut self, event: AwInteractionMuteV1, context: &EventContext) {
        match context.version {
            VersionMatch::NewerCompatible { sent } => println!(
                "interaction {} muted (sent as schema {sent}, read as {})",
                event.interaction_id,
                AwInteractionMuteV1::SCHEMA_VERSION
            ),
            VersionMatch::Exact => println!("interaction {} muted", event.interaction_id),
        }
    }

    #[allow(deprecated)]
    fn on_focus(&mut self, event: AwInteractionFocusV1, context: &EventContext) {
        println!("interaction {} has focus", event.interaction_id);
        if let LifecycleStatus::Deprecated {
            sunset,
            replaced_by,
        } = context.lifecycle
        {
            println!(
                "  note: aw-interaction-focus-v1 is deprecated; it sunsets on {}; use {}",
                sunset.map_or_else(|| "no date".to_owned(), |d| d.to_string()),
                replaced_by.unwrap_or("nothing yet")
            );
        }
    }

    fn on_chat_init(&mut self, event: AwChatInitV1) {
        println!(
            "chat {} opened with {} message(s)",
            event.interaction_id,
            event.messages.len()
        );
        for message in &event.messages {
            let text = match &message.raw_message {
                ChatMessageRawMessage::String(text) => text.clone(),
                ChatMessageRawMessage::Map(map) => format!("{map:?}"),
            };
            println!(
                "  {}: {text}",
                message.author.as_ref().map_or("bot", |a| a.name.as_str())
            );
        }
    }

    fn on_call_offered(
        &mut self,
        event: MashellVoicePhoneOfferedCcEventV1,
        context: &EventContext,
    ) {
        println!(
            "call {} offered from {} ({:?}, schema version from the {:?})",
            event.event_id, event.search_context, event.direction, context.version_source
        );
    }

    fn fallback(&mut self, unhandled: Unhandled) {
        match unhandled {
            Unhandled::Message(Message::Event(event)) => {
                println!(
                    "no handler for {}; ignored on purpose",
                    event.event.event_name()
                )
            }
            Unhandled::Message(Message::UnknownEvent { name, payload, .. }) => {
                println!(
                    "unknown event {name}, passed through intact: {}",
                    payload.get()
                )
            }
            Unhandled::Message(Message::UnknownVersion {
                name,
                schema_version,
                payload,
                ..
            }) => {
                println!(
                    "{name} at unknown schema {schema_version}, kept: {}",
                    payload.get()
                )
            }
            Unhandled::Message(Message::NotEvent(non_event)) => match non_event.get_events {
                Some(events) => {
                    let report = events.report::<partner_events::events::Catalog>();
                    println!(
                        "getEvents: host sends {} catalog event(s); unknown to the catalog: {:?}",
                        report.received.len(),
                        report.unknown_events.keys().collect::<Vec<_>>()
                    );
                }
                None => println!("{} message: {}", non_event.kind, non_event.message.get()),
            },
            // a kind of message a newer runtime knows
            Unhandled::Message(other) => println!("{} message", other.outcome().as_str()),
            Unhandled::Invalid(error) => println!("refused: {error}"),
        }
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut path = "examples/sample-messages.jsonl".to_owned();
    let mut decoder = Decoder::new();
    while let Some(arg) = args.next() {
        if arg == "--as-of" {
            let Some(date) = args.next().as_deref().and_then(CatalogDate::parse) else {
                eprintln!("error: --as-of takes a date, YYYY-MM-DD");
                return ExitCode::from(2);
            };
            decoder = decoder.as_of(date);
        } else {
            path = arg;
        }
    }
    let messages = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: cannot read `{path}`: {error}");
            return ExitCode::from(2);
        }
    };
    let mut app = AgentAssist::default();
    for line in messages.lines() {
        match app.handle_with(&decoder, line) {
            Dispatch::Handled(_) | Dispatch::Fallback => {}
            Dispatch::Unhandled(_) => unreachable!("the app has a fallback"),
        }
    }
    println!(
        "on hold: {:?}; agent: {}",
        app.on_hold,
        app.agent.as_deref().unwrap_or("unknown")
    );

    let reply = AwChatMessageReceivedV1 {
        interaction_id: "int-7".into(),
        message: "Your order ships tomorrow.".into(),
        schema_version: AwChatMessageReceivedV1SchemaVersion::V1_0_0,
    };
    match partner_events::send_request(&reply) {
        Ok(request) => {
            println!("would post: {request}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: cannot serialize the reply: {error}");
            ExitCode::FAILURE
        }
    }
}
