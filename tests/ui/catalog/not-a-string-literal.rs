partner_events::include_catalog!(catalog_yaml);

fn main() {}
