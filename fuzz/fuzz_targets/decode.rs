//! SDK message bytes into `decode_slice`: never a panic, whatever the bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = partner_events::decode_slice(data);
});
