//! The repository's catalog.yaml loads cleanly and says what the documentation says.

use std::path::Path;

use partner_events_catalog::model::{Direction, Payload};

fn real_catalog() -> partner_events_catalog::Catalog {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog.yaml");
    let loaded = partner_events_catalog::load_file(&path).expect("catalog.yaml is readable");
    let rendered: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| d.display_with_path("catalog.yaml").to_string())
        .collect();
    assert!(rendered.is_empty(), "{}", rendered.join("\n"));
    loaded.catalog.expect("no errors, so a catalog")
}

#[test]
fn has_every_documented_event_in_table_order() {
    let catalog = real_catalog();
    assert_eq!(catalog.events_of(Direction::Received).count(), 32);
    assert_eq!(catalog.events_of(Direction::Send).count(), 2);
    assert_eq!(catalog.events[0].name, "global-user-details-v1");
    assert_eq!(
        catalog.events[31].name,
        "mashell-voicemail-terminated-cc-event-v1"
    );
}

#[test]
fn focus_v1_is_replaced_by_focus_v2() {
    let catalog = real_catalog();
    let v1 = catalog.event("aw-interaction-focus-v1").unwrap();
    assert_eq!(v1.replaced_by.as_deref(), Some("aw-interaction-focus-v2"));
    assert_eq!(v1.deprecation.unwrap().to_string(), "2025-09-08");
    assert_eq!(v1.sunset.unwrap().to_string(), "2026-12-08");
}

#[test]
fn undocumented_payloads_are_open_and_the_32_documented_ones_are_objects() {
    let catalog = real_catalog();
    let (open, documented): (Vec<_>, Vec<_>) = catalog
        .events
        .iter()
        .partition(|e| matches!(e.newest().payload, Payload::Open(_)));
    let open: Vec<&str> = open.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        open,
        [
            "aw-interaction-focus-v2",
            "aw-interaction-wrap-up-codes-received-v1"
        ]
    );
    assert_eq!(documented.len(), 32);
}
