//! `partner-events sample`'s generator against three independent judges of validity: the SDK's
//! own schema (its fact sheet's field trees, read by `common::sdk`), the runtime's decoder (with
//! each event's own generated type) and the exported JSON Schema (through the jsonschema crate).
//! Every event and version, minimal, full and 20 random samples each.

mod common;

use partner_events::events::AwChatMessageReceivedV1;
use partner_events::{Message, VersionMatch};
use partner_events_catalog::model::{Catalog, Direction, Payload, Type};
use partner_events_catalog::{sample, schema};

fn samples(
    catalog: &Catalog,
    version: &partner_events_catalog::model::Version,
) -> Vec<(String, serde_json::Value)> {
    common::samples::payloads(catalog, version, 20)
}

#[test]
fn every_sample_of_the_32_sdk_schemas_meets_the_sdks_own_schema() {
    let catalog = common::samples::catalog();
    let sdk = common::sdk::sdk_events();
    assert_eq!(sdk.len(), 32);
    for sdk_event in &sdk {
        let event = catalog
            .event(&sdk_event.name)
            .expect("the catalog has every SDK event");
        for (fill, payload) in samples(&catalog, event.newest()) {
            if let Err(why) = common::sdk::accepts_object(&sdk_event.fields, &payload, "") {
                panic!("{} {fill}: {why}\n{payload}", event.name);
            }
        }
    }
}

#[test]
fn every_sample_decodes_with_its_own_type_and_meets_its_schema() {
    let catalog = common::samples::catalog();
    let mut checked = 0;
    for event in &catalog.events {
        for version in &event.versions {
            let validator =
                jsonschema::validator_for(&schema::payload_schema(&catalog, event, version))
                    .expect("the exported schema compiles");
            let mut payloads = vec![
                (
                    "minimal".to_owned(),
                    sample::payload(&catalog, version, &mut sample::Fill::Minimal),
                ),
                (
                    "full".to_owned(),
                    sample::payload(&catalog, version, &mut sample::Fill::Full),
                ),
            ];
            for seed in 0..20 {
                let mut rng = fastrand::Rng::with_seed(seed);
                payloads.push((
                    format!("seed {seed}"),
                    sample::payload(&catalog, version, &mut sample::Fill::Random(&mut rng)),
                ));
            }
            for (fill, payload) in payloads {
                let what = format!("{} {} {fill}: {payload}", event.name, version.version);
                let errors: Vec<String> = validator
                    .iter_errors(&payload)
                    .map(|e| e.to_string())
                    .collect();
                assert!(errors.is_empty(), "{what}\nschema: {errors:?}");
                if event.direction == Direction::Send {
                    // the decoder reads what the host sends; a send event is checked as the type
                    // a partner sends it with
                    if event.name == "aw-chat-message-received-v1" {
                        let reply: AwChatMessageReceivedV1 =
                            serde_json::from_value(payload.clone())
                                .unwrap_or_else(|error| panic!("{what}\n{error}"));
                        assert_eq!(serde_json::to_value(&reply).unwrap(), payload, "{what}");
                    }
                    checked += 1;
                    continue;
                }
                let line = sample::message(event, version, &payload);
                match partner_events::decode(&line) {
                    Ok(Message::Event(decoded)) => {
                        assert_eq!(decoded.event.event_name(), event.name, "{what}");
                        assert_eq!(
                            decoded.event.schema_version().to_string(),
                            version.version.to_string(),
                            "{what}"
                        );
                        assert_eq!(decoded.version, VersionMatch::Exact, "{what}");
                    }
                    other => panic!("{what}\ndecoded as {other:?}"),
                }
                checked += 1;
            }
        }
    }
    // every version of every event: 34 in the catalog, 22 samples each
    let versions: usize = catalog.events.iter().map(|e| e.versions.len()).sum();
    assert_eq!(versions, 34);
    assert_eq!(checked, versions * 22);
}

#[test]
fn minimal_and_full_differ_where_the_schema_allows() {
    let catalog = common::samples::catalog();
    let chat = catalog.event("aw-chat-init-v1").unwrap().newest();
    let minimal = sample::payload(&catalog, chat, &mut sample::Fill::Minimal);
    let full = sample::payload(&catalog, chat, &mut sample::Fill::Full);
    assert_eq!(minimal["messages"], serde_json::json!([]));
    let message = &full["messages"][0];
    // every optional field of a chat message is present in the full sample, with a value
    let Payload::Object(_) = &chat.payload else {
        panic!("chat-init has a schema")
    };
    let Type::Object(shape) = &catalog.shapes["ChatMessage"].ty else {
        panic!("ChatMessage is an object")
    };
    for field in &shape.fields {
        assert!(
            message
                .get(&field.wire_name)
                .is_some_and(|value| !value.is_null()),
            "{} missing or null in {message}",
            field.wire_name
        );
    }
    assert_eq!(message["author"]["email"], "ada.lovelace@example.com");
    assert_eq!(full["interactionId"], "interaction-1");
}

#[test]
fn a_seed_gives_the_same_samples_and_the_seeds_cover_the_choices() {
    let catalog = common::samples::catalog();
    let chat = catalog.event("aw-chat-init-v1").unwrap().newest();
    let run = |seed| {
        let mut rng = fastrand::Rng::with_seed(seed);
        (0..5)
            .map(|_| sample::payload(&catalog, chat, &mut sample::Fill::Random(&mut rng)))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
    // across a fixed range of seeds: both alternatives of `rawMessage` (a string or a map), a
    // present and an absent `translatedMessage`, and a null one
    let samples: Vec<serde_json::Value> = (0..40).flat_map(run).collect();
    let messages: Vec<&serde_json::Value> = samples
        .iter()
        .flat_map(|s| s["messages"].as_array().unwrap())
        .collect();
    assert!(messages.iter().any(|m| m["rawMessage"].is_string()));
    assert!(messages.iter().any(|m| m["rawMessage"].is_object()));
    assert!(messages
        .iter()
        .any(|m| m.get("translatedMessage").is_none()));
    assert!(messages
        .iter()
        .any(|m| m.get("translatedMessage").is_some_and(|t| t.is_null())));
    assert!(messages
        .iter()
        .any(|m| m.get("translatedMessage").is_some_and(|t| t.is_string())));
}
