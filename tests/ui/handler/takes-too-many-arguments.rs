#![allow(unused)]

use partner_events::events::*;

struct App;

#[partner_events::handler]
impl App {
    fn on_hold(&mut self, event: AwInteractionHoldV1, context: &partner_events::EventContext, extra: u32) {}
}

fn main() {}
