#![allow(unused)]

use partner_events::events::*;

struct App;

#[partner_events::handler]
impl App {
    fn on_text(&mut self, text: String) {}
}

fn main() {}
