//! Checks and measures the runtime on `wasm32-unknown-unknown`, where a panic traps the module
//! and there is no clock.
//!
//! - `web/tests/wasm-module.test.mjs` instantiates this crate's `.wasm` with no imports, calls
//!   [`run_checks`] and reads the report. The same checks run natively in `cargo test`.
//! - `web/bench.mjs` times [`decode_input`] in a page against `JSON.parse`, on the native decode
//!   benchmark's two messages ([`bench_message`]).
//!
//! `.ci/run` builds it with `PARTNER_EVENTS_AS_OF=2026-10-01`, the date [`checks`] expects the
//! runtime to judge lifecycles on when no date is given (a natively built runtime reads the clock
//! instead, and the date-dependent checks say so).

use std::cell::RefCell;
use std::fmt::Write as _;

use partner_events::events::{
    AwChatMessageReceivedV1, AwInteractionHoldV1, AwInteractionMuteV1, Received,
};
use partner_events::{
    decode, decode_slice, CatalogDate, DecodeError, Decoder, Dispatch, LifecycleStatus, Message,
    SunsetPolicy, Unhandled,
};

const HOLD: &str = r#"{"type":"event","schemaVersion":"1.0.0","message":{"eventName":"aw-interaction-hold-v1","value":{"interactionId":"int-1","schemaVersion":"1.0.0"}}}"#;
const FOCUS_V1: &str = r#"{"type":"event","schemaVersion":"1.0.0","message":{"eventName":"aw-interaction-focus-v1","value":{"interactionId":"int-1","schemaVersion":"1.0.0"}}}"#;
const UNKNOWN: &str = r#"{"type":"event","schemaVersion":"1.0.0","message":{"eventName":"aw-interaction-transfer-v1","value":{"b":[1,2.50,"x"],"a":null}}}"#;

/// The date a wasm build of this crate is made with (see the crate docs).
pub const EXPECTED_BUILD_DATE: CatalogDate = CatalogDate::new(2026, 10, 1);

/// A partner's handler, as `#[handler]` generates it.
#[derive(Default)]
struct App {
    held: Vec<String>,
    muted: usize,
    refused: Vec<String>,
}

#[partner_events::handler]
impl App {
    fn on_hold(&mut self, event: AwInteractionHoldV1) {
        self.held.push(event.interaction_id);
    }
    fn on_mute(&mut self, _event: AwInteractionMuteV1, _context: &partner_events::EventContext) {
        self.muted += 1;
    }
    fn fallback(&mut self, unhandled: Unhandled) {
        if let Unhandled::Invalid(error) = unhandled {
            self.refused.push(error.to_string());
        }
    }
}

/// Runs every check; each line of the report is `ok NAME` or `FAIL NAME: why`.
pub fn checks() -> String {
    let mut report = String::new();
    let mut check = |name: &str, result: Result<(), String>| {
        let _ = match result {
            Ok(()) => writeln!(report, "ok {name}"),
            Err(why) => writeln!(report, "FAIL {name}: {why}"),
        };
    };

    check(
        "decode a hold",
        match decode(HOLD) {
            Ok(Message::Event(event)) => match event.event {
                Received::AwInteractionHoldV1(hold) if hold.interaction_id == "int-1" => {
                    expect(event.lifecycle == LifecycleStatus::Active, "hold is active")
                }
                other => Err(format!("decoded as {other:?}")),
            },
            other => Err(format!("{other:?}")),
        },
    );

    check("Decoder::new() judges on the build date", {
        let no_clock = CatalogDate::BUILD_DATE.is_some();
        match Decoder::new().decode(FOCUS_V1) {
            Ok(Message::Event(event)) if no_clock => expect(
                CatalogDate::BUILD_DATE == Some(EXPECTED_BUILD_DATE)
                    && matches!(event.lifecycle, LifecycleStatus::Deprecated { .. })
                    && !event.past_sunset,
                &format!(
                    "build date {:?}, focus-v1 {:?}",
                    CatalogDate::BUILD_DATE,
                    event.lifecycle
                ),
            ),
            // natively, the clock decides; the status must still be a deprecated-or-later one
            Ok(Message::Event(event)) => expect(
                matches!(
                    event.lifecycle,
                    LifecycleStatus::Deprecated { .. } | LifecycleStatus::Sunset { .. }
                ),
                &format!("{:?}", event.lifecycle),
            ),
            other => Err(format!("{other:?}")),
        }
    });

    check("as_of and the sunset policy", {
        let after_sunset = Decoder::new()
            .as_of(CatalogDate::new(2027, 1, 1))
            .sunset_policy(SunsetPolicy::Reject);
        match after_sunset.decode(FOCUS_V1) {
            Err(DecodeError::Sunset { replaced_by, .. }) => expect(
                replaced_by == Some("aw-interaction-focus-v2"),
                "names the replacement",
            ),
            other => Err(format!("{other:?}")),
        }
    });

    check(
        "unknown events are kept byte for byte",
        match decode(UNKNOWN) {
            Ok(Message::UnknownEvent { name, payload, .. }) => expect(
                name == "aw-interaction-transfer-v1"
                    && payload.get() == r#"{"b":[1,2.50,"x"],"a":null}"#,
                payload.get(),
            ),
            other => Err(format!("{other:?}")),
        },
    );

    let deep = "[".repeat(100_000);
    let bad_inputs: [(&str, &[u8]); 7] = [
        ("empty", b""),
        ("not JSON", b"this line is not JSON"),
        ("invalid UTF-8", b"{\"type\":\"ev\xffent\"}"),
        ("nested 100,000 deep", deep.as_bytes()),
        ("not an SDK message", br#"{"hello":1}"#),
        ("payload of the wrong type", br#"{"type":"event","message":{"eventName":"aw-interaction-hold-v1","value":{"interactionId":5}}}"#),
        ("truncated", &HOLD.as_bytes()[..HOLD.len() / 2]),
    ];
    for (what, bytes) in bad_inputs {
        check(
            &format!("bad input refused: {what}"),
            match decode_slice(bytes) {
                Err(error) => expect(!error.to_string().is_empty(), "the error says why"),
                Ok(message) => Err(format!("accepted: {message:?}")),
            },
        );
    }
    check("too large a message is refused", {
        let decoder = Decoder::new().max_message_bytes(64);
        expect(
            matches!(decoder.decode(HOLD), Err(DecodeError::TooLarge { .. })),
            "TooLarge",
        )
    });

    check("#[handler] routes, and bad input reaches the fallback", {
        let mut app = App::default();
        let mute = HOLD.replace("hold", "mute");
        let results = [
            matches!(
                app.handle(HOLD),
                Dispatch::Handled("aw-interaction-hold-v1")
            ),
            matches!(
                app.handle(&mute),
                Dispatch::Handled("aw-interaction-mute-v1")
            ),
            matches!(app.handle("{"), Dispatch::Fallback),
            matches!(app.handle(UNKNOWN), Dispatch::Fallback),
        ];
        expect(
            results.iter().all(|&ok| ok)
                && app.held == ["int-1"]
                && app.muted == 1
                && app.refused.len() == 1,
            &format!(
                "{results:?}, held {:?}, refused {:?}",
                app.held, app.refused
            ),
        )
    });

    check("send_request", {
        let reply = AwChatMessageReceivedV1 {
            interaction_id: "int-1".into(),
            message: "Hello".into(),
            schema_version: Default::default(),
        };
        match partner_events::send_request(&reply) {
            Ok(request) => expect(
                request
                    == r#"{"type":"request","message":{"action":"sendEvent","namespace":"system","value":{"name":"aw-chat-message-received-v1","data":{"interactionId":"int-1","message":"Hello","schemaVersion":"1.0.0"}}}}"#,
                &request,
            ),
            Err(error) => Err(error.to_string()),
        }
    });

    check("generated types round-trip", {
        let json = r#"{"interactionId":"int-1","schemaVersion":"1.0.0"}"#;
        match serde_json::from_str::<AwInteractionHoldV1>(json)
            .map(|hold| serde_json::to_string(&hold))
        {
            Ok(Ok(back)) => expect(back == json, &back),
            other => Err(format!("{other:?}")),
        }
    });
    report
}

fn expect(condition: bool, detail: &str) -> Result<(), String> {
    if condition {
        Ok(())
    } else {
        Err(detail.to_owned())
    }
}

// The native benchmark's messages, one definition for both: `bench_messages.rs` is a link to
// runtime/benches/support/mod.rs (a link, not a path, so that the package builds on its own).
#[allow(dead_code)] // the floor's types are the native benchmark's
mod bench_messages;

thread_local! {
    static REPORT: RefCell<String> = const { RefCell::new(String::new()) };
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static DECODER: Decoder = Decoder::new();
}

/// Writes a benchmark message into the input buffer, the hold (0) or chat-init (any other
/// number), and returns its length; [`input`] says where it is.
#[no_mangle]
pub extern "C" fn bench_message(which: u32) -> usize {
    let text = match which {
        0 => bench_messages::HOLD.to_owned(),
        _ => bench_messages::chat_init(),
    };
    INPUT.with(|input| {
        *input.borrow_mut() = text.into_bytes();
        input.borrow().len()
    })
}

/// Makes the input buffer `len` bytes long and returns where it is.
#[no_mangle]
pub extern "C" fn input(len: usize) -> *mut u8 {
    INPUT.with(|input| {
        let mut input = input.borrow_mut();
        input.resize(len, 0);
        input.as_mut_ptr()
    })
}

/// Decodes the first `len` bytes of the input `iterations` times, as `partner_events::decode`
/// does (one decoder, made once), and returns how many decoded as events, so that no decode can
/// be optimised away.
#[no_mangle]
pub extern "C" fn decode_input(len: usize, iterations: u32) -> u32 {
    INPUT.with(|input| {
        let input = input.borrow();
        let json = &input[..len.min(input.len())];
        DECODER.with(|decoder| {
            (0..iterations)
                .filter(|_| matches!(decoder.decode_slice(json), Ok(Message::Event(_))))
                .count() as u32
        })
    })
}

/// Runs [`checks`] and returns the report's length in bytes; [`report`] says where it is.
#[no_mangle]
pub extern "C" fn run_checks() -> usize {
    let text = checks();
    REPORT.with(|report| {
        *report.borrow_mut() = text;
        report.borrow().len()
    })
}

/// Where the last report is (UTF-8).
#[no_mangle]
pub extern "C" fn report() -> *const u8 {
    REPORT.with(|report| report.borrow().as_ptr())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_check_passes_natively() {
        let report = super::checks();
        assert!(report.lines().count() >= 14, "{report}");
        assert!(!report.contains("FAIL"), "{report}");
    }
}
