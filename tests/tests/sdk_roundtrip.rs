//! Every documented payload, built from the SDK's own schema (not from catalog.yaml), goes through
//! its generated type and comes back as the same JSON, and every way the SDK schema refuses a
//! payload is refused by the generated type too, with the field's path in the error.
//!
//! The SDK schema is read from `fixtures/sdk-payloads.yaml`, a copy of the project's fact sheet of
//! `@8x8/pui-partner-comm` 0.15.0 (`shared/sdk/payloads.yaml`), in its own field-tree notation.

use std::collections::BTreeSet;

use partner_events::__private::Entry;
use partner_events::events::{Received, Sent, __RECEIVED, __SENT};
use partner_events::PayloadError;
use serde_json::{json, Value};

mod common;

use common::sdk::{sample_object, sdk_events, with_extra_keys, Fill, SdkField, SdkType};

// ---- the generated types, by name --------------------------------------------------------------

fn entry<'a, E>(table: &'a [Entry<E>], name: &str) -> Option<&'a Entry<E>> {
    table.iter().find(|e| e.name == name)
}

fn decode(name: &str, payload: &Value) -> Result<Value, PayloadError> {
    let text = payload.to_string();
    if let Some(entry) = entry(__RECEIVED, name) {
        let event: Received = (entry.decode)(&text)?;
        assert_eq!(event.event_name(), name);
        Ok(serde_json::to_value(&event).unwrap())
    } else if let Some(entry) = entry(__SENT, name) {
        let event: Sent = (entry.decode)(&text)?;
        assert_eq!(event.event_name(), name);
        Ok(serde_json::to_value(&event).unwrap())
    } else {
        panic!("no generated type for {name}")
    }
}

// ---- the tests ---------------------------------------------------------------------------------

#[test]
fn the_sdk_documents_32_payloads_and_each_has_a_generated_type() {
    let events = sdk_events();
    assert_eq!(events.len(), 32);
    for event in &events {
        let table_has = match event.direction.as_str() {
            "receive" => entry(__RECEIVED, &event.name).is_some(),
            "send" => entry(__SENT, &event.name).is_some(),
            other => panic!("direction {other}"),
        };
        assert!(table_has, "{} has no generated type", event.name);
    }
}

#[test]
fn every_payload_round_trips_with_all_optional_fields_and_with_none() {
    for event in sdk_events() {
        for fill in [Fill::Full, Fill::Minimal, Fill::Nulls] {
            let payload = Value::Object(sample_object(&event.fields, fill));
            let back = decode(&event.name, &payload)
                .unwrap_or_else(|e| panic!("{}: {payload}\nrefused: {e}", event.name));
            assert_eq!(back, payload, "{} did not round-trip", event.name);
        }
    }
}

#[test]
fn unknown_keys_are_accepted_at_every_depth_and_dropped_as_zod_strips_them() {
    for event in sdk_events() {
        let payload = Value::Object(sample_object(&event.fields, Fill::Full));
        let back = decode(&event.name, &with_extra_keys(&event.fields, &payload))
            .unwrap_or_else(|e| panic!("{}: extra keys refused: {e}", event.name));
        assert_eq!(back, payload, "{}", event.name);
    }
}

/// Every payload the SDK schema refuses, one change at a time: each required field removed, each
/// optional non-nullable field set to `null`, each literal changed. `path` is where it happens.
fn refusals(fields: &[SdkField], path: &str, out: &mut Vec<(String, String, Value)>) {
    let base = Value::Object(sample_object(fields, Fill::Full));
    for field in fields {
        let here = if path.is_empty() {
            field.name.clone()
        } else {
            format!("{path}.{}", field.name)
        };
        if !field.optional {
            let mut broken = base.clone();
            broken.as_object_mut().unwrap().remove(&field.name);
            out.push((format!("missing {here}"), path.to_owned(), broken));
        } else if !field.nullable {
            let mut broken = base.clone();
            broken[&field.name] = Value::Null;
            out.push((format!("null {here}"), here.clone(), broken));
        }
        match &field.ty {
            SdkType::Literal(value) => {
                let mut broken = base.clone();
                broken[&field.name] = json!(format!("{value}-not"));
                out.push((format!("wrong literal {here}"), here.clone(), broken));
            }
            SdkType::Number => {
                let mut broken = base.clone();
                broken[&field.name] = json!("12");
                out.push((format!("string for number {here}"), here.clone(), broken));
            }
            SdkType::Object(inner) => {
                let mut nested = Vec::new();
                refusals(inner, &here, &mut nested);
                for (what, at, value) in nested {
                    let mut broken = base.clone();
                    broken[&field.name] = value;
                    out.push((what, at, broken));
                }
            }
            _ => {}
        }
    }
}

#[test]
fn payloads_the_sdk_schema_refuses_are_refused_with_the_fields_path() {
    let mut checked = 0;
    for event in sdk_events() {
        let mut cases = Vec::new();
        refusals(&event.fields, "", &mut cases);
        for (what, path, payload) in cases {
            // chat-accepted takes "accepted" as well as the SDK's "offered"; that is on purpose
            if event.name == "mashell-chat-accepted-cc-event-v1"
                && what == "wrong literal eventName"
            {
                continue;
            }
            match decode(&event.name, &payload) {
                Ok(_) => panic!("{}: {what} was accepted: {payload}", event.name),
                Err(error) => {
                    assert_eq!(error.path(), path, "{}: {what}: {error}", event.name);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 300, "only {checked} refusals checked");
}

#[test]
fn nested_array_errors_name_the_index() {
    let mut payload = json!({
        "interactionId": "i",
        "schemaVersion": "1.0.0",
        "messages": [
            {"id": "m1", "rawMessage": "hi", "timestamp": 1, "type": "text"},
            {"id": "m2", "rawMessage": "hi", "timestamp": "soon", "type": "text"},
        ],
    });
    let error = decode("aw-chat-init-v1", &payload).unwrap_err();
    assert_eq!(error.path(), "messages[1].timestamp");
    assert_eq!(
        error.to_string(),
        "at `messages[1].timestamp`: invalid type: string \"soon\", expected a JSON number"
    );
    payload["messages"][1]["timestamp"] = json!(2);
    payload["messages"][0]["attachments"] =
        json!([{"filename": "a", "id": "1", "size": 1, "type": "video"}]);
    let error = decode("aw-chat-init-v1", &payload).unwrap_err();
    assert_eq!(error.path(), "messages[0].attachments[0].type");
}

#[test]
fn chat_accepted_takes_both_the_sdk_and_the_documented_event_name_and_writes_back_what_it_read() {
    let sdk = sdk_events();
    let event = sdk
        .iter()
        .find(|e| e.name == "mashell-chat-accepted-cc-event-v1")
        .unwrap();
    let mut payload = Value::Object(sample_object(&event.fields, Fill::Full));
    for name in ["offered", "accepted"] {
        payload["eventName"] = json!(name);
        assert_eq!(decode(&event.name, &payload).unwrap(), payload);
    }
    payload["eventName"] = json!("completed");
    let error = decode(&event.name, &payload).unwrap_err();
    assert_eq!(error.path(), "eventName");
}

#[test]
fn every_catalog_event_is_in_the_sdk_or_has_an_open_payload() {
    let sdk: BTreeSet<String> = sdk_events().into_iter().map(|e| e.name).collect();
    let open: Vec<&str> = __RECEIVED
        .iter()
        .map(|e| e.name)
        .chain(__SENT.iter().map(|e| e.name))
        .filter(|name| !sdk.contains(*name))
        .collect();
    assert_eq!(
        open,
        [
            "aw-interaction-focus-v2",
            "aw-interaction-wrap-up-codes-received-v1"
        ]
    );
    // open payloads keep any JSON as it came
    let anything = json!({"interactionId": "i", "focus": {"deep": [1, null, "x"]}, "n": 1.50});
    assert_eq!(
        decode("aw-interaction-focus-v2", &anything).unwrap(),
        anything
    );
}
