partner_events::include_catalog!("../../../../tests/ui/catalog/version-not-semver.yaml");

fn main() {}
