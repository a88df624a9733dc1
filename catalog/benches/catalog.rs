//! Load + validate + generate, on the real catalog and on synthetic catalogs of 1,000 and 10,000
//! events, to show the cost and that it grows linearly. `cargo bench -p partner-events-catalog`.

use std::fmt::Write;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use partner_events_catalog::expand::{expand, Options};

/// A catalog of `events` events shaped like the real ones: shared shapes, `extends`, literals,
/// enums, nested objects, arrays, optional fields, and one deprecation in ten.
fn synthetic_catalog(events: usize) -> String {
    let mut yaml = String::from(
        "shapes:\n  Direction: {enum: [inbound, outbound]}\n  Base:\n    fields:\n      eventId: string\n      direction: Direction\n      schemaVersion: {literal: \"1.0.0\"}\n      searchContext: string\n  Item:\n    fields:\n      id: string\n      size: number\n      meta: {type: string, optional: true, nullable: true}\nevents:\n",
    );
    for i in 0..events {
        let deprecation = if i % 10 == 0 {
            "    deprecation: 2025-09-08\n    sunset: 2026-12-08\n"
        } else {
            ""
        };
        write!(
            yaml,
            "  - name: synthetic-event-n{i}-v1\n    direction: received\n    status: active\n    active: 2025-05-06\n{deprecation}    doc_link: /tech-partner/docs/events/synthetic-event-n{i}-v1\n    payloads:\n      \"1.0.0\":\n        extends: [Base]\n        fields:\n          eventName: {{literal: offered}}\n          media: {{enum: [chat, phone, email]}}\n          items: {{items: Item, optional: true}}\n          additionalData:\n            fields:\n              notes: {{type: string, optional: true}}\n              code: string\n"
        )
        .unwrap();
    }
    yaml
}

fn load_validate_generate(source: &str) -> usize {
    let loaded = partner_events_catalog::load_str(source);
    let catalog = loaded.catalog.unwrap_or_else(|| {
        panic!(
            "the benchmark catalog is invalid: {:?}",
            loaded.diagnostics.first()
        )
    });
    expand(&catalog, &Options::default()).into_iter().count()
}

fn bench(c: &mut Criterion) {
    let real =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog.yaml"))
            .unwrap();
    let mut group = c.benchmark_group("load_validate_generate");
    group.sample_size(20);
    group.throughput(Throughput::Elements(34));
    group.bench_function("real catalog (34 events)", |b| {
        b.iter(|| load_validate_generate(&real))
    });
    for events in [1_000, 10_000] {
        let source = synthetic_catalog(events);
        group.throughput(Throughput::Elements(events as u64));
        group.bench_with_input(
            BenchmarkId::new("synthetic", events),
            &source,
            |b, source| b.iter(|| load_validate_generate(source)),
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
