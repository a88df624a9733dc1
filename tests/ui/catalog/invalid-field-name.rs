partner_events::include_catalog!("../../../../tests/ui/catalog/invalid-field-name.yaml");

fn main() {}
