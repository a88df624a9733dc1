//! Inputs the fuzzers (`fuzz/`, `scripts/fuzz`) found, kept as they were found: each must load
//! and, when valid, generate code that parses, without a panic.

use std::path::Path;

use partner_events_catalog::{expand, load_str};

/// Every catalog in `tests/fuzz-regressions/`.
#[test]
fn every_found_catalog_loads_and_generates_valid_rust() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let loaded = load_str(&text);
        for diagnostic in &loaded.diagnostics {
            let _ = diagnostic.display_with_path("catalog.yaml").to_string();
        }
        if let Some(catalog) = loaded.catalog {
            let tokens = expand::expand(&catalog, &expand::Options::default());
            if let Err(error) = syn::parse2::<syn::File>(tokens) {
                panic!(
                    "{}: the generated code does not parse: {error}",
                    path.display()
                );
            }
        }
        seen += 1;
    }
    assert!(seen > 0, "no regression inputs in {}", dir.display());
}

/// `crash-db0709ef…`: a literal `"?.0.0"` became the variant `00`, which is not an identifier
/// (proc-macro2 panicked); it is `V__0_0`.
#[test]
fn a_literal_whose_first_letter_or_digit_is_a_digit_names_a_valid_variant() {
    let catalog = r#"
events:
  - name: demo-ping-v1
    direction: received
    status: active
    active: 2025-01-01
    payloads:
      "1.0.0":
        fields:
          odd: {literal: "?.0.0"}
          _1: string
"#;
    let loaded = load_str(catalog);
    let catalog = loaded.catalog.expect("valid");
    let code = expand::expand(&catalog, &expand::Options::default()).to_string();
    assert!(code.contains("V__0_0"), "{code}");
    assert!(code.contains("pub _1 :"), "{code}");
}

/// `crash-bc004c6b…`: a literal with no letter or digit (`" |   "`) named an empty variant
/// (proc-macro2 panicked); it is refused, as such an enum value already was.
#[test]
fn a_literal_without_letters_or_digits_is_refused_with_the_reason() {
    let catalog = r#"
events:
  - name: demo-ping-v1
    direction: received
    status: active
    active: 2025-01-01
    payloads:
      "1.0.0":
        fields:
          odd: {literal: " |  "}
"#;
    let loaded = load_str(catalog);
    assert!(loaded.catalog.is_none());
    let messages: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| d.display_with_path("catalog.yaml").to_string())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("catalog.yaml:10:")
            && m.contains("literal ` |  ` has no letters or digits")),
        "{messages:#?}"
    );
}
