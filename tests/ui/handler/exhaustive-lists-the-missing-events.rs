#![allow(unused)]

use partner_events::events::*;

struct App;

#[partner_events::handler(exhaustive)]
impl App {
    fn on_hold(&mut self, _event: AwInteractionHoldV1) {}
    fn on_mute(&mut self, _event: AwInteractionMuteV1) {}
}

fn main() {}
