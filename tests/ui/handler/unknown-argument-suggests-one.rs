#![allow(unused)]

use partner_events::events::*;

struct App;

#[partner_events::handler(exhaustiv)]
impl App {
    fn on_hold(&mut self, event: AwInteractionHoldV1) {}
}

fn main() {}
