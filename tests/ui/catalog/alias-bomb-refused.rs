partner_events::include_catalog!("../../../../tests/ui/catalog/alias-bomb-refused.yaml");

fn main() {}
