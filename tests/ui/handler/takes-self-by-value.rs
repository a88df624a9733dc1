#![allow(unused)]

use partner_events::events::*;

struct App;

#[partner_events::handler]
impl App {
    fn on_hold(self, event: AwInteractionHoldV1) {}
}

fn main() {}
