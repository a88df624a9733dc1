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
use partner_events::{Event, EventContext, Message, Sender, Unhandled, VersionMatch};

/// One agent session's state.
pub struct AgentAssist {
    /// The session's number, for the printed lines.
    session: u64,
    /// Where replies go: the session's page (`Session::sender`), or a test's `FakeHost`.
    sender: Sender,
    quiet: bool,
}

impl AgentAssist {
    /// Session `session`'s handler, replying through `sender`; `quiet` prints nothing (for load
    /// runs and tests).
    pub fn new(session: u64, sender: Sender, quiet: bool) -> Self {
        AgentAssist {
            session,
            sender,
            quiet,
        }
    }

    fn print(&self, line: std::fmt::Arguments<'_>) {
        if !self.quiet {
            println!("session {}: {line}", self.session);
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
        if let Err(error) = self.sender.send(&reply) {
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

#[cfg(test)]
mod tests {
    use partner_events::events::{
        AwChatInitV1, AwChatMessageReceivedV1, AwInteractionHoldV1, GlobalUserDetailsV1,
    };
    use partner_events::testing::{self, FakeHost};
    use partner_events::Dispatch;

    use super::AgentAssist;

    fn app(host: &FakeHost) -> AgentAssist {
        AgentAssist::new(1, host.sender(), true)
    }

    #[tokio::test]
    async fn answers_each_chat_that_opens_once_in_its_own_interaction() {
        let host = FakeHost::new();
        let mut app = app(&host);
        let mut chat: AwChatInitV1 = testing::full();
        chat.interaction_id = "chat-7".into();
        let played = host
            .play_async(
                &mut app,
                [
                    testing::message(&testing::minimal::<GlobalUserDetailsV1>()),
                    testing::message(&chat),
                    testing::message(&testing::minimal::<AwInteractionHoldV1>()),
                ],
            )
            .await;
        let handled: Vec<_> = played
            .iter()
            .map(|dispatch| match dispatch {
                Dispatch::Handled(name) => *name,
                other => panic!("not handled: {other:?}"),
            })
            .collect();
        assert_eq!(
            handled,
            [
                "global-user-details-v1",
                "aw-chat-init-v1",
                "aw-interaction-hold-v1"
            ]
        );

        let sent = host.take_sent();
        assert_eq!(sent.len(), 1, "one reply, for the chat only: {sent:?}");
        let reply: AwChatMessageReceivedV1 = sent[0].payload().expect("a chat message");
        assert_eq!(reply.interaction_id, "chat-7");
        assert!(
            reply
                .message
                .contains(&format!("{} message(s)", chat.messages.len())),
            "{}",
            reply.message
        );
        assert!(sent[0]
            .request()
            .starts_with(r#"{"type":"request","message":{"action":"sendEvent","namespace":"system","value":{"name":"aw-chat-message-received-v1","data":{"#));
        assert!(host.sent().is_empty(), "take_sent empties the record");
    }

    /// What the demo plays (`examples/sample-messages.jsonl`): every message reaches a method or the
    /// fallback, on the blocking `play` too, and exactly the chats get a reply.
    #[test]
    fn takes_every_demo_message_and_replies_to_the_chats_only() {
        let samples = include_str!("../sample-messages.jsonl");
        let lines: Vec<&str> = samples.lines().filter(|l| !l.trim().is_empty()).collect();
        let chats = lines
            .iter()
            .filter(|l| l.contains(r#""eventName":"aw-chat-init-v1""#))
            .count();
        assert!(chats > 0, "the demo opens a chat");

        let host = FakeHost::new();
        let mut app = app(&host);
        let played = host.play(&mut app, &lines);
        assert_eq!(played.len(), lines.len());
        for (line, dispatch) in lines.iter().zip(&played) {
            assert!(
                matches!(dispatch, Dispatch::Handled(_) | Dispatch::Fallback),
                "{line} → {dispatch:?}"
            );
        }
        let replies = host.sent();
        assert_eq!(replies.len(), chats);
        assert!(replies
            .iter()
            .all(|r| r.payload::<AwChatMessageReceivedV1>().is_some()));
    }

    #[test]
    fn invalid_messages_go_to_the_fallback_and_send_nothing() {
        let host = FakeHost::new();
        let mut app = app(&host);
        let played = host.play(
            &mut app,
            [
                "not json",
                r#"{"type":"event","schemaVersion":"1.0.0","message":{"eventName":"aw-interaction-hold-v1","value":{}}}"#,
            ],
        );
        assert!(played.iter().all(|d| matches!(d, Dispatch::Fallback)));
        assert!(host.sent().is_empty());
    }
}
