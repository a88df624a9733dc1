partner_events::include_catalog!("../../../../tests/ui/catalog/dates-out-of-order.yaml");

fn main() {}
