partner_events::include_catalog!("/etc/catalog.yaml");

fn main() {}
