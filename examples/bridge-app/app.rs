//! The example partner backend: it follows the agent and their interactions, answers every chat
//! that opens, and pops a card on its own page for every call offered and chat opened (the caller
//! or customer, and what it looked up), whose button sends an action back. Each line it prints is
//! one message handled, for a person watching the demo.

use std::any::type_name;

use partner_events::events::{
    AwChatInitV1, AwChatMessageReceivedV1, AwInteractionHoldV1, AwInteractionMuteV1,
    GlobalUserDetailsV1, MashellVoicePhoneOfferedCcEventV1,
};
// Handled on purpose until its sunset; the printed lifecycle says so.
#[allow(deprecated)]
use partner_events::events::AwInteractionFocusV1;
use partner_events::{DeliveryId, Event, EventContext, Message, Sender, Unhandled, VersionMatch};
use partner_events_bridge::{PageHandler, PageSender};
use serde::{Deserialize, Serialize};

/// What the server shows on its own page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ToPage {
    /// A screen pop: who is calling or chatting, and their record.
    #[serde(rename_all = "camelCase")]
    Card {
        /// `call` or `chat`.
        media: String,
        /// The interaction the card is about.
        interaction_id: String,
        /// The caller or customer.
        who: String,
        /// What the look-up found.
        record: String,
        /// How many SDK messages this session's handler has handled, this one included.
        handled: u64,
    },
    /// The server's answer to a button on a card.
    #[serde(rename_all = "camelCase")]
    Answer {
        /// The interaction of the card whose button was pressed.
        interaction_id: String,
        /// What the server did.
        text: String,
    },
}

/// What the page sends: a button pressed on a card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardAction {
    /// The button: `open-record`.
    pub action: String,
    /// The card's interaction.
    pub interaction_id: String,
}

/// The example's CRM: a record for anyone, the same every time.
fn look_up(who: &str) -> String {
    let tickets = who.bytes().map(u64::from).sum::<u64>() % 5;
    format!("CRM: {who}, customer since 2019, {tickets} open ticket(s)")
}

/// One agent session's state.
pub struct AgentAssist {
    /// The session's number, for the printed lines.
    session: u64,
    /// Where replies go: the session's page (`Session::sender`), or a test's `FakeHost`.
    sender: Sender,
    /// Where cards go: the session's page (`Session::page_sender`), or a test's recorder.
    page: PageSender<ToPage>,
    /// SDK messages handled by this handler value (it survives a reconnection to this process).
    handled: u64,
    quiet: bool,
}

impl AgentAssist {
    /// Session `session`'s handler, replying through `sender`; `quiet` prints nothing (for load
    /// runs and tests).
    pub fn new(session: u64, sender: Sender, page: PageSender<ToPage>, quiet: bool) -> Self {
        AgentAssist {
            session,
            sender,
            page,
            handled: 0,
            quiet,
        }
    }

    fn pop(&self, media: &str, interaction_id: &str, who: &str) {
        // no page to show it (the plain wire): no look-up for a card nobody will see
        if !self.page.has_page() {
            return;
        }
        let card = ToPage::Card {
            media: media.into(),
            interaction_id: interaction_id.into(),
            who: who.into(),
            record: look_up(who),
            handled: self.handled,
        };
        if let Err(error) = self.page.send(&card) {
            self.print(format_args!("✗ the card was not sent: {error}"));
        }
    }

    fn print(&self, line: std::fmt::Arguments<'_>) {
        if !self.quiet {
            println!("session {}: {line}", self.session);
        }
    }

    /// Counts a handled event and prints what it was; `detail` is formatted only when printed (a
    /// quiet load run formats nothing).
    fn handled<E: Event>(&mut self, context: &EventContext, detail: std::fmt::Arguments<'_>) {
        self.handled += 1;
        if self.quiet {
            return;
        }
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
        self.handled::<GlobalUserDetailsV1>(
            context,
            format_args!("signed in: {} ({})", event.name, event.login_id),
        );
    }

    fn on_hold(&mut self, event: AwInteractionHoldV1, context: &EventContext) {
        self.handled::<AwInteractionHoldV1>(
            context,
            format_args!("interaction {} is on hold", event.interaction_id),
        );
    }

    fn on_mute(&mut self, event: AwInteractionMuteV1, context: &EventContext) {
        self.handled::<AwInteractionMuteV1>(
            context,
            format_args!("interaction {} muted", event.interaction_id),
        );
    }

    #[allow(deprecated)]
    fn on_focus(&mut self, event: AwInteractionFocusV1, context: &EventContext) {
        self.handled::<AwInteractionFocusV1>(
            context,
            format_args!("interaction {} has focus", event.interaction_id),
        );
    }

    /// Answers every chat that opens with one message, to that session's page only. `async`, as a
    /// real backend's would be, to look the customer up; this example's record (`look_up`) is
    /// made in memory, with nothing to wait for. (A yield to the scheduler here once stood in for
    /// a look-up's wait; scripts/bridge-bench's Node.js peer, which answers as this does, waits for
    /// nothing either, so it went: 1.2k instructions a message on the plain wire, 1.8k acknowledged.)
    async fn on_chat_init(&mut self, event: AwChatInitV1, context: &EventContext) {
        self.handled::<AwChatInitV1>(
            context,
            format_args!(
                "chat {} opened with {} message(s); replied",
                event.interaction_id,
                event.messages.len()
            ),
        );
        let customer = event
            .messages
            .iter()
            .find(|message| message.is_bot != Some(true))
            .and_then(|message| message.display_name.clone())
            .unwrap_or_else(|| "a web visitor".into());
        self.pop("chat", &event.interaction_id, &customer);
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
        self.handled::<MashellVoicePhoneOfferedCcEventV1>(
            context,
            format_args!(
                "call {} offered from {}",
                event.event_id, event.search_context
            ),
        );
        self.pop("call", &event.event_id, &event.search_context);
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
            // a kind of message a newer runtime knows: counted by the bridge, shown here
            Unhandled::Message(other) => {
                self.print(format_args!("↪ fallback ({})", other.outcome().as_str()))
            }
            // the bridge has already sent the page an error frame
            Unhandled::Invalid(error) => self.print(format_args!("✗ {error}")),
        }
    }
}

/// The buttons on the page's cards.
impl PageHandler for AgentAssist {
    type FromPage = CardAction;

    async fn on_page_message(&mut self, action: CardAction, delivery: &DeliveryId) {
        self.print(format_args!(
            "⇠ page: {} on {} (delivery {delivery})",
            action.action, action.interaction_id
        ));
        let text = match action.action.as_str() {
            "open-record" => format!("opened the record of {}", action.interaction_id),
            other => format!("no such action: {other}"),
        };
        let answer = ToPage::Answer {
            interaction_id: action.interaction_id,
            text,
        };
        if let Err(error) = self.page.send(&answer) {
            self.print(format_args!("✗ the answer was not sent: {error}"));
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

    use std::sync::{Arc, Mutex};

    use partner_events_bridge::{PageHandler, PageSender};

    use super::{AgentAssist, CardAction, ToPage};

    type Shown = Arc<Mutex<Vec<ToPage>>>;

    fn app_showing(host: &FakeHost) -> (AgentAssist, Shown) {
        let shown = Shown::default();
        let record = Arc::clone(&shown);
        let page = PageSender::new(move |json: String| {
            record
                .lock()
                .unwrap()
                .push(serde_json::from_str(&json).unwrap());
            Ok(())
        });
        (AgentAssist::new(1, host.sender(), page, true), shown)
    }

    fn app(host: &FakeHost) -> AgentAssist {
        app_showing(host).0
    }

    #[tokio::test]
    async fn pops_a_card_for_each_call_and_chat_and_answers_its_button() {
        use partner_events::events::MashellVoicePhoneOfferedCcEventV1;

        let host = FakeHost::new();
        let (mut app, shown) = app_showing(&host);
        let mut call: MashellVoicePhoneOfferedCcEventV1 = testing::full();
        call.event_id = "call-9".into();
        call.search_context = "+15550100".into();
        let mut chat: AwChatInitV1 = testing::minimal();
        chat.interaction_id = "chat-3".into();
        let _ = host
            .play_async(
                &mut app,
                [
                    testing::message(&testing::minimal::<AwInteractionHoldV1>()),
                    testing::message(&call),
                    testing::message(&chat),
                ],
            )
            .await;
        let delivery = partner_events::DeliveryId::new("page-session-000001", 4);
        let press = CardAction {
            action: "open-record".into(),
            interaction_id: "call-9".into(),
        };
        app.on_page_message(press, &delivery).await;
        let shown = shown.lock().unwrap().clone();
        assert_eq!(
            shown,
            [
                ToPage::Card {
                    media: "call".into(),
                    interaction_id: "call-9".into(),
                    who: "+15550100".into(),
                    record: super::look_up("+15550100"),
                    handled: 2,
                },
                ToPage::Card {
                    media: "chat".into(),
                    interaction_id: "chat-3".into(),
                    who: "a web visitor".into(),
                    record: super::look_up("a web visitor"),
                    handled: 3,
                },
                ToPage::Answer {
                    interaction_id: "call-9".into(),
                    text: "opened the record of call-9".into(),
                },
            ]
        );
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
