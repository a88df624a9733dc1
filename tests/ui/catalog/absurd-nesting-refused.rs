partner_events::include_catalog!("../../../../tests/ui/catalog/absurd-nesting-refused.yaml");

fn main() {}
