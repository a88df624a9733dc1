#![allow(unused)]

use partner_events::events::*;

struct App;

#[partner_events::handler]
impl App {
    fn on_reply(&mut self, event: AwChatMessageReceivedV1) {}
}

fn main() {}
