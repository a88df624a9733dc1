#![deny(deprecated)]

use partner_events::events::AwInteractionFocusV1;

fn on_focus(_event: AwInteractionFocusV1) {}

fn main() {}
