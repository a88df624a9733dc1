mod old {
    partner_events::include_catalog!("../../../../tests/ui/deprecation/sunset-event-type-is-an-error-after-the-as-of-date.yaml");
}

fn on_ping(_event: old::DemoPingV1) {}

fn main() {}
