partner_events::include_catalog!("../../../../tests/ui/catalog/duplicate-event-name.yaml");

fn main() {}
