partner_events::include_catalog!("../../../../tests/ui/catalog/unknown-type-suggests-one.yaml");

fn main() {}
