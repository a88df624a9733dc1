//! The repository's catalog, and the sample payloads of one event version, as the sample tests
//! and the envelope agreement test both try them: minimal, full, and `seeds` random ones (the
//! same seeds, the same samples).

#![allow(dead_code)]

use partner_events_catalog::model::{Catalog, Version};
use partner_events_catalog::sample;
use serde_json::Value;

/// The repository's `catalog.yaml`, loaded and checked.
pub fn catalog() -> Catalog {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog.yaml");
    partner_events_catalog::load_file(&path)
        .unwrap()
        .catalog
        .expect("the catalog is valid")
}

/// Minimal, full and `seeds` random payloads of `version`, each named for a failure message.
pub fn payloads(catalog: &Catalog, version: &Version, seeds: u64) -> Vec<(String, Value)> {
    let mut payloads = vec![
        (
            "minimal".to_owned(),
            sample::payload(catalog, version, &mut sample::Fill::Minimal),
        ),
        (
            "full".to_owned(),
            sample::payload(catalog, version, &mut sample::Fill::Full),
        ),
    ];
    for seed in 0..seeds {
        let mut rng = fastrand::Rng::with_seed(seed);
        payloads.push((
            format!("seed {seed}"),
            sample::payload(catalog, version, &mut sample::Fill::Random(&mut rng)),
        ));
    }
    payloads
}
