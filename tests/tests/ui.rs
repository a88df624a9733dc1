//! Compile-fail and compile-pass cases, one per failure, named after it and grouped by category.
//! `TRYBUILD=overwrite cargo test -p partner-events-tests --test ui` refreshes the `.stderr`
//! snapshots; read the diff before committing. All cases build in one trybuild project under
//! `target/tests/trybuild`, so dependencies are compiled once, not per case.
//!
//! Catalog fixtures are named relative to that project's directory, which is what
//! `CARGO_MANIFEST_DIR` is while a case compiles: `../../../../` is the workspace root.

/// The as-of date the cases are built with: after the sunset of the `deprecation/` case's old
/// event, before any sunset in the real catalog.
const AS_OF: &str = "2025-06-01";

#[test]
fn ui() {
    // Set before trybuild starts cargo, so every case's build sees it (as a user's CI would).
    std::env::set_var("PARTNER_EVENTS_AS_OF", AS_OF);
    std::env::remove_var("SOURCE_DATE_EPOCH");
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/deprecation/*.rs");
    cases.compile_fail("ui/catalog/*.rs");
    cases.compile_fail("ui/send/*.rs");
    cases.compile_fail("ui/handler/*.rs");
    cases.compile_fail("ui/derive/*.rs");
    // TestCases runs when dropped; the snapshots are checked below once it has.
    drop(cases);
    no_snapshot_shows_a_panicking_macro();
}

/// A panic inside a proc macro is a bug, whatever the input: no expected output may show one.
fn no_snapshot_shows_a_panicking_macro() {
    let mut checked = 0;
    for category in std::fs::read_dir("ui").unwrap() {
        for file in std::fs::read_dir(category.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "stderr") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(
                    !text.contains("panicked"),
                    "{} shows a panic",
                    path.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 30, "only {checked} compile-fail snapshots");
}
