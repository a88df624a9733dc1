partner_events::include_catalog!("../../../../tests/ui/catalog/unknown-direction.yaml");

fn main() {}
