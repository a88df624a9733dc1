//! The code generated for a small catalog, formatted and compared with a checked-in snapshot, as
//! typify does. `UPDATE_SNAPSHOTS=1 cargo test -p partner-events-catalog --test snapshot` rewrites
//! it; read the diff before committing. The same catalog is compiled under `#![deny(warnings)]` in
//! `tests/tests/generated_code.rs`.

use std::path::Path;

use partner_events_catalog::expand::{expand, Options};

#[test]
fn small_catalog_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let loaded =
        partner_events_catalog::load_file(&root.join("tests/fixtures/small-catalog.yaml")).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let tokens = expand(&loaded.catalog.unwrap(), &Options::default());
    let file = syn::parse2::<syn::File>(tokens).expect("generated code parses");
    let generated = prettyplease::unparse(&file);
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/small-catalog.rs");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(snapshot.parent().unwrap()).unwrap();
        std::fs::write(&snapshot, &generated).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert!(
        expected == generated,
        "generated code differs from {}; rerun with UPDATE_SNAPSHOTS=1 and review the diff",
        snapshot.display()
    );
}
