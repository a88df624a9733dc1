//! The code generated for `fixtures/small-catalog.yaml` (snapshotted in
//! `catalog/tests/snapshots/small-catalog.rs`) compiles without a single warning, and behaves:
//! several schema versions, nullable and optional fields, deprecation, open payloads.

#![deny(warnings)]

mod small {
    //! The small catalog's types.
    partner_events::include_catalog!("fixtures/small-catalog.yaml");
}

use partner_events::{Direction, Event, LifecycleStatus, SchemaVersion};
use serde_json::json;
use small::*;

#[test]
fn every_schema_version_has_its_type_and_the_plain_name_is_the_newest() {
    assert_eq!(
        DemoPingV2Schema2_0_0::SCHEMA_VERSION,
        SchemaVersion::new(2, 0, 0)
    );
    assert_eq!(
        DemoPingV2Schema2_1_0::SCHEMA_VERSION,
        SchemaVersion::new(2, 1, 0)
    );
    assert_eq!(DemoPingV2::SCHEMA_VERSION, SchemaVersion::new(2, 1, 0));
    assert_eq!(
        DemoPingV2::SCHEMA_VERSIONS,
        [SchemaVersion::new(2, 0, 0), SchemaVersion::new(2, 1, 0)]
    );
    assert_eq!(DemoPingV2::NAME, "demo-ping-v2");
    let newest: DemoPingV2 =
        serde_json::from_value(json!({"id": "1", "extra": {"a": [1]}})).unwrap();
    assert_eq!(newest.extra["a"], json!([1]));
}

#[test]
fn required_nullable_is_present_or_null_never_absent() {
    let with_null: DemoPingV2Schema2_0_0 =
        serde_json::from_value(json!({"id": "1", "count": null})).unwrap();
    assert_eq!(with_null.count, None);
    assert_eq!(
        serde_json::to_value(&with_null).unwrap(),
        json!({"id": "1", "count": null})
    );
    let error = serde_json::from_value::<DemoPingV2Schema2_0_0>(json!({"id": "1"})).unwrap_err();
    assert_eq!(error.to_string(), "missing field `count`");
}

#[test]
fn optional_nullable_keeps_absent_null_and_value_apart() {
    for payload in [
        json!({"id": "1", "count": 1}),
        json!({"id": "1", "count": 1, "note": null}),
        json!({"id": "1", "count": 1.5, "note": "n"}),
    ] {
        let typed: DemoPingV2Schema2_0_0 = serde_json::from_value(payload.clone()).unwrap();
        assert_eq!(serde_json::to_value(&typed).unwrap(), payload);
    }
    let typed: DemoPingV2Schema2_0_0 =
        serde_json::from_value(json!({"id": "1", "count": 1, "note": null})).unwrap();
    assert_eq!(typed.note, Some(None));
}

#[test]
fn optional_but_not_nullable_refuses_null() {
    let error = serde_json::from_value::<DemoPingV2Schema2_0_0>(
        json!({"id": "1", "count": 1, "tags": null}),
    )
    .unwrap_err();
    assert_eq!(error.to_string(), "invalid type: null, expected a sequence");
}

#[test]
fn numbers_are_kept_exactly_as_sent() {
    let payload =
        json!({"id": "1", "count": 1751445666638u64, "tags": [{"key": "k", "value": 0.1}]});
    let typed: DemoPingV2Schema2_0_0 = serde_json::from_value(payload.clone()).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), payload);
    assert_eq!(typed.count.unwrap().as_u64(), Some(1751445666638));
}

#[test]
fn literals_are_checked_on_read_and_written_back() {
    let error = serde_json::from_value::<DemoReplyV1>(
        json!({"id": "1", "schemaVersion": "2.0.0", "text": "t"}),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "unknown variant `2.0.0`, expected `1.0.0`"
    );
    let reply = DemoReplyV1 {
        id: "1".into(),
        schema_version: Default::default(),
        text: "hello".into(),
    };
    assert_eq!(
        serde_json::to_value(&reply).unwrap(),
        json!({"id": "1", "schemaVersion": "1.0.0", "text": "hello"})
    );
    assert_eq!(DemoReplyV1SchemaVersion::VALUE, "1.0.0");
    assert_eq!(DemoReplyV1::DIRECTION, Direction::Send);
}

#[test]
#[allow(deprecated)]
fn deprecated_events_carry_their_lifecycle() {
    let lifecycle = DemoPingV1::LIFECYCLE;
    assert_eq!(lifecycle.replaced_by, Some("demo-ping-v2"));
    assert_eq!(
        lifecycle.status_on(partner_events::CatalogDate::new(2025, 7, 1)),
        LifecycleStatus::Deprecated {
            sunset: Some(partner_events::CatalogDate::new(2026, 1, 1)),
            replaced_by: Some("demo-ping-v2")
        }
    );
    const { assert!(!DemoPingV1::OPEN_PAYLOAD) };
    const { assert!(DemoOpenV1::OPEN_PAYLOAD) };
}

#[test]
#[allow(deprecated)]
fn enum_values_that_are_not_identifiers_still_round_trip() {
    let typed: DemoPingV1 = serde_json::from_value(
        json!({"id": "1", "schemaVersion": "1.0.0", "direction": "inbound", "type": "a-b"}),
    )
    .unwrap();
    assert_eq!(typed.r#type, DemoPingV1Type::AB);
    assert_eq!(typed.r#type.as_str(), "a-b");
}
