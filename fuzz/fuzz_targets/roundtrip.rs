//! decode → `to_json` → decode is stable: what decodes re-encodes to a message that decodes, and
//! re-encoding that gives the same text (the first re-encode may fill in a payload's missing
//! `schemaVersion` or write a newer compatible version as the catalog's; after that, nothing
//! changes).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(message) = partner_events::decode_slice(data) else {
        return;
    };
    let once = message.to_json();
    let again = partner_events::decode(&once)
        .unwrap_or_else(|error| panic!("re-encoded {once} does not decode: {error}"));
    assert_eq!(again.to_json(), once, "not stable after one re-encode");
});
