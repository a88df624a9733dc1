partner_events::include_catalog!("no-such-catalog.yaml");

fn main() {}
