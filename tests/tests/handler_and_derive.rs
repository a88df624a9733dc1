//! `#[partner_events::handler]` and `#[derive(partner_events::Event)]` in use.

#![deny(warnings)]

use std::borrow::Cow;

use partner_events::events::{AwChatInitV1, AwInteractionHoldV1, AwInteractionMuteV1};
use partner_events::{Dispatch, Event, EventContext, Message, Unhandled, VersionMatch};
use serde::{Deserialize, Serialize};

#[derive(Default)]
struct App {
    log: Vec<String>,
    unhandled: Vec<String>,
}

#[partner_events::handler]
impl App {
    fn on_hold(&mut self, event: AwInteractionHoldV1) {
        self.log.push(format!("hold {}", event.interaction_id));
    }

    fn on_mute(&mut self, event: AwInteractionMuteV1, context: &EventContext) {
        self.log.push(format!(
            "mute {} {:?}",
            event.interaction_id, context.version
        ));
    }

    fn on_chat_init(&mut self, event: AwChatInitV1) {
        self.log
            .push(format!("chat-init {} messages", event.messages.len()));
    }

    fn fallback(&mut self, unhandled: Unhandled) {
        let what = match unhandled {
            Unhandled::Message(Message::Event(event)) => format!(
                "no handler: {}",
                partner_events::AnyEvent::event_name(&event.event)
            ),
            Unhandled::Message(Message::UnknownEvent { name, payload, .. }) => {
                format!("unknown {name} {}", payload.get())
            }
            Unhandled::Message(Message::UnknownVersion {
                name,
                schema_version,
                ..
            }) => format!("unknown version {name} {schema_version}"),
            Unhandled::Message(Message::NotEvent(non_event)) => {
                format!("not an event: {}", non_event.kind)
            }
            Unhandled::Message(other) => format!("other: {}", other.outcome().as_str()),
            Unhandled::Invalid(error) => format!("invalid: {error}"),
        };
        self.unhandled.push(what);
    }
}

struct ReadOnly;

#[partner_events::handler]
impl ReadOnly {
    fn on_hold(&self, _event: AwInteractionHoldV1) {}
}

fn message(name: &str, value: &str) -> String {
    format!(
        r#"{{"type":"event","schemaVersion":"1.0.0","message":{{"eventName":"{name}","value":{value}}}}}"#
    )
}

#[test]
fn handler_routes_each_event_to_its_method_and_the_rest_to_fallback() {
    let mut app = App::default();
    let hold = message(
        "aw-interaction-hold-v1",
        r#"{"interactionId":"i1","schemaVersion":"1.0.0"}"#,
    );
    assert!(matches!(
        app.handle(&hold),
        Dispatch::Handled("aw-interaction-hold-v1")
    ));
    let mute = message(
        "aw-interaction-mute-v1",
        r#"{"interactionId":"i2","schemaVersion":"1.1.0"}"#,
    );
    assert!(matches!(
        app.handle(&mute),
        Dispatch::Handled("aw-interaction-mute-v1")
    ));
    let chat = message(
        "aw-chat-init-v1",
        r#"{"interactionId":"i3","schemaVersion":"1.0.0","messages":[]}"#,
    );
    assert!(matches!(app.handle(&chat), Dispatch::Handled(_)));
    for other in [
        message(
            "aw-interaction-resume-v1",
            r#"{"interactionId":"i4","schemaVersion":"1.0.0"}"#,
        ),
        message("aw-brand-new-v1", r#"{"x": 1}"#),
        message(
            "aw-interaction-hold-v1",
            r#"{"interactionId":"i5","schemaVersion":"4.0.0"}"#,
        ),
        r#"{"type":"error","message":{"code":1}}"#.to_owned(),
        "not json".to_owned(),
    ] {
        assert!(matches!(app.handle(&other), Dispatch::Fallback));
    }
    assert_eq!(
        app.log,
        [
            "hold i1",
            "mute i2 NewerCompatible { sent: SchemaVersion { major: 1, minor: 1, patch: 0 } }",
            "chat-init 0 messages"
        ]
    );
    assert_eq!(
        app.unhandled,
        [
            "no handler: aw-interaction-resume-v1",
            "unknown aw-brand-new-v1 {\"x\": 1}",
            "unknown version aw-interaction-hold-v1 4.0.0",
            "not an event: error",
            "invalid: not JSON: expected ident at line 1 column 2",
        ]
    );
}

#[test]
fn without_a_fallback_unhandled_messages_are_returned() {
    let handler = ReadOnly;
    let resume = message(
        "aw-interaction-resume-v1",
        r#"{"interactionId":"i","schemaVersion":"1.0.0"}"#,
    );
    match handler.handle(&resume) {
        Dispatch::Unhandled(Unhandled::Message(Message::Event(event))) => {
            assert_eq!(event.version, VersionMatch::Exact)
        }
        other => panic!("{other:?}"),
    }
}

/// A partner's own send-event struct, borrowing its strings.
#[derive(Serialize, partner_events::Event)]
#[event(name = "aw-chat-message-received-v1", version = "1.0.0")]
#[serde(rename_all = "camelCase")]
struct Reply<'a> {
    interaction_id: &'a str,
    message: Cow<'a, str>,
    schema_version: &'static str,
}

#[test]
fn derived_send_events_are_sent_like_generated_ones() {
    let reply = Reply {
        interaction_id: "int-1",
        message: Cow::Borrowed("Thanks!"),
        schema_version: "1.0.0",
    };
    assert_eq!(Reply::NAME, "aw-chat-message-received-v1");
    assert_eq!(
        partner_events::send_request(&reply).unwrap(),
        r#"{"type":"request","message":{"action":"sendEvent","namespace":"system","value":{"name":"aw-chat-message-received-v1","data":{"interactionId":"int-1","message":"Thanks!","schemaVersion":"1.0.0"}}}}"#
    );
}

/// A zero-copy view of the big chat-init payload: strings borrowed, messages left as raw JSON.
#[derive(Deserialize, partner_events::Event)]
#[event(name = "aw-chat-init-v1", version = "1.0.0")]
struct ChatInitView<'a> {
    #[serde(rename = "interactionId")]
    interaction_id: &'a str,
    #[serde(borrow)]
    messages: Vec<&'a serde_json::value::RawValue>,
    #[serde(rename = "schemaVersion")]
    schema_version: &'a str,
}

#[test]
fn derived_received_events_decode_borrowing_from_the_message() {
    let text = message(
        "aw-chat-init-v1",
        r#"{"interactionId":"int-9","schemaVersion":"1.0.0","messages":[{"id":"m1","rawMessage":"hi","timestamp":1,"type":"text"}]}"#,
    );
    let view: ChatInitView<'_> = partner_events::decode_as(&text).unwrap().unwrap();
    assert_eq!(view.interaction_id, "int-9");
    assert_eq!(view.schema_version, "1.0.0");
    assert_eq!(
        view.messages[0].get(),
        r#"{"id":"m1","rawMessage":"hi","timestamp":1,"type":"text"}"#
    );
    // borrowed, not copied: the view points into the message text
    let range = text.as_ptr() as usize..text.as_ptr() as usize + text.len();
    assert!(range.contains(&(view.interaction_id.as_ptr() as usize)));
    // another event is not this one
    let hold = message(
        "aw-interaction-hold-v1",
        r#"{"interactionId":"i","schemaVersion":"1.0.0"}"#,
    );
    assert!(partner_events::decode_as::<ChatInitView<'_>>(&hold)
        .unwrap()
        .is_none());
}
