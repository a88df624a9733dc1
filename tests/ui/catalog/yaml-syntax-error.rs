partner_events::include_catalog!("../../../../tests/ui/catalog/yaml-syntax-error.yaml");

fn main() {}
