partner_events::include_catalog!("../../../../tests/ui/catalog/empty-catalog.yaml");

fn main() {}
