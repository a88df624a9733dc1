//! The JSON path of a refused payload, recorded by the generated readers (runtime/src/error_path.rs):
//! through arrays, arrays of arrays, maps and unions, as serde_path_to_error wrote it before.

#![deny(warnings)]

mod acme {
    //! A catalog with a union of objects.
    partner_events::include_catalog!("fixtures/union-catalog.yaml");
}

use partner_events::{DecodeError, Decoder};

/// The path at which `value` is refused.
fn refused_at(value: &str) -> String {
    let message = format!(
        r#"{{"type":"event","schemaVersion":"1.0.0","message":{{"eventName":"acme-shape-v1","value":{value}}}}}"#
    );
    match Decoder::<acme::Catalog>::for_catalog().decode(&message) {
        Err(DecodeError::InvalidPayload { error, .. }) => error.path().to_owned(),
        other => panic!("{value} should be refused: {other:?}"),
    }
}

const SHAPE: &str = r#""shape":{"side":"s"},"tags":{},"corners":[],"schemaVersion":"1.0.0""#;

#[test]
fn a_field_of_the_payload() {
    assert_eq!(refused_at(&format!(r#"{{{SHAPE},"later":"x"}}"#)), "later");
}

#[test]
fn a_map_value_and_an_item_of_an_array_of_arrays() {
    let tags = r#""shape":{"side":"s"},"tags":{"a":1,"b":"x"},"corners":[],"later":1,"schemaVersion":"1.0.0""#;
    assert_eq!(refused_at(&format!("{{{tags}}}")), "tags.b");
    let corners = r#""shape":{"side":"s"},"tags":{},"corners":[[1],[2,"x"]],"later":1,"schemaVersion":"1.0.0""#;
    assert_eq!(refused_at(&format!("{{{corners}}}")), "corners[1][1]");
}

/// The union tries `{radius: number}` first, which fails at `radius` before `{side: string}` fits:
/// that failed attempt must not show up in the path of a later error.
#[test]
fn a_union_forgets_its_failed_attempts() {
    let value = r#"{"shape":{"radius":"big","side":"s"},"tags":{},"corners":[],"later":"x","schemaVersion":"1.0.0"}"#;
    assert_eq!(refused_at(value), "later");
    // and a union that fits no alternative is refused at the union
    let value =
        r#"{"shape":{"radius":"big"},"tags":{},"corners":[],"later":1,"schemaVersion":"1.0.0"}"#;
    assert_eq!(refused_at(value), "shape");
}

#[test]
fn the_payload_itself_has_an_empty_path() {
    assert_eq!(refused_at("[1]"), "");
}
