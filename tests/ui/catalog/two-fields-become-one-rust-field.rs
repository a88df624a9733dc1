partner_events::include_catalog!("../../../../tests/ui/catalog/two-fields-become-one-rust-field.yaml");

fn main() {}
