//! The JSON Schema that `schema` prints accepts exactly what the generated types accept: the same
//! fixtures (payloads built from the SDK schema, valid and broken one change at a time, random
//! ones, and ones with extra keys) go through a JSON Schema validator and through the types, and
//! both must agree on every one.

use partner_events::events::{__RECEIVED, __SENT};
use partner_events_catalog::schema::payload_schema;
use proptest::prelude::*;
use serde_json::{json, Value};

mod common;

use common::sdk::{
    sample_object, sample_object_random, sdk_events, with_extra_keys, Choices, Fill, SdkField,
    SdkType,
};

fn catalog() -> partner_events_catalog::Catalog {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog.yaml");
    partner_events_catalog::load_file(&path)
        .unwrap()
        .catalog
        .unwrap()
}

struct Checker {
    validators: Vec<(String, jsonschema::Validator)>,
}

impl Checker {
    fn new() -> Self {
        let catalog = catalog();
        let validators = catalog
            .events
            .iter()
            .map(|event| {
                let schema = payload_schema(&catalog, event, event.newest());
                let validator = jsonschema::draft202012::new(&schema)
                    .unwrap_or_else(|e| panic!("{}: schema does not compile: {e}", event.name));
                (event.name.clone(), validator)
            })
            .collect();
        Checker { validators }
    }

    fn schema_accepts(&self, name: &str, payload: &Value) -> bool {
        let (_, validator) = self.validators.iter().find(|(n, _)| n == name).unwrap();
        validator.is_valid(payload)
    }

    fn types_accept(&self, name: &str, payload: &Value) -> bool {
        let text = payload.to_string();
        if let Some(entry) = __RECEIVED.iter().find(|e| e.name == name) {
            (entry.decode)(&text).is_ok()
        } else {
            let entry = __SENT.iter().find(|e| e.name == name).unwrap();
            (entry.decode)(&text).is_ok()
        }
    }

    fn agree(&self, name: &str, payload: &Value) -> bool {
        let schema = self.schema_accepts(name, payload);
        let types = self.types_accept(name, payload);
        assert_eq!(
            schema, types,
            "{name}: schema says {schema}, types say {types} for {payload}"
        );
        schema
    }
}

/// The SDK's refusals, one change at a time (as in sdk_roundtrip.rs, with more kinds).
fn broken(fields: &[SdkField], out: &mut Vec<Value>) {
    let base = Value::Object(sample_object(fields, Fill::Full));
    for field in fields {
        let mut with = |value: Option<Value>| {
            let mut payload = base.clone();
            match value {
                Some(value) => payload[&field.name] = value,
                None => {
                    payload.as_object_mut().unwrap().remove(&field.name);
                }
            }
            out.push(payload);
        };
        with(None);
        with(Some(Value::Null));
        with(Some(json!(12)));
        with(Some(json!("text")));
        with(Some(json!([])));
        with(Some(json!({})));
        with(Some(json!(true)));
        if let SdkType::Object(inner) = &field.ty {
            let mut nested = Vec::new();
            broken(inner, &mut nested);
            for value in nested {
                let mut payload = base.clone();
                payload[&field.name] = value;
                out.push(payload);
            }
        }
    }
}

#[test]
fn schema_and_types_agree_on_valid_broken_and_extended_payloads() {
    let checker = Checker::new();
    let (mut accepted, mut refused) = (0, 0);
    for event in sdk_events() {
        for fill in [Fill::Full, Fill::Minimal, Fill::Nulls] {
            let payload = Value::Object(sample_object(&event.fields, fill));
            assert!(
                checker.agree(&event.name, &payload),
                "{} {fill:?} is valid",
                event.name
            );
            assert!(checker.agree(&event.name, &with_extra_keys(&event.fields, &payload)));
            accepted += 2;
        }
        let mut cases = Vec::new();
        broken(&event.fields, &mut cases);
        for payload in cases {
            if checker.agree(&event.name, &payload) {
                accepted += 1;
            } else {
                refused += 1;
            }
        }
    }
    assert!(
        accepted > 200 && refused > 1000,
        "accepted {accepted}, refused {refused}"
    );
}

#[test]
fn open_payloads_are_open_schemas() {
    let checker = Checker::new();
    for payload in [
        json!({}),
        json!({"anything": [1, {"x": null}]}),
        json!("even a string"),
    ] {
        assert!(checker.agree("aw-interaction-focus-v2", &payload));
        assert!(checker.agree("aw-interaction-wrap-up-codes-received-v1", &payload));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn schema_and_types_agree_on_random_payloads(which in 0usize..32, choices in prop::collection::vec(any::<u8>(), 0..256), corrupt in any::<Option<(u8, u8)>>()) {
        thread_local!(static CHECKER: Checker = Checker::new());
        let events = sdk_events();
        let event = &events[which % events.len()];
        let mut payload = Value::Object(sample_object_random(&event.fields, &mut Choices::new(&choices)));
        if let Some((field, kind)) = corrupt {
            let name = event.fields[field as usize % event.fields.len()].name.clone();
            payload[&name] = [json!(null), json!(1.5), json!("x"), json!([1]), json!({"a": 1})][kind as usize % 5].clone();
        }
        CHECKER.with(|checker| { checker.agree(&event.name, &payload); });
    }
}
