#![allow(unused)]

use partner_events::events::*;

struct App;

#[partner_events::handler]
impl App {
    fn on_hold(&mut self, event: AwInteractionHodlV1) {}
}

fn main() {}
