partner_events::include_catalog!("../../../../tests/ui/catalog/unknown-key-suggests-the-key.yaml");

fn main() {}
