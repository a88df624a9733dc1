//! `partner_events::testing`: samples of the generated types (built-in and a partner's catalog),
//! the proptest strategies, and `FakeHost`.

#![deny(warnings)]

mod acme {
    //! The partner's events.
    partner_events::include_catalog!("fixtures/partner-catalog.yaml");
}

use std::collections::BTreeSet;

use partner_events::events::{
    AwChatInitV1, AwChatMessageReceivedV1, AwInteractionHoldV1, ChatMessageRawMessage,
    GlobalUserDetailsV1,
};
use partner_events::testing::{self, FakeHost};
use partner_events::{Decoder, Dispatch, Event, Message, ReceivedEvent, VersionMatch};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestError, TestRunner};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The sample's message decodes, with the built-in decoder, as an exact `E`, equal to the sample.
fn decodes_as_itself<E>(payload: &E)
where
    E: ReceivedEvent + Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let text = testing::message(payload);
    let Ok(Message::Event(decoded)) = partner_events::decode(&text) else {
        panic!("{text} did not decode as an event");
    };
    assert_eq!(decoded.version, VersionMatch::Exact, "{text}");
    assert_eq!(decoded.event.event_name(), E::NAME);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let again: E = serde_json::from_value(value["message"]["value"].clone()).unwrap();
    assert_eq!(&again, payload);
}

#[test]
fn minimal_and_full_samples_are_valid_and_differ_where_the_schema_allows() {
    let minimal: AwChatInitV1 = testing::minimal();
    let full: AwChatInitV1 = testing::full();
    assert!(minimal.messages.is_empty());
    assert_eq!(full.messages.len(), 2);
    let message = &full.messages[0];
    assert!(message.author.is_some() && message.variables.is_some());
    assert!(matches!(message.translated_message, Some(Some(_))));
    assert_eq!(
        message.author.as_ref().unwrap().email,
        "ada.lovelace@example.com"
    );
    decodes_as_itself(&minimal);
    decodes_as_itself(&full);
    decodes_as_itself(&testing::full::<GlobalUserDetailsV1>());
    decodes_as_itself(&testing::minimal::<AwInteractionHoldV1>());
}

#[test]
fn random_samples_follow_their_seed() {
    let a: AwChatInitV1 = testing::random(7);
    assert_eq!(a, testing::random(7));
    let distinct: BTreeSet<String> = (0..20)
        .map(|seed| serde_json::to_string(&testing::random::<AwChatInitV1>(seed)).unwrap())
        .collect();
    assert!(distinct.len() > 10, "{} distinct of 20", distinct.len());
    for seed in 0..20 {
        decodes_as_itself(&testing::random::<AwChatInitV1>(seed));
    }
}

#[test]
fn a_partner_catalog_and_a_derived_struct_are_sampled_from_their_own_file() {
    let created: acme::AcmeTicketCreatedV1 = testing::full();
    assert_eq!(created.ticket_id, "ticket-1");
    let text = testing::message(&created);
    let decoded = Decoder::<acme::Catalog>::for_catalog()
        .decode(&text)
        .unwrap();
    assert!(matches!(decoded, Message::Event(_)), "{text}");

    #[derive(serde::Deserialize, partner_events::Event)]
    #[event(
        name = "acme-ticket-note-v1",
        version = "1.0.0",
        catalog = "fixtures/partner-catalog.yaml"
    )]
    #[serde(rename_all = "camelCase")]
    struct Note {
        ticket_id: String,
        note: String,
    }
    let note: Note = testing::minimal();
    assert_eq!(
        (note.ticket_id.as_str(), note.note.is_empty()),
        ("ticket-1", false)
    );
}

/// A type that implements `Event` by hand has no catalog: the kit says so, and what to use.
#[test]
#[should_panic(expected = "implements `Event` by hand")]
fn a_hand_written_event_type_is_refused_with_the_reason() {
    #[derive(serde::Deserialize)]
    struct Mine {}
    impl Event for Mine {
        const NAME: &'static str = "aw-interaction-hold-v1";
        const DIRECTION: partner_events::Direction = partner_events::Direction::Received;
        const SCHEMA_VERSION: partner_events::SchemaVersion =
            partner_events::SchemaVersion::new(1, 0, 0);
        const SCHEMA_VERSIONS: &'static [partner_events::SchemaVersion] = &[];
        const LIFECYCLE: partner_events::Lifecycle = AwInteractionHoldV1::LIFECYCLE;
        const OPEN_PAYLOAD: bool = false;
    }
    let _: Mine = testing::minimal();
}

/// The values of a JSON payload at `path`, where `*` is every item of an array.
fn at<'v>(value: &'v serde_json::Value, path: &[&str]) -> Vec<&'v serde_json::Value> {
    match path.split_first() {
        None => vec![value],
        Some((&"*", rest)) => value
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|item| at(item, rest))
            .collect(),
        Some((key, rest)) => value.get(*key).map(|v| at(v, rest)).unwrap_or_default(),
    }
}

#[test]
fn the_strategy_reaches_every_alternative_and_stays_valid() {
    let strategy = testing::strategy::<AwChatInitV1>();
    let mut runner = TestRunner::deterministic();
    let mut seen = BTreeSet::new();
    for _ in 0..300 {
        let chat = strategy.new_tree(&mut runner).unwrap().current();
        decodes_as_itself(&chat);
        let json = serde_json::to_value(&chat).unwrap();
        for message in at(&json, &["messages", "*"]) {
            seen.insert(match message.get("translatedMessage") {
                None => "translatedMessage absent",
                Some(serde_json::Value::Null) => "translatedMessage null",
                Some(_) => "translatedMessage text",
            });
            seen.insert(if message["rawMessage"].is_string() {
                "rawMessage text"
            } else {
                "rawMessage map"
            });
            if message
                .get("variables")
                .is_some_and(|v| v.as_object().is_some_and(|m| !m.is_empty()))
            {
                seen.insert("variables non-empty");
            }
            for attachment in at(message, &["attachments", "*"]) {
                seen.insert(match attachment["type"].as_str().unwrap() {
                    "image" => "attachment image",
                    "document" => "attachment document",
                    "recording" => "attachment recording",
                    "generic" => "attachment generic",
                    other => panic!("not an enum value: {other}"),
                });
                seen.insert(match attachment.get("meta") {
                    None => "meta absent",
                    Some(serde_json::Value::Null) => "meta null",
                    Some(_) => "meta object",
                });
            }
        }
        for message in &chat.messages {
            if let ChatMessageRawMessage::Map(map) = &message.raw_message {
                assert!(map.keys().all(|k| k.starts_with("rawMessage-key-")));
            }
        }
    }
    let expected = [
        "translatedMessage absent",
        "translatedMessage null",
        "translatedMessage text",
        "rawMessage text",
        "rawMessage map",
        "variables non-empty",
        "attachment image",
        "attachment document",
        "attachment recording",
        "attachment generic",
        "meta absent",
        "meta null",
        "meta object",
    ];
    let missing: Vec<_> = expected.iter().filter(|e| !seen.contains(*e)).collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}

/// A property that fails for every payload shrinks to the minimal one.
#[test]
fn a_failing_case_shrinks_to_the_minimal_payload() {
    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&testing::strategy::<AwChatInitV1>(), |chat| {
        proptest::prop_assert!(chat.messages.is_empty() && chat.interaction_id.is_empty());
        Ok(())
    });
    match result {
        Err(TestError::Fail(_, shrunk)) => assert_eq!(shrunk, testing::minimal::<AwChatInitV1>()),
        other => panic!("the property should fail: {other:?}"),
    }
}

#[test]
fn strategies_of_a_partner_catalog() {
    let strategy = testing::strategy::<acme::AcmeTicketCreatedV1>();
    let mut runner = TestRunner::deterministic();
    let priorities: BTreeSet<&str> = (0..50)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .unwrap()
                .current()
                .priority
                .as_str()
        })
        .collect();
    assert_eq!(priorities.into_iter().collect::<Vec<_>>(), ["high", "low"]);
}

struct Desk {
    tickets: Vec<String>,
}

#[partner_events::handler(catalog = "fixtures/partner-catalog.yaml", events = crate::acme)]
impl Desk {
    fn on_ticket(&mut self, event: acme::AcmeTicketCreatedV1) {
        self.tickets.push(event.ticket_id);
    }
}

#[test]
fn fake_host_plays_into_a_partner_catalog_handler() {
    let host = FakeHost::with_decoder(Decoder::<acme::Catalog>::for_catalog());
    let mut desk = Desk {
        tickets: Vec::new(),
    };
    let played = host.play(
        &mut desk,
        [
            testing::message(&testing::minimal::<acme::AcmeTicketCreatedV1>()),
            testing::message(&testing::minimal::<AwInteractionHoldV1>()),
        ],
    );
    assert!(matches!(
        played[0],
        Dispatch::Handled("acme-ticket-created-v1")
    ));
    // the partner's catalog does not know the built-in event: kept whole, unhandled
    assert!(matches!(
        &played[1],
        Dispatch::Unhandled(partner_events::Unhandled::Message(
            Message::UnknownEvent { .. }
        ))
    ));
    assert_eq!(desk.tickets, ["ticket-1"]);
    assert!(host.sent().is_empty());
}

/// What a handler sends is recorded in order, typed on the way out and back.
#[test]
fn fake_host_records_sends_in_order() {
    struct Echo {
        sender: partner_events::Sender,
    }
    #[partner_events::handler]
    impl Echo {
        fn on_hold(&mut self, event: AwInteractionHoldV1) {
            for n in 1..=2 {
                let reply = AwChatMessageReceivedV1 {
                    interaction_id: event.interaction_id.clone(),
                    message: format!("reply {n}"),
                    schema_version: Default::default(),
                };
                self.sender.send(&reply).unwrap();
            }
        }
    }
    let host = FakeHost::new();
    let mut echo = Echo {
        sender: host.sender(),
    };
    let _ = host.play(
        &mut echo,
        [testing::message(&testing::minimal::<AwInteractionHoldV1>())],
    );
    let sent = host.sent();
    let messages: Vec<String> = sent
        .iter()
        .map(|s| s.payload::<AwChatMessageReceivedV1>().unwrap().message)
        .collect();
    assert_eq!(messages, ["reply 1", "reply 2"]);
    assert_eq!(
        sent[0].request(),
        partner_events::send_request(&sent[0].payload::<AwChatMessageReceivedV1>().unwrap())
            .unwrap()
    );
}
