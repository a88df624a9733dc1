//! Properties over generated input (proptest): arbitrary bytes never panic the decoder, every
//! generated type round-trips payloads drawn from the SDK schema, decode → encode → decode is
//! stable, and unknown events come back byte for byte.
//!
//! cargo-fuzz needs a nightly toolchain, which this project's machines do not have; these
//! properties, with proptest's shrinking, are the fuzzing that runs in `cargo test`.

use partner_events::{decode, decode_slice, Message};
use proptest::prelude::*;
use serde_json::{json, Value};

mod common;

use common::sdk::{sample_object_random, sdk_events, Choices, SdkEvent};

fn envelope(name: &str, payload: &str) -> String {
    format!(
        r#"{{"type":"event","schemaVersion":"1.0.0","message":{{"eventName":"{name}","value":{payload}}}}}"#
    )
}

fn received_events() -> Vec<SdkEvent> {
    sdk_events()
        .into_iter()
        .filter(|e| e.direction == "receive")
        .collect()
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e9f64..1e9).prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z_]{1,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A valid message with bytes changed, inserted or removed here and there.
fn mutated_message() -> impl Strategy<Value = Vec<u8>> {
    let events = received_events();
    (
        0..events.len(),
        prop::collection::vec(any::<u8>(), 64),
        prop::collection::vec((any::<u16>(), any::<u8>(), 0..3u8), 1..8),
    )
        .prop_map(move |(which, choices, edits)| {
            let event = &events[which];
            let payload = Value::Object(sample_object_random(
                &event.fields,
                &mut Choices::new(&choices),
            ));
            let mut bytes = envelope(&event.name, &payload.to_string()).into_bytes();
            for (at, byte, kind) in edits {
                let at = at as usize % (bytes.len() + 1);
                match kind {
                    0 if at < bytes.len() => bytes[at] = byte,
                    1 => bytes.insert(at, byte),
                    _ if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    _ => {}
                }
            }
            bytes
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = decode_slice(&bytes);
    }

    #[test]
    fn mutated_messages_never_panic(bytes in mutated_message()) {
        if let Ok(message) = decode_slice(&bytes) {
            // whatever decoded re-encodes and decodes to the same thing; an event read with a
            // version it did not carry (newer compatible, or the envelope's) is re-encoded with
            // the catalog's version, so only its payload is the same the second time
            let again = decode(&message.to_json()).expect("re-encoded message decodes");
            match (&message, &again) {
                (Message::Event(first), Message::Event(second))
                    if first.version != partner_events::VersionMatch::Exact
                        || first.version_source != partner_events::VersionSource::Payload =>
                {
                    prop_assert_eq!(&second.event, &first.event);
                }
                _ => prop_assert_eq!(again, message),
            }
        }
    }

    #[test]
    fn every_generated_type_round_trips_sdk_payloads(which in 0usize..30, choices in prop::collection::vec(any::<u8>(), 0..256)) {
        let events = received_events();
        let event = &events[which % events.len()];
        let payload = Value::Object(sample_object_random(&event.fields, &mut Choices::new(&choices)));
        let text = envelope(&event.name, &payload.to_string());
        let message = decode(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", event.name));
        let Message::Event(decoded) = &message else { panic!("{}: {message:?}", event.name) };
        prop_assert_eq!(serde_json::to_value(&decoded.event).unwrap(), payload);
        // decode -> encode -> decode is stable
        prop_assert_eq!(decode(&message.to_json()).unwrap(), message);
    }

    #[test]
    fn unknown_events_come_back_byte_identical(payload in arbitrary_json(), pretty in any::<bool>(), name in "[a-z]{1,8}(-[a-z]{1,8}){0,3}-v[0-9]") {
        prop_assume!(partner_events::events::__RECEIVED.iter().all(|e| e.name != name));
        let text = if pretty { serde_json::to_string_pretty(&payload).unwrap() } else { payload.to_string() };
        let message = decode(&envelope(&name, &text)).unwrap();
        match &message {
            Message::UnknownEvent { name: got, payload: raw, .. } => {
                prop_assert_eq!(got, &name);
                prop_assert_eq!(raw.get(), text.as_str());
            }
            other => prop_assert!(false, "{:?}", other),
        }
        let again = decode(&message.to_json()).unwrap();
        prop_assert_eq!(again, message);
    }
}
