//! Decodes the small hold message in a loop, for instruction counts that do not depend on what
//! else the machine is doing (criterion's times do):
//!
//! ```text
//! cargo build --release -p partner-events --example decode_loop
//! valgrind --tool=callgrind target/release/examples/decode_loop decode 10000
//! valgrind --tool=callgrind target/release/examples/decode_loop floor 10000
//! ```
//!
//! `decode` is `partner_events::Decoder::decode`; `floor` is the benchmark's baseline (a): serde
//! reading the message into an envelope struct that already knows the payload type.

use std::hint::black_box;
use std::process::ExitCode;

use partner_events::events::AwInteractionHoldV1;
use partner_events::{Decoder, Message};

#[path = "../benches/support/mod.rs"]
#[allow(dead_code)] // this loop measures the small message only
mod support;

use support::{KnownEnvelope, HOLD};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(which), Some(count)) = (args.next(), args.next().and_then(|n| n.parse().ok())) else {
        eprintln!("usage: decode_loop decode|floor COUNT");
        return ExitCode::from(2);
    };
    let decoder = Decoder::new();
    for _ in 0..count {
        match which.as_str() {
            "decode" => match decoder.decode(black_box(HOLD)) {
                Ok(Message::Event(event)) => {
                    black_box(event);
                }
                other => panic!("hold did not decode: {other:?}"),
            },
            "floor" => {
                let envelope: KnownEnvelope<'_, AwInteractionHoldV1> =
                    serde_json::from_str(black_box(HOLD)).expect("hold is valid");
                black_box(envelope);
            }
            _ => {
                eprintln!("usage: decode_loop decode|floor COUNT");
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}
