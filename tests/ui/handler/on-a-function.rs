#![allow(unused)]

#[partner_events::handler]
fn on_hold(event: partner_events::events::AwInteractionHoldV1) {}

fn main() {}
