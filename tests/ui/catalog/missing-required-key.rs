partner_events::include_catalog!("../../../../tests/ui/catalog/missing-required-key.yaml");

fn main() {}
