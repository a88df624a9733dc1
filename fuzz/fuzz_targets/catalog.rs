//! Catalog text into the loader and validator, and a valid catalog into the code generator:
//! never a panic or a hang. Inputs are capped at 64 KiB (the loader's own limits are far larger;
//! the cap keeps each run short, so that the fuzzer explores rather than waits).
#![no_main]

use partner_events_catalog::{expand, load_str};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.len() > 64 * 1024 {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let loaded = load_str(text);
    // every diagnostic renders
    for diagnostic in &loaded.diagnostics {
        let _ = diagnostic.display_with_path("catalog.yaml").to_string();
    }
    if let Some(catalog) = loaded.catalog {
        let _ = expand::expand(&catalog, &expand::Options::default());
    }
});
