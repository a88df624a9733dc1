//! Structure-aware: the input chooses an event of the real catalog and a seed for the test kit's
//! sample generator (`partner-events sample`), and then edits the sample's text. The sample itself
//! must decode as its event; every edited version must decode or be refused, never panic.
#![no_main]

use std::sync::OnceLock;

use partner_events::Message;
use partner_events_catalog::model::Direction;
use partner_events_catalog::{load_str, sample, Catalog};

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        load_str(include_str!("../../catalog.yaml"))
            .catalog
            .expect("the repository's catalog is valid")
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let catalog = catalog();
    let (Some(&which), Some(seed)) = (data.first(), data.get(1..9)) else {
        return;
    };
    let received: Vec<_> = catalog
        .events
        .iter()
        .filter(|event| event.direction == Direction::Received)
        .collect();
    let event = received[usize::from(which) % received.len()];
    let version = &event.versions[usize::from(which) % event.versions.len()];
    let mut rng = fastrand::Rng::with_seed(u64::from_le_bytes(seed.try_into().unwrap()));
    let payload = sample::payload(catalog, version, &mut sample::Fill::Random(&mut rng));
    let text = sample::message(event, version, &payload);
    match partner_events::decode(&text) {
        Ok(Message::Event(_)) => {}
        other => panic!("a valid sample did not decode as its event: {text}\n{other:?}"),
    }
    // each 3 bytes that follow: an offset into the text, and what to do there
    let mut bytes = text.into_bytes();
    for edit in data[9..].chunks_exact(3) {
        if bytes.is_empty() {
            break;
        }
        let at = usize::from(u16::from_le_bytes([edit[0], edit[1]])) % bytes.len();
        match edit[2] % 3 {
            0 => bytes[at] = edit[2],
            1 => {
                bytes.remove(at);
            }
            _ => bytes.insert(at, edit[2]),
        }
    }
    let _ = partner_events::decode_slice(&bytes);
});
