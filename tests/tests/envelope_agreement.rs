//! The SDK envelope has two homes: `runtime/src/envelope.rs`, which the runtime writes with, and
//! `catalog/src/envelope.rs`, which the samples, the JSON Schema and the AsyncAPI document are
//! built from. The runtime cannot depend on the catalog crate (a partner's wasm build would
//! compile syn), so nothing but these tests keeps the two spelled alike:
//!
//! - every received event's sample message, at every version, decodes with the runtime, and
//!   `Message::to_json` writes the catalog's envelope around it, byte for byte, key order
//!   included; an event the runtime does not know (the slow path's reading) comes back byte for
//!   byte whole;
//! - every send event's request, as the runtime writes it (`send_request`, the test kit's
//!   `SentEvent::request`), is the catalog's sample request;
//! - what the runtime writes meets the catalog's JSON Schema of the envelope and the AsyncAPI
//!   document's schema of the event's message.

mod common;

use partner_events::events::{AwChatMessageReceivedV1, AwInteractionWrapUpCodesReceivedV1};
use partner_events::testing::{self, FakeHost};
use partner_events::{Message, SendEvent};
use partner_events_catalog::model::{Catalog, Direction, Event, Version};
use partner_events_catalog::{asyncapi, sample, schema};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// `written` is the catalog's envelope `around` (its text with a `null` payload) with `payload`
/// inside: the envelope byte for byte, the payload as JSON (a generated type writes its fields in
/// its own order, a `serde_json::Value` sorts them).
#[track_caller]
fn assert_envelope(written: &str, around: &str, payload: &Value, what: &str) {
    // the payload is the envelope's last value, so the last `null` is it
    let (before, after) = around.rsplit_once("null").expect("the payload is null");
    let inside = written
        .strip_prefix(before)
        .and_then(|rest| rest.strip_suffix(after))
        .unwrap_or_else(|| {
            panic!("{what}: the runtime wrote\n{written}\naround the catalog's\n{around}")
        });
    let inside: Value = serde_json::from_str(inside).expect("the payload is JSON");
    assert_eq!(&inside, payload, "{what}");
}

/// A validator of the AsyncAPI document's schema of one message's payload: the whole document,
/// for its `$ref`s, entered at that payload.
fn asyncapi_validator(document: &Value, event: &Event, version: &Version) -> jsonschema::Validator {
    let key = asyncapi::message_key(event, version);
    let mut root = document.clone();
    root["$ref"] = json!(format!("#/components/messages/{key}/payload"));
    let validator =
        jsonschema::draft202012::new(&root).expect("the AsyncAPI payload schema compiles");
    // the entry `$ref` is followed: an empty object is no message
    assert!(
        !validator.is_valid(&json!({})),
        "{key}: the schema accepts anything"
    );
    validator
}

#[track_caller]
fn assert_valid(validator: &jsonschema::Validator, instance: &str, what: &str) {
    let instance: Value = serde_json::from_str(instance).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{what}: {instance}\n{errors:?}");
}

#[test]
fn the_runtime_writes_the_catalogs_event_messages() {
    let catalog = common::samples::catalog();
    let document = asyncapi::document(&catalog);
    let envelope = jsonschema::validator_for(&schema::envelope_schema()).unwrap();
    let mut checked = 0;
    for event in catalog.events_of(Direction::Received) {
        for version in &event.versions {
            let message_schema = asyncapi_validator(&document, event, version);
            let around = sample::message(event, version, &Value::Null);
            for (fill, payload) in common::samples::payloads(&catalog, version, 5) {
                let what = format!("{} {} {fill}", event.name, version.version);
                let text = sample::message(event, version, &payload);
                let decoded = partner_events::decode(&text)
                    .unwrap_or_else(|error| panic!("{what}: {error}\n{text}"));
                assert!(
                    matches!(decoded, Message::Event(_)),
                    "{what}: decoded as {decoded:?}"
                );
                let written = decoded.to_json();
                assert_envelope(&written, &around, &payload, &what);
                assert_valid(&envelope, &written, &what);
                assert_valid(&message_schema, &written, &what);
                checked += 1;
            }
        }
    }
    assert!(checked >= 200, "only {checked} messages checked");
}

#[test]
fn an_event_the_runtime_does_not_know_comes_back_as_the_catalog_wrote_it() {
    let catalog = common::samples::catalog();
    for event in catalog.events_of(Direction::Received) {
        let mut unknown = event.clone();
        unknown.name = format!("{}-unknown", event.name);
        let version = event.newest();
        let payload = sample::payload(&catalog, version, &mut sample::Fill::Full);
        let text = sample::message(&unknown, version, &payload);
        let decoded = partner_events::decode(&text).unwrap();
        assert!(
            matches!(decoded, Message::UnknownEvent { .. }),
            "{}: decoded as {decoded:?}",
            unknown.name
        );
        assert_eq!(decoded.to_json(), text, "{}", unknown.name);
    }
}

/// One send event's requests, as the runtime writes them, against the catalog's samples.
fn check_send_event<E>(catalog: &Catalog, document: &Value) -> &'static str
where
    E: SendEvent + Serialize + DeserializeOwned,
{
    let event = catalog.event(E::NAME).expect("the catalog has the event");
    let version = event.newest();
    let request_schema = jsonschema::validator_for(&schema::send_request_schema()).unwrap();
    let message_schema = asyncapi_validator(document, event, version);
    let around = sample::send_request(event, &Value::Null);
    let mut typed = vec![
        ("minimal".to_owned(), testing::minimal::<E>()),
        ("full".to_owned(), testing::full::<E>()),
    ];
    typed.extend((0..5).map(|seed| (format!("seed {seed}"), testing::random::<E>(seed))));
    for (fill, payload) in typed {
        let what = format!("{} {fill}", E::NAME);
        let data = serde_json::to_value(&payload).unwrap();

        let written = partner_events::send_request(&payload).unwrap();
        assert_envelope(&written, &around, &data, &what);
        assert_valid(&request_schema, &written, &what);
        assert_valid(&message_schema, &written, &what);

        // the test kit's record keeps the data as a `Value`, so its request is the catalog's
        // sample, byte for byte
        let host = FakeHost::new();
        host.sender().send(&payload).unwrap();
        let sent = host.take_sent();
        assert_eq!(
            sent[0].request(),
            sample::send_request(event, &sent[0].data),
            "{what}"
        );
    }
    E::NAME
}

#[test]
fn the_runtime_writes_the_catalogs_send_requests() {
    let catalog = common::samples::catalog();
    let document = asyncapi::document(&catalog);
    let checked = [
        check_send_event::<AwChatMessageReceivedV1>(&catalog, &document),
        check_send_event::<AwInteractionWrapUpCodesReceivedV1>(&catalog, &document),
    ];
    // a new send event is checked here too, or this fails
    let send_events: Vec<&str> = catalog
        .events_of(Direction::Send)
        .map(|event| event.name.as_str())
        .collect();
    assert_eq!(send_events, checked);
}
