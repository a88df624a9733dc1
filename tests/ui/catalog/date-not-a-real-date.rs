partner_events::include_catalog!("../../../../tests/ui/catalog/date-not-a-real-date.yaml");

fn main() {}
