partner_events::include_catalog!("../../../../tests/ui/catalog/every-error-at-once.yaml");

fn main() {}
