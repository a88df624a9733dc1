//! The example partner backend: it follows the agent and their interactions, and answers every
//! chat that opens. Each line it prints is one message handled, for a person watching the demo.

use std::any::type_name;

use partner_events::events::{
    AwChatInitV1, AwChatMessageReceivedV1, AwInteractionHoldV1, AwInteractionMuteV1,
    GlobalUserDetailsV1, MashellVoicePhoneOfferedCcEventV1,
};
// Handled on purpose until its sunset; the printed lifecycle says so.
#[allow(deprecated)]
use partner_events::events::AwInteractionFocusV1;
use partner_events::{Event, EventContext, Message, Unhandled, VersionMatch};
use partner_events_bridge::Session;

/// One agent session's state.
pub struct AgentAssist {
    session: Session,
    quiet: bool,
}

impl AgentAssist {
    /// A session's handler; `quiet` prints nothing (for load runs).
    pub fn new(session: Session, quiet: bool) -> Self {
        AgentAssist { session, quiet }
    }

    fn print(&self, line: std::fmt::Arguments<'_>) {
        if !self.quiet {
            println!("session {}: {line}", self.session.id());
        }
    }

    fn handled<E: Event>(&self, context: &EventContext, detail: &str) {
        let rust_type = type_name::<E>().rsplit("::").next().unwrap_or_default();
        let version = match context.version {
            VersionMatch::Exact => String::new(),
            VersionMatch::NewerCompatible { sent } => format!(", sent as {sent}"),
        };
        self.print(format_args!(
            "✓ {} → {rust_type} ({}{version}): {detail}",
            E::NAME,
            context.lifecycle
        ));
    }
}

#[partner_events::handler]
impl AgentAssist {
    fn on_user(&mut self, event: GlobalUserDetailsV1, context: &EventContext) {
        let detail = format!("signed in: {} ({})", event.name, event.login_id);
        self.handled::<GlobalUserDetailsV1>(context, &detail);
    }

    fn on_hold(&mut self, event: AwInteractionHoldV1, context: &EventContext) {
        let detail = format!("interaction {} is on hold", event.interaction_id);
        self.handled::<AwInteractionHoldV1>(context, &detail);
    }

    fn on_mute(&mut self, event: AwInteractionMuteV1, context: &EventContext) {
        let detail = format!("interaction {} muted", event.interaction_id);
        self.handled::<AwInteractionMuteV1>(context, &detail);
    }

    #[allow(deprecated)]
    fn on_focus(&mut self, event: AwInteractionFocusV1, context: &EventContext) {
        let detail = format!("interaction {} has focus", event.interaction_id);
        self.handled::<AwInteractionFocusV1>(context, &detail);
    }

    /// Answers every chat that opens with one message, to that session's page only. `async`, as a
    /// real backend would look the customer up first.
    async fn on_chat_init(&mut self, event: AwChatInitV1, context: &EventContext) {
        tokio::task::yield_now().await;
        let detail = format!(
            "chat {} opened with {} message(s); replied",
            event.interaction_id,
            event.messages.len()
        );
        self.handled::<AwChatInitV1>(context, &detail);
        let reply = AwChatMessageReceivedV1 {
            message: format!(
                "Hello from the Rust server: I read {} message(s) of this chat.",
                event.messages.len()
            ),
            interaction_id: event.interaction_id,
            schema_version: Default::default(),
        };
        if let Err(error) = self.session.send(&reply) {
            self.print(format_args!("✗ the reply was not sent: {error}"));
        }
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
        self.handled::<MashellVoicePhoneOfferedCcEventV1>(context, &detail);
    }

    fn fallback(&mut self, unhandled: Unhandled) {
        match unhandled {
            Unhandled::Message(Message::Event(event)) => self.print(format_args!(
                "↪ fallback (no-handler) {}",
                event.event.event_name()
            )),
            Unhandled::Message(Message::UnknownEvent { name, payload, .. }) => self.print(
                format_args!("↪ fallback (unknown-event) {name}: {}", payload.get()),
            ),
            Unhandled::Message(Message::UnknownVersion { name, payload, .. }) => self.print(
                format_args!("↪ fallback (unknown-version) {name}: {}", payload.get()),
            ),
            Unhandled::Message(Message::NotEvent(non_event)) => self.print(format_args!(
                "↪ fallback (not-event) {}: {}",
                non_event.kind,
                non_event.message.get()
            )),
            // the bridge has already sent the page an error frame
            Unhandled::Invalid(error) => self.print(format_args!("✗ {error}")),
        }
    }
}
