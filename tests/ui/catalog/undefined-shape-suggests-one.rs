partner_events::include_catalog!("../../../../tests/ui/catalog/undefined-shape-suggests-one.yaml");

fn main() {}
