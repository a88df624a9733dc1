#![deny(deprecated)]

use partner_events::events::AwInteractionFocusV1;

struct App;

#[partner_events::handler]
impl App {
    fn on_focus(&mut self, _event: AwInteractionFocusV1) {}
}

fn main() {}
