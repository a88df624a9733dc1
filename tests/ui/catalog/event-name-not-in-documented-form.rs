partner_events::include_catalog!("../../../../tests/ui/catalog/event-name-not-in-documented-form.yaml");

fn main() {}
