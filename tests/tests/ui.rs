//! Compile-fail and compile-pass cases, one per failure, named after it and grouped by category.
//! `TRYBUILD=overwrite cargo test -p partner-events-tests --test ui` refreshes the `.stderr`
//! snapshots; read the diff before committing. All cases build in one trybuild project under
//! `target/tests/trybuild`, so dependencies are compiled once, not per case.
//!
//! Catalog fixtures are named relative to that project's directory, which is what
//! `CARGO_MANIFEST_DIR` is while a case compiles: `../../../../` is the workspace root.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/deprecation/*.rs");
    cases.compile_fail("ui/catalog/*.rs");
    cases.compile_fail("ui/send/*.rs");
}
