//! What the generated types expose: serde only through its traits, and `Eq` throughout.

use partner_events::events::{
    AwChatInitV1, AwInteractionHoldV1, ChatMessage, MashellVoicePhoneOfferedCcEventV1, Received,
    Sent,
};
use serde::Deserialize;

#[test]
fn type_deserialize_is_the_trait_method_and_refuses_arrays() {
    // An inherent `deserialize` (what `#[serde(remote = "Self")]` generates) would win this call,
    // and it reads structs from arrays too; the trait method refuses them, as the SDK does.
    let mut array = serde_json::Deserializer::from_str(r#"["int-1","1.0.0"]"#);
    let error = AwInteractionHoldV1::deserialize(&mut array).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid type: sequence, expected struct AwInteractionHoldV1 at line 1 column 0"
    );
    let mut object =
        serde_json::Deserializer::from_str(r#"{"interactionId":"int-1","schemaVersion":"1.0.0"}"#);
    assert_eq!(
        AwInteractionHoldV1::deserialize(&mut object)
            .unwrap()
            .interaction_id,
        "int-1"
    );
}

#[test]
fn generated_types_are_eq() {
    fn eq<T: Eq>() {}
    eq::<AwInteractionHoldV1>();
    eq::<AwChatInitV1>();
    eq::<ChatMessage>();
    eq::<MashellVoicePhoneOfferedCcEventV1>();
    eq::<Received>();
    eq::<Sent>();
}

/// A deprecated event warns where its type is named, and only there: its fields do not inherit the
/// deprecation, so rustdoc does not repeat the banner on each of them, and code that has accepted
/// the type reads them without a warning each. The warning on the name is pinned by
/// `tests/ui/deprecation/`.
#[test]
fn a_deprecated_events_fields_are_not_deprecated() {
    #[allow(deprecated)]
    let focus: partner_events::events::AwInteractionFocusV1 =
        serde_json::from_str(r#"{"interactionId":"int-9","schemaVersion":"1.0.0"}"#).unwrap();
    #[deny(deprecated)]
    let interaction = focus.interaction_id;
    assert_eq!(interaction, "int-9");
}
