//! The schema-based size estimate, and the rule it drives: which payloads the dispatch enums box.

use partner_events_catalog::layout::{boxed_in_dispatch, estimated_payload_size};
use partner_events_catalog::{load_str, Catalog, Severity};

fn catalog(fields: &str) -> Catalog {
    let source = format!(
        r#"shapes:
  Pair:
    fields:
      a: string
      b: string
events:
  - name: demo-event-v1
    direction: received
    status: active
    active: 2025-01-01
    payloads:
      "1.0.0":
        fields:
{fields}
"#
    );
    let loaded = load_str(&source);
    // (`Pair` is unused in most cases, which is only a warning)
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    loaded.catalog.unwrap()
}

/// The estimate and the boxing decision for a payload with these fields.
fn estimate(fields: &str) -> (Option<usize>, bool) {
    let catalog = catalog(fields);
    let version = &catalog.events[0].versions[0];
    (
        estimated_payload_size(&catalog, version),
        boxed_in_dispatch(&catalog, version),
    )
}

#[test]
fn one_string_and_the_version_literal_is_inline() {
    let fields = "          interactionId: string\n          schemaVersion: {literal: \"1.0.0\"}";
    assert_eq!(estimate(fields), (Some(24), false));
}

#[test]
fn optional_strings_cost_nothing_extra_but_optional_objects_cost_a_word() {
    assert_eq!(
        estimate("          a: {type: string, optional: true, nullable: true}"),
        (Some(24), false)
    );
    assert_eq!(
        estimate("          a: {type: Pair, optional: true}"),
        (Some(56), true)
    );
}

#[test]
fn small_fields_are_packed_and_the_total_rounded_to_a_word() {
    let fields = "          a: string\n          b: boolean\n          c: {enum: [x, y]}";
    assert_eq!(estimate(fields), (Some(32), false));
}

#[test]
fn two_strings_are_over_the_limit() {
    assert_eq!(
        estimate("          a: string\n          b: string"),
        (Some(48), true)
    );
    assert_eq!(estimate("          a: Pair"), (Some(48), true));
}

#[test]
fn open_json_has_no_estimate_and_is_boxed() {
    assert_eq!(estimate("          a: json"), (None, true));
}

#[test]
fn the_real_catalog_inlines_exactly_the_one_string_payloads() {
    let source =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../catalog.yaml")).unwrap();
    let catalog = load_str(&source).catalog.unwrap();
    let inline: Vec<&str> = catalog
        .events
        .iter()
        .flat_map(|event| event.versions.iter().map(move |version| (event, version)))
        .filter(|(_, version)| !boxed_in_dispatch(&catalog, version))
        .map(|(event, _)| event.name.as_str())
        .collect();
    assert_eq!(
        inline,
        [
            "aw-interaction-mute-v1",
            "aw-interaction-unmute-v1",
            "aw-interaction-hold-v1",
            "aw-close-agent-assist-v1",
            "aw-interaction-focus-v1",
            "aw-interaction-resume-v1",
        ]
    );
}
