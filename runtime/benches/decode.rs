//! `partner_events::decode` on whole SDK messages, against three serde_json baselines:
//! (a) the whole message into an envelope struct that already knows the payload type (the floor
//! for a serde-based decoder), (b) `serde_json::Value` first, then the type, and (c) a serde
//! internally tagged enum over the event name. `cargo bench -p partner-events --bench decode`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use partner_events::events::{AwChatInitV1, AwInteractionHoldV1};
use partner_events::{Decoder, Message};
use serde::Deserialize;
use support::{chat_init, KnownEnvelope, HOLD};

mod support;

/// (b): a `Value`, then the type.
fn via_value<T: serde::de::DeserializeOwned>(json: &str) -> T {
    let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
    serde_json::from_value(value["message"]["value"].take()).unwrap()
}

/// (c): an internally tagged enum over the event name.
#[derive(Deserialize)]
#[allow(dead_code)]
#[serde(tag = "eventName")]
enum Tagged {
    #[serde(rename = "aw-interaction-hold-v1")]
    Hold { value: AwInteractionHoldV1 },
    #[serde(rename = "aw-chat-init-v1")]
    ChatInit { value: AwChatInitV1 },
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct TaggedEnvelope {
    #[serde(rename = "type")]
    kind: String,
    message: Tagged,
}

fn bench_message<T>(c: &mut Criterion, label: &str, json: &str)
where
    T: serde::de::DeserializeOwned,
{
    let decoder = Decoder::new();
    let mut group = c.benchmark_group(label);
    group.bench_function("partner_events::decode", |b| {
        b.iter(|| match decoder.decode(black_box(json)).unwrap() {
            Message::Event(event) => event,
            other => panic!("{other:?}"),
        })
    });
    group.bench_function("(a) envelope struct, type known", |b| {
        b.iter(|| serde_json::from_str::<KnownEnvelope<'_, T>>(black_box(json)).unwrap())
    });
    group.bench_function("(b) Value, then type", |b| {
        b.iter(|| via_value::<T>(black_box(json)))
    });
    group.bench_function("(c) internally tagged enum", |b| {
        b.iter(|| serde_json::from_str::<TaggedEnvelope>(black_box(json)).unwrap())
    });
    group.finish();
}

fn bench(c: &mut Criterion) {
    bench_message::<AwInteractionHoldV1>(c, "hold (small)", HOLD);
    let large = chat_init();
    assert!(matches!(
        partner_events::decode(&large),
        Ok(Message::Event(_))
    ));
    bench_message::<AwChatInitV1>(c, "chat-init (large)", &large);
}

criterion_group!(benches, bench);
criterion_main!(benches);
