//! One test per validation rule, pinning the exact text and position of its diagnostic.

use partner_events_catalog::{load_str, Severity};

/// A valid catalog to break in one place at a time.
const VALID: &str = r#"shapes:
  Direction:
    enum: [inbound, outbound]
events:
  - name: aw-interaction-hold-v1
    direction: received
    status: active
    active: 2025-03-26
    payloads:
      "1.0.0":
        fields:
          interactionId: string
          direction: Direction
  - name: aw-interaction-focus-v2
    direction: received
    status: active
    active: 2025-09-08
    payloads:
      "2.0.0": {open: not documented yet}
"#;

/// Every diagnostic as `catalog.yaml:line:column: severity: text`.
fn diagnostics(source: &str) -> Vec<String> {
    load_str(source)
        .diagnostics
        .iter()
        .map(|d| d.display_with_path("catalog.yaml").to_string())
        .collect()
}

fn errors(source: &str) -> Vec<String> {
    load_str(source)
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.display_with_path("catalog.yaml").to_string())
        .collect()
}

fn replace(from: &str, to: &str) -> String {
    assert!(VALID.contains(from), "{from:?} is not in the template");
    VALID.replacen(from, to, 1)
}

#[test]
fn the_template_is_valid() {
    let loaded = load_str(VALID);
    assert_eq!(diagnostics(VALID), Vec::<String>::new());
    assert_eq!(loaded.catalog.unwrap().events.len(), 2);
}

#[test]
fn yaml_syntax_error() {
    assert_eq!(
        errors(&replace("active: 2025-03-26", "active: [2025-03-26")),
        ["catalog.yaml:9:13: YAML syntax: illegal placement of ':' indicator"]
    );
}

#[test]
fn unknown_key_with_did_you_mean() {
    assert_eq!(
        errors(&replace("active: 2025-03-26\n", "active: 2025-03-26\n    sunsett: 2026-01-01\n")),
        ["catalog.yaml:9:5: event `aw-interaction-hold-v1`: unknown key `sunsett` in an event; did you mean `sunset`?"]
    );
}

#[test]
fn unknown_key_without_a_close_match_lists_the_keys() {
    assert_eq!(
        errors(&replace("status: active\n    active: 2025-03-26\n    payloads", "status: active\n    active: 2025-03-26\n    colour: red\n    payloads")),
        ["catalog.yaml:9:5: event `aw-interaction-hold-v1`: unknown key `colour` in an event; the keys of an event are: name, direction, status, active, deprecation, sunset, replaced_by, doc_link, doc, payloads"]
    );
}

#[test]
fn missing_required_key() {
    assert_eq!(
        errors(&replace("    status: active\n    active: 2025-03-26\n", "    active: 2025-03-26\n")),
        ["catalog.yaml:5:5: event `aw-interaction-hold-v1`: missing required key `status` in an event"]
    );
}

#[test]
fn duplicate_event_names() {
    let source = replace(
        "name: aw-interaction-focus-v2",
        "name: aw-interaction-hold-v1",
    );
    assert_eq!(
        errors(&source),
        ["catalog.yaml:14:5: event `aw-interaction-hold-v1`: event `aw-interaction-hold-v1` is defined twice (first at line 5)"]
    );
}

#[test]
fn event_name_not_in_documented_form() {
    assert_eq!(
        errors(&replace("name: aw-interaction-hold-v1", "name: aw_interaction-Hold")),
        ["catalog.yaml:5:11: event `aw_interaction-Hold`: event name `aw_interaction-Hold` is not in the documented form; use lowercase words joined by `-`, ending in `-v<N>`, e.g. `aw-interaction-hold-v1`"]
    );
}

#[test]
fn names_that_become_the_same_rust_type() {
    // A shape named like an event's type; two event names differing only in `-` placement
    // (`aw-interaction-hold-v1`, `aw-interactionhold-v1`) cannot collide, since heck keeps words.
    let source = replace(
        "  Direction:\n",
        "  AwInteractionHoldV1:\n    enum: [a]\n  Direction:\n",
    );
    assert_eq!(
        errors(&source),
        ["catalog.yaml:12:7: event `aw-interaction-hold-v1`: this would become the Rust type `AwInteractionHoldV1`, which line 2 already becomes"]
    );
}

#[test]
fn fields_that_become_the_same_rust_field() {
    let source = replace(
        "interactionId: string\n",
        "interactionId: string\n          interaction_id: string\n",
    );
    assert_eq!(
        errors(&source),
        ["catalog.yaml:13:11: event `aw-interaction-hold-v1`: fields `interactionId` and `interaction_id` would both become the Rust field `interaction_id`"]
    );
}

#[test]
fn version_not_semver() {
    assert_eq!(
        errors(&replace("\"1.0.0\":", "\"1.0\":")),
        ["catalog.yaml:10:7: event `aw-interaction-hold-v1`: schema version `1.0` is not a semantic version; schema versions are plain MAJOR.MINOR.PATCH, e.g. `1.0.0`"]
    );
    assert_eq!(
        errors(&replace("\"1.0.0\":", "\"1.0.0-beta\":")),
        ["catalog.yaml:10:7: event `aw-interaction-hold-v1`: schema version `1.0.0-beta` has a pre-release or build suffix; schema versions are plain MAJOR.MINOR.PATCH, e.g. `1.0.0`"]
    );
}

#[test]
fn dates_that_are_not_real() {
    assert_eq!(
        errors(&replace("active: 2025-03-26", "active: 2025-02-30")),
        ["catalog.yaml:8:13: event `aw-interaction-hold-v1`: `active` date `2025-02-30` is not a real date; write it as YYYY-MM-DD, e.g. 2025-03-26"]
    );
    assert_eq!(
        errors(&replace("active: 2025-03-26", "active: 26 March 2025")),
        ["catalog.yaml:8:13: event `aw-interaction-hold-v1`: `active` date `26 March 2025` is not an ISO date; write it as YYYY-MM-DD, e.g. 2025-03-26"]
    );
}

#[test]
fn dates_out_of_order() {
    let source = replace(
        "active: 2025-03-26\n",
        "active: 2025-03-26\n    deprecation: 2025-01-01\n    sunset: 2024-12-31\n",
    );
    assert_eq!(
        errors(&source),
        [
            "catalog.yaml:9:5: event `aw-interaction-hold-v1`: deprecation date 2025-01-01 must come after the active date 2025-03-26",
            "catalog.yaml:10:5: event `aw-interaction-hold-v1`: sunset date 2024-12-31 must come after the deprecation date 2025-01-01",
        ]
    );
}

#[test]
fn sunset_without_deprecation() {
    assert_eq!(
        errors(&replace("active: 2025-03-26\n", "active: 2025-03-26\n    sunset: 2026-12-08\n")),
        ["catalog.yaml:9:5: event `aw-interaction-hold-v1`: a sunset date needs a deprecation date; add `deprecation: YYYY-MM-DD` before the sunset"]
    );
}

#[test]
fn replaced_by_unknown_event() {
    assert_eq!(
        errors(&replace("active: 2025-03-26\n", "active: 2025-03-26\n    replaced_by: aw-interaction-focus-v3\n")),
        ["catalog.yaml:9:18: event `aw-interaction-hold-v1`: `replaced_by` names `aw-interaction-focus-v3`, which is not an event in this catalog; did you mean `aw-interaction-focus-v2`?"]
    );
}

#[test]
fn undefined_shape_and_unused_shape_warning() {
    assert_eq!(
        errors(&replace("direction: Direction", "direction: Directon")),
        ["catalog.yaml:13:22: event `aw-interaction-hold-v1`: shape `Directon` is not defined; did you mean `Direction`?"]
    );
    let unused = replace("          direction: Direction\n", "");
    assert_eq!(errors(&unused), Vec::<String>::new());
    assert_eq!(
        diagnostics(&unused),
        ["catalog.yaml:2:3: warning: shape `Direction` is never used"]
    );
}

#[test]
fn invalid_field_names() {
    assert_eq!(
        errors(&replace("interactionId: string", "\"interaction id\": string")),
        ["catalog.yaml:12:11: event `aw-interaction-hold-v1`: field name `interaction id` cannot become a Rust field; field names use ASCII letters, digits and `_`, and do not start with a digit"]
    );
}

#[test]
fn empty_catalog() {
    assert_eq!(
        errors(""),
        ["catalog.yaml:1:1: the catalog is empty; it needs an `events:` list with at least one event"]
    );
    assert_eq!(
        errors("events: []\n"),
        ["catalog.yaml:1:9: the catalog is empty: `events:` has no events"]
    );
}

#[test]
fn unknown_type_with_did_you_mean() {
    assert_eq!(
        errors(&replace("interactionId: string", "interactionId: strng")),
        ["catalog.yaml:12:26: event `aw-interaction-hold-v1`: unknown type `strng`; did you mean `string`?"]
    );
}

#[test]
fn every_error_is_reported_in_one_pass() {
    let source = VALID
        .replacen("sunset", "x", 0)
        .replacen(
            "active: 2025-03-26\n",
            "active: 2025-02-30\n    sunsett: 1\n",
            1,
        )
        .replacen("interactionId: string", "interactionId: strng", 1)
        .replacen(
            "direction: received\n    status: active\n    active: 2025-09-08",
            "direction: sideways\n    status: active\n    active: 2025-09-08",
            1,
        );
    let all = errors(&source);
    assert_eq!(all.len(), 4, "{all:#?}");
    assert!(all[0].contains("`2025-02-30` is not a real date"));
    assert!(all[1].contains("unknown key `sunsett`"));
    assert!(all[2].contains("unknown type `strng`"));
    assert_eq!(all[3], "catalog.yaml:16:16: event `aw-interaction-focus-v2`: unknown direction `sideways`; use `received` or `send`");
}

#[test]
fn alias_bombs_are_refused_quickly() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..30 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    assert_eq!(
        errors(&bomb),
        ["catalog.yaml:1:9: YAML syntax: YAML anchors (`&name`) are not allowed in a catalog; use a named shape under `shapes:` to share a payload"]
    );
}

#[test]
fn absurd_nesting_is_refused() {
    let deep = format!("events: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let all = errors(&deep);
    assert_eq!(all.len(), 1, "{all:?}");
    assert!(all[0].starts_with("catalog.yaml:1:"), "{all:?}");
    assert!(
        all[0].contains("nesting deeper than 64") || all[0].contains("recursion limit"),
        "{all:?}"
    );
}

#[test]
fn host_sends_narrows_an_enum_to_values_it_has() {
    let with = |field: &str| replace("          direction: Direction\n", field);
    assert_eq!(
        errors(&with("          side:\n            enum: [inbound, outbound]\n            host_sends: [inbund]\n")),
        ["catalog.yaml:15:26: event `aw-interaction-hold-v1`: `host_sends` of field `side` lists `inbund`, which is not a value of its enum; did you mean `inbound`?"]
    );
    assert_eq!(
        errors(&with("          side:\n            type: string\n            host_sends: [inbound]\n")),
        ["catalog.yaml:15:25: event `aw-interaction-hold-v1`: `host_sends` of field `side` narrows an enum, and the field is not an `enum`"]
    );
    assert_eq!(
        errors(&with("          side:\n            enum: [inbound, outbound]\n            host_sends: [inbound, inbound]\n")),
        ["catalog.yaml:15:35: event `aw-interaction-hold-v1`: `host_sends` of field `side` lists `inbound` twice"]
    );
    let loaded = load_str(&with(
        "          side:\n            enum: [inbound, outbound]\n            host_sends: [outbound]\n",
    ));
    let catalog = loaded.catalog.expect("valid");
    let field = match &catalog.events[0].versions[0].payload {
        partner_events_catalog::model::Payload::Object(object) => &object.fields[1],
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field.host_sends.as_deref(),
        Some(&["outbound".to_owned()][..])
    );
}
