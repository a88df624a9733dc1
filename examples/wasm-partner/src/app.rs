//! The app: what it does with each event, and the [`Outcome`] the page shows for each message.

use std::any::type_name;

use partner_events::events::{
    AwChatInitV1, AwChatMessageReceivedV1, AwInteractionHoldV1, AwInteractionMuteV1,
    GlobalUserDetailsV1, MashellVoicePhoneOfferedCcEventV1,
};
// Handled on purpose until its sunset; the handler reports its lifecycle.
#[allow(deprecated)]
use partner_events::events::AwInteractionFocusV1;
use partner_events::{
    CatalogDate, Decoder, Dispatch, Event, EventContext, Message, SendEvent, Unhandled,
    VersionMatch,
};
use serde::Serialize;

/// An agent assistant: it tracks the agent and the interactions on hold, and answers every chat
/// that opens.
#[derive(Default)]
pub struct AgentAssist {
    agent: Option<String>,
    on_hold: Vec<String>,
    /// What the message being handled came to.
    outcome: Option<Outcome>,
}

/// An event the app sends: the arguments of `partnerSDK.system.sendEvent(name, data)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outgoing {
    /// The event's wire name.
    pub name: &'static str,
    /// Its payload.
    pub data: serde_json::Value,
}

/// What one message came to, as the page reports it (and the host simulator shows it).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Outcome {
    /// A handler method took the event.
    #[serde(rename_all = "camelCase")]
    Handled {
        /// The wire name.
        event: &'static str,
        /// The Rust type it was decoded as.
        rust_type: &'static str,
        /// Where the event stands on the page's date.
        lifecycle: String,
        /// `exact`, or the newer compatible version that was sent.
        version: String,
        /// What the app made of it.
        detail: String,
        /// What the app sends back.
        sends: Vec<Outgoing>,
    },
    /// The `fallback` method took it.
    #[serde(rename_all = "camelCase")]
    Fallback {
        /// `no-handler`, `unknown-event`, `unknown-version`, `get-events` or `not-event`.
        kind: &'static str,
        /// The event's wire name, or the message's `type`.
        name: String,
        /// `message.value` (`message` for a non-event) exactly as received.
        payload: String,
    },
    /// The message did not decode; the app goes on with the next one.
    Error {
        /// Why, as [`partner_events::DecodeError`] says it.
        error: String,
    },
}

impl Outcome {
    /// An error outcome.
    pub fn error(error: impl Into<String>) -> Self {
        Outcome::Error {
            error: error.into(),
        }
    }
}

impl AgentAssist {
    /// Handles one SDK message, as `onMessage` received it, judging lifecycles on `today`.
    pub fn handle_message(&mut self, json: &str, today: CatalogDate) -> Outcome {
        let decoder = Decoder::new().as_of(today);
        self.outcome = None;
        match self.handle_with(&decoder, json) {
            Dispatch::Handled(_) | Dispatch::Fallback => {}
            Dispatch::Unhandled(_) => {
                return Outcome::error("unreachable: the app has a fallback method")
            }
        }
        self.outcome
            .take()
            .unwrap_or_else(|| Outcome::error("the handler reported no outcome"))
    }

    /// The agent who signed in, if one did.
    pub fn agent(&self) -> Option<&str> {
        self.agent.as_deref()
    }

    /// The interactions put on hold, in order.
    pub fn interactions_on_hold(&self) -> &[String] {
        &self.on_hold
    }

    fn handled<E: Event>(&mut self, context: &EventContext, detail: String) -> &mut Vec<Outgoing> {
        let rust_type = type_name::<E>().rsplit("::").next().unwrap_or_default();
        let version = match context.version {
            VersionMatch::Exact => "exact".to_owned(),
            VersionMatch::NewerCompatible { sent } => format!("newer compatible ({sent})"),
        };
        let outcome = self.outcome.insert(Outcome::Handled {
            event: E::NAME,
            rust_type,
            lifecycle: context.lifecycle.to_string(),
            version,
            detail,
            sends: Vec::new(),
        });
        match outcome {
            Outcome::Handled { sends, .. } => sends,
            _ => unreachable!("just inserted"),
        }
    }
}

fn send<E: SendEvent + Serialize>(sends: &mut Vec<Outgoing>, event: &E) {
    // A generated type always serializes: its fields are strings, numbers and JSON values.
    if let Ok((name, data)) = partner_events::send_event_args(event) {
        sends.push(Outgoing { name, data });
    }
}

#[partner_events::handler]
impl AgentAssist {
    fn on_user(&mut self, event: GlobalUserDetailsV1, context: &EventContext) {
        let detail = format!("signed in: {} ({})", event.name, event.login_id);
        self.agent = Some(event.name);
        self.handled::<GlobalUserDetailsV1>(context, detail);
    }

    fn on_hold(&mut self, event: AwInteractionHoldV1, context: &EventContext) {
        let detail = format!("interaction {} is on hold", event.interaction_id);
        self.on_hold.push(event.interaction_id);
        self.handled::<AwInteractionHoldV1>(context, detail);
    }

    fn on_mute(&mut self, event: AwInteractionMuteV1, context: &EventContext) {
        let detail = format!("interaction {} muted", event.interaction_id);
        self.handled::<AwInteractionMuteV1>(context, detail);
    }

    #[allow(deprecated)]
    fn on_focus(&mut self, event: AwInteractionFocusV1, context: &EventContext) {
        let detail = format!("interaction {} has focus", event.interaction_id);
        self.handled::<AwInteractionFocusV1>(context, detail);
    }

    fn on_chat_init(&mut self, event: AwChatInitV1, context: &EventContext) {
        let detail = format!(
            "chat {} opened with {} message(s)",
            event.interaction_id,
            event.messages.len()
        );
        let reply = AwChatMessageReceivedV1 {
            message: format!(
                "Hello from Rust: I read {} message(s) of this chat.",
                event.messages.len()
            ),
            interaction_id: event.interaction_id,
            schema_version: Default::default(),
        };
        send(self.handled::<AwChatInitV1>(context, detail), &reply);
    }

    fn on_call_offered(
        &mut self,
        event: MashellVoicePhoneOfferedCcEventV1,
        context: &EventContext,
    ) {
        let detail = format!(
            "call {} offered from {}",
            event.event_id, event.search_context
        );
        self.handled::<MashellVoicePhoneOfferedCcEventV1>(context, detail);
    }

    fn fallback(&mut self, unhandled: Unhandled) {
        let (kind, name, payload) = match unhandled {
            Unhandled::Message(Message::Event(event)) => {
                let name = event.event.event_name().to_owned();
                let payload = serde_json::to_string(&event.event).unwrap_or_default();
                ("no-handler", name, payload)
            }
            Unhandled::Message(Message::UnknownEvent { name, payload, .. }) => {
                ("unknown-event", name, payload.get().to_owned())
            }
            Unhandled::Message(Message::UnknownVersion { name, payload, .. }) => {
                ("unknown-version", name, payload.get().to_owned())
            }
            Unhandled::Message(Message::NotEvent(non_event)) => {
                let kind = if non_event.get_events.is_some() {
                    "get-events"
                } else {
                    "not-event"
                };
                (kind, non_event.kind, non_event.message.get().to_owned())
            }
            // a kind of message a newer runtime knows: reported by its outcome word
            Unhandled::Message(other) => {
                ("other", other.outcome().as_str().to_owned(), String::new())
            }
            Unhandled::Invalid(error) => {
                self.outcome = Some(Outcome::error(error.to_string()));
                return;
            }
        };
        self.outcome = Some(Outcome::Fallback {
            kind,
            name,
            payload,
        });
    }
}
