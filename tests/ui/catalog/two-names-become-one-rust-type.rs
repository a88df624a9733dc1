partner_events::include_catalog!("../../../../tests/ui/catalog/two-names-become-one-rust-type.yaml");

fn main() {}
