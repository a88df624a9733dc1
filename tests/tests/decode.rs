//! `partner_events::decode`: every version rule, every kind of bad input, lifecycle policies,
//! sending, and `getEvents`.

use partner_events::events::{
    AwChatInitV1, AwChatMessageReceivedV1, AwChatMessageReceivedV1SchemaVersion,
    AwInteractionHoldV1, Received,
};
use partner_events::{
    decode, decode_slice, CatalogDate, DecodeError, Decoder, LifecycleStatus, Message,
    SchemaVersion, SunsetPolicy, VersionMatch, VersionSource,
};
use serde_json::{json, Value};

fn envelope(name: &str, value: Value) -> String {
    json!({"type": "event", "schemaVersion": "1.0.0", "message": {"eventName": name, "value": value}})
        .to_string()
}

fn hold(version: &str) -> String {
    envelope(
        "aw-interaction-hold-v1",
        json!({"interactionId": "int-1", "schemaVersion": version}),
    )
}

fn decoded(message: Message<Received>) -> partner_events::DecodedEvent<Received> {
    match message {
        Message::Event(event) => event,
        other => panic!("not an event: {other:?}"),
    }
}

#[test]
fn exact_version_decodes_with_its_type() {
    let event = decoded(decode(&hold("1.0.0")).unwrap());
    assert_eq!(event.version, VersionMatch::Exact);
    assert_eq!(event.version_source, VersionSource::Payload);
    assert_eq!(event.envelope_version.as_deref(), Some("1.0.0"));
    match event.event {
        // hold's payload is one string: held inline, not boxed
        Received::AwInteractionHoldV1(hold) => {
            let hold: AwInteractionHoldV1 = hold;
            assert_eq!(hold.interaction_id, "int-1")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn large_payloads_are_boxed_and_the_received_enum_stays_small() {
    let init = envelope(
        "aw-chat-init-v1",
        json!({"interactionId": "int-7", "schemaVersion": "1.0.0", "messages": []}),
    );
    match decoded(decode(&init).unwrap()).event {
        Received::AwChatInitV1(init) => {
            let init: Box<AwChatInitV1> = init;
            assert_eq!(init.interaction_id, "int-7")
        }
        other => panic!("{other:?}"),
    }
    // Inline payloads are at most 32 bytes (estimated from the schema); were the estimate wrong
    // for any of the catalog's events, the enum would be larger.
    assert!(
        std::mem::size_of::<Received>() <= 32 + 8,
        "Received is {} bytes",
        std::mem::size_of::<Received>()
    );
}

#[test]
fn keys_in_any_order_decode_the_same() {
    let reordered = r#"{"message":{"value":{"schemaVersion":"1.0.0","interactionId":"int-1"},"eventName":"aw-interaction-hold-v1"},"schemaVersion":"1.0.0","type":"event"}"#;
    assert_eq!(decode(reordered).unwrap(), decode(&hold("1.0.0")).unwrap());
}

#[test]
fn escaped_keys_and_names_decode_the_same() {
    // The one-pass decoder borrows names from the input, which escapes prevent; these messages
    // take the other path and must come out the same.
    let escaped = r#"{"\u0074ype":"\u0065vent","schemaVersion":"1.0\u002e0","message":{"event\u004eame":"aw-interaction-hold\u002dv1","value":{"interactionId":"int-1","schemaVersion":"1.0.0"}}}"#;
    assert_eq!(decode(escaped).unwrap(), decode(&hold("1.0.0")).unwrap());
}

#[test]
fn same_major_newer_minor_decodes_with_the_newest_known_schema_and_is_marked() {
    let event = decoded(decode(&hold("1.2.0")).unwrap());
    assert_eq!(
        event.version,
        VersionMatch::NewerCompatible {
            sent: SchemaVersion::new(1, 2, 0)
        }
    );
    assert!(matches!(event.event, Received::AwInteractionHoldV1(_)));
    let event = decoded(decode(&hold("1.0.7")).unwrap());
    assert_eq!(
        event.version,
        VersionMatch::NewerCompatible {
            sent: SchemaVersion::new(1, 0, 7)
        }
    );
}

#[test]
fn unknown_major_keeps_name_version_and_raw_payload() {
    let payload =
        r#"{"interactionId": "int-1",  "schemaVersion":"2.0.0", "new": [1.50, {"x":null}]}"#;
    let message = format!(
        r#"{{"type":"event","schemaVersion":"1.0.0","message":{{"eventName":"aw-interaction-hold-v1","value":{payload}}}}}"#
    );
    match decode(&message).unwrap() {
        Message::UnknownVersion {
            name,
            schema_version,
            payload: raw,
            ..
        } => {
            assert_eq!(name, "aw-interaction-hold-v1");
            assert_eq!(schema_version, "2.0.0");
            assert_eq!(raw.get(), payload, "kept byte for byte");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_event_keeps_name_and_raw_payload_byte_for_byte() {
    let payload = "{ \"a\" : 1.000 , \"b\":[ true,null ] }";
    let message = format!(
        r#"{{"type":"event","message":{{"eventName":"aw-brand-new-v1","value":{payload}}}}}"#
    );
    match decode(&message).unwrap() {
        Message::UnknownEvent {
            name,
            payload: raw,
            schema_version,
            ..
        } => {
            assert_eq!(name, "aw-brand-new-v1");
            assert_eq!(raw.get(), payload);
            assert_eq!(schema_version, None);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn payload_without_schema_version_falls_back_to_the_envelope() {
    // the public docs' mashell samples leave the payload's schemaVersion out
    let message = envelope(
        "mashell-voice-phone-offered-cc-event-v1",
        json!({"direction": "inbound", "eventId": "e1", "eventName": "offered", "media": "phone", "method": "mapEvent", "searchContext": "+15550100"}),
    );
    let event = decoded(decode(&message).unwrap());
    assert_eq!(event.version_source, VersionSource::Envelope);
    assert_eq!(event.version, VersionMatch::Exact);
    // an envelope with another major: unknown version, nothing lost
    let message = message.replacen(
        "\"schemaVersion\":\"1.0.0\"",
        "\"schemaVersion\":\"3.0.0\"",
        1,
    );
    assert!(matches!(
        decode(&message).unwrap(),
        Message::UnknownVersion { schema_version, .. } if schema_version == "3.0.0"
    ));
}

#[test]
fn non_event_messages_are_reported_not_errors() {
    for kind in ["error", "message", "file-transfer"] {
        let text = json!({"type": kind, "message": {"anything": [1, 2]}}).to_string();
        match decode(&text).unwrap() {
            Message::NotEvent(non_event) => {
                assert_eq!(non_event.kind, kind);
                assert_eq!(non_event.message.get(), r#"{"anything":[1,2]}"#);
                assert_eq!(non_event.get_events, None);
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn get_events_response_is_parsed_and_compared_with_the_catalog() {
    let text = include_str!("../fixtures/get-events-response.json");
    let Message::NotEvent(non_event) = decode(text).unwrap() else {
        panic!("a response is not an event")
    };
    let response = non_event
        .get_events
        .expect("the getEvents response is parsed");
    assert_eq!(
        response.events["aw-interaction-hold-v1"],
        ["1.0.0", "9.0.0"]
    );
    let report = response.report::<partner_events::events::Catalog>();
    assert_eq!(report.received.len(), 8);
    assert_eq!(
        report.received["aw-interaction-mute-v1"],
        [SchemaVersion::new(1, 0, 0)]
    );
    assert_eq!(
        report.unknown_events["aw-interaction-transfer-v1"],
        ["1.0.0"]
    );
    assert_eq!(report.unknown_versions["aw-interaction-hold-v1"], ["9.0.0"]);
    assert!(report
        .not_offered
        .contains(&"mashell-voice-phone-offered-cc-event-v1"));
    assert!(!report.not_offered.contains(&"aw-interaction-hold-v1"));

    let bad = r#"{"type":"response","message":{"namespace":"system","request":"getEvents","value":["aw-interaction-hold-v1"]}}"#;
    assert!(matches!(
        decode(bad),
        Err(DecodeError::InvalidResponse { .. })
    ));
}

#[test]
fn not_json_gives_line_and_column() {
    let error = decode("{\n  \"type\": \"event\",\n  \"message\": {\n}").unwrap_err();
    assert_eq!(
        error,
        DecodeError::Json {
            line: 4,
            column: 1,
            message: "EOF while parsing an object".into()
        }
    );
    assert_eq!(
        error.to_string(),
        "not JSON: EOF while parsing an object at line 4 column 1"
    );
    let error = decode_slice(b"{\"type\":\"ev\xffent\"}").unwrap_err();
    assert_eq!(
        error,
        DecodeError::Json {
            line: 1,
            column: 12,
            message: "invalid UTF-8".into()
        }
    );
}

#[test]
fn not_an_sdk_message() {
    let reason = |text: &str| match decode(text).unwrap_err() {
        DecodeError::NotSdkMessage { reason } => reason,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        reason("[1,2]"),
        "an SDK message is a JSON object with `type` and `message`, not an array"
    );
    assert_eq!(reason(r#"{"message":{}}"#), "`type` is missing");
    assert_eq!(
        reason(r#"{"type":7,"message":{}}"#),
        "`type` must be a string, not a number"
    );
    assert_eq!(
        reason(r#"{"type":"event"}"#),
        "the envelope has no `message`"
    );
    assert_eq!(
        reason(r#"{"type":"event","message":"hold"}"#),
        "the `message` of an event is an object with `eventName` and `value`, not a string"
    );
    assert_eq!(
        reason(r#"{"type":"event","message":{"value":{}}}"#),
        "`message.eventName` is missing"
    );
    assert_eq!(
        reason(r#"{"type":"event","message":{"eventName":"aw-interaction-hold-v1"}}"#),
        "the event message has no `value`"
    );
}

#[test]
fn a_payload_that_breaks_its_schema_names_event_version_and_path() {
    let message = envelope(
        "aw-chat-init-v1",
        json!({"interactionId": "i", "schemaVersion": "1.0.0", "messages": [
            {"id": "m", "rawMessage": "hi", "timestamp": "yesterday", "type": "text"}
        ]}),
    );
    let error = decode(&message).unwrap_err();
    match &error {
        DecodeError::InvalidPayload {
            event,
            schema_version,
            error,
        } => {
            assert_eq!(event, "aw-chat-init-v1");
            assert_eq!(schema_version, "1.0.0");
            assert_eq!(error.path(), "messages[0].timestamp");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "`aw-chat-init-v1` 1.0.0 payload refused at `messages[0].timestamp`: invalid type: string \"yesterday\", expected a JSON number"
    );
}

#[test]
fn deep_nesting_and_large_inputs_are_refused_cleanly() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(
        decode(&deep),
        Err(DecodeError::NotSdkMessage { .. })
    ));
    // deep nesting where a typed payload is read hits serde_json's recursion limit
    let nested = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_payload = envelope(
        "aw-interaction-hold-v1",
        json!({"interactionId": "X", "schemaVersion": "1.0.0"}),
    )
    .replace("\"X\"", &nested);
    assert!(matches!(
        decode(&deep_payload),
        Err(DecodeError::InvalidPayload { .. })
    ));
    // where the payload is only kept, it is skipped without recursion, and kept
    let unknown = envelope("aw-brand-new-v1", json!("X")).replace("\"X\"", &nested);
    assert!(
        matches!(decode(&unknown), Ok(Message::UnknownEvent { payload, .. }) if payload.get() == nested)
    );
    let decoder = Decoder::new().max_message_bytes(64);
    assert_eq!(
        decoder.decode(&hold("1.0.0")).unwrap_err(),
        DecodeError::TooLarge {
            bytes: hold("1.0.0").len(),
            limit: 64
        }
    );
}

fn focus_v1() -> String {
    envelope(
        "aw-interaction-focus-v1",
        json!({"interactionId": "int-1", "schemaVersion": "1.0.0"}),
    )
}

#[test]
fn lifecycle_is_reported_for_the_decoders_date() {
    let on = |date| decoded(Decoder::new().as_of(date).decode(&focus_v1()).unwrap());
    assert_eq!(
        on(CatalogDate::new(2025, 5, 1)).lifecycle,
        LifecycleStatus::Active
    );
    assert_eq!(
        on(CatalogDate::new(2026, 11, 25)).lifecycle,
        LifecycleStatus::Deprecated {
            sunset: Some(CatalogDate::new(2026, 12, 8)),
            replaced_by: Some("aw-interaction-focus-v2")
        }
    );
    assert_eq!(
        on(CatalogDate::new(2025, 1, 1)).lifecycle,
        LifecycleStatus::NotYetActive {
            active: CatalogDate::new(2025, 3, 26)
        }
    );
}

#[test]
fn sunset_policy_accept_flag_reject_with_flag_by_default() {
    let after = CatalogDate::new(2027, 1, 1);
    let flagged = decoded(Decoder::new().as_of(after).decode(&focus_v1()).unwrap());
    assert!(flagged.past_sunset, "flag is the default");
    assert!(matches!(flagged.lifecycle, LifecycleStatus::Sunset { .. }));
    let accepted = decoded(
        Decoder::new()
            .as_of(after)
            .sunset_policy(SunsetPolicy::Accept)
            .decode(&focus_v1())
            .unwrap(),
    );
    assert!(!accepted.past_sunset);
    let rejected = Decoder::new()
        .as_of(after)
        .sunset_policy(SunsetPolicy::Reject)
        .decode(&focus_v1())
        .unwrap_err();
    assert_eq!(
        rejected.to_string(),
        "`aw-interaction-focus-v1` was sunset on 2026-12-08; use `aw-interaction-focus-v2`"
    );
}

fn reply() -> AwChatMessageReceivedV1 {
    AwChatMessageReceivedV1 {
        interaction_id: "int-1".into(),
        message: "Hello from the partner".into(),
        schema_version: AwChatMessageReceivedV1SchemaVersion::V1_0_0,
    }
}

#[test]
fn send_events_give_the_send_event_arguments_and_the_exact_request() {
    let (name, data) = partner_events::send_event_args(&reply()).unwrap();
    assert_eq!(name, "aw-chat-message-received-v1");
    assert_eq!(
        data,
        json!({"interactionId": "int-1", "message": "Hello from the partner", "schemaVersion": "1.0.0"})
    );
    assert_eq!(
        partner_events::send_request(&reply()).unwrap(),
        r#"{"type":"request","message":{"action":"sendEvent","namespace":"system","value":{"name":"aw-chat-message-received-v1","data":{"interactionId":"int-1","message":"Hello from the partner","schemaVersion":"1.0.0"}}}}"#
    );
}

#[test]
fn decode_encode_decode_is_stable_for_every_kind_of_message() {
    let messages = [
        hold("1.0.0"),
        envelope("aw-brand-new-v1", json!({"z": 1, "a": [1.5, "x"]})),
        hold("7.0.0"),
        json!({"type": "message", "message": "hello"}).to_string(),
        include_str!("../fixtures/get-events-response.json").to_owned(),
    ];
    for text in messages {
        let first = decode(&text).unwrap();
        let again = decode(&first.to_json()).unwrap();
        assert_eq!(again, first, "{text}");
    }
}

#[test]
fn a_null_value_is_a_value_kept_for_an_unknown_event_and_refused_by_a_known_ones_schema() {
    let message = |name: &str| {
        format!(r#"{{"type":"event","message":{{"eventName":"{name}","value":null}}}}"#)
    };
    match decode(&message("aw-brand-new-v1")) {
        Ok(Message::UnknownEvent { payload, .. }) => assert_eq!(payload.get(), "null"),
        other => panic!("expected the unknown event kept, got {other:?}"),
    }
    match decode(&message("aw-interaction-hold-v1")) {
        Err(DecodeError::InvalidPayload {
            event,
            schema_version,
            ..
        }) => {
            assert_eq!(
                (event.as_str(), schema_version.as_str()),
                ("aw-interaction-hold-v1", "1.0.0")
            )
        }
        other => panic!("expected the hold refused by its schema, got {other:?}"),
    }
    // only an absent value is missing
    let absent = r#"{"type":"event","message":{"eventName":"aw-interaction-hold-v1"}}"#;
    assert!(matches!(
        decode(absent),
        Err(DecodeError::NotSdkMessage { .. })
    ));
}

#[test]
fn a_payload_without_its_version_is_read_even_with_a_number_f64_cannot_hold() {
    // the version is patched in without reading the other values as numbers
    let message = r#"{"type":"event","message":{"eventName":"aw-interaction-hold-v1","value":{"interactionId":"i","x":1e400}}}"#;
    assert!(
        matches!(decode(message), Ok(Message::Event(_))),
        "{:?}",
        decode(message)
    );
}

#[test]
fn a_version_or_a_get_events_answer_is_never_read_from_an_array() {
    // a payload `["2.0.0"]` has no schemaVersion: it is read as the newest version, and refused
    let array_payload =
        r#"{"type":"event","message":{"eventName":"aw-interaction-hold-v1","value":["2.0.0"]}}"#;
    match decode(array_payload) {
        Err(DecodeError::InvalidPayload { schema_version, .. }) => {
            assert_eq!(schema_version, "1.0.0")
        }
        other => panic!("expected an invalid 1.0.0 payload, got {other:?}"),
    }
    // a response whose message is an array answers no request
    let array_response = r#"{"type":"response","message":["system","getEvents",5]}"#;
    match decode(array_response) {
        Ok(Message::NotEvent(non_event)) => assert_eq!(non_event.get_events, None),
        other => panic!("expected a response that is not getEvents, got {other:?}"),
    }
}

#[test]
fn objects_are_never_read_from_arrays() {
    // serde's derived structs accept `[field, field]`; the SDK's zod objects do not, nor do we
    let positional = envelope("aw-interaction-hold-v1", json!(["int-1", "1.0.0"]));
    match decode(&positional).unwrap_err() {
        DecodeError::InvalidPayload { error, .. } => {
            assert_eq!(
                error.message(),
                "invalid type: sequence, expected struct AwInteractionHoldV1"
            )
        }
        other => panic!("{other:?}"),
    }
}
