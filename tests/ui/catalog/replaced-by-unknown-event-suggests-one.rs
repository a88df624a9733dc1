partner_events::include_catalog!("../../../../tests/ui/catalog/replaced-by-unknown-event-suggests-one.yaml");

fn main() {}
