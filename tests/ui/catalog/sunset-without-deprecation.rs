partner_events::include_catalog!("../../../../tests/ui/catalog/sunset-without-deprecation.yaml");

fn main() {}
