//! The module's exports: one message in, one [`Outcome`] out, both as UTF-8
//! JSON in linear memory.
//!
//! ```text
//! const input = partner_input(bytes.length);           // where to write the message
//! new Uint8Array(memory.buffer, input, bytes.length).set(bytes);
//! const length = partner_handle(bytes.length, Date.now());
//! const outcome = JSON.parse(decode(new Uint8Array(memory.buffer, partner_output(), length)));
//! ```
//!
//! One string in and one out is the whole interface, so it is written by hand rather than with
//! wasm-bindgen: the module stays free of imports, and building it needs no tool whose version
//! must match a crate's. Nothing here takes a pointer from JavaScript, so no export can be handed
//! a bad one.

use std::cell::RefCell;

use partner_events::CatalogDate;

use crate::{AgentAssist, Outcome};

struct State {
    app: AgentAssist,
    input: Vec<u8>,
    output: Vec<u8>,
}

thread_local! {
    // wasm32-unknown-unknown runs one thread: this is the page's one app.
    static STATE: RefCell<State> = RefCell::new(State {
        app: AgentAssist::default(),
        input: Vec::new(),
        output: Vec::new(),
    });
}

/// Makes room for a message of `len` bytes and returns where to write it.
#[no_mangle]
pub extern "C" fn partner_input(len: usize) -> *mut u8 {
    STATE.with(|state| {
        let mut state = state.borrow_mut();
        state.input.clear();
        state.input.resize(len, 0);
        state.input.as_mut_ptr()
    })
}

/// Handles the first `len` bytes written at [`partner_input`] as one SDK message, judging
/// lifecycles on the UTC day of `now_millis` (JavaScript's `Date.now()`). Returns the length of
/// the outcome at [`partner_output`].
#[no_mangle]
pub extern "C" fn partner_handle(len: usize, now_millis: f64) -> usize {
    STATE.with(|state| {
        let state = &mut *state.borrow_mut();
        let message = &state.input[..len.min(state.input.len())];
        let outcome = match std::str::from_utf8(message) {
            Ok(json) => state
                .app
                .handle_message(json, CatalogDate::from_unix_millis(now_millis)),
            Err(error) => Outcome::error(format!("the message is not UTF-8: {error}")),
        };
        state.output.clear();
        if serde_json::to_writer(&mut state.output, &outcome).is_err() {
            // an outcome is strings and JSON values, which always serialize; say so if not
            state.output =
                br#"{"outcome":"error","error":"the outcome did not serialize"}"#.to_vec();
        }
        state.output.len()
    })
}

/// Where the last outcome is.
#[no_mangle]
pub extern "C" fn partner_output() -> *const u8 {
    STATE.with(|state| state.borrow().output.as_ptr())
}
